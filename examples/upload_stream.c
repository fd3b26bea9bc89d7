/* upload_stream.c: example: upload standard input of unknown length through a read callback. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xfer/xfer.h>

/* Result strings are NULL when the server gave none (e.g. no ETag): never printf a NULL. */
static const char *or_none(const char *s) {
  return s ? s : "none";
}

/* The read callback: runs on the thread in xfer_future_wait(), never on a worker thread, so
 * it may block on the pipe. Short reads are fine; 0 ends the stream, < 0 fails the upload. */
static int64_t read_stdin(uint8_t *buf, size_t cap, void *user_data) {
  int fd = *(const int *)user_data;
  for (;;) {
    ssize_t n = read(fd, buf, cap);
    if (n >= 0) return (int64_t)n;
    if (errno != EINTR) {
      fprintf(stderr, "upload_stream: read: %s\n", strerror(errno));
      return -1;
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: upload_stream BUCKET KEY < DATA\n");
    return 2;
  }
  const char *bucket = argv[1], *key = argv[2];
  int fd = STDIN_FILENO;

  xfer_config *cfg = xfer_config_new();
  if (!cfg || xfer_config_load_env(cfg, NULL) != XFER_OK) {
    fprintf(stderr, "upload_stream: %s\n", xfer_last_error());
    xfer_config_free(cfg);
    return 1;
  }
  xfer_manager *m = xfer_manager_new(cfg);
  xfer_config_free(cfg);
  if (!m) {
    fprintf(stderr, "upload_stream: %s\n", xfer_last_error());
    return 1;
  }

  /* The length is unknown: below the multipart threshold it goes in one PUT, above it in
   * parts, holding at most max_in_memory_upload_chunks parts in memory. */
  xfer_future *f = xfer_upload_fileobj(m, read_stdin, &fd, bucket, key, NULL, NULL, NULL);
  if (!f) {
    fprintf(stderr, "upload_stream: %s\n", xfer_last_error());
    xfer_manager_free(m);
    return 1;
  }
  /* The stream is read only while someone waits: waiting is what drives the upload. */
  xfer_status s = xfer_future_wait(f, -1);
  if (s == XFER_OK) {
    printf("uploaded stdin to s3://%s/%s: %llu bytes, ETag %s\n", bucket, key,
           (unsigned long long)xfer_future_size(f), or_none(xfer_future_etag(f)));
  } else {
    fprintf(stderr, "upload_stream: %s: %s (HTTP %d)\n", xfer_status_str(s),
            or_none(xfer_future_error_message(f)), xfer_future_http_status(f));
  }
  xfer_future_free(f);
  xfer_manager_free(m);
  return s == XFER_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
