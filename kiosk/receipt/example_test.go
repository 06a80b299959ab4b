package receipt_test

import (
	"bytes"
	"fmt"
	"time"

	"fyne.io/fyne/v2/theme"
	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/receipt"
)

// A receipt rendered once and sent three ways: a PNG for the screen, an
// A6 PDF for the office printer, ESC/POS for a 58 mm thermal printer.
func Example() {
	r := receipt.Receipt{
		Unit:          "UBND phường Hoàn Kiếm – Bộ phận Một cửa",
		ProcedureName: kiosk.Text{VI: "Đăng ký khai sinh", EN: "Birth registration"},
		DossierCode:   "000.00.01.H26-260930-0012",
		ApplicantName: "Nguyễn Thị Ánh Nguyệt",
		ReceivedAt:    time.Date(2026, 9, 30, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600)),
		DueDate:       time.Date(2026, 10, 7, 0, 0, 0, 0, time.UTC),
		Fee:           20000,
		TrackingURL:   "https://dichvucong.example.gov.vn/t/000.00.01.H26-260930-0012",
		Lang:          kiosk.VI,
	}
	font := theme.DefaultTextFont().Content() // any font with every Vietnamese letter

	img, err := receipt.Render(r, receipt.Options{Width: receipt.Width58mm, Font: font})
	if err != nil {
		fmt.Println(err)
		return
	}
	pdf, _ := receipt.PDF(img, receipt.A6WidthMM, receipt.A6HeightMM)
	pos, _ := receipt.ESCPOS(img, receipt.PrinterOptions{PaperMM: 58})

	fmt.Println("width:", img.Bounds().Dx(), "px")
	fmt.Println("fee:", r.Payment() == receipt.PayAtCounter)
	fmt.Println("pdf:", bytes.HasPrefix(pdf, []byte("%PDF-1.4")))
	fmt.Printf("escpos: starts % x, ends % x\n", pos[:2], pos[len(pos)-4:])
	// Output:
	// width: 384 px
	// fee: true
	// pdf: true
	// escpos: starts 1b 40, ends 1d 56 42 00
}
