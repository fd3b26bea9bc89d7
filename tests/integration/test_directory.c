/* test_directory.c: transfers of many: a nested tree with unicode names up and down (compared
 * with diff -r), include/exclude filters seen from the server, aggregate progress, streamed
 * listings with and without a delimiter, prefix deletes in batches, refused keys listed as
 * failures with the server's code and request id, files counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

#define NFILES 60

static char g_src[700];
static uint64_t g_bytes; /* bytes of the files that pass the filter */

static void make_tree(void) {
  snprintf(g_src, sizeof g_src, "%s/tree", tmp_dir());
  const char *dirs[] = {"", "a", "a/b", "a/b/c", "ünïcødé", "日本", "with space"};
  g_bytes = 0;
  for (int i = 0; i < NFILES; i++) {
    const char *d = dirs[i % 7];
    char dir[900], path[1000], cmd[1100];
    snprintf(dir, sizeof dir, "%s/%s", g_src, d);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/file %02d%s", dir, i, i % 10 == 9 ? ".tmp" : ".bin");
    size_t size = (size_t)(i * 997) % 70000 + (i == 5 ? 6 * 1024 * 1024 : 0); /* one multipart */
    uint8_t *data = random_bytes(size, (uint32_t)i + 500);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    fclose(f);
    free(data);
    if (i % 10 != 9) g_bytes += size;
  }
}

typedef struct listing {
  int objects, prefixes, tmp_seen;
  uint64_t bytes;
} listing;

static int count_entry(const xfer_object *o, void *ud) {
  listing *l = ud;
  if (o->is_prefix) {
    l->prefixes++;
    assert_null(o->etag);
  } else {
    l->objects++;
    l->bytes += o->size;
    assert_non_null(o->etag);
    if (strstr(o->key, ".tmp")) l->tmp_seen++;
  }
  return 0;
}

static listing list(xfer_manager *m, const char *prefix, const char *delimiter) {
  listing l = {0, 0, 0, 0};
  xfer_future *f = xfer_list_objects(m, env_get()->bucket, prefix, delimiter, count_entry, &l);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), (uint64_t)(l.objects + l.prefixes));
  xfer_future_free(f);
  return l;
}

static void test_tree_round_trip(void **state) {
  (void)state;
  make_tree();
  xfer_manager *m = env_manager();
  char prefix[256];
  snprintf(prefix, sizeof prefix, "%sdir/", run_prefix());
  xfer_dir_options *o = xfer_dir_options_new();
  assert_int_equal(xfer_dir_options_add_filter(o, "*.tmp", 0), XFER_OK);
  assert_int_equal(xfer_dir_options_set_max_files_in_flight(o, 4), XFER_OK);
  progress_rec pr = {0};
  xfer_future *f =
      xfer_upload_directory(m, g_src, env_get()->bucket, prefix, NULL, o, progress_record, &pr);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), g_bytes);
  assert_int_equal(xfer_future_file_count(f), NFILES - NFILES / 10);
  assert_int_equal(xfer_future_failure_count(f), 0);
  assert_false(pr.decreased);
  assert_int_equal(pr.last_done, g_bytes);
  xfer_future_free(f);

  /* From the server: every file but the excluded ones, under exactly its relative name. */
  char *out = s3check("list-objects\x1f%s\x1f%s", env_get()->bucket, prefix);
  assert_non_null(out);
  assert_null(strstr(out, ".tmp"));
  char expect[512];
  snprintf(expect, sizeof expect, "%swith space/file 06.bin", prefix); /* JSON escapes unicode */
  assert_non_null(strstr(out, expect));
  snprintf(expect, sizeof expect, "%sa/b/c/file 03.bin", prefix);
  assert_non_null(strstr(out, expect));
  free(out);
  listing all = list(m, prefix, NULL);
  assert_int_equal(all.objects, NFILES - NFILES / 10);
  assert_int_equal(all.bytes, g_bytes);
  assert_int_equal(all.tmp_seen, 0);
  listing top = list(m, prefix, "/");
  assert_int_equal(top.prefixes, 4); /* a/, ünïcødé/, 日本/, with space/ */
  assert_int_equal(top.objects, 8);  /* the files at the top */

  /* Down into a new folder: identical to the source without the excluded files. */
  char dst[800], cmd[4096];
  snprintf(dst, sizeof dst, "%s/copy", tmp_dir());
  progress_rec pd = {0};
  f = xfer_download_directory(m, env_get()->bucket, prefix, dst, NULL, NULL, progress_record, &pd);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), g_bytes);
  assert_int_equal(xfer_future_file_count(f), NFILES - NFILES / 10);
  assert_int_equal(pd.last_done, g_bytes);
  xfer_future_free(f);
  snprintf(cmd, sizeof cmd, "find '%s' -name '*.tmp' -delete && diff -r '%s' '%s'", g_src, g_src,
           dst);
  assert_int_equal(system(cmd), 0);

  /* Deleting the prefix removes every object, in batches. */
  f = xfer_delete_prefix(m, env_get()->bucket, prefix);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), (uint64_t)all.objects);
  assert_int_equal(xfer_future_file_count(f), (uint64_t)all.objects);
  xfer_future_free(f);
  listing after = list(m, prefix, NULL);
  assert_int_equal(after.objects, 0);
  xfer_dir_options_free(o);
  xfer_manager_free(m);
}

