/* test_proxy_downloads.c: the download safety checks, each triggered through the project's fault
 * proxy and asserted from the outside (what the proxy saw, what is left in the folder, which
 * bytes reached the write callback): a wrong Content-Range, an object replaced mid-download, the
 * in-memory window of a callback download, a range that fails for good after others were
 * written, a cancel from another thread, and libcurl's http_proxy environment variable. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define MiB (1024u * 1024u)
#define CHUNK (5 * MiB)
/* The shared object: six full 5 MiB ranges and a short seventh. */
#define BIG_SIZE (32 * MiB)

typedef struct dl_config {
  uint32_t concurrency, window, attempts;
  uint64_t bandwidth;
} dl_config;

/* A manager behind the proxy with 5 MiB ranges; zero fields keep the defaults. */
static xfer_manager *dl_manager(dl_config o) {
  xfer_config *c = proxy_config();
  assert_int_equal(xfer_config_set_multipart_threshold(c, CHUNK), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, CHUNK), XFER_OK);
  if (o.concurrency) assert_int_equal(xfer_config_set_max_concurrency(c, o.concurrency), XFER_OK);
  if (o.window)
    assert_int_equal(xfer_config_set_max_in_memory_download_chunks(c, o.window), XFER_OK);
  if (o.attempts) assert_int_equal(xfer_config_set_num_download_attempts(c, o.attempts), XFER_OK);
  if (o.bandwidth) assert_int_equal(xfer_config_set_max_bandwidth(c, o.bandwidth), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  assert_non_null(m);
  return m;
}

static void rules(const char *json) {
  free(proxy_ctl("clear", NULL));
  free(proxy_ctl("reset", NULL));
  if (json) free(proxy_ctl("set", json));
}

/* Stores data under key with the independent checker (not through libxfer or the proxy). */
static void put_outside(const char *key, const uint8_t *data, size_t len) {
  char *path = write_temp_file("put.src", data, len);
  char *out = s3check("put\x1f%s\x1f%s\x1f%s", env_get()->bucket, key, path);
  assert_non_null(out);
  free(out);
  unlink(path);
}

/* The shared BIG_SIZE object, stored once per run; tests only read it. */
static const uint8_t *big_object(const char **key_out) {
  static uint8_t *data;
  static char key[256];
  if (!data) {
    snprintf(key, sizeof key, "%sdl/big", run_prefix());
    data = random_bytes(BIG_SIZE, 77);
    put_outside(key, data, BIG_SIZE);
  }
  *key_out = key;
  return data;
}

/* A fresh folder for a download target, with the target already there holding prior[0..len)
 * when prior is not NULL. Returns the target's path (static storage). */
static const char *target_in(const char *name, const uint8_t *prior, size_t len) {
  static char path[800];
  char dir[700];
  snprintf(dir, sizeof dir, "%s/%s", tmp_dir(), name);
  assert_int_equal(mkdir(dir, 0700), 0);
  snprintf(path, sizeof path, "%s/target.bin", dir);
  if (prior) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(prior, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
  }
  return path;
}

/* After a failed download: the folder holds nothing but the prior target, byte for byte. */
static void assert_target_untouched(const char *path, const uint8_t *prior, size_t len) {
  char dir[800];
  snprintf(dir, sizeof dir, "%s", path);
  *strrchr(dir, '/') = '\0';
  assert_int_equal(count_dir_entries(dir), prior ? 1 : 0); /* no temp file, no new target */
  if (!prior) return;
  size_t got_len = 0;
  uint8_t *got = read_file(path, &got_len);
  assert_true(got && got_len == len && memcmp(got, prior, len) == 0);
  free(got);
}

/* After a failed callback download: what was delivered is a correct prefix of data, in order,
 * and ends at or before limit. */
static void assert_prefix(const mem_writer *w, const uint8_t *data, size_t limit) {
  fprintf(stderr, "  delivered %zu bytes before the failure\n", w->len);
  assert_false(w->out_of_order);
  assert_true(w->len <= limit);
  assert_memory_equal(w->data, data, w->len);
}

