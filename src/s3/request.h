// request.h: S3 addressing and signing: turns an operation on bucket/key into a signed URL and
// header list for any HTTP transport (this layer knows nothing of curl).
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "s3/sigv4.h"

namespace xfer::s3 {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct Endpoint {
  std::string scheme = "https";
  std::string host;  // "host" or "host:port"; empty: AWS for the region
  bool path_style = false;
  std::string region = "us-east-1";
  Credentials creds;
};

// Parses "http(s)://host[:port][/]" into scheme and host; nullopt with *why set otherwise.
std::optional<Endpoint> parse_endpoint_url(const std::string &url, std::string *why);

struct S3Request {
  std::string method;
  std::string bucket;  // empty for service-level requests (ListBuckets)
  std::string key;     // empty for bucket-level requests
  KeyValues query;     // decoded names and values ("uploads" with "" for ?uploads)
  KeyValues headers;   // extra headers to send and sign (x-amz-*, content-type, range, ...)
  std::string payload_hash = "UNSIGNED-PAYLOAD";
};

struct PreparedRequest {
  std::string url;
  KeyValues headers;  // everything to send, signature included
  // What an aws-chunked body's chunk signatures chain from (empty when anonymous).
  std::string signature, amz_date, scope, signing_key;
};

// Chooses addressing, adds host, x-amz-content-sha256, x-amz-date and the signature.
PreparedRequest prepare(const Endpoint &ep, const S3Request &req, std::time_t now);

// A presigned URL for req (its headers, if any, become signed headers the caller must send).
std::string presign_url(const Endpoint &ep, const S3Request &req, std::time_t now,
                        uint32_t expires_s);

// The SHA-256 of an empty payload, in hex.
extern const char *const kEmptySha256;

}  // namespace xfer::s3
