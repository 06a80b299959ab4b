package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"github.com/rs/zerolog"
)

// windowMode is how the kiosk's window sits on the screen.
type windowMode string

const (
	// windowKiosk fills the screen with no decorations, and refuses to
	// close: a citizen must not be able to leave the kiosk for the
	// desktop. Staff leave it from the admin screen.
	windowKiosk windowMode = "kiosk"
	// windowNormal is an ordinary window, for demos and development.
	windowNormal windowMode = "normal"
)

// newWindow makes the kiosk's one window.
func newWindow(a fyne.App, mode windowMode, log zerolog.Logger) fyne.Window {
	if mode != windowKiosk {
		w := a.NewWindow("Một Cửa Kiosk")
		w.Resize(fyne.NewSize(1280, 800))
		return w
	}
	var w fyne.Window
	if drv, ok := a.Driver().(desktop.Driver); ok {
		w = drv.CreateSplashWindow() // a window without decorations
	} else {
		w = a.NewWindow("Một Cửa Kiosk")
	}
	w.SetTitle("Một Cửa Kiosk")
	w.SetFullScreen(true)
	w.SetCloseIntercept(func() {
		log.Warn().Msg("closing the kiosk window was refused; use the admin screen")
	})
	return w
}
