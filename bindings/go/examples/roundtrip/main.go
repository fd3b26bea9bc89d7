// main.go: example: stream 12 MiB up to S3 and back with the Go binding of libxfer, then delete it.

// Usage: roundtrip BUCKET [KEY]
//
// Settings come from the AWS CLI's environment (AWS_ENDPOINT_URL, AWS_REGION,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/...). Ctrl-C cancels.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"libxfer.dev/xfer"
)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: roundtrip BUCKET [KEY]")
		os.Exit(2)
	}
	bucket := os.Args[1]
	key := fmt.Sprintf("examples/go-roundtrip-%d", time.Now().UnixNano())
	if len(os.Args) == 3 {
		key = os.Args[2]
	}
	if err := run(bucket, key); err != nil {
		fmt.Fprintln(os.Stderr, "roundtrip:", err)
		os.Exit(1)
	}
}

func run(bucket, key string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	m, err := xfer.NewManager(xfer.Config{FromEnv: true, MultipartChunksize: 5 << 20})
	if err != nil {
		return err
	}
	defer m.Close()
	fmt.Printf("libxfer %s\n", xfer.Version())

	data := make([]byte, 12<<20)
	if _, err := rand.Read(data); err != nil {
		return err
	}

	// Upload from an io.Reader; the reader and the progress function run inside Wait.
	progress := func(done, total int64) { fmt.Printf("\rupload: %d of %d bytes", done, total) }
	up, err := m.Upload(ctx, bytes.NewReader(data), bucket, key,
		xfer.WithProgress(progress), xfer.WithExtraArg("ContentType", "application/octet-stream"),
		xfer.WithMetadata("example", "roundtrip")).Wait(ctx)
	fmt.Println()
	if err != nil {
		return err
	}
	fmt.Printf("uploaded s3://%s/%s: %d bytes, ETag %s, %s\n", bucket, key, up.Size, up.ETag, up.Checksum)

	// Download into an io.Writer.
	var back bytes.Buffer
	down, err := m.Download(ctx, bucket, key, &back).Wait(ctx)
	if err != nil {
		return err
	}
	if !bytes.Equal(back.Bytes(), data) {
		return fmt.Errorf("downloaded %d bytes that differ from the %d uploaded", back.Len(), len(data))
	}
	fmt.Printf("downloaded %d bytes: identical\n", down.Size)

	if _, err := m.Delete(ctx, bucket, key).Wait(ctx); err != nil {
		return err
	}
	fmt.Println("deleted")

	// The object is gone: the service's error comes back typed.
	_, err = m.Download(ctx, bucket, key, &back).Wait(ctx)
	var xe *xfer.Error
	if !errors.As(err, &xe) || xe.S3Code != "NoSuchKey" {
		return fmt.Errorf("download after delete: want NoSuchKey, got %v", err)
	}
	fmt.Printf("download after delete: %s (HTTP %d, %s, request id %s)\n", xe.Status, xe.HTTPStatus, xe.S3Code, xe.RequestID)
	return nil
}
