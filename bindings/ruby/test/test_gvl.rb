# test/test_gvl.rb: the GVL is released while waiting (another Ruby thread counts meanwhile), and Thread#raise(Interrupt) or a real SIGINT on the waiting thread cancels the transfer.
# frozen_string_literal: true

require_relative 'helper'

class TestGvl < Minitest::Test
  SIZE = 10 * MIB
  RATE = 4 * MIB # bytes per second: the transfer lasts about 2.5 s

  def setup
    @dir = Dir.mktmpdir
    @path = File.join(@dir, 'f.bin')
    File.open(@path, 'wb') { |f| f.truncate(SIZE) }
    @m = manager(max_bandwidth: RATE)
  end

  def teardown
    @m.close
    FileUtils.remove_entry(@dir)
  end

  # A pure-Ruby counter needs the GVL for every step: it only advances during the upload if
  # the waiting thread let go of the GVL. Progress blocks still run (they take the GVL back).
  def test_another_thread_runs_during_a_long_transfer
    counter = 0
    stop = false
    counting = Thread.new { counter += 1 until stop }
    sleep 0.05 until counter.positive?
    progress_calls = 0
    c0 = counter
    t0 = monotonic
    @m.upload_file(@path, bucket: BUCKET, key: key('long')) { |_d, _t| progress_calls += 1 }
    elapsed = monotonic - t0
    c1 = counter
    stop = true
    counting.join
    assert_operator elapsed, :>=, 1.5, 'the transfer was not long enough to show anything'
    assert_operator c1 - c0, :>, 100_000, "the counter advanced by #{c1 - c0} in #{elapsed.round(2)} s"
    assert_operator progress_calls, :>=, 3
    assert_equal SIZE, listed(key('long'))['size']
  end

  # Thread#raise(Interrupt) on a thread blocked in #upload_file: the Interrupt arrives at
  # once, and the transfer is cancelled (its multipart upload aborted) before it propagates.
  def test_thread_raise_interrupt_cancels_the_transfer
    k = key('thread-raise')
    uploader = Thread.new do
      Thread.current.report_on_exception = false
      @m.upload_file(@path, bucket: BUCKET, key: k)
    end
    eventually(20, 'the multipart upload to open') { !open_uploads(k).empty? }
    raised_at = monotonic
    uploader.raise(Interrupt)
    assert_raises(Interrupt) { uploader.join(10) }
    assert_operator monotonic - raised_at, :<, 5, 'the interrupt took too long'
    assert_empty open_uploads(k), 'the interrupted transfer left its multipart upload open'
    assert_nil listed(k)
  end

  # Thread#kill is no exception, but the transfer is cancelled on its way too.
  def test_thread_kill_cancels_the_transfer
    k = key('thread-kill')
    uploader = Thread.new { @m.upload_file(@path, bucket: BUCKET, key: k) }
    eventually(20, 'the multipart upload to open') { !open_uploads(k).empty? }
    uploader.kill
    assert uploader.join(10), 'the killed thread did not end'
    assert_nil uploader.value
    assert_empty open_uploads(k), 'the killed thread left its multipart upload open'
    assert_nil listed(k)
  end

  # A real Ctrl-C: SIGINT to this process while the main thread waits in #upload_file.
  def test_sigint_cancels_the_transfer_on_the_main_thread
    skip 'needs the main thread' unless Thread.current.equal?(Thread.main)
    k = key('sigint')
    signaller = Thread.new do
      eventually(20, 'the multipart upload to open') { !open_uploads(k).empty? }
      Process.kill(:INT, Process.pid)
      monotonic
    end
    assert_raises(Interrupt) { @m.upload_file(@path, bucket: BUCKET, key: k) }
    assert_operator monotonic - signaller.value, :<, 5
    assert_empty open_uploads(k), 'Ctrl-C left the multipart upload open'
    assert_nil listed(k)
  end

  # Timeout.timeout is Thread#raise too: it cancels a stream upload whose reader blocks.
  def test_timeout_cancels_a_stream_upload
    require 'timeout'
    k = key('timeout')
    r, w = IO.pipe
    feeder = Thread.new { w.write("\0" * (6 * MIB)) } # then the pipe stays open, silent
    # the interrupt lands in IO#read inside the read callback: caught there, it fails the
    # transfer, which aborts its multipart upload, then goes on as Timeout::Error
    assert_raises(Timeout::Error) do
      Timeout.timeout(2) { @m.upload(r, bucket: BUCKET, key: k) }
    end
    feeder.join
    assert_empty open_uploads(k)
    assert_nil listed(k)
  ensure
    r&.close
    w&.close
  end
end