/* ---- the proxy's log ---- */

typedef struct get_rec {
  double t_start;
  uint64_t from, to;
  int status;
} get_rec;

/* The GETs of a log, in log order; returns how many (at most cap). */
static size_t log_gets(const char *log, get_rec *out, size_t cap) {
  size_t n = 0;
  for (const char *line = log; line && *line && n < cap;) {
    const char *end = strchr(line, '\n');
    char *copy = end ? strndup(line, (size_t)(end - line)) : strdup(line);
    const char *r = strstr(copy, "\"range\":\"bytes=");
    const char *t = strstr(copy, "\"t_start\":");
    const char *s = strstr(copy, "\"status\":");
    if (strstr(copy, "\"method\":\"GET\"") && r && t && s) {
      get_rec g = {0};
      char *dash = NULL;
      g.from = strtoull(r + strlen("\"range\":\"bytes="), &dash, 10);
      g.to = strtoull(dash + 1, NULL, 10);
      g.t_start = strtod(t + strlen("\"t_start\":"), NULL);
      g.status = atoi(s + strlen("\"status\":"));
      out[n++] = g;
    }
    free(copy);
    line = end ? end + 1 : NULL;
  }
  return n;
}

/* Realtime seconds: the clock of the proxy's t_start. */
static double wall_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- 1. Content-Range ---- */

/* The answer to range 2 claims to hold bytes 0-5242879: the bytes are rejected, not written (at
 * either place), and the request is not repeated: a server that answers the wrong range is not
 * a transient fault. */
static void test_wrong_content_range_fails(void **state) {
  (void)state;
  const char *key;
  const uint8_t *data = big_object(&key);
  char rule[512];
  snprintf(rule, sizeof rule,
           "{\"match\":{\"method\":\"GET\",\"header\":{\"range\":\"bytes=%u-\"}},\"fault\":"
           "\"pass\",\"times\":-1,\"arg\":{\"response_headers\":{\"Content-Range\":\"bytes "
           "0-%u/%u\"}}}",
           CHUNK, CHUNK - 1, BIG_SIZE);
  xfer_manager *m = dl_manager((dl_config){0});
  uint8_t *prior = random_bytes(1000, 5);
  for (int to_file = 1; to_file >= 0; to_file--) {
    rules(rule);
    xfer_future *f;
    mem_writer w = {malloc(BIG_SIZE), BIG_SIZE, 0, 0, 0};
    const char *path = target_in(to_file ? "cr-file" : "cr-cb", prior, 1000);
    if (to_file)
      f = xfer_download_file(m, env_get()->bucket, key, path, NULL, NULL, NULL);
    else
      f = xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_ESERVICE);
    assert_non_null(strstr(xfer_future_error_message(f), "Content-Range"));
    assert_int_equal(xfer_future_http_status(f), 0); /* the server said nothing wrong */
    xfer_future_free(f);
    char *log = proxy_ctl("log", NULL);
    char range[64];
    snprintf(range, sizeof range, "\"range\":\"bytes=%u-", CHUNK);
    assert_int_equal(log_count(log, range, "\"fault\":\"pass\"", NULL), 1);
    free(log);
    if (to_file)
      assert_target_untouched(path, prior, 1000);
    else
      assert_prefix(&w, data, CHUNK); /* nothing from or after the bad range */
    free(w.data);
  }
  free(prior);
  xfer_manager_free(m);
}

/* ---- 2. the object replaced mid-download ---- */

/* Polls the first rule's "fired" counter (running the transfer's events meanwhile) until it
 * reaches 1: the proxy holds the request that rule matched. */
static void wait_rule_fired(xfer_future *f) {
  double deadline = now_s() + 30;
  for (;;) {
    char *r = proxy_ctl("rules", NULL);
    int fired = strstr(r, "\"fired\": 1") != NULL;
    free(r);
    if (fired) return;
    assert_true(now_s() < deadline);
    assert_int_equal(xfer_future_wait(f, 50), XFER_ETIMEDOUT);
  }
}

