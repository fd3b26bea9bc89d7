/* test_copy.c: what a copy gives the new object, read back from the server: with
 * MetadataDirective=REPLACE the caller's ContentType and Metadata (CopyObject and multipart
 * copy alike); without it the source's, the caller's ignored (and, seen through the proxy,
 * CreateMultipartUpload carries one Content-Type, the source's); and the source's HEAD carries
 * the CopySourceSSECustomer* arguments as SSE-C headers, as s3transfer sends them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MiB (1024u * 1024u)

static xfer_manager *manager_on(xfer_config *c) {
  assert_int_equal(xfer_config_set_multipart_threshold(c, 5 * MiB), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, 5 * MiB), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  assert_non_null(m);
  return m;
}

/* Uploads size random bytes under prefix/name/src with an old type and metadata; the key is
 * written to src. */
static uint8_t *upload_source(xfer_manager *m, const char *name, size_t size, char *src,
                              size_t cap) {
  uint8_t *data = random_bytes(size, (uint32_t)size);
  char *path = write_temp_file("src.bin", data, size);
  snprintf(src, cap, "%scopy/%s/src", run_prefix(), name);
  xfer_args *a = xfer_args_new();
  assert_int_equal(xfer_args_set(a, "ContentType", "application/x-old"), XFER_OK);
  assert_int_equal(xfer_args_set_metadata(a, "colour", "blue"), XFER_OK);
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, src, a, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  xfer_args_free(a);
  return data;
}

/* Copies src to dst with a new type and metadata, REPLACE or not; returns dst's HEAD. */
static char *copy_with_new_type(xfer_manager *m, const char *src, const char *dst, size_t size,
                                int replace) {
  xfer_args *a = xfer_args_new();
  if (replace) assert_int_equal(xfer_args_set(a, "MetadataDirective", "REPLACE"), XFER_OK);
  assert_int_equal(xfer_args_set(a, "ContentType", "application/x-new"), XFER_OK);
  assert_int_equal(xfer_args_set_metadata(a, "shape", "round"), XFER_OK);
  progress_rec pr = {0};
  xfer_future *f =
      xfer_copy(m, env_get()->bucket, src, env_get()->bucket, dst, a, progress_record, &pr);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), size);
  assert_int_equal(pr.last_done, size); /* counted by the copy itself, not filled in at the end */
  assert_int_equal(pr.last_total, size);
  xfer_future_free(f);
  xfer_args_free(a);
  char *head = s3check("head\x1f%s\x1f%s", env_get()->bucket, dst);
  assert_non_null(head);
  return head;
}

static void assert_new_description(const char *head) {
  assert_non_null(strstr(head, "application/x-new"));
  assert_null(strstr(head, "application/x-old"));
  assert_non_null(strstr(head, "\"x-amz-meta-shape\": \"round\""));
  assert_null(strstr(head, "x-amz-meta-colour"));
}

static void assert_old_description(const char *head) {
  assert_non_null(strstr(head, "application/x-old"));
  assert_null(strstr(head, "application/x-new"));
  assert_non_null(strstr(head, "\"x-amz-meta-colour\": \"blue\""));
  assert_null(strstr(head, "x-amz-meta-shape"));
}

/* Multipart copy with REPLACE: the new object has the caller's type and metadata only. */
static void test_multipart_copy_replace(void **state) {
  (void)state;
  if (env_is("s3rver")) skip(); /* no UploadPartCopy in s3rver */
  xfer_manager *m = manager_on(env_config());
  size_t size = 11 * MiB + 5;
  char src[256], dst[256];
  uint8_t *data = upload_source(m, "mp-replace", size, src, sizeof src);
  snprintf(dst, sizeof dst, "%scopy/mp-replace/dst", run_prefix());
  char *head = copy_with_new_type(m, src, dst, size, 1);
  assert_new_description(head);
  assert_non_null(strstr(head, "-3\\\"")); /* made of three parts: 5 + 5 + 1 MiB */
  free(head);
  assert_stored(env_get()->bucket, dst, data, size);
  free(data);
  xfer_manager_free(m);
}

/* Multipart copy without REPLACE: the source's type and metadata, the caller's ignored; the
 * proxy sees CreateMultipartUpload with exactly one Content-Type, the source's. */
