// Package receipt draws the paper a citizen takes home after filing a
// dossier: the "giấy tiếp nhận hồ sơ và hẹn trả kết quả", with the
// procedure, the dossier code, the due date, the fee and a QR of the
// tracking page. It renders one black-and-white image and writes that
// image as PNG, as a one-page PDF for an office printer, or as an ESC/POS
// raster stream for a thermal receipt printer.
//
// It is pure Go: no Fyne, no HTTP, no database, no cgo. The caller hands
// it the font bytes, so the same Vietnamese-complete font the screen uses
// is printed too.
package receipt

import (
	"errors"
	"fmt"
	"image"
	"strings"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"golang.org/x/text/unicode/norm"
)

// Receipt is what a receipt says. Text fields are shown as given (after
// Unicode NFC normalisation); empty optional fields leave their line out.
type Receipt struct {
	// Unit is the office that received the dossier, printed as the
	// header, e.g. "UBND phường Hoàn Kiếm – Bộ phận Một cửa".
	Unit string
	// Counter is where the citizen goes next, to pay or collect the
	// result, e.g. "Quầy số 3"; optional.
	Counter string
	// ProcedureName is the procedure's name in both languages, as the
	// catalog has it; Lang picks one.
	ProcedureName kiosk.Text
	// DossierCode is the central system's code. Required. It is text:
	// codes differ between systems and are never parsed.
	DossierCode string
	// ApplicantName is the citizen's full name; optional.
	ApplicantName string
	// ReceivedAt is shown in its own time zone: give it in the kiosk's
	// local time, not the UTC a server may answer with.
	ReceivedAt time.Time
	// DueDate is the appointment day for the result; only its date is
	// shown (dd/mm/yyyy). A zero DueDate leaves the line out.
	DueDate time.Time
	// Fee is in đồng. Zero means the procedure is free, whatever Paid says.
	Fee int64
	// Paid is true once the fee was paid at the kiosk. It defaults to
	// false so a receipt never claims a payment nobody confirmed: the
	// citizen is then told to pay at the counter.
	Paid bool
	// TrackingURL is the phone page that tracks the dossier, drawn as a
	// QR with the address below it. Empty leaves the QR out.
	TrackingURL string
	// Lang is the receipt's language; anything but kiosk.EN is Vietnamese.
	Lang kiosk.Lang
}

// Payment is the state of a receipt's fee, derived from Fee and Paid so
// the three cases cannot contradict each other.
type Payment int

const (
	Free         Payment = iota // no fee for this procedure
	PaidAtKiosk                 // paid by bank app at the kiosk
	PayAtCounter                // still to pay, at the counter
)

// Payment says which of the three fee cases this receipt is in.
func (r Receipt) Payment() Payment {
	switch {
	case r.Fee <= 0:
		return Free
	case r.Paid:
		return PaidAtKiosk
	default:
		return PayAtCounter
	}
}

// Printer widths in dots: what a 58 mm and an 80 mm thermal printer print
// across at 203 dpi, and an A6 page at 300 dpi (105 mm).
const (
	Width58mm = 384
	Width80mm = 576
	WidthA6   = 1240
)

// minWidth keeps a receipt narrow enough for any thermal printer yet wide
// enough for a phone to read its QR.
const minWidth = 240

// Options says how to draw a receipt.
type Options struct {
	// Width of the image in pixels: Width58mm, Width80mm, WidthA6…
	// Text and QR sizes follow it.
	Width int
	// Font is a TrueType/OpenType font with every Vietnamese letter, e.g.
	// Noto Sans. Required.
	Font []byte
	// BoldFont is the bold face of Font; when nil, bold text is drawn
	// twice a pixel apart, which reads as bold on a thermal printer.
	BoldFont []byte
}

// ErrNoCode is returned for a receipt without a dossier code: a paper
// without one proves nothing to the counter.
var ErrNoCode = errors.New("receipt: no dossier code")

// Render draws r as a black-and-white image o.Width pixels wide. Every
// pixel is pure black or pure white (a thermal printer has no grey), and
// the image is exactly as tall as its content.
func Render(r Receipt, o Options) (*image.Gray, error) {
	if strings.TrimSpace(r.DossierCode) == "" {
		return nil, ErrNoCode
	}
	if o.Width < minWidth {
		return nil, fmt.Errorf("receipt: width %d px is too narrow, want at least %d", o.Width, minWidth)
	}
	fonts, err := loadFonts(o)
	if err != nil {
		return nil, err
	}
	l, err := newLayout(o.Width, fonts)
	if err != nil {
		return nil, err
	}
	if err := compose(l, r); err != nil { // measure: how tall the paper is
		return nil, err
	}
	l.start(image.NewGray(image.Rect(0, 0, o.Width, l.height())))
	if err := compose(l, r); err != nil { // draw
		return nil, err
	}
	return l.finish(), nil
}

