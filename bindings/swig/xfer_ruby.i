/* xfer_ruby.i: the Ruby extension Xfer::Native: xfer.i plus Ruby's trampolines, GVL-releasing waits and GC marking. */
/*
 * What differs for Ruby, and nothing else:
 *  - Xfer::Native::Callbacks holds a transfer's Ruby objects (reader or writer, progress
 *    callable, the exception a callback raised); the GC marks them while it lives. Its C
 *    pointer is the user data handed to libxfer with the trampolines READ_FN, WRITE_FN and
 *    PROGRESS_FN.
 *  - Bytes cross between a Ruby String and libxfer's part buffer once: the read trampoline
 *    copies what io.read returned (or, for a StringIO, its string at #pos, with no read call
 *    and no intermediate String) into the part buffer; the write trampoline copies the
 *    library's bytes into the one new String it hands to io.write.
 *  - The trampolines run inside xfer_future_wait on the waiting Ruby thread, which released
 *    the GVL; they take it back with rb_thread_call_with_gvl and call Ruby under rb_rescue2
 *    and rb_protect, so nothing ever unwinds through libxfer. A raised exception is kept in
 *    Callbacks#error (and fails the transfer); any other way out of a block (throw, break,
 *    Thread#kill, Timeout) fails the transfer and is resumed by Callbacks#wait once it is
 *    back on the Ruby side.
 *  - Waits release the GVL in slices of XFER_RB_SLICE_MS and let Ruby run its interrupts
 *    (Thread#raise, Ctrl-C, Thread#kill, trap handlers) between slices: an exception then
 *    leaves the wait with the transfer still running, and the Ruby layer cancels it. No UBF
 *    cancels a transfer: a trap handler or Thread#wakeup must not, and a slice is short.
 *  - xfer_future_free, xfer_manager_shutdown and xfer_manager_free release the GVL while
 *    they block.
 */
%module "xfer::native"