static void test_multipart_copy_keeps_source_without_replace(void **state) {
  (void)state;
  if (env_is("s3rver")) skip(); /* no UploadPartCopy in s3rver */
  xfer_manager *m = manager_on(proxy_config());
  size_t size = 11 * MiB + 5;
  char src[256], dst[256];
  uint8_t *data = upload_source(m, "mp-keep", size, src, sizeof src);
  snprintf(dst, sizeof dst, "%scopy/mp-keep/dst", run_prefix());
  free(proxy_ctl("reset", NULL));
  char *head = copy_with_new_type(m, src, dst, size, 0);
  assert_old_description(head);
  free(head);
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"method\":\"POST\"", "\"query\":\"uploads", NULL), 1);
  /* Repeated headers are joined with ", " in the log: this needle matches one value only. */
  assert_int_equal(log_count(log, "\"method\":\"POST\"", "\"query\":\"uploads",
                             "\"content-type\":\"application/x-old\"", NULL),
                   1);
  assert_int_equal(log_count(log, "application/x-new", NULL), 0);
  assert_int_equal(log_count(log, "x-amz-meta-shape", NULL), 0);
  free(log);
  assert_stored(env_get()->bucket, dst, data, size);
  free(data);
  xfer_manager_free(m);
}

/* CopyObject (below the threshold) with REPLACE: the caller's type and metadata only. */
static void test_copy_object_replace(void **state) {
  (void)state;
  xfer_manager *m = manager_on(env_config());
  size_t size = 1000;
  char src[256], dst[256];
  uint8_t *data = upload_source(m, "small-replace", size, src, sizeof src);
  snprintf(dst, sizeof dst, "%scopy/small-replace/dst", run_prefix());
  char *head = copy_with_new_type(m, src, dst, size, 1);
  assert_new_description(head);
  free(head);
  assert_stored(env_get()->bucket, dst, data, size);
  free(data);
  xfer_manager_free(m);
}

/* The source's HEAD names the source's SSE-C key with the plain SSE-C headers (s3transfer maps
 * CopySourceSSECustomer* onto HeadObject's SSECustomer*). The proxy answers that HEAD itself,
 * so no server needs SSE-C over plain http. */
static void test_copy_source_sse_c_on_head(void **state) {
  (void)state;
  xfer_manager *m = manager_on(proxy_config());
  free(proxy_ctl("reset", NULL));
  free(proxy_ctl("set",
                 "{\"match\":{\"method\":\"HEAD\"},\"fault\":\"status\",\"times\":-1,"
                 "\"arg\":{\"status\":404,\"code\":\"NoSuchKey\",\"message\":\"x\"}}"));
  xfer_args *a = xfer_args_new();
  assert_int_equal(xfer_args_set(a, "CopySourceSSECustomerAlgorithm", "AES256"), XFER_OK);
  assert_int_equal(xfer_args_set(a, "CopySourceSSECustomerKey", "0123456789abcdef0123456789abcdef"),
                   XFER_OK);
  xfer_future *f =
      xfer_copy(m, env_get()->bucket, "sse-src", env_get()->bucket, "sse-dst", a, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ESERVICE);
  assert_int_equal(xfer_future_http_status(f), 404);
  xfer_future_free(f);
  xfer_args_free(a);
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"method\":\"HEAD\"", NULL), 1);
  assert_int_equal(
      log_count(log, "\"method\":\"HEAD\"",
                "\"x-amz-server-side-encryption-customer-algorithm\":\"AES256\"",
                "\"x-amz-server-side-encryption-customer-key\":"
                "\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\"",
                "\"x-amz-server-side-encryption-customer-key-md5\":\"hRasmdxgYDKV3nvbahU1MA==\"",
                NULL),
      1);
  assert_int_equal(log_count(log, "x-amz-copy-source-server-side-encryption", NULL), 0);
  free(log);
  xfer_manager_free(m);
}

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_multipart_copy_replace, test_teardown),
      cmocka_unit_test_teardown(test_multipart_copy_keeps_source_without_replace, test_teardown),
      cmocka_unit_test_teardown(test_copy_object_replace, test_teardown),
      cmocka_unit_test_teardown(test_copy_source_sse_c_on_head, test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, group_teardown);
}
