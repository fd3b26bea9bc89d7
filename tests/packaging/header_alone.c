/* header_alone.c: built as C99, C++11 and C++17 with -Werror: xfer.h must stand alone, clean. */
#include <xfer/xfer.h>

/* No other include: everything used below must come from xfer.h (stddef.h, stdint.h). */

typedef char xfer_version_number_agrees[XFER_VERSION_NUMBER == XFER_VERSION_MAJOR * 10000 +
                                                                   XFER_VERSION_MINOR * 100 +
                                                                   XFER_VERSION_PATCH
                                            ? 1
                                            : -1];

static int64_t read_cb(uint8_t *buf, size_t cap, void *user_data) {
  (void)buf;
  (void)user_data;
  return cap > 0 ? 1 : 0;
}

static int write_cb(const uint8_t *data, size_t len, uint64_t offset, void *user_data) {
  (void)data;
  (void)user_data;
  return len == 0 && offset == 0;
}

static int progress_cb(const xfer_progress *p, void *user_data) {
  (void)user_data;
  return p->bytes_total == XFER_SIZE_UNKNOWN && p->bytes_done > 0;
}

int header_alone(void);

/* Takes the address of functions of every kind, so a broken declaration cannot hide. */
int header_alone(void) {
  xfer_read_fn r = read_cb;
  xfer_write_fn w = write_cb;
  xfer_progress_fn p = progress_cb;
  xfer_status s = XFER_PENDING;
  const char *(*version)(void) = xfer_version;
  xfer_future *(*up)(xfer_manager *, xfer_read_fn, void *, const char *, const char *,
                     const xfer_args *, xfer_progress_fn, void *) = xfer_upload_fileobj;
  xfer_status (*wait)(xfer_future *, int64_t) = xfer_future_wait;
  void (*free_config)(xfer_config *) = xfer_config_free;
  /* No casts: the C++ build warns on old-style casts, which macros of the header must not use. */
  return (r != NULL) + (w != NULL) + (p != NULL) + (s == XFER_OK) + (version != NULL) +
         (up != NULL) + (wait != NULL) + (free_config != NULL) + (XFER_VERSION_STRING[0] != 0);
}
