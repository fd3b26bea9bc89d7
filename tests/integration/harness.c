/* harness.c: integration test support (environment, temp files, outside checker). */
#define _GNU_SOURCE
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static test_env g_env;
static int g_loaded;
static char g_tmp[512];
static char g_prefix[64];

static void load_env_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
    exit(1);
  }
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    char *p = line;
    if (strncmp(p, "export ", 7) == 0) p += 7;
    char *eq = strchr(p, '=');
    if (!eq || *p == '#') continue;
    *eq = 0;
    char *v = eq + 1;
    v[strcspn(v, "\r\n")] = 0;
    size_t vl = strlen(v);
    if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
      v[vl - 1] = 0;
      v++;
    }
    setenv(p, v, 0);
  }
  fclose(f);
}

const test_env *env_get(void) {
  if (g_loaded) return &g_env;
  const char *file = getenv("XFER_TEST_ENV_FILE");
  if (!getenv("XFER_TEST_ENDPOINT") && file) load_env_file(file);
  g_env.endpoint = getenv("XFER_TEST_ENDPOINT");
  g_env.access_key = getenv("XFER_TEST_ACCESS_KEY");
  g_env.secret_key = getenv("XFER_TEST_SECRET_KEY");
  g_env.region = getenv("XFER_TEST_REGION");
  g_env.bucket = getenv("XFER_TEST_BUCKET");
  g_env.server = getenv("XFER_TEST_SERVER");
  g_env.s3check = getenv("XFER_TEST_S3CHECK");
  if (!g_env.endpoint || !g_env.access_key || !g_env.secret_key || !g_env.bucket ||
      !g_env.s3check) {
    fprintf(stderr,
            "no test server: set XFER_TEST_ENV_FILE or XFER_TEST_* (tests/servers/start.sh)\n");
    exit(1);
  }
  if (!g_env.region) g_env.region = "us-east-1";
  if (!g_env.server) g_env.server = "";
  g_loaded = 1;
  return &g_env;
}

int env_is(const char *server) {
  return strcmp(env_get()->server, server) == 0;
}

xfer_config *env_config(void) {
  const test_env *e = env_get();
  xfer_config *c = xfer_config_new();
  assert_non_null(c);
  assert_int_equal(xfer_config_set_endpoint(c, e->endpoint), XFER_OK);
  assert_int_equal(xfer_config_set_region(c, e->region), XFER_OK);
  assert_int_equal(xfer_config_set_credentials(c, e->access_key, e->secret_key, NULL), XFER_OK);
  return c;
}

xfer_manager *env_manager(void) {
  return manager_from(env_config());
}

xfer_manager *manager_from(xfer_config *c) {
  xfer_manager *m = xfer_manager_new(c);
  xfer_config_free(c);
  assert_non_null(m);
  return m;
}

uint8_t *random_bytes(size_t len, uint32_t seed) {
  uint8_t *p = malloc(len ? len : 1);
  assert_non_null(p);
  uint64_t x = 0x9E3779B97F4A7C15ull ^ seed;
  for (size_t i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p[i] = (uint8_t)(x >> 24);
  }
  return p;
}

const char *tmp_dir(void) {
  if (!g_tmp[0]) {
    snprintf(g_tmp, sizeof g_tmp, "%s/xfer-test-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(g_tmp));
  }
  return g_tmp;
}

void tmp_cleanup(void) {
  if (!g_tmp[0]) return;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", g_tmp);
  g_tmp[0] = 0;
}

char *write_temp_file(const char *name, const uint8_t *data, size_t len) {
  static char path[8][700];
  static int slot;
  char *p = path[slot++ % 8];
  snprintf(p, 700, "%s/%s", tmp_dir(), name);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  return p;
}

uint8_t *read_file(const char *path, size_t *len_out) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    fclose(f);
    return NULL;
  }
  uint8_t *buf = malloc((size_t)st.st_size + 1);
  size_t n = fread(buf, 1, (size_t)st.st_size, f);
  fclose(f);
  *len_out = n;
  return buf;
}

