/* test_errors.c: structured errors from the server (status, HTTP status, S3 code, request id)
 * and nothing left behind: no partial or temporary file, an existing target untouched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The request id of a failed request, as each server gives it: Swift (x-amz-request-id, its
 * transaction id) and radosgw (x-amz-request-id and RequestId) send one; s3rver sends none
 * (its errors carry no RequestId and its answers no x-amz-request-id), so the future has none. */
static void assert_request_id(const xfer_future *f) {
  const char *id = xfer_future_request_id(f);
  if (env_is("s3rver")) {
    assert_null(id);
  } else {
    assert_non_null(id);
    assert_true(strlen(id) > 0);
  }
}

static void test_missing_key(void **state) {
  (void)state;
  xfer_manager *m = env_manager();
  char dir[700], path[800], key[256];
  snprintf(dir, sizeof dir, "%s/missing", tmp_dir());
  char mk[800];
  snprintf(mk, sizeof mk, "mkdir -p '%s'", dir);
  assert_int_equal(system(mk), 0);
  snprintf(path, sizeof path, "%s/out.bin", dir);
  snprintf(key, sizeof key, "%sno-such-key", run_prefix());
  xfer_future *f = xfer_download_file(m, env_get()->bucket, key, path, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ESERVICE);
  assert_int_equal(xfer_future_status(f), XFER_ESERVICE);
  assert_int_equal(xfer_future_http_status(f), 404);
  assert_string_equal(xfer_future_s3_error_code(f), "NoSuchKey");
  assert_request_id(f);
  assert_non_null(xfer_future_error_message(f));
  assert_null(xfer_future_etag(f));
  xfer_future_free(f);
  assert_int_equal(count_dir_entries(dir), 0); /* no partial or temporary file */

  /* The same through a write callback: the writer is never called. */
  mem_writer w = {malloc(16), 16, 0, 0, 0};
  f = xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ESERVICE);
  assert_string_equal(xfer_future_s3_error_code(f), "NoSuchKey");
  assert_int_equal(w.len, 0);
  xfer_future_free(f);
  free(w.data);
  xfer_manager_free(m);
}

/* A failed download leaves an existing target as it was. */
static void test_existing_target_untouched(void **state) {
  (void)state;
  xfer_manager *m = env_manager();
  const uint8_t before[] = "precious contents";
  char *path = write_temp_file("precious.txt", before, sizeof before);
  char key[256];
  snprintf(key, sizeof key, "%sstill-missing", run_prefix());
  xfer_future *f = xfer_download_file(m, env_get()->bucket, key, path, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ESERVICE);
  xfer_future_free(f);
  size_t len = 0;
  uint8_t *after = read_file(path, &len);
  assert_int_equal(len, sizeof before);
  assert_memory_equal(after, before, sizeof before);
  free(after);
  assert_int_equal(count_dir_entries(tmp_dir()), 1);
  xfer_manager_free(m);
}

static void test_missing_bucket(void **state) {
  (void)state;
  xfer_manager *m = env_manager();
  const uint8_t data[] = "x";
  char *path = write_temp_file("one.txt", data, 1);
  xfer_future *f = xfer_upload_file(m, path, "xfer-no-such-bucket-4711", "k", NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ESERVICE);
  assert_int_equal(xfer_future_http_status(f), 404);
  assert_string_equal(xfer_future_s3_error_code(f), "NoSuchBucket");
  assert_request_id(f);
  xfer_future_free(f);
  f = xfer_download_file(m, "xfer-no-such-bucket-4711", "k", path, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ESERVICE);
  assert_string_equal(xfer_future_s3_error_code(f), "NoSuchBucket");
  assert_request_id(f);
  xfer_future_free(f);
  xfer_manager_free(m);
}

/* Only servers that verify signatures can say so: s3rver accepts any secret. */
static void test_wrong_secret(void **state) {
  (void)state;
  if (env_is("s3rver")) {
    skip();
  }
  xfer_config *c = env_config();
  assert_int_equal(xfer_config_set_credentials(c, env_get()->access_key, "not-the-secret", NULL),
                   XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  const uint8_t data[] = "hello";
  char *path = write_temp_file("hello.txt", data, 5);
  char key[256];
  snprintf(key, sizeof key, "%swrong-secret", run_prefix());
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ESERVICE);
  assert_int_equal(xfer_future_http_status(f), 403);
  assert_string_equal(xfer_future_s3_error_code(f), "SignatureDoesNotMatch");
  assert_request_id(f);
  xfer_future_free(f);
  /* The object is not there (looked at from outside). */
  char *r = s3check("head\x1f%s\x1f%s", env_get()->bucket, key);
  assert_null(r);
  xfer_manager_free(m);
}

static void test_missing_local_file(void **state) {
  (void)state;
  xfer_manager *m = env_manager();
  xfer_future *f =
      xfer_upload_file(m, "/nonexistent/file", env_get()->bucket, "k", NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_EIO);
  assert_non_null(strstr(xfer_future_error_message(f), "/nonexistent/file"));
  assert_int_equal(xfer_future_http_status(f), 0);
  xfer_future_free(f);
  xfer_manager_free(m);
}

/* Download into a folder that does not exist: a local error, no request needed to tell. */
static void test_download_into_missing_folder(void **state) {
  (void)state;
  xfer_manager *m = env_manager();
  xfer_future *f =
      xfer_download_file(m, env_get()->bucket, "k", "/nonexistent/dir/out", NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_EIO);
  xfer_future_free(f);
  xfer_manager_free(m);
}

static void test_delete_and_versions(void **state) {
  (void)state;
  xfer_manager *m = env_manager();
  const uint8_t data[] = "to be deleted";
  char *path = write_temp_file("del.txt", data, sizeof data);
  char key[256];
  snprintf(key, sizeof key, "%sdelete-me", run_prefix());
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  char *r = s3check("head\x1f%s\x1f%s", env_get()->bucket, key);
  assert_non_null(r);
  free(r);
  f = xfer_delete(m, env_get()->bucket, key, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  r = s3check("head\x1f%s\x1f%s", env_get()->bucket, key);
  assert_null(r);
  xfer_manager_free(m);
}

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_missing_key, test_teardown),
      cmocka_unit_test_teardown(test_existing_target_untouched, test_teardown),
      cmocka_unit_test_teardown(test_missing_bucket, test_teardown),
      cmocka_unit_test_teardown(test_wrong_secret, test_teardown),
      cmocka_unit_test_teardown(test_missing_local_file, test_teardown),
      cmocka_unit_test_teardown(test_download_into_missing_folder, test_teardown),
      cmocka_unit_test_teardown(test_delete_and_versions, test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
