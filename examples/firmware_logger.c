/* firmware_logger.c: example: a data logger streams sensor samples to S3 under a memory budget. */
/*
 * A device samples a sensor into a small ring buffer (as a DMA engine or an ISR would) and
 * uploads the stream to S3 as it is produced, with no local file and a fixed memory budget:
 * 5 MiB parts, at most 2 of them in memory, 2 connections. The upload is driven by a read
 * callback that tops the ring up from the sensor and hands out whatever it holds. At the
 * end it prints the process's peak RSS, which stays the same whatever the upload's size.
 *
 *   firmware_logger BUCKET KEY [MIB]   upload MIB MiB of samples (default 64)
 *   firmware_logger --stdout [MIB]     write the same bytes to stdout instead (to verify)
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <xfer/xfer.h>

/* Result strings are NULL when the server gave none (e.g. no ETag): never printf a NULL. */
static const char *or_none(const char *s) {
  return s ? s : "none";
}

#define SAMPLE_SIZE 16u         /* bytes per sample record */
#define RING_SIZE (64u * 1024u) /* the ring buffer: the only sample storage we own */
#define MAX_BURST 32u           /* samples the "DMA" delivers at most at once */
#define PART_SIZE (5u * 1024 * 1024)
#define PARTS_IN_MEMORY 2u

/* ---- a simulated sensor: 4 channels, a triangle wave plus noise, one sample per 100 us ---- */
struct sensor {
  uint32_t seq;
  uint32_t t_us;
  uint64_t rng; /* xorshift64 state: the same stream on every run */
};

static uint64_t next_random(struct sensor *s) {
  s->rng ^= s->rng << 13;
  s->rng ^= s->rng >> 7;
  s->rng ^= s->rng << 17;
  return s->rng;
}

