# test/test_cancel.rb: Transfer#cancel and Manager#close abort an open multipart upload (seen open from outside first, gone after); wait with a timeout.
# frozen_string_literal: true

require_relative 'helper'

class TestCancel < Minitest::Test
  # Slow enough (2 MiB/s for 20 MiB) that the upload is surely still running when cancelled.
  def slow_manager
    manager(max_bandwidth: 2 * MIB)
  end

  def with_big_file(size = 20 * MIB)
    Dir.mktmpdir do |dir|
      path = File.join(dir, 'big.bin')
      File.open(path, 'wb') { |f| f.truncate(size) }
      yield path
    end
  end

  def test_cancel_aborts_the_open_multipart_upload
    k = key('cancel')
    m = slow_manager
    with_big_file do |path|
      t = m.upload_file_async(path, bucket: BUCKET, key: k)
      # the server shows the multipart upload open: the cancel has something to abort
      eventually(20, 'the multipart upload to open') { !open_uploads(k).empty? }
      assert_nil t.wait(0.1), 'a wait that times out returns nil'
      refute t.done?
      started = monotonic
      t.cancel
      e = assert_raises(Xfer::CancelledError) { t.wait }
      assert_operator monotonic - started, :<, 5
      assert_equal Xfer::Native::XFER_ECANCELLED, e.status
      assert t.done?
      assert_raises(Xfer::CancelledError) { t.wait } # the outcome stays
    end
    assert_empty open_uploads(k), 'cancel left the multipart upload open'
    assert_nil listed(k)
  ensure
    m&.close
  end

  # Another thread cancels while this one waits on a stream upload it feeds.
  def test_cancel_from_another_thread_while_waiting
    k = key('cancel-other-thread')
    m = slow_manager
    reads = Queue.new
    reader = Object.new
    reader.define_singleton_method(:read) do |n|
      reads << n
      "\1" * n
    end
    t = m.upload_async(reader, bucket: BUCKET, key: k)
    canceller = Thread.new do
      eventually(20, 'the multipart upload to open') { !open_uploads(k).empty? }
      t.cancel
    end
    assert_raises(Xfer::CancelledError) { t.wait }
    canceller.join
    refute reads.empty?
    assert_empty open_uploads(k)
  ensure
    m&.close
  end

  # Closing the manager cancels what still runs; waiting afterwards reports the cancel.
  def test_close_cancels_running_transfers
    k = key('close')
    m = slow_manager
    with_big_file do |path|
      t = m.upload_file_async(path, bucket: BUCKET, key: k)
      eventually(20, 'the multipart upload to open') { !open_uploads(k).empty? }
      m.close
      assert t.done?
      assert_raises(Xfer::CancelledError) { t.wait }
    end
    assert_empty open_uploads(k)
  end
end
