/* test_proxy_transfers.c: what the server side sees, through the project's recording fault
 * proxy: concurrency never above max_concurrency, downloads without HEAD and with If-Match,
 * CRC32 headers that match the bytes, retried ranges that resume, and failures that abort the
 * multipart upload exactly once (or not at all when Create failed), and a cancel that comes
 * past the commit point (Complete or the last PUT byte sent) reporting what the server did. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MiB (1024u * 1024u)

static xfer_manager *manager_with(uint32_t concurrency, int use_threads, const char *checksum) {
  xfer_config *c = proxy_config();
  if (checksum) assert_int_equal(xfer_config_set_checksum_algorithm(c, checksum), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_threshold(c, 5 * MiB), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, 5 * MiB), XFER_OK);
  assert_int_equal(xfer_config_set_max_concurrency(c, concurrency), XFER_OK);
  assert_int_equal(xfer_config_set_use_threads(c, use_threads), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  assert_non_null(m);
  return m;
}

static xfer_manager *manager(uint32_t concurrency, int use_threads) {
  return manager_with(concurrency, use_threads, NULL);
}

static int stat_value(const char *name) {
  char *stats = proxy_ctl("stats", NULL);
  char needle[64];
  snprintf(needle, sizeof needle, "\"%s\":", name);
  char *p = strstr(stats, needle);
  if (!p) {
    snprintf(needle, sizeof needle, "\"%s\": ", name);
    p = strstr(stats, needle);
  }
  assert_non_null(p);
  int v = atoi(p + strlen(needle));
  free(stats);
  return v;
}

static void reset(void) {
  free(proxy_ctl("clear", NULL));
  free(proxy_ctl("reset", NULL));
}

static char *upload_data(const char *name, size_t size, uint32_t seed, uint8_t **data_out) {
  uint8_t *data = random_bytes(size, seed);
  char *path = write_temp_file(name, data, size);
  if (data_out)
    *data_out = data;
  else
    free(data);
  return path;
}

static void key_for(char *key, size_t cap, const char *name) {
  snprintf(key, cap, "%sproxy/%s", run_prefix(), name);
}

/* Uploads size bytes (from seed; *data gets them unless data is NULL) from a file to key with
 * the proxy's rules set to rules, after clearing its log; returns the finished future. */
static xfer_future *upload_under_rules(xfer_manager *m, const char *rules, const char *key,
                                       size_t size, uint32_t seed, uint8_t **data) {
  char *path = upload_data("u.bin", size, seed, data);
  reset();
  free(proxy_ctl("set", rules));
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  wait_status(f);
  return f;
}

static void test_concurrency_bounded(void **state) {
  (void)state;
  xfer_manager *m = manager(3, 1);
  char key[256];
  key_for(key, sizeof key, "concurrency");
  char *path = upload_data("c.bin", 40 * MiB, 1, NULL);
  reset();
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  int up = stat_value("max_concurrent");
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=", NULL), 8);
  /* Every part carried a CRC32 the proxy recomputed from the bytes it forwarded. */
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", "\"checksum_mismatch\":false", NULL), 8);
  free(log);

  reset();
  char down[700];
  snprintf(down, sizeof down, "%s/c.down", tmp_dir());
  f = xfer_download_file(m, env_get()->bucket, key, down, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  int dn = stat_value("max_concurrent");
  fprintf(stderr, "  most requests in flight: upload %d, download %d (max_concurrency 3)\n", up,
          dn);
  assert_true(up >= 2 && up <= 3);
  assert_true(dn >= 2 && dn <= 3);
  xfer_manager_free(m);
}

/* A stream upload's part checksums, computed slice by slice as short reads come in, match what
 * the proxy recomputes from the bytes it forwarded: for CRC32 and the slower CRC64NVME. */
static void test_stream_checksums_match(void **state) {
  (void)state;
  const char *algs[] = {"CRC32", "CRC64NVME"};
  for (size_t i = 0; i < 2; i++) {
    xfer_manager *m = manager_with(4, 1, algs[i]);
    char key[256];
    key_for(key, sizeof key, algs[i]);
    const size_t size = 11 * MiB + 7;
    uint8_t *data = random_bytes(size, 21);
    mem_reader r = {data, size, 0, 3000, 5};
    reset();
    xfer_future *f = xfer_upload_fileobj(m, mem_read, &r, env_get()->bucket, key, NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_OK);
    xfer_future_free(f);
    xfer_manager_free(m);
    char *log = proxy_ctl("log", NULL);
    assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=", NULL), 3);
    assert_int_equal(log_count(log, "\"method\":\"PUT\"", "\"checksum_mismatch\":false", NULL), 3);
    free(log);
    assert_stored(env_get()->bucket, key, data, size);
    free(data);
  }
}