%{
#include <ruby.h>
#include <ruby/thread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "xfer/xfer.h"

/* How long one GVL-free wait lasts at most: the delay before Ruby sees an interrupt. */
#define XFER_RB_SLICE_MS 50
/* The most one read callback asks of the Ruby reader: bounds the reused Ruby buffer. */
#define XFER_RB_READ_MAX ((size_t)1 << 20)

/* Whether this thread is inside one of our GVL-free regions (and not inside a callback). */
static __thread int xfer_rb_without_gvl;

/* How the read trampoline gets bytes from the reader (Callbacks.new's read_mode). */
enum {
  XFER_RB_READ_CALL = 0,    /* s = io.read(n): the reader's own String */
  XFER_RB_READ_OUTBUF = 1,  /* io.read(n, outbuf) into one reused String (IO) */
  XFER_RB_READ_STRINGIO = 2 /* straight from io.string at io.pos, then io.pos += copied */
};

typedef struct xfer_rb_callbacks {
  VALUE io;       /* the reader (upload) or writer (download), or nil */
  VALUE progress; /* responds to call(done, total), or nil */
  VALUE outbuf;   /* String reused by io.read(n, outbuf), or nil */
  VALUE error;    /* the exception a callback raised, or nil */
  int read_mode;  /* XFER_RB_READ_* */
  int jump;       /* the tag of a non-exception exit from a callback, resumed by the wait */
  int disarmed;   /* set: callbacks fail at once without running Ruby code */
} xfer_rb_callbacks;

static void xfer_rb_callbacks_mark(void *p) {
  xfer_rb_callbacks *cb = (xfer_rb_callbacks *)p;
  rb_gc_mark(cb->io);
  rb_gc_mark(cb->progress);
  rb_gc_mark(cb->outbuf);
  rb_gc_mark(cb->error);
}

static ID xfer_rb_id_read, xfer_rb_id_write, xfer_rb_id_call, xfer_rb_id_string, xfer_rb_id_pos,
    xfer_rb_id_set_pos;

/* One call of Ruby code from a trampoline. */
typedef struct {
  xfer_rb_callbacks *cb;
  VALUE (*body)(VALUE);
  void *args; /* the trampoline's own arguments, for body */
  int failed;
} xfer_rb_call;

/* rb_rescue2 hands the exception itself (rb_errinfo() may name an outer rescue's $!). */
static VALUE xfer_rb_rescued(VALUE arg, VALUE exc) {
  xfer_rb_call *c = (xfer_rb_call *)arg;
  if (NIL_P(c->cb->error)) c->cb->error = exc; /* the first failure wins */
  c->failed = 1;
  return Qnil;
}

static VALUE xfer_rb_body(VALUE arg) {
  xfer_rb_call *c = (xfer_rb_call *)arg;
  return c->body((VALUE)c->args);
}

static VALUE xfer_rb_rescue_body(VALUE arg) {
  return rb_rescue2(xfer_rb_body, arg, xfer_rb_rescued, arg, rb_eException, (VALUE)0);
}

/* Runs with the GVL: exceptions are kept; a throw, break or kill is noted and its tag kept
   so that the wait can resume it (ec->errinfo is left as it is for rb_jump_tag). */
static void *xfer_rb_call_with_gvl(void *arg) {
  xfer_rb_call *c = (xfer_rb_call *)arg;
  int state = 0;
  rb_protect(xfer_rb_rescue_body, (VALUE)c, &state);
  if (state) {
    c->cb->jump = state;
    c->cb->disarmed = 1; /* no more Ruby code until the wait resumes the jump */
    c->failed = 1;
  }
  return NULL;
}

/* Runs body holding the GVL; 0 if it returned normally. */
static int xfer_rb_run(xfer_rb_callbacks *cb, VALUE (*body)(VALUE), void *args) {
  xfer_rb_call c = {cb, body, args, 0};
  if (cb->disarmed) return -1;
  if (xfer_rb_without_gvl) {
    xfer_rb_without_gvl = 0;
    rb_thread_call_with_gvl(xfer_rb_call_with_gvl, &c);
    xfer_rb_without_gvl = 1;
  } else if (ruby_native_thread_p()) {
    xfer_rb_call_with_gvl(&c); /* a waiting thread that kept the GVL */
  } else {
    return -1; /* never: libxfer calls back only on the waiting thread */
  }
  return c.failed ? -1 : 0;
}

/* ---- read -------------------------------------------------------------------------------- */

typedef struct {
  xfer_rb_callbacks *cb;
  uint8_t *buf;
  size_t cap;
  int64_t n;
} xfer_rb_read_args;

/* A StringIO: its string's bytes from #pos go straight into the part buffer, as many as fit
   (no 1 MiB cap: no Ruby buffer is involved). #pos moves on as io.read would move it. */
static VALUE xfer_rb_read_stringio(xfer_rb_read_args *a) {
  VALUE io = a->cb->io;
  VALUE s = rb_funcall(io, xfer_rb_id_string, 0);
  long pos = NUM2LONG(rb_funcall(io, xfer_rb_id_pos, 0));
  StringValue(s);
  long len = RSTRING_LEN(s);
  size_t n = pos < len ? (size_t)(len - pos) : 0;
  if (n > a->cap) n = a->cap;
  if (n > 0) {
    memcpy(a->buf, RSTRING_PTR(s) + pos, n); /* the one copy into the library's part buffer */
    rb_funcall(io, xfer_rb_id_set_pos, 1, LONG2NUM(pos + (long)n));
  }
  RB_GC_GUARD(s);
  a->n = (int64_t)n;
  return Qnil;
}

static VALUE xfer_rb_read_body(VALUE arg) {
  xfer_rb_read_args *a = (xfer_rb_read_args *)arg;
  if (a->cb->read_mode == XFER_RB_READ_STRINGIO) return xfer_rb_read_stringio(a);
  size_t want = a->cap < XFER_RB_READ_MAX ? a->cap : XFER_RB_READ_MAX;
  VALUE s = a->cb->read_mode != XFER_RB_READ_OUTBUF
                ? rb_funcall(a->cb->io, xfer_rb_id_read, 1, SIZET2NUM(want))
                : rb_funcall(a->cb->io, xfer_rb_id_read, 2, SIZET2NUM(want), a->cb->outbuf);
  if (NIL_P(s)) {
    a->n = 0;
    return Qnil;
  }
  StringValue(s);
  long n = RSTRING_LEN(s);
  if ((size_t)n > want)
    rb_raise(rb_eRangeError, "the reader returned %ld bytes, more than the %lu asked for", n,
             (unsigned long)want);
  memcpy(a->buf, RSTRING_PTR(s), (size_t)n); /* the one copy into the library's part buffer */
  RB_GC_GUARD(s);
  a->n = n;
  return Qnil;
}

static int64_t xfer_rb_read(uint8_t *buf, size_t cap, void *user_data) {
  xfer_rb_read_args a = {(xfer_rb_callbacks *)user_data, buf, cap, -1};
  if (NIL_P(a.cb->io) || xfer_rb_run(a.cb, xfer_rb_read_body, &a) != 0) return -1;
  return a.n;
}

/* ---- write ------------------------------------------------------------------------------- */

typedef struct {
  xfer_rb_callbacks *cb;
  const uint8_t *data;
  size_t len;
} xfer_rb_write_args;

static VALUE xfer_rb_write_body(VALUE arg) {
  xfer_rb_write_args *a = (xfer_rb_write_args *)arg;
  /* the one copy out of the library's buffer, into a new String since a writer may keep it */
  VALUE s = rb_str_new((const char *)a->data, (long)a->len);
  rb_funcall(a->cb->io, xfer_rb_id_write, 1, s);
  return Qnil;
}

static int xfer_rb_write(const uint8_t *data, size_t len, uint64_t offset, void *user_data) {
  xfer_rb_write_args a = {(xfer_rb_callbacks *)user_data, data, len};
  (void)offset; /* calls come in offset order without gaps: the writer just appends */
  if (NIL_P(a.cb->io) || xfer_rb_run(a.cb, xfer_rb_write_body, &a) != 0) return 1;
  return 0;
}

/* ---- progress ---------------------------------------------------------------------------- */

typedef struct {
  xfer_rb_callbacks *cb;
  const xfer_progress *p;
} xfer_rb_progress_args;

static VALUE xfer_rb_progress_body(VALUE arg) {
  xfer_rb_progress_args *a = (xfer_rb_progress_args *)arg;
  VALUE total = a->p->bytes_total == XFER_SIZE_UNKNOWN ? Qnil : ULL2NUM(a->p->bytes_total);
  rb_funcall(a->cb->progress, xfer_rb_id_call, 2, ULL2NUM(a->p->bytes_done), total);
  return Qnil;
}

static int xfer_rb_progress(const xfer_progress *p, void *user_data) {
  xfer_rb_progress_args a = {(xfer_rb_callbacks *)user_data, p};
  if (a.cb->disarmed) return 1;
  if (NIL_P(a.cb->progress)) return 0;
  return xfer_rb_run(a.cb, xfer_rb_progress_body, &a) != 0; /* non-zero cancels */
}

/* ---- waits ------------------------------------------------------------------------------- */

typedef struct {
  xfer_future *f;
  int64_t ms;
  xfer_status status;
  int called;
} xfer_rb_wait_call;

static void *xfer_rb_wait_nogvl(void *p) {
  xfer_rb_wait_call *c = (xfer_rb_wait_call *)p;
  c->called = 1;
  xfer_rb_without_gvl = 1;
  c->status = xfer_future_wait(c->f, c->ms);
  xfer_rb_without_gvl = 0;
  return NULL;
}

static int64_t xfer_rb_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Resumes a throw, break or Thread#kill that left a callback: ec->errinfo still holds it, as
   no Ruby code ran since. It goes on through the Ruby layer's ensure, which cancels. */
static void xfer_rb_resume_jump(xfer_rb_callbacks *cb) {
  if (cb && cb->jump) {
    int tag = cb->jump;
    cb->jump = 0;
    rb_jump_tag(tag);
  }
}

/* xfer_future_wait in GVL-free slices. After each slice: a non-exception exit from a callback
   of cb is resumed, then Ruby runs its interrupts (which may raise out of here). Returns the
   final status, or XFER_ETIMEDOUT once timeout_ms passed with the transfer still running. */
static xfer_status xfer_rb_wait_loop(xfer_future *f, int64_t timeout_ms, xfer_rb_callbacks *cb) {
  if (!f || timeout_ms < -1) return xfer_future_wait(f, timeout_ms); /* XFER_EINVAL */
  int64_t deadline = timeout_ms < 0 ? -1 : xfer_rb_now_ms() + timeout_ms;
  int final_pass = 0;
  for (;;) {
    xfer_rb_wait_call c = {f, XFER_RB_SLICE_MS, XFER_ETIMEDOUT, 0};
    if (deadline >= 0 || final_pass) {
      int64_t left = final_pass ? 0 : deadline - xfer_rb_now_ms();
      if (left < c.ms) c.ms = left < 0 ? 0 : left;
    }
    rb_thread_call_without_gvl2(xfer_rb_wait_nogvl, &c, NULL, NULL);
    xfer_rb_resume_jump(cb);
    rb_thread_check_ints();
    if (!c.called) { /* an interrupt is pending but deferred (Thread.handle_interrupt) */
      c.status = xfer_future_wait(f, c.ms < 10 ? c.ms : 10); /* callbacks run with the GVL */
      xfer_rb_resume_jump(cb);
    }
    if (c.status != XFER_ETIMEDOUT) return c.status;
    /* XFER_ETIMEDOUT: the slice ended, or the transfer ended with it (a stalled request);
       once done, one more wait runs the last callbacks and gives the final status */
    if (xfer_future_done(f)) {
      if (final_pass) return c.status;
      final_pass = 1;
      continue;
    }
    if (deadline >= 0 && xfer_rb_now_ms() >= deadline) return XFER_ETIMEDOUT;
  }
}

static xfer_status xfer_rb_future_wait(xfer_future *f, int64_t timeout_ms) {
  return xfer_rb_wait_loop(f, timeout_ms, NULL);
}

/* Waits for the end of a cancelled transfer without running interrupts (they stay pending
   for Ruby). Disarm its callbacks first: then none runs Ruby code. */
static xfer_status xfer_rb_future_drain(xfer_future *f) {
  if (!f) return xfer_future_wait(f, 0);
  for (;;) {
    xfer_rb_wait_call c = {f, 100, XFER_ETIMEDOUT, 0};
    rb_thread_call_without_gvl2(xfer_rb_wait_nogvl, &c, NULL, NULL);
    if (!c.called) c.status = xfer_future_wait(f, 10); /* an interrupt is pending: keep the GVL */
    if (c.status != XFER_ETIMEDOUT) return c.status;
    if (xfer_future_done(f)) return xfer_future_wait(f, 0);
  }
}

/* ---- blocking calls on managers and futures ---------------------------------------------- */

typedef struct {
  xfer_manager *m;
  xfer_future *f;
  int cancel;
  xfer_status status;
  int called;
} xfer_rb_block_call;

static void *xfer_rb_shutdown_nogvl(void *p) {
  xfer_rb_block_call *c = (xfer_rb_block_call *)p;
  c->called = 1;
  xfer_rb_without_gvl = 1; /* shutdown(m, 0) may run callbacks of transfers nobody waits on */
  c->status = xfer_manager_shutdown(c->m, c->cancel);
  xfer_rb_without_gvl = 0;
  return NULL;
}

static void *xfer_rb_manager_free_nogvl(void *p) {
  xfer_rb_block_call *c = (xfer_rb_block_call *)p;
  c->called = 1;
  xfer_rb_without_gvl = 1;
  xfer_manager_free(c->m);
  xfer_rb_without_gvl = 0;
  return NULL;
}

static void *xfer_rb_future_free_nogvl(void *p) {
  xfer_rb_block_call *c = (xfer_rb_block_call *)p;
  c->called = 1;
  xfer_future_free(c->f);
  return NULL;
}

/* These block until transfers stop (about 100 ms after a cancel), without the GVL and without
   interrupt checks, so that the handle is always released. If an interrupt is pending,
   rb_nogvl does not call the function: then it runs holding the GVL. */
static xfer_status xfer_rb_manager_shutdown(xfer_manager *m, int cancel) {
  xfer_rb_block_call c = {m, NULL, cancel, XFER_EINVAL, 0};
  if (m) rb_nogvl(xfer_rb_shutdown_nogvl, &c, NULL, NULL, RB_NOGVL_INTR_FAIL);
  if (!c.called) c.status = xfer_manager_shutdown(m, cancel);
  return c.status;
}

static void xfer_rb_manager_free(xfer_manager *m) {
  xfer_rb_block_call c = {m, NULL, 1, XFER_OK, 0};
  if (!m) return;
  rb_nogvl(xfer_rb_manager_free_nogvl, &c, NULL, NULL, RB_NOGVL_INTR_FAIL);
  if (!c.called) xfer_manager_free(m);
}

static void xfer_rb_future_free(xfer_future *f) {
  xfer_rb_block_call c = {NULL, f, 1, XFER_OK, 0};
  if (!f) return;
  if (!xfer_future_done(f)) rb_nogvl(xfer_rb_future_free_nogvl, &c, NULL, NULL, RB_NOGVL_INTR_FAIL);
  if (!c.called) xfer_future_free(f);
}
%}

