// xfer_test.go: tests of the Go binding against the local Swift server (XFER_TEST_ENV_FILE), checked from outside with s3check.py.

package xfer_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"libxfer.dev/xfer"
)

const chunk = 5 << 20 // multipart threshold and part size of the tests' managers

var (
	bucket string
	prefix string // unique per run
)

func TestMain(m *testing.M) {
	if err := loadEnv(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bucket = os.Getenv("XFER_TEST_BUCKET")
	prefix = fmt.Sprintf("go-%d-%d/", time.Now().UnixNano(), os.Getpid())
	os.Exit(m.Run())
}

// loadEnv reads the `export NAME=VALUE` lines of XFER_TEST_ENV_FILE (written by
// tests/servers/start.sh) unless the variables are already set.
func loadEnv() error {
	file := os.Getenv("XFER_TEST_ENV_FILE")
	if os.Getenv("XFER_TEST_ENDPOINT") != "" || file == "" {
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("XFER_TEST_ENV_FILE: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export "))
		name, value, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		value = strings.Trim(value, `"'`)
		if os.Getenv(name) == "" {
			os.Setenv(name, value)
		}
	}
	return sc.Err()
}

// needServer skips the test when no server is configured at all (a plain `go test`);
// under CTest XFER_TEST_ENV_FILE is always set, and a missing file fails in TestMain.
func needServer(t *testing.T) {
	t.Helper()
	if os.Getenv("XFER_TEST_ENDPOINT") == "" {
		t.Skip("no test server: set XFER_TEST_ENV_FILE (CTest does) or XFER_TEST_ENDPOINT etc.")
	}
}

func config() xfer.Config {
	return xfer.Config{
		Endpoint:           os.Getenv("XFER_TEST_ENDPOINT"),
		Region:             os.Getenv("XFER_TEST_REGION"),
		AccessKeyID:        os.Getenv("XFER_TEST_ACCESS_KEY"),
		SecretAccessKey:    os.Getenv("XFER_TEST_SECRET_KEY"),
		MultipartThreshold: chunk,
		MultipartChunksize: chunk,
	}
}

func newManager(t *testing.T) *xfer.Manager {
	t.Helper()
	needServer(t)
	m, err := xfer.NewManager(config())
	if err != nil {
		t.Fatalf("NewManager: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// deleteKey removes a test object (for defer: `defer m.Delete(...).Wait(...)` would
// submit the delete at once).
func deleteKey(m *xfer.Manager, key string) {
	m.Delete(context.Background(), bucket, key).Wait(context.Background())
}

func keyFor(t *testing.T, name string) string {
	return prefix + strings.ReplaceAll(t.Name(), "/", "_") + "/" + name
}

// s3check runs tests/servers/s3check.py, an S3 client sharing no code with libxfer, and
// decodes its JSON output into out. It fails the test with Errorf, not Fatalf: it also
// runs inside callbacks, where runtime.Goexit must not unwind through the C frames.
func s3check(t *testing.T, out any, args ...string) {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", append([]string{os.Getenv("XFER_TEST_S3CHECK")}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Errorf("s3check %v: %v\n%s", args, err, stderr.String())
		return
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Errorf("s3check %v: %v in %q", args, err, stdout)
	}
}

// openUploads lists the multipart uploads the server holds open for key.
func openUploads(t *testing.T, key string) []string {
	t.Helper()
	var ups []struct {
		Key      string `json:"key"`
		UploadID string `json:"upload_id"`
	}
	s3check(t, &ups, "list-uploads", bucket)
	var ids []string
	for _, u := range ups {
		if u.Key == key {
			ids = append(ids, u.UploadID)
		}
	}
	return ids
}

type object struct {
	Key  string `json:"key"`
	Size int64  `json:"size"`
	ETag string `json:"etag"`
}

// stored returns what the server lists under key, or nil.
func stored(t *testing.T, key string) *object {
	t.Helper()
	var objs []object
	s3check(t, &objs, "list-objects", bucket, key)
	for _, o := range objs {
		if o.Key == key {
			return &o
		}
	}
	return nil
}

// randomReader yields n deterministic pseudo-random bytes in short reads of varying size.
type randomReader struct {
	rng  *rand.Rand
	left int64
}

func newRandomReader(seed, n int64) *randomReader {
	return &randomReader{rng: rand.New(rand.NewSource(seed)), left: n}
}

func (r *randomReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if short := int64(1 + r.rng.Intn(3<<20)); short < n {
		n = short
	}
	if n > r.left {
		n = r.left
	}
	r.rng.Read(p[:n])
	r.left -= n
	return int(n), nil
}

// endless yields a byte pattern forever.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i)
	}
	return len(p), nil
}

