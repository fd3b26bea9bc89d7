/* download.c: example: download an object to a file in parallel, or in order to stdout with "-". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xfer/xfer.h>

/* Result strings are NULL when the server gave none (e.g. no ETag): never printf a NULL. */
static const char *or_none(const char *s) {
  return s ? s : "none";
}

struct sink {
  FILE *out;
  uint64_t next; /* the offset the next write must start at */
};

/* The write callback: data arrives in offset order without gaps, on the waiting thread. */
static int write_out(const uint8_t *data, size_t len, uint64_t offset, void *user_data) {
  struct sink *s = user_data;
  if (offset != s->next) {
    fprintf(stderr, "download: got offset %llu, expected %llu\n", (unsigned long long)offset,
            (unsigned long long)s->next);
    return 1;
  }
  if (fwrite(data, 1, len, s->out) != len) return 1; /* non-zero fails the download */
  s->next += len;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: download BUCKET KEY FILE|-\n");
    return 2;
  }
  const char *bucket = argv[1], *key = argv[2], *path = argv[3];
  const int to_stdout = strcmp(path, "-") == 0;

  xfer_config *cfg = xfer_config_new();
  if (!cfg || xfer_config_load_env(cfg, NULL) != XFER_OK) {
    fprintf(stderr, "download: %s\n", xfer_last_error());
    xfer_config_free(cfg);
    return 1;
  }
  xfer_manager *m = xfer_manager_new(cfg);
  xfer_config_free(cfg);
  if (!m) {
    fprintf(stderr, "download: %s\n", xfer_last_error());
    return 1;
  }

  struct sink sink = {stdout, 0};
  xfer_future *f;
  if (to_stdout) {
    f = xfer_download_fileobj(m, bucket, key, write_out, &sink, NULL, NULL, NULL);
  } else {
    /* Written into a temporary file next to PATH, renamed into place only on success. */
    f = xfer_download_file(m, bucket, key, path, NULL, NULL, NULL);
  }
  if (!f) {
    fprintf(stderr, "download: %s\n", xfer_last_error());
    xfer_manager_free(m);
    return 1;
  }
  xfer_status s = xfer_future_wait(f, -1);
  if (to_stdout && fflush(stdout) != 0 && s == XFER_OK) s = XFER_EIO;
  if (s == XFER_OK) {
    fprintf(stderr, "downloaded s3://%s/%s to %s: %llu bytes, ETag %s\n", bucket, key,
            to_stdout ? "stdout" : path, (unsigned long long)xfer_future_size(f),
            or_none(xfer_future_etag(f)));
  } else {
    const char *code = xfer_future_s3_error_code(f);
    fprintf(stderr, "download: %s: %s (HTTP %d, %s)\n", xfer_status_str(s),
            or_none(xfer_future_error_message(f)), xfer_future_http_status(f),
            code ? code : "no S3 error code");
  }
  xfer_future_free(f);
  xfer_manager_free(m);
  return s == XFER_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
