// fuzz_http.cc: libFuzzer target: the HTTP wire parsers (status line, header line,
// Content-Range, decimal lengths) on arbitrary bytes, with their invariants checked.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view s(reinterpret_cast<const char *>(data), size);
  using namespace xfer::http;
  int status = 0;
  if (parse_status_line(s, &status) && (status < 0 || status > 999)) abort();
  std::string name, value;
  if (parse_header_line(s, &name, &value) && name.empty()) abort();
  uint64_t a = 0, b = 0, t = 0;
  if (parse_content_range(s, &a, &b, &t) && !(t == 0 ? (a == 0 && b == 0) : (a <= b && b < t))) abort();
  uint64_t v = 0;
  if (parse_u64(s, &v) && std::to_string(v).size() > s.size()) abort();
  return 0;
}
