/* test_proxy_manager.c: guarantees of the transfer manager as a whole, checked at the fault
 * proxy: transfers on one manager share max_concurrency, its connections and one bandwidth
 * budget; num_download_attempts bounds a broken download, which leaves nothing behind; the
 * request shapes at the multipart threshold; extra arguments routed to the requests s3transfer
 * sends them on; shutdown without cancel finishing what runs; a session token sent and signed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

#define MiB (1024u * 1024u)
#define THRESHOLD (5 * MiB)

typedef struct manager_opts {
  uint32_t concurrency;  /* 0: 4 */
  int sequential;        /* use_threads = 0 */
  uint64_t bandwidth;    /* 0: no limit */
  uint32_t get_attempts; /* 0: default */
  const char *token;     /* session token, or NULL */
} manager_opts;

/* A manager on the proxy with a 5 MiB threshold and part size. */
static xfer_manager *open_manager(manager_opts o) {
  xfer_config *c = proxy_config();
  assert_int_equal(xfer_config_set_multipart_threshold(c, THRESHOLD), XFER_OK);
  assert_int_equal(xfer_config_set_multipart_chunksize(c, THRESHOLD), XFER_OK);
  assert_int_equal(xfer_config_set_max_concurrency(c, o.concurrency ? o.concurrency : 4), XFER_OK);
  assert_int_equal(xfer_config_set_use_threads(c, !o.sequential), XFER_OK);
  assert_int_equal(xfer_config_set_max_bandwidth(c, o.bandwidth), XFER_OK);
  if (o.get_attempts)
    assert_int_equal(xfer_config_set_num_download_attempts(c, o.get_attempts), XFER_OK);
  if (o.token)
    assert_int_equal(
        xfer_config_set_credentials(c, env_get()->access_key, env_get()->secret_key, o.token),
        XFER_OK);
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  assert_non_null(m);
  return m;
}

/* The proxy starts afresh: no rules, empty log, stats at zero. */
static void proxy_fresh(void) {
  free(proxy_ctl("clear", NULL));
  free(proxy_ctl("reset", NULL));
}

/* One number of GET /_proxy/stats (written by json.dumps: "name": N). */
static long proxy_stat(const char *name) {
  char *stats = proxy_ctl("stats", NULL);
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\"", name);
  const char *at = strstr(stats, pattern);
  assert_non_null(at);
  at = strchr(at + strlen(pattern), ':');
  assert_non_null(at);
  long v = strtol(at + 1, NULL, 10);
  free(stats);
  return v;
}

/* The number after "field": in one log line (a JSON object), or -1. */
static double line_number(const char *line, size_t len, const char *field) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":", field);
  char *copy = strndup(line, len);
  const char *at = strstr(copy, pattern);
  double v = at ? strtod(at + strlen(pattern), NULL) : -1;
  free(copy);
  return v;
}

/* Distinct client connections ("conn") among the log's requests. */
static int distinct_conns(const char *log) {
  long seen[256];
  int n = 0;
  for (const char *line = log; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    long conn = (long)line_number(line, len, "conn");
    int known = 0;
    for (int i = 0; i < n; i++) known |= seen[i] == conn;
    if (conn >= 0 && !known && n < 256) seen[n++] = conn;
    line = end ? end + 1 : NULL;
  }
  return n;
}

/* Seconds from the first request's head to the last request's end, as the proxy saw them. */
static double log_span(const char *log) {
  double first = 0, last = 0;
  for (const char *line = log; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    double s = line_number(line, len, "t_start"), e = line_number(line, len, "t_end");
    if (s > 0 && (first == 0 || s < first)) first = s;
    if (e > last) last = e;
    line = end ? end + 1 : NULL;
  }
  return last - first;
}

static void object_key(char *key, size_t cap, const char *name) {
  snprintf(key, cap, "%smanager/%s", run_prefix(), name);
}

/* A temporary file of size random bytes; the bytes in *data (caller frees). */
static char *random_file(const char *name, size_t size, uint32_t seed, uint8_t **data) {
  *data = random_bytes(size, seed);
  return write_temp_file(name, *data, size);
}

/* Uploads a file through m and waits for success. */
static void put_file(xfer_manager *m, const char *path, const char *key) {
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
}

