package receipt

import (
	"bytes"
	"errors"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"
	"github.com/motcua/kiosk/kiosk"
	"golang.org/x/image/math/fixed"
)

// Fyne's default text font covers every Vietnamese letter; the kiosk
// prints with the font it shows, so the tests do too. Only tests import
// Fyne.
var (
	regular = theme.DefaultTextFont().Content()
	bold    = theme.DefaultTextBoldFont().Content()
)

var ict = time.FixedZone("ICT", 7*3600) // the kiosk's time zone, without tzdata

func sample() Receipt {
	return Receipt{
		Unit:          "UBND phường Hoàn Kiếm – Bộ phận Một cửa",
		Counter:       "Quầy số 3",
		ProcedureName: kiosk.Text{VI: "Đăng ký khai sinh", EN: "Birth registration"},
		DossierCode:   "000.00.01.H26-260930-0012",
		ApplicantName: "Nguyễn Thị Ánh Nguyệt",
		ReceivedAt:    time.Date(2026, 9, 30, 9, 30, 0, 0, ict),
		DueDate:       time.Date(2026, 10, 7, 0, 0, 0, 0, time.UTC),
		Fee:           20000,
		Paid:          true,
		TrackingURL:   "https://dichvucong.example.gov.vn/t/000.00.01.H26-260930-0012",
		Lang:          kiosk.VI,
	}
}

func render(t *testing.T, r Receipt, o Options) *image.Gray {
	t.Helper()
	img, err := Render(r, o)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return img
}

// TestRenderSample writes a sample to $RECEIPT_SAMPLE, for a person to
// look at: RECEIPT_SAMPLE=/tmp/receipt-sample.png go test -run Sample.
func TestRenderSample(t *testing.T) {
	path := os.Getenv("RECEIPT_SAMPLE")
	if path == "" {
		t.Skip("RECEIPT_SAMPLE not set")
	}
	img := render(t, sample(), Options{Width: Width58mm, Font: regular, BoldFont: bold})
	writePNG(t, path, img)
	t.Logf("wrote %s (%v)", path, img.Bounds().Size())
}

func TestRenderIsPureBlackAndWhite(t *testing.T) {
	for _, tc := range []struct {
		name  string
		width int
		lang  kiosk.Lang
		bold  []byte
	}{
		{"58mm vi", Width58mm, kiosk.VI, bold},
		{"80mm en", Width80mm, kiosk.EN, bold},
		{"A6 vi faux bold", WidthA6, kiosk.VI, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sample()
			r.Lang = tc.lang
			img := render(t, r, Options{Width: tc.width, Font: regular, BoldFont: tc.bold})
			if got := img.Bounds().Dx(); got != tc.width {
				t.Errorf("width = %d; want %d", got, tc.width)
			}
			blacks := 0
			for i, v := range img.Pix {
				if v != 0 && v != 0xff {
					t.Fatalf("pixel %d is grey (%d); want only 0 and 255", i, v)
				}
				if v == 0 {
					blacks++
				}
			}
			if share := float64(blacks) / float64(len(img.Pix)); share < 0.05 || share > 0.5 {
				t.Errorf("black share = %.2f; want some text and a QR, not a blank or solid page", share)
			}
		})
	}
}

// TestRenderQRDecodes reads the receipt's QR back with zbarimg, as a
// phone would, at every width and through the PDF too.
func TestRenderQRDecodes(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("SKIPPED: zbarimg not installed (Debian: zbar-tools); the QR on the receipt is not checked")
	}
	r := sample()
	for _, w := range []int{Width58mm, Width80mm, WidthA6} {
		img := render(t, r, Options{Width: w, Font: regular, BoldFont: bold})
		path := filepath.Join(t.TempDir(), "receipt.png")
		writePNG(t, path, img)
		if got := zbar(t, path); got != r.TrackingURL {
			t.Errorf("width %d: QR = %q; want %q", w, got, r.TrackingURL)
		}
	}
}

