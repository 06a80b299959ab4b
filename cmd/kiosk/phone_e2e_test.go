//go:build e2e

package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/ui"
)

// TestE2EPhoneSignInAndUpload plays the citizen's phone with a real
// browser: headless Chromium, phone-sized, opens the URL held by the QR
// code on the kiosk's screen, taps the confirm code the kiosk shows,
// signs in with the simulated VNeID, and later sends a photo of the birth
// notice; the kiosk must show the citizen as VNeID vouched for them and
// the photo under its question. The kiosk is
// wired as `kiosk --demo` wires it (the real clientLinker and the
// reference server on loopback, as in TestWalkBirthRegistration); only
// its window is fyne's test window.
func TestE2EPhoneSignInAndUpload(t *testing.T) {
	browser := findChromium()
	if browser == "" {
		t.Skip("SKIPPED LOUDLY: no Chromium found (looked for chromium, chromium-browser and google-chrome on PATH), " +
			"so the phone end-to-end test did NOT run. Install it as root with `apt-get install chromium` " +
			"(Debian) or `make test-deps`.")
	}
	// The QR codes are read back off the screen with zbarimg. Without it,
	// the test takes the URL the kiosk's Linker was given and proves the
	// QR on screen encodes it: the reference server keeps only a hash of
	// the link's token, so its own state cannot give the URL.
	zbar, _ := exec.LookPath("zbarimg")
	if zbar == "" {
		t.Log("zbarimg not found (apt-get install zbar-tools): the link URLs come from the kiosk's Linker, checked against the QR on screen")
	}

	var seen *seenLinker
	wk := startWalk(t, func(opts *ui.Options) {
		if zbar == "" {
			seen = &seenLinker{Linker: opts.Linker}
			opts.Linker = seen
		}
	})
	b, w, loop, logs := wk.b, wk.w, wk.loop, wk.logs
	p := wk.procedure("dang-ky-khai-sinh")
	dr := &walker{t: t, w: w, loop: loop}
	ph := startPhone(t, browser)
	links := &linkReader{dr: dr, zbar: zbar, seen: seen, dir: t.TempDir(), prefix: b.demo.url + "/l/"}

	// Home → file a dossier → khai sinh → consent → the card scan screen,
	// which offers the phone sign-in beside it.
	dr.waitShows("Đã kết nối")
	dr.tapCard("Nộp hồ sơ")
	dr.touch(dr.searchBox())
	dr.typeKeys("khai sinh")
	dr.tapCard(p.Name.VI)
	dr.tap("Bắt đầu làm hồ sơ")
	dr.tap("Tôi đồng ý")
	dr.waitShows("Hoặc đăng nhập VNeID bằng điện thoại của bạn")
	unit := shownUnit(dr)
	url, code := links.current(ui.LinkLogin)
	t.Logf("the kiosk shows the sign-in QR %s with the code %s", url, code)

	// The phone: the counter's name, and the kiosk's code among three.
	ph.open(url)
	page := ph.text()
	if !strings.Contains(page, unit) {
		t.Errorf("the phone page does not name the counter %q the kiosk shows; page:\n%s", unit, page)
	}
	choices := ph.codeChoices()
	if len(choices) != 3 || !slices.Contains(choices, code) {
		t.Fatalf("the phone offers the codes %q; want three, among them the kiosk's %q", choices, code)
	}
	ph.tapAndLoad("the kiosk's code", chromedp.Tap(fmt.Sprintf(`//form[@class="pick"]/button[normalize-space()=%q]`, code)))
	if page := ph.text(); !strings.Contains(page, "Mã khớp") {
		t.Fatalf("after tapping the kiosk's code the phone shows:\n%s", page)
	}
	dr.waitShows("Đã kết nối với điện thoại.")

	// Sign in with an ID number and the one-time code the simulated
	// VNeID shows; the kiosk fills in the applicant and opens the form.
	const (
		name = "Trần Thị Bích Ngọc" // a sample identity of the reference server
		id   = "036192004567"
		dob  = "22/08/1992"
	)
	otp := ph.textOf(chromedp.CSS("strong.otp"))
	ph.do("type the ID number and the OTP",
		chromedp.SendKeys(chromedp.ID("pid"), id),
		chromedp.SendKeys(chromedp.ID("otp"), otp))
	ph.tapAndLoad("Đăng nhập", chromedp.Tap(`//form[.//input[@id="otp"]]//button[@type="submit"]`))
	if page := ph.text(); !strings.Contains(page, "Đã đăng nhập") || !strings.Contains(page, name) {
		t.Fatalf("after signing in the phone shows:\n%s", page)
	}
	waitKiosk(dr, 5*time.Second, "the form, opened by the sign-in", func() bool { return dr.progress() != "" })
	// Every question but the attachment and those about the applicant,
	// then the papers and the check page.
	pages := 2
	for _, f := range p.Form {
		if f.Kind != kiosk.KindAttachment && f.Person != p.ApplicantPerson() {
			pages++
		}
	}
	if want := fmt.Sprintf("Bước 1 / %d", pages); dr.progress() != want {
		t.Errorf("after the sign-in the form shows %q; want %q: VNeID vouches for the applicant's name and ID number", dr.progress(), want)
	}

	// The rest of the form as walk_test answers it, the signed-in citizen
	// as the mother; the wizard must not ask what VNeID vouched for.
	childDOB := kiosk.FormatDate(time.Now().AddDate(0, 0, -7))
	answerUntilPapers(dr, p, map[string]walkAnswer{
		"child_name":             {keys: "Traanf Minh An", want: "Trần Minh An"},
		"child_dob":              {keys: childDOB, want: childDOB},
		"child_sex":              {want: "nam"},
		"child_birthplace":       {keys: "Beenhj vieenj DDa khoa tinhr", want: "Bệnh viện Đa khoa tỉnh"},
		"child_ethnicity":        {want: "kinh"},
		"child_hometown":         {keys: "Haf Nooij", want: "Hà Nội"},
		"mother_name":            {keys: "Traanf Thij Bichs Ngocj", want: name},
		"mother_id":              {keys: id, want: id},
		"mother_dob":             {keys: dob, want: dob},
		"father_name":            {keys: "Traanf Vawn Binhf", want: "Trần Văn Bình"},
		"father_id":              {keys: "001088012346", want: "001088012346"},
		"father_dob":             {keys: "12/03/1988", want: "12/03/1988"},
		"parents_married":        {want: "yes"},
		"applicant_relationship": {want: "me"},
		"extract_copies":         {keys: "0", want: "0"},
		"applicant_phone":        {keys: "0912345678", want: "0912345678"},
		"applicant_email":        {}, // optional: skipped
	})

	// The papers step: a new QR and code, for sending photos.
	notice := birthNotice(p)
	url, code = links.current(ui.LinkUpload)
	t.Logf("the kiosk shows the upload QR %s with the code %s", url, code)
	if info, _ := attachedUnder(dr, notice.Label.VI); info != "" {
		t.Fatalf("the papers step shows %q before any photo was sent", info)
	}
	photo, want := writePhoto(t)
	ph.open(url)
	choices = ph.codeChoices()
	if !slices.Contains(choices, code) {
		t.Fatalf("the phone offers the codes %q; want the kiosk's %q among them", choices, code)
	}
	ph.tapAndLoad("the kiosk's code", chromedp.Tap(fmt.Sprintf(`//form[@class="pick"]/button[normalize-space()=%q]`, code)))
	if page := ph.text(); !strings.Contains(page, notice.Label.VI) {
		t.Fatalf("the upload page does not ask for %q; page:\n%s", notice.Label.VI, page)
	}
	box := fmt.Sprintf(`//form[input[@name="field" and @value=%q]]`, notice.ID)
	ph.do("choose the photo", chromedp.SetUploadFiles(box+`//input[@type="file"]`, []string{photo}))
	ph.tapAndLoad("Gửi", chromedp.Tap(box+`//button[@type="submit"]`))
	if page := ph.text(); !strings.Contains(page, "Đã gửi. Tệp sẽ hiện trên máy kiosk") || !strings.Contains(page, "Đã gửi 1 tệp") {
		t.Fatalf("after sending the photo the phone shows:\n%s", page)
	}
	var info string
	var thumb image.Image
	waitKiosk(dr, 5*time.Second, "the photo under "+notice.Label.VI, func() bool {
		info, thumb = attachedUnder(dr, notice.Label.VI)
		return info != "" && thumb != nil
	})
	t.Logf("the kiosk shows %q and a %v thumbnail under %q", info, thumb.Bounds().Size(), notice.Label.VI)
	if !strings.HasPrefix(info, "Đã đính kèm: ảnh, ") {
		t.Errorf("under the question the kiosk says %q; want \"Đã đính kèm: ảnh, …\"", info)
	}
	if got := centre(thumb); !near(got, want) {
		t.Errorf("the thumbnail's centre is %v; want the photo's colour %v", got, want)
	}

	// The check page: the applicant as VNeID vouched for them, the photo.
	dr.tap("Tiếp tục")
	dr.waitShows("Kiểm tra lại thông tin")
	for _, text := range []string{name + " — theo VNeID", id + " — theo VNeID", info} {
		if !dr.shows(text) {
			t.Errorf("the check page does not show %q; shown %q", text, dr.texts())
		}
	}

	// Filing ends the visit's links: the phone can send nothing more.
	dr.tap("Gửi hồ sơ")
	dr.waitShows("Đã nộp hồ sơ thành công")
	dr.tap("Về trang chủ")
	if dr.shows(name) || dr.shows(id) {
		t.Errorf("after going home the screen still shows the citizen; shown %q", dr.texts())
	}
	waitFor(t, 5*time.Second, "the phone page to say the session ended", func() bool {
		ph.open(url)
		return strings.Contains(ph.text(), "Phiên đã kết thúc")
	})
	for _, secret := range []string{id, name, "Trần Minh An", "0912345678"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// findChromium is the installed Chromium or Chrome, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}

// phone is a headless Chromium tab the size of a phone, with a phone's
// user agent and touch.
type phone struct {
	t   *testing.T
	ctx context.Context
	out *syncBuffer // Chromium's own output, for a failure report
}

// phoneStep bounds each thing the phone does.
const phoneStep = 15 * time.Second

func startPhone(t *testing.T, path string) *phone {
	t.Helper()
	out := &syncBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(393, 851),
		chromedp.UserAgent(phoneUserAgent),
		chromedp.CombinedOutput(out),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// Cancelling stops Chromium and waits for it to exit, before the
	// temporary profile directory is removed.
	t.Cleanup(func() { cancel(); cancelAlloc() })
	started := make(chan error, 1)
	go func() {
		// The first action starts the browser; it must not run under a
		// timeout, which would stop the browser with it.
		started <- chromedp.Do(ctx, chromedp.Emulate(device.Pixel5))
	}()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("Chromium (%s) did not start: %v\n%s", path, err, out.String())
		}
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("Chromium (%s) did not start in 30 s:\n%s", path, out.String())
	}
	return &phone{t: t, ctx: ctx, out: out}
}