%init %{
  xfer_rb_id_read = rb_intern("read");
  xfer_rb_id_write = rb_intern("write");
  xfer_rb_id_call = rb_intern("call");
  xfer_rb_id_string = rb_intern("string");
  xfer_rb_id_pos = rb_intern("pos");
  xfer_rb_id_set_pos = rb_intern("pos=");
%}

/* The Ruby versions of the blocking calls replace the plain ones, under the same names. */
%ignore xfer_future_wait;
%ignore xfer_future_free;
%ignore xfer_manager_shutdown;
%ignore xfer_manager_free;
%rename(xfer_future_wait) xfer_rb_future_wait;
%rename(xfer_future_free) xfer_rb_future_free;
%rename(xfer_manager_shutdown) xfer_rb_manager_shutdown;
%rename(xfer_manager_free) xfer_rb_manager_free;
%rename(xfer_future_drain) xfer_rb_future_drain;
%rename(Progress) xfer_progress;

%include "xfer.i"

xfer_status xfer_rb_future_wait(xfer_future *f, int64_t timeout_ms);
xfer_status xfer_rb_future_drain(xfer_future *f);
xfer_status xfer_rb_manager_shutdown(xfer_manager *m, int cancel);
void xfer_rb_manager_free(xfer_manager *m);
void xfer_rb_future_free(xfer_future *f);

