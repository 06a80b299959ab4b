package offline

import (
	"os"
	"syscall"
)

// reserveRetry is how long a refused save waits before it tries to make
// the reserve again: fallocate costs a system call, and reserves all or
// nothing, so every refused save may try.
const reserveRetry = 0

// allocate makes path a file of size bytes whose blocks the file system
// has given it (fallocate: a truncated file would be sparse, and reserve
// nothing), synced.
func allocate(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := syscall.Fallocate(int(f.Fd()), 0, 0, size); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
