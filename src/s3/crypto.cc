// crypto.cc: OpenSSL 3 EVP implementations of the digest, HMAC and encoding helpers.
#include "s3/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdint>
#include <stdexcept>

namespace xfer::s3 {

namespace {

std::string digest(const EVP_MD *md, std::string_view data, const char *what) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (md == nullptr || EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    throw std::runtime_error(std::string(what) + ": OpenSSL digest failed");
  }
  return std::string(reinterpret_cast<const char *>(out), len);
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string sha256_raw(std::string_view data) {
  return digest(EVP_sha256(), data, "sha256");
}

std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256_raw(data));
}

std::string md5_raw(std::string_view data) {
  return digest(EVP_md5(), data, "md5");
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  // EVP_Q_mac dislikes a null key pointer even with length 0.
  static constexpr unsigned char kEmpty[1] = {0};
  const void *key_ptr = key.empty() ? static_cast<const void *>(kEmpty) : key.data();
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key_ptr, key.size(),
                reinterpret_cast<const unsigned char *>(data.data()), data.size(), out, sizeof out,
                &len) == nullptr) {
    throw std::runtime_error("hmac_sha256: OpenSSL MAC failed");
  }
  return std::string(reinterpret_cast<const char *>(out), len);
}

struct Digest::Ctx {
  struct Free {
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> md;
  const EVP_MD *type = nullptr;
  bool started = false;
};

Digest::Digest(const char *name) : ctx_(std::make_unique<Ctx>()) {
  ctx_->md.reset(EVP_MD_CTX_new());
  ctx_->type = EVP_get_digestbyname(name);
  if (!ctx_->md || !ctx_->type)
    throw std::runtime_error(std::string("digest ") + name + ": unavailable");
}

Digest::~Digest() = default;
Digest::Digest(Digest &&) noexcept = default;
Digest &Digest::operator=(Digest &&) noexcept = default;

void Digest::update(const void *data, size_t len) {
  if (!ctx_->started) {
    if (EVP_DigestInit_ex(ctx_->md.get(), ctx_->type, nullptr) != 1) {
      throw std::runtime_error("digest: EVP_DigestInit_ex failed");
    }
    ctx_->started = true;
  }
  if (len > 0 && EVP_DigestUpdate(ctx_->md.get(), data, len) != 1) {
    throw std::runtime_error("digest: EVP_DigestUpdate failed");
  }
}

std::string Digest::finish_raw() {
  if (!ctx_->started) update(nullptr, 0);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ctx_->started = false;
  if (EVP_DigestFinal_ex(ctx_->md.get(), out, &len) != 1) {
    throw std::runtime_error("digest: EVP_DigestFinal_ex failed");
  }
  return std::string(reinterpret_cast<const char *>(out), len);
}

std::string hex_encode(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

int hex_digit(char c) {
  return OPENSSL_hexchar2int(static_cast<unsigned char>(c));
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string base64_encode(std::string_view raw) {
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= raw.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(raw[i])) << 16) | (uint32_t(uint8_t(raw[i + 1])) << 8) |
                 uint32_t(uint8_t(raw[i + 2]));
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  size_t rest = raw.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t(uint8_t(raw[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(raw[i + 1])) << 8;
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kB64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // Padding is optional, but when present it must complete the final quantum.
  size_t pad = 0;
  while (!text.empty() && text.back() == '=' && pad < 2) {
    text.remove_suffix(1);
    ++pad;
  }
  if (text.size() % 4 == 1) return std::nullopt;
  if (pad > 0 && (text.size() + pad) % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : text) {
    int v = b64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace xfer::s3
