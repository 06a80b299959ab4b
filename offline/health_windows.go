package offline

import "golang.org/x/sys/windows"

// DiskSpace returns the bytes free for the kiosk's user and the total
// size of the volume holding dir, or -1, -1 if it cannot tell.
func DiskSpace(dir string) (free, total int64) {
	path, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return -1, -1
	}
	var avail, size, allFree uint64
	if err := windows.GetDiskFreeSpaceEx(path, &avail, &size, &allFree); err != nil {
		return -1, -1
	}
	return int64(avail), int64(size)
}
