# test/test_streams.rb: round trips through the stream API (#upload from a pipe and StringIO, #download into StringIO and a pipe), files, copy and delete, checked from outside.
# frozen_string_literal: true

require_relative 'helper'

class TestStreams < Minitest::Test
  # 64 MiB from a pipe fed by another Ruby thread, back into a StringIO: the reader blocks in
  # IO#read on the waiting thread while the feeder runs, since the wait releases the GVL.
  def test_64_mib_round_trip_through_pipe_and_stringio
    size = 64 * MIB
    data = random_bytes(size, 64)
    k = key('64mib')
    with_manager do |m|
      r, w = IO.pipe
      feeder = Thread.new do
        (0...size).step(MIB) { |off| w.write(data.byteslice(off, MIB)) }
        w.close
      end
      seen = []
      result = m.upload(r, bucket: BUCKET, key: k) { |done, total| seen << [done, total] }
      feeder.join
      r.close
      assert_equal size, result.size
      assert_equal [size, size], seen.last
      # from outside: the bytes stored and 13 parts of 5 MiB (the part count ends the ETag)
      obj = listed(k)
      assert_equal size, obj['size']
      assert_match(/-13"?\z/, obj['etag'])
      assert_equal obj['etag'], result.etag

      out = StringIO.new(String.new(capacity: size))
      got = m.download(bucket: BUCKET, key: k, io: out)
      assert_equal size, got.size
      assert_equal Digest::SHA256.hexdigest(data), Digest::SHA256.hexdigest(out.string)
      m.delete(bucket: BUCKET, key: k)
      assert_nil listed(k)
    end
  end

  # The other direction: a String (as StringIO) up, a pipe down, read by another thread.
  def test_string_up_pipe_down
    data = random_bytes(11 * MIB + 7, 11)
    k = key('pipe-down')
    with_manager do |m|
      m.upload(data, bucket: BUCKET, key: k)
      r, w = IO.pipe
      r.binmode
      reader = Thread.new { r.read }
      m.download(bucket: BUCKET, key: k, io: w)
      w.close
      assert_equal Digest::SHA256.hexdigest(data), Digest::SHA256.hexdigest(reader.value)
      r.close
    end
  end

  # A reader object that only has read(n) (no outbuf), returning short reads.
  def test_custom_reader_with_short_reads
    data = random_bytes(6 * MIB + 3, 6)
    reader = Object.new
    pos = 0
    reader.define_singleton_method(:read) do |n|
      next nil if pos >= data.bytesize

      chunk = data.byteslice(pos, [n, 100_000].min)
      pos += chunk.bytesize
      chunk
    end
    k = key('short-reads')
    with_manager do |m|
      m.upload(reader, bucket: BUCKET, key: k)
      assert_equal data.bytesize, listed(k)['size']
      out = StringIO.new(String.new)
      m.download(bucket: BUCKET, key: k, io: out)
      assert data == out.string, 'downloaded bytes differ'
    end
  end

  # A StringIO (and so a String) goes from its string straight into the part buffer: one copy,
  # no StringIO#read into an intermediate String. An IO is read with IO#read, which the trace
  # sees, so the trace would see StringIO#read too.
  def test_stringio_is_copied_once_into_the_part_buffer
    data = random_bytes(11 * MIB + 5, 12)
    k = key('stringio-direct')
    calls = Hash.new(0)
    trace = TracePoint.new(:c_call) do |tp|
      calls[[tp.defined_class, tp.method_id]] += 1 if [StringIO, IO].include?(tp.defined_class)
    end
    with_manager do |m|
      io = StringIO.new(data)
      io.pos = 5 # uploads from the current position on, as read would
      r, w = IO.pipe
      feeder = Thread.new { w.write('from a pipe') && w.close }
      trace.enable do
        m.upload(io, bucket: BUCKET, key: k)
        m.upload(r, bucket: BUCKET, key: "#{k}-pipe")
      end
      feeder.join
      r.close
      assert_equal 0, calls[[StringIO, :read]], "StringIO#read was called: #{calls}"
      assert_operator calls[[StringIO, :string]], :>=, 3, "the string was not read directly: #{calls}"
      assert_operator calls[[IO, :read]], :>=, 1, "the trace did not see IO#read: #{calls}"
      assert_equal data.bytesize, io.pos
      out = StringIO.new(String.new)
      m.download(bucket: BUCKET, key: k, io: out)
      assert data.byteslice(5..) == out.string, 'downloaded bytes differ'
      assert_equal 11, listed("#{k}-pipe")['size']
    end
  end

  def test_empty_object
    k = key('empty')
    with_manager do |m|
      r = m.upload(StringIO.new(''), bucket: BUCKET, key: k)
      assert_equal 0, r.size
      assert_equal 0, listed(k)['size']
      out = StringIO.new(String.new)
      assert_equal 0, m.download(bucket: BUCKET, key: k, io: out).size
      assert_equal '', out.string
    end
  end

  # Files, extra arguments (as keywords), copy and delete.
  def test_files_extra_args_copy_delete
    data = random_bytes(7 * MIB, 7)
    k = key('file')
    k2 = key('file-copy')
    Dir.mktmpdir do |dir|
      src = File.join(dir, 'src.bin')
      File.binwrite(src, data)
      with_manager do |m|
        up = m.upload_file(src, bucket: BUCKET, key: k, content_type: 'application/x-test',
                                metadata: { 'origin' => 'ruby' })
        assert_match(/-2"\z/, up.etag)
        head = s3check('head', BUCKET, k)
        assert_equal 'application/x-test', head['headers']['content-type']
        assert_equal 'ruby', head['headers']['x-amz-meta-origin']

        cp = m.copy(source_bucket: BUCKET, source_key: k, bucket: BUCKET, key: k2)
        assert_equal data.bytesize, cp.size
        assert_equal data.bytesize, listed(k2)['size']

        dst = File.join(dir, 'dst.bin')
        m.download_file(bucket: BUCKET, key: k2, path: dst)
        assert File.binread(dst) == data, 'downloaded file differs'

        m.delete(bucket: BUCKET, key: k)
        m.delete(bucket: BUCKET, key: k2)
        assert_nil listed(k)
        assert_nil listed(k2)
      end
    end
  end

  def test_open_block_closes_and_async_wait
    k = key('open-block')
    k2 = key('open-block-later')
    m = nil
    later = nil
    result = Xfer::Manager.open(endpoint: ENV.fetch('XFER_TEST_ENDPOINT'), access_key_id: ENV.fetch('XFER_TEST_ACCESS_KEY'),
                                secret_access_key: ENV.fetch('XFER_TEST_SECRET_KEY'), env: false) do |mgr|
      m = mgr
      # a stream upload nobody waits on: it reads only while someone waits, so the end of
      # the block (Manager#shutdown) waits on it
      later = mgr.upload_async(StringIO.new('later'), bucket: BUCKET, key: k2)
      t = mgr.upload_async('hello', bucket: BUCKET, key: k)
      assert_kind_of Xfer::Transfer, t
      r = t.wait
      assert_same r, t.wait # a second wait returns the same result
      assert t.done?
      r
    end
    assert m.closed?
    assert later.done?
    assert_equal 5, later.wait.size
    assert_equal 5, listed(k2)['size']
    assert_equal 5, result.size
    assert_raises(Xfer::ClosedError) { m.delete(bucket: BUCKET, key: k) }
    assert_equal 5, listed(k)['size']
  end
end
