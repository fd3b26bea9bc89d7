// fuzz_sigv4.cc: libFuzzer target: the SigV4 canonicaliser and URI encoding on arbitrary
// methods, paths, queries and headers (input split on NUL bytes).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "s3/sigv4.h"
#include "s3/uri.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < size; i++) {
    if (data[i] == 0) {
      parts.emplace_back();
    } else {
      parts.back().push_back(char(data[i]));
    }
  }
  using namespace xfer::s3;
  // Encoding then decoding gives the input back, whatever the bytes.
  std::string enc = uri_encode(parts[0], true);
  if (uri_decode(enc) != parts[0]) abort();
  HttpToSign req;
  req.method = parts[0];
  req.path = parts.size() > 1 ? uri_encode(parts[1], false) : "/";
  for (size_t i = 2; i + 1 < parts.size(); i += 2) {
    if (i % 4 == 2) {
      req.query.emplace_back(parts[i], parts[i + 1]);
    } else {
      req.headers.emplace_back(parts[i], parts[i + 1]);
    }
  }
  req.headers.emplace_back("host", "example.com");
  req.payload_hash = "UNSIGNED-PAYLOAD";
  SigningParams p;
  p.creds = {"AKID", "SECRET", parts.size() % 2 ? "TOKEN" : ""};
  p.region = "us-east-1";
  p.amz_date = "20150830T123600Z";
  p.normalize_path = size % 2;
  try {
    SignedHeaders h = sign_headers(req, p);
    if (h.signature.size() != 64) abort();
    (void)presign(req, p, 60);
    (void)canonical_query_string(req.query);
  } catch (const std::invalid_argument &) {
    // rejected input (e.g. a header name the signer refuses) is fine
  }
  return 0;
}
