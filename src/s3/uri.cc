// uri.cc: percent-encoding, decoding and S3 object paths.
#include "s3/uri.h"

#include "s3/crypto.h"

namespace xfer::s3 {

namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string uri_encode(std::string_view s, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() + s.size() / 2);
  for (unsigned char c : s) {
    if (unreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(char(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string uri_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_digit(s[i + 1]);
      int lo = hex_digit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(char(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string s3_object_path(std::string_view bucket_or_empty, std::string_view key) {
  std::string path = "/";
  if (!bucket_or_empty.empty()) {
    // Bucket names are DNS-safe; encoding keeps a malformed one from breaking the path.
    path += uri_encode(bucket_or_empty, true);
    if (key.empty()) return path;
    path += '/';
  }
  path += uri_encode(key, false);
  return path;
}

}  // namespace xfer::s3
