/* test_roundtrip.c: byte-exact round trips through files and callbacks at the sizes where
 * behaviour changes (0, 1, threshold - 1, threshold, threshold + 1, several parts), with
 * short-reading readers and progress that ends exactly at the size (counted by the transfer,
 * reported on the way too, not only at the end), and callbacks that run on the thread that
 * waits. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MiB (1024u * 1024u)
#define THRESHOLD (5 * MiB)

/* 5 MiB threshold and parts; bytes_per_s > 0 limits the bandwidth. */
static xfer_manager *manager_at(uint64_t bytes_per_s) {
  xfer_config *c = env_config();
  assert_int_equal(xfer_config_set_multipart_threshold(c, THRESHOLD), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, 5 * MiB), XFER_OK);
  assert_int_equal(xfer_config_set_max_bandwidth(c, bytes_per_s), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  assert_non_null(m);
  return m;
}

static xfer_manager *small_manager(void) {
  return manager_at(0);
}

static void roundtrip_file(xfer_manager *m, size_t size, uint32_t seed) {
  const test_env *e = env_get();
  uint8_t *data = random_bytes(size, seed);
  char name[64], key[256], down[700];
  snprintf(name, sizeof name, "up-%zu.bin", size);
  snprintf(key, sizeof key, "%sroundtrip/file-%zu", run_prefix(), size);
  char *path = write_temp_file(name, data, size);

  progress_rec pr = {0};
  xfer_future *f = xfer_upload_file(m, path, e->bucket, key, NULL, progress_record, &pr);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), size);
  assert_non_null(xfer_future_etag(f));
  assert_false(pr.decreased);
  assert_int_equal(pr.last_done, size);
  assert_int_equal(pr.last_total, size);
  xfer_future_free(f);

  snprintf(down, sizeof down, "%s/down-%zu.bin", tmp_dir(), size);
  progress_rec pd = {0};
  f = xfer_download_file(m, e->bucket, key, down, NULL, progress_record, &pd);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), size);
  assert_false(pd.decreased);
  assert_int_equal(pd.last_done, size);
  xfer_future_free(f);
  size_t got_len = 0;
  uint8_t *got = read_file(down, &got_len);
  assert_non_null(got);
  assert_int_equal(got_len, size);
  assert_memory_equal(got, data, size);

  /* What the server stored, read by the independent checker. */
  assert_stored(e->bucket, key, data, size);
  free(got);
  free(data);
}

static void roundtrip_stream(xfer_manager *m, size_t size, uint32_t seed, size_t max_read) {
  const test_env *e = env_get();
  uint8_t *data = random_bytes(size, seed);
  char key[256];
  snprintf(key, sizeof key, "%sroundtrip/stream-%zu-%zu", run_prefix(), size, max_read);
  mem_reader rd = {data, size, 0, max_read, max_read ? seed | 1 : 0};
  progress_rec pr = {0};
  xfer_future *f =
      xfer_upload_fileobj(m, mem_read, &rd, e->bucket, key, NULL, progress_record, &pr);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), size);
  assert_int_equal(pr.last_done, size);
  assert_int_equal(pr.last_total, size);
  assert_false(pr.decreased);
  xfer_future_free(f);

  mem_writer w = {malloc(size + 1), size, 0, 0, 0};
  progress_rec pd = {0};
  f = xfer_download_fileobj(m, e->bucket, key, mem_write, &w, NULL, progress_record, &pd);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(w.len, size);
  assert_false(w.out_of_order);
  assert_memory_equal(w.data, data, size);
  assert_int_equal(pd.last_done, size);
  xfer_future_free(f);
  free(w.data);
  free(data);
}

static const size_t kSizes[] = {0, 1, THRESHOLD - 1, THRESHOLD, THRESHOLD + 1, 3 * 5 * MiB + 12345};

static void test_file_sizes(void **state) {
  (void)state;
  xfer_manager *m = small_manager();
  for (size_t i = 0; i < sizeof kSizes / sizeof kSizes[0]; i++)
    roundtrip_file(m, kSizes[i], (uint32_t)i + 1);
  xfer_manager_free(m);
}

static void test_stream_sizes(void **state) {
  (void)state;
  xfer_manager *m = small_manager();
  for (size_t i = 0; i < sizeof kSizes / sizeof kSizes[0]; i++)
    roundtrip_stream(m, kSizes[i], (uint32_t)i + 7, 0);
  xfer_manager_free(m);
}

