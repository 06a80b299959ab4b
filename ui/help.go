package ui

import (
	"context"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Calling for help: the header's help button, on every screen, asks the
// digital-tech team to come to this kiosk. The request names the screen
// and the step, never the citizen, and the button then says the place in
// the queue until someone takes it.

// HelpDesk calls the digital-tech team. Both methods are called off the
// UI goroutine.
type HelpDesk interface {
	// Call puts a help request in the team's queue.
	Call(ctx context.Context, screen, step string) (HelpTicket, error)
	// Ticket reads a request's state and place in the queue again.
	Ticket(ctx context.Context, id string) (HelpTicket, error)
	// Withdraw takes a request out of the queue: the citizen has left.
	Withdraw(ctx context.Context, id string) error
}

// HelpTicket is a help request in the team's queue.
type HelpTicket struct {
	ID, State string // State: HelpOpen, HelpTaken or HelpDone
	Position  int    // in the open queue, 1-based; 0 once taken
}

// Help-request states.
const (
	HelpOpen  = "open"
	HelpTaken = "taken"
	HelpDone  = "done"
)

// helpPoll is how often the kiosk asks whether someone took the request.
const helpPoll = 5 * time.Second

// helpWait bounds one call to the HelpDesk.
const helpWait = 10 * time.Second

// screenNames are the screens as a help request names them: words the
// team knows, stable across languages and versions.
var screenNames = map[screenID]string{
	screenHome: "home", screenCatalog: "catalog", screenProcedure: "procedure",
	screenConsent: "consent", screenWizard: "form", screenSending: "sending",
	screenDone: "receipt", screenTrack: "track", screenResume: "resume",
	screenIdentity: "identity", screenHandoff: "handoff", screenPay: "pay",
	screenAdmin: "admin", screenEnroll: "enrol",
}

// helpCall is this session's help request and the loop that follows it.
type helpCall struct {
	ticket  HelpTicket
	calling bool // the request is on its way
	failed  bool // it could not be sent: the citizen is told to wave
	cancel  context.CancelFunc
	popup   *widget.PopUp
	status  *widget.Label
}

// onHelp is the help button: the first tap calls the team; later taps
// show the request's state again rather than queueing the citizen twice.
func (k *Kiosk) onHelp() {
	k.activity()
	if h := k.help; h != nil && !h.failed && h.ticket.State != HelpDone {
		k.showHelp()
		return
	}
	k.callHelp()
}

// callHelp sends the request and follows it until it is done or the
// session ends.
func (k *Kiosk) callHelp() {
	k.stopHelp()
	h := &helpCall{calling: true}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	k.help = h
	// Counted in the visit's figures; a practice run's help request goes
	// to the team too (it names no one), and counts with the practice.
	k.visit.rec.HelpRequests++
	go h.run(ctx, k, screenNames[k.screen], k.stepName())
	k.showHelp()
}

// endHelp is the session's end: the request leaves the team's queue, so
// no one walks to a kiosk whose citizen has gone.
func (k *Kiosk) endHelp() {
	h := k.help
	if h == nil {
		return
	}
	k.stopHelp()
	if id := h.ticket.ID; id != "" && h.ticket.State != HelpDone {
		desk := k.opts.HelpDesk
		k.detach(helpWait, func(ctx context.Context) {
			_ = desk.Withdraw(ctx, id) // a request left open is the team's to close
		})
	}
}

// stopHelp stops following the request; the team's queue keeps it.
func (k *Kiosk) stopHelp() {
	if h := k.help; h != nil {
		h.cancel()
		if h.popup != nil {
			h.popup.Hide()
		}
	}
}

func (h *helpCall) run(ctx context.Context, k *Kiosk, screen, step string) {
	desk, post, every := k.opts.HelpDesk, k.post, k.helpEvery
	call, cancel := context.WithTimeout(ctx, helpWait)
	t, err := desk.Call(call, screen, step)
	cancel()
	if ctx.Err() != nil {
		return
	}
	post(func() { h.apply(k, t, err != nil) })
	if err != nil {
		return
	}
	for ctx.Err() == nil && t.State != HelpDone {
		sleep(ctx, every)
		call, cancel := context.WithTimeout(ctx, helpWait)
		next, err := desk.Ticket(call, t.ID)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil || next == t {
			continue // a lost poll changes nothing
		}
		t = next
		post(func() { h.apply(k, next, false) })
	}
}

// apply takes the request's news on the UI goroutine.
func (h *helpCall) apply(k *Kiosk, t HelpTicket, failed bool) {
	if k.help != h {
		return // the session ended
	}
	h.calling, h.failed = false, failed
	if !failed {
		h.ticket = t
	}
	k.refreshHeader()
	if h.status != nil {
		h.status.SetText(k.helpStatus())
	}
}

// helpStatus says where the request stands, in a sentence for the popup.
func (k *Kiosk) helpStatus() string {
	h := k.help
	switch {
	case h == nil:
		return ""
	case h.calling:
		return k.tr.T("help.calling")
	case h.failed:
		return k.tr.T("help.failed")
	case h.ticket.State == HelpTaken:
		return k.tr.T("help.taken")
	case h.ticket.State == HelpDone:
		return k.tr.T("help.done")
	}
	return k.tr.T("help.queued", "position", h.ticket.Position)
}

// helpButtonText is the header button's label: the call, or where the
// call stands.
func (k *Kiosk) helpButtonText() string {
	h := k.help
	switch {
	case h == nil || h.failed || h.ticket.State == HelpDone:
		return k.tr.T("help.button")
	case h.calling:
		return k.tr.T("help.button.calling")
	case h.ticket.State == HelpTaken:
		return k.tr.T("help.button.taken")
	}
	return k.tr.T("help.button.queued", "position", h.ticket.Position)
}

// showHelp shows the request's state over the screen, with the way in
// for the team member who comes: assistant mode.
func (k *Kiosk) showHelp() {
	h := k.help
	tr := k.tr
	title := heading(tr.T("help.title"))
	h.status = widget.NewLabel(k.helpStatus())
	h.status.Wrapping = fyne.TextWrapWord
	closeButton := &widget.Button{Text: tr.T("help.close"), Icon: theme.CancelIcon(), Importance: widget.HighImportance}
	buttons := []fyne.CanvasObject{closeButton}
	if k.opts.Assistants != nil && k.assistant == nil {
		buttons = append([]fyne.CanvasObject{&widget.Button{Text: tr.T("assist.signin"), Icon: theme.AccountIcon(), OnTapped: func() {
			h.popup.Hide()
			k.openAssistantPad()
		}}}, buttons...)
	}
	content := container.NewVBox(title, h.status, container.NewGridWithColumns(len(buttons), buttons...))
	h.popup = widget.NewModalPopUp(container.NewStack(popupWidth(), container.NewPadded(content)), k.win.Canvas())
	closeButton.OnTapped = func() { k.activity(); h.popup.Hide() }
	h.popup.Show()
}

// popupWidth keeps a popup wide enough for its sentences to read as
// sentences: a modal popup is only as wide as its content asks.
func popupWidth() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(560, 0))
	return r
}
