package main

import (
	"bytes"
	"context"
	"image"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/logging"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/ui"
)

// walkAnswer is what a citizen types or taps for one question: keys are
// the on-screen keys in Telex ("Traanf" types "Trần"), want is what the
// box then holds; for a choice, want is the option's value.
type walkAnswer struct {
	keys, want string
	telexOff   bool // an e-mail address: Telex would make "ee" an "ê"
}

// walk is the kiosk wired as `kiosk --demo` wires it — the real offline
// store, autosaver, outbox and sync loop, central.Client and the reference
// server on loopback — in fyne's test window, with fyne.Do from other
// goroutines queued for the test goroutine (uiLoop).
type walk struct {
	b    *backend
	k    *ui.Kiosk
	cfg  config
	w    fyne.Window
	loop *uiLoop
	logs *walkLog
	t    *testing.T
}

// startWalk starts a walk; change, when set, may alter the interface's
// options (a test's own Linker) before the kiosk is built.
func startWalk(t *testing.T, change func(*ui.Options)) *walk {
	t.Helper()
	a := test.NewTempApp(t)
	logs := &walkLog{}
	cfg, err := parseFlags([]string{"--demo", "--data-dir", t.TempDir()}, logs)
	if err != nil {
		t.Fatal(err)
	}
	log, err := logging.New(logs, logging.Options{Format: cfg.logFormat, Level: cfg.logLevel})
	if err != nil {
		t.Fatal(err)
	}
	b, err := openBackend(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.close) // cleanups run last first: the loop stops, the window closes, then the backend
	loop := startUILoop(a)
	w := newWindow(fyne.CurrentApp(), cfg.window, log)
	t.Cleanup(w.Close) // stops the idle ticker
	t.Cleanup(loop.stop)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kiosk log:\n%s", logs.String())
		}
	})
	opts := b.uiOptions(cfg)
	if change != nil {
		change(&opts)
	}
	k, err := ui.New(w, b.catalog, opts)
	if err != nil {
		t.Fatal(err)
	}
	b.start(k, cfg)
	return &walk{b: b, k: k, cfg: cfg, w: w, loop: loop, logs: logs, t: t}
}

// procedure is the demo catalog's procedure id.
func (wk *walk) procedure(id string) *kiosk.Procedure {
	wk.t.Helper()
	p, ok := wk.b.catalog.Procedure(id)
	if !ok {
		wk.t.Fatalf("the reference server's catalog has no %s", id)
	}
	return p
}

// submit sends the form from the check page and returns the dossier's
// code, once the receipt shows the one code the reference server filed
// for p.
func (wk *walk) submit(dr *walker, p *kiosk.Procedure) string {
	t := wk.t
	t.Helper()
	dr.tap("Gửi hồ sơ")
	if dr.shows("Còn thông tin chưa đúng") {
		t.Fatalf("the check page refuses to send; shown %q", dr.texts())
	}
	dr.waitShows("Đã nộp hồ sơ thành công")
	filed, err := wk.b.demo.server.Dossiers()
	if err != nil || len(filed) != 1 {
		t.Fatalf("the reference server holds %d dossiers (%v); want the one filed", len(filed), err)
	}
	code := filed[0].Code
	if filed[0].ProcedureID != p.ID || dr.labelAfter("Mã hồ sơ của bạn:") != code {
		t.Fatalf("the receipt shows code %q; the server filed %+v", dr.labelAfter("Mã hồ sơ của bạn:"), filed[0])
	}
	return code
}

