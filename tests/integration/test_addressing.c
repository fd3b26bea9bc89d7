/* test_addressing.c: virtual-hosted addressing against a real server (multipart upload, ranged
 * download, copy, delete, keys with special characters, the CLI's --virtual-host), proven
 * from the proxy's log and the path-style checker; and sequential transfers reusing one
 * keep-alive connection. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MiB (1024u * 1024u)

/* The server's host name for virtual-hosted requests (XFER_TEST_VHOST_HOST, written by
 * tests/servers/start.sh: "localhost" or "s3.localhost"), or NULL when it has none.
 * libcurl resolves *.localhost to loopback by itself, so BUCKET.HOST:PORT reaches 127.0.0.1. */
static const char *vhost_host(void) {
  env_get(); /* loads the env file into the environment */
  const char *h = getenv("XFER_TEST_VHOST_HOST");
  return h && *h ? h : NULL;
}

#define SKIP_WITHOUT_VHOST()                                                              \
  do {                                                                                    \
    if (!vhost_host()) {                                                                  \
      fprintf(stderr, "  skipped: %s has no virtual-host domain configured (start.sh)\n", \
              env_get()->server);                                                         \
      skip();                                                                             \
    }                                                                                     \
  } while (0)

/* http://HOST:PORT with the port of endpoint ("http://127.0.0.1:PORT"). */
static void vhost_endpoint(char *out, size_t cap, const char *endpoint) {
  const char *port = strrchr(endpoint, ':');
  assert_non_null(port);
  snprintf(out, cap, "http://%s%s", vhost_host(), port);
}

/* A manager with virtual-hosted addressing on the server, or on the proxy in front of it. */
static xfer_manager *vhost_manager(int via_proxy, uint64_t threshold) {
  xfer_config *c = env_config();
  char ep[256];
  vhost_endpoint(ep, sizeof ep, via_proxy ? proxy_start() : env_get()->endpoint);
  assert_int_equal(xfer_config_set_endpoint(c, ep), XFER_OK);
  assert_int_equal(xfer_config_set_path_style(c, 0), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_threshold(c, threshold), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, 5 * MiB), XFER_OK);
  return manager_from(c);
}

/* Waits for f, frees it, and fails the test unless it succeeded. */
static void check_ok(xfer_future *f, const char *what) {
  assert_non_null(f);
  xfer_status s = wait_status(f);
  if (s != XFER_OK)
    fprintf(stderr, "%s: %s (HTTP %d, %s)\n", what, xfer_future_error_message(f),
            xfer_future_http_status(f), xfer_future_s3_error_code(f));
  xfer_future_free(f);
  assert_int_equal(s, XFER_OK);
}

/* True when the outside checker finds no object at key. */
static int gone(const char *key) {
  char *head = s3check("head\x1f%s\x1f%s", env_get()->bucket, key);
  free(head); /* NULL: s3check exited 1, i.e. 404 */
  return head == NULL;
}

/* Through the recording proxy, so the requests themselves can be looked at: each carries the
 * bucket in Host and not in the path. */