int count_dir_entries(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

/* Quotes one argument for the shell. */
static void shell_quote(char *out, size_t cap, const char *s) {
  size_t o = 0;
  out[o++] = '\'';
  for (; *s && o + 5 < cap; s++) {
    if (*s == '\'') {
      memcpy(out + o, "'\\''", 4);
      o += 4;
    } else {
      out[o++] = *s;
    }
  }
  out[o++] = '\'';
  out[o] = 0;
}

char *s3check(const char *fmt, ...) {
  /* fmt is a list of arguments separated by '\x1f' so keys with spaces survive. */
  char args[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(args, sizeof args, fmt, ap);
  va_end(ap);
  char cmd[16384];
  size_t o = (size_t)snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s", env_get()->s3check);
  char *save = NULL;
  for (char *tok = strtok_r(args, "\x1f", &save); tok; tok = strtok_r(NULL, "\x1f", &save)) {
    char q[2048];
    shell_quote(q, sizeof q, tok);
    o += (size_t)snprintf(cmd + o, sizeof cmd - o, " %s", q);
  }
  FILE *p = popen(cmd, "r");
  if (!p) return NULL;
  size_t cap = 1 << 16, len = 0;
  char *out = malloc(cap);
  size_t n;
  while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
    len += n;
    if (len + 1 == cap) out = realloc(out, cap *= 2);
  }
  out[len] = 0;
  int rc = pclose(p);
  if (rc != 0) {
    free(out);
    return NULL;
  }
  return out;
}

void assert_stored(const char *bucket, const char *key, const uint8_t *data, size_t len) {
  char outside[700];
  snprintf(outside, sizeof outside, "%s/stored.out", tmp_dir());
  char *r = s3check("get\x1f%s\x1f%s\x1f%s", bucket, key, outside);
  if (!r) fprintf(stderr, "s3check cannot get '%s'\n", key);
  assert_non_null(r);
  free(r);
  size_t got_len = 0;
  uint8_t *got = read_file(outside, &got_len);
  assert_non_null(got);
  assert_int_equal(got_len, len);
  assert_memory_equal(got, data, len);
  free(got);
  unlink(outside);
}

int open_uploads(const char *prefix) {
  if (env_is("s3rver")) return -1;
  char *out = s3check("list-uploads\x1f%s", env_get()->bucket);
  assert_non_null(out);
  int n = 0;
  char needle[600];
  snprintf(needle, sizeof needle, "\"key\": \"%s", prefix);
  for (char *p = strstr(out, needle); p; p = strstr(p + 1, needle)) n++;
  free(out);
  return n;
}

const char *run_prefix(void) {
  if (!g_prefix[0]) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(g_prefix, sizeof g_prefix, "t%ld-%d-%ld/", (long)ts.tv_sec, (int)getpid(),
             ts.tv_nsec % 100000);
  }
  return g_prefix;
}

double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

xfer_status wait_status(xfer_future *f) {
  assert_non_null(f);
  xfer_status s = xfer_future_wait(f, -1);
  if (s != XFER_OK)
    fprintf(stderr, "  (transfer ended with %s: %s)\n", xfer_status_str(s),
            xfer_future_error_message(f));
  return s;
}

int64_t mem_read(uint8_t *buf, size_t cap, void *user_data) {
  mem_reader *r = user_data;
  size_t left = r->len - r->pos;
  size_t n = cap < left ? cap : left;
  if (r->max_read && n > r->max_read) {
    n = r->max_read;
    if (r->seed) {
      r->seed = r->seed * 1103515245u + 12345u;
      n = 1 + (r->seed >> 8) % r->max_read;
      if (n > left) n = left;
      if (n > cap) n = cap;
    }
  }
  memcpy(buf, r->data + r->pos, n);
  r->pos += n;
  return (int64_t)n;
}

int mem_write(const uint8_t *data, size_t len, uint64_t offset, void *user_data) {
  mem_writer *w = user_data;
  if (offset != w->next_offset) w->out_of_order = 1;
  if (w->len + len > w->cap) return 1;
  memcpy(w->data + w->len, data, len);
  w->len += len;
  w->next_offset = offset + len;
  return 0;
}

