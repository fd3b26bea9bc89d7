// manager.go: Manager (the native thread pool, connections and memory budget) and its transfer methods.

package xfer

import (
	"context"
	"errors"
	"io"
	"runtime/cgo"
	"sync"

	"libxfer.dev/xfer/internal/cxfer"
)

// ErrClosed is the cause of transfers cancelled, or refused, because the Manager was closed.
var ErrClosed = errors.New("xfer: manager closed")

// Version is the version of the libxfer in use, "MAJOR.MINOR.PATCH".
func Version() string { return cxfer.Xfer_version() }

// Manager owns libxfer's worker threads, keep-alive connections and memory budget. It is
// safe for concurrent use: share one between goroutines, and Close it when done.
type Manager struct {
	mu     sync.RWMutex // read-held while submitting, write-held to close
	m      cxfer.Struct_SS_xfer_manager
	closed bool

	liveMu sync.Mutex
	live   map[*Transfer]struct{} // submitted and not yet finished
}

// NewManager starts a manager with the settings of cfg. It does not contact the server.
func NewManager(cfg Config) (*Manager, error) {
	defer lockThread()()
	cc, err := cfg.newCConfig()
	if err != nil {
		return nil, err
	}
	defer cxfer.Xfer_config_free(cc)
	m := cxfer.Xfer_manager_new(cc)
	if m.Swigcptr() == 0 {
		return nil, lastError(StatusInvalid, "xfer_manager_new failed")
	}
	return &Manager{m: m, live: make(map[*Transfer]struct{})}, nil
}

// Close cancels the transfers still running (their Wait returns an *Error with
// StatusCancelled and cause ErrClosed), waits for them to stop, and releases the manager.
// Later transfers fail with StatusState. Calling Close again does nothing. Do not call it
// from inside a callback.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.mu.Unlock()

	for _, t := range m.snapshot() {
		t.cancel(ErrClosed)
	}
	cxfer.Xfer_manager_shutdown(m.m, 1) // wakes every waiter; returns once all have ended
	for _, t := range m.snapshot() {
		t.release()
	}
	cxfer.Xfer_manager_free(m.m)
	return nil
}

func (m *Manager) snapshot() []*Transfer {
	m.liveMu.Lock()
	defer m.liveMu.Unlock()
	ts := make([]*Transfer, 0, len(m.live))
	for t := range m.live {
		ts = append(ts, t)
	}
	return ts
}

func (m *Manager) forget(t *Transfer) {
	m.liveMu.Lock()
	delete(m.live, t)
	m.liveMu.Unlock()
}

// UploadFile uploads the local file at path. Files at least MultipartThreshold in size go
// multipart, their parts sent in parallel straight from the file.
func (m *Manager) UploadFile(ctx context.Context, path, bucket, key string, opts ...Option) *Transfer {
	return m.submit(ctx, bucket, key, opts, nil, []string{path},
		func(a cxfer.Struct_SS_xfer_args, h uint64, p int) cxfer.Struct_SS_xfer_future {
			return cxfer.Xfer_go_upload_file(m.m, path, bucket, key, a, h, p)
		})
}

// Upload uploads what r supplies, until io.EOF. r is read only while a goroutine waits on
// the Transfer, straight into the library's part buffers; parts already read are sent in
// parallel while the next is read. An error from r (or a panic) fails the transfer with
// that error as its cause.
func (m *Manager) Upload(ctx context.Context, r io.Reader, bucket, key string, opts ...Option) *Transfer {
	if r == nil {
		return m.failed(bucket, key, &Error{Status: StatusInvalid, Message: "Upload: the reader is nil"})
	}
	return m.submit(ctx, bucket, key, opts, &callbacks{r: r}, nil,
		func(a cxfer.Struct_SS_xfer_args, h uint64, p int) cxfer.Struct_SS_xfer_future {
			return cxfer.Xfer_go_upload_stream(m.m, h, bucket, key, a, p)
		})
}

// UploadChunked uploads exactly size bytes from r as signed aws-chunked data
// (xfer_upload_fileobj_chunked): every request body is streamed as r is read, in chunks of
// Config.AWSChunkSize bytes each with its own signature, holding two chunks in memory
// whatever the size and no part buffers. From MultipartThreshold on it goes multipart, one
// part after another. A failed request cannot be resent once its body began, so it fails
// the transfer instead of retrying. r must supply exactly size bytes: ending early fails
// with StatusIO. Servers: AWS S3 and Ceph radosgw verify the chunks; Swift's s3api answers
// 501 NotImplemented (an *Error with StatusService).
func (m *Manager) UploadChunked(ctx context.Context, r io.Reader, size int64, bucket, key string, opts ...Option) *Transfer {
	if r == nil {
		return m.failed(bucket, key, &Error{Status: StatusInvalid, Message: "UploadChunked: the reader is nil"})
	}
	if size < 0 {
		return m.failed(bucket, key, &Error{Status: StatusInvalid, Message: "UploadChunked: negative size"})
	}
	return m.submit(ctx, bucket, key, opts, &callbacks{r: r}, nil,
		func(a cxfer.Struct_SS_xfer_args, h uint64, p int) cxfer.Struct_SS_xfer_future {
			return cxfer.Xfer_go_upload_stream_chunked(m.m, h, uint64(size), bucket, key, a, p)
		})
}