// progressLog records progress calls and checks they never go backwards.
type progressLog struct {
	t           *testing.T
	calls       int
	done, total int64
}

func (p *progressLog) fn(done, total int64) {
	if done < p.done {
		p.t.Errorf("progress went back from %d to %d", p.done, done)
	}
	if total >= 0 && done > total {
		p.t.Errorf("progress %d beyond total %d", done, total)
	}
	p.calls++
	p.done, p.total = done, total
}

func asError(t *testing.T, err error) *xfer.Error {
	t.Helper()
	var xe *xfer.Error
	if !errors.As(err, &xe) {
		t.Fatalf("want an *xfer.Error, got %T: %v", err, err)
	}
	return xe
}

// A 64 MiB stream goes up from an io.Reader (in short reads) and comes back through an
// io.Writer byte for byte; progress of both ends at exactly the size.
func TestStreamRoundTrip64MiB(t *testing.T) {
	m := newManager(t)
	ctx := context.Background()
	const size = 64 << 20
	key := keyFor(t, "big")

	sent := sha256.New()
	up := &progressLog{t: t}
	res, err := m.Upload(ctx, io.TeeReader(newRandomReader(64, size), sent), bucket, key,
		xfer.WithProgress(up.fn)).Wait(ctx)
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	t.Cleanup(func() { deleteKey(m, key) })
	if res.Size != size || up.done != size || up.total != size {
		t.Errorf("upload: size %d, progress %d/%d, want %d", res.Size, up.done, up.total, size)
	}
	parts := (size + chunk - 1) / chunk
	if !strings.HasSuffix(res.ETag, fmt.Sprintf("-%d\"", parts)) {
		t.Errorf("ETag %s: want a multipart ETag of %d parts", res.ETag, parts)
	}
	if o := stored(t, key); o == nil || o.Size != size {
		t.Fatalf("server lists %+v, want %d bytes", o, size)
	}

	got := sha256.New()
	down := &progressLog{t: t}
	n := &countingWriter{w: got}
	res, err = m.Download(ctx, bucket, key, n, xfer.WithProgress(down.fn)).Wait(ctx)
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	if res.Size != size || n.n != size || down.done != size || down.total != size {
		t.Errorf("download: size %d, written %d, progress %d/%d, want %d", res.Size, n.n, down.done, down.total, size)
	}
	if !bytes.Equal(sent.Sum(nil), got.Sum(nil)) {
		t.Errorf("downloaded bytes differ from the uploaded ones")
	}
	t.Logf("upload %d progress calls, download %d writes, %d progress calls", up.calls, n.writes, down.calls)
}

type countingWriter struct {
	w         io.Writer
	n, writes int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	c.writes++
	return c.w.Write(p)
}