int progress_record(const xfer_progress *p, void *user_data) {
  progress_rec *r = user_data;
  if (r->calls && p->bytes_done < r->last_done) r->decreased = 1;
  r->last_done = p->bytes_done;
  r->last_total = p->bytes_total;
  r->calls++;
  return 0;
}

/* ---- fault proxy ---- */

static char g_proxy_dir[700];
static char g_proxy_endpoint[64];

static const char *repo_root(void) {
  static char root[600];
  if (!root[0]) {
    /* XFER_TEST_S3CHECK is ROOT/tests/servers/s3check.py */
    snprintf(root, sizeof root, "%s", env_get()->s3check);
    for (int i = 0; i < 3; i++) {
      char *slash = strrchr(root, '/');
      if (slash) *slash = 0;
    }
  }
  return root;
}

const char *proxy_start(void) {
  if (g_proxy_endpoint[0]) return g_proxy_endpoint;
  char tmpl[] = "/tmp/xfer-proxy-XXXXXX";
  assert_non_null(mkdtemp(tmpl));
  snprintf(g_proxy_dir, sizeof g_proxy_dir, "%s", tmpl);
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "XFER_PROXY_OWNER_PID=%d bash '%s/tests/proxy/start.sh' '%s' '%s' >/dev/null",
           (int)getpid(), repo_root(), env_get()->endpoint, g_proxy_dir);
  assert_int_equal(system(cmd), 0);
  char port_file[800];
  snprintf(port_file, sizeof port_file, "%s/proxy.port", g_proxy_dir);
  FILE *f = fopen(port_file, "r");
  assert_non_null(f);
  int port = 0;
  assert_int_equal(fscanf(f, "%d", &port), 1);
  fclose(f);
  snprintf(g_proxy_endpoint, sizeof g_proxy_endpoint, "http://127.0.0.1:%d", port);
  return g_proxy_endpoint;
}

void proxy_stop(void) {
  if (!g_proxy_endpoint[0]) return;
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "bash '%s/tests/proxy/stop.sh' '%s' >/dev/null 2>&1; rm -rf '%s'",
           repo_root(), g_proxy_dir, g_proxy_dir);
  if (system(cmd) != 0) fprintf(stderr, "stopping the proxy failed\n");
  g_proxy_endpoint[0] = 0;
}

int test_teardown(void **state) {
  (void)state;
  if (g_proxy_endpoint[0]) free(proxy_ctl("clear", NULL)); /* no rule outlives its test */
  tmp_cleanup();
  return 0;
}

int group_teardown(void **state) {
  (void)state;
  proxy_stop();
  return 0;
}

char *proxy_ctl(const char *cmd, const char *json) {
  char line[8192];
  snprintf(line, sizeof line, "/usr/bin/python3 '%s/tests/proxy/proxyctl.py' '%s' %s %s%s%s",
           repo_root(), g_proxy_dir, cmd, json ? "'" : "", json ? json : "", json ? "'" : "");
  FILE *p = popen(line, "r");
  assert_non_null(p);
  size_t cap = 1 << 16, len = 0, n;
  char *out = malloc(cap);
  while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
    len += n;
    if (len + 1 == cap) out = realloc(out, cap *= 2);
  }
  out[len] = 0;
  assert_int_equal(pclose(p), 0);
  return out;
}

int log_count(const char *log, ...) {
  int count = 0;
  const char *line = log;
  while (line && *line) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    char *copy = strndup(line, len);
    va_list ap;
    va_start(ap, log);
    int all = 1;
    for (const char *needle = va_arg(ap, const char *); needle; needle = va_arg(ap, const char *))
      if (!strstr(copy, needle)) all = 0;
    va_end(ap);
    if (all && len) count++;
    free(copy);
    line = end ? end + 1 : NULL;
  }
  return count;
}

xfer_config *proxy_config(void) {
  xfer_config *c = env_config();
  assert_int_equal(xfer_config_set_endpoint(c, proxy_start()), XFER_OK);
  return c;
}