// TestWalkBirthRegistration walks a khai sinh the way a citizen does, on
// the kiosk wired as `kiosk --demo` wires it: the real offline store,
// autosaver, outbox and sync loop, central.Client and the reference
// server on loopback. Only the window is fyne's test window.
func TestWalkBirthRegistration(t *testing.T) {
	wk := startWalk(t, nil)
	b, w, loop, logs := wk.b, wk.w, wk.loop, wk.logs
	p := wk.procedure("dang-ky-khai-sinh")
	dr := &walker{t: t, w: w, loop: loop}

	// The first sync fetches the catalog again: let it land on the home
	// screen. On the catalog screen Kiosk.SetCatalog rebuilds the screen,
	// which takes the focus from the search box and hides the keyboard.
	dr.waitShows("Đã kết nối")

	// Home → file a dossier → search on the on-screen keyboard.
	dr.tapCard("Nộp hồ sơ")
	search := dr.searchBox()
	if dr.keyboardShown() {
		t.Error("the keyboard covers the catalog before the search box is touched")
	}
	dr.touch(search)
	if !dr.keyboardShown() {
		t.Fatal("touching the search box does not bring up the keyboard")
	}
	dr.typeKeys("khai sinh")
	if got, _ := textOf(search); got != "khai sinh" || !dr.shows("Tìm thấy") {
		t.Fatalf("after typing \"khai sinh\" the box holds %q; shown %q", got, dr.texts())
	}
	dr.tapCard(p.Name.VI)
	dr.tap("Bắt đầu làm hồ sơ")
	if !dr.shows("Luật Bảo vệ dữ liệu cá nhân năm 2025") {
		t.Fatalf("no consent before the form; shown %q", dr.texts())
	}
	dr.tap("Tôi đồng ý")
	dr.tap("Không có thẻ — tự nhập thông tin")

	childDOB := kiosk.FormatDate(time.Now().AddDate(0, 0, -7))
	answers := map[string]walkAnswer{
		"child_name":             {keys: "Traanf Minh An", want: "Trần Minh An"},
		"child_dob":              {keys: childDOB, want: childDOB},
		"child_sex":              {want: "nam"},
		"child_birthplace":       {keys: "Beenhj vieenj DDa khoa tinhr", want: "Bệnh viện Đa khoa tỉnh"},
		"child_ethnicity":        {want: "kinh"},
		"child_hometown":         {keys: "Haf Nooij", want: "Hà Nội"},
		"mother_name":            {keys: "Nguyeenx Thij Mai", want: "Nguyễn Thị Mai"},
		"mother_id":              {keys: "001190012345", want: "001190012345"}, // Hà Nội, a woman born in 1990
		"mother_dob":             {keys: "05/09/1990", want: "05/09/1990"},
		"father_name":            {keys: "Traanf Vawn Binhf", want: "Trần Văn Bình"},
		"father_id":              {keys: "001088012346", want: "001088012346"}, // Hà Nội, a man born in 1988
		"father_dob":             {keys: "12/03/1988", want: "12/03/1988"},
		"parents_married":        {want: "yes"},
		"applicant_name":         {keys: "Nguyeenx Thij Mai", want: "Nguyễn Thị Mai"},
		"applicant_id":           {keys: "001190012345", want: "001190012345"},
		"applicant_relationship": {want: "me"},
		"extract_copies":         {keys: "0", want: "0"},
		"applicant_phone":        {keys: "0912345678", want: "0912345678"},
		"applicant_email":        {keys: "mai.nguyen@example.vn", want: "mai.nguyen@example.vn", telexOff: true},
	}
	dr.answerAll(p, answers)

	// Check your answers: every answer read back, saved with a resume code.
	for _, text := range []string{"Trần Minh An", childDOB, "Bệnh viện Đa khoa tỉnh", "Hà Nội", "Nguyễn Thị Mai",
		"001190012345", "Trần Văn Bình", "Mẹ", "Kinh", "0912345678", "mai.nguyen@example.vn"} {
		if !dr.shows(text) {
			t.Errorf("the check page does not show %q; shown %q", text, dr.texts())
		}
	}
	dr.waitShows("Đã lưu · Mã tiếp tục:")
	if drafts, err := b.store.ListDrafts(); err != nil || len(drafts) != 1 || !drafts[0].Resumable {
		t.Errorf("before submitting, the store's drafts = %+v, %v; want the one form, resumable", drafts, err)
	}

	code := wk.submit(dr, p) // the code on the screen is the one the reference server issued
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := b.client.Dossier(ctx, code)
	if err != nil {
		t.Fatalf("the server does not find %s: %v", code, err)
	}
	if !strings.HasPrefix(d.TrackingURL, b.demo.url+"/t/") {
		t.Errorf("tracking URL %q; want the reference server's /t/ page", d.TrackingURL)
	}
	if due := "Hẹn trả kết quả: " + displayDate(d.DueDate); !dr.shows(due) {
		t.Errorf("the receipt does not say %q; shown %q", due, dr.texts())
	}
	if !dr.showsQR(d.TrackingURL) {
		t.Errorf("the receipt has no QR code of %s", d.TrackingURL)
	}
	// The dossier went through the outbox, and the draft left with it.
	items, err := b.store.Outbox()
	if err != nil || len(items) != 1 || items[0].State != offline.Accepted || items[0].Code != code {
		t.Errorf("outbox = %+v, %v; want one item accepted as %s", items, err, code)
	}
	if drafts, err := b.store.ListDrafts(); err != nil || len(drafts) != 0 {
		t.Errorf("after submitting, the store still has drafts %+v, %v", drafts, err)
	}

	// Home wipes the citizen's data from the screen.
	dr.tap("Về trang chủ")
	for _, secret := range []string{"Trần Minh An", "001190012345", "0912345678", code} {
		if dr.shows(secret) {
			t.Errorf("after going home the screen still shows %q", secret)
		}
	}

	// Track it back: type the code on the on-screen keyboard.
	dr.tapCard("Tra cứu hồ sơ")
	box := dr.focusedEntry()
	dr.typeKeys(code)
	if box.Text != code {
		t.Fatalf("the tracking box holds %q; want %q", box.Text, code)
	}
	dr.tapKey("Xong")
	today := kiosk.FormatDate(time.Now())
	dr.waitShows("• " + today + " — Đã tiếp nhận")
	for _, text := range []string{code, p.Name.VI, "Đã tiếp nhận", "Hẹn trả kết quả: " + displayDate(d.DueDate)} {
		if !dr.shows(text) {
			t.Errorf("the tracking result does not show %q; shown %q", text, dr.texts())
		}
	}

	// Nothing personal in the kiosk's log (design §5: masked by type).
	for _, secret := range []string{"001190012345", "Nguyễn Thị Mai", "Trần Minh An", "0912345678", "mai.nguyen@example.vn"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// answerAll answers the wizard page by page until the check page, making
// one mistake on the mother's ID number and fixing it.
func (dr *walker) answerAll(p *kiosk.Procedure, answers map[string]walkAnswer) {
	t := dr.t
	t.Helper()
	mistake := true
	last := ""
	for range 2 * len(p.Form) {
		progress := dr.progress()
		if progress == "" && !dr.shows("Kiểm tra lại thông tin") {
			t.Fatalf("a wizard page without its progress; shown %q", dr.texts())
		}
		if progress == last && progress != "" {
			t.Fatalf("the wizard stayed on %s; shown %q", progress, dr.texts())
		}
		last = progress
		if dr.shows("Kiểm tra lại thông tin") {
			return
		}
		if dr.shows("Giấy tờ cần có") {
			dr.tap("Tiếp tục") // the birth notice is handed over at the counter
			continue
		}
		f := dr.question(p)
		a, ok := answers[f.ID]
		switch {
		case !ok:
			dr.tap("Bỏ qua câu này")
		case f.Kind == kiosk.KindSelect:
			dr.tap(optionLabel(t, f, a.want))
		case f.Kind == kiosk.KindYesNo:
			dr.tap(map[string]string{"yes": "Có", "no": "Không"}[a.want])
		case f.ID == "mother_id" && mistake:
			mistake = false
			dr.typeAnswer(f, walkAnswer{keys: a.keys[:11], want: a.want[:11]})
			dr.tapKey("Xong")
			msg := "Số định danh phải có đúng 12 chữ số. Bạn đã nhập 11 chữ số."
			if dr.progress() != progress || !dr.besideQuestion(f, msg) {
				t.Fatalf("after 11 digits: %s, shown %q; want %q next to the question", dr.progress(), dr.texts(), msg)
			}
			dr.typeAnswer(f, walkAnswer{keys: a.keys[11:], want: a.want})
			dr.tapKey("Xong")
		default:
			dr.typeAnswer(f, a)
			dr.tapKey("Xong")
		}
	}
	t.Fatalf("the wizard does not reach the check page; shown %q", dr.texts())
}

// question is the form field the page asks, found by its label.
func (dr *walker) question(p *kiosk.Procedure) *kiosk.Field {
	dr.t.Helper()
	for i := range p.Form {
		f := &p.Form[i]
		if f.Kind != kiosk.KindAttachment && dr.find(func(o fyne.CanvasObject) bool {
			l, ok := o.(*widget.Label)
			return ok && l.Text == f.Label.VI
		}) != nil {
			return f
		}
	}
	dr.t.Fatalf("a page asking no question of the form; shown %q", dr.texts())
	return nil
}

// typeAnswer types keys into the focused box: digits on the number pad the
// kiosk shows for numbers, e-mail with Telex off.
func (dr *walker) typeAnswer(f *kiosk.Field, a walkAnswer) {
	t := dr.t
	t.Helper()
	box := dr.focusedEntry()
	numeric := f.Kind == kiosk.KindPersonalID || f.Kind == kiosk.KindPhone || f.Kind == kiosk.KindDate || f.Kind == kiosk.KindNumber
	if _, pad := dr.keys()["0"]; pad != numeric {
		t.Errorf("%s: number pad shown %v; want %v", f.ID, pad, numeric)
	}
	if a.telexOff {
		dr.tapKey("Telex: bật")
		defer dr.tapKey("Telex: tắt")
	}
	dr.typeKeys(a.keys)
	if box.Text != a.want {
		t.Fatalf("%s: typing %q gave %q; want %q", f.ID, a.keys, box.Text, a.want)
	}
}

func optionLabel(t *testing.T, f *kiosk.Field, value string) string {
	t.Helper()
	for _, o := range f.Options {
		if o.Value == value {
			return o.Label.VI
		}
	}
	t.Fatalf("%s has no option %q", f.ID, value)
	return ""
}

// walker drives the kiosk's window as a citizen does, finding widgets by
// what they say, never by where they sit in the tree.
type walker struct {
	t    *testing.T
	w    fyne.Window
	loop *uiLoop
}

// walkTree calls fn for every visible object under root, depth first in
// screen order, with its ancestors (nearest last). Labels, buttons and
// text boxes are leaves: what a citizen reads of them is their text.
func walkTree(root fyne.CanvasObject, fn func(o fyne.CanvasObject, parents []fyne.CanvasObject)) {
	walkObjects(root, false, fn)
}

// walkObjects is walkTree, with the hidden objects too if hidden is set.
func walkObjects(root fyne.CanvasObject, hidden bool, fn func(o fyne.CanvasObject, parents []fyne.CanvasObject)) {
	var parents []fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !hidden && !o.Visible() {
			return
		}
		fn(o, parents)
		if isLeaf(o) {
			return
		}
		var children []fyne.CanvasObject
		switch v := o.(type) {
		case *fyne.Container:
			children = v.Objects
		case fyne.Widget:
			children = test.WidgetRenderer(v).Objects()
		}
		parents = append(parents, o)
		for _, c := range children {
			walk(c)
		}
		parents = parents[:len(parents)-1]
	}
	walk(root)
}

func isLeaf(o fyne.CanvasObject) bool {
	switch o.(type) {
	case *widget.Label, *widget.Button, *ui.TouchButton, *widget.RichText:
		return true
	}
	_, entry := o.(interface{ SetPlaceHolder(string) })
	return entry
}

// textOf is what a citizen reads on o, if it is text.
func textOf(o fyne.CanvasObject) (string, bool) {
	switch v := o.(type) {
	case *widget.Label:
		return v.Text, true
	case *widget.Button:
		return v.Text, v.Text != ""
	case *ui.TouchButton:
		return v.Text, v.Text != ""
	case *widget.RichText:
		return v.String(), true
	case *canvas.Text: // drawn directly, as the practice band is
		return v.Text, true
	case interface{ SetPlaceHolder(string) }:
		// widget.Entry, and the kiosk's own entries that embed one.
		if f := reflect.ValueOf(v).Elem().FieldByName("Text"); f.IsValid() && f.Kind() == reflect.String {
			return f.String(), true
		}
	}
	return "", false
}

// texts lists the screen's texts in order, without the keyboard's keys.
func (dr *walker) texts() []string {
	var out []string
	walkTree(dr.w.Content(), func(o fyne.CanvasObject, parents []fyne.CanvasObject) {
		if s, ok := textOf(o); ok && !underKeyboard(parents) {
			out = append(out, s)
		}
	})
	return out
}

func underKeyboard(parents []fyne.CanvasObject) bool {
	for _, p := range parents {
		if _, ok := p.(*ui.Keyboard); ok {
			return true
		}
	}
	return false
}

func (dr *walker) shows(text string) bool {
	for _, s := range dr.texts() {
		if strings.Contains(s, text) {
			return true
		}
	}
	return false
}

// find returns the first visible object ok accepts, or nil.
func (dr *walker) find(ok func(fyne.CanvasObject) bool) fyne.CanvasObject {
	var found fyne.CanvasObject
	walkTree(dr.w.Content(), func(o fyne.CanvasObject, _ []fyne.CanvasObject) {
		if found == nil && ok(o) {
			found = o
		}
	})
	return found
}

// waitShows lets the kiosk's background work report (see uiLoop) until
// text is on screen, for up to 10 s.
func (dr *walker) waitShows(text string) {
	dr.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		dr.loop.run()
		if dr.shows(text) {
			return
		}
		if time.Now().After(deadline) {
			dr.t.Fatalf("waited 10 s for %q; shown %q", text, dr.texts())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// tap taps the button — plain or touch — labelled exactly label.
func (dr *walker) tap(label string) {
	dr.t.Helper()
	o := dr.find(func(o fyne.CanvasObject) bool {
		switch b := o.(type) {
		case *widget.Button:
			return b.Text == label
		case *ui.TouchButton:
			return b.Text == label
		}
		return false
	})
	if o == nil {
		dr.t.Fatalf("no button %q on screen; shown %q", label, dr.texts())
	}
	test.Tap(o.(fyne.Tappable))
}

// tapCard taps the whole-card button under the title label: the nearest
// container above the label that holds an unlabelled touch button.
func (dr *walker) tapCard(title string) {
	dr.t.Helper()
	var card *ui.TouchButton
	walkTree(dr.w.Content(), func(o fyne.CanvasObject, parents []fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); !ok || l.Text != title || card != nil {
			return
		}
		for i := len(parents) - 1; i >= 0 && card == nil; i-- {
			if c, ok := parents[i].(*fyne.Container); ok {
				for _, child := range c.Objects {
					if b, ok := child.(*ui.TouchButton); ok && b.Text == "" {
						card = b
					}
				}
			}
		}
	})
	if card == nil {
		dr.t.Fatalf("no card %q on screen; shown %q", title, dr.texts())
	}
	test.Tap(card)
}

// touch presses and releases a finger on o, as the desktop driver delivers
// it: an Entry takes the focus on the press.
func (dr *walker) touch(o fyne.CanvasObject) {
	ev := &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(5, 5)}, Button: desktop.MouseButtonPrimary}
	if m, ok := o.(desktop.Mouseable); ok {
		m.MouseDown(ev)
		m.MouseUp(ev)
	}
	if tp, ok := o.(fyne.Tappable); ok {
		test.Tap(tp)
	}
}

