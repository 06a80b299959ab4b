// Package ui is the kiosk's touch-screen interface, in Fyne. It holds no
// domain rules (those live in package kiosk) and talks to nothing but the
// small interfaces it declares, so every screen tests with
// fyne.io/fyne/v2/test and no GL driver.
package ui

import (
	"context"
	"image"
	"maps"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/practice"
)

// Options configure the kiosk's interface.
type Options struct {
	// Lang is the language the kiosk starts in and returns to on reset.
	Lang kiosk.Lang
	// Unit is the counter's name shown in the header, e.g. "UBND xã Tân Phú".
	Unit string
	// Submitter files finished dossiers and Tracker finds filed ones; a
	// kiosk without them offers neither.
	Submitter Submitter
	Tracker   Tracker
	// Drafts saves forms as citizens go and resumes them; nil: no saving.
	Drafts Drafts
	// Feedback takes the rating on the receipt; nil: no rating asked.
	Feedback Feedback
	// Usage counts the dossiers recently filed at this kiosk by procedure:
	// the most used come first in the catalog and in search ties.
	Usage map[string]int
	// Now is the clock of validation, consent and idleness; nil: time.Now.
	Now func() time.Time
	// IdleTimeout is how long without a touch before the kiosk warns
	// (0: never), and IdleWarning how long the warning counts down
	// before the session ends (default DefaultIdleWarning).
	IdleTimeout, IdleWarning time.Duration
	// IdleTicker starts the once-a-second idle check; tests leave it off
	// and call the check with a moved clock.
	IdleTicker bool
	// Linker pairs the kiosk with citizens' phones (sign-in, photos of
	// papers); nil: no phone features are offered.
	Linker Linker
	// Payer takes fees at the kiosk by VietQR; nil: fees are paid at the
	// counter.
	Payer Payer
	// Printer prints receipts; nil: the receipt is shown on screen only.
	Printer Printer
	// Scanner says the kiosk has a document scanner whose pages arrive
	// through AddScan: the papers step then offers to scan each paper.
	Scanner bool
	// Admin and AdminPIN give staff the admin screen, behind a long press
	// on the header's logo and a PIN; without both there is none.
	Admin    Admin
	AdminPIN AdminPIN
	// HelpDesk calls the digital-tech team from the header's help button;
	// nil: no button. Assistants signs team members in for assistant
	// mode; nil: no assistant mode.
	HelpDesk   HelpDesk
	Assistants Assistants
	// Speaker reads each step's instruction aloud; nil, or no voice for
	// the language on screen: no read-aloud buttons.
	Speaker Speaker
	// Recorder keeps the self-service figures; nil: none are kept.
	Recorder Recorder
	// Practice is the set of practice procedures with their sample
	// person; nil: no practice mode.
	Practice *practice.Set
}

// screenID is which screen the kiosk shows.
type screenID int

const (
	screenHome screenID = iota
	screenCatalog
	screenProcedure
	screenConsent
	screenWizard
	screenSending
	screenDone
	screenTrack
	screenResume
	screenIdentity
	screenHandoff
	screenPay
	screenAdmin
	screenEnroll   // the first-run screen of a kiosk not enrolled yet
	screenPractice // the practice procedures
)

// session is what one citizen has done at the kiosk. goHome replaces it
// whole, so nothing of theirs can outlive their session by being forgotten
// in a reset.
type session struct {
	query    string            // the catalog search, kept across screens
	current  *kiosk.Procedure  // the procedure being shown or filed
	journey  *kiosk.Journey    // the form being filled, nil outside the wizard
	consent  time.Time         // when the citizen consented, for the dossier
	receipt  *Receipt          // the last submission's result, on the done screen
	filed    filedFor          // what the receipt is for, kept when the form is cleared
	printing string            // the print's state on the done screen: "", printing, printed or failed
	rated    int               // the rating given on the receipt, 0 before
	rejected map[string]string // the central system's messages on a refused dossier
	tracked  *TrackedDossier   // the last tracking result

	draft         *DraftState // the form as last handed to Drafts
	resumeCode    string      // shown on the form once the draft is saved
	cardBirthDate string      // the applicant's, from a scanned card (dd/mm/yyyy)

	attachments map[string]Attachment  // the form's files by attachment question
	thumbs      map[string]image.Image // their pictures, made once
	scanFor     string                 // the question the next scanned page answers
	scanProblem string                 // what went wrong with the last scan, shown on the papers step

	payment   *payment         // the fee being paid at the kiosk, nil before
	payLater  bool             // the citizen chose to pay at the counter
	links     map[string]*link // the visit's phone links by purpose
	phoneSeen map[string]bool  // the phone's files already brought to the form

	largeText bool // the citizen asked for larger type

	admin *adminSession // staff at the admin screen, nil otherwise

	visit     visit          // what the self-service figures learn of this session
	practice  bool           // a practice run: nothing is saved or sent
	help      *helpCall      // the session's call for help, nil before
	assistant *assistantMode // a team member signed in to guide, nil otherwise
	assistPad *assistPad     // the team member's sign-in, while shown
}

