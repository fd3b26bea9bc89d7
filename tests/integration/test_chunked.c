/* test_chunked.c: signed aws-chunked stream uploads (xfer_upload_fileobj_chunked). On radosgw,
 * which verifies every chunk signature: single and multipart round trips with short reads,
 * what went on the wire (through the fault proxy), and failures that leave nothing behind (a
 * corrupted chunk, a reset body, a short stream, a cancel). On Swift, which does not implement
 * aws-chunked: a clean 501 and nothing left behind. s3rver stores the framing as data: skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define KiB 1024u
#define MiB (1024u * 1024u)

static xfer_manager *chunked_manager(int via_proxy, uint32_t chunk) {
  xfer_config *c = via_proxy ? proxy_config() : env_config();
  assert_int_equal(xfer_config_set_multipart_threshold(c, 5 * MiB), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, 5 * MiB), XFER_OK);
  assert_int_equal(xfer_config_set_aws_chunk_size(c, chunk), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  assert_non_null(m);
  return m;
}

static void key_for(char *key, size_t cap, const char *name) {
  snprintf(key, cap, "%schunked/%s", run_prefix(), name);
}

static void nothing_left(const char *key) {
  assert_null(s3check("head\x1f%s\x1f%s", env_get()->bucket, key));
  assert_int_equal(open_uploads(key), 0); /* s3rver never runs these */
}

/* Uploads size bytes (short reads of 1..max_read bytes) and checks what the server stored. */
static void round_trip(const char *name, size_t size, uint32_t chunk, size_t max_read) {
  xfer_manager *m = chunked_manager(1, chunk);
  char key[256];
  key_for(key, sizeof key, name);
  uint8_t *data = random_bytes(size, (uint32_t)size);
  mem_reader r = {data, size, 0, max_read, max_read ? 7u : 0u};
  progress_rec rec = {0};
  free(proxy_ctl("reset", NULL));
  xfer_future *f = xfer_upload_fileobj_chunked(m, mem_read, &r, size, env_get()->bucket, key, NULL,
                                               progress_record, &rec);
  assert_non_null(f);
  xfer_status s = wait_status(f);
  if (s != XFER_OK) fprintf(stderr, "%s: %s\n", name, xfer_future_error_message(f));
  assert_int_equal(s, XFER_OK);
  assert_int_equal(xfer_future_size(f), size);
  assert_non_null(xfer_future_etag(f));
  assert_null(xfer_future_checksum(f)); /* the chunk signatures protect the bytes */
  assert_int_equal(rec.last_done, size);
  assert_false(rec.decreased);
  assert_int_equal(r.pos, size); /* read exactly the announced bytes */
  xfer_future_free(f);
  xfer_manager_free(m);

  /* On the wire: every body aws-chunked with signed chunks, sent once. */
  char *log = proxy_ctl("log", NULL);
  int bodies = size >= 5 * MiB ? (int)((size + 5 * MiB - 1) / (5 * MiB)) : 1;
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", NULL), bodies);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                             "\"content-encoding\":\"aws-chunked\"", NULL),
                   bodies);
  free(log);
  assert_stored(env_get()->bucket, key, data, size);
  free(data);
}

static void test_single_round_trip(void **state) {
  (void)state;
  round_trip("single", 1 * MiB + 12345, 64 * KiB, 64 * KiB);
}

static void test_multipart_round_trip(void **state) {
  (void)state;
  /* 3 parts (5 + 5 + 2 MiB) of 100000-byte chunks: chunks end at part ends, not across. */
  round_trip("multipart", 12 * MiB, 100000, 0);
}

static void test_multipart_short_reads(void **state) {
  (void)state;
  round_trip("short-reads", 11 * MiB + 3, 8 * KiB, 3000);
}

