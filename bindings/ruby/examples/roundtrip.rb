# examples/roundtrip.rb: uploads generated data through the stream API, downloads it back, copies and deletes it, printing progress; exits non-zero if anything differs.
# frozen_string_literal: true

#
# usage: ruby -I<lib> -I<dir of xfer/native.so> roundtrip.rb [MiB]
# Connection settings come from XFER_TEST_ENDPOINT, XFER_TEST_ACCESS_KEY,
# XFER_TEST_SECRET_KEY, XFER_TEST_REGION and XFER_TEST_BUCKET (tests/servers/start.sh
# writes them), else from the AWS CLI's environment and files.
require 'digest'
require 'stringio'
require 'xfer'

mib = Integer(ARGV.fetch(0, '24'))
bucket = ENV.fetch('XFER_TEST_BUCKET', 'xfer-test')
key = "examples/ruby-roundtrip-#{Process.pid}"
data = Random.new(42).bytes(mib << 20)

settings = { multipart_chunksize: 8 << 20, max_concurrency: 8 }
settings[:endpoint] = ENV['XFER_TEST_ENDPOINT'] if ENV['XFER_TEST_ENDPOINT']
settings[:region] = ENV['XFER_TEST_REGION'] if ENV['XFER_TEST_REGION']
if ENV['XFER_TEST_ACCESS_KEY']
  settings[:access_key_id] = ENV['XFER_TEST_ACCESS_KEY']
  settings[:secret_access_key] = ENV['XFER_TEST_SECRET_KEY']
end

# A progress block printing a line at every quarter (total is nil while unknown).
def progress(label)
  shown = -1
  lambda do |done, total|
    quarter = total&.positive? ? done * 4 / total : 0
    next if quarter == shown

    shown = quarter
    puts "#{label}: #{done >> 20} of #{total ? total >> 20 : '?'} MiB"
  end
end

puts "libxfer #{Xfer::VERSION}: #{mib} MiB to #{bucket}/#{key}"
ok = Xfer::Manager.open(**settings) do |m|
  started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  up = m.upload(StringIO.new(data), bucket: bucket, key: key, content_type: 'application/octet-stream',
                                    &progress('upload'))
  puts "uploaded: etag #{up.etag}, checksum #{up.checksum}"

  out = StringIO.new(String.new(capacity: data.bytesize))
  down = m.download(bucket: bucket, key: key, io: out, &progress('download'))
  same = Digest::SHA256.digest(out.string) == Digest::SHA256.digest(data)
  puts "downloaded #{down.size} bytes: #{same ? 'identical' : 'DIFFERENT'}"

  copy = m.copy(source_bucket: bucket, source_key: key, bucket: bucket, key: "#{key}.copy")
  puts "copied to #{copy.key}: #{copy.size} bytes"

  # a missing key is a typed error
  begin
    m.download(bucket: bucket, key: "#{key}.missing", io: StringIO.new)
  rescue Xfer::ServiceError => e
    puts "missing key: #{e.code} (HTTP #{e.http_status})"
  end

  [key, "#{key}.copy"].each { |k| m.delete(bucket: bucket, key: k) }
  elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
  puts format('round trip of %d MiB in %.2f s', mib, elapsed)
  same && down.size == data.bytesize && copy.size == data.bytesize
end
exit(ok ? 0 : 1)
