package ui

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// exportView asks where to export the logs or the figures: one big
// button for each USB stick mounted, and a folder path typed on a keyboard
// of its own (Telex off, so "/media/usb" stays as typed) for anything else.
type exportView struct {
	p        *adminPanel
	job      exportJob // what it exports
	dirs     []string  // removable media found
	path     *widget.Entry
	keyboard *Keyboard
	problem  string // a message's key: the typed path is not a full one
}

// exportJob is what an exportView exports: the chooser's title, the
// success message (with {path}) and the Admin method that writes it.
type exportJob struct {
	title, done string // message keys
	call        func(admin Admin, dir string) (string, error)
}

var (
	exportLogs    = exportJob{title: "admin.export.title", done: "admin.export.done", call: Admin.ExportLogs}
	exportFigures = exportJob{title: "admin.figures.export.title", done: "admin.figures.export.done", call: Admin.ExportFigures}
)

func newExportView(p *adminPanel, job exportJob) *exportView {
	v := &exportView{p: p, job: job, dirs: p.media()}
	v.path = widget.NewEntry()
	if runtime.GOOS != "windows" {
		v.path.SetText("/media/")
		v.path.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd}) // type after it
	}
	v.path.OnChanged = func(string) { p.k.activity() }
	v.path.OnSubmitted = func(string) { v.onTyped() }
	v.keyboard = NewKeyboard(p.k.win.Canvas(), func(key string) string { return p.k.tr.T(key) })
	v.keyboard.SetTelex(false)
	v.keyboard.OnDone = v.onTyped
	return v
}

// build puts the sticks on the left and the typed folder on the right,
// both above the keyboard, so neither is hidden under it.
func (v *exportView) build() fyne.CanvasObject {
	k := v.p.k
	tr := k.tr
	back := NewTouchButton(tr.T("admin.export.back"), theme.NavigateBackIcon(), v.onBack)
	title := heading(tr.T(v.job.title))
	hint := wrapped(tr.T("admin.export.hint"))

	var sticks []fyne.CanvasObject
	for _, dir := range v.dirs {
		sticks = append(sticks, NewTouchButton(dir, theme.StorageIcon(), func() { v.export(dir) }))
	}
	if len(v.dirs) == 0 {
		none := wrapped(tr.T("admin.export.none"))
		sticks = append(sticks, none)
	}
	sticks = append(sticks, container.NewHBox(NewTouchButton(tr.T("admin.export.rescan"), theme.ViewRefreshIcon(), v.onRescan)))

	save := NewTouchButton(tr.T("admin.export.save"), theme.DocumentSaveIcon(), v.onTyped)
	save.Importance = widget.HighImportance
	typed := []fyne.CanvasObject{widget.NewLabel(tr.T("admin.export.path")), v.path, container.NewHBox(save)}
	if v.problem != "" {
		problem := widget.NewLabel(tr.T(v.problem))
		problem.Importance, problem.Wrapping = widget.DangerImportance, fyne.TextWrapWord
		typed = append(typed, problem)
	}

	v.keyboard.Refresh() // its labels in the current language
	k.focusAfterShow = v.path
	content := container.NewVBox(container.NewHBox(back, title), hint,
		container.NewGridWithColumns(2, container.NewVBox(sticks...), container.NewVBox(typed...)))
	return container.NewBorder(nil, container.NewThemeOverride(v.keyboard, counter), nil, nil,
		NewTouchScroll(container.NewPadded(content)))
}

func (v *exportView) onBack() {
	v.p.export = nil
	v.p.k.show()
}

func (v *exportView) onRescan() {
	v.dirs = v.p.media()
	v.p.k.show()
}

// onTyped exports to the typed folder, which must be a full path: a
// relative one would land wherever the kiosk happens to run.
func (v *exportView) onTyped() {
	dir := strings.TrimSpace(v.path.Text)
	if !filepath.IsAbs(dir) {
		v.problem = "admin.export.relative"
		v.p.k.show()
		return
	}
	v.export(filepath.Clean(dir))
}

// export closes the chooser and runs the export; its result shows on the
// panel.
func (v *exportView) export(dir string) {
	p, job := v.p, v.job
	p.export = nil
	p.k.show()
	p.run(func(admin Admin) adminResult {
		path, err := job.call(admin, dir)
		if err != nil {
			return adminFailed(exportFailure(err))
		}
		return adminDone(func(tr *translator) string { return tr.T(job.done, "path", path) })
	})
}

// exportFailure says what went wrong with an export in words staff can
// act on: the usual three, a missing folder, no right to write, a full
// stick; anything else is in the log.
func exportFailure(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "admin.export.notfound"
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return "admin.export.denied"
	case errors.Is(err, syscall.ENOSPC):
		return "admin.export.full"
	}
	return "admin.failed"
}

// removableMedia lists where USB sticks are mounted: the mount points under
// /media and /run/media (udisks mounts at /run/media/USER/LABEL or
// /media/USER/LABEL, usbmount at /media/usb0). It reads the mount table,
// so an empty folder left by an unplugged stick is not offered; without
// one (not Linux) it falls back to the folders two levels down.
func removableMedia() []string {
	if raw, err := os.ReadFile("/proc/self/mounts"); err == nil {
		return mediaMounts(raw)
	}
	var out []string
	for _, pattern := range []string{"/media/*/*", "/run/media/*/*"} {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.IsDir() {
				out = append(out, m)
			}
		}
	}
	return out
}

// mediaMounts picks the removable media's mount points from a mount table
// (/proc/self/mounts: device, mount point, …, with spaces written \040).
func mediaMounts(table []byte) []string {
	var out []string
	for line := range strings.Lines(string(table)) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		dir := unescapeMount(f[1])
		if (strings.HasPrefix(dir, "/media/") || strings.HasPrefix(dir, "/run/media/")) && !slices.Contains(out, dir) {
			out = append(out, dir)
		}
	}
	slices.Sort(out)
	return out
}

// unescapeMount undoes the mount table's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
