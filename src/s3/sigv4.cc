// sigv4.cc: canonical requests, strings to sign and signatures for AWS SigV4.
#include "s3/sigv4.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "s3/crypto.h"
#include "s3/uri.h"

namespace xfer::s3 {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Leading and trailing whitespace dropped, each inner run of whitespace made one space.
std::string trim_collapse(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

void check_amz_date(const std::string &d) {
  bool ok = d.size() == 16 && d[8] == 'T' && d[15] == 'Z';
  for (size_t i = 0; ok && i < 15; ++i) {
    if (i != 8 && (d[i] < '0' || d[i] > '9')) ok = false;
  }
  if (!ok) throw std::invalid_argument("sigv4: amz_date must look like 20150830T123600Z");
}

// RFC 3986 remove_dot_segments plus collapsing of empty segments, then each segment
// percent-encoded: what non-S3 services expect. A path that ends in '/', "/." or "/.."
// keeps a trailing slash.
std::string normalized_uri(std::string_view path) {
  std::vector<std::string_view> segs;
  std::string_view seg;
  size_t i = 0;
  for (;;) {
    size_t j = path.find('/', i);
    seg = path.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
    if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segs.push_back(seg);
    }
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  bool trailing = seg.empty() || seg == "." || seg == "..";  // seg is the last segment
  std::string out;
  for (std::string_view s : segs) {
    out += '/';
    out += uri_encode(s, true);
  }
  if (out.empty() || trailing) out += '/';
  return out;
}

std::string canonical_uri(const std::string &path, bool normalize) {
  if (normalize) return normalized_uri(path);
  return path.empty() ? std::string("/") : path;
}

struct CanonicalHeaders {
  std::string block;           // "name:value\n" for each name
  std::string signed_headers;  // "a;b;c"
};

// Names lowercased, values trimmed and collapsed, duplicates joined with ',' in the order
// given, sorted by name. std::stable_sort keeps duplicates in their original order.
CanonicalHeaders canonicalize_headers(std::vector<std::pair<std::string, std::string>> hs) {
  std::stable_sort(hs.begin(), hs.end(),
                   [](const auto &a, const auto &b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < hs.size();) {
    const std::string &name = hs[i].first;
    std::string value = hs[i].second;
    size_t j = i + 1;
    for (; j < hs.size() && hs[j].first == name; ++j) {
      value += ',';
      value += hs[j].second;
    }
    out.block += name;
    out.block += ':';
    out.block += value;
    out.block += '\n';
    if (!out.signed_headers.empty()) out.signed_headers += ';';
    out.signed_headers += name;
    i = j;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> prepared_headers(const HttpToSign &req,
                                                                  bool drop_signer_headers) {
  std::vector<std::pair<std::string, std::string>> hs;
  hs.reserve(req.headers.size() + 2);
  bool have_host = false;
  for (const auto &[n, v] : req.headers) {
    std::string name = lower(trim_collapse(n));
    if (name == "authorization") continue;
    if (drop_signer_headers && (name == "x-amz-date" || name == "x-amz-security-token")) {
      continue;
    }
    if (name == "host") have_host = true;
    hs.emplace_back(std::move(name), trim_collapse(v));
  }
  if (!have_host) throw std::invalid_argument("sigv4: the request has no host header");
  return hs;
}

std::string scope_of(const SigningParams &p) {
  return p.amz_date.substr(0, 8) + "/" + p.region + "/" + p.service + "/aws4_request";
}

std::string build_canonical_request(const HttpToSign &req, const SigningParams &p,
                                    const std::string &query, const CanonicalHeaders &ch) {
  std::string cr;
  cr.reserve(256 + ch.block.size() + query.size() + req.path.size());
  cr += req.method;
  cr += '\n';
  cr += canonical_uri(req.path, p.normalize_path);
  cr += '\n';
  cr += query;
  cr += '\n';
  cr += ch.block;
  cr += '\n';
  cr += ch.signed_headers;
  cr += '\n';
  cr += req.payload_hash;
  return cr;
}

std::string build_string_to_sign(const SigningParams &p, const std::string &scope,
                                 const std::string &canonical_request) {
  std::string sts(kAlgorithm);
  sts += '\n';
  sts += p.amz_date;
  sts += '\n';
  sts += scope;
  sts += '\n';
  sts += sha256_hex(canonical_request);
  return sts;
}

}  // namespace

std::string derive_signing_key(const SigningParams &p) {
  std::string k = hmac_sha256("AWS4" + p.creds.secret_key, p.amz_date.substr(0, 8));
  k = hmac_sha256(k, p.region);
  k = hmac_sha256(k, p.service);
  return hmac_sha256(k, "aws4_request");
}

std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>> &query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto &[n, v] : query) enc.emplace_back(uri_encode(n, true), uri_encode(v, true));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto &[n, v] : enc) {
    if (!out.empty()) out += '&';
    out += n;
    out += '=';
    out += v;
  }
  return out;
}

std::string format_amz_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf, n);
}

SignedHeaders sign_headers(const HttpToSign &req, const SigningParams &params) {
  check_amz_date(params.amz_date);
  auto hs = prepared_headers(req, true);
  hs.emplace_back("x-amz-date", params.amz_date);
  if (!params.creds.session_token.empty()) {
    hs.emplace_back("x-amz-security-token", trim_collapse(params.creds.session_token));
  }
  CanonicalHeaders ch = canonicalize_headers(std::move(hs));
  std::string scope = scope_of(params);

  SignedHeaders out;
  out.canonical_request =
      build_canonical_request(req, params, canonical_query_string(req.query), ch);
  out.string_to_sign = build_string_to_sign(params, scope, out.canonical_request);
  out.signing_key = derive_signing_key(params);
  out.signature = hex_encode(hmac_sha256(out.signing_key, out.string_to_sign));
  out.signed_headers = ch.signed_headers;
  out.scope = scope;
  out.add_headers.emplace_back("x-amz-date", params.amz_date);
  if (!params.creds.session_token.empty()) {
    out.add_headers.emplace_back("x-amz-security-token", params.creds.session_token);
  }
  out.add_headers.emplace_back("authorization", std::string(kAlgorithm) +
                                                    " Credential=" + params.creds.access_key + "/" +
                                                    scope + ", SignedHeaders=" + ch.signed_headers +
                                                    ", Signature=" + out.signature);
  return out;
}

PresignResult presign(const HttpToSign &req, const SigningParams &params, uint32_t expires_s) {
  check_amz_date(params.amz_date);
  CanonicalHeaders ch = canonicalize_headers(prepared_headers(req, false));
  std::string scope = scope_of(params);

  PresignResult out;
  out.query = req.query;
  out.query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  out.query.emplace_back("X-Amz-Credential", params.creds.access_key + "/" + scope);
  out.query.emplace_back("X-Amz-Date", params.amz_date);
  out.query.emplace_back("X-Amz-SignedHeaders", ch.signed_headers);
  out.query.emplace_back("X-Amz-Expires", std::to_string(expires_s));
  if (!params.creds.session_token.empty()) {
    out.query.emplace_back("X-Amz-Security-Token", params.creds.session_token);
  }
  out.canonical_request =
      build_canonical_request(req, params, canonical_query_string(out.query), ch);
  out.string_to_sign = build_string_to_sign(params, scope, out.canonical_request);
  out.signature = hex_encode(hmac_sha256(derive_signing_key(params), out.string_to_sign));
  out.query.emplace_back("X-Amz-Signature", out.signature);
  return out;
}

}  // namespace xfer::s3