// phoneUserAgent is the Pixel 5's, as device.Pixel5 sets it per tab.
const phoneUserAgent = "Mozilla/5.0 (Linux; Android 11; Pixel 5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4812.0 Mobile Safari/537.36"

// do runs steps that return nothing.
func (p *phone) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, phoneStep)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("phone: %s: %v\npage:\n%s", what, err, p.text())
	}
}

// open loads url as a phone that scanned it.
func (p *phone) open(url string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, phoneStep)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		p.t.Fatalf("phone: open %s: %v\n%s", url, err, p.out.String())
	}
	if resp.Status >= 500 {
		p.t.Fatalf("phone: %s answered %d:\n%s", url, resp.Status, p.text())
	}
}

// tapAndLoad taps a button that posts a form and waits for the page it
// leads to, which must load without an error status.
func (p *phone) tapAndLoad(what string, tap chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, phoneStep)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, tap)
	if err != nil {
		p.t.Fatalf("phone: tap %s: %v\npage:\n%s", what, err, p.text())
	}
	if resp.Status != 200 {
		p.t.Fatalf("phone: tapping %s led to a %d page:\n%s", what, resp.Status, p.text())
	}
}

// text is what the page says, as the citizen reads it.
func (p *phone) text() string {
	ctx, cancel := context.WithTimeout(p.ctx, phoneStep)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return fmt.Sprintf("(cannot read the page: %v)", err)
	}
	return s
}

