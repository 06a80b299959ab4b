package offline

import "syscall"

// DiskSpace returns the bytes free for the kiosk and the total size of
// the file system holding dir, or -1, -1 if it cannot tell.
func DiskSpace(dir string) (free, total int64) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return -1, -1
	}
	block := uint64(st.Frsize) // int32 or int64, by architecture
	if block == 0 {
		block = uint64(st.Bsize)
	}
	return int64(st.Bavail * block), int64(st.Blocks * block)
}
