// checksum.h: S3 flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256): streaming, CRC
// combination and the multipart (COMPOSITE / FULL_OBJECT) values S3 reports.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// OpenSSL's digest context, forward-declared so this header does not pull in OpenSSL.
struct evp_md_ctx_st;

namespace xfer::s3 {

enum class ChecksumAlgorithm { None, Crc32, Crc32c, Crc64Nvme, Sha1, Sha256 };

// Case-insensitive "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "NONE"; nullopt otherwise.
std::optional<ChecksumAlgorithm> parse_checksum_algorithm(std::string_view name);
// "CRC32", ..., "NONE": the spelling S3 uses in x-amz-checksum-algorithm and in results.
const char *checksum_name(ChecksumAlgorithm alg);
// "x-amz-checksum-crc32", ...; "" for None.
const char *checksum_header(ChecksumAlgorithm alg);
// "ChecksumCRC32", ... as in CompleteMultipartUpload <Part> and GetObjectAttributes; "" for None.
const char *checksum_xml_element(ChecksumAlgorithm alg);
// Digest size in bytes: 4, 4, 8, 20, 32; 0 for None.
size_t checksum_raw_size(ChecksumAlgorithm alg);
// True for the CRCs, whose values can be combined (FULL_OBJECT multipart checksums).
bool checksum_is_crc(ChecksumAlgorithm alg);

// An incremental checksum. Copyable (a copy continues independently), movable, and cheap to
// construct for the CRCs; SHA1/SHA256 allocate an OpenSSL digest context. Not thread-safe.
// OpenSSL failures throw std::runtime_error (std::bad_alloc when out of memory).
class Checksum {
 public:
  explicit Checksum(ChecksumAlgorithm alg);
  Checksum(const Checksum &other);
  Checksum &operator=(const Checksum &other);
  Checksum(Checksum &&other) noexcept;
  Checksum &operator=(Checksum &&other) noexcept;
  ~Checksum();

  void update(const void *data, size_t len);
  // Big-endian digest bytes (CRCs as 4 or 8 big-endian bytes); "" for None. Does not end the
  // stream: update() may continue afterwards.
  std::string raw() const;
  std::string base64() const;
  // The CRC value of the bytes fed so far; 0 for non-CRC algorithms.
  uint64_t crc() const { return crc_; }
  // Bytes fed so far.
  uint64_t length() const { return length_; }
  ChecksumAlgorithm algorithm() const { return alg_; }

 private:
  struct CtxFree {
    void operator()(evp_md_ctx_st *ctx) const;
  };
  ChecksumAlgorithm alg_;
  uint64_t crc_ = 0;
  uint64_t length_ = 0;
  std::unique_ptr<evp_md_ctx_st, CtxFree> md_;  // SHA1/SHA256 only
};

// Standard CRC update functions: pass 0 to start, feed the previous result to continue;
// crc(A||B) == update(update(0, A), B). Any length, including 0 (data may then be NULL).
// CRC-32 (IEEE 802.3, zlib's crc32): "123456789" -> 0xCBF43926.
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);
// CRC-32C (Castagnoli, iSCSI): "123456789" -> 0xE3069283.
uint32_t crc32c_update(uint32_t crc, const void *data, size_t len);
// CRC-64/NVME (Rocksoft): "123456789" -> 0xAE8B14860A799888.
uint64_t crc64nvme_update(uint64_t crc, const void *data, size_t len);

// crc(A||B) from crc(A), crc(B) and len(B) in bytes, in O(log len_b) GF(2) multiplications.
uint32_t crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
uint64_t crc64nvme_combine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b);

// COMPOSITE multipart checksum as S3 reports it: base64(hash(concatenated raw part digests))
// + "-" + number of parts. Each digest must be checksum_raw_size(alg) bytes, else
// std::invalid_argument (also for None). S3 offers COMPOSITE for CRC32, CRC32C, SHA1, SHA256.
std::string composite_checksum(ChecksumAlgorithm alg,
                               const std::vector<std::string> &part_raw_digests);
// FULL_OBJECT multipart checksum: base64 of the CRC of the whole object, combined from each
// part's (crc, length) in order. CRC algorithms only, else std::invalid_argument.
std::string full_object_crc_base64(ChecksumAlgorithm alg,
                                   const std::vector<std::pair<uint64_t, uint64_t>> &parts);
// "CRC32:AAAAAA==": the form returned by xfer_future_checksum().
std::string format_checksum_result(ChecksumAlgorithm alg, std::string_view base64_value);

}  // namespace xfer::s3
