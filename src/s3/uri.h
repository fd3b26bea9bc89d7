// uri.h: RFC 3986 percent-encoding as SigV4 requires, and the wire path of an S3 object.
#pragma once

#include <string>
#include <string_view>

namespace xfer::s3 {

// Every byte except A-Z a-z 0-9 - . _ ~ becomes %XX (uppercase hex); '/' is kept as is
// when encode_slash is false. Bytes are encoded one by one, so UTF-8 stays UTF-8 and a
// '%' already in the input is encoded again ("%41" -> "%2541").
std::string uri_encode(std::string_view s, bool encode_slash);

// Turns each valid %XX into its byte; an invalid or truncated escape is kept verbatim.
// '+' stays '+' (this is not form decoding).
std::string uri_decode(std::string_view s);

// The request path for an object, encoded exactly once and never normalised: "a//b",
// "./x", "../y" and "dir/" reach S3 byte for byte.
//   path style (bucket non-empty): "/" + bucket + "/" + uri_encode(key, false)
//   virtual host (bucket empty):   "/" + uri_encode(key, false)
// With an empty key (bucket-level requests) path style gives "/" + bucket, not "/bucket/".
std::string s3_object_path(std::string_view bucket_or_empty, std::string_view key);

}  // namespace xfer::s3
