/* test_integrity.c: every byte verified: downloads check the checksums a server returns (whole
 * object, and combined from ranges), a flipped byte fails the transfer with XFER_ECHECKSUM and
 * leaves no file; Content-MD5 makes a checking server refuse a corrupted part, and the upload
 * is aborted; a stalled answer is cut by the stall timeout and retried. No server here returns
 * x-amz-checksum-* headers, so the fault proxy adds them (the values computed at upload). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define MiB (1024u * 1024u)

static xfer_manager *manager(int md5, uint32_t stall_ms) {
  xfer_config *c = proxy_config();
  assert_int_equal(xfer_config_set_multipart_threshold(c, 5 * MiB), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, 5 * MiB), XFER_OK);
  assert_int_equal(xfer_config_set_content_md5(c, md5), XFER_OK);
  if (stall_ms) assert_int_equal(xfer_config_set_stall_timeout_ms(c, stall_ms), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  assert_non_null(m);
  return m;
}

/* Uploads size random bytes; returns the full-object checksum value ("CRC32:..." without the
 * prefix) in out. */
static void upload(xfer_manager *m, const char *key, size_t size, uint32_t seed, char *out,
                   uint8_t **data) {
  *data = random_bytes(size, seed);
  char *path = write_temp_file("i.bin", *data, size);
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  const char *ck = xfer_future_checksum(f);
  assert_non_null(ck);
  assert_int_equal(strncmp(ck, "CRC32:", 6), 0);
  strcpy(out, ck + 6);
  xfer_future_free(f);
}

static void set_rules(const char *rules) {
  free(proxy_ctl("clear", NULL));
  free(proxy_ctl("reset", NULL));
  free(proxy_ctl("set", rules));
}

static void check_download(const char *key, const char *crc, int flip, size_t size,
                           const uint8_t *data) {
  xfer_manager *m = manager(0, 0);
  char rules[1024];
  const char *flip_rule =
      flip ? "{\"match\":{\"method\":\"GET\",\"header\":{\"range\":\"bytes=5242880-\"}},"
             "\"fault\":\"flip_byte\",\"arg\":{\"response_headers\":"
             "{\"x-amz-checksum-crc32\":\"%s\",\"x-amz-checksum-type\":\"FULL_OBJECT\"}}},"
           : "%s";
  char flip_part[512];
  snprintf(flip_part, sizeof flip_part, flip_rule, flip ? crc : "");
  snprintf(rules, sizeof rules,
           "[%s{\"match\":{\"method\":\"GET\"},\"fault\":\"pass\",\"times\":-1,\"arg\":{\"response_"
           "headers\":"
           "{\"x-amz-checksum-crc32\":\"%s\",\"x-amz-checksum-type\":\"FULL_OBJECT\"}}}]",
           flip_part, crc);
  set_rules(rules);

  char dir[700];
  snprintf(dir, sizeof dir, "%s/dl-%d", tmp_dir(), flip);
  char cmd[800];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
  assert_int_equal(system(cmd), 0);
  char path[800];
  snprintf(path, sizeof path, "%s/out.bin", dir);
  xfer_future *f = xfer_download_file(m, env_get()->bucket, key, path, NULL, NULL, NULL);
  xfer_status s = wait_status(f);
  if (flip) {
    assert_int_equal(s, XFER_ECHECKSUM);
    assert_non_null(strstr(xfer_future_error_message(f), crc));
    assert_int_equal(count_dir_entries(dir), 0); /* nothing left behind */
  } else {
    assert_int_equal(s, XFER_OK);
    char expect[64];
    snprintf(expect, sizeof expect, "CRC32:%s", crc);
    assert_string_equal(xfer_future_checksum(f), expect);
    size_t len = 0;
    uint8_t *got = read_file(path, &len);
    assert_int_equal(len, size);
    assert_memory_equal(got, data, size);
    free(got);
  }
  xfer_future_free(f);

  /* The same through a write callback (the rules again: the flip fires once). */
  set_rules(rules);
  mem_writer w = {malloc(size), size, 0, 0, 0};
  f = xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), flip ? XFER_ECHECKSUM : XFER_OK);
  xfer_future_free(f);
  free(w.data);
  xfer_manager_free(m);
}

static void test_download_checksums_combined(void **state) {
  (void)state;
  xfer_manager *m = manager(0, 0);
  char key[256], crc[64];
  uint8_t *data;
  snprintf(key, sizeof key, "%sintegrity/multi", run_prefix());
  upload(m, key, 13 * MiB + 5, 8, crc, &data); /* three ranges: the CRC is combined */
  xfer_manager_free(m);
  check_download(key, crc, 0, 13 * MiB + 5, data);
  check_download(key, crc, 1, 13 * MiB + 5, data);
  free(data);
}

