// transfer.go: Transfer (one submitted transfer: Wait, Cancel) and the Go side of its callbacks.

package xfer

import (
	"context"
	"fmt"
	"io"
	"runtime/cgo"
	"sync"

	"libxfer.dev/xfer/internal/cxfer"
)

// Result is what a successful transfer produced.
type Result struct {
	Bucket    string
	Key       string
	Size      int64  // bytes uploaded, downloaded or copied
	ETag      string // of the object uploaded, copied or downloaded, in double quotes
	VersionID string // on a versioned bucket
	Checksum  string // full-object checksum of an upload, e.g. "CRC32:AAAAAA=="
}

// Transfer is one submitted transfer. Its methods are safe from any goroutine.
type Transfer struct {
	m      *Manager
	bucket string
	key    string
	cb     *callbacks // nil when the transfer has no Go callbacks
	handle cgo.Handle // names cb for the C trampolines; 0 when cb is nil

	mu    sync.Mutex                  // guards f and cause
	f     cxfer.Struct_SS_xfer_future // nil once released
	cause error                       // why it was cancelled (a context's error, ErrClosed)

	waitMu    sync.Mutex // one waiter at a time; guards the fields below
	finished  bool
	res       Result
	err       error
	stopWatch func() // stops watching the context given at submission
}

// Wait runs the transfer's callbacks on this goroutine until the transfer ends, then
// returns its Result, or its error (an *Error). If ctx is done first, the transfer is
// cancelled and Wait returns once it has stopped, with an *Error whose Status is
// StatusCancelled and whose cause is ctx.Err().
//
// The first Wait to return releases the transfer's native resources; later calls return
// the same Result and error. Do not call Wait from inside the transfer's own callbacks.
func (t *Transfer) Wait(ctx context.Context) (Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	t.waitMu.Lock()
	defer t.waitMu.Unlock()
	if !t.finished {
		t.mu.Lock()
		f := t.f
		t.mu.Unlock()
		stop := t.watch(ctx)
		st := wait(f)
		stop()
		t.finish(st)
	}
	return t.res, t.err
}

// wait runs xfer_future_wait until the transfer has ended. The goroutine stays on its OS
// thread meanwhile: the callbacks run on it, inside this cgo call.
func wait(f cxfer.Struct_SS_xfer_future) Status {
	defer lockThread()()
	for {
		st := Status(cxfer.Xfer_future_wait(f, -1))
		// ETIMEDOUT is also the final status of a stalled request: ask which it is.
		if st != StatusTimedOut || Status(cxfer.Xfer_future_status(f)) != Status(cxfer.XFER_PENDING) {
			return st
		}
	}
}

// Cancel cancels the transfer: in-flight requests stop, an open multipart upload is
// aborted, and Wait returns an *Error with StatusCancelled. It returns at once; a no-op on
// a transfer that has ended.
func (t *Transfer) Cancel() { t.cancel(nil) }

// Done reports, without waiting or running callbacks, whether the transfer has ended.
func (t *Transfer) Done() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.f == nil || cxfer.Xfer_future_done(t.f) != 0
}

func (t *Transfer) cancel(cause error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.f == nil {
		return
	}
	if t.cause == nil {
		t.cause = cause
	}
	cxfer.Xfer_future_cancel(t.f)
}

// watch cancels the transfer when ctx is done, until the returned function is called.
func (t *Transfer) watch(ctx context.Context) func() {
	done := ctx.Done()
	if done == nil {
		return func() {}
	}
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		select {
		case <-done:
			t.cancel(ctx.Err())
		case <-quit:
		}
	}()
	return func() {
		close(quit)
		<-exited
	}
}

// finish records the outcome of the ended transfer and releases the future and the
// handle. Called with waitMu held.
func (t *Transfer) finish(st Status) {
	t.stopWatch()
	t.mu.Lock()
	f := t.f
	t.res = Result{Bucket: t.bucket, Key: t.key}
	if st == StatusOK {
		t.res.Size = int64(cxfer.Xfer_future_size(f))
		t.res.ETag = cxfer.Xfer_future_etag(f)
		t.res.VersionID = cxfer.Xfer_future_version_id(f)
		t.res.Checksum = cxfer.Xfer_future_checksum(f)
	} else {
		e := &Error{
			Status:     st,
			HTTPStatus: cxfer.Xfer_future_http_status(f),
			S3Code:     cxfer.Xfer_future_s3_error_code(f),
			RequestID:  cxfer.Xfer_future_request_id(f),
			Message:    cxfer.Xfer_future_error_message(f),
		}
		if t.cb != nil && t.cb.err != nil {
			e.Err = t.cb.err
		} else if st == StatusCancelled {
			e.Err = t.cause
		}
		t.err = e
	}
	cxfer.Xfer_future_free(f)
	t.f = nil
	t.mu.Unlock()
	if t.handle != 0 {
		t.handle.Delete()
		t.handle = 0
	}
	t.finished = true
	t.m.forget(t)
}

// release finishes a transfer that ended without a waiter (Manager.Close).
func (t *Transfer) release() {
	t.waitMu.Lock()
	defer t.waitMu.Unlock()
	if !t.finished {
		t.mu.Lock()
		st := Status(cxfer.Xfer_future_status(t.f))
		t.mu.Unlock()
		t.finish(st)
	}
}

// callbacks is the Go state of a transfer's read, write and progress callbacks. Its
// methods run one at a time on the goroutine inside Wait; a panic is recovered there and
// fails the transfer, so it never unwinds through the C frames below.
type callbacks struct {
	r        io.Reader
	w        io.Writer
	progress func(done, total int64)
	eof      bool   // r has reported io.EOF
	next     uint64 // offset the next Write must start at
	err      error  // the first failure of r, w or progress
}

var _ cxfer.Callbacks = (*callbacks)(nil)

// maxEmptyReads bounds how often a reader may return (0, nil) in a row (as bufio does).
const maxEmptyReads = 100

func (c *callbacks) Read(p []byte) (n int64) {
	if c.err != nil {
		return -1
	}
	if c.eof || len(p) == 0 {
		return 0
	}
	defer func() {
		if v := recover(); v != nil {
			c.err, n = newPanicError("reader", v), -1
		}
	}()
	for i := 0; i < maxEmptyReads; i++ {
		k, err := c.r.Read(p)
		switch {
		case k < 0 || k > len(p):
			c.err = fmt.Errorf("xfer: reader returned %d for a buffer of %d bytes", k, len(p))
			return -1
		case err == io.EOF:
			c.eof = true
			return int64(k)
		case err != nil:
			c.err = err
			return -1
		case k > 0:
			return int64(k)
		}
	}
	c.err = io.ErrNoProgress
	return -1
}

func (c *callbacks) Write(p []byte, offset uint64) (ret int) {
	if c.err != nil {
		return 1
	}
	if offset != c.next {
		c.err = fmt.Errorf("xfer: write at offset %d, expected %d", offset, c.next)
		return 1
	}
	defer func() {
		if v := recover(); v != nil {
			c.err, ret = newPanicError("writer", v), 1
		}
	}()
	n, err := c.w.Write(p)
	if err == nil && n != len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		c.err = err
		return 1
	}
	c.next += uint64(n)
	return 0
}

func (c *callbacks) Progress(done, total uint64) (ret int) {
	if c.progress == nil {
		return 0
	}
	defer func() {
		if v := recover(); v != nil {
			c.err, ret = newPanicError("progress", v), 1
		}
	}()
	t := int64(-1)
	if total != ^uint64(0) {
		t = int64(total)
	}
	c.progress(int64(done), t)
	return 0
}
