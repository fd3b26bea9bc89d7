// crypto.h: SHA-256, HMAC-SHA256, MD5, hex and base64 helpers for signing and checksums.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace xfer::s3 {

// Digests return raw bytes (32 for SHA-256, 16 for MD5) unless named *_hex.
// On an OpenSSL failure (out of memory, algorithm unavailable) they throw std::runtime_error.
std::string sha256_raw(std::string_view data);
std::string sha256_hex(std::string_view data);  // lowercase hex
std::string md5_raw(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes

// Incremental SHA-256 for payloads that arrive in pieces. Move-only.
// finish_raw() returns the digest and resets the object for a new message.
// A streaming message digest (OpenSSL EVP): "SHA256" or "MD5".
class Digest {
 public:
  explicit Digest(const char *name);
  ~Digest();
  Digest(Digest &&) noexcept;
  Digest &operator=(Digest &&) noexcept;
  Digest(const Digest &) = delete;
  Digest &operator=(const Digest &) = delete;

  void update(const void *data, size_t len);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // The raw digest; the object starts over for a new message.
  std::string finish_raw();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

class Sha256 : public Digest {
 public:
  Sha256() : Digest("SHA256") {}
};

class Md5 : public Digest {
 public:
  Md5() : Digest("MD5") {}
};

std::string hex_encode(std::string_view raw);  // lowercase
int hex_digit(char c);                         // 0..15 for a hex digit (either case), else -1
// Raw bytes from hex text (either case); nullopt on an odd length or a non-hex character.
std::optional<std::string> hex_decode(std::string_view hex);
std::string base64_encode(std::string_view raw);  // standard alphabet, '=' padded
// Standard alphabet; padding optional. nullopt on any other character or a bad length.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace xfer::s3
