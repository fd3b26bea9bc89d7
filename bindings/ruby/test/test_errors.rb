# test/test_errors.rb: typed errors (NoSuchKey, bad arguments, closed manager) and callbacks that raise: the transfer fails with that very exception, nothing left open.
# frozen_string_literal: true

require_relative 'helper'

class TestErrors < Minitest::Test
  class ReaderBoom < StandardError; end
  class WriterBoom < StandardError; end
  class ProgressBoom < StandardError; end

  def setup
    @m = manager
  end

  def teardown
    @m.close
  end

  def test_missing_key_raises_service_error_with_no_such_key
    e = assert_raises(Xfer::ServiceError) do
      @m.download(bucket: BUCKET, key: key('missing'), io: StringIO.new(String.new))
    end
    assert_equal 'NoSuchKey', e.code
    assert_equal 404, e.http_status
    assert_equal Xfer::Native::XFER_ESERVICE, e.status
    assert_equal 'XFER_ESERVICE', e.status_name
    refute_nil e.request_id
    refute_empty e.request_id
    assert_kind_of Xfer::Error, e
    assert_kind_of StandardError, e
  end

  def test_missing_key_to_file_leaves_no_file
    Dir.mktmpdir do |dir|
      path = File.join(dir, 'out.bin')
      e = assert_raises(Xfer::ServiceError) { @m.download_file(bucket: BUCKET, key: key('missing'), path: path) }
      assert_equal 'NoSuchKey', e.code
      assert_empty Dir.children(dir)
    end
  end

  # A reader that raises after the first part went out: the upload fails with that very
  # exception (same object, its backtrace intact), the multipart upload is aborted.
  def test_reader_that_raises_fails_the_upload_with_that_exception
    k = key('reader-raises')
    sent = 0
    boom = ReaderBoom.new('the reader broke')
    reader = Object.new
    reader.define_singleton_method(:read) do |n|
      raise boom if sent >= 11 * MIB

      sent += n
      "\0" * n
    end
    progress = []
    e = assert_raises(ReaderBoom) do
      @m.upload(reader, bucket: BUCKET, key: k) { |done, _total| progress << done }
    end
    assert_same boom, e
    assert(e.backtrace.any? { |l| l.include?(__FILE__) })
    assert_operator sent, :>=, 11 * MIB
    assert_empty open_uploads(k), 'the failed upload left a multipart upload open'
    assert_nil listed(k)
    # the manager is fine afterwards
    assert_equal 3, @m.upload('abc', bucket: BUCKET, key: k).size
  end

  def test_reader_returning_garbage_fails_with_type_error
    reader = Object.new
    reader.define_singleton_method(:read) { |_n| 42 }
    assert_raises(TypeError) { @m.upload(reader, bucket: BUCKET, key: key('garbage')) }
    too_much = Object.new
    too_much.define_singleton_method(:read) { |n| 'x' * (n + 1) }
    assert_raises(RangeError) { @m.upload(too_much, bucket: BUCKET, key: key('too-much')) }
  end

  def test_writer_that_raises_fails_the_download_with_that_exception
    k = key('writer-raises')
    @m.upload(random_bytes(12 * MIB), bucket: BUCKET, key: k)
    writes = 0
    writer = Object.new
    writer.define_singleton_method(:write) do |s|
      writes += 1
      raise WriterBoom, "write #{writes}" if writes == 2

      s.bytesize
    end
    e = assert_raises(WriterBoom) { @m.download(bucket: BUCKET, key: k, io: writer) }
    assert_equal 'write 2', e.message
    assert_equal 2, writes # no write after the one that raised
  end

  def test_progress_block_that_raises_cancels_with_that_exception
    k = key('progress-raises')
    e = assert_raises(ProgressBoom) do
      @m.upload(StringIO.new(random_bytes(16 * MIB)), bucket: BUCKET, key: k) do |done, _total|
        raise ProgressBoom, 'stop' if done.positive?
      end
    end
    assert_equal 'stop', e.message
    assert_empty open_uploads(k)
    assert_nil listed(k)
  end

  # throw and break out of a block are not exceptions: they go where they were going, and
  # the transfer is cancelled on the way (as Timeout, which throws, relies on).
  def test_throw_and_break_out_of_a_block_cancel_and_go_on
    k = key('throw')
    caught = catch(:out) do
      @m.upload(StringIO.new(random_bytes(12 * MIB)), bucket: BUCKET, key: k) { |d, _t| throw :out, :thrown if d.positive? }
      :not_thrown
    end
    assert_equal :thrown, caught
    assert_empty open_uploads(k)
    assert_nil listed(k)

    reader = Object.new
    reader.define_singleton_method(:read) { |n| "\0" * n } # never ends
    with_manager(max_in_memory_upload_chunks: 2) do |m|
      r = m.upload(reader, bucket: BUCKET, key: k) { |d, _t| break :stopped if d.positive? }
      assert_equal :stopped, r
    end
    assert_empty open_uploads(k)
    assert_nil listed(k)
  end

  def test_invalid_arguments
    e = assert_raises(Xfer::InvalidArgumentError) do
      @m.upload('x', bucket: BUCKET, key: key('bad-arg'), no_such_argument: 1)
    end
    assert_match(/ContentType/, e.message) # lists the valid names
    assert_raises(Xfer::InvalidArgumentError) { @m.upload('x', bucket: BUCKET, key: '') }
    # a known name the operation does not take: rejected before anything is sent
    assert_raises(Xfer::InvalidArgumentError) { @m.upload('x', bucket: BUCKET, key: key('v'), version_id: '1') }
    assert_nil listed(key('v'))
    assert_raises(Xfer::InvalidArgumentError) { manager(max_concurrency: 0) }
    assert_raises(Xfer::InvalidArgumentError) { manager(checksum_algorithm: 'MD4') }
    assert_raises(ArgumentError) { manager(no_such_setting: 1) }
    assert_raises(ArgumentError) { @m.upload(42, bucket: BUCKET, key: key('x')) }
  end

  def test_extra_arg_names
    assert_equal 'SSECustomerKeyMD5', Xfer::ExtraArgs.wire_name(:sse_customer_key_md5)
    assert_equal 'SSEKMSKeyId', Xfer::ExtraArgs.wire_name(:sse_kms_key_id)
    assert_equal 'GrantReadACP', Xfer::ExtraArgs.wire_name(:grant_read_acp)
    assert_equal 'ChecksumCRC32C', Xfer::ExtraArgs.wire_name(:checksum_crc32c)
    assert_equal 'ContentType', Xfer::ExtraArgs.wire_name('ContentType')
  end

  def test_closed_manager
    m = manager
    m.close
    m.close # harmless
    assert m.closed?
    e = assert_raises(Xfer::ClosedError) { m.upload('x', bucket: BUCKET, key: key('closed')) }
    assert_equal Xfer::Native::XFER_ESTATE, e.status
  end
end
