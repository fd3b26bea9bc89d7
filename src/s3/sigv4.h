// sigv4.h: AWS Signature Version 4 signing of HTTP requests, by header and by presigned URL.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

namespace xfer::s3 {

struct Credentials {
  std::string access_key, secret_key, session_token;  // session_token empty: none
};

struct SigningParams {
  Credentials creds;
  std::string region;
  std::string service = "s3";
  std::string amz_date;         // "20150830T123600Z" (see format_amz_date)
  bool normalize_path = false;  // S3: never. Other services: remove dot segments and
                                // repeated slashes, then percent-encode each segment
                                // (so an already encoded path is encoded a second time).
};

struct HttpToSign {
  std::string method;
  std::string path;  // exactly as sent on the wire, already percent-encoded (S3: encoded once)
  std::vector<std::pair<std::string, std::string>> query;    // decoded; the signer encodes
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, must include host
  std::string payload_hash;  // lowercase hex SHA-256 or "UNSIGNED-PAYLOAD" / "STREAMING-..."
};

struct SignedHeaders {
  std::string canonical_request, string_to_sign, signature, signed_headers;
  std::string scope;        // "YYYYMMDD/region/service/aws4_request"
  std::string signing_key;  // raw 32 bytes, for signing what follows (aws-chunked bodies)
  // To set on the request, replacing any header of the same name:
  // x-amz-date, x-amz-security-token (only with a session token), authorization.
  std::vector<std::pair<std::string, std::string>> add_headers;
};

// Signs every header given (the caller chooses which to pass) plus x-amz-date and, with a
// session token, x-amz-security-token. Given headers named x-amz-date, x-amz-security-token
// or authorization are ignored: the signer's own values replace them.
// Throws std::invalid_argument on a malformed amz_date or a missing host header.
SignedHeaders sign_headers(const HttpToSign &req, const SigningParams &params);

struct PresignResult {
  std::string canonical_request, string_to_sign, signature;
  // The full decoded query to send: the request's own parameters, then X-Amz-Algorithm,
  // X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Expires,
  // X-Amz-Security-Token (with a session token) and X-Amz-Signature.
  std::vector<std::pair<std::string, std::string>> query;
};

// Query-string signing. For S3 the payload hash is normally "UNSIGNED-PAYLOAD".
// The headers given are signed as they are (x-amz-date is not added: it is in the query).
PresignResult presign(const HttpToSign &req, const SigningParams &params, uint32_t expires_s);

// Each name and value uri_encode'd (slashes too), sorted by encoded name then encoded
// value, joined as "n=v&n=v"; a parameter without a value gives "n=".
std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>> &query);

// The SigV4 signing key of params' day, region and service (raw 32 bytes).
std::string derive_signing_key(const SigningParams &params);

// "YYYYMMDDTHHMMSSZ" in UTC.
std::string format_amz_date(std::time_t t);

}  // namespace xfer::s3
