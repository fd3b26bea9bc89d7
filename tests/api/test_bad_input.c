/* test_bad_input.c: every public function given NULL, empty strings, zero or huge values, or
 * called in the wrong state returns an error with a message, and never crashes. No server:
 * nothing here may send a request (the endpoint is a closed port). */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xfer/xfer.h"

#define EXPECT_EINVAL(call)                                       \
  do {                                                            \
    xfer_status s_ = (call);                                      \
    if (s_ != XFER_EINVAL) fail_msg("%s returned %d", #call, s_); \
    assert_true(strlen(xfer_last_error()) > 0);                   \
  } while (0)

#define EXPECT_NULL(call)                       \
  do {                                          \
    if ((call) != NULL) fail_msg("%s", #call);  \
    assert_true(strlen(xfer_last_error()) > 0); \
  } while (0)

static int64_t rd(uint8_t *b, size_t c, void *u) {
  (void)b, (void)c, (void)u;
  return 0;
}
static int wr(const uint8_t *d, size_t n, uint64_t o, void *u) {
  (void)d, (void)n, (void)o, (void)u;
  return 0;
}

static int list_fn(const xfer_object *o, void *u) {
  (void)o, (void)u;
  return 0;
}

static xfer_config *cfg(void) {
  xfer_config *c = xfer_config_new();
  assert_non_null(c);
  assert_int_equal(xfer_config_set_endpoint(c, "http://127.0.0.1:9"), XFER_OK);
  assert_int_equal(xfer_config_set_credentials(c, "AK", "SK", NULL), XFER_OK);
  return c;
}

static void test_version_and_status(void **state) {
  (void)state;
  assert_string_equal(xfer_version(), XFER_VERSION_STRING);
  assert_string_equal(xfer_status_str(XFER_EINVAL), "XFER_EINVAL");
  assert_string_equal(xfer_status_str((xfer_status)12345), "XFER_UNKNOWN");
  assert_non_null(xfer_last_error());
}

static void test_config_setters(void **state) {
  (void)state;
  EXPECT_EINVAL(xfer_config_load_env(NULL, NULL));
  EXPECT_EINVAL(xfer_config_set_endpoint(NULL, "http://x"));
  EXPECT_EINVAL(xfer_config_set_region(NULL, "us-east-1"));
  EXPECT_EINVAL(xfer_config_set_credentials(NULL, "a", "b", NULL));
  EXPECT_EINVAL(xfer_config_set_path_style(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_multipart_threshold(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_multipart_chunksize(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_max_concurrency(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_use_threads(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_max_bandwidth(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_num_download_attempts(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_max_in_memory_upload_chunks(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_max_in_memory_download_chunks(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_checksum_algorithm(NULL, "CRC32"));
  EXPECT_EINVAL(xfer_config_set_ca_bundle(NULL, ""));
  EXPECT_EINVAL(xfer_config_set_verify_tls(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_sign_payload(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_connect_timeout_ms(NULL, 1));
  EXPECT_EINVAL(xfer_config_set_stall_timeout_ms(NULL, 5000));
  EXPECT_EINVAL(xfer_config_set_aws_chunk_size(NULL, 65536));
  EXPECT_EINVAL(xfer_config_set_content_md5(NULL, 1));

  xfer_config *c = cfg();
  EXPECT_EINVAL(xfer_config_set_endpoint(c, "ftp://host"));
  EXPECT_EINVAL(xfer_config_set_endpoint(c, "no-scheme"));
  EXPECT_EINVAL(xfer_config_set_endpoint(c, "http://host/path"));
  EXPECT_EINVAL(xfer_config_set_region(c, NULL));
  EXPECT_EINVAL(xfer_config_set_region(c, ""));
  EXPECT_EINVAL(xfer_config_set_region(c, "us east"));
  EXPECT_EINVAL(xfer_config_set_credentials(c, NULL, "b", NULL));
  EXPECT_EINVAL(xfer_config_set_credentials(c, "a", NULL, NULL));
  EXPECT_EINVAL(xfer_config_set_credentials(c, "", "b", NULL));
  EXPECT_EINVAL(xfer_config_set_multipart_threshold(c, 0));
  EXPECT_EINVAL(xfer_config_set_multipart_chunksize(c, 0));
  EXPECT_EINVAL(xfer_config_set_multipart_chunksize(c, UINT64_MAX));
  EXPECT_EINVAL(xfer_config_set_max_concurrency(c, 0));
  EXPECT_EINVAL(xfer_config_set_max_concurrency(c, UINT32_MAX));
  EXPECT_EINVAL(xfer_config_set_num_download_attempts(c, 0));
  EXPECT_EINVAL(xfer_config_set_max_in_memory_upload_chunks(c, 0));
  EXPECT_EINVAL(xfer_config_set_max_in_memory_download_chunks(c, 0));
  EXPECT_EINVAL(xfer_config_set_checksum_algorithm(c, NULL));
  EXPECT_EINVAL(xfer_config_set_checksum_algorithm(c, "MD5"));
  EXPECT_EINVAL(xfer_config_set_connect_timeout_ms(c, 0));
  EXPECT_EINVAL(xfer_config_set_stall_timeout_ms(c, 999));
  EXPECT_EINVAL(xfer_config_set_aws_chunk_size(c, 8191));
  EXPECT_EINVAL(xfer_config_set_aws_chunk_size(c, 16 * 1024 * 1024 + 1));
  /* Valid values still work after the failures. */
  assert_int_equal(xfer_config_set_checksum_algorithm(c, "crc32c"), XFER_OK);
  assert_int_equal(xfer_config_set_max_bandwidth(c, 0), XFER_OK);
  assert_int_equal(xfer_config_set_endpoint(c, NULL), XFER_OK);
  xfer_config_free(c);
  xfer_config_free(NULL);
}

static void test_args(void **state) {
  (void)state;
  EXPECT_EINVAL(xfer_args_set(NULL, "ContentType", "x"));
  EXPECT_EINVAL(xfer_args_set_metadata(NULL, "k", "v"));
  xfer_args *a = xfer_args_new();
  assert_non_null(a);
  EXPECT_EINVAL(xfer_args_set(a, NULL, "x"));
  EXPECT_EINVAL(xfer_args_set(a, "", "x"));
  EXPECT_EINVAL(xfer_args_set(a, "ContentType", NULL));
  EXPECT_EINVAL(xfer_args_set(a, "NoSuchArgument", "x"));
  assert_non_null(strstr(xfer_last_error(), "ContentType")); /* lists the valid names */
  EXPECT_EINVAL(xfer_args_set(a, "Metadata", "x"));
  EXPECT_EINVAL(xfer_args_set_metadata(a, NULL, "v"));
  EXPECT_EINVAL(xfer_args_set_metadata(a, "", "v"));
  EXPECT_EINVAL(xfer_args_set_metadata(a, "bad key", "v"));
  EXPECT_EINVAL(xfer_args_set_metadata(a, "k", NULL));
  assert_int_equal(xfer_args_set(a, "VersionId", "v1"), XFER_OK);
  xfer_args_free(a);
  xfer_args_free(NULL);
}

static void test_manager_and_transfers(void **state) {
  (void)state;
  EXPECT_NULL(xfer_manager_new(NULL));
  EXPECT_EINVAL(xfer_manager_shutdown(NULL, 1));
  xfer_manager_free(NULL);

  xfer_config *c = cfg();
  xfer_manager *m = xfer_manager_new(c);
  assert_non_null(m);
  EXPECT_NULL(xfer_upload_file(NULL, "/etc/hostname", "b", "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_file(m, NULL, "b", "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_file(m, "", "b", "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_file(m, "/etc/hostname", NULL, "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_file(m, "/etc/hostname", "", "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_file(m, "/etc/hostname", "b", NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_file(m, "/etc/hostname", "b", "", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_fileobj(NULL, rd, NULL, "b", "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_fileobj(m, NULL, NULL, "b", "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_fileobj(m, rd, NULL, NULL, "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_fileobj(m, rd, NULL, "b", NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_fileobj_chunked(NULL, rd, NULL, 10, "b", "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_fileobj_chunked(m, NULL, NULL, 10, "b", "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_fileobj_chunked(m, rd, NULL, 10, NULL, "k", NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_fileobj_chunked(m, rd, NULL, 10, "b", "", NULL, NULL, NULL));
  EXPECT_NULL(
      xfer_upload_fileobj_chunked(m, rd, NULL, (5ull << 40) + 1, "b", "k", NULL, NULL, NULL));
  {
    /* Without credentials there is nothing to sign the chunks with. */
    xfer_config *anon = xfer_config_new();
    assert_int_equal(xfer_config_set_endpoint(anon, "http://127.0.0.1:9"), XFER_OK);
    xfer_manager *am = xfer_manager_new(anon);
    assert_non_null(am);
    EXPECT_NULL(xfer_upload_fileobj_chunked(am, rd, NULL, 10, "b", "k", NULL, NULL, NULL));
    assert_non_null(strstr(xfer_last_error(), "credentials"));
    xfer_manager_free(am);
    xfer_config_free(anon);
  }
  EXPECT_NULL(xfer_download_file(NULL, "b", "k", "/tmp/x", NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_file(m, NULL, "k", "/tmp/x", NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_file(m, "b", NULL, "/tmp/x", NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_file(m, "b", "k", NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_file(m, "b", "k", "", NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_fileobj(NULL, "b", "k", wr, NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_fileobj(m, NULL, "k", wr, NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_fileobj(m, "b", NULL, wr, NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_fileobj(m, "b", "k", NULL, NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_copy(NULL, "a", "b", "c", "d", NULL, NULL, NULL));
  EXPECT_NULL(xfer_copy(m, NULL, "b", "c", "d", NULL, NULL, NULL));
  EXPECT_NULL(xfer_copy(m, "a", NULL, "c", "d", NULL, NULL, NULL));
  EXPECT_NULL(xfer_copy(m, "a", "b", NULL, "d", NULL, NULL, NULL));
  EXPECT_NULL(xfer_copy(m, "a", "b", "c", NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_copy(m, "", "b", "c", "d", NULL, NULL, NULL));
  EXPECT_NULL(xfer_delete(NULL, "b", "k", NULL));
  EXPECT_NULL(xfer_delete(m, NULL, "k", NULL));
  EXPECT_NULL(xfer_delete(m, "b", NULL, NULL));
  EXPECT_NULL(xfer_delete(m, "b", "", NULL));
  EXPECT_NULL(xfer_create_bucket(NULL, "b"));
  EXPECT_NULL(xfer_create_bucket(m, NULL));
  EXPECT_NULL(xfer_delete_bucket(m, ""));

  /* Listings and transfers of many. */
  EXPECT_NULL(xfer_list_objects(NULL, "b", NULL, NULL, list_fn, NULL));
  EXPECT_NULL(xfer_list_objects(m, NULL, NULL, NULL, list_fn, NULL));
  EXPECT_NULL(xfer_list_objects(m, "b", NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_delete_prefix(NULL, "b", "p/"));
  EXPECT_NULL(xfer_delete_prefix(m, "", "p/"));
  EXPECT_NULL(xfer_delete_prefix(m, "b", NULL));
  EXPECT_NULL(xfer_upload_directory(NULL, "/tmp", "b", "", NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_directory(m, NULL, "b", "", NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_directory(m, "/tmp", NULL, "", NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_upload_directory(m, "/tmp", "b", NULL, NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_directory(NULL, "b", "", "/tmp/x", NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_directory(m, "b", NULL, "/tmp/x", NULL, NULL, NULL, NULL));
  EXPECT_NULL(xfer_download_directory(m, "b", "", "", NULL, NULL, NULL, NULL));
  EXPECT_EINVAL(xfer_dir_options_add_filter(NULL, "*", 1));
  EXPECT_EINVAL(xfer_dir_options_set_max_files_in_flight(NULL, 1));
  xfer_dir_options *o = xfer_dir_options_new();
  EXPECT_EINVAL(xfer_dir_options_add_filter(o, NULL, 1));
  EXPECT_EINVAL(xfer_dir_options_add_filter(o, "", 0));
  EXPECT_EINVAL(xfer_dir_options_set_max_files_in_flight(o, 0));
  EXPECT_EINVAL(xfer_dir_options_set_max_files_in_flight(o, 100000));
  EXPECT_EINVAL(xfer_dir_options_set_guess_content_type(NULL, 1));
  assert_int_equal(xfer_dir_options_set_guess_content_type(o, 1), XFER_OK);
  EXPECT_NULL(xfer_guess_content_type(NULL));
  assert_non_null(strstr(xfer_last_error(), "xfer_guess_content_type"));
  assert_string_equal(xfer_guess_content_type("d/index.HTML"), "text/html");
  assert_null(xfer_guess_content_type("d.json/noext"));
  xfer_dir_options_free(o);
  xfer_dir_options_free(NULL);

  /* Extra args that exist but do not belong to the operation: refused before any request. */
  xfer_args *a = xfer_args_new();
  assert_int_equal(xfer_args_set(a, "VersionId", "v1"), XFER_OK); /* a download/delete arg */
  EXPECT_NULL(xfer_upload_file(m, "/etc/hostname", "b", "k", a, NULL, NULL));
  assert_non_null(strstr(xfer_last_error(), "VersionId"));
  xfer_args_free(a);
  a = xfer_args_new();
  assert_int_equal(xfer_args_set(a, "ContentType", "text/plain"), XFER_OK);
  EXPECT_NULL(xfer_download_file(m, "b", "k", "/tmp/x", a, NULL, NULL));
  EXPECT_NULL(xfer_delete(m, "b", "k", a));
  xfer_args_free(a);

  /* Wrong state: after shutdown, submissions fail with XFER_ESTATE. */
  assert_int_equal(xfer_manager_shutdown(m, 0), XFER_OK);
  assert_null(xfer_delete(m, "b", "k", NULL));
  assert_non_null(strstr(xfer_last_error(), "shut down"));
  assert_null(xfer_upload_fileobj(m, rd, NULL, "b", "k", NULL, NULL, NULL));
  assert_int_equal(xfer_manager_shutdown(m, 1), XFER_OK); /* twice is fine */
  xfer_manager_free(m);
  xfer_config_free(c);
}

static void test_futures(void **state) {
  (void)state;
  EXPECT_EINVAL(xfer_future_wait(NULL, -1));
  assert_int_equal(xfer_future_done(NULL), 0);
  xfer_future_cancel(NULL);
  EXPECT_EINVAL(xfer_future_status(NULL));
  EXPECT_NULL(xfer_future_error_message(NULL));
  assert_int_equal(xfer_future_http_status(NULL), 0);
  EXPECT_NULL(xfer_future_s3_error_code(NULL));
  EXPECT_NULL(xfer_future_request_id(NULL));
  EXPECT_NULL(xfer_future_etag(NULL));
  EXPECT_NULL(xfer_future_version_id(NULL));
  EXPECT_NULL(xfer_future_checksum(NULL));
  assert_int_equal(xfer_future_size(NULL), 0);
  assert_int_equal(xfer_future_failure_count(NULL), 0);
  EXPECT_NULL(xfer_future_failure_key(NULL, 0));
  EXPECT_NULL(xfer_future_failure_message(NULL, 0));
  assert_int_equal(xfer_future_file_count(NULL), 0);
  assert_non_null(strstr(xfer_last_error(), "xfer_future_file_count"));
  EXPECT_EINVAL(xfer_future_failure_status(NULL, 0));
  assert_non_null(strstr(xfer_last_error(), "xfer_future_failure_status"));
  assert_int_equal(xfer_future_failure_http_status(NULL, 0), 0);
  assert_non_null(strstr(xfer_last_error(), "xfer_future_failure_http_status"));
  EXPECT_NULL(xfer_future_failure_s3_error_code(NULL, 0));
  EXPECT_NULL(xfer_future_failure_request_id(NULL, 0));
  xfer_future_free(NULL);

  /* A transfer to a closed port fails as a network error, with a message; wait rejects a
   * nonsense timeout. */
  xfer_config *c = cfg();
  xfer_manager *m = xfer_manager_new(c);
  xfer_future *f = xfer_delete(m, "b", "k", NULL);
  assert_non_null(f);
  EXPECT_EINVAL(xfer_future_wait(f, -2));
  assert_int_equal(xfer_future_wait(f, -1), XFER_ENETWORK);
  assert_true(xfer_future_done(f));
  assert_non_null(xfer_future_error_message(f));
  assert_null(xfer_future_etag(f));
  xfer_future_cancel(f); /* a no-op once done */
  assert_int_equal(xfer_future_status(f), XFER_ENETWORK);
  /* A single transfer has no items: every failure index is out of range. */
  assert_int_equal(xfer_future_file_count(f), 0);
  assert_int_equal(xfer_future_failure_count(f), 0);
  EXPECT_NULL(xfer_future_failure_key(f, 0));
  EXPECT_NULL(xfer_future_failure_message(f, 0));
  EXPECT_EINVAL(xfer_future_failure_status(f, 0));
  assert_int_equal(xfer_future_failure_http_status(f, 0), 0);
  assert_non_null(strstr(xfer_last_error(), "no failure 0"));
  EXPECT_NULL(xfer_future_failure_s3_error_code(f, 0));
  EXPECT_NULL(xfer_future_failure_request_id(f, 0));
  xfer_future_free(f);

  /* A folder of one file to the closed port: one failure, with its own status and no HTTP
   * details; index 1 is out of range. */
  char dir[] = "/tmp/xfer-bad-input.XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[64];
  snprintf(path, sizeof path, "%s/one", dir);
  FILE *file = fopen(path, "w");
  assert_non_null(file);
  fputs("x", file);
  fclose(file);
  f = xfer_upload_directory(m, dir, "b", "p/", NULL, NULL, NULL, NULL);
  assert_non_null(f);
  assert_int_equal(xfer_future_wait(f, -1), XFER_ENETWORK);
  assert_int_equal(xfer_future_file_count(f), 0);
  assert_int_equal(xfer_future_failure_count(f), 1);
  assert_string_equal(xfer_future_failure_key(f, 0), "one");
  assert_int_equal(xfer_future_failure_status(f, 0), XFER_ENETWORK);
  assert_int_equal(xfer_future_failure_http_status(f, 0), 0);
  assert_null(xfer_future_failure_s3_error_code(f, 0));
  assert_null(xfer_future_failure_request_id(f, 0));
  EXPECT_NULL(xfer_future_failure_key(f, 1));
  EXPECT_EINVAL(xfer_future_failure_status(f, 1));
  assert_non_null(strstr(xfer_last_error(), "no failure 1"));
  EXPECT_NULL(xfer_future_failure_request_id(f, 1));
  xfer_future_free(f);
  assert_int_equal(unlink(path), 0);
  assert_int_equal(rmdir(dir), 0);
  xfer_manager_free(m);
  xfer_config_free(c);
}

static void test_presign(void **state) {
  (void)state;
  char *url = (char *)1;
  xfer_config *c = cfg();
  EXPECT_EINVAL(xfer_presign(NULL, "GET", "b", "k", 60, &url));
  assert_null(url);
  EXPECT_EINVAL(xfer_presign(c, "GET", "b", "k", 60, NULL));
  EXPECT_EINVAL(xfer_presign(c, NULL, "b", "k", 60, &url));
  EXPECT_EINVAL(xfer_presign(c, "POST", "b", "k", 60, &url));
  EXPECT_EINVAL(xfer_presign(c, "GET", NULL, "k", 60, &url));
  EXPECT_EINVAL(xfer_presign(c, "GET", "b", "", 60, &url));
  EXPECT_EINVAL(xfer_presign(c, "GET", "b", "k", 0, &url));
  EXPECT_EINVAL(xfer_presign(c, "GET", "b", "k", 604801, &url));
  assert_int_equal(xfer_presign(c, "GET", "b", "a key", 60, &url), XFER_OK);
  assert_non_null(strstr(url, "http://127.0.0.1:9/b/a%20key?"));
  assert_non_null(strstr(url, "X-Amz-Signature="));
  xfer_string_free(url);
  xfer_string_free(NULL);
  xfer_config_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version_and_status),
      cmocka_unit_test(test_config_setters),
      cmocka_unit_test(test_args),
      cmocka_unit_test(test_manager_and_transfers),
      cmocka_unit_test(test_futures),
      cmocka_unit_test(test_presign),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