func (p *phone) textOf(sel chromedp.CSS) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, phoneStep)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		p.t.Fatalf("phone: no %s: %v\npage:\n%s", sel, err, p.text())
	}
	return strings.TrimSpace(s)
}

// codeChoices are the codes the page offers to tap, as written ("482 913").
func (p *phone) codeChoices() []string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, phoneStep)
	defer cancel()
	codes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("form.pick button"), b => b.textContent.trim())`))
	if err != nil {
		p.t.Fatalf("phone: reading the codes: %v\npage:\n%s", err, p.text())
	}
	return codes
}

// linkReader reads a link's URL and confirm code off the kiosk's screen.
type linkReader struct {
	dr     *walker
	zbar   string      // zbarimg, or "" to use seen
	seen   *seenLinker // the sessions the kiosk opened, without zbarimg
	dir    string      // for the screenshots zbarimg reads
	prefix string      // every link URL starts with it
	shots  int
}

// codeRE is a confirm code as the kiosk shows it.
var codeRE = regexp.MustCompile(`^\d{3} \d{3}$`)

// current waits for the link's QR and code on screen and returns the URL
// the QR encodes and the code, as shown ("482 913").
func (r *linkReader) current(purpose string) (url, code string) {
	dr := r.dr
	dr.t.Helper()
	waitKiosk(dr, 10*time.Second, "a link's confirm code", func() bool {
		code = dr.labelAfter("Mã xác nhận:")
		return codeRE.MatchString(code)
	})
	if r.zbar == "" {
		url = r.seen.last(purpose)
		if !dr.showsQR(url) {
			dr.t.Fatalf("the %s link %s is not the QR code on screen", purpose, url)
		}
	} else {
		url = r.decode()
	}
	if !strings.HasPrefix(url, r.prefix) {
		dr.t.Fatalf("the %s QR code holds %q; want a link page of the reference server (%s…)", purpose, url, r.prefix)
	}
	return url, code
}

// decode reads the one QR code on the kiosk's screen with zbarimg.
func (r *linkReader) decode() string {
	dr := r.dr
	dr.t.Helper()
	r.shots++
	path := filepath.Join(r.dir, fmt.Sprintf("kiosk-%d.png", r.shots))
	f, err := os.Create(path)
	if err != nil {
		dr.t.Fatal(err)
	}
	err = png.Encode(f, dr.w.Canvas().Capture())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		dr.t.Fatalf("screenshot: %v", err)
	}
	out, err := exec.Command(r.zbar, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", path).Output()
	if err != nil {
		dr.t.Fatalf("zbarimg finds no QR code on the kiosk's screen (%v); shown %q", err, dr.texts())
	}
	var codes []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			codes = append(codes, line)
		}
	}
	if len(codes) != 1 {
		dr.t.Fatalf("zbarimg reads %d QR codes on the kiosk's screen: %q; want one", len(codes), codes)
	}
	return codes[0]
}

// seenLinker passes everything to the kiosk's Linker and remembers the
// URL of each session it opened, by purpose.
type seenLinker struct {
	ui.Linker
	mu   sync.Mutex
	urls map[string]string
}

func (s *seenLinker) Open(ctx context.Context, purpose, procedureID string) (ui.LinkSession, error) {
	ls, err := s.Linker.Open(ctx, purpose, procedureID)
	if err == nil {
		s.mu.Lock()
		if s.urls == nil {
			s.urls = map[string]string{}
		}
		s.urls[purpose] = ls.URL
		s.mu.Unlock()
	}
	return ls, err
}

func (s *seenLinker) last(purpose string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.urls[purpose]
}

// shownUnit is the counter's name as the kiosk tells the citizen to find
// it on the phone's page.
func shownUnit(dr *walker) string {
	dr.t.Helper()
	re := regexp.MustCompile(`ghi đúng "([^"]+)"`)
	for _, s := range dr.texts() {
		if m := re.FindStringSubmatch(s); m != nil {
			return m[1]
		}
	}
	dr.t.Fatalf("the kiosk does not say which counter the phone page must name; shown %q", dr.texts())
	return ""
}

