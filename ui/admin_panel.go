package ui

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// adminPanel is the admin screen proper: the kiosk's state and the
// actions. Every action runs off the UI goroutine through Admin, which
// logs it, and its result is said in plain words under the buttons.
type adminPanel struct {
	k *Kiosk
	a *adminSession

	status     *AdminStatus   // nil until read
	statusErr  bool           // the last read failed
	figures    *figureSummary // nil until read
	figuresErr bool           // reading the figures failed
	result     adminResult    // the last action's
	busy       bool           // an action is running: the others wait
	confirm    string         // "restart" or "leave", waiting for Có
	export     *exportView    // the folder chooser, while open
	media      func() []string

	statusBox   *fyne.Container
	figuresBox  *fyne.Container
	resultLabel *widget.Label
	actions     []*TouchButton
}

// adminResult is an action's outcome, as text made at each build so a
// language switch translates it too.
type adminResult struct {
	text func(tr *translator) string
	bad  bool
	then func() // on the UI goroutine, after a success
}

func newAdminPanel(k *Kiosk, a *adminSession) *adminPanel {
	return &adminPanel{k: k, a: a, media: removableMedia}
}

func (p *adminPanel) build() fyne.CanvasObject {
	if p.export != nil {
		return p.export.build()
	}
	tr := p.k.tr
	title := heading(tr.T("admin.title"))
	exit := NewTouchButton(tr.T("admin.exit"), theme.LogoutIcon(), p.k.leaveAdmin)
	p.statusBox = container.NewStack(p.statusView())
	p.figuresBox = container.NewStack(p.figuresView())

	p.actions = nil
	action := func(key string, icon fyne.Resource, tapped func()) *TouchButton {
		b := NewTouchButton(tr.T(key), icon, tapped)
		p.actions = append(p.actions, b)
		return b
	}
	actions := container.NewGridWithColumns(3,
		action("admin.sync", theme.ViewRefreshIcon(), p.onSync),
		action("admin.purge", theme.DeleteIcon(), p.onPurge),
		action("admin.export", theme.StorageIcon(), func() { p.openExport(exportLogs) }),
		action("admin.figures.export", theme.DocumentSaveIcon(), func() { p.openExport(exportFigures) }),
		action("admin.restart", theme.MediaReplayIcon(), func() { p.ask("restart") }),
		action("admin.leave", theme.ComputerIcon(), func() { p.ask("leave") }),
	)
	langs := []fyne.CanvasObject{widget.NewLabel(tr.T("admin.lang"))}
	for _, l := range []kiosk.Lang{kiosk.VI, kiosk.EN} {
		b := action("admin.lang."+string(l), nil, func() { p.onLanguage(l) })
		if l == p.k.opts.Lang {
			b.Importance = widget.HighImportance
		}
		langs = append(langs, b)
	}
	p.resultLabel = widget.NewLabel("")
	p.resultLabel.Wrapping = fyne.TextWrapWord
	p.showResult()
	content := container.NewVBox(
		container.NewBorder(nil, nil, nil, exit, title),
		p.statusBox,
		widget.NewSeparator(),
		p.figuresBox,
		widget.NewSeparator(),
		actions,
		container.NewHBox(langs...),
	)
	if p.confirm != "" {
		content.Add(p.confirmRow())
	}
	content.Add(p.resultLabel)
	return NewTouchScroll(container.NewPadded(content))
}

// statusView shows the kiosk's state in two columns of label and value.
func (p *adminPanel) statusView() fyne.CanvasObject {
	tr := p.k.tr
	switch {
	case p.statusErr:
		l := widget.NewLabel(tr.T("admin.status.failed"))
		l.Importance = widget.DangerImportance
		return l
	case p.status == nil:
		return widget.NewLabel(tr.T("admin.loading"))
	}
	st := p.status
	unknown := tr.T("admin.unknown")
	or := func(s string) string {
		if s == "" {
			return unknown
		}
		return s
	}
	size := func(n int64) string {
		if n < 0 {
			return unknown
		}
		return byteSize(n, tr.lang)
	}
	unit := st.Unit
	if unit == "" {
		unit = p.k.unit
	}
	network := p.k.syncText()
	if network == "" {
		network = tr.T("admin.network.unknown")
	}
	lastSync := tr.T("admin.lastsync.never")
	if !st.LastSync.IsZero() {
		lastSync = st.LastSync.Local().Format("15:04 02/01/2006")
	}
	column := func(pairs ...string) fyne.CanvasObject {
		var objs []fyne.CanvasObject
		for i := 0; i+1 < len(pairs); i += 2 {
			value := wrapped(pairs[i+1])
			objs = append(objs, widget.NewLabelWithStyle(tr.T(pairs[i]), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), value)
		}
		return container.New(layout.NewFormLayout(), objs...)
	}
	return container.NewGridWithColumns(2,
		column("admin.device", or(st.DeviceID), "admin.unit", or(unit), "admin.version", or(st.Version), "admin.network", network),
		column("admin.lastsync", lastSync, "admin.outbox", strconv.Itoa(st.Outbox), "admin.drafts", strconv.Itoa(st.Drafts),
			"admin.storage", tr.T("admin.storage.value", "free", size(st.DiskFree), "db", size(st.DBSize))),
	)
}

