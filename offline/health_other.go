//go:build !linux && !windows

package offline

// DiskSpace cannot tell the free space on this system: -1, -1 (unknown).
func DiskSpace(string) (free, total int64) { return -1, -1 }