/* A 200 OK carrying an <Error> (S3 documents it for Complete and CopyObject): an error to
 * retry, never a success. Here the server did complete behind the proxy's back, so the retried
 * Complete finds the upload gone; what counts is a structured answer and nothing left open. */
static void test_error_in_200_on_complete(void **state) {
  (void)state;
  xfer_manager *m = manager(4, 1);
  char key[256];
  key_for(key, sizeof key, "error-in-200");
  uint8_t *data = NULL;
  xfer_future *f = upload_under_rules(
      m, "{\"match\":{\"method\":\"POST\",\"query_has\":\"uploadId\"},\"fault\":\"error_in_200\"}",
      key, 11 * MiB, 31, &data);
  xfer_status s = xfer_future_status(f);
  fprintf(stderr, "  error_in_200 on Complete: %s: %s\n", xfer_status_str(s),
          xfer_future_error_message(f) ? xfer_future_error_message(f) : "");
  xfer_future_free(f);
  xfer_manager_free(m);
  char *log = proxy_ctl("log", NULL);
  assert_true(log_count(log, "\"method\":\"POST\"", "uploadId=", NULL) >= 2); /* retried */
  free(log);
  if (env_is("s3rver")) {
    /* s3rver answers a second Complete of a finished upload with 500 InternalError. */
    assert_int_equal(s, XFER_ESERVICE);
  } else {
    /* Swift and radosgw answer the retried Complete with the finished upload's result. */
    assert_int_equal(s, XFER_OK);
    assert_int_equal(open_uploads(key), 0);
    assert_stored(env_get()->bucket, key, data, 11 * MiB);
  }
  free(data);
}

/* A Complete the server carried out but whose answer was lost (the proxy resets the connection
 * after forwarding it), retried and answered NoSuchUpload as AWS does once the upload is gone:
 * the object under the key has the multipart ETag these parts give, so the upload succeeded.
 * s3rver's multipart ETag is the MD5 of the whole object, so there the object cannot be told
 * apart from somebody else's and the NoSuchUpload stands. */
static const char *const kLostComplete =
    "[{\"match\":{\"method\":\"POST\",\"query_has\":\"uploadId\"},\"fault\":\"%s\"},"
    "{\"match\":{\"method\":\"POST\",\"query_has\":\"uploadId\"},\"fault\":\"status\","
    "\"arg\":{\"status\":404,\"code\":\"NoSuchUpload\"}}]";

static xfer_future *upload_with_lost_complete(const char *first_fault, const char *name,
                                              uint8_t **data, char *key, size_t key_cap) {
  /* No part checksums: Swift refuses them in Complete, and that first refusal would be the
   * Complete the proxy cuts off. */
  xfer_manager *m = manager_with(4, 1, "NONE");
  key_for(key, key_cap, name);
  char rules[512];
  snprintf(rules, sizeof rules, kLostComplete, first_fault);
  xfer_future *f = upload_under_rules(m, rules, key, 11 * MiB, 33, data);
  xfer_status s = xfer_future_status(f);
  fprintf(stderr, "  %s: %s: %s\n", name, xfer_status_str(s),
          xfer_future_error_message(f) ? xfer_future_error_message(f) : "");
  xfer_manager_free(m);
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"method\":\"POST\"", "uploadId=", NULL), 2);
  free(log);
  if (!env_is("s3rver")) assert_int_equal(open_uploads(key), 0);
  return f;
}