// Kiosk is the whole interface in one window. It owns what the citizen has
// done so far (the search query, the chosen procedure) so that a language
// switch can rebuild the screen without losing any of it.
type Kiosk struct {
	win      fyne.Window
	catalog  *kiosk.Catalog
	calendar *kiosk.Calendar // working days, for the due date a procedure page expects
	index    *kiosk.Index
	usage    map[string]int // dossiers filed here by procedure
	tr       *translator
	unit     string

	opts   Options
	screen screenID
	notice string // a message for the home screen, e.g. after declining consent

	session // what the citizen at the kiosk has done so far

	savedLabel  *widget.Label  // "Đã lưu" on the wizard, updated in place
	catalogView *catalogScreen // the catalog screen last built, updated in place

	// background runs work off the UI goroutine, then its result on it;
	// tests run both at once, as the test driver has no UI goroutine.
	background func(work func() (then func()))
	// post runs a function on the UI goroutine (fyne.Do); tests queue it
	// and run the queue on the test's goroutine.
	post func(func())
	// linkEvery is how often an unused link's QR is replaced (linkRotate),
	// payEvery how often a fee order is polled (payPoll); tests shorten them.
	linkEvery, payEvery time.Duration
	// helpEvery is how often a help request's state is read (helpPoll).
	helpEvery time.Duration

	practiceRuns int // practice receipts made, for their made-up codes

	focusAfterShow fyne.Focusable // the field a screen wants focused once shown
	afterShow      func()         // what a screen does once laid out (scroll to its answer box)
	theme          fyne.Theme     // the app's theme as last set: normal or large type

	keyboard     *Keyboard // one on-screen keyboard, under screens that ask for it; built on first need
	wantKeyboard bool      // the screen being built types text
	keyboardLate bool      // … but only once its box is touched (browsing needs the room)
	keyboardMode Mode
	lastActivity time.Time
	idleWarn     *widget.PopUp // the "are you still there?" countdown
	idleCount    *widget.Label

	sync         *SyncStatus // nil until the sync loop reports
	head         *headerBar  // built once, updated in place
	keyboardView *normalSize // the keyboard at the normal text size, with the keyboard

	saveFailed bool // the last autosave failed; it is being retried

	enrolment *enrollScreen // the first-run screen, on a kiosk not enrolled yet
}

// SetSaved reports an autosave: on success the wizard says "Đã lưu" and
// shows the resume code (if the draft has one); on failure the notice on
// every screen says the kiosk keeps trying. Call it on the UI goroutine.
func (k *Kiosk) SetSaved(resumeCode string, err error) {
	k.SetSaveFailed(err != nil)
	if err != nil || k.draft == nil {
		return
	}
	k.resumeCode = resumeCode
	if k.savedLabel != nil {
		k.savedLabel.SetText(k.savedText())
	}
}

func (k *Kiosk) savedText() string {
	if k.draft == nil || k.draft.ID == "" {
		return ""
	}
	if k.resumeCode == "" {
		return k.tr.T("wizard.saved")
	}
	return k.tr.T("wizard.saved.code", "code", k.resumeCode)
}