// compose lays the receipt out top to bottom. It runs twice, first to
// measure and then to draw, so measuring and drawing can never disagree.
func compose(l *layout, r Receipt) error {
	lang := r.Lang
	if unit := clean(r.Unit); unit != "" {
		l.paragraph(center, span{l.bold, unit})
	}
	l.paragraph(center, span{l.title, label.title.In(lang)})
	l.rule()
	l.paragraph(center, span{l.body, label.code.In(lang)})
	l.code(clean(r.DossierCode))
	l.rule()
	for _, f := range fields(r) {
		if f.value != "" {
			l.paragraph(left, span{l.bold, f.label.In(lang) + ":"}, span{l.body, f.value})
		}
	}
	if url := strings.TrimSpace(r.TrackingURL); url != "" {
		l.rule()
		if err := l.qr(url); err != nil {
			return err
		}
		l.paragraph(center, span{l.body, label.scan.In(lang)})
		l.paragraph(center, span{l.small, url})
	}
	l.rule()
	l.paragraph(center, span{l.small, label.bring.In(lang)})
	return nil
}

// field is one labelled line of a receipt.
type field struct {
	label kiosk.Text
	value string
}

// fields lists the labelled lines in reading order.
func fields(r Receipt) []field {
	return []field{
		{label.procedure, clean(r.ProcedureName.In(r.Lang))},
		{label.applicant, clean(r.ApplicantName)},
		{label.received, receivedAt(r.ReceivedAt)},
		{label.due, kiosk.FormatDate(r.DueDate)},
		{label.fee, feeLine(r)},
		{label.counter, clean(r.Counter)},
	}
}

// receivedAt writes a time as "09:30, 30/09/2026", the way Vietnamese
// forms put it; the zero time leaves the line out.
func receivedAt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("15:04") + ", " + kiosk.FormatDate(t)
}

// feeLine says the amount and whether it is paid, in one line, because a
// citizen reads "20.000 đ" and immediately asks "did I pay it?".
func feeLine(r Receipt) string {
	switch r.Payment() {
	case PaidAtKiosk:
		return fmt.Sprintf(label.paid.In(r.Lang), kiosk.FormatDong(r.Fee))
	case PayAtCounter:
		return fmt.Sprintf(label.unpaid.In(r.Lang), kiosk.FormatDong(r.Fee))
	default:
		return label.free.In(r.Lang)
	}
}

// clean puts text in NFC: the font drawer places one glyph per rune and
// cannot stack a decomposed tone mark on its vowel, and names typed or
// scanned elsewhere may arrive decomposed.
func clean(s string) string {
	return norm.NFC.String(strings.TrimSpace(s))
}

// label holds the receipt's fixed words. They live here rather than in
// the UI's translation files because the receipt is a document with its
// own wording, and this package must not depend on the UI.
var label = struct {
	title, code, procedure, applicant, received, due, fee, counter kiosk.Text
	paid, unpaid, free, scan, bring                                kiosk.Text
}{
	title:     kiosk.Text{VI: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", EN: "DOSSIER RECEIPT AND APPOINTMENT FOR RESULT"},
	code:      kiosk.Text{VI: "Mã hồ sơ", EN: "Dossier code"},
	procedure: kiosk.Text{VI: "Thủ tục", EN: "Procedure"},
	applicant: kiosk.Text{VI: "Người nộp", EN: "Applicant"},
	received:  kiosk.Text{VI: "Tiếp nhận lúc", EN: "Received"},
	due:       kiosk.Text{VI: "Hẹn trả kết quả", EN: "Result due"},
	fee:       kiosk.Text{VI: "Phí, lệ phí", EN: "Fee"},
	counter:   kiosk.Text{VI: "Quầy", EN: "Counter"},
	paid:      kiosk.Text{VI: "%s – đã thanh toán tại kiosk", EN: "%s – paid at the kiosk"},
	unpaid:    kiosk.Text{VI: "%s – chưa thanh toán, nộp tại quầy", EN: "%s – not paid yet, pay at the counter"},
	free:      kiosk.Text{VI: "Miễn phí", EN: "Free"},
	scan:      kiosk.Text{VI: "Quét mã QR để tra cứu tình trạng hồ sơ", EN: "Scan the QR code to track your dossier"},
	bring:     kiosk.Text{VI: "Vui lòng mang theo giấy này khi đến nhận kết quả.", EN: "Please bring this receipt when you collect the result."},
}
