/* mem_bench.c: peak memory of one transfer through the C API: a file upload, a stream upload
 * (read callback), a signed aws-chunked stream upload or a download, with the default
 * TransferConfig unless told otherwise.
 * Usage: mem_bench upload-file PATH KEY | upload-stream BYTES KEY | upload-chunked BYTES KEY |
 *        download KEY PATH
 * Settings from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, XFER_BENCH_BUCKET. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "xfer/xfer.h"

typedef struct gen {
  uint64_t left, x;
} gen;

/* Pseudo-random bytes without holding them: the stream is generated as it is read. */
static int64_t gen_read(uint8_t *buf, size_t cap, void *ud) {
  gen *g = ud;
  size_t n = cap < g->left ? cap : (size_t)g->left;
  for (size_t i = 0; i + 8 <= n; i += 8) {
    g->x ^= g->x << 13, g->x ^= g->x >> 7, g->x ^= g->x << 17;
    memcpy(buf + i, &g->x, 8);
  }
  for (size_t i = n & ~(size_t)7; i < n; i++) buf[i] = (uint8_t)i;
  g->left -= n;
  return (int64_t)n;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr,
            "usage: %s upload-file PATH KEY | upload-stream BYTES KEY | upload-chunked BYTES KEY | "
            "download KEY PATH\n",
            argv[0]);
    return 2;
  }
  const char *bucket = getenv("XFER_BENCH_BUCKET") ? getenv("XFER_BENCH_BUCKET") : "xfer-test";
  xfer_config *c = xfer_config_new();
  if (xfer_config_load_env(c, NULL) != XFER_OK) {
    fprintf(stderr, "%s\n", xfer_last_error());
    return 1;
  }
  xfer_manager *m = xfer_manager_new(c);
  if (!m) {
    fprintf(stderr, "%s\n", xfer_last_error());
    return 1;
  }
  xfer_future *f = NULL;
  gen g = {0, 88172645463325252ull};
  uint64_t bytes = 0;
  double t0 = now();
  if (strcmp(argv[1], "upload-file") == 0) {
    f = xfer_upload_file(m, argv[2], bucket, argv[3], NULL, NULL, NULL);
  } else if (strcmp(argv[1], "upload-stream") == 0) {
    g.left = strtoull(argv[2], NULL, 10);
    f = xfer_upload_fileobj(m, gen_read, &g, bucket, argv[3], NULL, NULL, NULL);
  } else if (strcmp(argv[1], "upload-chunked") == 0) {
    g.left = strtoull(argv[2], NULL, 10);
    f = xfer_upload_fileobj_chunked(m, gen_read, &g, g.left, bucket, argv[3], NULL, NULL, NULL);
  } else if (strcmp(argv[1], "download") == 0) {
    f = xfer_download_file(m, bucket, argv[2], argv[3], NULL, NULL, NULL);
  }
  if (!f) {
    fprintf(stderr, "%s\n", xfer_last_error());
    return 1;
  }
  xfer_status s = xfer_future_wait(f, -1);
  double secs = now() - t0;
  bytes = xfer_future_size(f);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%s status=%s bytes=%llu seconds=%.2f MBps=%.1f cpu=%.2f peak_rss_MiB=%.1f\n", argv[1],
         xfer_status_str(s), (unsigned long long)bytes, secs, (double)bytes / secs / 1e6,
         (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
             ru.ru_stime.tv_usec / 1e6,
         (double)ru.ru_maxrss / 1024.0);
  if (s != XFER_OK) fprintf(stderr, "%s\n", xfer_future_error_message(f));
  xfer_future_free(f);
  xfer_manager_free(m);
  xfer_config_free(c);
  return s == XFER_OK ? 0 : 1;
}