static void test_download_checksum_single_request(void **state) {
  (void)state;
  xfer_manager *m = manager(0, 0);
  char key[256], crc[64];
  uint8_t *data;
  snprintf(key, sizeof key, "%sintegrity/small", run_prefix());
  upload(m, key, 100000, 9, crc, &data);
  check_download(key, crc, 0, 100000, data);
  /* A wrong value for a whole-object answer is caught too. */
  set_rules(
      "{\"match\":{\"method\":\"GET\"},\"fault\":\"pass\",\"times\":-1,"
      "\"arg\":{\"response_headers\":{\"x-amz-checksum-crc32\":\"AAAAAA==\"}}}");
  mem_writer w = {malloc(100000), 100000, 0, 0, 0};
  xfer_future *f =
      xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ECHECKSUM);
  xfer_future_free(f);
  free(w.data);
  free(data);
  xfer_manager_free(m);
}

/* The proxy recomputes each part's CRC32: a corrupted body shows as a mismatch. With
 * Content-MD5, a checking server refuses the part and the upload is aborted. */
static void test_content_md5_refuses_corruption(void **state) {
  (void)state;
  if (env_is("s3rver")) skip(); /* s3rver checks no digest at all */
  xfer_manager *m = manager(1, 0);
  char key[256];
  snprintf(key, sizeof key, "%sintegrity/md5", run_prefix());
  size_t size = 11 * MiB;
  uint8_t *data = random_bytes(size, 10);
  char *path = write_temp_file("md5.bin", data, size);
  set_rules(
      "{\"match\":{\"method\":\"PUT\",\"query_has\":\"partNumber=2\"},\"fault\":\"pass\","
      "\"corrupt_request_body\":true,\"times\":-1}");
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ESERVICE);
  assert_int_equal(xfer_future_http_status(f), 400);
  assert_string_equal(xfer_future_s3_error_code(f), "BadDigest");
  xfer_future_free(f);
  char *log = proxy_ctl("log", NULL);
  assert_true(log_count(log, "partNumber=2&", "\"checksum_mismatch\":true", NULL) >= 1);
  /* Part 1 is not checked: when part 2 fails first, the transfer cuts part 1 off mid-body. */
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", "uploadId=", NULL), 1);
  free(log);
  assert_int_equal(open_uploads(key), 0);
  /* Without corruption the same upload goes through with Content-MD5 on. */
  free(proxy_ctl("clear", NULL));
  f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  free(data);
  xfer_manager_free(m);
}

static void test_stall_is_cut_and_retried(void **state) {
  (void)state;
  xfer_manager *m = manager(0, 1000);
  char key[256], crc[64];
  uint8_t *data;
  snprintf(key, sizeof key, "%sintegrity/stall", run_prefix());
  upload(m, key, 3 * MiB, 11, crc, &data);
  set_rules(
      "{\"match\":{\"method\":\"GET\"},\"fault\":\"stall\",\"arg\":{\"seconds\":6,\"when\":\"mid_"
      "response\"}}");
  mem_writer w = {malloc(3 * MiB), 3 * MiB, 0, 0, 0};
  double t0 = now_s();
  xfer_future *f =
      xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  double took = now_s() - t0;
  fprintf(stderr, "  stalled download finished in %.1f s\n", took);
  assert_true(took < 4); /* cut after ~1 s, well before the proxy's 6 s stall ended */
  assert_memory_equal(w.data, data, 3 * MiB);
  xfer_future_free(f);
  /* The stalled request is logged when the proxy gives up on it, after its 6 s. */
  int gets = 0;
  for (int i = 0; i < 100 && gets < 2; i++) {
    char *log = proxy_ctl("log", NULL);
    gets = log_count(log, "\"method\":\"GET\"", NULL);
    free(log);
    if (gets < 2) {
      struct timespec ts = {0, 100000000};
      nanosleep(&ts, NULL);
    }
  }
  assert_int_equal(gets, 2);
  free(w.data);
  free(data);
  xfer_manager_free(m);
}

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_download_checksums_combined, test_teardown),
      cmocka_unit_test_teardown(test_download_checksum_single_request, test_teardown),
      cmocka_unit_test_teardown(test_content_md5_refuses_corruption, test_teardown),
      cmocka_unit_test_teardown(test_stall_is_cut_and_retried, test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, group_teardown);
}
