//go:build !linux && !windows

package speech

import "os/exec"

// platform: no synthesizer the kiosk knows of, so Available is false.
func platform() backend { return backend{prepare: func(*exec.Cmd) {}} }
