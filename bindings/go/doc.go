// doc.go: package documentation: ownership, threads and callbacks of the Go binding.

// Package xfer moves objects between local files, Go streams (io.Reader, io.Writer) and any
// S3-compatible service, through libxfer's native thread pool.
//
// Make one Manager per program (or per endpoint and credentials) with NewManager, share it
// between goroutines, and Close it at the end. Each transfer method (UploadFile, Upload,
// UploadChunked, DownloadFile, Download, Copy, Delete) submits the work and returns a *Transfer at once;
// Wait on it for the Result or an error:
//
//	m, err := xfer.NewManager(xfer.Config{Endpoint: "http://127.0.0.1:9000", FromEnv: true})
//	if err != nil { ... }
//	defer m.Close()
//	res, err := m.Upload(ctx, r, "bucket", "key", xfer.WithProgress(show)).Wait(ctx)
//
// # Ownership
//
// A Transfer holds native resources until Wait has returned once (or the Manager is
// closed): wait on every transfer you submit. Wait may be called again, from any
// goroutine; it returns the same Result and error.
//
// # Threads and callbacks
//
// libxfer never runs Go code on its worker threads. The io.Reader of Upload, the io.Writer
// of Download and the progress function are called only while a goroutine is inside Wait,
// on that goroutine (locked to its OS thread for the duration), one call at a time. Hence
// a stream transfer moves data only while someone waits on it, and a callback needs no
// locking of its own. Reads land directly in the library's part buffer and writes are
// handed the library's buffer: bytes cross between Go and native memory once. Neither the
// reader nor the writer may keep the slice after the call returns (as io.Reader and
// io.Writer require anyway). A callback may call Transfer.Cancel, but must not Wait on its
// own transfer, Close the Manager, or call runtime.Goexit (testing.T.FailNow): Goexit
// cannot be recovered and would unwind through libxfer's C frames.
//
// # Errors and cancellation
//
// A failed transfer returns an *Error (use errors.As) carrying the library's Status, the
// HTTP status, S3 error code and request id of a service error. An error returned by the
// reader or writer, or a panic inside one of them or in the progress function, fails the
// transfer with that cause: errors.Is and errors.As see through *Error to it. Cancelling
// the context given to a transfer method or to Wait, or calling Transfer.Cancel, cancels
// the transfer: in-flight requests stop, an open multipart upload is aborted, and Wait
// returns an *Error with StatusCancelled whose cause is the context's error.
package xfer