// waitKiosk lets the kiosk's background work report until ok, for up to
// limit.
func waitKiosk(dr *walker, limit time.Duration, what string, ok func() bool) {
	dr.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		dr.loop.run()
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			dr.t.Fatalf("waited %v for %s; shown %q", limit, what, dr.texts())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// answerUntilPapers answers the wizard page by page until the papers step.
// A question not in answers, or one VNeID vouched for, fails the test; an
// empty answer skips the question.
func answerUntilPapers(dr *walker, p *kiosk.Procedure, answers map[string]walkAnswer) {
	t := dr.t
	t.Helper()
	last := ""
	for range 2 * len(p.Form) {
		progress := dr.progress()
		if progress == "" || progress == last {
			t.Fatalf("the wizard is stuck or lost its progress (%q); shown %q", progress, dr.texts())
		}
		last = progress
		if dr.shows("Giấy tờ cần có") {
			return
		}
		f := dr.question(p)
		a, ok := answers[f.ID]
		switch {
		case !ok:
			t.Fatalf("the wizard asks %s (%q), which the test does not expect", f.ID, f.Label.VI)
		case a == walkAnswer{}:
			dr.tap("Bỏ qua câu này")
		case f.Kind == kiosk.KindSelect:
			dr.tap(optionLabel(t, f, a.want))
		case f.Kind == kiosk.KindYesNo:
			dr.tap(map[string]string{"yes": "Có", "no": "Không"}[a.want])
		default:
			dr.typeAnswer(f, a)
			dr.tapKey("Xong")
		}
	}
	t.Fatalf("the wizard does not reach the papers step; shown %q", dr.texts())
}

// birthNotice is the form's attachment question: the birth notice photo.
func birthNotice(p *kiosk.Procedure) *kiosk.Field {
	for i := range p.Form {
		if p.Form[i].Kind == kiosk.KindAttachment {
			return &p.Form[i]
		}
	}
	panic("khai sinh asks for no paper")
}

// attachedUnder is what the papers step shows under the question
// labelled label: the file's line ("Đã đính kèm: ảnh, 2 KB") and its
// thumbnail, both in one row.
func attachedUnder(dr *walker, label string) (info string, thumb image.Image) {
	walkTree(dr.w.Content(), func(o fyne.CanvasObject, parents []fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); !ok || l.Text != label || len(parents) == 0 {
			return
		}
		box, ok := parents[len(parents)-1].(*fyne.Container)
		if !ok {
			return
		}
		for _, c := range box.Objects {
			row, ok := c.(*fyne.Container)
			if !ok {
				continue
			}
			var rowInfo string
			var rowThumb image.Image
			for _, x := range row.Objects {
				switch v := x.(type) {
				case *canvas.Image:
					rowThumb = v.Image
				case *widget.Label:
					if strings.HasPrefix(v.Text, "Đã đính kèm") {
						rowInfo = v.Text
					}
				}
			}
			if rowInfo != "" {
				info, thumb = rowInfo, rowThumb
			}
		}
	})
	return info, thumb
}

// writePhoto writes a PNG "photo" of a paper: a solid colour the
// thumbnail must show, framed in white. It returns its path and colour.
func writePhoto(t *testing.T) (string, color.RGBA) {
	t.Helper()
	paper := color.RGBA{R: 0x1f, G: 0x6f, B: 0xb4, A: 0xff}
	img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	for y := range 900 {
		for x := range 1200 {
			c := paper
			if x < 60 || x >= 1140 || y < 60 || y >= 840 {
				c = color.RGBA{0xff, 0xff, 0xff, 0xff}
			}
			img.SetRGBA(x, y, c)
		}
	}
	path := filepath.Join(t.TempDir(), "giay-chung-sinh.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, paper
}

func centre(img image.Image) color.RGBA {
	if img == nil {
		return color.RGBA{}
	}
	r := img.Bounds()
	return color.RGBAModel.Convert(img.At((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)).(color.RGBA)
}

func near(a, b color.RGBA) bool {
	d := func(x, y uint8) int { return abs(int(x) - int(y)) }
	return d(a.R, b.R) <= 8 && d(a.G, b.G) <= 8 && d(a.B, b.B) <= 8
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