static void test_lost_complete_answer_is_success(void **state) {
  (void)state;
  uint8_t *data = NULL;
  char key[256];
  xfer_future *f =
      upload_with_lost_complete("reset_after_body", "lost-complete", &data, key, sizeof key);
  if (env_is("s3rver")) {
    assert_int_equal(xfer_future_status(f), XFER_ESERVICE);
    assert_string_equal(xfer_future_s3_error_code(f), "NoSuchUpload");
  } else {
    assert_int_equal(xfer_future_status(f), XFER_OK);
    assert_int_equal(xfer_future_size(f), 11 * MiB);
    char *head = s3check("head\x1f%s\x1f%s", env_get()->bucket, key);
    assert_non_null(head);
    /* The server's ETag (inside the quotes, which the JSON escapes), in the "-3" form. */
    char etag[128];
    snprintf(etag, sizeof etag, "%s", xfer_future_etag(f) + 1);
    assert_true(strlen(etag) > 3 && strcmp(etag + strlen(etag) - 3, "-3\"") == 0);
    etag[strlen(etag) - 1] = '\0';
    assert_non_null(strstr(head, etag));
    free(head);
    assert_stored(env_get()->bucket, key, data, 11 * MiB);
  }
  xfer_future_free(f);
  free(data);
}

/* The same NoSuchUpload when the first Complete never reached the server: no object has these
 * parts' ETag, so the error stands, and the upload that is still open is aborted. */
static void test_unfinished_complete_stays_failed(void **state) {
  (void)state;
  uint8_t *data = NULL;
  char key[256];
  xfer_future *f =
      upload_with_lost_complete("reset_before_body", "complete-never-sent", &data, key, sizeof key);
  assert_int_equal(xfer_future_status(f), XFER_ESERVICE);
  assert_int_equal(xfer_future_http_status(f), 404);
  assert_string_equal(xfer_future_s3_error_code(f), "NoSuchUpload");
  assert_null(s3check("head\x1f%s\x1f%s", env_get()->bucket, key));
  xfer_future_free(f);
  free(data);
}

/* The same fault on CopyObject, which is safe to repeat: the retry copies again. */
static void test_error_in_200_on_copy(void **state) {
  (void)state;
  xfer_manager *m = manager(4, 1);
  char src[256], dst[256];
  key_for(src, sizeof src, "copy-src");
  key_for(dst, sizeof dst, "copy-dst");
  uint8_t *data = NULL;
  char *path = upload_data("s.bin", 1 * MiB, 32, &data);
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, src, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  reset();
  free(proxy_ctl("set",
                 "{\"match\":{\"method\":\"PUT\",\"header\":{\"x-amz-copy-source\":true}},"
                 "\"fault\":\"error_in_200\"}"));
  f = xfer_copy(m, env_get()->bucket, src, env_get()->bucket, dst, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  xfer_manager_free(m);
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"fault\":\"error_in_200\"", NULL), 1);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", NULL), 2); /* the copy, once more */
  free(log);
  assert_stored(env_get()->bucket, dst, data, 1 * MiB);
  free(data);
}

static void test_download_no_head_and_if_match(void **state) {
  (void)state;
  xfer_manager *m = manager(10, 1);
  char key[256];
  key_for(key, sizeof key, "ranges");
  uint8_t *data = NULL;
  char *path = upload_data("r.bin", 20 * MiB, 2, &data);
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);

  reset();
  mem_writer w = {malloc(20 * MiB), 20 * MiB, 0, 0, 0};
  f = xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  assert_false(w.out_of_order);
  assert_int_equal(w.len, 20 * MiB);
  assert_memory_equal(w.data, data, w.len);
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"method\":\"HEAD\"", NULL), 0);
  assert_int_equal(log_count(log, "\"method\":\"GET\"", NULL), 4);
  assert_int_equal(log_count(log, "\"method\":\"GET\"", "\"range\":\"bytes=0-5242879\"", NULL), 1);
  assert_int_equal(log_count(log, "\"method\":\"GET\"", "\"if-match\":", NULL), 3);
  assert_int_equal(log_count(log, "\"range\":\"bytes=0-5242879\"", "\"if-match\":", NULL), 0);
  free(log);
  free(w.data);
  free(data);
  xfer_manager_free(m);
}

