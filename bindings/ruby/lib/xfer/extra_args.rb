# lib/xfer/extra_args.rb: turns Ruby keyword arguments (content_type:, metadata:, ...) into libxfer's boto3-named extra arguments.
# frozen_string_literal: true

module Xfer
  # Extra arguments are boto3's ExtraArgs. Give them as snake_case keywords
  # (content_type: "text/plain", sse_customer_key: ..., metadata: { "k" => "v" }) or under
  # their boto3 names ("ContentType" => ..., :SSECustomerKey => ...). libxfer checks them:
  # an unknown or misplaced name raises InvalidArgumentError listing the valid names.
  module ExtraArgs
    # Words written in capitals in boto3's names (SSECustomerKeyMD5, GrantReadACP, ...).
    ACRONYMS = %w[acl acp crc32 crc32c crc64nvme kms md5 mfa sha1 sha256 sse].freeze

    module_function

    # The boto3 name of a keyword: :sse_kms_key_id -> "SSEKMSKeyId"; "ContentType" as is.
    def wire_name(name)
      s = name.to_s
      return s if s.match?(/\A[A-Z]/)

      s.split('_').map { |w| ACRONYMS.include?(w) ? w.upcase : w.capitalize }.join
    end

    # A Native args handle for the hash, or nil when it is empty. The caller frees it.
    def build(hash)
      return nil if hash.nil? || hash.empty?

      args = Native.xfer_args_new or raise Xfer.last_error(Native::XFER_ENOMEM)
      begin
        hash.each do |name, value|
          wire = wire_name(name)
          if wire == 'Metadata'
            raise InvalidArgumentError, 'metadata must be a Hash' unless value.respond_to?(:each_pair)

            value.each_pair { |k, v| check(Native.xfer_args_set_metadata(args, k.to_s, v.to_s)) }
          else
            check(Native.xfer_args_set(args, wire, value.to_s))
          end
        end
      rescue Exception # free the handle whatever happens
        Native.xfer_args_free(args)
        raise
      end
      args
    end

    def check(status)
      raise Xfer.last_error(status) unless status == Native::XFER_OK
    end
  end
end
