/* test_roundtrip.c: byte-exact round trips through files and callbacks at the sizes where
 * behaviour changes (0, 1, threshold - 1, threshold, threshold + 1, several parts), with
 * short-reading readers and progress that ends exactly at the size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MiB (1024u * 1024u)
#define THRESHOLD (5 * MiB)

static xfer_manager *small_manager(void) {
  xfer_config *c = env_config();
  assert_int_equal(xfer_config_set_multipart_threshold(c, THRESHOLD), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, 5 * MiB), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  assert_non_null(m);
  return m;
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

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_file_sizes),          cmocka_unit_test(test_stream_sizes),
      cmocka_unit_test(test_stream_short_reads),  cmocka_unit_test(test_default_config),
      cmocka_unit_test(test_checksum_algorithms),
  };
  return cmocka_run_group_tests(tests, NULL, test_teardown);
}
