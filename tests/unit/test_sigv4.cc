// test_sigv4.cc: unit tests for URI encoding, S3 object paths, SigV4 signing (aws-chunked
// streaming included) and crypto helpers.
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

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "s3/chunked.h"
#include "s3/crypto.h"
#include "s3/sigv4.h"
#include "s3/uri.h"

using namespace xfer::s3;
using Pairs = std::vector<std::pair<std::string, std::string>>;

namespace {

void eq(const std::string &got, const char *want) {
  assert_string_equal(got.c_str(), want);
}

// The S3 docs' example credentials and request time (Signature V4, "Examples").
SigningParams s3_example_params() {
  SigningParams p;
  p.creds.access_key = "AKIAIOSFODNN7EXAMPLE";
  p.creds.secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  p.region = "us-east-1";
  p.service = "s3";
  p.amz_date = "20130524T000000Z";
  return p;
}

const char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The second line of a canonical request: the canonical URI.
std::string uri_line(const std::string &canonical_request) {
  size_t a = canonical_request.find('\n');
  size_t b = canonical_request.find('\n', a + 1);
  return canonical_request.substr(a + 1, b - a - 1);
}

HttpToSign simple_get(const std::string &path) {
  HttpToSign r;
  r.method = "GET";
  r.path = path;
  r.headers = {{"Host", "example.com"}};
  r.payload_hash = "UNSIGNED-PAYLOAD";
  return r;
}

}  // namespace

static void test_uri_encode_keys(void **) {
  eq(uri_encode("my file.txt", false), "my%20file.txt");
  eq(uri_encode("a+b=c&d", false), "a%2Bb%3Dc%26d");
  eq(uri_encode("caf\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC", false), "caf%C3%A9/%E6%97%A5%E6%9C%AC");
  eq(uri_encode("a//b", false), "a//b");
  eq(uri_encode("a//b", true), "a%2F%2Fb");
  eq(uri_encode("./x", false), "./x");
  eq(uri_encode("../y", false), "../y");
  eq(uri_encode("%41", false), "%2541");  // the '%' itself is encoded, once
  eq(uri_encode("dir/", false), "dir/");
  eq(uri_encode("dir/", true), "dir%2F");
  eq(uri_encode("-._~AZaz09", true), "-._~AZaz09");
  eq(uri_encode("*!'();:@$,?#[]", true), "%2A%21%27%28%29%3B%3A%40%24%2C%3F%23%5B%5D");
  eq(uri_encode(std::string("\0\x7f\xff", 3), true), "%00%7F%FF");
  eq(uri_encode("", true), "");
}

static void test_uri_decode(void **) {
  eq(uri_decode("%2541"), "%41");
  eq(uri_decode("a%2Fb%2fc"), "a/b/c");
  eq(uri_decode("a+b"), "a+b");
  eq(uri_decode("%zz%4"), "%zz%4");
  eq(uri_decode("%"), "%");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(char(i));
  assert_true(uri_decode(uri_encode(all, true)) == all);
  assert_true(uri_decode(uri_encode(all, false)) == all);
}

static void test_s3_object_path(void **) {
  eq(s3_object_path("bucket", "a b/c+d"), "/bucket/a%20b/c%2Bd");
  eq(s3_object_path("", "a b/c+d"), "/a%20b/c%2Bd");
  eq(s3_object_path("b", "a//b"), "/b/a//b");
  eq(s3_object_path("b", "./x"), "/b/./x");
  eq(s3_object_path("b", "../y"), "/b/../y");
  eq(s3_object_path("", "dir/"), "/dir/");
  eq(s3_object_path("b", "/lead"), "/b//lead");
  eq(s3_object_path("b", "%41"), "/b/%2541");
  eq(s3_object_path("b", "\xE2\x82\xAC.txt"), "/b/%E2%82%AC.txt");
  eq(s3_object_path("b", ""), "/b");
  eq(s3_object_path("", ""), "/");
}

