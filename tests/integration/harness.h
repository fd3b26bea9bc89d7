/* harness.h: what every integration test shares: the server's settings, a manager on it,
 * random data, temporary folders, and the outside checker (tests/servers/s3check.py). */
#ifndef XFER_TEST_HARNESS_H
#define XFER_TEST_HARNESS_H

/* cmocka needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "xfer/xfer.h"

typedef struct test_env {
  const char *endpoint, *access_key, *secret_key, *region, *bucket, *server, *s3check;
} test_env;

/* Loads XFER_TEST_* from the environment, or from the file named by XFER_TEST_ENV_FILE
 * (written by tests/servers/start.sh). Aborts the test program when there is no server. */
const test_env *env_get(void);
int env_is(const char *server); /* 1 when XFER_TEST_SERVER equals server */

/* A config for the test server; the caller may change it before making a manager. */
xfer_config *env_config(void);
xfer_manager *env_manager(void); /* with the default TransferConfig */
/* A manager made from c, which it frees; asserts the manager was made. */
xfer_manager *manager_from(xfer_config *c);

/* len pseudo-random bytes from seed (deterministic). Caller frees. */
uint8_t *random_bytes(size_t len, uint32_t seed);
/* A fresh temporary folder, removed (with everything in it) by tmp_cleanup. */
const char *tmp_dir(void);
void tmp_cleanup(void);
/* Writes data to a new file under tmp_dir(); returns its path (static storage per call). */
char *write_temp_file(const char *name, const uint8_t *data, size_t len);
/* Reads a whole file; *len_out receives its size. NULL when it cannot be read. */
uint8_t *read_file(const char *path, size_t *len_out);
/* Number of entries in a folder, "." and ".." not counted. */
int count_dir_entries(const char *dir);

/* Runs s3check.py with the arguments and returns its stdout (caller frees), NULL when it exited
 * non-zero. */
char *s3check(const char *fmt, ...);
/* Number of open multipart uploads in the test bucket whose key starts with prefix. -1 when
 * the server cannot list them (s3rver). */
int open_uploads(const char *prefix);
/* Reads bucket/key with the independent checker and asserts it holds exactly data[0..len). */
void assert_stored(const char *bucket, const char *key, const uint8_t *data, size_t len);

/* A unique key prefix for this test run so runs do not see each other's objects. */
const char *run_prefix(void);

/* Monotonic seconds, for timing cancels and waits. */
double now_s(void);

/* Waits for f, asserts status, frees nothing. */
xfer_status wait_status(xfer_future *f);

/* Memory reader/writer for the stream APIs. */
typedef struct mem_reader {
  const uint8_t *data;
  size_t len, pos;
  size_t max_read; /* 0: up to cap; else at most this per call (short reads) */
  uint32_t seed;   /* varies short read sizes between 1 and max_read when non-zero */
} mem_reader;
int64_t mem_read(uint8_t *buf, size_t cap, void *user_data);

typedef struct mem_writer {
  uint8_t *data;
  size_t cap, len;
  uint64_t next_offset;
  int out_of_order; /* set when a write did not start at next_offset */
} mem_writer;
int mem_write(const uint8_t *data, size_t len, uint64_t offset, void *user_data);

/* Progress recorder: asserts monotonic bytes_done. */
typedef struct progress_rec {
  uint64_t last_done, last_total, calls;
  int decreased;
} progress_rec;
int progress_record(const xfer_progress *p, void *user_data);

/* The project's fault proxy (tests/proxy) in front of the test server, one per test program.
 * proxy_start returns its endpoint ("http://127.0.0.1:PORT"); proxy_ctl runs proxyctl.py
 * (cmd "set", "clear", "log", "stats", "reset") and returns its stdout (caller frees);
 * log_count counts the request records in a log that contain every needle given (NULL-ended). */
const char *proxy_start(void);
void proxy_stop(void);
char *proxy_ctl(const char *cmd, const char *json);
int log_count(const char *log, ...);
/* A config like env_config() but pointed at the proxy. */
xfer_config *proxy_config(void);
/* cmocka teardowns: after each test, the proxy's rules cleared (if it runs) and the temporary
 * folder removed; after the group, the proxy stopped. */
int test_teardown(void **state);
int group_teardown(void **state);

#endif