// load reads the status off the UI goroutine and shows it in place.
func (p *adminPanel) load() {
	k, a, admin := p.k, p.a, p.k.opts.Admin
	k.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), adminWait)
		defer cancel()
		st, err := admin.Status(ctx)
		return func() {
			if !k.adminCurrent(a) || a.panel != p {
				return
			}
			p.status, p.statusErr = &st, err != nil
			if err != nil {
				p.status = nil
			}
			if p.statusBox != nil && p.export == nil {
				p.statusBox.Objects = []fyne.CanvasObject{p.statusView()}
				p.statusBox.Refresh()
			}
		}
	})
}

// run does an action off the UI goroutine, one at a time, then shows its
// result and reads the status again.
func (p *adminPanel) run(work func(Admin) adminResult) {
	if p.busy {
		return
	}
	k, a, admin := p.k, p.a, p.k.opts.Admin
	k.activity()
	p.busy, p.result = true, adminResult{text: func(tr *translator) string { return tr.T("admin.working") }}
	p.showResult()
	k.background(func() func() {
		r := work(admin)
		return func() {
			if !k.adminCurrent(a) || a.panel != p {
				return
			}
			p.busy, p.result = false, r
			if r.then != nil && !r.bad {
				r.then()
			}
			p.showResult()
			p.load()
		}
	})
}

// showResult puts the last result under the buttons, and holds the
// buttons while an action runs.
func (p *adminPanel) showResult() {
	if p.resultLabel == nil {
		return
	}
	text := ""
	if p.result.text != nil {
		text = p.result.text(p.k.tr)
	}
	p.resultLabel.SetText(text)
	p.resultLabel.Importance = widget.MediumImportance
	if p.result.bad {
		p.resultLabel.Importance = widget.DangerImportance
	}
	p.resultLabel.Refresh()
	for _, b := range p.actions {
		if p.busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// adminFailed is the result of an action that did not work. The reason is in
// the log (Admin logs every call); the screen says what to do.
func adminFailed(key string) adminResult {
	return adminResult{bad: true, text: func(tr *translator) string { return tr.T(key) }}
}

func adminDone(text func(tr *translator) string) adminResult { return adminResult{text: text} }

func (p *adminPanel) onSync() {
	p.run(func(admin Admin) adminResult {
		if err := admin.SyncNow(); err != nil {
			return adminFailed("admin.failed")
		}
		return adminDone(func(tr *translator) string { return tr.T("admin.sync.done") })
	})
}

func (p *adminPanel) onPurge() {
	p.run(func(admin Admin) adminResult {
		n, err := admin.PurgeDrafts()
		if err != nil {
			return adminFailed("admin.failed")
		}
		return adminDone(func(tr *translator) string { return tr.T("admin.purge.done", "count", n) })
	})
}

// onLanguage keeps l as the kiosk's language: the next citizen, and every
// reset, starts in it.
func (p *adminPanel) onLanguage(l kiosk.Lang) {
	k := p.k
	p.run(func(admin Admin) adminResult {
		if err := admin.SetDefaultLanguage(l); err != nil {
			return adminFailed("admin.failed")
		}
		r := adminDone(func(tr *translator) string { return tr.T("admin.lang.done", "lang", tr.T("admin.lang."+string(l))) })
		r.then = func() {
			k.opts.Lang = l
			k.show() // the chosen language's button lights up
		}
		return r
	})
}

// ask shows the confirmation row for an action that stops the kiosk.
func (p *adminPanel) ask(what string) {
	p.confirm = what
	p.k.show()
}

func (p *adminPanel) confirmRow() fyne.CanvasObject {
	tr, what := p.k.tr, p.confirm
	question := widget.NewLabelWithStyle(tr.T("admin."+what+".confirm"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	question.Wrapping = fyne.TextWrapWord
	yes := NewTouchButton(tr.T("admin.confirm.yes"), theme.ConfirmIcon(), func() { p.onConfirmed(what) })
	yes.Importance = widget.DangerImportance
	no := NewTouchButton(tr.T("admin.confirm.no"), theme.CancelIcon(), func() { p.ask("") })
	return container.NewBorder(nil, nil, nil, container.NewHBox(yes, no), question)
}

func (p *adminPanel) onConfirmed(what string) {
	p.ask("")
	p.run(func(admin Admin) adminResult {
		call, doneKey := admin.Restart, "admin.restart.done"
		if what == "leave" {
			call, doneKey = admin.LeaveKioskMode, "admin.leave.done"
		}
		if err := call(); err != nil {
			return adminFailed("admin.failed")
		}
		return adminDone(func(tr *translator) string { return tr.T(doneKey) })
	})
}

// openExport opens the folder chooser for job: the logs or the figures.
func (p *adminPanel) openExport(job exportJob) {
	p.k.activity()
	if p.busy {
		return
	}
	p.export = newExportView(p, job)
	p.k.show()
}
