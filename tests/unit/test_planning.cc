// test_planning.cc: part sizing (s3transfer's ChunksizeAdjuster, stream growth) and the
// routing of extra arguments to each request of a transfer.
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

#include "transfer/config.h"
#include "transfer/extra_args.h"
#include "transfer/planning.h"

using namespace xfer::transfer;

namespace {

constexpr uint64_t GiB = 1024 * kMiB;

void test_chunksize_adjuster(void **) {
  assert_int_equal(adjust_chunksize(1 * kMiB, 12 * kMiB), 5 * kMiB);  // the 5 MiB minimum
  assert_int_equal(part_count(12 * kMiB, 5 * kMiB), 3);               // 5 + 5 + 2
  assert_int_equal(adjust_chunksize(8 * kMiB, 1 * GiB), 8 * kMiB);
  // 10,000 parts of 8 MiB hold 78.125 GiB; 100 GiB needs 16 MiB parts.
  assert_int_equal(adjust_chunksize(8 * kMiB, 100 * GiB), 16 * kMiB);
  assert_true(part_count(100 * GiB, adjust_chunksize(8 * kMiB, 100 * GiB)) <= kMaxParts);
  assert_int_equal(adjust_chunksize(8 * kMiB, 10000 * 8 * kMiB), 8 * kMiB);       // exactly fits
  assert_int_equal(adjust_chunksize(8 * kMiB, 10000 * 8 * kMiB + 1), 16 * kMiB);  // one byte more
  assert_int_equal(adjust_chunksize(6 * GiB, 1), kMaxPartSize);                   // the 5 GiB cap
  assert_int_equal(adjust_chunksize(8 * kMiB, 5ull * 1024 * GiB), 1 * GiB);  // 5 TiB: 5,120 parts
  assert_int_equal(part_count(0, 8 * kMiB), 1);
}

void test_stream_growth(void **) {
  assert_int_equal(stream_part_size(8 * kMiB, 1), 8 * kMiB);
  assert_int_equal(stream_part_size(1 * kMiB, 1), 5 * kMiB);
  assert_int_equal(stream_part_size(8 * kMiB, 1000), 8 * kMiB);
  assert_int_equal(stream_part_size(8 * kMiB, 1001), 16 * kMiB);
  // 10,000 parts reach S3's 5 TiB object limit instead of failing at part 10,001.
  uint64_t total = 0;
  for (uint64_t n = 1; n <= kMaxParts; n++) {
    uint64_t p = stream_part_size(8 * kMiB, n);
    assert_true(p >= kMinPartSize && p <= kMaxPartSize);
    total += p;
  }
  assert_true(total >= 5ull * 1024 * GiB);
}

bool has(const xfer::s3::S3Request &r, const std::string &name, const std::string &value) {
  for (auto &h : r.headers)
    if (h.first == name && h.second == value) return true;
  for (auto &q : r.query)
    if (q.first == name && q.second == value) return true;
  return false;
}

void test_args_routing(void **) {
  ExtraArgs a;
  std::string why;
  assert_true(a.set("ContentType", "text/plain", &why));
  assert_true(a.set("SSECustomerAlgorithm", "AES256", &why));
  assert_true(a.set("SSECustomerKey", "0123456789abcdef0123456789abcdef", &why));
  assert_true(a.set("IfNoneMatch", "*", &why));
  assert_true(a.set("RequestPayer", "requester", &why));
  a.set_metadata("colour", "blue");
  assert_false(a.set("Bogus", "x", &why));
  assert_true(why.find("ContentType") != std::string::npos);
  assert_true(a.validate(Operation::Upload, &why));
  assert_false(a.validate(Operation::Download, &why));  // ContentType, Metadata, IfNoneMatch
  assert_true(why.find("ContentType") != std::string::npos);

  xfer::s3::S3Request put;
  put.method = "PUT";
  a.apply(RequestKind::PutOrCreate, put);
  assert_true(has(put, "Content-Type", "text/plain"));
  assert_true(has(put, "x-amz-meta-colour", "blue"));
  assert_true(has(put, "If-None-Match", "*"));
  // botocore's rule: the raw key goes out in base64, with its MD5.
  assert_true(has(put, "x-amz-server-side-encryption-customer-key",
                  "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
  bool md5 = false;
  for (auto &h : put.headers) md5 |= h.first == "x-amz-server-side-encryption-customer-key-MD5";
  assert_true(md5);

  xfer::s3::S3Request create;
  create.method = "POST";
  a.apply(RequestKind::PutOrCreate, create);
  assert_true(has(create, "Content-Type", "text/plain"));
  assert_false(has(create, "If-None-Match", "*"));  // conditional writes go on Complete

  xfer::s3::S3Request part;
  part.method = "PUT";
  a.apply(RequestKind::UploadPart, part);
  assert_false(has(part, "Content-Type", "text/plain"));
  assert_false(has(part, "x-amz-meta-colour", "blue"));
  assert_true(has(part, "x-amz-server-side-encryption-customer-algorithm", "AES256"));
  assert_true(has(part, "x-amz-request-payer", "requester"));

  xfer::s3::S3Request complete;
  complete.method = "POST";
  a.apply(RequestKind::Complete, complete);
  assert_true(has(complete, "If-None-Match", "*"));
  assert_false(has(complete, "Content-Type", "text/plain"));

  ExtraArgs d;
  assert_true(d.set("VersionId", "v1", &why));
  assert_true(d.validate(Operation::Download, &why));
  assert_true(d.validate(Operation::Delete, &why));
  assert_false(d.validate(Operation::Upload, &why));
  xfer::s3::S3Request get;
  get.method = "GET";
  d.apply(RequestKind::Get, get);
  assert_true(has(get, "versionId", "v1"));
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {
      cmocka_unit_test(test_chunksize_adjuster),
      cmocka_unit_test(test_stream_growth),
      cmocka_unit_test(test_args_routing),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