// The reader is handed the library's part buffer itself, not an intermediate Go buffer:
// the bytes cross into native memory once.
func TestReaderFillsLibraryBuffer(t *testing.T) {
	m := newManager(t)
	ctx := context.Background()
	data := make([]byte, 2*chunk+1000)
	rand.New(rand.NewSource(7)).Read(data)
	src := bytes.NewReader(data)
	var lens []int
	r := readerFunc(func(p []byte) (int, error) {
		lens = append(lens, len(p))
		return src.Read(p)
	})
	key := keyFor(t, "obj")
	if _, err := m.Upload(ctx, r, bucket, key).Wait(ctx); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	defer deleteKey(m, key)
	t.Logf("buffer sizes offered to the reader: %v", lens)
	if len(lens) == 0 || lens[0] < chunk {
		t.Errorf("reads offered %v bytes, want the whole %d-byte part buffer at once", lens, chunk)
	}
	var back bytes.Buffer
	if _, err := m.Download(ctx, bucket, key, &back).Wait(ctx); err != nil || !bytes.Equal(back.Bytes(), data) {
		t.Errorf("Download: %v, %d bytes, equal %v", err, back.Len(), bytes.Equal(back.Bytes(), data))
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// A file upload of three parts reports progress up to exactly its size, and so does the
// file download back.
func TestMultipartProgressReachesSize(t *testing.T) {
	m := newManager(t)
	ctx := context.Background()
	const size = 2*chunk + 123457
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	data := make([]byte, size)
	rand.New(rand.NewSource(3)).Read(data)
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	key := keyFor(t, "file")

	up := &progressLog{t: t}
	res, err := m.UploadFile(ctx, src, bucket, key, xfer.WithProgress(up.fn)).Wait(ctx)
	if err != nil {
		t.Fatalf("UploadFile: %v", err)
	}
	defer deleteKey(m, key)
	if up.calls < 2 || up.done != size || up.total != size {
		t.Errorf("upload progress: %d calls, last %d/%d, want %d/%d", up.calls, up.done, up.total, size, size)
	}
	if res.Size != size || !strings.HasSuffix(res.ETag, "-3\"") || !strings.HasPrefix(res.Checksum, "CRC32:") {
		t.Errorf("result %+v: want %d bytes, 3 parts, a CRC32 checksum", res, size)
	}
	if o := stored(t, key); o == nil || o.Size != size {
		t.Errorf("server lists %+v, want %d bytes", o, size)
	}

	dst := filepath.Join(dir, "dst")
	down := &progressLog{t: t}
	if _, err := m.DownloadFile(ctx, bucket, key, dst, xfer.WithProgress(down.fn)).Wait(ctx); err != nil {
		t.Fatalf("DownloadFile: %v", err)
	}
	if down.done != size || down.total != size {
		t.Errorf("download progress last %d/%d, want %d", down.done, down.total, size)
	}
	if back, err := os.ReadFile(dst); err != nil || !bytes.Equal(back, data) {
		t.Errorf("downloaded file: %v, equal %v", err, bytes.Equal(back, data))
	}
}

// A missing key fails with the service's typed error.
func TestNoSuchKey(t *testing.T) {
	m := newManager(t)
	ctx := context.Background()
	key := keyFor(t, "missing")

	_, err := m.Download(ctx, bucket, key, io.Discard).Wait(ctx)
	xe := asError(t, err)
	if xe.Status != xfer.StatusService || xe.HTTPStatus != 404 || xe.S3Code != "NoSuchKey" ||
		xe.RequestID == "" || xe.Message == "" {
		t.Errorf("Download: got %#v", xe)
	}
	t.Logf("error: %v (request id %s)", err, xe.RequestID)

	path := filepath.Join(t.TempDir(), "out")
	_, err = m.DownloadFile(ctx, bucket, key, path).Wait(ctx)
	if xe := asError(t, err); xe.S3Code != "NoSuchKey" || xe.HTTPStatus != 404 {
		t.Errorf("DownloadFile: got %#v", xe)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("DownloadFile of a missing key left %s (%v)", path, err)
	}
	_, err = m.Copy(ctx, bucket, key, bucket, keyFor(t, "copy")).Wait(ctx)
	if xe := asError(t, err); xe.Status != xfer.StatusService || xe.HTTPStatus != 404 {
		t.Errorf("Copy: got %#v", xe)
	}
}

// cancelAfterParts returns a progress function that, once the server lists an open
// multipart upload for key (after a few parts), calls cancel; it fails the test if that
// never happens within limit bytes.
func cancelAfterParts(t *testing.T, key string, cancel func()) (fn func(done, total int64), seen *bool) {
	seen = new(bool)
	checked, fired := int64(0), false
	return func(done, total int64) {
		if fired || done < checked+2*chunk {
			return
		}
		checked = done
		if ids := openUploads(t, key); len(ids) > 0 {
			*seen, fired = true, true
			cancel()
		} else if done > 40*chunk {
			t.Errorf("no open multipart upload for %s after %d bytes", key, done)
			fired = true
			cancel()
		}
	}, seen
}

// Transfer.Cancel on a running multipart stream upload aborts it: the server keeps no
// open upload, and Wait ends promptly with StatusCancelled.
func TestCancelLeavesNoOpenUpload(t *testing.T) {
	m := newManager(t)
	ctx := context.Background()
	key := keyFor(t, "endless")
	var tr *xfer.Transfer
	var cancelled time.Time
	progress, seen := cancelAfterParts(t, key, func() { cancelled = time.Now(); tr.Cancel() })
	tr = m.Upload(ctx, endless{}, bucket, key, xfer.WithProgress(progress))
	_, err := tr.Wait(ctx)
	took := time.Since(cancelled)
	if !*seen {
		t.Fatalf("the upload never had an open multipart upload to cancel (err %v)", err)
	}
	if xe := asError(t, err); xe.Status != xfer.StatusCancelled {
		t.Errorf("Wait: got %#v, want StatusCancelled", xe)
	}
	if !tr.Done() {
		t.Errorf("Done() is false after Wait")
	}
	if ids := openUploads(t, key); len(ids) != 0 {
		t.Errorf("open uploads left for %s: %v", key, ids)
	}
	if o := stored(t, key); o != nil {
		t.Errorf("a cancelled upload stored %+v", o)
	}
	t.Logf("Wait returned %v after Cancel", took)
	if took > 5*time.Second {
		t.Errorf("Wait returned %v after Cancel", took)
	}
}

// Cancelling a context cancels the transfer, whether it was given at submission or to
// Wait, and whether or not someone is waiting; the error's cause is the context's.
func TestContextCancellation(t *testing.T) {
	m := newManager(t)

	t.Run("submit context", func(t *testing.T) {
		key := keyFor(t, "endless")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		progress, seen := cancelAfterParts(t, key, cancel)
		_, err := m.Upload(ctx, endless{}, bucket, key, xfer.WithProgress(progress)).Wait(context.Background())
		if !*seen {
			t.Fatalf("no open multipart upload was seen (err %v)", err)
		}
		if xe := asError(t, err); xe.Status != xfer.StatusCancelled || !errors.Is(err, context.Canceled) {
			t.Errorf("Wait: got %v (%#v), want StatusCancelled caused by context.Canceled", err, xe)
		}
		if ids := openUploads(t, key); len(ids) != 0 {
			t.Errorf("open uploads left for %s: %v", key, ids)
		}
	})

	t.Run("wait deadline", func(t *testing.T) {
		key := keyFor(t, "endless")
		tr := m.Upload(context.Background(), endless{}, bucket, key)
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := tr.Wait(ctx)
		if xe := asError(t, err); xe.Status != xfer.StatusCancelled || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait: got %v, want StatusCancelled caused by context.DeadlineExceeded", err)
		}
		took := time.Since(start) - 1500*time.Millisecond
		t.Logf("Wait returned %v after its deadline", took)
		if took > 5*time.Second {
			t.Errorf("Wait returned %v after its deadline", took)
		}
		// Waiting again gives the same outcome.
		if _, err2 := tr.Wait(context.Background()); err2 != err {
			t.Errorf("second Wait: %v, want %v", err2, err)
		}
		if ids := openUploads(t, key); len(ids) != 0 {
			t.Errorf("open uploads left for %s: %v", key, ids)
		}
	})

	t.Run("nobody waiting", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		tr := m.Upload(ctx, endless{}, bucket, keyFor(t, "endless"))
		cancel()
		deadline := time.Now().Add(10 * time.Second)
		for !tr.Done() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if !tr.Done() {
			t.Fatalf("not cancelled 10 s after its context was")
		}
		if _, err := tr.Wait(context.Background()); !errors.Is(err, context.Canceled) {
			t.Errorf("Wait: got %v, want context.Canceled", err)
		}
	})

	t.Run("done before submit", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		called := false
		r := readerFunc(func([]byte) (int, error) { called = true; return 0, io.EOF })
		_, err := m.Upload(ctx, r, bucket, keyFor(t, "never")).Wait(context.Background())
		if xe := asError(t, err); xe.Status != xfer.StatusCancelled || !errors.Is(err, context.Canceled) || called {
			t.Errorf("got %v (reader called %v), want StatusCancelled and context.Canceled", err, called)
		}
	})
}