/* Asserts that a downloaded file holds exactly data[0..len), reading it piece by piece. */
static void assert_file_holds(const char *path, const uint8_t *data, size_t len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static uint8_t piece[1 << 16];
  size_t at = 0, n;
  while ((n = fread(piece, 1, sizeof piece, f)) > 0) {
    assert_true(at + n <= len);
    assert_memory_equal(piece, data + at, n);
    at += n;
  }
  fclose(f);
  assert_int_equal(at, len);
}

/* 1. Three multipart uploads, then three downloads, at once on a manager with max_concurrency 3:
 * never more than 3 requests in flight together, and all of them on at most 3 connections. */
static void test_transfers_share_concurrency(void **state) {
  (void)state;
  enum { kN = 3 };
  const size_t size = 10 * MiB; /* 2 parts each: 6 parts for 3 workers */
  xfer_manager *m = open_manager((manager_opts){.concurrency = kN});
  char keys[kN][256], downs[kN][700];
  char *paths[kN];
  uint8_t *data[kN];
  for (int i = 0; i < kN; i++) {
    char name[32];
    snprintf(name, sizeof name, "shared-%d", i);
    object_key(keys[i], sizeof keys[i], name);
    snprintf(name, sizeof name, "s%d.bin", i);
    paths[i] = strdup(random_file(name, size, 100 + (uint32_t)i, &data[i]));
    snprintf(downs[i], sizeof downs[i], "%s/s%d.down", tmp_dir(), i);
  }
  for (int phase = 0; phase < 2; phase++) {
    proxy_fresh();
    xfer_future *f[kN];
    for (int i = 0; i < kN; i++)
      f[i] = phase == 0
                 ? xfer_upload_file(m, paths[i], env_get()->bucket, keys[i], NULL, NULL, NULL)
                 : xfer_download_file(m, env_get()->bucket, keys[i], downs[i], NULL, NULL, NULL);
    for (int i = 0; i < kN; i++) {
      assert_int_equal(wait_status(f[i]), XFER_OK);
      xfer_future_free(f[i]);
    }
    long most = proxy_stat("max_concurrent");
    char *log = proxy_ctl("log", NULL);
    int conns = distinct_conns(log);
    fprintf(stderr, "  %s: most in flight %ld, connections %d (max_concurrency %d)\n",
            phase ? "3 downloads" : "3 uploads", most, conns, kN);
    assert_true(most <= kN);
    assert_true(most >= 2); /* the transfers did overlap: the bound was what held them */
    assert_true(conns >= 1 && conns <= kN);
    if (phase == 0)
      assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=", NULL), 2 * kN);
    else
      assert_int_equal(log_count(log, "\"method\":\"GET\"", NULL), 2 * kN);
    free(log);
  }
  for (int i = 0; i < kN; i++) {
    assert_file_holds(downs[i], data[i], size);
    free(paths[i]);
    free(data[i]);
  }
  xfer_manager_free(m);
}

/* Uploads n files at once through m; returns the seconds the proxy saw them take. */
static double timed_uploads(xfer_manager *m, int n, char *const *paths, size_t size,
                            const char *name, double *wall) {
  proxy_fresh();
  xfer_future *f[4];
  double t0 = now_s();
  for (int i = 0; i < n; i++) {
    char key[256], leaf[64];
    snprintf(leaf, sizeof leaf, "%s-%d", name, i);
    object_key(key, sizeof key, leaf);
    f[i] = xfer_upload_file(m, paths[i], env_get()->bucket, key, NULL, NULL, NULL);
  }
  for (int i = 0; i < n; i++) {
    assert_int_equal(wait_status(f[i]), XFER_OK);
    xfer_future_free(f[i]);
  }
  *wall = now_s() - t0;
  char *log = proxy_ctl("log", NULL);
  char length[64];
  snprintf(length, sizeof length, "\"req_body_bytes\":%zu,", size);
  assert_int_equal(log_count(log, "\"method\":\"PUT\"", length, "\"status\":200", NULL), n);
  double span = log_span(log);
  free(log);
  return span;
}

/* 2. max_bandwidth is one budget for the manager: one upload of N bytes at B takes N/B, two at
 * once take 2N/B (two budgets would let them finish in N/B). */