// saveDraft hands the form, as it is now, to Drafts.
func (k *Kiosk) saveDraft() {
	if k.opts.Drafts == nil || k.journey == nil || k.practice {
		return
	}
	if k.draft == nil {
		k.draft = &DraftState{}
	}
	d := k.draft
	d.ProcedureID, d.CatalogVersion = k.journey.Procedure().ID, k.catalog.Version
	applicant := k.journey.Applicant()
	d.Answers, d.ConsentAt = k.journey.Answers(), k.consent
	d.Attachments = k.attachmentList()
	d.BirthDate, d.PersonalID = applicant.BirthDate, applicant.PersonalID
	if d.BirthDate == "" {
		d.BirthDate = k.cardBirthDate
	}
	k.opts.Drafts.Save(d)
}

// SetSaveFailed shows or hides, on every screen, the notice that the
// citizen's answers could not be saved on the kiosk yet (disk full,
// read-only). The answers stay in memory and the save is retried; the
// notice says so, so the citizen carries on. Call it on the UI goroutine
// with the autosaver's results.
func (k *Kiosk) SetSaveFailed(failed bool) {
	k.saveFailed = failed
	if k.head == nil {
		return
	}
	if failed {
		k.head.saveBanner.Show()
	} else {
		k.head.saveBanner.Hide()
	}
}

// SyncStatus is what the kiosk shows of its link to the central system.
type SyncStatus struct {
	Online  bool
	Queued  int  // dossiers waiting to be sent
	Blocked bool // the central system refuses this device: staff must act
}

// SetSyncStatus shows the sync loop's latest status in the header. Call it
// on the UI goroutine (fyne.Do). It updates one label in place rather than
// rebuilding the screen, so a citizen's typing is never disturbed.
func (k *Kiosk) SetSyncStatus(st SyncStatus) {
	k.sync = &st
	if k.head != nil {
		k.head.sync.SetText(k.syncText())
	}
}

// SetCalendar replaces the working-day calendar when the central system
// sends days off beyond the built-in table. Call it on the UI goroutine.
func (k *Kiosk) SetCalendar(c *kiosk.Calendar) {
	k.calendar = c
	if k.screen == screenProcedure {
		k.show()
	}
}

// SetCatalog replaces the catalog when the central system sends a new one.
// A citizen looking at the catalog sees it at once, with their search
// kept; one in the middle of a procedure is not interrupted. index is
// kiosk.NewIndex(cat.Procedures), built by the caller off the UI
// goroutine: a large catalog takes tens of milliseconds to index. Call
// SetCatalog on the UI goroutine.
func (k *Kiosk) SetCatalog(cat *kiosk.Catalog, index *kiosk.Index) {
	k.catalog = cat
	k.index = index
	k.index.SetBoost(boosts(k.usage))
	if k.screen == screenCatalog && k.catalogView != nil {
		k.catalogView.catalogChanged()
		return
	}
	if k.journey != nil {
		return // a citizen filling a form keeps the procedure they started
	}
	if k.current != nil {
		if p, ok := cat.Procedure(k.current.ID); ok {
			k.current = p
		}
	}
}

func (k *Kiosk) syncText() string {
	switch st := k.sync; {
	case st == nil:
		return ""
	case st.Blocked:
		return k.tr.T("sync.blocked")
	case !st.Online && st.Queued > 0:
		return k.tr.T("sync.offline.queued", "count", st.Queued)
	case !st.Online:
		return k.tr.T("sync.offline")
	case st.Queued > 0:
		return k.tr.T("sync.sending", "count", st.Queued)
	}
	return k.tr.T("sync.online")
}

// New builds the interface in win over a validated catalog and shows the
// catalog screen.
func New(win fyne.Window, cat *kiosk.Catalog, opts Options) (*Kiosk, error) {
	if opts.Lang == "" {
		opts.Lang = kiosk.VI
	}
	tr, err := newTranslator(opts.Lang)
	if err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	k := &Kiosk{
		win:      win,
		catalog:  cat,
		calendar: kiosk.NewCalendar(),
		index:    kiosk.NewIndex(cat.Procedures),
		usage:    maps.Clone(opts.Usage),
		tr:       tr,
		unit:     opts.Unit,
		opts:     opts,
		background: func(work func() func()) {
			go func() { fyne.Do(work()) }()
		},
		post:      fyne.Do,
		linkEvery: linkRotate,
		payEvery:  payPoll,
		helpEvery: helpPoll,
	}
	if k.usage == nil {
		k.usage = map[string]int{}
	}
	k.index.SetBoost(boosts(k.usage))
	if opts.IdleTimeout > 0 && opts.IdleWarning <= 0 {
		k.opts.IdleWarning = DefaultIdleWarning
	}
	k.head = k.newHeader()
	// The kiosk sets its theme itself, so it looks and measures the same
	// in every app, tests too.
	k.useTheme()
	win.SetTitle(tr.T("app.title"))
	k.show()
	if opts.IdleTicker {
		k.startIdleTicker()
	}
	return k, nil
}

