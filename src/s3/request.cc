// request.cc: path-style and virtual-host addressing, URL assembly and SigV4 signing.
#include "s3/request.h"

#include <cctype>

#include "s3/uri.h"

namespace xfer::s3 {

const char *const kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

namespace {

// Buckets that cannot be a DNS label (dots break TLS wildcards) fall back to path style.
bool dns_compatible(const std::string &b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
      return false;
  }
  return b.front() != '-' && b.back() != '-';
}

struct Target {
  std::string host, path;
};

Target target_for(const Endpoint &ep, const S3Request &req) {
  std::string host = ep.host.empty() ? "s3." + ep.region + ".amazonaws.com" : ep.host;
  bool path_style = ep.path_style || req.bucket.empty() || !dns_compatible(req.bucket);
  if (path_style) {
    if (req.bucket.empty()) return {host, "/"};
    return {host, s3_object_path(req.bucket, req.key)};
  }
  return {req.bucket + "." + host, s3_object_path("", req.key)};
}

std::string build_url(const Endpoint &ep, const Target &t, const KeyValues &query) {
  std::string url = ep.scheme + "://" + t.host + t.path;
  if (!query.empty()) url += "?" + canonical_query_string(query);
  return url;
}

}  // namespace

std::optional<Endpoint> parse_endpoint_url(const std::string &url, std::string *why) {
  Endpoint ep;
  size_t sep = url.find("://");
  if (sep == std::string::npos) {
    if (why) *why = "the endpoint must start with http:// or https://";
    return std::nullopt;
  }
  std::string scheme = url.substr(0, sep);
  for (auto &c : scheme) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") {
    if (why) *why = "the endpoint scheme must be http or https";
    return std::nullopt;
  }
  std::string rest = url.substr(sep + 3);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string::npos) {
    if (why) *why = "the endpoint must be scheme://host[:port] with no path, query or user";
    return std::nullopt;
  }
  ep.scheme = scheme;
  ep.host = rest;
  return ep;
}

PreparedRequest prepare(const Endpoint &ep, const S3Request &req, std::time_t now) {
  Target t = target_for(ep, req);
  HttpToSign s;
  s.method = req.method;
  s.path = t.path;
  s.query = req.query;
  s.payload_hash = req.payload_hash;
  s.headers.emplace_back("host", t.host);
  s.headers.emplace_back("x-amz-content-sha256", req.payload_hash);
  for (auto &h : req.headers) s.headers.push_back(h);
  SigningParams p;
  p.creds = ep.creds;
  p.region = ep.region;
  p.service = "s3";
  p.amz_date = format_amz_date(now);

  PreparedRequest out;
  out.url = build_url(ep, t, req.query);
  out.headers = s.headers;
  if (ep.creds.access_key.empty()) return out;  // anonymous
  SignedHeaders sh = sign_headers(s, p);
  for (auto &h : sh.add_headers) out.headers.push_back(h);
  out.signature = std::move(sh.signature);
  out.amz_date = p.amz_date;
  out.scope = std::move(sh.scope);
  out.signing_key = std::move(sh.signing_key);
  return out;
}

std::string presign_url(const Endpoint &ep, const S3Request &req, std::time_t now,
                        uint32_t expires_s) {
  Target t = target_for(ep, req);
  HttpToSign s;
  s.method = req.method;
  s.path = t.path;
  s.query = req.query;
  s.payload_hash = "UNSIGNED-PAYLOAD";
  s.headers.emplace_back("host", t.host);
  for (auto &h : req.headers) s.headers.push_back(h);
  SigningParams p;
  p.creds = ep.creds;
  p.region = ep.region;
  p.amz_date = format_amz_date(now);
  PresignResult r = presign(s, p, expires_s);
  return build_url(ep, t, r.query);
}

}  // namespace xfer::s3
