// listing.h: the lines `xfer ls` prints, as `aws s3 ls` prints them (pure functions over values).
#ifndef XFER_CLI_LISTING_H
#define XFER_CLI_LISTING_H

#include <cstdint>
#include <string>
#include <string_view>

namespace xfer_cli {

// The AWS CLI's human sizes: "0 Bytes", "1 Byte", "1023 Bytes", "1.0 KiB", "3.5 MiB".
std::string human_readable_size(uint64_t n);

// Seconds since the epoch of an ISO 8601 time as S3 sends it ("2024-01-02T03:04:05.000Z"; the
// fraction is optional, the zone is "Z", "+hh:mm" or "-hh:mm"). False if it is not one.
bool parse_iso8601(std::string_view text, int64_t *epoch);

// "2024-01-02 03:04:05" in the local time zone (TZ); text that is not a time is shown as it
// came, padded to the same 19 columns.
std::string format_listing_time(std::string_view iso);

// "                           PRE name/": a common prefix by its last segment ("a/b/" -> "b/").
std::string format_prefix_line(std::string_view prefix);

// "2024-01-02 03:04:05       1234 name": time (already formatted), size right-aligned in 10
// columns, then the key's last segment, or the whole key when full_key (ls --recursive).
std::string format_object_line(std::string_view time, uint64_t size, std::string_view key,
                               bool full_key, bool human);

// "\nTotal Objects: N\n   Total Size: S\n" (ls --summarize).
std::string format_summary(uint64_t objects, uint64_t bytes, bool human);

}  // namespace xfer_cli

#endif  // XFER_CLI_LISTING_H
