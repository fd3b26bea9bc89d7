// example_test.go: godoc examples of the Go binding (compiled by go vet and go test, not run).

package xfer_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"libxfer.dev/xfer"
)

func Example() {
	m, err := xfer.NewManager(xfer.Config{FromEnv: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	ctx := context.Background()
	f, err := os.Open("backup.tar")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	res, err := m.Upload(ctx, f, "bucket", "backups/backup.tar",
		xfer.WithProgress(func(done, total int64) { fmt.Printf("%d/%d\n", done, total) }),
		xfer.WithExtraArg("StorageClass", "STANDARD_IA")).Wait(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.ETag)
}

func ExampleError() {
	m, err := xfer.NewManager(xfer.Config{FromEnv: true})
	if err != nil {
		return
	}
	defer m.Close()
	ctx := context.Background()
	_, err = m.DownloadFile(ctx, "bucket", "no/such/key", "/tmp/out").Wait(ctx)
	var xe *xfer.Error
	if errors.As(err, &xe) && xe.S3Code == "NoSuchKey" {
		fmt.Println("missing; request id", xe.RequestID)
	}
}