/* Ranges one at a time; the proxy holds range 2's request for 6 s before forwarding it, and
 * meanwhile the key gets other bytes of the same size. Range 2 then carries If-Match with the
 * first answer's ETag: the server refuses it (412), the download fails and the target that was
 * there before keeps its bytes. */
static void test_object_replaced_mid_download(void **state) {
  (void)state;
  char key[256];
  snprintf(key, sizeof key, "%sdl/replaced", run_prefix());
  const size_t size = 20 * MiB;
  uint8_t *before = random_bytes(size, 81), *after = random_bytes(size, 82);
  put_outside(key, before, size);
  xfer_manager *m = dl_manager((dl_config){.concurrency = 1});
  char rule[256];
  snprintf(rule, sizeof rule,
           "{\"match\":{\"method\":\"GET\",\"header\":{\"range\":\"bytes=%u-\"}},\"fault\":"
           "\"stall\",\"arg\":{\"seconds\":6,\"when\":\"before_body\"}}",
           CHUNK);
  rules(rule);
  uint8_t *prior = random_bytes(3000, 6);
  const char *path = target_in("replaced", prior, 3000);
  xfer_future *f = xfer_download_file(m, env_get()->bucket, key, path, NULL, NULL, NULL);
  assert_non_null(f);
  wait_rule_fired(f);
  double held = now_s();
  put_outside(key, after, size);
  fprintf(stderr, "  replaced the object %.2f s into the 6 s hold\n", now_s() - held);
  xfer_status s = wait_status(f);
  char *log = proxy_ctl("log", NULL);
  if (env_is("s3rver")) {
    /* s3rver ignores If-Match and serves the new bytes: the ETag of the answer, unlike the
     * first one's, is what tells the client the object changed. */
    assert_int_equal(s, XFER_ESERVICE);
    assert_int_equal(xfer_future_http_status(f), 0);
    assert_non_null(strstr(xfer_future_error_message(f), "changed"));
    assert_int_equal(log_count(log, "\"if-match\":", "\"status\":206", NULL), 1);
  } else {
    assert_int_equal(s, XFER_ESERVICE);
    assert_int_equal(xfer_future_http_status(f), 412);
    assert_string_equal(xfer_future_s3_error_code(f), "PreconditionFailed");
    assert_int_equal(log_count(log, "\"if-match\":", "\"status\":412", NULL), 1);
  }
  /* Range 1 arrived (and was written to the temp file) before range 2 was refused; nothing
   * was asked after the refusal. */
  assert_int_equal(log_count(log, "\"range\":\"bytes=0-", "\"status\":206", NULL), 1);
  assert_int_equal(log_count(log, "\"method\":\"GET\"", NULL), 2);
  free(log);
  xfer_future_free(f);
  assert_target_untouched(path, prior, 3000);
  assert_stored(env_get()->bucket, key, after, size); /* the replacement did happen */
  free(prior);
  free(before);
  free(after);
  xfer_manager_free(m);
}

/* ---- 3. the in-memory window of a callback download ---- */

typedef struct delivery {
  double at;    /* wall clock when the write callback returned */
  uint64_t end; /* bytes delivered by then */
} delivery;

typedef struct slow_writer {
  mem_writer w;
  delivery log[64];
  size_t n;
} slow_writer;

static int slow_write(const uint8_t *data, size_t len, uint64_t offset, void *user_data) {
  slow_writer *s = user_data;
  int rc = mem_write(data, len, offset, &s->w);
  usleep(250 * 1000);
  if (s->n < 64) s->log[s->n++] = (delivery){wall_s(), offset + len};
  return rc;
}

/* With max_in_memory_download_chunks 2 and a slow write callback, every range buffer counts
 * from the moment its GET starts until the callback has returned with its bytes (xfer.h,
 * DESIGN.md "Memory"): when the proxy sees a range's GET start, at most 2 ranges, that one
 * included, may be requested and not yet delivered. */
