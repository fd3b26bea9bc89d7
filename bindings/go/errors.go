// errors.go: Status codes and the *Error type every failed call or transfer returns.

package xfer

import (
	"fmt"
	"runtime/debug"

	"libxfer.dev/xfer/internal/cxfer"
)

// Status is libxfer's result code (xfer_status): 0 is success, errors are negative.
type Status int

// The statuses of libxfer (xfer_status in xfer/xfer.h).
const (
	StatusOK        Status = 0   // success
	StatusInvalid   Status = -1  // an argument is invalid, empty or misplaced
	StatusNoMemory  Status = -2  // out of memory
	StatusIO        Status = -3  // a local file, reader or writer failed
	StatusNetwork   Status = -4  // connection refused or reset, DNS, TLS, truncated body
	StatusService   Status = -5  // the service answered with an error (see HTTPStatus, S3Code)
	StatusChecksum  Status = -6  // data did not match its checksum
	StatusCancelled Status = -7  // cancelled by Cancel, a context, a callback or Close
	StatusTimedOut  Status = -8  // a request stalled
	StatusState     Status = -9  // not valid in this state (e.g. after Close)
	StatusInternal  Status = -10 // a bug in libxfer
)

// String is the library's name for the status, e.g. "XFER_ESERVICE".
func (s Status) String() string {
	return cxfer.Xfer_status_str(cxfer.Enum_SS_xfer_status(s))
}

// Error is a failed call or transfer.
type Error struct {
	Status     Status // what kind of failure
	HTTPStatus int    // HTTP status of the failing response (e.g. 404), or 0
	S3Code     string // S3 error code (e.g. "NoSuchKey"), or ""
	RequestID  string // the service's request id (x-amz-request-id), or ""
	Message    string // libxfer's message
	Err        error  // the cause, if it came from Go: a reader, writer or context error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Status.String()
	}
	if e.Err != nil {
		return fmt.Sprintf("xfer: %s: %v", msg, e.Err)
	}
	return "xfer: " + msg
}

// Unwrap returns the Go cause (reader, writer or context error), if any.
func (e *Error) Unwrap() error { return e.Err }

// PanicError is the cause of a transfer failed by a panic in its reader, writer or
// progress function: the panic is recovered on the waiting goroutine, never crosses the C
// frames below it, and fails the transfer instead.
type PanicError struct {
	Where string // "reader", "writer" or "progress"
	Value any    // what was passed to panic
	Stack []byte // the stack of the panicking goroutine
}

func (p *PanicError) Error() string { return fmt.Sprintf("%s panicked: %v", p.Where, p.Value) }

// Unwrap returns the panic value if it is an error.
func (p *PanicError) Unwrap() error {
	if err, ok := p.Value.(error); ok {
		return err
	}
	return nil
}

func newPanicError(where string, v any) *PanicError {
	return &PanicError{Where: where, Value: v, Stack: debug.Stack()}
}
