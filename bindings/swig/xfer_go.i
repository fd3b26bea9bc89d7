/* xfer_go.i: the Go module (package cxfer): xfer.i plus C trampolines routing callbacks to Go. */

/* The read, write and progress trampolines below call Go functions exported from
 * bindings/go/internal/cxfer/callbacks.go. Their user data is a runtime/cgo.Handle (an
 * integer, never a Go pointer) naming the Go state of one transfer. libxfer runs them only
 * inside xfer_future_wait(), so each call lands on the goroutine that is in that cgo call:
 * no Go code ever runs on a native worker thread. */

%include "xfer.i"

%{
#include <stdint.h>

/* Exported by callbacks.go (//export); these match the declarations cgo generates. */
extern int64_t xferGoRead(uint64_t handle, uint8_t *buf, size_t cap);
extern int xferGoWrite(uint64_t handle, uint8_t *data, size_t len, uint64_t offset);
extern int xferGoProgress(uint64_t handle, uint64_t done, uint64_t total);

static int64_t xfer_go_read_tramp(uint8_t *buf, size_t cap, void *user_data) {
  return xferGoRead((uint64_t)(uintptr_t)user_data, buf, cap);
}

static int xfer_go_write_tramp(const uint8_t *data, size_t len, uint64_t offset, void *user_data) {
  /* Go cannot spell const; the Go side only reads the bytes. */
  return xferGoWrite((uint64_t)(uintptr_t)user_data, (uint8_t *)data, len, offset);
}

static int xfer_go_progress_tramp(const xfer_progress *p, void *user_data) {
  return xferGoProgress((uint64_t)(uintptr_t)user_data, p->bytes_done, p->bytes_total);
}

#define XFER_GO_UD(h) ((void *)(uintptr_t)(h))
#define XFER_GO_PROGRESS(on) ((on) ? xfer_go_progress_tramp : NULL)
%}

/* Transfer functions taking the Go state's handle instead of C function pointers. A
 * non-zero `progress` routes progress to the same handle. The handle must stay valid until
 * the future is freed. */
%inline %{
xfer_future *xfer_go_upload_file(xfer_manager *m, const char *path, const char *bucket,
                                 const char *key, const xfer_args *args, uint64_t handle,
                                 int progress) {
  return xfer_upload_file(m, path, bucket, key, args, XFER_GO_PROGRESS(progress),
                          XFER_GO_UD(handle));
}

xfer_future *xfer_go_upload_stream(xfer_manager *m, uint64_t handle, const char *bucket,
                                   const char *key, const xfer_args *args, int progress) {
  return xfer_upload_fileobj(m, xfer_go_read_tramp, XFER_GO_UD(handle), bucket, key, args,
                             XFER_GO_PROGRESS(progress), XFER_GO_UD(handle));
}

xfer_future *xfer_go_upload_stream_chunked(xfer_manager *m, uint64_t handle, uint64_t size,
                                           const char *bucket, const char *key,
                                           const xfer_args *args, int progress) {
  return xfer_upload_fileobj_chunked(m, xfer_go_read_tramp, XFER_GO_UD(handle), size, bucket,
                                     key, args, XFER_GO_PROGRESS(progress), XFER_GO_UD(handle));
}

xfer_future *xfer_go_download_file(xfer_manager *m, const char *bucket, const char *key,
                                   const char *path, const xfer_args *args, uint64_t handle,
                                   int progress) {
  return xfer_download_file(m, bucket, key, path, args, XFER_GO_PROGRESS(progress),
                            XFER_GO_UD(handle));
}

xfer_future *xfer_go_download_stream(xfer_manager *m, const char *bucket, const char *key,
                                     uint64_t handle, const xfer_args *args, int progress) {
  return xfer_download_fileobj(m, bucket, key, xfer_go_write_tramp, XFER_GO_UD(handle), args,
                               XFER_GO_PROGRESS(progress), XFER_GO_UD(handle));
}

xfer_future *xfer_go_copy(xfer_manager *m, const char *src_bucket, const char *src_key,
                          const char *bucket, const char *key, const xfer_args *args,
                          uint64_t handle, int progress) {
  return xfer_copy(m, src_bucket, src_key, bucket, key, args, XFER_GO_PROGRESS(progress),
                   XFER_GO_UD(handle));
}
%}
