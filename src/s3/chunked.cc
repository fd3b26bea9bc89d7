// chunked.cc: aws-chunked framing and chunk signatures (the S3 "sigv4-streaming" rules).
#include "s3/chunked.h"

#include <cstdio>

#include "s3/crypto.h"
#include "s3/request.h"

namespace xfer::s3 {

const char *const kStreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";

namespace {

constexpr size_t kSignatureHex = 64;
constexpr const char *kChunkSignature = ";chunk-signature=";

size_t hex_digits(uint64_t n) {
  size_t d = 1;
  while (n >= 16) {
    n >>= 4;
    d++;
  }
  return d;
}

uint64_t framed(uint64_t len) {
  return hex_digits(len) + std::char_traits<char>::length(kChunkSignature) + kSignatureHex + 2 +
         len + 2;
}

}  // namespace

uint64_t aws_chunked_length(uint64_t payload, uint64_t chunk_size) {
  uint64_t full = payload / chunk_size, rest = payload % chunk_size;
  uint64_t n = full * framed(chunk_size);
  if (rest) n += framed(rest);
  return n + framed(0);
}

ChunkSigner::ChunkSigner(std::string signing_key, std::string amz_date, std::string scope,
                         std::string seed_signature)
    : key_(std::move(signing_key)),
      prefix_("AWS4-HMAC-SHA256-PAYLOAD\n" + amz_date + "\n" + scope + "\n"),
      previous_(std::move(seed_signature)) {}

std::string ChunkSigner::sign(const uint8_t *data, size_t len) {
  std::string sts = prefix_;
  sts += previous_;
  sts += '\n';
  sts += kEmptySha256;
  sts += '\n';
  sts += sha256_hex(std::string_view(reinterpret_cast<const char *>(data), len));
  previous_ = hex_encode(hmac_sha256(key_, sts));
  return previous_;
}

std::string ChunkSigner::header(const uint8_t *data, size_t len) {
  char size_hex[20];
  std::snprintf(size_hex, sizeof size_hex, "%zx", len);
  return std::string(size_hex) + kChunkSignature + sign(data, len) + "\r\n";
}

}  // namespace xfer::s3