static void test_empty(void **state) {
  (void)state;
  xfer_manager *m = chunked_manager(0, 64 * KiB);
  char key[256];
  key_for(key, sizeof key, "empty");
  mem_reader r = {(const uint8_t *)"", 0, 0, 0, 0};
  xfer_future *f =
      xfer_upload_fileobj_chunked(m, mem_read, &r, 0, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  xfer_manager_free(m);
  assert_stored(env_get()->bucket, key, (const uint8_t *)"", 0);
}

/* A failing upload through the proxy: the structured error, one attempt of the faulty body,
 * one Abort, nothing stored. Returns the proxy log (caller frees). */
static char *failing(const char *name, const char *rule, size_t size, size_t announced,
                     xfer_status expect) {
  xfer_manager *m = chunked_manager(1, 64 * KiB);
  char key[256];
  key_for(key, sizeof key, name);
  uint8_t *data = random_bytes(size, 5);
  mem_reader r = {data, size, 0, 0, 0};
  free(proxy_ctl("reset", NULL));
  if (rule) free(proxy_ctl("set", rule));
  xfer_future *f = xfer_upload_fileobj_chunked(m, mem_read, &r, announced, env_get()->bucket, key,
                                               NULL, NULL, NULL);
  assert_non_null(f);
  xfer_status s = wait_status(f);
  if (s != expect) fprintf(stderr, "%s: %s\n", name, xfer_future_error_message(f));
  assert_int_equal(s, expect);
  xfer_future_free(f);
  xfer_manager_free(m);
  free(proxy_ctl("clear", NULL));
  free(data);
  nothing_left(key);
  return proxy_ctl("log", NULL);
}

static void test_corrupted_chunk_is_refused(void **state) {
  (void)state;
  char *log = failing("corrupt",
                      "{\"match\":{\"method\":\"PUT\",\"query_has\":\"partNumber=2\"},"
                      "\"fault\":\"pass\",\"corrupt_request_body\":true}",
                      12 * MiB, 12 * MiB, XFER_ESERVICE);
  /* radosgw checks the flipped chunk against its signature and refuses the part. */
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=2&", NULL), 1);
  assert_int_equal(log_count(log, "\"method\":\"POST\"", "uploadId=", NULL), 0); /* no Complete */
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", "uploadId=", NULL), 1);
  free(log);
}

static void test_reset_body_is_not_resent(void **state) {
  (void)state;
  char *log = failing("reset",
                      "{\"match\":{\"method\":\"PUT\",\"query_has\":\"partNumber=2\"},"
                      "\"fault\":\"reset_during_body\"}",
                      12 * MiB, 12 * MiB, XFER_ENETWORK);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=2&", NULL), 1);
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", "uploadId=", NULL), 1);
  free(log);
}

static void test_short_stream_fails(void **state) {
  (void)state;
  /* The stream ends 1 MiB before the size announced: an I/O error, aborted. */
  char *log = failing("short", NULL, 11 * MiB, 12 * MiB, XFER_EIO);
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", "uploadId=", NULL), 1);
  free(log);
  log = failing("short-single", NULL, 100 * KiB, 200 * KiB, XFER_EIO);
  free(log);
}

static void test_cancel_aborts(void **state) {
  (void)state;
  xfer_manager *m = chunked_manager(0, 64 * KiB);
  char key[256];
  key_for(key, sizeof key, "cancel");
  size_t size = 16 * MiB;
  uint8_t *data = random_bytes(size, 9);
  mem_reader r = {data, size, 0, 0, 0};
  xfer_future *f =
      xfer_upload_fileobj_chunked(m, mem_read, &r, size, env_get()->bucket, key, NULL, NULL, NULL);
  while (r.pos < 7 * MiB) assert_int_equal(xfer_future_wait(f, 5), XFER_ETIMEDOUT);
  xfer_future_cancel(f);
  double t0 = now_s();
  assert_int_equal(wait_status(f), XFER_ECANCELLED);
  assert_true(now_s() - t0 < 5.0);
  xfer_future_free(f);
  xfer_manager_free(m);
  free(data);
  nothing_left(key);
}

/* Swift's s3api has no aws-chunked: the 501 comes back whole, and nothing is left behind. */
static void test_unsupported_server_fails_cleanly(void **state) {
  (void)state;
  for (int multipart = 0; multipart < 2; multipart++) {
    xfer_manager *m = chunked_manager(0, 64 * KiB);
    char key[256];
    key_for(key, sizeof key, multipart ? "unsupported-mp" : "unsupported");
    size_t size = multipart ? 6 * MiB : 1 * MiB;
    uint8_t *data = random_bytes(size, 3);
    mem_reader r = {data, size, 0, 0, 0};
    xfer_future *f = xfer_upload_fileobj_chunked(m, mem_read, &r, size, env_get()->bucket, key,
                                                 NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_ESERVICE);
    assert_int_equal(xfer_future_http_status(f), 501);
    assert_string_equal(xfer_future_s3_error_code(f), "NotImplemented");
    xfer_future_free(f);
    xfer_manager_free(m);
    free(data);
    nothing_left(key);
  }
}

int main(void) {
  env_get();
  if (env_is("s3rver")) {
    printf("skipped: s3rver stores aws-chunked framing as data (tests/servers, SERVERS.md)\n");
    return 0;
  }
  if (env_is("swift")) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_unsupported_server_fails_cleanly, test_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_single_round_trip, test_teardown),
      cmocka_unit_test_teardown(test_multipart_round_trip, test_teardown),
      cmocka_unit_test_teardown(test_multipart_short_reads, test_teardown),
      cmocka_unit_test_teardown(test_empty, test_teardown),
      cmocka_unit_test_teardown(test_corrupted_chunk_is_refused, test_teardown),
      cmocka_unit_test_teardown(test_reset_body_is_not_resent, test_teardown),
      cmocka_unit_test_teardown(test_short_stream_fails, test_teardown),
      cmocka_unit_test_teardown(test_cancel_aborts, test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, group_teardown);
}