// Eight goroutines run eight transfers at once on one manager. The readers meet at a
// rendezvous that only completes when all eight are inside their callbacks at the same
// time: each on its own waiting goroutine, none serialised behind another.
func TestEightConcurrentTransfers(t *testing.T) {
	m := newManager(t)
	ctx := context.Background()
	const n, size = 8, chunk + chunk/2
	var arrived sync.WaitGroup
	arrived.Add(n)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()

	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			errs <- func() error {
				key := keyFor(t, fmt.Sprintf("%d", i))
				data := make([]byte, size)
				rand.New(rand.NewSource(int64(100 + i))).Read(data)
				src := bytes.NewReader(data)
				first := true
				r := readerFunc(func(p []byte) (int, error) {
					if first {
						first = false
						arrived.Done()
						select {
						case <-all:
						case <-time.After(20 * time.Second):
							return 0, errors.New("the other readers never ran at the same time")
						}
					}
					return src.Read(p)
				})
				res, err := m.Upload(ctx, r, bucket, key).Wait(ctx)
				if err != nil {
					return fmt.Errorf("upload %d: %w", i, err)
				}
				if res.Size != size {
					return fmt.Errorf("upload %d: size %d", i, res.Size)
				}
				var back bytes.Buffer
				if _, err := m.Download(ctx, bucket, key, &back).Wait(ctx); err != nil {
					return fmt.Errorf("download %d: %w", i, err)
				}
				if !bytes.Equal(back.Bytes(), data) {
					return fmt.Errorf("download %d: %d bytes that differ", i, back.Len())
				}
				_, err = m.Delete(ctx, bucket, key).Wait(ctx)
				return err
			}()
		}(i)
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

