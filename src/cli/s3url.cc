// s3url.cc: parsing and printing s3://bucket/key URLs.
#include "s3url.h"

namespace xfer_cli {

namespace {
constexpr std::string_view kScheme = "s3://";
}  // namespace

bool is_s3_url(std::string_view arg) {
  return arg.substr(0, kScheme.size()) == kScheme;
}

bool parse_s3_url(std::string_view arg, S3Url *out, std::string *error) {
  if (!is_s3_url(arg)) {
    *error = "not an s3:// URL: " + std::string(arg);
    return false;
  }
  std::string_view rest = arg.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  if (bucket.empty()) {
    *error = "missing bucket name in " + std::string(arg);
    return false;
  }
  // Only the characters that can never be part of a bucket name are rejected here; the
  // library applies the full naming rules.
  for (char c : bucket) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '?' || c == '#' || c == '\\') {
      *error = "invalid bucket name '" + std::string(bucket) + "' in " + std::string(arg);
      return false;
    }
  }
  out->bucket = std::string(bucket);
  out->key = slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash + 1));
  return true;
}

std::string format_s3_url(const S3Url &url) {
  return std::string(kScheme) + url.bucket + "/" + url.key;
}

std::string key_basename(std::string_view key) {
  size_t slash = key.rfind('/');
  return std::string(slash == std::string_view::npos ? key : key.substr(slash + 1));
}

bool key_is_prefix(std::string_view key) {
  return key.empty() || key.back() == '/';
}

std::string folder_prefix(std::string_view key) {
  std::string out(key);
  if (!out.empty() && out.back() != '/') out += '/';
  return out;
}

}  // namespace xfer_cli
