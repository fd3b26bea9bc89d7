// listing.cc: the lines `xfer ls` prints, as `aws s3 ls` prints them (pure functions over values).
#include "listing.h"

#include <cstdio>
#include <ctime>

namespace xfer_cli {

std::string human_readable_size(uint64_t n) {
  if (n == 1) return "1 Byte";
  if (n < 1024) return std::to_string(n) + " Bytes";
  static const char *const suffixes[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  // As awscli's human_readable_size: the first unit in which the value rounds below 1024.
  double v = static_cast<double>(n);
  for (const char *suffix : suffixes) {
    v /= 1024.0;
    if (v < 1023.5 || suffix == suffixes[5]) {  // Python's round(v) < 1024
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f %s", v, suffix);
      return buf;
    }
  }
  return std::to_string(n) + " Bytes";  // not reached
}

namespace {

bool digits(std::string_view s, size_t pos, size_t count, int *out) {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool parse_iso8601(std::string_view s, int64_t *epoch) {
  int year, mon, day, hour, min, sec;
  if (!digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, &mon) ||
      s[7] != '-' || !digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, &hour) || s[13] != ':' || !digits(s, 14, 2, &min) || s[16] != ':' ||
      !digits(s, 17, 2, &sec))
    return false;
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return false;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  int offset = 0;  // seconds east of UTC
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!digits(s, i + 1, 2, &oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !digits(s, i + 4, 2, &om) || oh > 23 || om > 59)
      return false;
    offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  }
  if (i != s.size()) return false;
  // Days from the civil date (Howard Hinnant's algorithm): no dependence on the local zone.
  int y = year - (mon <= 2 ? 1 : 0);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  *epoch = days * 86400 + hour * 3600 + min * 60 + sec - offset;
  return true;
}

std::string format_listing_time(std::string_view iso) {
  int64_t epoch = 0;
  std::string out = std::string(iso);
  struct tm tm {};
  time_t t = 0;
  if (parse_iso8601(iso, &epoch) && (t = static_cast<time_t>(epoch), localtime_r(&t, &tm))) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    out = buf;
  }
  if (out.size() < 19) out.resize(19, ' ');
  return out;
}

std::string format_prefix_line(std::string_view prefix) {
  std::string_view p = prefix;
  if (!p.empty() && p.back() == '/') p.remove_suffix(1);
  size_t slash = p.rfind('/');
  if (slash != std::string_view::npos) p = p.substr(slash + 1);
  return std::string(27, ' ') + "PRE " + std::string(p) + "/";
}

std::string format_object_line(std::string_view time, uint64_t size, std::string_view key,
                               bool full_key, bool human) {
  std::string size_s = human ? human_readable_size(size) : std::to_string(size);
  if (size_s.size() < 10) size_s.insert(0, 10 - size_s.size(), ' ');
  std::string_view name = key;
  if (!full_key) {
    size_t slash = key.rfind('/');
    if (slash != std::string_view::npos) name = key.substr(slash + 1);
  }
  std::string t(time);
  if (t.size() < 19) t.resize(19, ' ');
  return t + " " + size_s + " " + std::string(name);
}

std::string format_summary(uint64_t objects, uint64_t bytes, bool human) {
  return "\nTotal Objects: " + std::to_string(objects) +
         "\n   Total Size: " + (human ? human_readable_size(bytes) : std::to_string(bytes)) + "\n";
}

}  // namespace xfer_cli