static void test_callback_window_bounded(void **state) {
  (void)state;
  const char *key;
  const uint8_t *data = big_object(&key);
  xfer_manager *m = dl_manager((dl_config){.window = 2});
  rules(NULL);
  slow_writer *s = calloc(1, sizeof *s);
  s->w = (mem_writer){malloc(BIG_SIZE), BIG_SIZE, 0, 0, 0};
  xfer_future *f =
      xfer_download_fileobj(m, env_get()->bucket, key, slow_write, s, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  xfer_manager_free(m);
  assert_int_equal(s->w.len, BIG_SIZE);
  assert_memory_equal(s->w.data, data, BIG_SIZE);

  char *log = proxy_ctl("log", NULL);
  get_rec gets[32];
  size_t n = log_gets(log, gets, 32);
  free(log);
  assert_int_equal(n, 7); /* one GET per range, none repeated */
  int most = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t delivered = 0; /* by the time this GET reached the proxy */
    for (size_t d = 0; d < s->n; d++)
      if (s->log[d].at <= gets[i].t_start && s->log[d].end > delivered) delivered = s->log[d].end;
    int outstanding = 0; /* requested by then, not yet delivered */
    for (size_t j = 0; j < n; j++)
      if (gets[j].t_start <= gets[i].t_start && gets[j].to + 1 > delivered) outstanding++;
    if (outstanding > most) most = outstanding;
    if (outstanding > 2)
      fprintf(stderr, "  GET bytes=%llu- started with %d ranges outstanding (%llu delivered)\n",
              (unsigned long long)gets[i].from, outstanding, (unsigned long long)delivered);
  }
  fprintf(stderr, "  most ranges requested ahead of the callback: %d (window 2)\n", most);
  assert_int_equal(most, 2); /* the bound, and reached: the window was used */
  free(s->w.data);
  free(s);
}

/* ---- 4. a range that fails for good after others were written ---- */

/* Ranges one at a time: 1 and 2 arrive whole and are written, then range 3 answers 500 on all
 * 3 attempts. The download fails with the server's error and leaves no file (or the old one,
 * unchanged) and no temp file. */
static void test_failed_range_leaves_nothing(void **state) {
  (void)state;
  const char *key;
  big_object(&key);
  xfer_manager *m = dl_manager((dl_config){.concurrency = 1, .attempts = 3});
  uint8_t *prior = random_bytes(BIG_SIZE / 2, 7);
  for (int with_prior = 0; with_prior <= 1; with_prior++) {
    rules(
        "{\"match\":{\"method\":\"GET\",\"header\":{\"range\":\"bytes=10485760-\"}},"
        "\"fault\":\"status_500\",\"times\":-1}");
    const char *path =
        target_in(with_prior ? "fail-prior" : "fail-new", with_prior ? prior : NULL, BIG_SIZE / 2);
    xfer_future *f = xfer_download_file(m, env_get()->bucket, key, path, NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_ESERVICE);
    assert_int_equal(xfer_future_http_status(f), 500);
    assert_string_equal(xfer_future_s3_error_code(f), "InternalError");
    xfer_future_free(f);
    char *log = proxy_ctl("log", NULL);
    assert_int_equal(log_count(log, "\"range\":\"bytes=10485760-", "\"status\":500", NULL), 3);
    /* Bytes were written before the failure: ranges 1 and 2 came in whole; none came after. */
    assert_int_equal(log_count(log, "\"method\":\"GET\"", NULL), 5);
    assert_int_equal(log_count(log, "\"range\":\"bytes=0-", "\"resp_body_bytes\":5242880", NULL),
                     1);
    assert_int_equal(
        log_count(log, "\"range\":\"bytes=5242880-", "\"resp_body_bytes\":5242880", NULL), 1);
    free(log);
    assert_target_untouched(path, with_prior ? prior : NULL, BIG_SIZE / 2);
  }
  free(prior);
  xfer_manager_free(m);
}

/* The same through a write callback, range 3 cut off mid-body on every attempt: each retry
 * resumes after the bytes received, all three fail, and the callback never saw range 3. */