static void test_bandwidth_shared(void **state) {
  (void)state;
  const uint64_t rate = 4 * MiB;
  const size_t size = 4 * MiB; /* one PutObject each */
  xfer_manager *m = open_manager((manager_opts){.concurrency = 4, .bandwidth = rate});
  uint8_t *data[2];
  char *paths[2] = {strdup(random_file("b0.bin", size, 200, &data[0])),
                    strdup(random_file("b1.bin", size, 201, &data[1]))};
  const double one = (double)size / (double)rate;
  double wall1 = 0, wall2 = 0;
  double span1 = timed_uploads(m, 1, paths, size, "bw-alone", &wall1);
  double span2 = timed_uploads(m, 2, paths, size, "bw-pair", &wall2);
  fprintf(stderr, "  one upload %.2f s (proxy %.2f s), two %.2f s (proxy %.2f s); N/B = %.2f s\n",
          wall1, span1, wall2, span2, one);
  assert_true(wall1 >= one * 0.85 && span1 >= one * 0.85);
  assert_true(wall2 >= 2 * one * 0.85 && span2 >= 2 * one * 0.85);
  /* Not slower than the budget by much either: the limit is a rate, not a serialisation. */
  assert_true(wall1 <= one * 2 + 2);
  assert_true(wall2 <= 2 * one * 2 + 2);
  for (int i = 0; i < 2; i++) {
    free(paths[i]);
    free(data[i]);
  }
  xfer_manager_free(m);
}

/* 3. Every GET's body breaks off: the download tries exactly num_download_attempts times, ends
 * with XFER_ENETWORK, and leaves the target folder as it was (no file, no temporary file; an
 * existing target untouched). */
static void test_download_attempts_exhausted(void **state) {
  (void)state;
  const char *faults[] = {"truncate_response", "reset_mid_response"};
  const size_t size = 1 * MiB;
  xfer_manager *m = open_manager((manager_opts){.get_attempts = 3});
  char key[256];
  object_key(key, sizeof key, "attempts");
  uint8_t *data = NULL;
  put_file(m, random_file("a.bin", size, 300, &data), key);
  char dir[700], target[800];
  snprintf(dir, sizeof dir, "%s/down", tmp_dir());
  assert_int_equal(mkdir(dir, 0700), 0);
  snprintf(target, sizeof target, "%s/target", dir);
  for (int i = 0; i < 2; i++) {
    const int existing = i == 1; /* the second time the target exists already */
    if (existing) {
      FILE *t = fopen(target, "wb");
      assert_non_null(t);
      fputs("old contents", t);
      fclose(t);
    }
    proxy_fresh();
    char rule[256];
    snprintf(rule, sizeof rule, "{\"match\":{\"method\":\"GET\"},\"fault\":\"%s\",\"times\":-1}",
             faults[i]);
    free(proxy_ctl("set", rule));
    xfer_future *f = xfer_download_file(m, env_get()->bucket, key, target, NULL, NULL, NULL);
    assert_int_equal(wait_status(f), XFER_ENETWORK);
    xfer_future_free(f);
    char *log = proxy_ctl("log", NULL);
    assert_int_equal(log_count(log, "\"method\":\"GET\"", NULL), 3);
    char fired[64];
    snprintf(fired, sizeof fired, "\"fault\":\"%s\"", faults[i]);
    assert_int_equal(log_count(log, fired, NULL), 3);
    /* Each attempt resumed after the bytes already received: the first asked from 0. */
    assert_int_equal(log_count(log, "\"range\":\"bytes=0-", NULL), 1);
    free(log);
    assert_int_equal(count_dir_entries(dir), existing);
    if (existing) assert_file_holds(target, (const uint8_t *)"old contents", 12);
  }
  free(data);
  xfer_manager_free(m);
}

/* Uploads data[0..size) as a file or through short reads, returning the proxy's log. */
static char *upload_shape(xfer_manager *m, const uint8_t *data, size_t size, int stream,
                          const char *key) {
  proxy_fresh();
  xfer_future *f;
  mem_reader r = {data, size, 0, 64 * 1024, 7};
  if (stream) {
    f = xfer_upload_fileobj(m, mem_read, &r, env_get()->bucket, key, NULL, NULL, NULL);
  } else {
    f = xfer_upload_file(m, write_temp_file("shape.bin", data, size), env_get()->bucket, key, NULL,
                         NULL, NULL);
  }
  assert_int_equal(wait_status(f), XFER_OK);
  assert_int_equal(xfer_future_size(f), size);
  xfer_future_free(f);
  return proxy_ctl("log", NULL);
}

