// test_request.cc: S3 addressing and request preparation: path style, virtual host, buckets
// that must fall back to path style, query encoding, session tokens, presigned URLs.
// cmocka.h needs these first, in this order, and has no extern "C" of its own (1.1.5).
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
extern "C" {
#include <cmocka.h>
}
// clang-format on

#include <string>

#include "s3/request.h"

using namespace xfer::s3;

namespace {

std::string header(const PreparedRequest &p, const std::string &name) {
  for (auto &h : p.headers)
    if (h.first == name) return h.second;
  return "";
}

Endpoint local(bool path_style) {
  std::string why;
  auto ep = parse_endpoint_url("http://127.0.0.1:9000/", &why);
  assert_true(ep.has_value());
  ep->path_style = path_style;
  ep->creds = {"AKID", "SECRET", ""};
  return *ep;
}

void test_parse_endpoint(void **) {
  std::string why;
  auto ep = parse_endpoint_url("HTTPS://s3.example.com", &why);
  assert_true(ep.has_value());
  assert_string_equal(ep->scheme.c_str(), "https");
  assert_string_equal(ep->host.c_str(), "s3.example.com");
  assert_false(parse_endpoint_url("s3.example.com", &why).has_value());
  assert_false(parse_endpoint_url("ftp://x", &why).has_value());
  assert_false(parse_endpoint_url("http://x/path", &why).has_value());
  assert_false(parse_endpoint_url("http://user@x", &why).has_value());
  assert_false(parse_endpoint_url("http://", &why).has_value());
}

void test_path_style(void **) {
  S3Request r;
  r.method = "GET";
  r.bucket = "bucket";
  r.key = "a b/c+d";
  r.query = {{"versionId", "v 1"}, {"uploads", ""}};
  PreparedRequest p = prepare(local(true), r, 1440938160);
  assert_string_equal(p.url.c_str(),
                      "http://127.0.0.1:9000/bucket/a%20b/c%2Bd?uploads=&versionId=v%201");
  assert_string_equal(header(p, "host").c_str(), "127.0.0.1:9000");
  assert_string_equal(header(p, "x-amz-content-sha256").c_str(), "UNSIGNED-PAYLOAD");
  assert_string_equal(header(p, "x-amz-date").c_str(), "20150830T123600Z");
  std::string auth = header(p, "authorization");
  assert_true(auth.find("Credential=AKID/20150830/us-east-1/s3/aws4_request") != std::string::npos);
  assert_true(auth.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date") != std::string::npos);
  assert_string_equal(header(p, "x-amz-security-token").c_str(), "");
}

void test_virtual_host(void **) {
  Endpoint aws;  // no endpoint: AWS for the region, virtual-host addressing
  aws.region = "eu-west-1";
  aws.creds = {"AKID", "SECRET", ""};
  S3Request r;
  r.method = "PUT";
  r.bucket = "my-bucket";
  r.key = "k";
  PreparedRequest p = prepare(aws, r, 0);
  assert_string_equal(p.url.c_str(), "https://my-bucket.s3.eu-west-1.amazonaws.com/k");
  assert_string_equal(header(p, "host").c_str(), "my-bucket.s3.eu-west-1.amazonaws.com");
  // A dotted bucket cannot be a TLS wildcard match: path style instead.
  r.bucket = "my.dotted.bucket";
  p = prepare(aws, r, 0);
  assert_string_equal(p.url.c_str(), "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k");
  // Service-level requests (no bucket) go to the endpoint itself.
  r.bucket.clear();
  r.key.clear();
  p = prepare(aws, r, 0);
  assert_string_equal(p.url.c_str(), "https://s3.eu-west-1.amazonaws.com/");
}

void test_session_token_and_extra_headers(void **) {
  Endpoint ep = local(true);
  ep.creds.session_token = "TOKEN/with+chars";
  S3Request r;
  r.method = "PUT";
  r.bucket = "b";
  r.key = "k";
  r.headers = {{"Content-Type", "text/plain"}, {"x-amz-meta-colour", "blue"}};
  r.payload_hash = kEmptySha256;
  PreparedRequest p = prepare(ep, r, 0);
  assert_string_equal(header(p, "x-amz-security-token").c_str(), "TOKEN/with+chars");
  assert_string_equal(header(p, "x-amz-content-sha256").c_str(), kEmptySha256);
  std::string auth = header(p, "authorization");
  assert_true(auth.find("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;"
                        "x-amz-meta-colour;x-amz-security-token") != std::string::npos);
}

void test_presign(void **) {
  Endpoint ep = local(true);
  ep.creds.session_token = "TOK";
  S3Request r;
  r.method = "GET";
  r.bucket = "b";
  r.key = "dir/a key";
  std::string url = presign_url(ep, r, 1440938160, 600);
  assert_true(url.rfind("http://127.0.0.1:9000/b/dir/a%20key?", 0) == 0);
  assert_true(url.find("X-Amz-Expires=600") != std::string::npos);
  assert_true(url.find("X-Amz-Security-Token=TOK") != std::string::npos);
  assert_true(url.find("X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request") !=
              std::string::npos);
  assert_true(url.find("X-Amz-Signature=") != std::string::npos);
}

void test_anonymous(void **) {
  Endpoint ep = local(true);
  ep.creds = {};
  S3Request r;
  r.method = "GET";
  r.bucket = "b";
  r.key = "k";
  PreparedRequest p = prepare(ep, r, 0);
  assert_string_equal(header(p, "authorization").c_str(), "");
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_endpoint), cmocka_unit_test(test_path_style),
      cmocka_unit_test(test_virtual_host),   cmocka_unit_test(test_session_token_and_extra_headers),
      cmocka_unit_test(test_presign),        cmocka_unit_test(test_anonymous),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