// searchBox is the catalog's search field (the kiosk's own Entry type).
func (dr *walker) searchBox() fyne.CanvasObject {
	dr.t.Helper()
	o := dr.find(func(o fyne.CanvasObject) bool {
		_, ok := o.(interface{ SetPlaceHolder(string) })
		return ok
	})
	if o == nil {
		dr.t.Fatalf("no search box; shown %q", dr.texts())
	}
	return o
}

func (dr *walker) focusedEntry() *widget.Entry {
	dr.t.Helper()
	e, ok := dr.w.Canvas().Focused().(*widget.Entry)
	if !ok {
		dr.t.Fatalf("focused: %T, not a text box; shown %q", dr.w.Canvas().Focused(), dr.texts())
	}
	return e
}

// progress is the wizard's "Bước n / m", or "".
func (dr *walker) progress() string {
	for _, s := range dr.texts() {
		if strings.HasPrefix(s, "Bước ") {
			return s
		}
	}
	return ""
}

// besideQuestion reports whether msg is shown, as a danger label, in the
// same box as the question's label.
func (dr *walker) besideQuestion(f *kiosk.Field, msg string) bool {
	beside := false
	walkTree(dr.w.Content(), func(o fyne.CanvasObject, parents []fyne.CanvasObject) {
		l, ok := o.(*widget.Label)
		if !ok || l.Text != f.Label.VI || len(parents) == 0 {
			return
		}
		if box, ok := parents[len(parents)-1].(*fyne.Container); ok {
			for _, c := range box.Objects {
				if m, ok := c.(*widget.Label); ok && m.Visible() && m.Text == msg && m.Importance == widget.DangerImportance {
					beside = true
				}
			}
		}
	})
	return beside
}