/* The trampolines, to pass with a Callbacks object as their user data. */
%constant xfer_read_fn READ_FN = xfer_rb_read;
%constant xfer_write_fn WRITE_FN = xfer_rb_write;
%constant xfer_progress_fn PROGRESS_FN = xfer_rb_progress;

%constant int READ_CALL = XFER_RB_READ_CALL;
%constant int READ_OUTBUF = XFER_RB_READ_OUTBUF;
%constant int READ_STRINGIO = XFER_RB_READ_STRINGIO;

%rename(Callbacks) xfer_rb_callbacks;
%markfunc xfer_rb_callbacks "xfer_rb_callbacks_mark";
typedef struct xfer_rb_callbacks {
} xfer_rb_callbacks;

%extend xfer_rb_callbacks {
  /* io: the reader or writer, or nil; progress: responds to call(done, total), or nil;
     read_mode: READ_CALL (io.read(n)), READ_OUTBUF (io.read(n, outbuf), as IO takes it) or
     READ_STRINGIO (io is a readable StringIO whose #read is StringIO's own). */
  xfer_rb_callbacks(VALUE io, VALUE progress, int read_mode) {
    if (read_mode < XFER_RB_READ_CALL || read_mode > XFER_RB_READ_STRINGIO)
      rb_raise(rb_eArgError, "read_mode %d", read_mode);
    xfer_rb_callbacks *cb = (xfer_rb_callbacks *)ruby_xcalloc(1, sizeof *cb);
    cb->io = io;
    cb->progress = progress;
    cb->read_mode = read_mode;
    cb->outbuf = read_mode == XFER_RB_READ_OUTBUF ? rb_str_buf_new(0) : Qnil;
    cb->error = Qnil;
    return cb;
  }
  ~xfer_rb_callbacks() { ruby_xfree($self); }
  /* Waits on the future these callbacks belong to, as xfer_future_wait, and resumes a
     throw, break or Thread#kill that left one of them. */
  xfer_status wait(xfer_future *f, int64_t timeout_ms) {
    return xfer_rb_wait_loop(f, timeout_ms, $self);
  }
  /* The exception a callback raised, or nil. */
  VALUE error() { return $self->error; }
  /* From now on callbacks fail without running Ruby code; the Ruby objects are let go. */
  void disarm() {
    $self->disarmed = 1;
    $self->io = Qnil;
    $self->progress = Qnil;
    $self->outbuf = Qnil;
  }
}
