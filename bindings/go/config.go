// config.go: Config, the settings of a Manager, and how they map onto an xfer_config.

package xfer

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"libxfer.dev/xfer/internal/cxfer"
)

// Config holds the settings of a Manager. The zero value of a field keeps libxfer's default
// (s3transfer's TransferConfig): region us-east-1, 8 MiB multipart threshold and chunk
// size, 10 threads, 10 in-memory chunks each way, 5 download attempts, CRC32 checksums.
type Config struct {
	// FromEnv first reads the AWS CLI's environment variables and files (AWS_ACCESS_KEY_ID,
	// AWS_REGION, AWS_ENDPOINT_URL, ~/.aws/credentials, ...) for Profile (or AWS_PROFILE,
	// else "default"). The fields below, when set, override what was read. A non-empty
	// Profile implies FromEnv.
	FromEnv bool
	Profile string

	Endpoint        string // e.g. "http://127.0.0.1:9000"; "" is AWS
	Region          string
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// AddressingStyle is "path" or "virtual"; "" is path style for a custom endpoint and
	// virtual-hosted style for AWS.
	AddressingStyle string

	MultipartThreshold        int64  // bytes from which uploads and copies go multipart
	MultipartChunksize        int64  // part size in bytes (at least 5 MiB)
	MaxConcurrency            int    // worker threads
	DisableThreads            bool   // run everything on one worker
	MaxBandwidth              int64  // bytes per second, 0 for no limit
	NumDownloadAttempts       int    // attempts per download range
	MaxInMemoryUploadChunks   int    // part buffers a stream upload may hold
	MaxInMemoryDownloadChunks int    // ranges a stream download may hold
	ChecksumAlgorithm         string // "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "NONE"

	CABundle       string        // PEM file of trusted CAs
	NoVerifyTLS    bool          // do not verify the server's certificate (testing only)
	SignPayload    bool          // sign payloads with SHA-256 even when a checksum protects them
	ConnectTimeout time.Duration // connect timeout (default 10 s)
	AWSChunkSize   int           // payload bytes per signed chunk of UploadChunked (default 64 KiB)
}

// newCConfig builds an xfer_config from c; the caller frees it. The goroutine must be
// locked to its thread (xfer_last_error is per thread).
func (c *Config) newCConfig() (cxfer.Struct_SS_xfer_config, error) {
	cc := cxfer.Xfer_config_new()
	if cc.Swigcptr() == 0 {
		return nil, lastError(StatusNoMemory, "xfer_config_new")
	}
	if err := c.apply(cc); err != nil {
		cxfer.Xfer_config_free(cc)
		return nil, err
	}
	return cc, nil
}