static void test_vhost_multipart_range_copy_delete(void **state) {
  (void)state;
  SKIP_WITHOUT_VHOST();
  const test_env *e = env_get();
  xfer_manager *m = vhost_manager(1, 5 * MiB);
  free(proxy_ctl("reset", NULL));

  size_t size = 11 * MiB + 7; /* parts of 5 + 5 + 1 MiB */
  uint8_t *data = random_bytes(size, 404);
  char *path = write_temp_file("vhost.bin", data, size);
  char src[256], dst[256];
  /* s3rver reads x-amz-copy-source with decodeURI, which leaves %2B encoded: no '+' there. */
  snprintf(src, sizeof src, "%svhost/src file%s1.bin", run_prefix(), env_is("s3rver") ? "-" : "+");
  snprintf(dst, sizeof dst, "%svhost/dst.bin", run_prefix());

  check_ok(xfer_upload_file(m, path, e->bucket, src, NULL, NULL, NULL), "multipart upload");
  assert_stored(e->bucket, src, data, size);
  if (!env_is("s3rver")) { /* s3rver's multipart ETag is the md5 of the whole object */
    char *head = s3check("head\x1f%s\x1f%s", e->bucket, src);
    assert_non_null(head);
    assert_non_null(strstr(head, "-3\\\""));
    free(head);
  }

  /* Download in 5 MiB ranges, handed over in order. */
  mem_writer w = {malloc(size), size, 0, 0, 0};
  check_ok(xfer_download_fileobj(m, e->bucket, src, mem_write, &w, NULL, NULL, NULL),
           "ranged download");
  assert_false(w.out_of_order);
  assert_int_equal(w.len, size);
  assert_memory_equal(w.data, data, size);
  free(w.data);

  /* s3rver has no UploadPartCopy: there the copy is one CopyObject. */
  xfer_manager *cm = env_is("s3rver") ? vhost_manager(1, 64 * MiB) : m;
  check_ok(xfer_copy(cm, e->bucket, src, e->bucket, dst, NULL, NULL, NULL), "copy");
  if (cm != m) xfer_manager_free(cm);
  assert_stored(e->bucket, dst, data, size);

  check_ok(xfer_delete(m, e->bucket, src, NULL), "delete src");
  check_ok(xfer_delete(m, e->bucket, dst, NULL), "delete dst");
  assert_true(gone(src));
  assert_true(gone(dst));

  /* What the server was sent: every request named the bucket in Host, none in the path. */
  char *log = proxy_ctl("log", NULL);
  char host[300], bucket_path[300];
  snprintf(host, sizeof host, "\"host\":\"%s.%s:", e->bucket, vhost_host());
  snprintf(bucket_path, sizeof bucket_path, "\"path\":\"/%s/", e->bucket);
  int all = log_count(log, "\"method\":", NULL);
  fprintf(stderr, "  %d requests, %d with Host %s.%s\n", all, log_count(log, host, NULL), e->bucket,
          vhost_host());
  assert_true(all >= 10); /* create, 3 parts, complete, >= 3 ranges, copy, 2 deletes */
  assert_int_equal(log_count(log, host, NULL), all);
  assert_int_equal(log_count(log, bucket_path, NULL), 0);
  assert_int_equal(log_count(log, "\"method\":\"GET\"", "\"range\":\"bytes=", NULL) >= 3, 1);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=", NULL) >= 3, 1);
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", NULL), 2);
  free(log);
  free(data);
  xfer_manager_free(m);
}

static const char *kKeys[] = {
    "with space.txt", "plus+sign",  "unicode-\xc3\xbc\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac",
    "equals=and&amp", "percent%41",
};

/* Straight to the server: keys that URL encoding and SigV4 get wrong round-trip under vhost. */
static void test_vhost_special_keys(void **state) {
  (void)state;
  SKIP_WITHOUT_VHOST();
  const test_env *e = env_get();
  xfer_manager *m = vhost_manager(0, 8 * MiB);
  for (size_t i = 0; i < sizeof kKeys / sizeof kKeys[0]; i++) {
    char key[512];
    snprintf(key, sizeof key, "%svhost-keys/%s", run_prefix(), kKeys[i]);
    size_t size = 3000 + i;
    uint8_t *data = random_bytes(size, 500 + (uint32_t)i);
    char *path = write_temp_file("k.bin", data, size);
    check_ok(xfer_upload_file(m, path, e->bucket, key, NULL, NULL, NULL), key);
    assert_stored(e->bucket, key, data, size); /* stored under exactly this name */

    mem_writer w = {malloc(size), size, 0, 0, 0};
    check_ok(xfer_download_fileobj(m, e->bucket, key, mem_write, &w, NULL, NULL, NULL), key);
    assert_int_equal(w.len, size);
    assert_memory_equal(w.data, data, size);
    free(w.data);

    check_ok(xfer_delete(m, e->bucket, key, NULL), key);
    assert_true(gone(key));
    free(data);
  }
  xfer_manager_free(m);
}