static void put_u32le(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* Writes one sample record: seq, timestamp (us), channel values, little-endian. */
static void sensor_sample(struct sensor *s, uint8_t rec[SAMPLE_SIZE]) {
  put_u32le(rec, s->seq);
  put_u32le(rec + 4, s->t_us);
  for (unsigned ch = 0; ch < 4; ch++) {
    int32_t phase = (int32_t)((s->seq * (ch + 1) * 37u) % 2000u);
    int32_t wave = (phase < 1000 ? phase : 2000 - phase) * 30 - 15000;
    int16_t v = (int16_t)(wave + (int32_t)(next_random(s) % 201) - 100);
    rec[8 + 2 * ch] = (uint8_t)((uint16_t)v & 0xff);
    rec[9 + 2 * ch] = (uint8_t)((uint16_t)v >> 8);
  }
  s->seq++;
  s->t_us += 100;
}

/* ---- the ring buffer ------------------------------------------------------------------- */
struct ring {
  uint8_t data[RING_SIZE];
  size_t head, used; /* read position and fill level */
};

static size_t ring_free(const struct ring *r) {
  return RING_SIZE - r->used;
}

static void ring_push(struct ring *r, const uint8_t *p, size_t n) {
  size_t tail = (r->head + r->used) % RING_SIZE;
  size_t first = n < RING_SIZE - tail ? n : RING_SIZE - tail;
  memcpy(r->data + tail, p, first);
  memcpy(r->data, p + first, n - first);
  r->used += n;
}

static size_t ring_pop(struct ring *r, uint8_t *p, size_t cap) {
  size_t n = cap < r->used ? cap : r->used;
  size_t first = n < RING_SIZE - r->head ? n : RING_SIZE - r->head;
  memcpy(p, r->data + r->head, first);
  memcpy(p + first, r->data, n - first);
  r->head = (r->head + n) % RING_SIZE;
  r->used -= n;
  return n;
}

/* ---- the logger: sensor -> ring -> read callback --------------------------------------- */
struct logger {
  struct sensor sensor;
  struct ring ring;
  uint64_t produced, total; /* bytes sampled so far, bytes to sample */
};

/* Lets the "DMA" deliver bursts of samples while the ring has room for a whole burst. */
static void logger_poll(struct logger *l) {
  uint8_t burst[MAX_BURST * SAMPLE_SIZE];
  while (l->produced < l->total && ring_free(&l->ring) >= sizeof burst) {
    uint64_t left = (l->total - l->produced) / SAMPLE_SIZE;
    size_t n = 1 + (size_t)(next_random(&l->sensor) % MAX_BURST);
    if (n > left) n = (size_t)left;
    for (size_t i = 0; i < n; i++) sensor_sample(&l->sensor, burst + i * SAMPLE_SIZE);
    ring_push(&l->ring, burst, n * SAMPLE_SIZE);
    l->produced += n * SAMPLE_SIZE;
  }
}

/* The read callback. libxfer calls it on the thread in xfer_future_wait(), never on one of
 * its workers, so it needs no locks. It returns what the ring holds (short reads are fine),
 * 0 once every sample has been handed out. */
static int64_t logger_read(uint8_t *buf, size_t cap, void *user_data) {
  struct logger *l = user_data;
  logger_poll(l);
  return (int64_t)ring_pop(&l->ring, buf, cap);
}

static int show_progress(const xfer_progress *p, void *user_data) {
  uint64_t *next_report = user_data;
  if (p->bytes_done >= *next_report) {
    fprintf(stderr, "firmware_logger: %llu MiB sent\n", (unsigned long long)(p->bytes_done >> 20));
    *next_report += 16u << 20;
  }
  return 0;
}

static long peak_rss_kib(void) {
  struct rusage ru;
  return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1; /* KiB on Linux */
}

static int write_stdout(struct logger *l) {
  static uint8_t buf[64 * 1024];
  int64_t n;
  while ((n = logger_read(buf, sizeof buf, l)) > 0) {
    if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) return EXIT_FAILURE;
  }
  return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char **argv) {
  const int to_stdout = argc >= 2 && strcmp(argv[1], "--stdout") == 0;
  const int nargs = to_stdout ? 1 : 2;
  if (argc < 1 + nargs || argc > 2 + nargs) {
    fprintf(stderr,
            "usage: firmware_logger BUCKET KEY [MIB]\n"
            "       firmware_logger --stdout [MIB]\n");
    return 2;
  }
  unsigned long mib = argc == 2 + nargs ? strtoul(argv[1 + nargs], NULL, 10) : 64;
  if (mib == 0 || mib > 1024 * 1024) {
    fprintf(stderr, "firmware_logger: MIB must be 1..1048576\n");
    return 2;
  }

  static struct logger logger; /* static: the ring buffer is not on the stack */
  logger.sensor.rng = 0x9e3779b97f4a7c15ull;
  logger.total = (uint64_t)mib << 20;
  if (to_stdout) return write_stdout(&logger);
  const char *bucket = argv[1], *key = argv[2];

  xfer_config *cfg = xfer_config_new();
  if (!cfg || xfer_config_load_env(cfg, NULL) != XFER_OK ||
      xfer_config_set_multipart_chunksize(cfg, PART_SIZE) != XFER_OK ||
      xfer_config_set_max_in_memory_upload_chunks(cfg, PARTS_IN_MEMORY) != XFER_OK ||
      xfer_config_set_max_concurrency(cfg, PARTS_IN_MEMORY) != XFER_OK) {
    fprintf(stderr, "firmware_logger: %s\n", xfer_last_error());
    xfer_config_free(cfg);
    return 1;
  }
  xfer_manager *m = xfer_manager_new(cfg);
  xfer_config_free(cfg);
  if (!m) {
    fprintf(stderr, "firmware_logger: %s\n", xfer_last_error());
    return 1;
  }

  uint64_t next_report = 16u << 20;
  xfer_future *f =
      xfer_upload_fileobj(m, logger_read, &logger, bucket, key, NULL, show_progress, &next_report);
  if (!f) {
    fprintf(stderr, "firmware_logger: %s\n", xfer_last_error());
    xfer_manager_free(m);
    return 1;
  }
  xfer_status s = xfer_future_wait(f, -1); /* the samples are read while this thread waits */
  if (s == XFER_OK) {
    printf("logged %llu samples (%llu bytes) to s3://%s/%s, ETag %s\n",
           (unsigned long long)(logger.produced / SAMPLE_SIZE), (unsigned long long)logger.produced,
           bucket, key, or_none(xfer_future_etag(f)));
  } else {
    fprintf(stderr, "firmware_logger: %s: %s (HTTP %d)\n", xfer_status_str(s),
            or_none(xfer_future_error_message(f)), xfer_future_http_status(f));
  }
  xfer_future_free(f);
  xfer_manager_free(m);
  printf("peak RSS %ld KiB for %lu MiB uploaded (budget: %u parts of %u MiB in memory)\n",
         peak_rss_kib(), mib, PARTS_IN_MEMORY, PART_SIZE >> 20);
  return s == XFER_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
