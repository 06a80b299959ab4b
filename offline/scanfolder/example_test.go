package scanfolder_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/motcua/kiosk/offline/scanfolder"
)

func ExampleWatcher_Run() {
	dir, err := os.MkdirTemp("", "scans")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	// A page the previous citizen scanned and never used.
	old := filepath.Join(dir, "scan_0000.pdf")
	os.WriteFile(old, []byte("%PDF-1.4 the previous citizen's page"), 0o600)

	w := scanfolder.New(dir, scanfolder.Options{Interval: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	events, stopped := make(chan string), make(chan error)
	go func() {
		stopped <- w.Run(ctx,
			func(s scanfolder.Scan) { events <- fmt.Sprintf("scan %s: %s, %d bytes", s.Name, s.MIME, len(s.Data)) },
			func(p scanfolder.Problem) { events <- fmt.Sprintf("problem %s: %s", p.Name, p.Kind) })
	}()

	// Run deletes it at its first look, without handing it over.
	for _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist); _, err = os.Stat(old) {
		time.Sleep(time.Millisecond)
	}
	fmt.Println("previous citizen's page deleted")

	// This citizen scans a page, then drops in a text file named like a photo.
	os.WriteFile(filepath.Join(dir, "scan_0001.pdf"), []byte("%PDF-1.4 giấy khai sinh"), 0o600)
	fmt.Println(<-events)
	os.WriteFile(filepath.Join(dir, "anh.jpg"), []byte("không phải ảnh"), 0o600)
	fmt.Println(<-events)

	// The session ends.
	if err := w.Clear(); err != nil {
		fmt.Println(err)
	}
	left, _ := os.ReadDir(dir)
	fmt.Println("files left:", len(left))

	// The kiosk shuts down.
	cancel()
	fmt.Println("Run:", <-stopped)
	// Output:
	// previous citizen's page deleted
	// scan scan_0001.pdf: application/pdf, 25 bytes
	// problem anh.jpg: not_document
	// files left: 0
	// Run: context canceled
}
