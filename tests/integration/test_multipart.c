/* test_multipart.c: multipart behaviour seen from the server: part boundaries (through the
 * multipart ETag, md5 of the part md5s, which Swift computes exactly), copies that keep the
 * source's metadata, and cancel / shutdown that return fast and leave no upload open. */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define MiB (1024u * 1024u)

static void md5(const uint8_t *d, size_t n, uint8_t out[16]) {
  unsigned int len = 16;
  EVP_Digest(d, n, out, &len, EVP_md5(), NULL);
}

/* The ETag S3 gives an object uploaded in parts of part_size: "md5(md5(p1)..md5(pN))-N". */
static void expected_multipart_etag(const uint8_t *data, size_t size, size_t part_size, char *out) {
  size_t n = (size + part_size - 1) / part_size;
  uint8_t *cat = malloc(16 * n);
  for (size_t i = 0; i < n; i++) {
    size_t off = i * part_size, len = size - off < part_size ? size - off : part_size;
    md5(data + off, len, cat + 16 * i);
  }
  uint8_t d[16];
  md5(cat, 16 * n, d);
  free(cat);
  char *p = out;
  p += sprintf(p, "\"");
  for (int i = 0; i < 16; i++) p += sprintf(p, "%02x", d[i]);
  sprintf(p, "-%zu\"", n);
}

static xfer_manager *manager_with(uint64_t threshold, uint64_t chunk) {
  xfer_config *c = env_config();
  assert_int_equal(xfer_config_set_multipart_threshold(c, threshold), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, chunk), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  return m;
}

/* Part sizes for several object sizes and chunk settings, file and stream alike: a 1 MiB chunk
 * setting is raised to S3's 5 MiB minimum, as s3transfer's ChunksizeAdjuster does. */
static void test_part_boundaries(void **state) {
  (void)state;
  if (env_is("s3rver")) skip(); /* s3rver's multipart ETag is the md5 of the whole object */
  struct {
    size_t size, chunk_setting, expected_part;
  } cases[] = {
      {12 * MiB, 1 * MiB, 5 * MiB},     /* 5 + 5 + 2 */
      {16 * MiB, 8 * MiB, 8 * MiB},     /* exactly 2 parts */
      {17 * MiB + 1, 6 * MiB, 6 * MiB}, /* 6 + 6 + 5 MiB + 1 */
  };
  const test_env *e = env_get();
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    xfer_manager *m = manager_with(5 * MiB, cases[i].chunk_setting);
    uint8_t *data = random_bytes(cases[i].size, (uint32_t)(100 + i));
    char expect[64], key[256];
    expected_multipart_etag(data, cases[i].size, cases[i].expected_part, expect);

    char *path = write_temp_file("mp.bin", data, cases[i].size);
    snprintf(key, sizeof key, "%smultipart/file-%zu", run_prefix(), i);
    xfer_future *f = xfer_upload_file(m, path, e->bucket, key, NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_OK);
    assert_string_equal(xfer_future_etag(f), expect);
    xfer_future_free(f);
    char *head = s3check("head\x1f%s\x1f%s", e->bucket, key);
    assert_non_null(head);
    char needle[80];
    snprintf(needle, sizeof needle, "\\\"%.*s\\\"", (int)strlen(expect) - 2, expect + 1);
    if (!strstr(head, needle)) fprintf(stderr, "HEAD: %s\nwanted %s\n", head, needle);
    assert_non_null(strstr(head, needle));
    free(head);

    /* The stream path cuts the same parts, even from a reader giving short reads. */
    snprintf(key, sizeof key, "%smultipart/stream-%zu", run_prefix(), i);
    mem_reader rd = {data, cases[i].size, 0, 64 * 1024, (uint32_t)(7 + i)};
    f = xfer_upload_fileobj(m, mem_read, &rd, e->bucket, key, NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_OK);
    assert_string_equal(xfer_future_etag(f), expect);
    xfer_future_free(f);
    free(data);
    xfer_manager_free(m);
  }
}