var errBoom = errors.New("boom from the reader")

// A reader or writer that fails, or panics, fails its transfer with that error: no crash,
// no hang, no open multipart upload, and the manager goes on working.
func TestFailingCallbacks(t *testing.T) {
	m := newManager(t)
	ctx := context.Background()

	// failAfter supplies n bytes, then fails; with key, only once the server shows the
	// multipart upload open, so the failure must abort it. (A failure while
	// CreateMultipartUpload is still in flight is a different case, left to the C tests.)
	failAfter := func(n int64, key string, fail func() (int, error)) io.Reader {
		src := io.LimitReader(endless{}, n)
		return readerFunc(func(p []byte) (int, error) {
			k, err := src.Read(p)
			if err != io.EOF {
				return k, err
			}
			for deadline := time.Now().Add(20 * time.Second); key != "" && len(openUploads(t, key)) == 0; {
				if time.Now().After(deadline) {
					t.Errorf("no open multipart upload for %s", key)
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			return fail()
		})
	}

	t.Run("reader error", func(t *testing.T) {
		key := keyFor(t, "obj")
		_, err := m.Upload(ctx, failAfter(3*chunk, key, func() (int, error) { return 0, errBoom }), bucket, key).Wait(ctx)
		if xe := asError(t, err); !errors.Is(err, errBoom) || xe.Status != xfer.StatusIO {
			t.Errorf("got %v (%#v), want StatusIO caused by errBoom", err, xe)
		}
		if ids := openUploads(t, key); len(ids) != 0 {
			t.Errorf("open uploads left: %v", ids)
		}
		if stored(t, key) != nil {
			t.Errorf("a failed upload stored an object")
		}
	})

	t.Run("reader panics with an error", func(t *testing.T) {
		key := keyFor(t, "obj")
		_, err := m.Upload(ctx, failAfter(3*chunk, key, func() (int, error) { panic(errBoom) }), bucket, key).Wait(ctx)
		var pe *xfer.PanicError
		if !errors.Is(err, errBoom) || !errors.As(err, &pe) || pe.Where != "reader" || len(pe.Stack) == 0 {
			t.Errorf("got %v, want a reader *PanicError wrapping errBoom", err)
		}
		if ids := openUploads(t, key); len(ids) != 0 {
			t.Errorf("open uploads left: %v", ids)
		}
	})

	t.Run("reader panics with a string", func(t *testing.T) {
		_, err := m.Upload(ctx, failAfter(100, "", func() (int, error) { panic("oops") }), bucket, keyFor(t, "obj")).Wait(ctx)
		var pe *xfer.PanicError
		if !errors.As(err, &pe) || pe.Value != "oops" {
			t.Errorf("got %v, want a *PanicError with value \"oops\"", err)
		}
	})

	t.Run("reader returns too much", func(t *testing.T) {
		r := readerFunc(func(p []byte) (int, error) { return len(p) + 1, nil })
		_, err := m.Upload(ctx, r, bucket, keyFor(t, "obj")).Wait(ctx)
		if xe := asError(t, err); xe.Status != xfer.StatusIO || xe.Err == nil {
			t.Errorf("got %#v, want StatusIO with a cause", xe)
		}
	})

	// An object to download for the writer cases.
	key := keyFor(t, "src")
	if _, err := m.Upload(ctx, io.LimitReader(endless{}, 2*chunk), bucket, key).Wait(ctx); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	defer deleteKey(m, key)

	t.Run("writer error", func(t *testing.T) {
		errWrite := errors.New("disk full")
		w := writerFunc(func(p []byte) (int, error) { return 0, errWrite })
		_, err := m.Download(ctx, bucket, key, w).Wait(ctx)
		if xe := asError(t, err); !errors.Is(err, errWrite) || xe.Status != xfer.StatusIO {
			t.Errorf("got %v, want StatusIO caused by the writer's error", err)
		}
	})

	t.Run("short write", func(t *testing.T) {
		w := writerFunc(func(p []byte) (int, error) { return len(p) / 2, nil })
		_, err := m.Download(ctx, bucket, key, w).Wait(ctx)
		if !errors.Is(err, io.ErrShortWrite) {
			t.Errorf("got %v, want io.ErrShortWrite", err)
		}
	})

	t.Run("writer panics", func(t *testing.T) {
		w := writerFunc(func(p []byte) (int, error) { panic("writer bug") })
		_, err := m.Download(ctx, bucket, key, w).Wait(ctx)
		var pe *xfer.PanicError
		if !errors.As(err, &pe) || pe.Where != "writer" {
			t.Errorf("got %v, want a writer *PanicError", err)
		}
	})

	t.Run("progress panics", func(t *testing.T) {
		_, err := m.Download(ctx, bucket, key, io.Discard,
			xfer.WithProgress(func(int64, int64) { panic("progress bug") })).Wait(ctx)
		var pe *xfer.PanicError
		if xe := asError(t, err); xe.Status != xfer.StatusCancelled || !errors.As(err, &pe) || pe.Where != "progress" {
			t.Errorf("got %v, want StatusCancelled caused by a progress *PanicError", err)
		}
	})

	t.Run("manager still works", func(t *testing.T) {
		var back bytes.Buffer
		res, err := m.Download(ctx, bucket, key, &back).Wait(ctx)
		if err != nil || res.Size != 2*chunk || back.Len() != 2*chunk {
			t.Errorf("Download: %v, %d bytes", err, back.Len())
		}
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// Copy and Delete, with extra arguments and metadata checked from outside.
func TestCopyDeleteAndExtraArgs(t *testing.T) {
	m := newManager(t)
	ctx := context.Background()
	src, dst := keyFor(t, "src"), keyFor(t, "dst")
	data := []byte("hello from Go\n")
	if _, err := m.Upload(ctx, bytes.NewReader(data), bucket, src,
		xfer.WithExtraArg("ContentType", "text/plain"), xfer.WithMetadata("origin", "go-test")).Wait(ctx); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	var head struct {
		Headers map[string]string `json:"headers"`
	}
	s3check(t, &head, "head", bucket, src)
	if head.Headers["content-type"] != "text/plain" || head.Headers["x-amz-meta-origin"] != "go-test" {
		t.Errorf("stored headers %v: want content-type text/plain and x-amz-meta-origin go-test", head.Headers)
	}

	res, err := m.Copy(ctx, bucket, src, bucket, dst).Wait(ctx)
	if err != nil || res.ETag == "" {
		t.Fatalf("Copy: %+v, %v", res, err)
	}
	var back bytes.Buffer
	if _, err := m.Download(ctx, bucket, dst, &back).Wait(ctx); err != nil || !bytes.Equal(back.Bytes(), data) {
		t.Errorf("Download of the copy: %v, %q", err, back.String())
	}
	for _, k := range []string{src, dst} {
		if _, err := m.Delete(ctx, bucket, k).Wait(ctx); err != nil {
			t.Errorf("Delete %s: %v", k, err)
		}
		if o := stored(t, k); o != nil {
			t.Errorf("%s still stored after Delete", k)
		}
	}
}

// UploadChunked sends signed aws-chunked bodies. Swift's s3api does not implement them: it
// answers 501 NotImplemented, which a plain upload never gets, so the typed error shows the
// request went out aws-chunked. On a server that verifies chunks (radosgw) the bytes come
// back whole. Either way no multipart upload stays open.
func TestUploadChunked(t *testing.T) {
	needServer(t)
	cfg := config()
	cfg.AWSChunkSize = 64 << 10
	m, err := xfer.NewManager(cfg)
	if err != nil {
		t.Fatalf("NewManager: %v", err)
	}
	defer m.Close()
	ctx := context.Background()
	for _, size := range []int64{1 << 20, chunk + 12345} { // one PUT; two parts
		key := keyFor(t, fmt.Sprint(size))
		data := make([]byte, size)
		rand.New(rand.NewSource(size)).Read(data)
		up := &progressLog{t: t}
		res, err := m.UploadChunked(ctx, bytes.NewReader(data), size, bucket, key, xfer.WithProgress(up.fn)).Wait(ctx)
		if os.Getenv("XFER_TEST_SERVER") == "swift" {
			if xe := asError(t, err); xe.Status != xfer.StatusService || xe.HTTPStatus != 501 || xe.S3Code != "NotImplemented" {
				t.Errorf("size %d on Swift: got %#v, want 501 NotImplemented", size, xe)
			}
			if o := stored(t, key); o != nil {
				t.Errorf("a refused upload stored %+v", o)
			}
		} else {
			if err != nil {
				t.Fatalf("UploadChunked of %d bytes: %v", size, err)
			}
			if res.Size != size || res.Checksum != "" || up.done != size || up.total != size {
				t.Errorf("result %+v, progress %d/%d: want %d bytes and no checksum", res, up.done, up.total, size)
			}
			var back bytes.Buffer
			if _, err := m.Download(ctx, bucket, key, &back).Wait(ctx); err != nil || !bytes.Equal(back.Bytes(), data) {
				t.Errorf("Download: %v, equal %v", err, bytes.Equal(back.Bytes(), data))
			}
			deleteKey(m, key)
		}
		if ids := openUploads(t, key); len(ids) != 0 {
			t.Errorf("open uploads left for %s: %v", key, ids)
		}
	}
	if _, err := m.UploadChunked(ctx, bytes.NewReader(nil), -1, bucket, keyFor(t, "neg")).Wait(ctx); asError(t, err).Status != xfer.StatusInvalid {
		t.Errorf("negative size: %v, want StatusInvalid", err)
	}
	bad := config()
	bad.AWSChunkSize = 100 // below S3's 8 KiB minimum
	if m2, err := xfer.NewManager(bad); err == nil {
		m2.Close()
		t.Errorf("NewManager with AWSChunkSize 100: no error")
	} else if asError(t, err).Status != xfer.StatusInvalid {
		t.Errorf("NewManager with AWSChunkSize 100: %v, want StatusInvalid", err)
	}
}

// Bad arguments fail with StatusInvalid before any request; a closed manager refuses work
// and cancels what runs.
func TestInvalidArgumentsAndClose(t *testing.T) {
	needServer(t)
	ctx := context.Background()

	for name, change := range map[string]func(*xfer.Config){
		"checksum":         func(c *xfer.Config) { c.ChecksumAlgorithm = "MD4" },
		"addressing style": func(c *xfer.Config) { c.AddressingStyle = "sideways" },
		"chunk size":       func(c *xfer.Config) { c.MultipartChunksize = 6 << 40 },
		"concurrency":      func(c *xfer.Config) { c.MaxConcurrency = -1 },
		"NUL":              func(c *xfer.Config) { c.Region = "us\x00east" },
	} {
		cfg := config()
		change(&cfg)
		m, err := xfer.NewManager(cfg)
		if err == nil {
			m.Close()
		}
		if xe := asError(t, err); xe.Status != xfer.StatusInvalid || xe.Message == "" {
			t.Errorf("NewManager with a bad %s: %#v", name, xe)
		}
	}

	m, err := xfer.NewManager(config())
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Upload(ctx, bytes.NewReader(nil), bucket, keyFor(t, "x"), xfer.WithExtraArg("NoSuchArg", "1")).Wait(ctx)
	if xe := asError(t, err); xe.Status != xfer.StatusInvalid || !strings.Contains(xe.Message, "ContentType") {
		t.Errorf("unknown extra argument: %#v, want StatusInvalid listing the valid names", xe)
	}
	_, err = m.Download(ctx, bucket, keyFor(t, "x"), io.Discard, xfer.WithExtraArg("ContentType", "text/plain")).Wait(ctx)
	if asError(t, err).Status != xfer.StatusInvalid {
		t.Errorf("upload-only argument on a download: %v", err)
	}
	if _, err = m.Delete(ctx, bucket, "a\x00b").Wait(ctx); asError(t, err).Status != xfer.StatusInvalid {
		t.Errorf("key with a NUL byte: %v", err)
	}
	if _, err = m.Upload(ctx, nil, bucket, "k").Wait(ctx); asError(t, err).Status != xfer.StatusInvalid {
		t.Errorf("nil reader: %v", err)
	}

	// Close cancels a running transfer (its waiter sees ErrClosed) and releases one nobody
	// waited on.
	unwaited := m.Upload(ctx, endless{}, bucket, keyFor(t, "unwaited"))
	started := make(chan struct{})
	waited := make(chan error, 1)
	go func() {
		// Close once the server shows the multipart upload open: Close must abort it.
		progress, _ := cancelAfterParts(t, keyFor(t, "waited"), func() { close(started) })
		_, err := m.Upload(ctx, endless{}, bucket, keyFor(t, "waited"), xfer.WithProgress(progress)).Wait(ctx)
		waited <- err
	}()
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the waited upload made no progress")
	}
	if err := m.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	select {
	case err := <-waited:
		if xe := asError(t, err); xe.Status != xfer.StatusCancelled || !errors.Is(err, xfer.ErrClosed) {
			t.Errorf("waiter after Close: %v, want StatusCancelled caused by ErrClosed", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the waiter did not return after Close")
	}
	if _, err := unwaited.Wait(ctx); !errors.Is(err, xfer.ErrClosed) {
		t.Errorf("unwaited transfer of a closed manager: %v, want ErrClosed", err)
	}
	if _, err := m.Delete(ctx, bucket, "k").Wait(ctx); asError(t, err).Status != xfer.StatusState || !errors.Is(err, xfer.ErrClosed) {
		t.Errorf("Delete after Close: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for _, k := range []string{"unwaited", "waited"} {
		if ids := openUploads(t, keyFor(t, k)); len(ids) != 0 {
			t.Errorf("open uploads left for %s: %v", k, ids)
		}
	}
}