static int stop_after_two(const xfer_object *o, void *ud) {
  (void)o;
  int *n = ud;
  return ++*n >= 2;
}

static void test_listing_stopped_by_callback(void **state) {
  (void)state;
  xfer_manager *m = env_manager();
  const uint8_t d[] = "x";
  char *path = write_temp_file("s.txt", d, 1);
  char key[256];
  for (int i = 0; i < 3; i++) {
    snprintf(key, sizeof key, "%sstop/%d", run_prefix(), i);
    xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_OK);
    xfer_future_free(f);
  }
  snprintf(key, sizeof key, "%sstop/", run_prefix());
  int n = 0;
  xfer_future *f = xfer_list_objects(m, env_get()->bucket, key, NULL, stop_after_two, &n);
  assert_int_equal(wait_status(f), XFER_ECANCELLED);
  assert_int_equal(n, 2);
  xfer_future_free(f);
  xfer_manager_free(m);
}

/* A key that would write outside the target folder is refused and listed as a failure; the
 * other files still arrive. */
static void test_escaping_key_refused(void **state) {
  (void)state;
  if (env_is("s3rver")) skip(); /* s3rver normalises "../" out of keys */
  xfer_manager *m = env_manager();
  const uint8_t d[] = "data";
  char *path = write_temp_file("e.txt", d, 4);
  char good[512], evil[512], prefix[256];
  snprintf(prefix, sizeof prefix, "%sescape/", run_prefix());
  snprintf(good, sizeof good, "%sok.txt", prefix);
  snprintf(evil, sizeof evil, "%sa/../../evil.txt", prefix);
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, good, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  f = xfer_upload_file(m, path, env_get()->bucket, evil, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  char dst[800];
  snprintf(dst, sizeof dst, "%s/inside/target", tmp_dir());
  f = xfer_download_directory(m, env_get()->bucket, prefix, dst, NULL, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_EIO);
  assert_int_equal(xfer_future_failure_count(f), 1);
  assert_string_equal(xfer_future_failure_key(f, 0), evil);
  assert_non_null(xfer_future_failure_message(f, 0));
  assert_int_equal(xfer_future_failure_status(f, 0), XFER_EIO); /* refused here, not by S3 */
  assert_int_equal(xfer_future_failure_http_status(f, 0), 0);
  assert_null(xfer_future_failure_s3_error_code(f, 0));
  assert_null(xfer_future_failure_key(f, 1));
  assert_int_equal(xfer_future_file_count(f), 1); /* ok.txt */
  assert_int_equal(xfer_future_size(f), 4);
  xfer_future_free(f);
  char ok_path[900], evil_path[900];
  snprintf(ok_path, sizeof ok_path, "%s/ok.txt", dst);
  snprintf(evil_path, sizeof evil_path, "%s/inside/evil.txt", tmp_dir());
  struct stat sb;
  assert_int_equal(stat(ok_path, &sb), 0);
  assert_int_not_equal(stat(evil_path, &sb), 0);
  f = xfer_delete_prefix(m, env_get()->bucket, prefix);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  xfer_manager_free(m);
}

/* One file of three whose key is longer than S3's 1,024 bytes: the server refuses it, the
 * other two arrive and are counted, and the failure carries the server's code, HTTP status and
 * request id as a single transfer's error would. */
static void test_failure_details(void **state) {
  (void)state;
  if (env_is("s3rver")) skip(); /* s3rver has no key length limit of its own */
  xfer_manager *m = env_manager();
  char dir[800], path[2400], cmd[2600], rel[1300] = "";
  snprintf(dir, sizeof dir, "%s/mixed", tmp_dir());
  for (int i = 0; i < 5; i++) { /* 5 folders of 220 bytes: a relative path of 1,106 bytes */
    char part[222];
    memset(part, 'd', 220);
    part[220] = '/';
    part[221] = '\0';
    strcat(rel, part);
  }
  strcat(rel, "long.bin");
  snprintf(cmd, sizeof cmd, "mkdir -p '%s/%.*s'", dir, (int)(strlen(rel) - 9), rel);
  assert_int_equal(system(cmd), 0);
  const char *names[] = {"ok1.bin", "ok2.bin", rel};
  const size_t sizes[] = {100, 200, 50};
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    uint8_t *data = random_bytes(sizes[i], (uint32_t)i + 900);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, sizes[i], f), sizes[i]);
    fclose(f);
    free(data);
  }
  char prefix[256];
  snprintf(prefix, sizeof prefix, "%smixed/", run_prefix());
  xfer_future *f = xfer_upload_directory(m, dir, env_get()->bucket, prefix, NULL, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ESERVICE);
  assert_int_equal(xfer_future_file_count(f), 2);
  assert_int_equal(xfer_future_size(f), 300); /* the two files that arrived */
  assert_int_equal(xfer_future_failure_count(f), 1);
  assert_string_equal(xfer_future_failure_key(f, 0), rel);
  assert_int_equal(xfer_future_failure_status(f, 0), XFER_ESERVICE);
  assert_int_equal(xfer_future_failure_http_status(f, 0), 400);
  const char *code = xfer_future_failure_s3_error_code(f, 0);
  assert_non_null(code);
  if (env_is("swift")) assert_string_equal(code, "KeyTooLongError");
  const char *id = xfer_future_failure_request_id(f, 0);
  assert_non_null(id);
  assert_true(strlen(id) > 0);
  assert_non_null(xfer_future_failure_message(f, 0));
  /* The future's own error is the first failure's, with the same details. */
  assert_string_equal(xfer_future_s3_error_code(f), code);
  assert_string_equal(xfer_future_request_id(f), id);
  xfer_future_free(f);

  /* From the server: the two short keys only. */
  listing l = list(m, prefix, NULL);
  assert_int_equal(l.objects, 2);
  assert_int_equal(l.bytes, 300);
  f = xfer_delete_prefix(m, env_get()->bucket, prefix);
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_file_count(f), 2);
  xfer_future_free(f);
  xfer_manager_free(m);
}

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_tree_round_trip, test_teardown),
      cmocka_unit_test_teardown(test_listing_stopped_by_callback, test_teardown),
      cmocka_unit_test_teardown(test_escaping_key_refused, test_teardown),
      cmocka_unit_test_teardown(test_failure_details, test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