// labelAfter is the text shown right after the label with this text.
func (dr *walker) labelAfter(text string) string {
	texts := dr.texts()
	for i, s := range texts {
		if s == text && i+1 < len(texts) {
			return texts[i+1]
		}
	}
	return ""
}

// showsQR reports whether an image on screen is the QR code of text.
func (dr *walker) showsQR(text string) bool {
	return dr.find(func(o fyne.CanvasObject) bool {
		img, ok := o.(*canvas.Image)
		return ok && img.Image != nil && isQROf(img.Image, text)
	}) != nil
}

// isQROf samples img at the centre of every module of text's QR code
// (level M, with its quiet zone, as the receipt draws it).
func isQROf(img image.Image, text string) bool {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return false
	}
	bits := q.Bitmap()
	n, r := len(bits), img.Bounds()
	if r.Dx() < n || r.Dy() < n {
		return false
	}
	for y := range n {
		for x := range n {
			px := r.Min.X + (2*x+1)*r.Dx()/(2*n)
			py := r.Min.Y + (2*y+1)*r.Dy()/(2*n)
			cr, cg, cb, _ := img.At(px, py).RGBA()
			dark := cr+cg+cb < 3*0x8000
			if dark != bits[y][x] {
				return false
			}
		}
	}
	return true
}

