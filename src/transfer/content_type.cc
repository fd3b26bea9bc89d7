// content_type.cc: a Content-Type guessed from a file name's extension, as the AWS CLI does.
#include "transfer/content_type.h"

#include <cctype>
#include <string>
#include <utility>

namespace xfer::transfer {

const char *guess_content_type(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
  size_t dot = base.rfind('.');
  if (dot == std::string::npos || dot == 0) return nullptr;
  std::string ext = base.substr(dot + 1);
  for (char &c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<const char *, const char *> types[] = {
      {"html", "text/html"},
      {"htm", "text/html"},
      {"css", "text/css"},
      {"js", "text/javascript"},
      {"mjs", "text/javascript"},
      {"json", "application/json"},
      {"txt", "text/plain"},
      {"md", "text/markdown"},
      {"csv", "text/csv"},
      {"xml", "application/xml"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/vnd.microsoft.icon"},
      {"pdf", "application/pdf"},
      {"zip", "application/zip"},
      {"gz", "application/gzip"},
      {"tgz", "application/gzip"},
      {"tar", "application/x-tar"},
      {"bz2", "application/x-bzip2"},
      {"xz", "application/x-xz"},
      {"zst", "application/zstd"},
      {"wasm", "application/wasm"},
      {"mp3", "audio/mpeg"},
      {"wav", "audio/wav"},
      {"mp4", "video/mp4"},
      {"webm", "video/webm"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
  };
  for (const auto &t : types) {
    if (ext == t.first) return t.second;
  }
  return nullptr;
}

}  // namespace xfer::transfer
