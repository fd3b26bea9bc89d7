// parse.cc: HTTP wire text parsers.
#include "http/parse.h"

#include <cctype>

namespace xfer::http {

namespace {

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) b++;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) e--;
  return s.substr(b, e - b);
}

}  // namespace

bool parse_status_line(std::string_view line, int *status) {
  if (line.substr(0, 5) != "HTTP/") return false;
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos || line.size() < sp + 4) return false;
  int v = 0;
  for (size_t i = sp + 1; i < sp + 4; i++) {
    char c = line[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (line.size() > sp + 4 && line[sp + 4] != ' ' && line[sp + 4] != '\r' && line[sp + 4] != '\n')
    return false;
  *status = v;
  return true;
}

bool parse_header_line(std::string_view line, std::string *lower_name, std::string *value) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view name = line.substr(0, colon);
  for (char c : name)
    if (std::isspace(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) < 33)
      return false;
  lower_name->assign(name);
  for (auto &c : *lower_name) c = char(std::tolower(static_cast<unsigned char>(c)));
  value->assign(trim(line.substr(colon + 1)));
  return true;
}

bool parse_u64(std::string_view s, uint64_t *out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t d = uint64_t(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

bool parse_content_range(std::string_view v, uint64_t *start, uint64_t *end, uint64_t *total) {
  v = trim(v);
  if (v.substr(0, 6) != "bytes ") return false;
  v.remove_prefix(6);
  size_t dash = v.find('-'), slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash)
    return false;
  uint64_t a, b, t;
  if (!parse_u64(v.substr(0, dash), &a) || !parse_u64(v.substr(dash + 1, slash - dash - 1), &b) ||
      !parse_u64(v.substr(slash + 1), &t))
    return false;
  if (t == 0 && a == 0 && b == 0) {
    *start = *end = *total = 0;
    return true;
  }
  if (b < a || b >= t) return false;
  *start = a;
  *end = b;
  *total = t;
  return true;
}

}  // namespace xfer::http