/* A body cut short or reset mid-way is fetched again from the first missing byte only. */
static void check_resumed_download(const char *fault, int to_file) {
  xfer_manager *m = manager(10, 1);
  char key[256];
  key_for(key, sizeof key, fault);
  uint8_t *data = NULL;
  char *path = upload_data("t.bin", 15 * MiB, 3, &data);
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);

  reset();
  char rule[512];
  snprintf(rule, sizeof rule,
           "{\"match\":{\"method\":\"GET\",\"header\":{\"range\":\"bytes=5242880-\"}},\"fault\":\"%"
           "s\",\"times\":1}",
           fault);
  free(proxy_ctl("set", rule));
  if (to_file) {
    char down[700];
    snprintf(down, sizeof down, "%s/t.down", tmp_dir());
    f = xfer_download_file(m, env_get()->bucket, key, down, NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_OK);
    size_t len = 0;
    uint8_t *got = read_file(down, &len);
    assert_int_equal(len, 15 * MiB);
    assert_memory_equal(got, data, len);
    free(got);
  } else {
    mem_writer w = {malloc(15 * MiB), 15 * MiB, 0, 0, 0};
    f = xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_OK);
    assert_false(w.out_of_order);
    assert_int_equal(w.len, 15 * MiB);
    assert_memory_equal(w.data, data, w.len);
    free(w.data);
  }
  xfer_future_free(f);
  char *log = proxy_ctl("log", NULL);
  char faulted[64];
  snprintf(faulted, sizeof faulted, "\"fault\":\"%s\"", fault);
  assert_int_equal(log_count(log, faulted, NULL), 1);
  /* 3 ranges + 1 retry, and the retry did not ask for the bytes already received again. */
  assert_int_equal(log_count(log, "\"method\":\"GET\"", NULL), 4);
  assert_int_equal(log_count(log, "\"range\":\"bytes=5242880-", NULL), 1);
  free(log);
  free(data);
  xfer_manager_free(m);
}

static void test_truncated_body_resumes(void **state) {
  (void)state;
  check_resumed_download("truncate_response", 1);
  check_resumed_download("truncate_response", 0);
}

static void test_reset_body_resumes(void **state) {
  (void)state;
  check_resumed_download("reset_mid_response", 1);
  check_resumed_download("reset_mid_response", 0);
}

/* Runs an upload against a rule and returns the log. */
static char *failing_upload(const char *rule, const char *name, xfer_status expect, int http) {
  xfer_manager *m = manager(4, 1);
  char key[256];
  key_for(key, sizeof key, name);
  xfer_future *f = upload_under_rules(m, rule, key, 16 * MiB, 4, NULL);
  assert_int_equal(xfer_future_status(f), expect);
  assert_int_equal(xfer_future_http_status(f), http);
  assert_non_null(xfer_future_s3_error_code(f));
  xfer_future_free(f);
  xfer_manager_free(m);
  if (!env_is("s3rver")) assert_int_equal(open_uploads(key), 0);
  assert_null(s3check("head\x1f%s\x1f%s", env_get()->bucket, key));
  return proxy_ctl("log", NULL);
}

static void test_part_failure_aborts_once(void **state) {
  (void)state;
  char *log = failing_upload(
      "{\"match\":{\"method\":\"PUT\",\"query_has\":\"partNumber=2\"},\"fault\":\"status\","
      "\"arg\":{\"status\":403,\"code\":\"AccessDenied\"},\"times\":-1}",
      "part-fails", XFER_ESERVICE, 403);
  assert_int_equal(log_count(log, "\"method\":\"POST\"", "uploads", NULL), 1);
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", "uploadId=", NULL), 1);
  assert_int_equal(log_count(log, "\"method\":\"POST\"", "uploadId=", NULL), 0); /* no Complete */
  /* A 4xx is final: the part was sent once. */
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=2&", NULL), 1);
  free(log);
}

static void test_retries_exhausted_abort(void **state) {
  (void)state;
  char *log = failing_upload(
      "{\"match\":{\"method\":\"PUT\",\"query_has\":\"partNumber=3\"},\"fault\":\"status_500\","
      "\"times\":-1}",
      "part-500", XFER_ESERVICE, 500);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=3&", NULL), 5); /* 5 attempts */
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", "uploadId=", NULL), 1);
  assert_int_equal(log_count(log, "\"method\":\"POST\"", "uploadId=", NULL), 0);
  free(log);
}

static void test_failed_complete_aborts(void **state) {
  (void)state;
  char *log = failing_upload(
      "{\"match\":{\"method\":\"POST\",\"query_has\":\"uploadId\"},\"fault\":\"status\","
      "\"arg\":{\"status\":400,\"code\":\"InvalidPart\"},\"times\":-1}",
      "complete-fails", XFER_ESERVICE, 400);
  assert_int_equal(log_count(log, "\"method\":\"POST\"", "uploadId=", NULL), 1);
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", "uploadId=", NULL), 1);
  free(log);
}