func zbar(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("zbarimg", "--quiet", "--raw", path).Output()
	if err != nil {
		t.Fatalf("zbarimg %s: %v (no QR found?)", path, err)
	}
	return strings.TrimSpace(string(out))
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	b, err := PNG(img)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRenderLongTextStaysInside renders a very long procedure name and
// applicant, and checks that they made the receipt taller and that no
// ink reaches the side margins.
func TestRenderLongTextStaysInside(t *testing.T) {
	o := Options{Width: Width58mm, Font: regular, BoldFont: bold}
	short := render(t, sample(), o)
	r := sample()
	r.ProcedureName.VI = "Thủ tục đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi theo quy trình liên thông điện tử"
	r.ApplicantName = "Công Tôn Nữ Hoàng Thị Phương Thảo Nguyễn Ngọc Bích"
	r.TrackingURL += "?ref=kiosk-hoan-kiem-sanh-tang-1"
	long := render(t, r, o)
	if long.Bounds().Dy() <= short.Bounds().Dy()+3*int(float64(o.Width)/22) {
		t.Errorf("long receipt is %d px tall, short %d: the long lines did not wrap", long.Bounds().Dy(), short.Bounds().Dy())
	}
	pad := o.Width / 24
	for y := range long.Bounds().Dy() {
		for _, x := range []int{0, pad / 2, o.Width - pad/2, o.Width - 1} {
			if long.GrayAt(x, y).Y == 0 {
				t.Fatalf("ink at (%d, %d), in the side margin", x, y)
			}
		}
	}
}

// TestWrap checks the line breaker itself: no line wider than allowed,
// no word lost, a URL broken after its punctuation.
func TestWrap(t *testing.T) {
	l := newTestLayout(t, Width58mm)
	max := l.content()
	for _, tc := range []struct {
		name, text string
		minLines   int
	}{
		{"short", "Đăng ký khai sinh", 1},
		{"long", strings.Repeat("Cấp lại giấy chứng nhận quyền sử dụng đất ", 4), 4},
		{"url", "https://dichvucong.example.gov.vn/t/000.00.01.H26-260930-0012/with/a/long/path", 2},
		{"no spaces", strings.Repeat("Ư", 80), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := wrap([]span{{l.bold, "Thủ tục:"}, {l.body, tc.text}}, max)
			if len(lines) < tc.minLines {
				t.Errorf("%d lines; want at least %d", len(lines), tc.minLines)
			}
			var got strings.Builder
			for i, ln := range lines {
				if ln.w > max {
					t.Errorf("line %d is %v wide; want at most %v", i, ln.w, max)
				}
				for _, p := range ln.words {
					got.WriteString(p.text)
				}
			}
			want := strings.Join(strings.Fields("Thủ tục:"+tc.text), "")
			if got.String() != want {
				t.Errorf("text after wrapping = %q; want %q", got.String(), want)
			}
		})
	}
}

func TestCutPrefersPunctuation(t *testing.T) {
	l := newTestLayout(t, Width58mm)
	url := "https://dichvucong.example.gov.vn/t/000.00.01.H26-260930-0012"
	pieces := cut(l.small, url, fixed.I(200))
	if len(pieces) < 2 || strings.Join(pieces, "") != url {
		t.Fatalf("cut = %q; want pieces of %q", pieces, url)
	}
	for _, p := range pieces[:len(pieces)-1] {
		if !strings.ContainsAny(p[len(p)-1:], "/.-_?&=") {
			t.Errorf("piece %q ends mid-word; want a break after punctuation", p)
		}
	}
}

