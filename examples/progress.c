/* progress.c: example: upload with a progress bar; Ctrl-C or --cancel-after cancels it cleanly. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xfer/xfer.h>

/* Result strings are NULL when the server gave none (e.g. no ETag): never printf a NULL. */
static const char *or_none(const char *s) {
  return s ? s : "none";
}

struct bar {
  int tty;               /* redraw one line, or print one line per update */
  uint64_t cancel_after; /* cancel once this many bytes are done; 0 = never */
  uint64_t last_done;
  unsigned calls;
};

/* The progress callback: runs inside xfer_future_wait() on this program's main thread, so it
 * may print without locks. Returning non-zero cancels the transfer. */
static int show(const xfer_progress *p, void *user_data) {
  struct bar *b = user_data;
  b->calls++;
  if (p->bytes_done < b->last_done) fprintf(stderr, "\nprogress went backwards!\n");
  b->last_done = p->bytes_done;
  if (p->bytes_total == XFER_SIZE_UNKNOWN) {
    fprintf(stderr, "%s%llu bytes%s", b->tty ? "\r" : "", (unsigned long long)p->bytes_done,
            b->tty ? "" : "\n");
  } else {
    unsigned pct = p->bytes_total ? (unsigned)(p->bytes_done * 100 / p->bytes_total) : 100;
    size_t hashes = pct * 40u / 100u;
    char fill[41];
    memset(fill, '#', hashes);
    memset(fill + hashes, ' ', 40 - hashes);
    fill[40] = 0;
    fprintf(stderr, "%s[%s] %3u%% %llu/%llu bytes%s", b->tty ? "\r" : "", fill, pct,
            (unsigned long long)p->bytes_done, (unsigned long long)p->bytes_total,
            b->tty ? "" : "\n");
  }
  return b->cancel_after && p->bytes_done >= b->cancel_after;
}

/* A signal handler may not call libxfer: it sets a flag that the waiting loop acts on. */
static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) {
  (void)sig;
  interrupted = 1;
}

int main(int argc, char **argv) {
  struct bar bar = {isatty(STDERR_FILENO), 0, 0, 0};
  if (argc == 6 && strcmp(argv[4], "--cancel-after") == 0) {
    bar.cancel_after = strtoull(argv[5], NULL, 10);
  } else if (argc != 4) {
    fprintf(stderr, "usage: progress FILE BUCKET KEY [--cancel-after BYTES]\n");
    return 2;
  }
  const char *path = argv[1], *bucket = argv[2], *key = argv[3];

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigaction(SIGINT, &sa, NULL);

  xfer_config *cfg = xfer_config_new();
  if (!cfg || xfer_config_load_env(cfg, NULL) != XFER_OK) {
    fprintf(stderr, "progress: %s\n", xfer_last_error());
    xfer_config_free(cfg);
    return 1;
  }
  xfer_manager *m = xfer_manager_new(cfg);
  xfer_config_free(cfg);
  if (!m) {
    fprintf(stderr, "progress: %s\n", xfer_last_error());
    return 1;
  }
  xfer_future *f = xfer_upload_file(m, path, bucket, key, NULL, show, &bar);
  if (!f) {
    fprintf(stderr, "progress: %s\n", xfer_last_error());
    xfer_manager_free(m);
    return 1;
  }

  /* Wait in slices so this thread can notice Ctrl-C; the progress callback runs in here. */
  xfer_status s;
  while ((s = xfer_future_wait(f, 200)) == XFER_ETIMEDOUT) {
    if (interrupted) xfer_future_cancel(f); /* the next wait returns XFER_ECANCELLED at once */
  }
  if (bar.tty) fputc('\n', stderr);

  int rc = EXIT_SUCCESS;
  if (s == XFER_OK) {
    printf("done: %llu bytes to s3://%s/%s, %u progress calls, ETag %s\n",
           (unsigned long long)xfer_future_size(f), bucket, key, bar.calls,
           or_none(xfer_future_etag(f)));
  } else if (s == XFER_ECANCELLED) {
    /* A cancelled multipart upload has been aborted: no parts are left on the server. */
    printf("cancelled after %llu bytes: %s\n", (unsigned long long)bar.last_done,
           or_none(xfer_future_error_message(f)));
    rc = 3;
  } else {
    fprintf(stderr, "progress: %s: %s\n", xfer_status_str(s),
            or_none(xfer_future_error_message(f)));
    rc = EXIT_FAILURE;
  }
  xfer_future_free(f);
  xfer_manager_free(m);
  return rc;
}