// keyboard is the on-screen keyboard under the screen, shown or not.
func (dr *walker) keyboard() *ui.Keyboard {
	dr.t.Helper()
	var kb *ui.Keyboard
	walkObjects(dr.w.Content(), true, func(o fyne.CanvasObject, _ []fyne.CanvasObject) {
		if k, ok := o.(*ui.Keyboard); ok {
			kb = k
		}
	})
	if kb == nil {
		dr.t.Fatalf("no keyboard on screen; shown %q", dr.texts())
	}
	return kb
}

// keyboardShown reports whether the on-screen keyboard and everything
// around it are visible.
func (dr *walker) keyboardShown() bool {
	dr.t.Helper()
	shown := false
	walkObjects(dr.w.Content(), true, func(o fyne.CanvasObject, parents []fyne.CanvasObject) {
		if _, ok := o.(*ui.Keyboard); ok {
			shown = o.Visible() && !slices.ContainsFunc(parents, func(p fyne.CanvasObject) bool { return !p.Visible() })
		}
	})
	return shown
}

// keys maps the label of every key shown to its button; none when the
// keyboard is hidden.
func (dr *walker) keys() map[string]*widget.Button {
	keys := map[string]*widget.Button{}
	walkTree(dr.keyboard(), func(o fyne.CanvasObject, _ []fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			keys[b.Text] = b
		}
	})
	return keys
}