static void test_failed_create_sends_no_abort(void **state) {
  (void)state;
  char *log = failing_upload(
      "{\"match\":{\"method\":\"POST\",\"query_has\":\"uploads\"},\"fault\":\"status\","
      "\"arg\":{\"status\":403,\"code\":\"AccessDenied\"},\"times\":-1}",
      "create-fails", XFER_ESERVICE, 403);
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", NULL), 0);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", NULL), 0);
  free(log);
}

static void test_slowdown_is_retried(void **state) {
  (void)state;
  xfer_manager *m = manager(4, 1);
  char key[256];
  key_for(key, sizeof key, "slowdown");
  uint8_t *data = NULL;
  xfer_future *f =
      upload_under_rules(m,
                         "{\"match\":{\"method\":\"PUT\",\"query_has\":\"partNumber=1\"},\"fault\":"
                         "\"slowdown_503\",\"times\":2}",
                         key, 12 * MiB, 5, &data);
  assert_int_equal(xfer_future_status(f), XFER_OK);
  xfer_future_free(f);
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=1&", NULL), 3);
  free(log);
  assert_stored(env_get()->bucket, key, data, 12 * MiB);
  free(data);
  xfer_manager_free(m);
}

/* use_threads = 0: one request at a time, parts in order. */
static void test_use_threads_off(void **state) {
  (void)state;
  xfer_manager *m = manager(10, 0);
  char key[256];
  key_for(key, sizeof key, "sequential");
  char *path = upload_data("q.bin", 25 * MiB, 6, NULL);
  reset();
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  assert_int_equal(stat_value("max_concurrent"), 1);
  char *log = proxy_ctl("log", NULL);
  const char *p = log;
  for (int part = 1; part <= 5; part++) {
    char needle[32];
    snprintf(needle, sizeof needle, "partNumber=%d&", part);
    const char *at = strstr(p, needle);
    assert_non_null(at); /* each part appears after the previous one */
    p = at;
  }
  free(log);
  xfer_manager_free(m);
}

/* A reader that hands over one part, then fails. */
static int64_t one_part_then_fail(uint8_t *buf, size_t cap, void *user_data) {
  size_t *given = user_data;
  if (*given >= 5 * MiB) return -1;
  size_t n = cap < 5 * MiB - *given ? cap : 5 * MiB - *given;
  memset(buf, 'p', n);
  *given += n;
  return (int64_t)n;
}

/* The transfer fails while CreateMultipartUpload is in flight (the proxy holds its answer for
 * a second after the server created the upload): the upload must still be aborted. */
static void test_failure_during_create_aborts(void **state) {
  (void)state;
  xfer_manager *m = manager(4, 1);
  char key[256];
  key_for(key, sizeof key, "create-race");
  reset();
  free(proxy_ctl("set",
                 "{\"match\":{\"method\":\"POST\",\"query_has\":\"uploads\"},\"fault\":\"stall\","
                 "\"arg\":{\"seconds\":1,\"when\":\"before_response\"}}"));
  size_t given = 0;
  xfer_future *f =
      xfer_upload_fileobj(m, one_part_then_fail, &given, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_EIO);
  xfer_future_free(f);
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"method\":\"POST\"", "uploads", NULL), 1);
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", "uploadId=", NULL), 1);
  free(log);
  if (!env_is("s3rver")) assert_int_equal(open_uploads(key), 0);
  xfer_manager_free(m);
}

/* Waits (running progress) until every byte has been handed to the connection. */
static void wait_all_sent(xfer_future *f, progress_rec *rec, uint64_t size) {
  double deadline = now_s() + 60;
  while (rec->last_done < size) {
    xfer_status s = xfer_future_wait(f, 20);
    assert_int_equal(s, XFER_ETIMEDOUT);
    assert_true(now_s() < deadline);
  }
}

/* A cancel that comes while CompleteMultipartUpload is in flight cannot take it back: the
 * server may already have made the object. The transfer waits for the answer and reports it,
 * rather than saying "cancelled" about an object that exists. */