func (c *Config) apply(cc cxfer.Struct_SS_xfer_config) error {
	type step struct {
		what string
		set  func() cxfer.Enum_SS_xfer_status
	}
	var steps []step
	add := func(on bool, what string, set func() cxfer.Enum_SS_xfer_status) {
		if on {
			steps = append(steps, step{what, set})
		}
	}
	for _, s := range []struct{ name, v string }{
		{"Profile", c.Profile}, {"Endpoint", c.Endpoint}, {"Region", c.Region},
		{"AccessKeyID", c.AccessKeyID}, {"SecretAccessKey", c.SecretAccessKey},
		{"SessionToken", c.SessionToken}, {"ChecksumAlgorithm", c.ChecksumAlgorithm},
		{"CABundle", c.CABundle},
	} {
		if err := checkString("Config."+s.name, s.v); err != nil {
			return err
		}
	}
	add(c.FromEnv || c.Profile != "", "load_env", func() cxfer.Enum_SS_xfer_status {
		return cxfer.Xfer_config_load_env(cc, c.Profile)
	})
	add(c.Endpoint != "", "Endpoint", func() cxfer.Enum_SS_xfer_status {
		return cxfer.Xfer_config_set_endpoint(cc, c.Endpoint)
	})
	add(c.Region != "", "Region", func() cxfer.Enum_SS_xfer_status {
		return cxfer.Xfer_config_set_region(cc, c.Region)
	})
	add(c.AccessKeyID != "" || c.SecretAccessKey != "", "credentials", func() cxfer.Enum_SS_xfer_status {
		return cxfer.Xfer_config_set_credentials(cc, c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	})
	switch c.AddressingStyle {
	case "":
	case "path", "virtual":
		add(true, "AddressingStyle", func() cxfer.Enum_SS_xfer_status {
			return cxfer.Xfer_config_set_path_style(cc, boolInt(c.AddressingStyle == "path"))
		})
	default:
		return &Error{Status: StatusInvalid,
			Message: fmt.Sprintf("Config.AddressingStyle %q: want \"path\" or \"virtual\"", c.AddressingStyle)}
	}
	sizes := []struct {
		name string
		v    int64
		u32  bool // a uint32_t in C
		set  func(uint64) cxfer.Enum_SS_xfer_status
	}{
		{"MultipartThreshold", c.MultipartThreshold, false, func(v uint64) cxfer.Enum_SS_xfer_status {
			return cxfer.Xfer_config_set_multipart_threshold(cc, v)
		}},
		{"MultipartChunksize", c.MultipartChunksize, false, func(v uint64) cxfer.Enum_SS_xfer_status {
			return cxfer.Xfer_config_set_multipart_chunksize(cc, v)
		}},
		{"MaxConcurrency", int64(c.MaxConcurrency), true, func(v uint64) cxfer.Enum_SS_xfer_status {
			return cxfer.Xfer_config_set_max_concurrency(cc, uint(v))
		}},
		{"MaxBandwidth", c.MaxBandwidth, false, func(v uint64) cxfer.Enum_SS_xfer_status {
			return cxfer.Xfer_config_set_max_bandwidth(cc, v)
		}},
		{"NumDownloadAttempts", int64(c.NumDownloadAttempts), true, func(v uint64) cxfer.Enum_SS_xfer_status {
			return cxfer.Xfer_config_set_num_download_attempts(cc, uint(v))
		}},
		{"MaxInMemoryUploadChunks", int64(c.MaxInMemoryUploadChunks), true, func(v uint64) cxfer.Enum_SS_xfer_status {
			return cxfer.Xfer_config_set_max_in_memory_upload_chunks(cc, uint(v))
		}},
		{"MaxInMemoryDownloadChunks", int64(c.MaxInMemoryDownloadChunks), true, func(v uint64) cxfer.Enum_SS_xfer_status {
			return cxfer.Xfer_config_set_max_in_memory_download_chunks(cc, uint(v))
		}},
		{"ConnectTimeout", c.ConnectTimeout.Milliseconds(), true, func(v uint64) cxfer.Enum_SS_xfer_status {
			return cxfer.Xfer_config_set_connect_timeout_ms(cc, uint(v))
		}},
		{"AWSChunkSize", int64(c.AWSChunkSize), true, func(v uint64) cxfer.Enum_SS_xfer_status {
			return cxfer.Xfer_config_set_aws_chunk_size(cc, uint(v))
		}},
	}
	for _, s := range sizes {
		s := s
		if s.v < 0 || (s.u32 && s.v > 1<<32-1) {
			return &Error{Status: StatusInvalid, Message: fmt.Sprintf("Config.%s: %d is out of range", s.name, s.v)}
		}
		add(s.v != 0, s.name, func() cxfer.Enum_SS_xfer_status { return s.set(uint64(s.v)) })
	}
	add(c.DisableThreads, "DisableThreads", func() cxfer.Enum_SS_xfer_status {
		return cxfer.Xfer_config_set_use_threads(cc, 0)
	})
	add(c.ChecksumAlgorithm != "", "ChecksumAlgorithm", func() cxfer.Enum_SS_xfer_status {
		return cxfer.Xfer_config_set_checksum_algorithm(cc, c.ChecksumAlgorithm)
	})
	add(c.CABundle != "", "CABundle", func() cxfer.Enum_SS_xfer_status {
		return cxfer.Xfer_config_set_ca_bundle(cc, c.CABundle)
	})
	add(c.NoVerifyTLS, "NoVerifyTLS", func() cxfer.Enum_SS_xfer_status {
		return cxfer.Xfer_config_set_verify_tls(cc, 0)
	})
	add(c.SignPayload, "SignPayload", func() cxfer.Enum_SS_xfer_status {
		return cxfer.Xfer_config_set_sign_payload(cc, 1)
	})
	for _, s := range steps {
		if st := Status(s.set()); st != StatusOK {
			return lastError(st, "")
		}
	}
	return nil
}

// lastError makes an *Error from xfer_last_error(); the goroutine must still be locked to
// the thread of the failed call.
func lastError(st Status, fallback string) *Error {
	msg := cxfer.Xfer_last_error()
	if msg == "" {
		msg = fallback
	}
	return &Error{Status: st, Message: msg}
}

// checkString refuses strings C would cut short at a NUL byte.
func checkString(what, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return &Error{Status: StatusInvalid, Message: what + " contains a NUL byte"}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lockThread pins the goroutine to its OS thread for calls whose error message is
// thread-local (xfer_last_error) and for waits that run callbacks; call the result to undo.
func lockThread() func() {
	runtime.LockOSThread()
	return runtime.UnlockOSThread
}