static void test_failed_range_callback_prefix(void **state) {
  (void)state;
  const char *key;
  const uint8_t *data = big_object(&key);
  xfer_manager *m = dl_manager((dl_config){.concurrency = 2, .attempts = 3});
  /* Every attempt at range 3 asks for bytes up to its last one, 15728639. */
  rules(
      "{\"match\":{\"method\":\"GET\",\"header\":{\"range\":\"-15728639\"}},"
      "\"fault\":\"reset_mid_response\",\"times\":-1}");
  mem_writer w = {malloc(BIG_SIZE), BIG_SIZE, 0, 0, 0};
  xfer_future *f =
      xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_ENETWORK);
  xfer_future_free(f);
  xfer_manager_free(m);
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"fault\":\"reset_mid_response\"", NULL), 3);
  assert_int_equal(log_count(log, "\"range\":\"bytes=10485760-15728639\"", NULL), 1);
  assert_int_equal(log_count(log, "\"range\":\"bytes=13107200-15728639\"", NULL), 1);
  assert_int_equal(log_count(log, "\"range\":\"bytes=14417920-15728639\"", NULL), 1);
  free(log);
  assert_prefix(&w, data, 2 * CHUNK);
  free(w.data);
}

/* ---- 5. cancel ---- */

typedef struct canceller {
  xfer_future *f;
  _Atomic uint64_t progress; /* bytes_done, from the waiting thread's progress callback */
  _Atomic int cancel_returned;
  _Atomic int late_writes; /* write callbacks that began after the cancel returned */
  double cancel_at;        /* now_s() just before xfer_future_cancel */
  double cancel_wall;      /* the same on the proxy's clock */
  mem_writer w;
} canceller;

static int cancel_progress(const xfer_progress *p, void *user_data) {
  canceller *c = user_data;
  atomic_store(&c->progress, p->bytes_done);
  return 0;
}

static int cancel_write(const uint8_t *data, size_t len, uint64_t offset, void *user_data) {
  canceller *c = user_data;
  if (atomic_load(&c->cancel_returned)) atomic_fetch_add(&c->late_writes, 1);
  return mem_write(data, len, offset, &c->w);
}

static void *cancel_thread(void *arg) {
  canceller *c = arg;
  double deadline = now_s() + 60;
  while (atomic_load(&c->progress) < 6 * MiB && now_s() < deadline) usleep(5000);
  c->cancel_wall = wall_s();
  c->cancel_at = now_s();
  xfer_future_cancel(c->f);
  atomic_store(&c->cancel_returned, 1);
  return NULL;
}

/* A 32 MiB download held to 8 MiB/s is cancelled from another thread once 6 MiB arrived: the
 * waiting thread gets XFER_ECANCELLED within a second, no GET starts after it, the folder is
 * empty, and a write callback is never called once the cancel has returned. */
static void test_cancel_download(void **state) {
  (void)state;
  const char *key;
  const uint8_t *data = big_object(&key);
  xfer_manager *m = dl_manager((dl_config){.bandwidth = 8 * MiB});
  for (int to_file = 1; to_file >= 0; to_file--) {
    rules(NULL);
    canceller *c = calloc(1, sizeof *c);
    c->w = (mem_writer){malloc(BIG_SIZE), BIG_SIZE, 0, 0, 0};
    const char *path = target_in(to_file ? "cancel-file" : "cancel-cb", NULL, 0);
    if (to_file)
      c->f = xfer_download_file(m, env_get()->bucket, key, path, NULL, cancel_progress, c);
    else
      c->f = xfer_download_fileobj(m, env_get()->bucket, key, cancel_write, c, NULL,
                                   cancel_progress, c);
    assert_non_null(c->f);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, cancel_thread, c), 0);
    xfer_status s = xfer_future_wait(c->f, -1);
    double returned = now_s();
    assert_int_equal(pthread_join(t, NULL), 0);
    fprintf(stderr, "  cancelled at %.1f MiB; wait returned %.3f s after the cancel\n",
            (double)atomic_load(&c->progress) / MiB, returned - c->cancel_at);
    assert_int_equal(s, XFER_ECANCELLED);
    assert_true(atomic_load(&c->progress) < BIG_SIZE);
    assert_true(returned - c->cancel_at < 1.0);
    usleep(500 * 1000); /* anything still running would show by now */
    xfer_future_free(c->f);
    char *log = proxy_ctl("log", NULL);
    get_rec gets[32];
    size_t n = log_gets(log, gets, 32);
    free(log);
    for (size_t i = 0; i < n; i++) assert_true(gets[i].t_start < c->cancel_wall + 0.25);
    assert_target_untouched(path, NULL, 0);
    if (!to_file) {
      assert_int_equal(atomic_load(&c->late_writes), 0);
      assert_prefix(&c->w, data, BIG_SIZE - 1);
    }
    free(c->w.data);
    free(c);
  }
  xfer_manager_free(m);
}

