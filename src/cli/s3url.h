// s3url.h: parsing and printing s3://bucket/key URLs (pure functions, no library calls).
#ifndef XFER_CLI_S3URL_H
#define XFER_CLI_S3URL_H

#include <string>
#include <string_view>

namespace xfer_cli {

struct S3Url {
  std::string bucket;
  std::string key;  // verbatim: may contain anything, including "//", "..", "?", spaces
};

// True when arg names an S3 location (starts with "s3://").
bool is_s3_url(std::string_view arg);

// Splits "s3://bucket[/key]" at the first '/' after the bucket. The key is everything after
// that slash, unchanged ("s3://b" and "s3://b/" both give an empty key). Returns false with a
// message in *error when the text is not an s3:// URL or the bucket is empty or malformed.
bool parse_s3_url(std::string_view arg, S3Url *out, std::string *error);

// "s3://bucket/key" ("s3://bucket/" for an empty key).
std::string format_s3_url(const S3Url &url);

// The last path segment of a key ("a/b/c" -> "c"); empty when the key is empty or ends in '/'.
std::string key_basename(std::string_view key);

// True when the key is empty or ends in '/', i.e. it names a "folder" rather than an object.
bool key_is_prefix(std::string_view key);

// The key prefix a recursive command works under, as the AWS CLI takes it: the key as a
// folder ("logs" -> "logs/", "logs/" and "" unchanged), so s3://b/logs never reaches logs2/.
std::string folder_prefix(std::string_view key);

}  // namespace xfer_cli

#endif  // XFER_CLI_S3URL_H