func newTestLayout(t *testing.T, width int) *layout {
	t.Helper()
	fs, err := loadFonts(Options{Width: width, Font: regular, BoldFont: bold})
	if err != nil {
		t.Fatal(err)
	}
	l, err := newLayout(width, fs)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestFields(t *testing.T) {
	r := sample()
	for _, tc := range []struct {
		name    string
		edit    func(*Receipt)
		payment Payment
		lines   []string // label: value, in order
	}{
		{"vi paid", func(r *Receipt) {}, PaidAtKiosk, []string{
			"Thủ tục: Đăng ký khai sinh", "Người nộp: Nguyễn Thị Ánh Nguyệt", "Tiếp nhận lúc: 09:30, 30/09/2026",
			"Hẹn trả kết quả: 07/10/2026", "Phí, lệ phí: 20.000 đ – đã thanh toán tại kiosk", "Quầy: Quầy số 3"}},
		{"en unpaid", func(r *Receipt) { r.Lang, r.Paid = kiosk.EN, false }, PayAtCounter, []string{
			"Procedure: Birth registration", "Applicant: Nguyễn Thị Ánh Nguyệt", "Received: 09:30, 30/09/2026",
			"Result due: 07/10/2026", "Fee: 20.000 đ – not paid yet, pay at the counter", "Counter: Quầy số 3"}},
		{"free, paid ignored", func(r *Receipt) { r.Fee = 0 }, Free, []string{"Phí, lệ phí: Miễn phí"}},
		{"optional lines left out", func(r *Receipt) {
			r.ApplicantName, r.Counter, r.DueDate, r.ReceivedAt = "", "", time.Time{}, time.Time{}
		}, PaidAtKiosk, []string{"Thủ tục: Đăng ký khai sinh", "Phí, lệ phí: 20.000 đ – đã thanh toán tại kiosk"}},
		{"decomposed name is composed", func(r *Receipt) { r.ApplicantName = "Nguye\u0302\u0303n" }, PaidAtKiosk, []string{"Người nộp: Nguyễn"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := r
			tc.edit(&r)
			if got := r.Payment(); got != tc.payment {
				t.Errorf("Payment() = %v; want %v", got, tc.payment)
			}
			var got []string
			for _, f := range fields(r) {
				if f.value != "" {
					got = append(got, f.label.In(r.Lang)+": "+f.value)
				}
			}
			if !containsInOrder(got, tc.lines) {
				t.Errorf("fields = %q; want %q among them, in order", got, tc.lines)
			}
		})
	}
}

func containsInOrder(have, want []string) bool {
	i := 0
	for _, h := range have {
		if i < len(want) && h == want[i] {
			i++
		}
	}
	return i == len(want)
}

func TestRenderErrors(t *testing.T) {
	mono := theme.DefaultTextMonospaceFont().Content()
	noCode := sample()
	noCode.DossierCode = "  "
	longURL := sample()
	longURL.TrackingURL = "https://example.vn/t/" + strings.Repeat("x", 1500)
	for _, tc := range []struct {
		name string
		r    Receipt
		o    Options
		want string
	}{
		{"no code", noCode, Options{Width: Width58mm, Font: regular}, "no dossier code"},
		{"too narrow", sample(), Options{Width: 100, Font: regular}, "too narrow"},
		{"no font", sample(), Options{Width: Width58mm}, "no font"},
		{"not a font", sample(), Options{Width: Width58mm, Font: []byte("not a font")}, "receipt: font"},
		{"monospace lacks Vietnamese", sample(), Options{Width: Width58mm, Font: mono}, "no glyph for the Vietnamese letter"},
		{"bold lacks Vietnamese", sample(), Options{Width: Width58mm, Font: regular, BoldFont: mono}, "bold font has no glyph"},
		{"URL too long for QR", longURL, Options{Width: Width58mm, Font: regular}, "too long for a QR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Render(tc.r, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Render() error = %v; want one saying %q", err, tc.want)
			}
		})
	}
	if _, err := Render(noCode, Options{Width: Width58mm, Font: regular}); !errors.Is(err, ErrNoCode) {
		t.Errorf("Render(no code) = %v; want ErrNoCode", err)
	}
}

func TestRenderWithoutTrackingURL(t *testing.T) {
	o := Options{Width: Width58mm, Font: regular, BoldFont: bold}
	with := render(t, sample(), o)
	r := sample()
	r.TrackingURL = ""
	without := render(t, r, o)
	if without.Bounds().Dy() >= with.Bounds().Dy()-200 {
		t.Errorf("without a URL the receipt is %d px tall, with %d: want the QR left out", without.Bounds().Dy(), with.Bounds().Dy())
	}
}

// TestRenderIsDeterministic: the same receipt gives the same pixels, so
// a reprint matches the original.
func TestRenderIsDeterministic(t *testing.T) {
	o := Options{Width: Width80mm, Font: regular, BoldFont: bold}
	a, b := render(t, sample(), o), render(t, sample(), o)
	if !bytes.Equal(a.Pix, b.Pix) || a.Bounds() != b.Bounds() {
		t.Error("two renders of one receipt differ")
	}
}