/* ---- 6. http_proxy ---- */

static const char *const kProxyVars[] = {"http_proxy", "HTTP_PROXY", "all_proxy",
                                         "ALL_PROXY",  "no_proxy",   "NO_PROXY"};
#define N_PROXY_VARS (sizeof kProxyVars / sizeof kProxyVars[0])

/* The endpoint is the server itself, and http_proxy (lower case, as libcurl reads it for
 * http://) names the fault proxy: libcurl sends every request to the proxy in absolute form,
 * and the round trip works through it. */
static void test_http_proxy_from_environment(void **state) {
  (void)state;
  char *saved[N_PROXY_VARS];
  for (size_t i = 0; i < N_PROXY_VARS; i++) {
    const char *v = getenv(kProxyVars[i]);
    saved[i] = v ? strdup(v) : NULL;
    unsetenv(kProxyVars[i]);
  }
  assert_int_equal(setenv("http_proxy", proxy_start(), 1), 0);
  rules(NULL);

  xfer_config *c = env_config(); /* the server's own endpoint, not the proxy's */
  assert_int_equal(xfer_config_set_multipart_threshold(c, CHUNK), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, CHUNK), XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  assert_non_null(m);
  char key[256];
  snprintf(key, sizeof key, "%sdl/via-http-proxy", run_prefix());
  const size_t size = 7 * MiB;
  uint8_t *data = random_bytes(size, 83);
  char *src = write_temp_file("hp.src", data, size);
  xfer_future *f = xfer_upload_file(m, src, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  mem_writer w = {malloc(size), size, 0, 0, 0};
  f = xfer_download_fileobj(m, env_get()->bucket, key, mem_write, &w, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  xfer_manager_free(m);

  for (size_t i = 0; i < N_PROXY_VARS; i++) {
    if (saved[i])
      setenv(kProxyVars[i], saved[i], 1);
    else
      unsetenv(kProxyVars[i]);
    free(saved[i]);
  }
  assert_int_equal(w.len, size);
  assert_memory_equal(w.data, data, size);
  assert_stored(env_get()->bucket, key, data, size);
  char *log = proxy_ctl("log", NULL);
  int all = log_count(log, "\"id\":", NULL);
  fprintf(stderr, "  %d requests through http_proxy\n", all);
  /* Create, 2 parts, Complete (Swift may send Complete twice), then 2 ranged GETs. */
  assert_true(all >= 6);
  assert_int_equal(log_count(log, "\"absolute\":true", NULL), all);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=", "\"status\":200", NULL), 2);
  assert_int_equal(log_count(log, "\"method\":\"GET\"", "\"status\":206", NULL), 2);
  free(log);
  free(w.data);
  free(data);
}

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_wrong_content_range_fails, test_teardown),
      cmocka_unit_test_teardown(test_object_replaced_mid_download, test_teardown),
      cmocka_unit_test_teardown(test_callback_window_bounded, test_teardown),
      cmocka_unit_test_teardown(test_failed_range_leaves_nothing, test_teardown),
      cmocka_unit_test_teardown(test_failed_range_callback_prefix, test_teardown),
      cmocka_unit_test_teardown(test_cancel_download, test_teardown),
      cmocka_unit_test_teardown(test_http_proxy_from_environment, test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, group_teardown);
}
