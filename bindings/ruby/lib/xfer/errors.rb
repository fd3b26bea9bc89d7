# lib/xfer/errors.rb: Xfer::Error and its subclasses, the one mapping from libxfer's status codes to Ruby exceptions.
# frozen_string_literal: true

module Xfer
  # Base of every error libxfer reports. #status is the C status code (Integer) and
  # #status_name its name ("XFER_ESERVICE", ...). #http_status, #code (the S3 error code)
  # and #request_id are set when the service answered with an error, else nil.
  class Error < StandardError
    attr_reader :status, :http_status, :code, :request_id

    def initialize(message = nil, status: nil, http_status: nil, code: nil, request_id: nil)
      super(message)
      @status = status
      @http_status = http_status
      @code = code
      @request_id = request_id
    end

    def status_name
      @status && Native.xfer_status_str(@status)
    end
  end

  # The service answered with an error: #code is e.g. "NoSuchKey", #http_status e.g. 404.
  class ServiceError < Error; end

  # No connection, a reset, a DNS or TLS failure, a truncated body.
  class NetworkError < Error; end

  # Data did not match its checksum.
  class ChecksumError < Error; end

  # The transfer was cancelled: Transfer#cancel, Manager#close, or a progress callback.
  class CancelledError < Error; end

  # A request stalled (the transfer failed); a wait that merely timed out returns nil instead.
  class TimeoutError < Error; end

  # An argument or extra argument was rejected before anything was sent.
  class InvalidArgumentError < Error; end

  # The manager is closed.
  class ClosedError < Error; end

  # Maps a status code and message (and the service's details) to an exception.
  def self.error_for(status, message, http_status: nil, code: nil, request_id: nil)
    klass = case status
            when Native::XFER_ESERVICE then ServiceError
            when Native::XFER_ENETWORK then NetworkError
            when Native::XFER_ECHECKSUM then ChecksumError
            when Native::XFER_ECANCELLED then CancelledError
            when Native::XFER_ETIMEDOUT then TimeoutError
            when Native::XFER_EINVAL then InvalidArgumentError
            when Native::XFER_ESTATE then ClosedError
            else Error
            end
    message = Native.xfer_status_str(status) if message.nil? || message.empty?
    klass.new(message, status: status, http_status: http_status, code: code, request_id: request_id)
  end

  # The exception for the failed synchronous call just made on this thread.
  def self.last_error(status = Native::XFER_EINVAL)
    error_for(status, Native.xfer_last_error)
  end
end
