// options.go: per-transfer options: progress function, extra arguments and metadata.

package xfer

import "libxfer.dev/xfer/internal/cxfer"

// Option configures one transfer.
type Option func(*options)

type options struct {
	progress func(done, total int64)
	extra    [][2]string // boto3 ExtraArgs, in the order given
	metadata [][2]string // x-amz-meta-* entries
}

// WithProgress reports progress to fn: bytes done so far (never decreasing) and the total,
// -1 while it is unknown (a stream before its end). fn runs on the goroutine inside Wait,
// about every 100 ms while the numbers change and once more at the end: after a
// successful transfer its last call has done == total. A panic in fn cancels the transfer.
func WithProgress(fn func(done, total int64)) Option {
	return func(o *options) { o.progress = fn }
}

// WithExtraArg sets one request parameter, named as boto3's ExtraArgs: "ContentType",
// "CacheControl", "ACL", "StorageClass", "Tagging", "ServerSideEncryption",
// "SSECustomerKey", "IfMatch", "IfNoneMatch", "VersionId", "ChecksumMode",
// "MetadataDirective", "CopySourceIfMatch", ... An unknown name, or one the operation does
// not take, fails the transfer with StatusInvalid before any request is sent.
func WithExtraArg(name, value string) Option {
	return func(o *options) { o.extra = append(o.extra, [2]string{name, value}) }
}

// WithMetadata sets one entry of the object's user metadata (header x-amz-meta-KEY).
func WithMetadata(key, value string) Option {
	return func(o *options) { o.metadata = append(o.metadata, [2]string{key, value}) }
}

func collect(opts []Option) *options {
	o := &options{}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	return o
}

// newCArgs builds the xfer_args of o, or nil when there are none; the caller frees it.
// The goroutine must be locked to its thread.
func (o *options) newCArgs() (cxfer.Struct_SS_xfer_args, error) {
	if len(o.extra) == 0 && len(o.metadata) == 0 {
		return nil, nil
	}
	for _, kv := range append(append([][2]string{}, o.extra...), o.metadata...) {
		if err := checkString("extra argument "+kv[0], kv[0]+kv[1]); err != nil {
			return nil, err
		}
	}
	a := cxfer.Xfer_args_new()
	if a.Swigcptr() == 0 {
		return nil, lastError(StatusNoMemory, "xfer_args_new")
	}
	for _, kv := range o.extra {
		if st := Status(cxfer.Xfer_args_set(a, kv[0], kv[1])); st != StatusOK {
			cxfer.Xfer_args_free(a)
			return nil, lastError(st, "")
		}
	}
	for _, kv := range o.metadata {
		if st := Status(cxfer.Xfer_args_set_metadata(a, kv[0], kv[1])); st != StatusOK {
			cxfer.Xfer_args_free(a)
			return nil, lastError(st, "")
		}
	}
	return a, nil
}