/* Multipart copy keeps the source's content type and metadata, as CopyObject does. */
static void test_multipart_copy_keeps_metadata(void **state) {
  (void)state;
  if (env_is("s3rver")) skip(); /* no UploadPartCopy in s3rver */
  const test_env *e = env_get();
  xfer_manager *m = manager_with(5 * MiB, 5 * MiB);
  size_t size = 11 * MiB + 5;
  uint8_t *data = random_bytes(size, 55);
  char *path = write_temp_file("src.bin", data, size);
  char src[256], dst[256];
  snprintf(src, sizeof src, "%scopy/src", run_prefix());
  snprintf(dst, sizeof dst, "%scopy/dst", run_prefix());
  xfer_args *a = xfer_args_new();
  assert_int_equal(xfer_args_set(a, "ContentType", "application/x-test"), XFER_OK);
  assert_int_equal(xfer_args_set_metadata(a, "colour", "blue"), XFER_OK);
  xfer_future *f = xfer_upload_file(m, path, e->bucket, src, a, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  xfer_args_free(a);

  progress_rec pr = {0};
  f = xfer_copy(m, e->bucket, src, e->bucket, dst, NULL, progress_record, &pr);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), size);
  assert_int_equal(pr.last_done, size);
  xfer_future_free(f);
  char *head = s3check("head\x1f%s\x1f%s", e->bucket, dst);
  assert_non_null(head);
  assert_non_null(strstr(head, "application/x-test"));
  assert_non_null(strstr(head, "\"x-amz-meta-colour\": \"blue\""));
  assert_non_null(strstr(head, "-3\\\"")); /* three parts: 5 + 5 + 1 MiB */
  free(head);
  assert_stored(e->bucket, dst, data, size);
  free(data);
  xfer_manager_free(m);
}

static xfer_manager *slow_manager(void) {
  xfer_config *c = env_config();
  assert_int_equal(xfer_config_set_multipart_threshold(c, 5 * MiB), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, 5 * MiB), XFER_OK);
  assert_int_equal(xfer_config_set_max_bandwidth(c, 8 * MiB), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  return m;
}

/* Starts a 60 MiB upload limited to 8 MiB/s and waits until bytes flow. */
static xfer_future *start_slow_upload(xfer_manager *m, const char *key, progress_rec *pr) {
  size_t size = 60 * MiB;
  uint8_t *data = random_bytes(size, 77);
  char *path = write_temp_file("slow.bin", data, size);
  free(data);
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, progress_record, pr);
  assert_non_null(f);
  double t0 = now_s();
  while (pr->last_done < 6 * MiB && now_s() - t0 < 20) xfer_future_wait(f, 50);
  assert_true(pr->last_done >= 6 * MiB); /* the upload is under way (create done, parts sent) */
  return f;
}

static void test_cancel_aborts(void **state) {
  (void)state;
  xfer_manager *m = slow_manager();
  char key[256];
  snprintf(key, sizeof key, "%scancel/upload", run_prefix());
  progress_rec pr = {0};
  xfer_future *f = start_slow_upload(m, key, &pr);
  double t0 = now_s();
  xfer_future_cancel(f);
  assert_int_equal(xfer_future_wait(f, -1), XFER_ECANCELLED);
  double took = now_s() - t0;
  fprintf(stderr, "  cancel took %.3f s\n", took);
  assert_true(took < 1.0);
  assert_true(xfer_future_done(f));
  xfer_future_free(f);
  if (!env_is("s3rver")) assert_int_equal(open_uploads(key), 0);
  char *head = s3check("head\x1f%s\x1f%s", env_get()->bucket, key);
  assert_null(head); /* no object either */
  xfer_manager_free(m);
}

struct shutdown_arg {
  xfer_manager *m;
  double returned_at;
};

static void *shutdown_thread(void *p) {
  struct shutdown_arg *a = p;
  xfer_manager_shutdown(a->m, 1);
  a->returned_at = now_s();
  return NULL;
}