// Theme returns the theme the kiosk is designed for; New sets it on the
// app.
func Theme() fyne.Theme { return counter }

// show rebuilds the current screen in the current language. Every new
// screen is the citizen's doing, so it counts as activity.
func (k *Kiosk) show() {
	k.activity()
	k.focusAfterShow, k.afterShow, k.wantKeyboard, k.keyboardLate = nil, nil, false, false
	for _, l := range k.links {
		l.shown = false
	}
	k.useTheme()
	k.trackStep()
	if k.assistant != nil {
		k.assistant.targets = nil // the screen about to be built registers its own
	}
	body := k.body()
	k.closeHiddenLinks()
	k.refreshHeader()
	var keyboard fyne.CanvasObject
	if k.wantKeyboard {
		k.ensureKeyboard()
		k.keyboard.SetMode(k.keyboardMode)
		k.keyboard.Refresh() // labels in the current language
		keyboard = k.keyboardView.Container
		if k.keyboardLate {
			k.keyboardView.Hide()
		} else {
			k.keyboardView.Show()
		}
	}
	k.win.SetContent(container.NewBorder(k.top(), keyboard, nil, nil, body))
	if k.afterShow != nil {
		k.afterShow()
	}
	k.startCoach()
	if k.focusAfterShow != nil {
		k.win.Canvas().Focus(k.focusAfterShow)
	}
}

// top is what stands above every screen: the header, and the practice
// band and the assistant's coach bar when they are on.
func (k *Kiosk) top() fyne.CanvasObject {
	if !k.practice && k.assistant == nil {
		return k.head.view.Container
	}
	top := container.NewVBox(k.head.view.Container)
	if k.practice {
		top.Add(k.practiceBandView())
	}
	if k.assistant != nil {
		top.Add(k.coachBar())
	}
	return top
}

// ensureKeyboard builds the on-screen keyboard the first time a screen
// wants it, or when WarmUp asks: its 60 keys cost some 10 ms to build, for
// a home screen that types nothing.
func (k *Kiosk) ensureKeyboard() {
	if k.keyboard != nil {
		return
	}
	k.keyboard = NewKeyboard(k.win.Canvas(), func(key string) string { return k.tr.T(key) })
	k.keyboard.OnDone = k.keyboardDone
	// The keyboard keeps the normal text size in large-text mode, so it
	// fits the screen's width (see normalSize).
	k.keyboardView = newNormalSize(k.keyboard)
	k.keyboardView.fit(k.largeText)
}

// WarmUp builds what the first screen does not show but the next ones
// will — the on-screen keyboard — so that neither the start nor the
// citizen's first tap waits for it. Call it on the UI goroutine once the
// home screen is up.
func (k *Kiosk) WarmUp() { k.ensureKeyboard() }

// useKeyboard puts the on-screen keyboard under the screen being built,
// in mode, typing into e (focused once shown). Every text field of the
// kiosk is typed this way: there is no physical keyboard.
func (k *Kiosk) useKeyboard(e *widget.Entry, mode Mode) {
	k.wantKeyboard, k.keyboardMode, k.focusAfterShow = true, mode, e
}

// useKeyboardOnTouch is useKeyboard for a box that is not the point of
// its screen (the catalog's search: most citizens browse): the keyboard
// appears when the box is touched.
func (k *Kiosk) useKeyboardOnTouch(e *touchEntry, mode Mode) {
	k.wantKeyboard, k.keyboardLate, k.keyboardMode = true, true, mode
	e.onFocus = func() {
		if !k.keyboardView.Visible() {
			k.keyboardView.Show()
		}
	}
}

// touchEntry is an Entry that says when a finger focuses it.
type touchEntry struct {
	widget.Entry
	onFocus func()
}

func newTouchEntry() *touchEntry {
	e := &touchEntry{}
	e.ExtendBaseWidget(e)
	return e
}

