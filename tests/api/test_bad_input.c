/* test_bad_input.c: every public function given NULL, empty strings, zero or huge values, or
 * called in the wrong state returns an error with a message that names the argument at fault,
 * and never crashes. No server: the bad calls go to a manager whose endpoint is a listening
 * socket of the test's own, which counts connections and must see none. */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xfer/xfer.h"

/* Whether msg names the argument: name as a whole word ("bucket" is not in "src_bucket"). */
static int names_arg(const char *msg, const char *name) {
  size_t n = strlen(name);
  for (const char *p = strstr(msg, name); p; p = strstr(p + 1, name)) {
    int before = p > msg && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
    int after = isalnum((unsigned char)p[n]) || p[n] == '_';
    if (!before && !after) return 1;
  }
  return 0;
}

/* The call fails with XFER_EINVAL and a message that names the argument at fault. */
#define EXPECT_EINVAL(call, arg)                                                          \
  do {                                                                                    \
    xfer_status s_ = (call);                                                              \
    if (s_ != XFER_EINVAL) fail_msg("%s returned %d", #call, s_);                         \
    if (!names_arg(xfer_last_error(), arg))                                               \
      fail_msg("%s: the message \"%s\" does not name %s", #call, xfer_last_error(), arg); \
  } while (0)

/* The call returns NULL and a message that names the argument at fault. */
#define EXPECT_NULL(call, arg)                                                            \
  do {                                                                                    \
    if ((call) != NULL) fail_msg("%s", #call);                                            \
    if (!names_arg(xfer_last_error(), arg))                                               \
      fail_msg("%s: the message \"%s\" does not name %s", #call, xfer_last_error(), arg); \
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
  EXPECT_EINVAL(xfer_config_load_env(NULL, NULL), "config");
  EXPECT_EINVAL(xfer_config_set_endpoint(NULL, "http://x"), "config");
  EXPECT_EINVAL(xfer_config_set_region(NULL, "us-east-1"), "config");
  EXPECT_EINVAL(xfer_config_set_credentials(NULL, "a", "b", NULL), "config");
  EXPECT_EINVAL(xfer_config_set_path_style(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_multipart_threshold(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_multipart_chunksize(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_max_concurrency(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_use_threads(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_max_bandwidth(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_num_download_attempts(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_max_in_memory_upload_chunks(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_max_in_memory_download_chunks(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_checksum_algorithm(NULL, "CRC32"), "config");
  EXPECT_EINVAL(xfer_config_set_ca_bundle(NULL, ""), "config");
  EXPECT_EINVAL(xfer_config_set_verify_tls(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_sign_payload(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_connect_timeout_ms(NULL, 1), "config");
  EXPECT_EINVAL(xfer_config_set_stall_timeout_ms(NULL, 5000), "config");
  EXPECT_EINVAL(xfer_config_set_aws_chunk_size(NULL, 65536), "config");
  EXPECT_EINVAL(xfer_config_set_content_md5(NULL, 1), "config");

  xfer_config *c = cfg();
  EXPECT_EINVAL(xfer_config_set_endpoint(c, "ftp://host"), "url");
  EXPECT_EINVAL(xfer_config_set_endpoint(c, "no-scheme"), "url");
  EXPECT_EINVAL(xfer_config_set_endpoint(c, "http://host/path"), "url");
  EXPECT_EINVAL(xfer_config_set_region(c, NULL), "region");
  EXPECT_EINVAL(xfer_config_set_region(c, ""), "region");
  EXPECT_EINVAL(xfer_config_set_region(c, "us east"), "region");
  EXPECT_EINVAL(xfer_config_set_credentials(c, NULL, "b", NULL), "access_key");
  EXPECT_EINVAL(xfer_config_set_credentials(c, "a", NULL, NULL), "secret_key");
  EXPECT_EINVAL(xfer_config_set_credentials(c, "", "b", NULL), "access_key");
  EXPECT_EINVAL(xfer_config_set_multipart_threshold(c, 0), "bytes");
  EXPECT_EINVAL(xfer_config_set_multipart_chunksize(c, 0), "bytes");
  EXPECT_EINVAL(xfer_config_set_multipart_chunksize(c, UINT64_MAX), "bytes");
  EXPECT_EINVAL(xfer_config_set_max_concurrency(c, 0), "max_concurrency");
  EXPECT_EINVAL(xfer_config_set_max_concurrency(c, UINT32_MAX), "max_concurrency");
  EXPECT_EINVAL(xfer_config_set_num_download_attempts(c, 0), "num_download_attempts");
  EXPECT_EINVAL(xfer_config_set_max_in_memory_upload_chunks(c, 0), "max_in_memory_upload_chunks");
  EXPECT_EINVAL(xfer_config_set_max_in_memory_download_chunks(c, 0),
                "max_in_memory_download_chunks");
  EXPECT_EINVAL(xfer_config_set_checksum_algorithm(c, NULL), "alg");
  EXPECT_EINVAL(xfer_config_set_checksum_algorithm(c, "MD5"), "alg");
  EXPECT_EINVAL(xfer_config_set_connect_timeout_ms(c, 0), "ms");
  EXPECT_EINVAL(xfer_config_set_stall_timeout_ms(c, 999), "ms");
  EXPECT_EINVAL(xfer_config_set_aws_chunk_size(c, 8191), "bytes");
  EXPECT_EINVAL(xfer_config_set_aws_chunk_size(c, 16 * 1024 * 1024 + 1), "bytes");
  /* Valid values still work after the failures. */
  assert_int_equal(xfer_config_set_checksum_algorithm(c, "crc32c"), XFER_OK);
  assert_int_equal(xfer_config_set_max_bandwidth(c, 0), XFER_OK);
  assert_int_equal(xfer_config_set_endpoint(c, NULL), XFER_OK);
  xfer_config_free(c);
  xfer_config_free(NULL);
}

static void test_args(void **state) {
  (void)state;
  EXPECT_EINVAL(xfer_args_set(NULL, "ContentType", "x"), "args");
  EXPECT_EINVAL(xfer_args_set_metadata(NULL, "k", "v"), "args");
  xfer_args *a = xfer_args_new();
  assert_non_null(a);
  EXPECT_EINVAL(xfer_args_set(a, NULL, "x"), "name");
  EXPECT_EINVAL(xfer_args_set(a, "", "x"), "name");
  EXPECT_EINVAL(xfer_args_set(a, "ContentType", NULL), "value");
  EXPECT_EINVAL(xfer_args_set(a, "NoSuchArgument", "x"), "name");
  assert_non_null(strstr(xfer_last_error(), "ContentType")); /* lists the valid names */
  EXPECT_EINVAL(xfer_args_set(a, "Metadata", "x"), "name");
  EXPECT_EINVAL(xfer_args_set_metadata(a, NULL, "v"), "key");
  EXPECT_EINVAL(xfer_args_set_metadata(a, "", "v"), "key");
  EXPECT_EINVAL(xfer_args_set_metadata(a, "bad key", "v"), "key");
  EXPECT_EINVAL(xfer_args_set_metadata(a, "k", NULL), "value");
  assert_int_equal(xfer_args_set(a, "VersionId", "v1"), XFER_OK);
  xfer_args_free(a);
  xfer_args_free(NULL);
}

/* A listening socket on 127.0.0.1 that nothing answers: connections wait in its backlog, so
 * counting them (accept until none is left) tells whether any request was attempted. */
static int listen_local(int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(listen(fd, 64), 0);
  socklen_t len = sizeof a;
  assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  *port = ntohs(a.sin_port);
  assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
  return fd;
}

/* Connections made to the listener within wait_ms (each accepted and closed). */
static int count_connections(int fd, int wait_ms) {
  int n = 0;
  struct pollfd p = {fd, POLLIN, 0};
  while (poll(&p, 1, wait_ms) > 0) {
    int c = accept(fd, NULL, NULL);
    if (c < 0) break;
    close(c);
    n++;
    wait_ms = 0;
  }
  return n;
}

static void test_manager_and_transfers(void **state) {
  (void)state;
  int port = 0;
  int lfd = listen_local(&port);
  char endpoint[64];
  snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
  EXPECT_NULL(xfer_manager_new(NULL), "config");
  EXPECT_EINVAL(xfer_manager_shutdown(NULL, 1), "manager");
  xfer_manager_free(NULL);

  xfer_config *c = cfg();
  assert_int_equal(xfer_config_set_endpoint(c, endpoint), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  assert_non_null(m);
  EXPECT_NULL(xfer_upload_file(NULL, "/etc/hostname", "b", "k", NULL, NULL, NULL), "manager");
  EXPECT_NULL(xfer_upload_file(m, NULL, "b", "k", NULL, NULL, NULL), "path");
  EXPECT_NULL(xfer_upload_file(m, "", "b", "k", NULL, NULL, NULL), "path");
  EXPECT_NULL(xfer_upload_file(m, "/etc/hostname", NULL, "k", NULL, NULL, NULL), "bucket");
  EXPECT_NULL(xfer_upload_file(m, "/etc/hostname", "", "k", NULL, NULL, NULL), "bucket");
  EXPECT_NULL(xfer_upload_file(m, "/etc/hostname", "b", NULL, NULL, NULL, NULL), "key");
  EXPECT_NULL(xfer_upload_file(m, "/etc/hostname", "b", "", NULL, NULL, NULL), "key");
  EXPECT_NULL(xfer_upload_fileobj(NULL, rd, NULL, "b", "k", NULL, NULL, NULL), "manager");
  EXPECT_NULL(xfer_upload_fileobj(m, NULL, NULL, "b", "k", NULL, NULL, NULL), "read");
  EXPECT_NULL(xfer_upload_fileobj(m, rd, NULL, NULL, "k", NULL, NULL, NULL), "bucket");
  EXPECT_NULL(xfer_upload_fileobj(m, rd, NULL, "b", NULL, NULL, NULL, NULL), "key");
  EXPECT_NULL(xfer_upload_fileobj_chunked(NULL, rd, NULL, 10, "b", "k", NULL, NULL, NULL),
              "manager");
  EXPECT_NULL(xfer_upload_fileobj_chunked(m, NULL, NULL, 10, "b", "k", NULL, NULL, NULL), "read");
  EXPECT_NULL(xfer_upload_fileobj_chunked(m, rd, NULL, 10, NULL, "k", NULL, NULL, NULL), "bucket");
  EXPECT_NULL(xfer_upload_fileobj_chunked(m, rd, NULL, 10, "b", "", NULL, NULL, NULL), "key");
  EXPECT_NULL(
      xfer_upload_fileobj_chunked(m, rd, NULL, (5ull << 40) + 1, "b", "k", NULL, NULL, NULL),
      "size");
  {
    /* Without credentials there is nothing to sign the chunks with. */
    xfer_config *anon = xfer_config_new();
    assert_int_equal(xfer_config_set_endpoint(anon, endpoint), XFER_OK);
    xfer_manager *am = xfer_manager_new(anon);
    assert_non_null(am);
    EXPECT_NULL(xfer_upload_fileobj_chunked(am, rd, NULL, 10, "b", "k", NULL, NULL, NULL),
                "credentials");
    assert_non_null(strstr(xfer_last_error(), "credentials"));
    xfer_manager_free(am);
    xfer_config_free(anon);
  }
  EXPECT_NULL(xfer_download_file(NULL, "b", "k", "/tmp/x", NULL, NULL, NULL), "manager");
  EXPECT_NULL(xfer_download_file(m, NULL, "k", "/tmp/x", NULL, NULL, NULL), "bucket");
  EXPECT_NULL(xfer_download_file(m, "b", NULL, "/tmp/x", NULL, NULL, NULL), "key");
  EXPECT_NULL(xfer_download_file(m, "b", "k", NULL, NULL, NULL, NULL), "path");
  EXPECT_NULL(xfer_download_file(m, "b", "k", "", NULL, NULL, NULL), "path");
  EXPECT_NULL(xfer_download_fileobj(NULL, "b", "k", wr, NULL, NULL, NULL, NULL), "manager");
  EXPECT_NULL(xfer_download_fileobj(m, NULL, "k", wr, NULL, NULL, NULL, NULL), "bucket");
  EXPECT_NULL(xfer_download_fileobj(m, "b", NULL, wr, NULL, NULL, NULL, NULL), "key");
  EXPECT_NULL(xfer_download_fileobj(m, "b", "k", NULL, NULL, NULL, NULL, NULL), "write");
  EXPECT_NULL(xfer_copy(NULL, "a", "b", "c", "d", NULL, NULL, NULL), "manager");
  EXPECT_NULL(xfer_copy(m, NULL, "b", "c", "d", NULL, NULL, NULL), "src_bucket");
  EXPECT_NULL(xfer_copy(m, "a", NULL, "c", "d", NULL, NULL, NULL), "src_key");
  EXPECT_NULL(xfer_copy(m, "a", "b", NULL, "d", NULL, NULL, NULL), "bucket");
  EXPECT_NULL(xfer_copy(m, "a", "b", "c", NULL, NULL, NULL, NULL), "key");
  EXPECT_NULL(xfer_copy(m, "", "b", "c", "d", NULL, NULL, NULL), "src_bucket");
  EXPECT_NULL(xfer_delete(NULL, "b", "k", NULL), "manager");
  EXPECT_NULL(xfer_delete(m, NULL, "k", NULL), "bucket");
  EXPECT_NULL(xfer_delete(m, "b", NULL, NULL), "key");
  EXPECT_NULL(xfer_delete(m, "b", "", NULL), "key");
  EXPECT_NULL(xfer_create_bucket(NULL, "b"), "manager");
  EXPECT_NULL(xfer_create_bucket(m, NULL), "bucket");
  EXPECT_NULL(xfer_delete_bucket(m, ""), "bucket");

  /* Listings and transfers of many. */
  EXPECT_NULL(xfer_list_objects(NULL, "b", NULL, NULL, list_fn, NULL), "manager");
  EXPECT_NULL(xfer_list_objects(m, NULL, NULL, NULL, list_fn, NULL), "bucket");
  EXPECT_NULL(xfer_list_objects(m, "b", NULL, NULL, NULL, NULL), "fn");
  EXPECT_NULL(xfer_delete_prefix(NULL, "b", "p/"), "manager");
  EXPECT_NULL(xfer_delete_prefix(m, "", "p/"), "bucket");
  EXPECT_NULL(xfer_delete_prefix(m, "b", NULL), "prefix");
  EXPECT_NULL(xfer_upload_directory(NULL, "/tmp", "b", "", NULL, NULL, NULL, NULL), "manager");
  EXPECT_NULL(xfer_upload_directory(m, NULL, "b", "", NULL, NULL, NULL, NULL), "dir");
  EXPECT_NULL(xfer_upload_directory(m, "/tmp", NULL, "", NULL, NULL, NULL, NULL), "bucket");
  EXPECT_NULL(xfer_upload_directory(m, "/tmp", "b", NULL, NULL, NULL, NULL, NULL), "prefix");
  EXPECT_NULL(xfer_download_directory(NULL, "b", "", "/tmp/x", NULL, NULL, NULL, NULL), "manager");
  EXPECT_NULL(xfer_download_directory(m, "b", NULL, "/tmp/x", NULL, NULL, NULL, NULL), "prefix");
  EXPECT_NULL(xfer_download_directory(m, "b", "", "", NULL, NULL, NULL, NULL), "dir");
  EXPECT_EINVAL(xfer_dir_options_add_filter(NULL, "*", 1), "options");
  EXPECT_EINVAL(xfer_dir_options_set_max_files_in_flight(NULL, 1), "options");
  xfer_dir_options *o = xfer_dir_options_new();
  EXPECT_EINVAL(xfer_dir_options_add_filter(o, NULL, 1), "glob");
  EXPECT_EINVAL(xfer_dir_options_add_filter(o, "", 0), "glob");
  EXPECT_EINVAL(xfer_dir_options_set_max_files_in_flight(o, 0), "n");
  EXPECT_EINVAL(xfer_dir_options_set_max_files_in_flight(o, 100000), "n");
  EXPECT_EINVAL(xfer_dir_options_set_guess_content_type(NULL, 1), "options");
  assert_int_equal(xfer_dir_options_set_guess_content_type(o, 1), XFER_OK);
  EXPECT_NULL(xfer_guess_content_type(NULL), "path");
  assert_non_null(strstr(xfer_last_error(), "xfer_guess_content_type"));
  assert_string_equal(xfer_guess_content_type("d/index.HTML"), "text/html");
  assert_null(xfer_guess_content_type("d.json/noext"));
  xfer_dir_options_free(o);
  xfer_dir_options_free(NULL);

  /* Extra args that exist but do not belong to the operation: refused before any request. */
  xfer_args *a = xfer_args_new();
  assert_int_equal(xfer_args_set(a, "VersionId", "v1"), XFER_OK); /* a download/delete arg */
  EXPECT_NULL(xfer_upload_file(m, "/etc/hostname", "b", "k", a, NULL, NULL), "args");
  assert_non_null(strstr(xfer_last_error(), "VersionId"));
  xfer_args_free(a);
  a = xfer_args_new();
  assert_int_equal(xfer_args_set(a, "ContentType", "text/plain"), XFER_OK);
  EXPECT_NULL(xfer_download_file(m, "b", "k", "/tmp/x", a, NULL, NULL), "args");
  EXPECT_NULL(xfer_delete(m, "b", "k", a), "args");
  xfer_args_free(a);

  /* None of the calls above sent anything: the listener saw no connection. And it would have
   * seen one: a valid call on the same manager connects at once (then is cancelled). */
  assert_int_equal(count_connections(lfd, 300), 0);
  xfer_future *f = xfer_download_fileobj(m, "b", "k", wr, NULL, NULL, NULL, NULL);
  assert_non_null(f);
  assert_true(count_connections(lfd, 10000) >= 1);
  xfer_future_cancel(f);
  xfer_future_free(f);

  /* Wrong state: after shutdown, submissions fail with XFER_ESTATE. */
  assert_int_equal(xfer_manager_shutdown(m, 0), XFER_OK);
  assert_null(xfer_delete(m, "b", "k", NULL));
  assert_non_null(strstr(xfer_last_error(), "shut down"));
  assert_null(xfer_upload_fileobj(m, rd, NULL, "b", "k", NULL, NULL, NULL));
  assert_int_equal(xfer_manager_shutdown(m, 1), XFER_OK); /* twice is fine */
  xfer_manager_free(m);
  xfer_config_free(c);
  close(lfd);
}

static void test_futures(void **state) {
  (void)state;
  EXPECT_EINVAL(xfer_future_wait(NULL, -1), "future");
  assert_int_equal(xfer_future_done(NULL), 0);
  xfer_future_cancel(NULL);
  EXPECT_EINVAL(xfer_future_status(NULL), "future");
  EXPECT_NULL(xfer_future_error_message(NULL), "future");
  assert_int_equal(xfer_future_http_status(NULL), 0);
  EXPECT_NULL(xfer_future_s3_error_code(NULL), "future");
  EXPECT_NULL(xfer_future_request_id(NULL), "future");
  EXPECT_NULL(xfer_future_etag(NULL), "future");
  EXPECT_NULL(xfer_future_version_id(NULL), "future");
  EXPECT_NULL(xfer_future_checksum(NULL), "future");
  assert_int_equal(xfer_future_size(NULL), 0);
  assert_int_equal(xfer_future_failure_count(NULL), 0);
  EXPECT_NULL(xfer_future_failure_key(NULL, 0), "future");
  EXPECT_NULL(xfer_future_failure_message(NULL, 0), "future");
  assert_int_equal(xfer_future_file_count(NULL), 0);
  assert_non_null(strstr(xfer_last_error(), "xfer_future_file_count"));
  EXPECT_EINVAL(xfer_future_failure_status(NULL, 0), "future");
  assert_non_null(strstr(xfer_last_error(), "xfer_future_failure_status"));
  assert_int_equal(xfer_future_failure_http_status(NULL, 0), 0);
  assert_non_null(strstr(xfer_last_error(), "xfer_future_failure_http_status"));
  EXPECT_NULL(xfer_future_failure_s3_error_code(NULL, 0), "future");
  EXPECT_NULL(xfer_future_failure_request_id(NULL, 0), "future");
  xfer_future_free(NULL);

  /* A transfer to a closed port fails as a network error, with a message; wait rejects a
   * nonsense timeout. */
  xfer_config *c = cfg();
  xfer_manager *m = xfer_manager_new(c);
  xfer_future *f = xfer_delete(m, "b", "k", NULL);
  assert_non_null(f);
  EXPECT_EINVAL(xfer_future_wait(f, -2), "timeout_ms");
  assert_int_equal(xfer_future_wait(f, -1), XFER_ENETWORK);
  assert_true(xfer_future_done(f));
  assert_non_null(xfer_future_error_message(f));
  assert_null(xfer_future_etag(f));
  xfer_future_cancel(f); /* a no-op once done */
  assert_int_equal(xfer_future_status(f), XFER_ENETWORK);
  /* A single transfer has no items: every failure index is out of range. */
  assert_int_equal(xfer_future_file_count(f), 0);
  assert_int_equal(xfer_future_failure_count(f), 0);
  EXPECT_NULL(xfer_future_failure_key(f, 0), "i");
  EXPECT_NULL(xfer_future_failure_message(f, 0), "i");
  EXPECT_EINVAL(xfer_future_failure_status(f, 0), "i");
  assert_int_equal(xfer_future_failure_http_status(f, 0), 0);
  assert_non_null(strstr(xfer_last_error(), "no failure 0"));
  EXPECT_NULL(xfer_future_failure_s3_error_code(f, 0), "i");
  EXPECT_NULL(xfer_future_failure_request_id(f, 0), "i");
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
  EXPECT_NULL(xfer_future_failure_key(f, 1), "i");
  EXPECT_EINVAL(xfer_future_failure_status(f, 1), "i");
  assert_non_null(strstr(xfer_last_error(), "no failure 1"));
  EXPECT_NULL(xfer_future_failure_request_id(f, 1), "i");
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
  EXPECT_EINVAL(xfer_presign(NULL, "GET", "b", "k", 60, &url), "config");
  assert_null(url);
  EXPECT_EINVAL(xfer_presign(c, "GET", "b", "k", 60, NULL), "url_out");
  EXPECT_EINVAL(xfer_presign(c, NULL, "b", "k", 60, &url), "method");
  EXPECT_EINVAL(xfer_presign(c, "POST", "b", "k", 60, &url), "method");
  EXPECT_EINVAL(xfer_presign(c, "GET", NULL, "k", 60, &url), "bucket");
  EXPECT_EINVAL(xfer_presign(c, "GET", "b", "", 60, &url), "key");
  EXPECT_EINVAL(xfer_presign(c, "GET", "b", "k", 0, &url), "expires_s");
  EXPECT_EINVAL(xfer_presign(c, "GET", "b", "k", 604801, &url), "expires_s");
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
