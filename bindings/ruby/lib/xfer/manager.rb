# lib/xfer/manager.rb: Xfer::Manager, the Ruby face of xfer_manager: configuration, blocking and *_async transfers, close.
# frozen_string_literal: true

require 'stringio'

module Xfer
  # A transfer manager: one native thread pool, connection pool and memory budget shared by
  # every transfer submitted to it, from any number of Ruby threads.
  #
  #   Xfer::Manager.open(endpoint: "http://127.0.0.1:9000", access_key_id: "...",
  #                      secret_access_key: "...") do |m|
  #     m.upload_file("big.iso", bucket: "b", key: "big.iso") { |done, total| ... }
  #     m.download(bucket: "b", key: "big.iso", io: $stdout)
  #   end
  #
  # Each transfer method blocks until the transfer ends and returns a Result (or raises);
  # its *_async twin returns an Xfer::Transfer at once. The optional block receives progress
  # as (bytes_done, bytes_total), bytes_total nil while unknown; it runs on the waiting thread.
  # Keywords beyond the named ones are extra arguments (see ExtraArgs): content_type:,
  # metadata:, sse_customer_key:, version_id:, ...
  #
  # Close a manager (#close, or the block form of ::open) to stop its threads; nothing is
  # released by the garbage collector.
  class Manager
    # Keyword => [native setter, conversion of the Ruby value]. Setters of a newer libxfer
    # are used only when the loaded library has them.
    SETTINGS = {
      endpoint: [:xfer_config_set_endpoint, :to_s.to_proc],
      region: [:xfer_config_set_region, :to_s.to_proc],
      path_style: [:xfer_config_set_path_style, ->(v) { v ? 1 : 0 }],
      multipart_threshold: [:xfer_config_set_multipart_threshold, :to_int.to_proc],
      multipart_chunksize: [:xfer_config_set_multipart_chunksize, :to_int.to_proc],
      max_concurrency: [:xfer_config_set_max_concurrency, :to_int.to_proc],
      use_threads: [:xfer_config_set_use_threads, ->(v) { v ? 1 : 0 }],
      max_bandwidth: [:xfer_config_set_max_bandwidth, :to_int.to_proc],
      num_download_attempts: [:xfer_config_set_num_download_attempts, :to_int.to_proc],
      max_in_memory_upload_chunks: [:xfer_config_set_max_in_memory_upload_chunks, :to_int.to_proc],
      max_in_memory_download_chunks: [:xfer_config_set_max_in_memory_download_chunks, :to_int.to_proc],
      checksum_algorithm: [:xfer_config_set_checksum_algorithm, :to_s.to_proc],
      ca_bundle: [:xfer_config_set_ca_bundle, :to_s.to_proc],
      verify_tls: [:xfer_config_set_verify_tls, ->(v) { v ? 1 : 0 }],
      sign_payload: [:xfer_config_set_sign_payload, ->(v) { v ? 1 : 0 }],
      connect_timeout: [:xfer_config_set_connect_timeout_ms, ->(s) { (s * 1000).ceil }],
      stall_timeout: [:xfer_config_set_stall_timeout_ms, ->(s) { (s * 1000).ceil }],
      content_md5: [:xfer_config_set_content_md5, ->(v) { v ? 1 : 0 }],
      aws_chunk_size: [:xfer_config_set_aws_chunk_size, :to_int.to_proc]
    }.freeze

    # Yields a new manager and closes it afterwards: on a normal exit it first waits for
    # transfers still running (#shutdown), after an exception it cancels them (#close).
    def self.open(**settings)
      manager = new(**settings)
      return manager unless block_given?

      begin
        value = yield manager
      rescue Exception # cancel on any way out, interrupts included
        manager.close
        raise
      end
      manager.shutdown
      value
    end

    # Settings are s3transfer's TransferConfig and more (SETTINGS lists them; sizes in bytes,
    # timeouts in seconds). With env: true (the default) the AWS CLI's environment variables
    # and files are read first (for profile:, else AWS_PROFILE), then the keywords override.
    # Raises InvalidArgumentError for a rejected value.
    def initialize(access_key_id: nil, secret_access_key: nil, session_token: nil, env: true,
                   profile: nil, **settings)
      unknown = settings.keys - SETTINGS.keys
      raise ArgumentError, "unknown setting#{'s' if unknown.size > 1}: #{unknown.join(', ')}" unless unknown.empty?

      config = Native.xfer_config_new or raise Xfer.last_error(Native::XFER_ENOMEM)
      begin
        check(Native.xfer_config_load_env(config, profile&.to_s)) if env
        if access_key_id || secret_access_key
          check(Native.xfer_config_set_credentials(config, access_key_id.to_s, secret_access_key.to_s,
                                                   session_token&.to_s))
        end
        settings.each do |name, value|
          next if value.nil?

          setter, convert = SETTINGS.fetch(name)
          raise ArgumentError, "#{name}: not supported by libxfer #{Xfer::VERSION}" unless Native.respond_to?(setter)

          check(Native.public_send(setter, config, convert.call(value)))
        end
        @handle = Native.xfer_manager_new(config) or raise Xfer.last_error
      ensure
        Native.xfer_config_free(config)
      end
      @lock = Mutex.new
      @transfers = {} # running Transfers, so that #close can settle them
    end

    # Uploads a local file (parts are read straight from the file).
    def upload_file(path, bucket:, key:, **extra_args, &progress)
      upload_file_async(path, bucket: bucket, key: key, **extra_args, &progress).wait
    end

    def upload_file_async(path, bucket:, key:, **extra_args, &progress)
      path = File.path(path) # a String or a Pathname
      submit(bucket, key, extra_args, nil, progress) do |m, args, cb, pfn|
        Native.xfer_upload_file(m, path, bucket.to_s, key.to_s, args, pfn, cb)
      end
    end

    # Uploads what io.read(n) returns until it returns nil (an IO, a StringIO, a pipe, or
    # any object with #read; a String is uploaded as is). Reads happen on the waiting thread.
    #
    # With aws_chunked: true and size: (the exact byte count io holds), the upload is sent as
    # signed aws-chunked data (xfer_upload_fileobj_chunked): no part buffers, two chunks of
    # memory whatever the size, every chunk signed. Servers: AWS S3 and Ceph radosgw; Swift's
    # s3api raises ServiceError NotImplemented (501).
    def upload(io, bucket:, key:, size: nil, aws_chunked: false, **extra_args, &progress)
      upload_async(io, bucket: bucket, key: key, size: size, aws_chunked: aws_chunked, **extra_args,
                       &progress).wait
    end

    def upload_async(io, bucket:, key:, size: nil, aws_chunked: false, **extra_args, &progress)
      io = StringIO.new(io) if io.is_a?(String)
      raise ArgumentError, "#{io.class} does not respond to read" unless io.respond_to?(:read)

      size = chunked_size(size, aws_chunked)
      submit(bucket, key, extra_args, io, progress, read_mode: read_mode(io)) do |m, args, cb, pfn|
        if size
          Native.xfer_upload_fileobj_chunked(m, Native::READ_FN, cb, size, bucket.to_s, key.to_s, args, pfn, cb)
        else
          Native.xfer_upload_fileobj(m, Native::READ_FN, cb, bucket.to_s, key.to_s, args, pfn, cb)
        end
      end
    end

    # Downloads into a local file, replaced only once the download succeeded.
    def download_file(bucket:, key:, path:, **extra_args, &progress)
      download_file_async(bucket: bucket, key: key, path: path, **extra_args, &progress).wait
    end

    def download_file_async(bucket:, key:, path:, **extra_args, &progress)
      path = File.path(path)
      submit(bucket, key, extra_args, nil, progress) do |m, args, cb, pfn|
        Native.xfer_download_file(m, bucket.to_s, key.to_s, path, args, pfn, cb)
      end
    end

    # Downloads by calling io.write(string) with the bytes in order, on the waiting thread.
    def download(bucket:, key:, io:, **extra_args, &progress)
      download_async(bucket: bucket, key: key, io: io, **extra_args, &progress).wait
    end

    def download_async(bucket:, key:, io:, **extra_args, &progress)
      raise ArgumentError, "#{io.class} does not respond to write" unless io.respond_to?(:write)

      submit(bucket, key, extra_args, io, progress) do |m, args, cb, pfn|
        Native.xfer_download_fileobj(m, bucket.to_s, key.to_s, Native::WRITE_FN, cb, args, pfn, cb)
      end
    end

    # Copies an object on the server (multipart copy from the multipart threshold on).
    def copy(source_bucket:, source_key:, bucket:, key:, **extra_args, &progress)
      copy_async(source_bucket: source_bucket, source_key: source_key, bucket: bucket, key: key,
                 **extra_args, &progress).wait
    end

    def copy_async(source_bucket:, source_key:, bucket:, key:, **extra_args, &progress)
      submit(bucket, key, extra_args, nil, progress) do |m, args, cb, pfn|
        Native.xfer_copy(m, source_bucket.to_s, source_key.to_s, bucket.to_s, key.to_s, args, pfn, cb)
      end
    end

    # Deletes an object.
    def delete(bucket:, key:, **extra_args)
      delete_async(bucket: bucket, key: key, **extra_args).wait
    end

    def delete_async(bucket:, key:, **extra_args)
      submit(bucket, key, extra_args, nil, nil) do |m, args, _cb, _pfn|
        Native.xfer_delete(m, bucket.to_s, key.to_s, args)
      end
    end

    # Creates a bucket in the manager's region.
    def create_bucket(bucket)
      submit(bucket, nil, nil, nil, nil) { |m, *| Native.xfer_create_bucket(m, bucket.to_s) }.wait
    end

    # Deletes an empty bucket.
    def delete_bucket(bucket)
      submit(bucket, nil, nil, nil, nil) { |m, *| Native.xfer_delete_bucket(m, bucket.to_s) }.wait
    end

    # Cancels the running transfers (their #wait raises CancelledError), waits for their
    # requests to stop and releases the manager. Later calls do nothing; later transfers raise
    # ClosedError. Not from inside a callback.
    def close
      handle, transfers = detach
      return nil unless handle

      Native.xfer_manager_shutdown(handle, 1)
      transfers.each { |t| t.__send__(:settle_after_shutdown) }
      Native.xfer_manager_free(handle)
      nil
    end

    # Waits for the running transfers to end on this thread (running their callbacks; their
    # results and errors stay with each Transfer), then closes. cancel: true is #close.
    def shutdown(cancel: false)
      unless cancel
        pending = @lock.synchronize { @transfers.keys }
        pending.each do |t|
          t.wait
        rescue StandardError
          nil # the error stays with the Transfer
        end
      end
      close
    end

    def closed?
      @lock.synchronize { @handle.nil? }
    end

    def inspect
      "#<#{self.class} #{closed? ? 'closed' : "#{@transfers.size} running"}>"
    end

    private

    def check(status)
      raise Xfer.last_error(status) unless status == Native::XFER_OK
    end

    # The byte count of an aws-chunked upload, or nil for a plain one.
    def chunked_size(size, aws_chunked)
      unless aws_chunked
        raise ArgumentError, 'size: goes with aws_chunked: true' unless size.nil?

        return nil
      end
      raise ArgumentError, 'aws_chunked: true needs size: (the exact byte count)' if size.nil?

      size = size.to_int
      raise ArgumentError, "size: must not be negative (#{size})" if size.negative?

      size
    end

    # How the read trampoline takes bytes from io: a StringIO whose #read is StringIO's own is
    # read straight from its string (one copy into the part buffer, no intermediate String);
    # an IO fills one reused String (read(n, outbuf)); anything else returns its own Strings.
    def read_mode(io)
      if io.is_a?(StringIO) && !io.closed_read? && io.method(:read).owner == StringIO
        Native::READ_STRINGIO
      elsif io.is_a?(IO)
        Native::READ_OUTBUF
      else
        Native::READ_CALL
      end
    end

    # Submits one transfer: the block gets the manager handle, the args handle (or nil), the
    # Callbacks (user data for the trampolines) and the progress trampoline (or nil).
    def submit(bucket, key, extra_args, io, progress, read_mode: Native::READ_CALL)
      callbacks = Native::Callbacks.new(io, progress, read_mode)
      args = ExtraArgs.build(extra_args)
      begin
        @lock.synchronize do
          raise ClosedError.new('the manager is closed', status: Native::XFER_ESTATE) unless @handle

          future = yield(@handle, args, callbacks, progress && Native::PROGRESS_FN)
          raise Xfer.last_error unless future

          transfer = Transfer.new(self, future, callbacks, bucket.to_s, key&.to_s)
          @transfers[transfer] = true
          transfer
        end
      ensure
        Native.xfer_args_free(args) if args
      end
    end

    # Takes the handle away so that nothing new is submitted; returns it with the transfers.
    def detach
      @lock.synchronize do
        return nil unless @handle
        if @transfers.each_key.any? { |t| t.__send__(:waiting_here?) }
          raise Error, 'cannot close the manager from inside one of its callbacks'
        end

        handle = @handle
        @handle = nil
        [handle, @transfers.keys]
      end
    end

    # Called by a Transfer once it ended and released its future.
    def forget(transfer)
      @lock.synchronize { @transfers.delete(transfer) }
    end
  end
end