func (e *touchEntry) entry() *widget.Entry { return &e.Entry }

func (e *touchEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus()
	}
}

// keyboardDone is the keyboard's Done: Enter in the focused field, which
// answers the question or starts the search.
func (k *Kiosk) keyboardDone() {
	if f := k.win.Canvas().Focused(); entryOf(f) != nil {
		f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
}

// useTheme sets the app's theme for the text size the citizen chose. The
// large type is the app's theme rather than an override around each new
// screen: an override lays its content out once more at zero width, and
// wrapped text at zero width is the slowest layout there is (a tap took
// 7 times as long).
func (k *Kiosk) useTheme() {
	want := counter
	if k.largeText {
		want = largeCounter
	}
	if k.theme != want {
		k.theme = want
		fyne.CurrentApp().Settings().SetTheme(want)
		k.head.view.fit(k.largeText)
		if k.keyboardView != nil {
			k.keyboardView.fit(k.largeText)
		}
	}
}

// toggleTextSize switches between normal and large type.
func (k *Kiosk) toggleTextSize() {
	k.largeText = !k.largeText
	k.show()
}

func (k *Kiosk) body() fyne.CanvasObject {
	switch k.screen {
	case screenCatalog:
		return newCatalogScreen(k).build()
	case screenProcedure:
		return newProcedureScreen(k, k.current).build()
	case screenConsent:
		return k.consentScreen()
	case screenWizard:
		return newWizardScreen(k).build()
	case screenSending:
		return k.sendingScreen()
	case screenDone:
		return k.doneScreen()
	case screenTrack:
		return newTrackScreen(k).build()
	case screenResume:
		return newResumeScreen(k).build()
	case screenIdentity:
		return k.identityScreen()
	case screenHandoff:
		return newHandoffScreen(k).build()
	case screenPay:
		return k.payScreen()
	case screenAdmin:
		return k.adminScreen()
	case screenEnroll:
		return k.enrolment.build()
	case screenPractice:
		return k.practiceScreen()
	}
	return k.homeScreen()
}

// detach runs work off the UI goroutine under a timeout, for calls whose
// outcome the screen does not wait for (a rating, speech, a withdrawn
// help request): a failure is no harm to the citizen.
func (k *Kiosk) detach(wait time.Duration, work func(ctx context.Context)) {
	k.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		work(ctx)
		return func() {}
	})
}

// goTo shows another screen.
func (k *Kiosk) goTo(s screenID) {
	k.screen = s
	k.show()
}

// goHome ends the citizen's session: everything they entered leaves the
// kiosk's memory and screen, and the next citizen starts fresh.
func (k *Kiosk) goHome() {
	k.endSession()
	k.session = session{}
	k.goTo(screenHome)
}

// endSession stops everything the citizen's session started — payment,
// phone links, the help request's loop, the sign-in pad, speech — wipes
// their papers and hands the visit to the figures. The caller then
// replaces the session whole.
func (k *Kiosk) endSession() {
	k.endVisit()
	k.stopPayment()
	k.closeLinks()
	k.endHelp()
	k.closeAssistantPad()
	k.stopSpeaking()
	k.wipeAttachments()
}

func (k *Kiosk) setLang(l kiosk.Lang) {
	k.tr.lang = l
	k.show()
}

func (k *Kiosk) openProcedure(p *kiosk.Procedure) {
	k.current = p
	k.goTo(screenProcedure)
}

func (k *Kiosk) backToCatalog() {
	k.current = nil
	if k.practice {
		k.goTo(screenPractice)
		return
	}
	k.goTo(screenCatalog)
}

// boosts turns use counts into the search index's weights.
func boosts(use map[string]int) map[string]float64 {
	out := make(map[string]float64, len(use))
	for id, n := range use {
		out[id] = float64(n)
	}
	return out
}

// mostUsed returns up to n procedures filed here, most used first (ties
// in catalog order).
func (k *Kiosk) mostUsed(n int) []*kiosk.Procedure {
	var out []*kiosk.Procedure
	for i := range k.catalog.Procedures {
		if p := &k.catalog.Procedures[i]; k.usage[p.ID] > 0 {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b *kiosk.Procedure) int { return k.usage[b.ID] - k.usage[a.ID] })
	return out[:min(n, len(out))]
}