// DownloadFile downloads an object into the local file at path, through a temporary file
// renamed into place only on success.
func (m *Manager) DownloadFile(ctx context.Context, bucket, key, path string, opts ...Option) *Transfer {
	return m.submit(ctx, bucket, key, opts, nil, []string{path},
		func(a cxfer.Struct_SS_xfer_args, h uint64, p int) cxfer.Struct_SS_xfer_future {
			return cxfer.Xfer_go_download_file(m.m, bucket, key, path, a, h, p)
		})
}

// Download writes an object to w, in order, while a goroutine waits on the Transfer.
// Ranges are fetched in parallel; each Write gets a library buffer, valid only during the
// call. An error from w (or a panic) fails the transfer with that error as its cause.
func (m *Manager) Download(ctx context.Context, bucket, key string, w io.Writer, opts ...Option) *Transfer {
	if w == nil {
		return m.failed(bucket, key, &Error{Status: StatusInvalid, Message: "Download: the writer is nil"})
	}
	return m.submit(ctx, bucket, key, opts, &callbacks{w: w}, nil,
		func(a cxfer.Struct_SS_xfer_args, h uint64, p int) cxfer.Struct_SS_xfer_future {
			return cxfer.Xfer_go_download_stream(m.m, bucket, key, h, a, p)
		})
}

// Copy copies srcBucket/srcKey to bucket/key on the server side, part by part for objects
// of at least MultipartThreshold bytes.
func (m *Manager) Copy(ctx context.Context, srcBucket, srcKey, bucket, key string, opts ...Option) *Transfer {
	return m.submit(ctx, bucket, key, opts, nil, []string{srcBucket, srcKey},
		func(a cxfer.Struct_SS_xfer_args, h uint64, p int) cxfer.Struct_SS_xfer_future {
			return cxfer.Xfer_go_copy(m.m, srcBucket, srcKey, bucket, key, a, h, p)
		})
}

// Delete deletes an object. WithProgress has no effect.
func (m *Manager) Delete(ctx context.Context, bucket, key string, opts ...Option) *Transfer {
	return m.submit(ctx, bucket, key, withoutProgress(opts), nil, nil,
		func(a cxfer.Struct_SS_xfer_args, _ uint64, _ int) cxfer.Struct_SS_xfer_future {
			return cxfer.Xfer_delete(m.m, bucket, key, a)
		})
}

// CreateBucket creates a bucket in the manager's region.
func (m *Manager) CreateBucket(ctx context.Context, bucket string) *Transfer {
	return m.submit(ctx, bucket, "", nil, nil, nil,
		func(cxfer.Struct_SS_xfer_args, uint64, int) cxfer.Struct_SS_xfer_future {
			return cxfer.Xfer_create_bucket(m.m, bucket)
		})
}

// DeleteBucket deletes an empty bucket.
func (m *Manager) DeleteBucket(ctx context.Context, bucket string) *Transfer {
	return m.submit(ctx, bucket, "", nil, nil, nil,
		func(cxfer.Struct_SS_xfer_args, uint64, int) cxfer.Struct_SS_xfer_future {
			return cxfer.Xfer_delete_bucket(m.m, bucket)
		})
}

func withoutProgress(opts []Option) []Option {
	return append(opts[:len(opts):len(opts)], WithProgress(nil))
}

// failed is a Transfer that never started: Wait returns err at once.
func (m *Manager) failed(bucket, key string, err error) *Transfer {
	return &Transfer{m: m, bucket: bucket, key: key, finished: true,
		res: Result{Bucket: bucket, Key: key}, err: err, stopWatch: func() {}}
}

// submit starts a transfer through call, which gets the C args (nil for none), the handle
// naming cb (0 for none) and whether to report progress. A submission libxfer refuses, or
// one with bad arguments, gives a Transfer whose Wait returns the error.
func (m *Manager) submit(ctx context.Context, bucket, key string, opts []Option, cb *callbacks,
	strs []string, call func(cxfer.Struct_SS_xfer_args, uint64, int) cxfer.Struct_SS_xfer_future) *Transfer {
	if ctx == nil {
		ctx = context.Background()
	}
	for _, s := range append([]string{bucket, key}, strs...) {
		if err := checkString("argument", s); err != nil {
			return m.failed(bucket, key, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return m.failed(bucket, key, &Error{Status: StatusCancelled, Message: "not submitted", Err: err})
	}
	o := collect(opts)
	if o.progress != nil {
		if cb == nil {
			cb = &callbacks{}
		}
		cb.progress = o.progress
	}

	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return m.failed(bucket, key, &Error{Status: StatusState, Message: "the manager is closed", Err: ErrClosed})
	}
	defer lockThread()() // xfer_last_error is per thread
	args, err := o.newCArgs()
	if err != nil {
		return m.failed(bucket, key, err)
	}
	defer cxfer.Xfer_args_free(args) // a transfer copies its args
	var h cgo.Handle
	if cb != nil {
		h = cgo.NewHandle(cb)
	}
	f := call(args, uint64(h), boolInt(o.progress != nil))
	if f.Swigcptr() == 0 {
		e := lastError(StatusInvalid, "the transfer was refused")
		if h != 0 {
			h.Delete()
		}
		return m.failed(bucket, key, e)
	}
	t := &Transfer{m: m, bucket: bucket, key: key, cb: cb, handle: h, f: f}
	m.liveMu.Lock()
	m.live[t] = struct{}{}
	m.liveMu.Unlock()
	t.stopWatch = t.watch(ctx)
	return t
}