/* 4. Request shapes at the threshold, from a file and from a stream read in pieces of 1 byte
 * to 64 KiB: threshold - 1 bytes is one PutObject, the threshold is a multipart upload of one
 * part, 0 bytes is a PutObject with Content-Length 0. With the part size equal to the threshold,
 * a stream of exactly the threshold fills its first part before the read that says "end": that
 * empty last read must not become a second (empty) part. */
static void test_threshold_shapes(void **state) {
  (void)state;
  xfer_manager *m = open_manager((manager_opts){0});
  uint8_t *data = random_bytes(THRESHOLD, 400);
  const size_t sizes[] = {THRESHOLD - 1, THRESHOLD, 0};
  for (int stream = 0; stream < 2; stream++) {
    for (size_t i = 0; i < 3; i++) {
      char key[256], name[64], length[64];
      snprintf(name, sizeof name, "shape-%zu-%s", sizes[i], stream ? "stream" : "file");
      object_key(key, sizeof key, name);
      char *log = upload_shape(m, data, sizes[i], stream, key);
      fprintf(stderr, "  %s\n", name);
      if (sizes[i] < THRESHOLD) {
        snprintf(length, sizeof length, "\"content-length\":\"%zu\"", sizes[i]);
        assert_int_equal(log_count(log, "\"method\":\"PUT\"", NULL), 1);
        assert_int_equal(log_count(log, "\"method\":\"PUT\"", "\"query\":\"\"", length, NULL), 1);
        assert_int_equal(log_count(log, "partNumber", NULL), 0);
        assert_int_equal(log_count(log, "\"method\":\"POST\"", NULL), 0);
      } else {
        snprintf(length, sizeof length, "\"content-length\":\"%u\"", THRESHOLD);
        assert_int_equal(log_count(log, "\"method\":\"POST\"", "\"query\":\"uploads=\"", NULL), 1);
        assert_int_equal(log_count(log, "\"method\":\"PUT\"", NULL), 1);
        assert_int_equal(log_count(log, "\"method\":\"PUT\"", "partNumber=1&", length, NULL), 1);
        /* Complete, once more without part checksums on a server that refuses them. */
        int completes = log_count(log, "\"method\":\"POST\"", "\"query\":\"uploadId=", NULL);
        assert_true(completes >= 1 && completes <= 2);
        assert_int_equal(
            log_count(log, "\"method\":\"POST\"", "\"query\":\"uploadId=", "\"status\":200", NULL),
            1);
      }
      assert_int_equal(log_count(log, "\"method\":\"DELETE\"", NULL), 0);
      free(log);
      assert_stored(env_get()->bucket, key, data, sizes[i]);
    }
  }
  free(data);
  xfer_manager_free(m);
}

/* The number of log lines with all needles and none of the header names "absent". */
static int count_without(const char *log, const char *with1, const char *with2,
                         const char *const *absent) {
  int n = 0;
  for (const char *line = log; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    char *copy = strndup(line, len);
    int ok = strstr(copy, with1) && strstr(copy, with2);
    for (const char *const *a = absent; ok && *a; a++) ok = !strstr(copy, *a);
    n += ok;
    free(copy);
    line = end ? end + 1 : NULL;
  }
  return n;
}

/* 5a. ExtraArgs go where s3transfer sends them: object headers on CreateMultipartUpload only,
 * RequestPayer on every request of the upload. */
