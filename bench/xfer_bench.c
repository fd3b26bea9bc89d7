/* xfer_bench.c: the libxfer C API side of bench/run.sh: one manager, default TransferConfig.
 *
 * usage: xfer_bench upload-file PATH KEY
 *        xfer_bench upload-stdin KEY            (read callback on fd 0, size unknown)
 *        xfer_bench download-file KEY PATH
 *        xfer_bench upload-dir DIR PREFIX       (xfer_upload_directory, default options)
 *        xfer_bench download-dir PREFIX DIR     (xfer_download_directory, default options)
 *        xfer_bench upload-many DIR PREFIX      (every regular file in DIR, all submitted at once)
 *        xfer_bench download-many PREFIX DIR LIST (keys PREFIX+name for each name in LIST)
 * The directory modes are what a caller of the library uses (files in flight bounded by
 * max_concurrency). The many modes submit every file as its own transfer to one manager
 * before waiting for any, so only the manager's request concurrency bounds them.
 * Settings come from the environment as for the AWS CLI (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
 * ...) plus XFER_BENCH_BUCKET. Prints one line: mode, status, bytes, seconds, MB/s.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xfer/xfer.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t stdin_read(uint8_t *buf, size_t cap, void *ud) {
  (void)ud;
  for (;;) {
    ssize_t n = read(0, buf, cap);
    if (n < 0 && errno == EINTR) continue;
    return n < 0 ? -1 : (int64_t)n;
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names to transfer: the regular files of a folder, or the lines of a list file. */
static char **names_of(const char *dir, const char *list, size_t *count) {
  size_t n = 0, cap = 1024;
  char **v = malloc(cap * sizeof *v);
  if (list) {
    FILE *f = fopen(list, "r");
    if (!f) {
      perror(list);
      exit(1);
    }
    char line[4096];
    while (fgets(line, sizeof line, f)) {
      line[strcspn(line, "\r\n")] = 0;
      if (!*line) continue;
      if (n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
      v[n++] = strdup(line);
    }
    fclose(f);
  } else {
    DIR *d = opendir(dir);
    if (!d) {
      perror(dir);
      exit(1);
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_type != DT_REG) continue;
      if (n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
      v[n++] = strdup(e->d_name);
    }
    closedir(d);
  }
  qsort(v, n, sizeof *v, cmp_str);
  *count = n;
  return v;
}

static char *join(const char *a, const char *sep, const char *b) {
  size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
  char *s = malloc(la + ls + lb + 1);
  memcpy(s, a, la);
  memcpy(s + la, sep, ls);
  memcpy(s + la + ls, b, lb + 1);
  return s;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr,
            "usage: %s upload-file PATH KEY | upload-stdin KEY | download-file KEY PATH |\n"
            "       upload-dir DIR PREFIX | download-dir PREFIX DIR |\n"
            "       upload-many DIR PREFIX | download-many PREFIX DIR LIST\n",
            argv[0]);
    return 2;
  }
  const char *mode = argv[1];
  const char *bucket = getenv("XFER_BENCH_BUCKET") ? getenv("XFER_BENCH_BUCKET") : "bench";
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
  double t0 = now();
  size_t nf = 0;
  xfer_future **fs = NULL;
  if (strcmp(mode, "upload-file") == 0 && argc == 4) {
    fs = malloc(sizeof *fs);
    fs[nf++] = xfer_upload_file(m, argv[2], bucket, argv[3], NULL, NULL, NULL);
  } else if (strcmp(mode, "upload-stdin") == 0 && argc == 3) {
    fs = malloc(sizeof *fs);
    fs[nf++] = xfer_upload_fileobj(m, stdin_read, NULL, bucket, argv[2], NULL, NULL, NULL);
  } else if (strcmp(mode, "download-file") == 0 && argc == 4) {
    fs = malloc(sizeof *fs);
    fs[nf++] = xfer_download_file(m, bucket, argv[2], argv[3], NULL, NULL, NULL);
  } else if (strcmp(mode, "upload-dir") == 0 && argc == 4) {
    fs = malloc(sizeof *fs);
    fs[nf++] = xfer_upload_directory(m, argv[2], bucket, argv[3], NULL, NULL, NULL, NULL);
  } else if (strcmp(mode, "download-dir") == 0 && argc == 4) {
    fs = malloc(sizeof *fs);
    fs[nf++] = xfer_download_directory(m, bucket, argv[2], argv[3], NULL, NULL, NULL, NULL);
  } else if (strcmp(mode, "upload-many") == 0 && argc == 4) {
    size_t n;
    char **names = names_of(argv[2], NULL, &n);
    fs = calloc(n ? n : 1, sizeof *fs);
    for (size_t i = 0; i < n; i++) {
      char *path = join(argv[2], "/", names[i]);
      char *key = join(argv[3], "", names[i]);
      fs[nf++] = xfer_upload_file(m, path, bucket, key, NULL, NULL, NULL);
      free(path);
      free(key);
      free(names[i]);
    }
    free(names);
  } else if (strcmp(mode, "download-many") == 0 && argc == 5) {
    size_t n;
    char **names = names_of(NULL, argv[4], &n);
    fs = calloc(n ? n : 1, sizeof *fs);
    for (size_t i = 0; i < n; i++) {
      char *path = join(argv[3], "/", names[i]);
      char *key = join(argv[2], "", names[i]);
      fs[nf++] = xfer_download_file(m, bucket, key, path, NULL, NULL, NULL);
      free(path);
      free(key);
      free(names[i]);
    }
    free(names);
  } else {
    fprintf(stderr, "xfer_bench: bad arguments for %s\n", mode);
    return 2;
  }
  int failed = 0;
  uint64_t bytes = 0;
  for (size_t i = 0; i < nf; i++) {
    if (!fs[i]) {
      fprintf(stderr, "xfer_bench: %s\n", xfer_last_error());
      failed++;
      continue;
    }
    xfer_status s = xfer_future_wait(fs[i], -1);
    if (s != XFER_OK) {
      if (failed++ < 5)
        fprintf(stderr, "xfer_bench: %s: %s\n", xfer_status_str(s),
                xfer_future_error_message(fs[i]));
    } else {
      bytes += xfer_future_size(fs[i]);
    }
  }
  double secs = now() - t0;
  for (size_t i = 0; i < nf; i++) xfer_future_free(fs[i]);
  free(fs);
  xfer_manager_free(m);
  xfer_config_free(c);
  printf("%s transfers=%zu failed=%d bytes=%llu seconds=%.3f MBps=%.1f\n", mode, nf, failed,
         (unsigned long long)bytes, secs, secs > 0 ? (double)bytes / secs / 1e6 : 0.0);
  return failed ? 1 : 0;
}
