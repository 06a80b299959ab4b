//go:build !linux

package offline

import (
	"os"
	"time"
)

// reserveRetry is how long a refused save waits before it tries to make
// the reserve again: allocate writes 32 MiB of zeros, which takes time
// and, while it runs, fills what room the disk has.
const reserveRetry = time.Minute

// allocate makes path a file of size bytes, written with zeros so that
// the file system gives it its blocks, and synced.
func allocate(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	zeros := make([]byte, 64<<10)
	for written := int64(0); written < size; {
		n, err := f.Write(zeros[:min(int64(len(zeros)), size-written)])
		if err != nil {
			f.Close()
			return err
		}
		written += int64(n)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