static void test_cancel_during_complete_reports_object(void **state) {
  (void)state;
  xfer_manager *m = manager(4, 1);
  char key[256];
  key_for(key, sizeof key, "cancel-complete");
  const size_t size = 10 * MiB;
  uint8_t *data = NULL;
  char *path = upload_data("c.bin", size, 11, &data);
  reset();
  free(proxy_ctl("set",
                 "{\"match\":{\"method\":\"POST\",\"query_has\":\"uploadId\"},"
                 "\"fault\":\"stall\",\"arg\":{\"seconds\":2}}"));
  progress_rec rec = {0};
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, progress_record, &rec);
  assert_non_null(f);
  wait_all_sent(f, &rec, size);
  /* Both parts are answered once Complete is on its way: wait for their records. */
  double deadline = now_s() + 60;
  for (;;) {
    char *log = proxy_ctl("log", NULL);
    int parts = log_count(log, "\"method\":\"PUT\"", "partNumber=", NULL);
    free(log);
    if (parts == 2) break;
    assert_true(now_s() < deadline);
    assert_int_equal(xfer_future_wait(f, 20), XFER_ETIMEDOUT);
  }
  assert_int_equal(xfer_future_wait(f, 300), XFER_ETIMEDOUT); /* Complete is held 2 s */
  xfer_future_cancel(f);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), size);
  xfer_future_free(f);
  xfer_manager_free(m);
  char *log = proxy_ctl("log", NULL);
  /* Swift refuses part checksums in Complete (MalformedXML): then it is sent again without. */
  assert_true(log_count(log, "\"method\":\"POST\"", "uploadId=", NULL) >= 1);
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", NULL), 0); /* no Abort */
  free(log);
  if (!env_is("s3rver")) assert_int_equal(open_uploads(key), 0);
  assert_stored(env_get()->bucket, key, data, size);
  free(data);
}

/* The same for a single PutObject: once its last body byte is out, a cancel waits for the
 * answer. Before that point (the other test files cover it) a cancel stops it. */
static void test_cancel_after_put_body_reports_object(void **state) {
  (void)state;
  xfer_manager *m = manager(4, 1);
  char key[256];
  key_for(key, sizeof key, "cancel-put");
  const size_t size = 1 * MiB;
  uint8_t *data = NULL;
  char *path = upload_data("p.bin", size, 12, &data);
  reset();
  free(proxy_ctl("set",
                 "{\"match\":{\"method\":\"PUT\",\"query_lacks\":\"partNumber\"},"
                 "\"fault\":\"stall\",\"arg\":{\"seconds\":2}}"));
  progress_rec rec = {0};
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, progress_record, &rec);
  assert_non_null(f);
  wait_all_sent(f, &rec, size);
  xfer_future_cancel(f);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  xfer_manager_free(m);
  assert_stored(env_get()->bucket, key, data, size);
  free(data);
}

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_concurrency_bounded, test_teardown),
      cmocka_unit_test_teardown(test_stream_checksums_match, test_teardown),
      cmocka_unit_test_teardown(test_error_in_200_on_complete, test_teardown),
      cmocka_unit_test_teardown(test_error_in_200_on_copy, test_teardown),
      cmocka_unit_test_teardown(test_lost_complete_answer_is_success, test_teardown),
      cmocka_unit_test_teardown(test_unfinished_complete_stays_failed, test_teardown),
      cmocka_unit_test_teardown(test_download_no_head_and_if_match, test_teardown),
      cmocka_unit_test_teardown(test_truncated_body_resumes, test_teardown),
      cmocka_unit_test_teardown(test_reset_body_resumes, test_teardown),
      cmocka_unit_test_teardown(test_part_failure_aborts_once, test_teardown),
      cmocka_unit_test_teardown(test_retries_exhausted_abort, test_teardown),
      cmocka_unit_test_teardown(test_failed_complete_aborts, test_teardown),
      cmocka_unit_test_teardown(test_failed_create_sends_no_abort, test_teardown),
      cmocka_unit_test_teardown(test_slowdown_is_retried, test_teardown),
      cmocka_unit_test_teardown(test_use_threads_off, test_teardown),
      cmocka_unit_test_teardown(test_failure_during_create_aborts, test_teardown),
      cmocka_unit_test_teardown(test_cancel_during_complete_reports_object, test_teardown),
      cmocka_unit_test_teardown(test_cancel_after_put_body_reports_object, test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, group_teardown);
}
