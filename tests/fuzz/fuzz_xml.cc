// fuzz_xml.cc: libFuzzer target: every S3 XML response parser (and the error-body checks) on
// arbitrary bytes: no crash, no hang, no sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "s3/xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view body(reinterpret_cast<const char *>(data), size);
  using namespace xfer::s3;
  (void)parse_error(body);
  (void)body_is_error(body);
  (void)parse_initiate_multipart(body);
  (void)parse_complete_multipart(body);
  (void)parse_copy_object(body);
  (void)parse_copy_part(body);
  (void)parse_list_parts(body);
  (void)parse_list_multipart_uploads(body);
  (void)parse_list_objects_v2(body);
  (void)parse_list_buckets(body);
  (void)parse_delete_objects(body);
  (void)normalize_etag(body);
  return 0;
}