static void test_canonical_query_string(void **) {
  eq(canonical_query_string({}), "");
  eq(canonical_query_string({{"b", "2"}, {"a", "2"}, {"a", "1"}, {"A", "x"}, {"uploads", ""}}),
     "A=x&a=1&a=2&b=2&uploads=");
  eq(canonical_query_string({{"prefix", "a b/c+d=e&f"}, {"delimiter", "/"}}),
     "delimiter=%2F&prefix=a%20b%2Fc%2Bd%3De%26f");
  // Sorted by the encoded name: "%C3%BC" sorts before "b" although 0xC3 > 'b'.
  eq(canonical_query_string({{"b", "2"}, {"\xC3\xBC", "1"}}), "%C3%BC=1&b=2");
  // And by encoded value when names are equal: "%7F" < "~" although 0x7F > '~'.
  eq(canonical_query_string({{"k", "~"}, {"k", "\x7f"}}), "k=%7F&k=~");
}

// AWS S3 docs, "Signature Calculations for the Authorization Header", Example: GET Object.
static void test_s3_get_object_example(void **) {
  HttpToSign r;
  r.method = "GET";
  r.path = s3_object_path("", "test.txt");
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Range", "bytes=0-9"},
               {"x-amz-content-sha256", kEmptySha256}};
  r.payload_hash = kEmptySha256;
  SignedHeaders s = sign_headers(r, s3_example_params());
  eq(s.canonical_request,
     "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
     "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
     "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  eq(s.string_to_sign,
     "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
     "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  eq(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  eq(s.signed_headers, "host;range;x-amz-content-sha256;x-amz-date");
  assert_int_equal(s.add_headers.size(), 2);
  eq(s.add_headers[0].first, "x-amz-date");
  eq(s.add_headers[0].second, "20130524T000000Z");
  eq(s.add_headers[1].first, "authorization");
  eq(s.add_headers[1].second,
     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
     "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
     "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

// AWS S3 docs, "Authenticating Requests: Using Query Parameters", the presigned URL example.
static void test_s3_presign_example(void **) {
  HttpToSign r;
  r.method = "GET";
  r.path = "/test.txt";
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
  r.payload_hash = "UNSIGNED-PAYLOAD";
  PresignResult p = presign(r, s3_example_params(), 86400);
  eq(p.canonical_request,
     "GET\n/test.txt\n"
     "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
     "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
     "X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD");
  eq(p.string_to_sign,
     "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
     "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");
  eq(p.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  Pairs want = {{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
                {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},
                {"X-Amz-Date", "20130524T000000Z"},
                {"X-Amz-SignedHeaders", "host"},
                {"X-Amz-Expires", "86400"},
                {"X-Amz-Signature", p.signature}};
  assert_true(p.query == want);
}

static void test_session_token(void **) {
  SigningParams params = s3_example_params();
  params.creds.session_token = "TOKEN/with+chars=";
  HttpToSign r = simple_get("/k");
  SignedHeaders s = sign_headers(r, params);
  assert_int_equal(s.add_headers.size(), 3);
  eq(s.add_headers[0].first, "x-amz-date");
  eq(s.add_headers[1].first, "x-amz-security-token");
  eq(s.add_headers[1].second, "TOKEN/with+chars=");
  eq(s.add_headers[2].first, "authorization");
  eq(s.signed_headers, "host;x-amz-date;x-amz-security-token");
  assert_non_null(
      strstr(s.canonical_request.c_str(), "\nx-amz-security-token:TOKEN/with+chars=\n"));

  PresignResult p = presign(r, params, 60);
  assert_int_equal(p.query.size(), 7);
  eq(p.query[5].first, "X-Amz-Security-Token");
  eq(p.query[5].second, "TOKEN/with+chars=");
  eq(p.query[6].first, "X-Amz-Signature");
  assert_non_null(
      strstr(p.canonical_request.c_str(), "&X-Amz-Security-Token=TOKEN%2Fwith%2Bchars%3D&"));
}

static void test_header_canonicalization(void **) {
  HttpToSign r = simple_get("/");
  r.headers = {{"Host", "example.com"},
               {"X-Meta", "  a   b \t c  "},
               {"x-meta", "second"},
               {"Content-Type", "text/plain"},
               {"X-Amz-Date", "19990101T000000Z"},  // replaced by the signer's
               {"Authorization", "stale"}};         // never signed
  SignedHeaders s = sign_headers(r, s3_example_params());
  eq(s.signed_headers, "content-type;host;x-amz-date;x-meta");
  eq(s.canonical_request,
     "GET\n/\n\ncontent-type:text/plain\nhost:example.com\nx-amz-date:20130524T000000Z\n"
     "x-meta:a b c,second\n\ncontent-type;host;x-amz-date;x-meta\nUNSIGNED-PAYLOAD");
}

static void test_s3_paths_not_normalised(void **) {
  // S3 (normalize_path = false): the wire path is the canonical URI, byte for byte.
  const char *keys[] = {"a//b", "./x", "../y", "dir/", "%41", "a b+c", "x/./y/../z"};
  for (const char *key : keys) {
    std::string path = s3_object_path("bucket", key);
    SignedHeaders s = sign_headers(simple_get(path), s3_example_params());
    eq(uri_line(s.canonical_request), path.c_str());
    PresignResult p = presign(simple_get(path), s3_example_params(), 60);
    eq(uri_line(p.canonical_request), path.c_str());
  }
}

static void test_normalised_paths(void **) {
  SigningParams params = s3_example_params();
  params.service = "service";
  params.normalize_path = true;
  auto canon = [&](const char *path) {
    return uri_line(sign_headers(simple_get(path), params).canonical_request);
  };
  eq(canon("/a/./b/../c//d/"), "/a/c/d/");
  eq(canon("/a/b/.."), "/a/");
  eq(canon("/../.."), "/");
  eq(canon(""), "/");
  eq(canon("//example//"), "/example/");
  eq(canon("/example space/x%2Fy"), "/example%20space/x%252Fy");  // encoded once more
}

static void test_bad_input(void **) {
  SigningParams params = s3_example_params();
  params.amz_date = "2013-05-24";
  bool threw = false;
  try {
    sign_headers(simple_get("/"), params);
  } catch (const std::invalid_argument &) {
    threw = true;
  }
  assert_true(threw);
  HttpToSign r = simple_get("/");
  r.headers.clear();
  threw = false;
  try {
    presign(r, s3_example_params(), 60);
  } catch (const std::invalid_argument &) {
    threw = true;
  }
  assert_true(threw);
}

static void test_format_amz_date(void **) {
  eq(format_amz_date(0), "19700101T000000Z");
  eq(format_amz_date(1440938160), "20150830T123600Z");
  eq(format_amz_date(1369353600), "20130524T000000Z");
}

static void test_sha256(void **) {
  eq(sha256_hex(""), kEmptySha256);
  eq(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  eq(hex_encode(sha256_raw("abc")),
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert_int_equal(sha256_raw("abc").size(), 32);

  std::string msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  Sha256 h;
  for (size_t i = 0; i < msg.size(); i += 7)
    h.update(msg.data() + i, std::min<size_t>(7, msg.size() - i));
  eq(hex_encode(h.finish_raw()),
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // After finish_raw the object starts a new message.
  eq(hex_encode(h.finish_raw()), kEmptySha256);
  h.update("abc");
  Sha256 moved = std::move(h);
  eq(hex_encode(moved.finish_raw()), sha256_hex("abc").c_str());
  std::string million(1000000, 'a');
  Sha256 big;
  big.update(million.data(), million.size());
  eq(hex_encode(big.finish_raw()),
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_hmac_md5(void **) {
  // RFC 4231 test cases 1 and 2.
  eq(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  eq(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 4231 test case 6: a key longer than the block size.
  eq(hex_encode(hmac_sha256(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First")),
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  assert_int_equal(hmac_sha256("", "").size(), 32);
  eq(hex_encode(md5_raw("")), "d41d8cd98f00b204e9800998ecf8427e");
  eq(hex_encode(md5_raw("abc")), "900150983cd24fb0d6963f7d28e17f72");
  eq(base64_encode(md5_raw("")), "1B2M2Y8AsgTpgAmY7PhCfg==");  // an empty body's Content-MD5
}

static void test_hex_base64(void **) {
  eq(hex_encode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  eq(hex_encode(""), "");
  auto raw = hex_decode("0001ABff");
  assert_true(raw.has_value());
  assert_true(*raw == std::string("\x00\x01\xab\xff", 4));
  assert_false(hex_decode("abc").has_value());  // odd length
  assert_false(hex_decode("0g").has_value());   // not a hex digit
  assert_int_equal(hex_digit('F'), 15);
  assert_int_equal(hex_digit('%'), -1);
  // RFC 4648 section 10.
  const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char *enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    eq(base64_encode(plain[i]), enc[i]);
    auto d = base64_decode(enc[i]);
    assert_true(d.has_value());
    eq(*d, plain[i]);
  }
  auto unpadded = base64_decode("Zm9vYg");
  assert_true(unpadded.has_value());
  eq(*unpadded, "foob");
  eq(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
  assert_true(*base64_decode("//4A") == std::string("\xff\xfe\x00", 3));
  assert_false(base64_decode("Zm9v!").has_value());
  assert_false(base64_decode("Z").has_value());
  assert_false(base64_decode("Zg=").has_value());
  assert_false(base64_decode("Zg===").has_value());
  assert_false(base64_decode("Z=g=").has_value());
  assert_false(base64_decode("Zm9v YmFy").has_value());
}

// The S3 docs' chunked upload example ("sigv4-streaming"): 66560 bytes of 'a' in 64 KiB
// chunks, its seed signature, each chunk's signature and the encoded Content-Length.
void test_aws_chunked_example(void **) {
  assert_int_equal(aws_chunked_length(66560, 65536), 66824);
  assert_int_equal(aws_chunked_length(0, 65536), 86);  // the final chunk alone
  assert_int_equal(aws_chunked_length(65536, 65536), 65536 + 5 + 17 + 64 + 4 + 86);

  HttpToSign req;
  req.method = "PUT";
  req.path = "/examplebucket/chunkObject.txt";
  req.payload_hash = kStreamingPayload;
  req.headers = {{"host", "s3.amazonaws.com"},
                 {"x-amz-content-sha256", kStreamingPayload},
                 {"content-encoding", "aws-chunked"},
                 {"content-length", "66824"},
                 {"x-amz-decoded-content-length", "66560"},
                 {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  SignedHeaders sh = sign_headers(req, s3_example_params());
  eq(sh.signature, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
  eq(sh.scope, "20130524/us-east-1/s3/aws4_request");
  eq(hex_encode(sh.signing_key), hex_encode(derive_signing_key(s3_example_params())).c_str());

  ChunkSigner signer(sh.signing_key, "20130524T000000Z", sh.scope, sh.signature);
  std::string data(65536, 'a');
  const auto *bytes = reinterpret_cast<const uint8_t *>(data.data());
  eq(signer.header(bytes, 65536),
     "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n");
  eq(signer.header(bytes, 1024),
     "400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n");
  eq(signer.header(nullptr, 0),
     "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_uri_encode_keys),
      cmocka_unit_test(test_uri_decode),
      cmocka_unit_test(test_s3_object_path),
      cmocka_unit_test(test_canonical_query_string),
      cmocka_unit_test(test_s3_get_object_example),
      cmocka_unit_test(test_s3_presign_example),
      cmocka_unit_test(test_session_token),
      cmocka_unit_test(test_header_canonicalization),
      cmocka_unit_test(test_s3_paths_not_normalised),
      cmocka_unit_test(test_normalised_paths),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_format_amz_date),
      cmocka_unit_test(test_sha256),
      cmocka_unit_test(test_hmac_md5),
      cmocka_unit_test(test_hex_base64),
      cmocka_unit_test(test_aws_chunked_example),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