/* shutdown(cancel=1) from another thread while a transfer runs and someone waits on it. */
static void test_shutdown_cancel(void **state) {
  (void)state;
  xfer_manager *m = slow_manager();
  char key[256];
  snprintf(key, sizeof key, "%scancel/shutdown", run_prefix());
  progress_rec pr = {0};
  xfer_future *f = start_slow_upload(m, key, &pr);
  struct shutdown_arg a = {m, 0};
  double t0 = now_s();
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, shutdown_thread, &a), 0);
  assert_int_equal(xfer_future_wait(f, -1), XFER_ECANCELLED);
  pthread_join(th, NULL);
  fprintf(stderr, "  shutdown took %.3f s\n", a.returned_at - t0);
  assert_true(a.returned_at - t0 < 1.0);
  /* After shutdown, new transfers are refused with a message. */
  xfer_future *g = xfer_delete(m, env_get()->bucket, key, NULL);
  assert_null(g);
  assert_true(strlen(xfer_last_error()) > 0);
  xfer_future_free(f);
  if (!env_is("s3rver")) assert_int_equal(open_uploads(key), 0);
  xfer_manager_free(m);
}

/* A failing read callback fails the stream upload with XFER_EIO and aborts it. */
static int64_t failing_read(uint8_t *buf, size_t cap, void *user_data) {
  size_t *calls = user_data;
  if (++*calls > 200) return -1;
  memset(buf, 'x', cap > 65536 ? 65536 : cap);
  return cap > 65536 ? 65536 : (int64_t)cap;
}

static void test_reader_failure_aborts(void **state) {
  (void)state;
  xfer_manager *m = manager_with(5 * MiB, 5 * MiB);
  char key[256];
  snprintf(key, sizeof key, "%sfail/reader", run_prefix());
  size_t calls = 0;
  xfer_future *f =
      xfer_upload_fileobj(m, failing_read, &calls, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_EIO);
  xfer_future_free(f);
  if (!env_is("s3rver")) assert_int_equal(open_uploads(key), 0);
  assert_null(s3check("head\x1f%s\x1f%s", env_get()->bucket, key));
  xfer_manager_free(m);
}

static int64_t slow_read(uint8_t *buf, size_t cap, void *user_data) {
  (void)user_data;
  struct timespec ts = {0, 1000000};
  nanosleep(&ts, NULL); /* 4 KiB per millisecond: a part takes over a second */
  size_t n = cap < 4096 ? cap : 4096;
  memset(buf, 's', n);
  return (int64_t)n;
}

/* A timed wait returns on time even while a slow reader is filling a part. */
static void test_timed_wait_with_slow_reader(void **state) {
  (void)state;
  xfer_manager *m = manager_with(5 * MiB, 5 * MiB);
  char key[256];
  snprintf(key, sizeof key, "%sslow/reader", run_prefix());
  xfer_future *f =
      xfer_upload_fileobj(m, slow_read, NULL, env_get()->bucket, key, NULL, NULL, NULL);
  for (int i = 0; i < 5; i++) {
    double t0 = now_s();
    assert_int_equal(xfer_future_wait(f, 50), XFER_ETIMEDOUT);
    double took = now_s() - t0;
    if (took > 0.3) fprintf(stderr, "  wait(50) took %.3f s\n", took);
    assert_true(took < 0.3);
  }
  xfer_future_cancel(f);
  assert_int_equal(xfer_future_wait(f, -1), XFER_ECANCELLED);
  xfer_future_free(f);
  xfer_manager_free(m);
}

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_part_boundaries, test_teardown),
      cmocka_unit_test_teardown(test_multipart_copy_keeps_metadata, test_teardown),
      cmocka_unit_test_teardown(test_cancel_aborts, test_teardown),
      cmocka_unit_test_teardown(test_shutdown_cancel, test_teardown),
      cmocka_unit_test_teardown(test_reader_failure_aborts, test_teardown),
      cmocka_unit_test_teardown(test_timed_wait_with_slow_reader, test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