static void test_extra_args_routing(void **state) {
  (void)state;
  xfer_manager *m = open_manager((manager_opts){0});
  char key[256];
  object_key(key, sizeof key, "args");
  const size_t size = 6 * MiB; /* 2 parts */
  uint8_t *data = NULL;
  char *path = random_file("args.bin", size, 500, &data);
  xfer_args *a = xfer_args_new();
  assert_int_equal(xfer_args_set(a, "ContentType", "application/x-libxfer-test"), XFER_OK);
  assert_int_equal(xfer_args_set(a, "CacheControl", "max-age=77"), XFER_OK);
  assert_int_equal(xfer_args_set(a, "RequestPayer", "requester"), XFER_OK);
  assert_int_equal(xfer_args_set_metadata(a, "colour", "blue"), XFER_OK);
  proxy_fresh();
  xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, a, NULL, NULL);
  xfer_args_free(a);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  char *log = proxy_ctl("log", NULL);
  const char *payer = "\"x-amz-request-payer\":\"requester\"";
  const char *object_headers[] = {"application/x-libxfer-test", "\"cache-control\"",
                                  "\"x-amz-meta-", NULL};
  const char *none[] = {NULL};
  /* Create: every object header and the payer. */
  assert_int_equal(
      log_count(log, "\"query\":\"uploads=\"", payer,
                "\"content-type\":\"application/x-libxfer-test\"",
                "\"cache-control\":\"max-age=77\"", "\"x-amz-meta-colour\":\"blue\"", NULL),
      1);
  /* UploadPart: the payer, no object header. */
  assert_int_equal(count_without(log, "partNumber=", payer, object_headers), 2);
  assert_int_equal(count_without(log, "partNumber=", "", none), 2);
  /* Complete: the payer and its own XML Content-Type, no object header. */
  int completes = count_without(log, "\"query\":\"uploadId=", payer, object_headers);
  assert_true(completes >= 1);
  assert_int_equal(log_count(log, "\"query\":\"uploadId=", NULL), completes);
  assert_int_equal(
      log_count(log, "\"query\":\"uploadId=", "\"content-type\":\"application/xml\"", NULL),
      completes);
  free(log);
  /* What the server kept: the object headers given at Create. */
  char *head = s3check("head\x1f%s\x1f%s", env_get()->bucket, key);
  assert_non_null(head);
  fprintf(stderr, "  stored: %s\n", head);
  assert_non_null(strstr(head, "application/x-libxfer-test"));
  assert_non_null(strstr(head, "\"x-amz-meta-colour\": \"blue\""));
  free(head);
  assert_stored(env_get()->bucket, key, data, size);
  free(data);
  xfer_manager_free(m);
}

/* 5b. IfNoneMatch "*" on a key that exists: PutObject carries it; a multipart upload carries it
 * on Complete only (s3transfer's routing). What each server then does:
 *   radosgw: 412 PreconditionFailed for PutObject, but it ignores the header on Complete;
 *   Swift:   501 NotImplemented ("Conditional object PUTs are not supported"), not retried,
 *            for PutObject, and 412 at Complete;
 *   s3rver:  ignores it everywhere.
 * A refused upload leaves the object as it was and, for a multipart one, nothing open. */
static void test_if_none_match_existing(void **state) {
  (void)state;
  xfer_manager *m = open_manager((manager_opts){0});
  char key[256];
  object_key(key, sizeof key, "if-none-match");
  uint8_t *old = NULL;
  put_file(m, random_file("old.bin", 1000, 600, &old), key);
  xfer_args *a = xfer_args_new();
  assert_int_equal(xfer_args_set(a, "IfNoneMatch", "*"), XFER_OK);
  const size_t sizes[] = {1 * MiB, 6 * MiB};
  for (int multipart = 0; multipart < 2; multipart++) {
    uint8_t *data = NULL;
    char *path = random_file("new.bin", sizes[multipart], 601 + (uint32_t)multipart, &data);
    proxy_fresh();
    xfer_future *f = xfer_upload_file(m, path, env_get()->bucket, key, a, NULL, NULL);
    xfer_status s = wait_status(f);
    fprintf(stderr, "  %s with If-None-Match: %s (HTTP %d)\n", multipart ? "multipart" : "PUT",
            xfer_status_str(s), xfer_future_http_status(f));
    char *log = proxy_ctl("log", NULL);
    const char *inm = "\"if-none-match\":\"*\"";
    if (!multipart) {
      assert_int_equal(log_count(log, "\"method\":\"PUT\"", NULL), 1); /* a 4xx or 501: once */
      assert_int_equal(log_count(log, "\"method\":\"PUT\"", inm, NULL), 1);
    } else {
      assert_int_equal(log_count(log, "\"query\":\"uploads=\"", NULL), 1);
      assert_int_equal(log_count(log, "\"query\":\"uploads=\"", inm, NULL), 0);
      assert_int_equal(log_count(log, "partNumber=", inm, NULL), 0);
      int completes = log_count(log, "\"method\":\"POST\"", "\"query\":\"uploadId=", NULL);
      assert_true(completes >= 1);
      assert_int_equal(log_count(log, "\"method\":\"POST\"", "\"query\":\"uploadId=", inm, NULL),
                       completes);
    }
    const int ignored = env_is("s3rver") || (env_is("radosgw") && multipart);
    if (ignored) {
      /* The request carried If-None-Match (above); the server replaced the object anyway. */
      assert_int_equal(s, XFER_OK);
      assert_stored(env_get()->bucket, key, data, sizes[multipart]);
    } else {
      assert_int_equal(s, XFER_ESERVICE);
      if (env_is("swift") && !multipart) {
        assert_int_equal(xfer_future_http_status(f), 501);
        assert_string_equal(xfer_future_s3_error_code(f), "NotImplemented");
      } else if (env_is("swift")) {
        /* Swift refuses the manifest PUT behind Complete with 412, coded InvalidRequest. */
        assert_int_equal(xfer_future_http_status(f), 412);
        assert_non_null(xfer_future_s3_error_code(f));
      } else {
        assert_int_equal(xfer_future_http_status(f), 412);
        assert_string_equal(xfer_future_s3_error_code(f), "PreconditionFailed");
      }
      if (multipart)
        assert_int_equal(log_count(log, "\"method\":\"DELETE\"", "uploadId=", NULL), 1);
      assert_int_equal(open_uploads(key), 0);
      assert_stored(env_get()->bucket, key, old, 1000);
    }
    xfer_future_free(f);
    free(log);
    free(data);
  }
  xfer_args_free(a);
  free(old);
  xfer_manager_free(m);
}

