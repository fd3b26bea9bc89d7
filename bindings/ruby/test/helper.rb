# test/helper.rb: shared support for the Ruby binding's minitest tests: test server environment, managers, unique keys, the outside checker.
# frozen_string_literal: true

require 'minitest/autorun'
require 'digest'
require 'json'
require 'open3'
require 'securerandom'
require 'stringio'
require 'tmpdir'
require 'xfer'

MIB = 1 << 20

# The test server's settings: XFER_TEST_* from the environment, else from the env file that
# tests/servers/start.sh wrote (XFER_TEST_ENV_FILE), as the C integration harness reads it.
module TestEnv
  module_function

  def load!
    return if ENV['XFER_TEST_ENDPOINT']

    file = ENV['XFER_TEST_ENV_FILE'] or abort 'set XFER_TEST_ENV_FILE or the XFER_TEST_* variables'
    File.foreach(file) do |line|
      line = line.chomp.sub(/\Aexport /, '')
      next if line.start_with?('#') || !line.include?('=')

      name, value = line.split('=', 2)
      value = value[1..-2] if value.size >= 2 && %w[" '].include?(value[0]) && value[-1] == value[0]
      ENV[name] ||= value.gsub(/\\(.)/, '\1') # undo bash's printf %q escapes
    end
  end

  def bucket
    ENV.fetch('XFER_TEST_BUCKET')
  end

  # Keys of this run start with this prefix.
  def prefix
    @prefix ||= "ruby-#{Process.pid}-#{SecureRandom.hex(4)}/"
  end
end
TestEnv.load!

# Helpers mixed into every test case.
module XferTestHelpers
  BUCKET = TestEnv.bucket

  def manager(**settings)
    Xfer::Manager.new(endpoint: ENV.fetch('XFER_TEST_ENDPOINT'), region: ENV.fetch('XFER_TEST_REGION', 'us-east-1'),
                      access_key_id: ENV.fetch('XFER_TEST_ACCESS_KEY'),
                      secret_access_key: ENV.fetch('XFER_TEST_SECRET_KEY'), env: false,
                      multipart_threshold: 5 * MIB, multipart_chunksize: 5 * MIB, **settings)
  end

  def with_manager(**settings)
    m = manager(**settings)
    yield m
  ensure
    m&.close
  end

  def key(name)
    "#{TestEnv.prefix}#{self.class.name}/#{name}"
  end

  def random_bytes(size, seed = size)
    Random.new(seed).bytes(size)
  end

  # Runs tests/servers/s3check.py (its own SigV4, no libxfer) and parses its JSON.
  def s3check(*args, allow_fail: false)
    out, err, st = Open3.capture3('/usr/bin/python3', ENV.fetch('XFER_TEST_S3CHECK'), *args)
    raise "s3check #{args.join(' ')} failed: #{err}" unless st.success? || allow_fail

    st.success? ? JSON.parse(out) : nil
  end

  # The multipart uploads open on the server for this key.
  def open_uploads(key)
    s3check('list-uploads', BUCKET).select { |u| u['key'] == key }
  end

  # The object as the server lists it ({"key", "size", "etag"}), or nil.
  def listed(key)
    s3check('list-objects', BUCKET, key).find { |o| o['key'] == key }
  end

  # Waits until block returns truthy; fails after timeout seconds.
  def eventually(timeout = 20, what = 'condition')
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    loop do
      v = yield
      return v if v
      flunk "timed out waiting for #{what}" if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline
      sleep 0.05
    end
  end

  def monotonic
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end
end

Minitest::Test.include(XferTestHelpers)
