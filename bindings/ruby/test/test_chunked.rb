# test/test_chunked.rb: #upload(io, size:, aws_chunked: true), signed aws-chunked streaming: 501 NotImplemented on Swift, a round trip on a server that verifies chunks, nothing left open.
# frozen_string_literal: true

require_relative 'helper'

class TestChunked < Minitest::Test
  # Swift's s3api answers aws-chunked bodies 501 NotImplemented, which a plain upload never
  # gets: the typed error shows the request went out aws-chunked. On a server that verifies
  # the chunks (radosgw) the bytes come back whole.
  def test_aws_chunked_upload
    with_manager(aws_chunk_size: 64 * 1024) do |m|
      [MIB, 5 * MIB + 12_345].each do |size| # one PUT; two parts
        data = random_bytes(size, 21)
        k = key("aws-chunked-#{size}")
        if ENV['XFER_TEST_SERVER'] == 'swift'
          e = assert_raises(Xfer::ServiceError) do
            m.upload(StringIO.new(data), bucket: BUCKET, key: k, size: size, aws_chunked: true)
          end
          assert_equal 'NotImplemented', e.code
          assert_equal 501, e.http_status
          assert_nil listed(k)
        else
          seen = []
          r = m.upload(StringIO.new(data), bucket: BUCKET, key: k, size: size, aws_chunked: true) { |d, t| seen << [d, t] }
          assert_equal size, r.size
          assert_nil r.checksum # the chunk signatures protect the bytes
          assert_equal [size, size], seen.last
          out = StringIO.new(String.new)
          m.download(bucket: BUCKET, key: k, io: out)
          assert data == out.string, 'downloaded bytes differ'
          m.delete(bucket: BUCKET, key: k)
        end
        assert_empty open_uploads(k)
      end
    end
  end

  def test_aws_chunked_arguments
    with_manager do |m|
      assert_raises(ArgumentError) { m.upload('abc', bucket: BUCKET, key: key('a'), aws_chunked: true) }
      assert_raises(ArgumentError) { m.upload('abc', bucket: BUCKET, key: key('a'), size: 3) }
      assert_raises(ArgumentError) { m.upload('abc', bucket: BUCKET, key: key('a'), size: -1, aws_chunked: true) }
    end
    assert_raises(Xfer::InvalidArgumentError) { manager(aws_chunk_size: 100) } # below S3's 8 KiB
  end
end