// tapKey taps a key as the desktop driver does: the button gets Tapped and,
// being Focusable, leaves the focus where it was. (test.Tap would unfocus
// the box first, which no real tap on a key does.) A key of the other
// layout is reached through "123" or "ABC".
func (dr *walker) tapKey(label string) {
	dr.t.Helper()
	keys := dr.keys()
	b, ok := keys[label]
	if !ok {
		for _, other := range []string{"123", "ABC"} {
			if sw, ok := keys[other]; ok {
				sw.Tapped(&fyne.PointEvent{Position: fyne.NewPos(1, 1)})
				break
			}
		}
		b, ok = dr.keys()[label]
	}
	if !ok {
		dr.t.Fatalf("no key %q on the keyboard", label)
	}
	b.Tapped(&fyne.PointEvent{Position: fyne.NewPos(1, 1)})
}

// typeKeys taps the keys for s: Space for " ", Shift before a capital.
func (dr *walker) typeKeys(s string) {
	dr.t.Helper()
	for _, r := range s {
		switch {
		case r == ' ':
			dr.tapKey("Dấu cách")
		case unicode.IsUpper(r):
			dr.tapKey("Chữ hoa")
			dr.tapKey(string(r))
		default:
			dr.tapKey(string(r))
		}
	}
}

// uiLoop stands in for the real driver's UI goroutine. In fyne's test
// driver fyne.Do runs its function at once on the calling goroutine, so
// the sync loop's and the autosaver's reports, and the screen's own
// background work, would touch widgets while the test reads them: a data
// race. Here fyne.Do from another goroutine queues the function, and the
// test goroutine runs the queue whenever it waits, as the real driver runs
// them between events.
type uiLoop struct {
	fyne.App
	drv *uiDriver
}