/* A reader returning 1 to 64 KiB at a time gives the same object as one returning full buffers. */
static void test_stream_short_reads(void **state) {
  (void)state;
  xfer_manager *m = small_manager();
  roundtrip_stream(m, 2 * 5 * MiB + 777, 99, 64 * 1024);
  roundtrip_stream(m, 3000, 98, 1);
  xfer_manager_free(m);
}

/* Default TransferConfig (8 MiB threshold and chunk), one object of several parts. */
static void test_default_config(void **state) {
  (void)state;
  xfer_manager *m = env_manager();
  roundtrip_file(m, 20 * MiB + 3, 1234);
  roundtrip_stream(m, 20 * MiB + 3, 4321, 0);
  xfer_manager_free(m);
}

/* Every checksum algorithm round-trips (the proxy-free path: the server ignores the headers
 * but must accept them); NONE signs the payload instead, which Swift and radosgw verify. */
static void test_checksum_algorithms(void **state) {
  (void)state;
  const char *algs[] = {"CRC32C", "CRC64NVME", "SHA1", "SHA256", "NONE"};
  const char *prefixes[] = {"CRC32C:", "CRC64NVME:", "SHA1:", "SHA256:", NULL};
  for (size_t i = 0; i < 5; i++) {
    xfer_config *c = env_config();
    assert_int_equal(xfer_config_set_checksum_algorithm(c, algs[i]), XFER_OK);
    assert_int_equal(xfer_config_set_multipart_threshold(c, THRESHOLD), XFER_OK);
    assert_int_equal(xfer_config_set_multipart_chunksize(c, 5 * MiB), XFER_OK);
    xfer_manager *m = xfer_manager_new(c);
    xfer_config_free(c);
    for (int multipart = 0; multipart < 2; multipart++) {
      size_t size = multipart ? THRESHOLD + 4321 : 4321;
      uint8_t *data = random_bytes(size, (uint32_t)(40 + i));
      char key[256];
      snprintf(key, sizeof key, "%salg/%s-%d", run_prefix(), algs[i], multipart);
      mem_reader rd = {data, size, 0, 0, 0};
      xfer_future *f =
          xfer_upload_fileobj(m, mem_read, &rd, env_get()->bucket, key, NULL, NULL, NULL);
      assert_int_equal(wait_status(f), XFER_OK);
      if (prefixes[i]) {
        assert_non_null(xfer_future_checksum(f));
        assert_int_equal(strncmp(xfer_future_checksum(f), prefixes[i], strlen(prefixes[i])), 0);
      } else {
        assert_null(xfer_future_checksum(f));
      }
      xfer_future_free(f);
      mem_writer w = {malloc(size), size, 0, 0, 0};
      f = xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
      assert_int_equal(wait_status(f), XFER_OK);
      assert_memory_equal(w.data, data, size);
      xfer_future_free(f);
      free(w.data);
      free(data);
    }
    xfer_manager_free(m);
  }
}

/* Bandwidth-limited (16 MiB/s) so a 24 MiB transfer takes about 1.5 s: progress, reported
 * about every 100 ms, must show bytes on the way and not only the end. */
static xfer_manager *slow_manager(void) {
  return manager_at(16 * MiB);
}

/* What the callbacks saw: how often each ran, whether one ran on a thread other than the
 * waiter, whether progress was seen strictly between 0 and a known total. */
typedef struct cb_rec {
  pthread_t waiter;
  mem_reader rd;
  mem_writer wr;
  progress_rec pr;
  int reads, writes, progress_calls, wrong_thread, midway;
} cb_rec;

static void on_thread(cb_rec *r) {
  if (!pthread_equal(pthread_self(), r->waiter)) r->wrong_thread++;
}

static int64_t rec_read(uint8_t *buf, size_t cap, void *u) {
  cb_rec *r = u;
  on_thread(r);
  r->reads++;
  return mem_read(buf, cap, &r->rd);
}

static int rec_write(const uint8_t *data, size_t len, uint64_t offset, void *u) {
  cb_rec *r = u;
  on_thread(r);
  r->writes++;
  return mem_write(data, len, offset, &r->wr);
}

static int rec_progress(const xfer_progress *p, void *u) {
  cb_rec *r = u;
  on_thread(r);
  r->progress_calls++;
  if (p->bytes_total != XFER_SIZE_UNKNOWN && p->bytes_done > 0 && p->bytes_done < p->bytes_total)
    r->midway = 1;
  return progress_record(p, &r->pr);
}

