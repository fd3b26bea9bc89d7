// config.h: everything a manager is configured with: endpoint, credentials, TransferConfig.
#pragma once

#include <cstdint>
#include <string>

#include "s3/checksum.h"
#include "s3/request.h"

namespace xfer::transfer {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kMinPartSize = 5 * kMiB;
constexpr uint64_t kMaxPartSize = 5ull * 1024 * kMiB;
constexpr uint64_t kMaxParts = 10000;

struct Config {
  s3::Endpoint endpoint;
  bool path_style_set = false;  // false: path style exactly when a custom endpoint is set
  uint64_t multipart_threshold = 8 * kMiB;
  uint64_t multipart_chunksize = 8 * kMiB;
  uint32_t max_concurrency = 10;
  bool use_threads = true;
  uint64_t max_bandwidth = 0;
  uint32_t num_download_attempts = 5;
  uint32_t max_in_memory_upload_chunks = 10;
  uint32_t max_in_memory_download_chunks = 10;
  s3::ChecksumAlgorithm checksum = s3::ChecksumAlgorithm::Crc32;
  std::string ca_bundle;
  bool verify_tls = true;
  bool sign_payload = false;
  uint32_t connect_timeout_ms = 10000;
  uint32_t stall_timeout_ms =
      30000;                 // a request moving no byte for this long fails (and is retried)
  bool content_md5 = false;  // send Content-MD5 for servers that check it
  uint32_t max_request_attempts = 5;    // per request, for answers and errors worth retrying
  uint32_t aws_chunk_size = 64 * 1024;  // payload bytes per signed aws-chunked chunk
};

}  // namespace xfer::transfer
