package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachConsole gives the Windows build's subcommands (enroll, admin-pin,
// doctor, version) the console they were typed in. The exe is a GUI
// program (no console window flashes up behind the kiosk), so Windows
// hands it none: without this, IT staff see nothing printed and cannot
// type the admin PIN. Started from Explorer or the Shell Launcher there
// is no parent console, and nothing changes; output already redirected
// (PowerShell's Start-Process -RedirectStandardOutput) stays where it goes.
func attachConsole() {
	if h, err := windows.GetStdHandle(windows.STD_OUTPUT_HANDLE); err == nil && h != 0 && h != windows.InvalidHandle {
		return // redirected to a file or a pipe: leave it there
	}
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	attach := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if ok, _, _ := attach.Call(attachParentProcess); ok == 0 {
		return
	}
	if out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = out, out
	}
	if in, err := os.OpenFile("CONIN$", os.O_RDWR, 0); err == nil {
		os.Stdin = in
	}
}
