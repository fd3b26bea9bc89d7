// go.mod: the Go module of libxfer's binding (package xfer); no requirements, nothing to download.
module libxfer.dev/xfer

go 1.19
