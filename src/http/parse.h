// parse.h: small, strict parsers for HTTP wire text (status and header lines, Content-Range,
// decimal lengths), kept apart so fuzz targets and unit tests reach them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xfer::http {

// "HTTP/1.1 206 Partial Content" -> 206; false when it is not a status line.
bool parse_status_line(std::string_view line, int *status);
// "Name: value\r\n" -> lower-case name and trimmed value; false without a colon or name.
bool parse_header_line(std::string_view line, std::string *lower_name, std::string *value);
// A decimal uint64 with no sign, spaces or overflow.
bool parse_u64(std::string_view s, uint64_t *out);
// "bytes START-END/TOTAL" with START <= END < TOTAL; "bytes 0-0/0" (s3rver's answer for an
// empty object) gives all zeros. A "*" total is rejected: we always need the size.
bool parse_content_range(std::string_view v, uint64_t *start, uint64_t *end, uint64_t *total);

}  // namespace xfer::http
