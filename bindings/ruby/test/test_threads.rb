# test/test_threads.rb: 8 Ruby threads transferring on one manager, and multipart progress that reaches exactly the size, each callback on the thread that waits.
# frozen_string_literal: true

require_relative 'helper'

class TestThreads < Minitest::Test
  # Every thread uploads its own data through a stream, then downloads it back; the callbacks
  # of each transfer run on the thread that waits on it, never on another.
  def test_eight_threads_on_one_manager
    m = manager(max_concurrency: 8)
    threads = Array.new(8) do |i|
      Thread.new do
        data = random_bytes(5 * MIB + 1000 * i + 1, i)
        k = key("t#{i}")
        me = Thread.current
        foreign = 0
        check = proc { foreign += 1 unless Thread.current.equal?(me) }
        reader = StringIO.new(data)
        counted = Object.new
        counted.define_singleton_method(:read) do |n, buf = nil|
          check.call
          reader.read(n, buf)
        end
        up = m.upload(counted, bucket: BUCKET, key: k) { |_d, _t| check.call }
        out = StringIO.new(String.new)
        writer = Object.new
        writer.define_singleton_method(:write) do |s|
          check.call
          out.write(s)
        end
        down = m.download(bucket: BUCKET, key: k, io: writer) { |_d, _t| check.call }
        { i: i, key: k, ok: out.string == data, up: up, down: down, size: data.bytesize, foreign: foreign }
      end
    end
    results = threads.map(&:value)
    listing = s3check('list-objects', BUCKET, key('t')).to_h { |o| [o['key'], o] }
    results.each do |r|
      assert r[:ok], "thread #{r[:i]}: downloaded bytes differ"
      assert_equal 0, r[:foreign], "thread #{r[:i]}: a callback ran on another thread"
      assert_equal r[:size], r[:up].size
      assert_equal r[:size], r[:down].size
      assert_equal r[:size], listing.fetch(r[:key])['size']
      assert_match(/-2"\z/, listing.fetch(r[:key])['etag']) # two parts of 5 MiB and the rest
    end
  ensure
    m&.close
  end

  # A 12 MiB file in 5 MiB parts: progress never decreases and ends at exactly the size.
  def test_multipart_progress_reaches_exactly_the_size
    size = 12 * MIB + 12_345
    k = key('progress')
    Dir.mktmpdir do |dir|
      path = File.join(dir, 'f.bin')
      File.binwrite(path, random_bytes(size))
      with_manager do |m|
        seen = []
        threads = []
        r = m.upload_file(path, bucket: BUCKET, key: k) do |done, total|
          seen << [done, total]
          threads << Thread.current
        end
        assert_operator seen.size, :>=, 2
        assert_equal [size, size], seen.last
        assert_equal seen.map(&:first).sort, seen.map(&:first), 'progress went backwards'
        assert(seen.all? { |d, t| t == size && d <= size })
        assert(threads.all? { |t| t.equal?(Thread.current) })
        assert_equal size, r.size
        assert_match(/-3"\z/, r.etag)
        assert_equal r.etag, listed(k)['etag'] # three parts, as the server stored them

        # and a stream upload of the same size
        seen.clear
        m.upload(StringIO.new(File.binread(path)), bucket: BUCKET, key: k) { |d, t| seen << [d, t] }
        assert_equal [size, size], seen.last
      end
    end
  end
end