/* Every callback ran on the waiter; progress was seen on the way, never went back, and ended
 * exactly at the size. */
static void assert_progress_seen(const cb_rec *r, size_t size) {
  assert_true(r->progress_calls > 0);
  assert_int_equal(r->wrong_thread, 0);
  assert_true(r->midway);
  assert_false(r->pr.decreased);
  assert_int_equal(r->pr.last_done, size);
  assert_int_equal(r->pr.last_total, size);
}

typedef struct waiter_arg {
  xfer_future *f;
  cb_rec *rec;
  xfer_status status;
} waiter_arg;

static void *waiter_main(void *p) {
  waiter_arg *w = p;
  w->rec->waiter = pthread_self();
  w->status = xfer_future_wait(w->f, -1);
  return NULL;
}

/* Waits for f on a new thread (not the one that started it) and returns its status. */
static xfer_status wait_on_other_thread(xfer_future *f, cb_rec *rec) {
  /* Still running: nothing has waited yet, and 24 MiB at 16 MiB/s takes over a second. */
  assert_int_equal(xfer_future_status(f), XFER_PENDING);
  assert_false(xfer_future_done(f));
  waiter_arg w = {f, rec, XFER_EINTERNAL};
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, waiter_main, &w), 0);
  assert_int_equal(pthread_join(t, NULL), 0);
  return w.status;
}

/* Multipart upload from a read callback and ranged download to a write callback: every read,
 * write and progress callback runs on the thread in xfer_future_wait(), progress shows bytes
 * on the way, and ends exactly at the size. */
static void test_callbacks_on_waiting_thread(void **state) {
  (void)state;
  xfer_manager *m = slow_manager();
  size_t size = 24 * MiB + 99;
  uint8_t *data = random_bytes(size, 424242);
  char key[256];
  snprintf(key, sizeof key, "%sroundtrip/threads", run_prefix());

  cb_rec up = {0};
  up.rd = (mem_reader){data, size, 0, 0, 0};
  xfer_future *f =
      xfer_upload_fileobj(m, rec_read, &up, env_get()->bucket, key, NULL, rec_progress, &up);
  assert_non_null(f);
  assert_int_equal(wait_on_other_thread(f, &up), XFER_OK);
  assert_true(up.reads > 0);
  assert_progress_seen(&up, size);
  xfer_future_free(f);
  assert_stored(env_get()->bucket, key, data, size);

  cb_rec down = {0};
  down.wr = (mem_writer){malloc(size), size, 0, 0, 0};
  f = xfer_download_fileobj(m, env_get()->bucket, key, rec_write, &down, NULL, rec_progress, &down);
  assert_non_null(f);
  assert_int_equal(wait_on_other_thread(f, &down), XFER_OK);
  assert_true(down.writes > 0);
  assert_progress_seen(&down, size);
  assert_int_equal(down.wr.len, size);
  assert_memory_equal(down.wr.data, data, size);
  free(down.wr.data);
  xfer_future_free(f);
  free(data);
  xfer_manager_free(m);
}

/* File transfers of several parts report progress on the way, not only at the end. */
static void test_progress_midway(void **state) {
  (void)state;
  xfer_manager *m = slow_manager();
  size_t size = 24 * MiB + 7;
  uint8_t *data = random_bytes(size, 777);
  char *path = write_temp_file("midway.bin", data, size);
  char key[256], down[700];
  snprintf(key, sizeof key, "%sroundtrip/midway", run_prefix());
  cb_rec up = {0};
  up.waiter = pthread_self();
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, rec_progress, &up);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_progress_seen(&up, size);
  xfer_future_free(f);
  snprintf(down, sizeof down, "%s/midway-down.bin", tmp_dir());
  cb_rec dn = {0};
  dn.waiter = pthread_self();
  f = xfer_download_file(m, env_get()->bucket, key, down, NULL, rec_progress, &dn);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_progress_seen(&dn, size);
  xfer_future_free(f);
  free(data);
  xfer_manager_free(m);
}

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_file_sizes),
      cmocka_unit_test(test_stream_sizes),
      cmocka_unit_test(test_stream_short_reads),
      cmocka_unit_test(test_default_config),
      cmocka_unit_test(test_checksum_algorithms),
      cmocka_unit_test(test_callbacks_on_waiting_thread),
      cmocka_unit_test(test_progress_midway),
  };
  return cmocka_run_group_tests(tests, NULL, test_teardown);
}