/* 6a. xfer_manager_shutdown(m, 0) with two uploads (one from a stream nobody waits on) and a
 * download in flight: it returns when all three are done, and each did its work. */
static void test_shutdown_waits(void **state) {
  (void)state;
  xfer_manager *m = open_manager((manager_opts){.concurrency = 4});
  const size_t size = 6 * MiB;
  char up_file[256], up_stream[256], src[256];
  object_key(up_file, sizeof up_file, "shutdown-file");
  object_key(up_stream, sizeof up_stream, "shutdown-stream");
  object_key(src, sizeof src, "shutdown-src");
  uint8_t *d_file = NULL, *d_src = NULL, *d_stream = random_bytes(size, 702);
  put_file(m, random_file("src.bin", size, 701, &d_src), src);
  char *path = random_file("up.bin", size, 700, &d_file);
  char down[700];
  snprintf(down, sizeof down, "%s/shutdown.down", tmp_dir());
  proxy_fresh();
  /* The first requests are held a second: all three are surely running at the shutdown. */
  free(proxy_ctl("set", "{\"fault\":\"stall\",\"arg\":{\"seconds\":1},\"times\":3}"));
  mem_reader r = {d_stream, size, 0, 0, 0};
  xfer_future *f[3] = {
      xfer_upload_file(m, path, env_get()->bucket, up_file, NULL, NULL, NULL),
      xfer_upload_fileobj(m, mem_read, &r, env_get()->bucket, up_stream, NULL, NULL, NULL),
      xfer_download_file(m, env_get()->bucket, src, down, NULL, NULL, NULL)};
  for (int i = 0; i < 3; i++) {
    assert_non_null(f[i]);
    assert_false(xfer_future_done(f[i]));
  }
  assert_int_equal(xfer_manager_shutdown(m, 0), XFER_OK);
  for (int i = 0; i < 3; i++) {
    assert_true(xfer_future_done(f[i]));
    if (xfer_future_status(f[i]) != XFER_OK)
      fprintf(stderr, "  transfer %d: %s\n", i, xfer_future_error_message(f[i]));
    assert_int_equal(xfer_future_status(f[i]), XFER_OK);
    assert_int_equal(xfer_future_size(f[i]), size);
    xfer_future_free(f[i]);
  }
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"method\":\"DELETE\"", NULL), 0); /* nothing aborted */
  assert_int_equal(log_count(log, "\"fault\":\"stall\"", NULL), 3);
  free(log);
  /* Later submissions are refused. */
  assert_null(xfer_upload_file(m, path, env_get()->bucket, up_file, NULL, NULL, NULL));
  xfer_manager_free(m);
  assert_stored(env_get()->bucket, up_file, d_file, size);
  assert_stored(env_get()->bucket, up_stream, d_stream, size);
  assert_file_holds(down, d_src, size);
  free(d_file);
  free(d_src);
  free(d_stream);
}

