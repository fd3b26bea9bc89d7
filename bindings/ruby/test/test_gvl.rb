# test/test_gvl.rb: the GVL is released while waiting (another Ruby thread counts, and wakes at once, meanwhile), and Thread#raise(Interrupt) or a real SIGINT on the waiting thread cancels the transfer.
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

  # The counter above cannot tell a released GVL from one held for a while and yielded at
  # each check for interrupts (Ruby's scheduler then lets the counter run its time slice). A
  # thread that sleeps 2 ms over and over can: it needs the GVL back the moment it wakes, so
  # a wait holding the GVL would delay its wake-ups to the end of the wait's slice (~50 ms).
  def test_a_waking_thread_gets_the_gvl_at_once_during_a_long_transfer
    delays = []
    stop = false
    sleeper = Thread.new do
      until stop
        t = monotonic
        sleep 0.002
        delays << monotonic - t - 0.002
      end
    end
    t0 = monotonic
    @m.upload_file(@path, bucket: BUCKET, key: key('wakeups'))
    elapsed = monotonic - t0
    stop = true
    sleeper.join
    assert_operator elapsed, :>=, 1.5, 'the transfer was not long enough to show anything'
    median = delays.sort[delays.size / 2]
    assert_operator delays.size, :>, 100, "only #{delays.size} wake-ups in #{elapsed.round(2)} s"
    assert_operator median, :<, 0.015, "median wake-up delay #{(median * 1000).round(1)} ms: the wait holds the GVL"
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
