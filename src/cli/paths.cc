// paths.cc: local path helpers for cp (target names, display form) and Content-Type guessing.
#include "paths.h"

#include <string>

#include "xfer/xfer.h"

namespace xfer_cli {

std::string display_local_path(std::string_view path) {
  if (path == "-" || path.empty() || path[0] == '/' || path == "." || path == ".." ||
      path.substr(0, 2) == "./" || path.substr(0, 3) == "../")
    return std::string(path);
  return "./" + std::string(path);
}

std::string join_path(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string local_basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string upload_key_for(std::string_view dst_key, std::string_view source_name) {
  if (!dst_key.empty() && dst_key.back() != '/') return std::string(dst_key);
  return std::string(dst_key) + local_basename(source_name);
}

bool download_path_for(std::string_view dst, bool dst_is_dir, std::string_view key,
                       std::string *out, std::string *error) {
  bool into_dir = dst_is_dir || (!dst.empty() && dst.back() == '/');
  if (!into_dir) {
    *out = std::string(dst);
    return true;
  }
  std::string base = local_basename(key);
  if (base.empty() || base == "." || base == "..") {
    *error =
        "cannot name a local file after key '" + std::string(key) + "'; give a file name as DST";
    return false;
  }
  *out = join_path(dst, base);
  return true;
}

std::string guess_content_type(std::string_view path) {
  const char *type = xfer_guess_content_type(std::string(path).c_str());
  return type ? type : "";
}

}  // namespace xfer_cli
