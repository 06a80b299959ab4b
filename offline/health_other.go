//go:build !linux && !windows

package offline

// diskSpace cannot tell the free space on this system: -1, -1 (unknown).
func diskSpace(string) (free, total int64) { return -1, -1 }
