// chunked.h: aws-chunked request bodies with a signature per chunk
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): the framing, its length, and the chained signatures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace xfer::s3 {

// The x-amz-content-sha256 value of a signed aws-chunked body.
extern const char *const kStreamingPayload;

// Chunks of the payload: all of chunk_size bytes but the last; at least 8 KiB (S3's minimum).
constexpr size_t kMinAwsChunk = 8 * 1024;

// The encoded length (the Content-Length) of payload bytes framed in chunks of chunk_size,
// the final empty chunk included.
uint64_t aws_chunked_length(uint64_t payload, uint64_t chunk_size);

// Signs chunk after chunk, each signature chained from the one before; the first from the
// seed (the request's own signature, made with payload hash kStreamingPayload).
class ChunkSigner {
 public:
  ChunkSigner() = default;
  ChunkSigner(std::string signing_key, std::string amz_date, std::string scope,
              std::string seed_signature);
  // The signature of the next chunk (len 0: the final one), in hex.
  std::string sign(const uint8_t *data, size_t len);
  // "hex(len);chunk-signature=SIG\r\n": what goes before the chunk's bytes (which are then
  // followed by "\r\n").
  std::string header(const uint8_t *data, size_t len);

 private:
  std::string key_, prefix_, previous_;
};

}  // namespace xfer::s3