/* 6b. use_threads = 0 for a download: one request at a time, the ranges in offset order. */
static void test_sequential_download(void **state) {
  (void)state;
  xfer_manager *m = open_manager((manager_opts){.sequential = 1});
  char key[256];
  object_key(key, sizeof key, "sequential-get");
  const size_t size = 10 * MiB + 1; /* ranges of 5 MiB, 5 MiB, 1 byte */
  uint8_t *data = NULL;
  put_file(m, random_file("q.bin", size, 800, &data), key);
  proxy_fresh();
  char down[700];
  snprintf(down, sizeof down, "%s/q.down", tmp_dir());
  xfer_future *f = xfer_download_file(m, env_get()->bucket, key, down, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  assert_int_equal(proxy_stat("max_concurrent"), 1);
  char *log = proxy_ctl("log", NULL);
  assert_int_equal(log_count(log, "\"method\":\"GET\"", NULL), 3);
  const char *ranges[] = {"\"range\":\"bytes=0-", "\"range\":\"bytes=5242880-",
                          "\"range\":\"bytes=10485760-"};
  const char *p = log;
  for (int i = 0; i < 3; i++) {
    const char *at = strstr(p, ranges[i]);
    assert_non_null(at); /* each range is logged after the one before it */
    p = at;
  }
  free(log);
  assert_file_holds(down, data, size);
  free(data);
  xfer_manager_free(m);
}

/* Whether a log line's Authorization header lists x-amz-security-token in SignedHeaders. */
static int token_signed(const char *line, size_t len) {
  char *copy = strndup(line, len);
  int ok = 0;
  const char *sh = strstr(copy, "SignedHeaders=");
  if (sh) {
    const char *end = strchr(sh, ',');
    const char *tok = strstr(sh, "x-amz-security-token");
    ok = tok && (!end || tok < end);
  }
  free(copy);
  return ok;
}

/* 7. Temporary credentials: every request of an upload and a download carries
 * x-amz-security-token, and signs it. */
static void test_session_token_sent_and_signed(void **state) {
  (void)state;
  const char *token = "IQoJb3JpZ2luX2VjEXAMPLE/libxfer+token==";
  xfer_manager *m = open_manager((manager_opts){.token = token});
  char key[256];
  object_key(key, sizeof key, "token");
  const size_t size = 6 * MiB; /* Create, 2 parts, Complete; then 2 ranged GETs */
  uint8_t *data = NULL;
  char *path = random_file("tok.bin", size, 900, &data);
  char down[700];
  snprintf(down, sizeof down, "%s/tok.down", tmp_dir());
  proxy_fresh();
  /* None of the servers here checks session tokens: both go through (AWS would refuse an
   * unknown token with 403 InvalidToken at the first request). */
  put_file(m, path, key);
  xfer_future *f = xfer_download_file(m, env_get()->bucket, key, down, NULL, NULL, NULL);
  assert_int_equal(wait_status(f), XFER_OK);
  xfer_future_free(f);
  char *log = proxy_ctl("log", NULL);
  char header[128];
  snprintf(header, sizeof header, "\"x-amz-security-token\":\"%s\"", token);
  int requests = log_count(log, "\"method\":", NULL), signed_ = 0;
  for (const char *line = log; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    signed_ += token_signed(line, len);
    line = end ? end + 1 : NULL;
  }
  fprintf(stderr, "  %d requests, %d with the token signed\n", requests, signed_);
  assert_int_equal(log_count(log, "partNumber=", NULL), 2);
  assert_int_equal(log_count(log, "\"method\":\"GET\"", NULL), 2);
  assert_true(requests >= 6);
  assert_int_equal(log_count(log, header, NULL), requests);
  assert_int_equal(signed_, requests);
  free(log);
  assert_stored(env_get()->bucket, key, data, size);
  assert_file_holds(down, data, size);
  free(data);
  xfer_manager_free(m);
}

int main(void) {
  env_get();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_transfers_share_concurrency, test_teardown),
      cmocka_unit_test_teardown(test_bandwidth_shared, test_teardown),
      cmocka_unit_test_teardown(test_download_attempts_exhausted, test_teardown),
      cmocka_unit_test_teardown(test_threshold_shapes, test_teardown),
      cmocka_unit_test_teardown(test_extra_args_routing, test_teardown),
      cmocka_unit_test_teardown(test_if_none_match_existing, test_teardown),
      cmocka_unit_test_teardown(test_shutdown_waits, test_teardown),
      cmocka_unit_test_teardown(test_sequential_download, test_teardown),
      cmocka_unit_test_teardown(test_session_token_sent_and_signed, test_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, group_teardown);
}
