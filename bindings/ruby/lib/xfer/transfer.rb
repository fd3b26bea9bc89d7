# lib/xfer/transfer.rb: Xfer::Transfer, one submitted transfer (wait, cancel, result), and Xfer::Result.
# frozen_string_literal: true

module Xfer
  # What a successful transfer returns. etag, version_id and checksum are nil when the
  # operation or the server gives none (e.g. checksum for a download, anything for a delete).
  Result = Struct.new(:bucket, :key, :etag, :version_id, :checksum, :size, keyword_init: true)

  # One submitted transfer, returned by the *_async methods of Manager.
  #
  # Callbacks (the reader or writer, the progress block) run only while a thread waits: a
  # stream upload reads only while someone is in #wait. #wait releases the GVL, so other Ruby
  # threads run meanwhile; if an exception interrupts the waiting thread (Interrupt from
  # Ctrl-C, Thread#raise, Timeout, Thread#kill) the transfer is cancelled before the exception
  # goes on. Any thread may call #cancel at any time. Several threads may wait on one transfer:
  # they take turns.
  class Transfer
    attr_reader :bucket, :key

    # Made by Manager; future and callbacks are Native handles this object now owns.
    def initialize(manager, future, callbacks, bucket, key)
      @manager = manager
      @future = future
      @callbacks = callbacks # keeps the reader, writer and block alive while the future lives
      @bucket = bucket
      @key = key
      @wait_lock = Mutex.new   # one waiter at a time; finishing happens under it
      @future_lock = Mutex.new # guards @future against #cancel from other threads
      @outcome = nil           # [:ok, Result] or [:raise, exception] once finished
    end

    # Waits for the end and returns the Result, or raises the transfer's error (an Xfer::Error,
    # or the very exception a reader, writer or progress block raised). With a timeout in
    # seconds, returns nil if the transfer is still running then (it goes on; wait again or
    # cancel). The future is released as soon as the transfer ends.
    def wait(timeout = nil)
      raise Error, 'Transfer#wait called from one of its own callbacks' if @wait_lock.owned?

      deadline = timeout && now + timeout
      begin
        return nil unless take_turn(deadline)

        unless @outcome
          ms = deadline ? [((deadline - now) * 1000).ceil, 0].max : -1
          status = wait_interruptibly(ms)
          return nil if status.nil?

          finish(status)
        end
      ensure
        @wait_lock.unlock if @wait_lock.owned?
      end
      deliver
    end

    # Asks the transfer to stop: in-flight requests stop within about 100 ms, an open
    # multipart upload is aborted, and #wait raises CancelledError. A no-op once it ended.
    def cancel
      @future_lock.synchronize { Native.xfer_future_cancel(@future) if @future }
      self
    end

    # Whether the transfer has ended (then #wait returns or raises at once).
    def done?
      return true if @outcome

      @future_lock.synchronize { @future.nil? || Native.xfer_future_done(@future) == 1 }
    end

    # Bytes known so far: the final size once it succeeded.
    def size
      return @outcome[1].size if @outcome && @outcome[0] == :ok

      @future_lock.synchronize { @future ? Native.xfer_future_size(@future) : 0 }
    end

    def inspect
      state = if @outcome then @outcome[0] == :ok ? 'ok' : 'failed'
              else 'running'
              end
      "#<#{self.class} #{@bucket}/#{@key} #{state}>"
    end

    private

    def now
      Process.clock_gettime(Process::CLOCK_MONOTONIC)
    end

    # Locks @wait_lock, giving up at the deadline (another thread is waiting meanwhile).
    def take_turn(deadline)
      return @wait_lock.lock && true unless deadline

      until @wait_lock.try_lock
        return false if now >= deadline

        sleep 0.005
      end
      true
    end

    # One wait; nil on timeout. An exception from the wait (an interrupt of this thread)
    # cancels the transfer, lets it end without running Ruby callbacks, then goes on.
    def wait_interruptibly(ms)
      finished = false
      begin
        status = @callbacks.wait(@future, ms)
        finished = true
      ensure
        unless finished
          Thread.handle_interrupt(Object => :never) do # a second Ctrl-C must not skip this
            cancel
            @callbacks.disarm
            finish(Native.xfer_future_drain(@future), interrupted: true)
          end
        end
      end
      return nil if status == Native::XFER_ETIMEDOUT && Native.xfer_future_done(@future) != 1

      status
    end

    # Records the outcome and releases the future; called once, under @wait_lock.
    def finish(status, interrupted: false)
      Thread.handle_interrupt(Object => :never) { record(status, interrupted) }
    end

    def record(status, interrupted)
      f = @future
      cb = @callbacks
      @outcome = if cb.error
                   [:raise, cb.error]
                 elsif status == Native::XFER_OK
                   [:ok, result(f)]
                 elsif interrupted
                   [:raise, CancelledError.new('cancelled: an exception or a throw left the wait',
                                               status: Native::XFER_ECANCELLED)]
                 else
                   [:raise, error(f, status)]
                 end
      @future_lock.synchronize { @future = nil }
      Native.xfer_future_free(f) # no callback runs after this: the callbacks may go
      cb.disarm
      @callbacks = nil
      @manager.__send__(:forget, self)
    end

    # After Manager#close shut the manager down (cancelling): settle without waiting here.
    def settle_after_shutdown
      @wait_lock.synchronize do
        next if @outcome

        @callbacks.disarm
        finish(Native.xfer_future_drain(@future))
      end
    end

    def waiting_here?
      @wait_lock.owned?
    end

    def deliver
      kind, value = @outcome
      case kind
      when :ok then value
      else raise value
      end
    end

    def result(f)
      Result.new(bucket: @bucket, key: @key, etag: Native.xfer_future_etag(f),
                 version_id: Native.xfer_future_version_id(f),
                 checksum: Native.xfer_future_checksum(f), size: Native.xfer_future_size(f))
    end

    def error(f, status)
      http = Native.xfer_future_http_status(f)
      Xfer.error_for(status, Native.xfer_future_error_message(f),
                     http_status: http.zero? ? nil : http,
                     code: Native.xfer_future_s3_error_code(f),
                     request_id: Native.xfer_future_request_id(f))
    end
  end
end
