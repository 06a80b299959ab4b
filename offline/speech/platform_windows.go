package speech

import (
	"os/exec"
	"syscall"
)

// createNoWindow (CREATE_NO_WINDOW) keeps powershell.exe, a console
// program, from flashing a console window over the kiosk's full screen.
const createNoWindow = 0x08000000

func platform() backend {
	b := sapiBackend()
	b.prepare = func(cmd *exec.Cmd) {
		cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
	}
	return b
}
