// callbacks.go: the Go ends of the C trampolines in bindings/swig/xfer_go.i (read, write, progress).

// Package cxfer is the SWIG-generated module for libxfer's C API (xfer.go and xfer_wrap.c,
// generated at build time from bindings/swig/xfer_go.i) plus this file. It is internal: the
// package libxfer.dev/xfer is the API to use.
package cxfer

/*
#cgo LDFLAGS: -lxfer
#include <stddef.h>
#include <stdint.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// Callbacks is the Go state of one transfer, named by the cgo.Handle given as user data to
// the Xfer_go_* functions. Its methods run on the goroutine that is inside
// Xfer_future_wait, one at a time; they must not panic (the caller recovers and records).
type Callbacks interface {
	// Read fills p (the library's own part buffer: the bytes land there directly) and
	// returns how many bytes it wrote, 0 at the end of the stream, < 0 to fail.
	Read(p []byte) int64
	// Write receives the next bytes of the object at offset; p is only valid during the
	// call. It returns 0 to go on, non-zero to fail the download.
	Write(p []byte, offset uint64) int
	// Progress reports bytes done and total (^uint64(0) while unknown); non-zero cancels.
	Progress(done, total uint64) int
}

func lookup(h C.uint64_t) Callbacks {
	return cgo.Handle(uintptr(h)).Value().(Callbacks)
}

// bytesAt views C memory as a slice without copying.
func bytesAt(p *C.uint8_t, n C.size_t) []byte {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

//export xferGoRead
func xferGoRead(h C.uint64_t, buf *C.uint8_t, n C.size_t) C.int64_t {
	return C.int64_t(lookup(h).Read(bytesAt(buf, n)))
}

//export xferGoWrite
func xferGoWrite(h C.uint64_t, data *C.uint8_t, n C.size_t, offset C.uint64_t) C.int {
	return C.int(lookup(h).Write(bytesAt(data, n), uint64(offset)))
}

//export xferGoProgress
func xferGoProgress(h C.uint64_t, done, total C.uint64_t) C.int {
	return C.int(lookup(h).Progress(uint64(done), uint64(total)))
}