/* The command-line tool's --virtual-host: an upload, checked path-style from outside. */
static void test_vhost_cli(void **state) {
  (void)state;
  SKIP_WITHOUT_VHOST();
  const char *cli = getenv("XFER_TEST_CLI");
  if (!cli || !*cli) {
    fprintf(stderr, "  skipped: XFER_TEST_CLI (the xfer binary) is not set\n");
    skip();
  }
  const test_env *e = env_get();
  size_t size = 100000;
  uint8_t *data = random_bytes(size, 606);
  char *path = write_temp_file("cli.bin", data, size);
  char key[256], ep[256], cmd[4096];
  snprintf(key, sizeof key, "%svhost-cli/a b+c.bin", run_prefix());
  vhost_endpoint(ep, sizeof ep, e->endpoint);
  setenv("AWS_ACCESS_KEY_ID", e->access_key, 1);
  setenv("AWS_SECRET_ACCESS_KEY", e->secret_key, 1);
  snprintf(cmd, sizeof cmd,
           "'%s' cp --no-progress --virtual-host --endpoint-url '%s' --region '%s' '%s' "
           "'s3://%s/%s'",
           cli, ep, e->region, path, e->bucket, key);
  assert_int_equal(system(cmd), 0);
  assert_stored(e->bucket, key, data, size);
  free(s3check("delete\x1f%s\x1f%s", e->bucket, key));
  free(data);
}

/* The "conn" number of one proxy log line, or -1. */
static long conn_of(const char *line) {
  const char *p = strstr(line, "\"conn\":");
  return p ? strtol(p + 7, NULL, 10) : -1;
}

/* Keep-alive as the server side sees it: 20 transfers one after another from a manager with
 * max_concurrency 1 arrive on one TCP connection (path style, through the proxy). */
static void test_sequential_reuse_one_connection(void **state) {
  (void)state;
  const test_env *e = env_get();
  xfer_config *c = proxy_config();
  assert_int_equal(xfer_config_set_max_concurrency(c, 1), XFER_OK);
  xfer_manager *m = manager_from(c);
  free(proxy_ctl("reset", NULL));

  uint8_t *data = random_bytes(4096, 707);
  char *path = write_temp_file("small.bin", data, 4096);
  for (int i = 0; i < 20; i++) {
    char key[256];
    snprintf(key, sizeof key, "%sreuse/%02d", run_prefix(), i);
    check_ok(xfer_upload_file(m, path, e->bucket, key, NULL, NULL, NULL), key);
  }

  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", NULL), 20);
  /* Counts every switch to another connection, so 1 means one connection throughout. */
  long last = -1;
  int conns = 0;
  for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
    long id = conn_of(line);
    assert_true(id >= 0);
    if (id != last) conns++;
    last = id;
  }
  fprintf(stderr, "  20 PUTs on %d connection(s)\n", conns);
  assert_int_equal(conns, 1);
  free(log);

  /* The first and the last stored (each s3check run is a Python start-up: not all 20). The
   * small objects stay: every server start wipes the bucket. */
  for (int i = 0; i < 20; i += 19) {
    char key[256];
    snprintf(key, sizeof key, "%sreuse/%02d", run_prefix(), i);
    assert_stored(e->bucket, key, data, 4096);
  }
  free(data);
  xfer_manager_free(m);
}

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_vhost_multipart_range_copy_delete, test_teardown),
      cmocka_unit_test_teardown(test_vhost_special_keys, test_teardown),
      cmocka_unit_test_teardown(test_vhost_cli, test_teardown),
      cmocka_unit_test_teardown(test_sequential_reuse_one_connection, test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, group_teardown);
}