type uiDriver struct {
	fyne.Driver
	owner uint64 // the goroutine that stands for the UI goroutine

	mu      sync.Mutex
	queue   []uiCall
	stopped bool
}

type uiCall struct {
	fn   func()
	done chan struct{}
}

// startUILoop makes the calling goroutine the UI goroutine of a.
func startUILoop(a fyne.App) *uiLoop {
	l := &uiLoop{App: a, drv: &uiDriver{Driver: a.Driver(), owner: goroutineID()}}
	fyne.SetCurrentApp(l)
	return l
}

func (l *uiLoop) Driver() fyne.Driver { return l.drv }

// run runs what other goroutines have handed to the UI goroutine.
func (l *uiLoop) run() {
	for {
		l.drv.mu.Lock()
		queue := l.drv.queue
		l.drv.queue = nil
		l.drv.mu.Unlock()
		if len(queue) == 0 {
			return
		}
		for _, c := range queue {
			c.fn()
			close(c.done)
		}
	}
}

// stop drops what is still queued and runs nothing more: the test is over.
func (l *uiLoop) stop() {
	l.drv.mu.Lock()
	defer l.drv.mu.Unlock()
	l.drv.stopped = true
	for _, c := range l.drv.queue {
		close(c.done)
	}
	l.drv.queue = nil
}

func (d *uiDriver) DoFromGoroutine(fn func(), wait bool) {
	if goroutineID() == d.owner {
		fn()
		return
	}
	c := uiCall{fn: fn, done: make(chan struct{})}
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return
	}
	d.queue = append(d.queue, c)
	d.mu.Unlock()
	if wait {
		<-c.done
	}
}

func goroutineID() uint64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	buf = bytes.TrimPrefix(buf, []byte("goroutine "))
	id, _ := strconv.ParseUint(string(buf[:bytes.IndexByte(buf, ' ')]), 10, 64)
	return id
}

// walkLog keeps the kiosk's log for a failure report, written from the
// kiosk's goroutines.
type walkLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *walkLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *walkLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
