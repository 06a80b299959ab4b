package kiosk_test

import (
	"fmt"
	"time"

	"github.com/motcua/kiosk/kiosk"
)

func ExampleParseCardQR() {
	// What a barcode scanner types for a Căn cước card, with its Enter.
	card, err := kiosk.ParseCardQR("001085012345|123456789|Nguyễn Văn An|15031985|Nam|12 Lý Thường Kiệt, Phường Cửa Nam, Hà Nội|01072021\r\n")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(card.PersonalID, card.FullName, kiosk.FormatDate(card.BirthDate), card.Sex)
	fmt.Println(card.Address)

	// The same card with "Nữ": the ID number's 4th digit (0) says male.
	_, err = kiosk.ParseCardQR("001085012345|123456789|Nguyễn Văn An|15031985|Nữ|12 Lý Thường Kiệt, Phường Cửa Nam, Hà Nội|01072021")
	fmt.Println(err.(*kiosk.Invalid).Message.EN)
	// Output:
	// 001085012345 Nguyễn Văn An 15/03/1985 nam
	// 12 Lý Thường Kiệt, Phường Cửa Nam, Hà Nội
	// The details in the card's QR code do not agree with each other: the 4th digit of the ID number (0) means male, but the sex given is female. The kiosk cannot use this code. Please type your details or ask a member of staff for help.
}

func ExampleClassifyScan() {
	for _, s := range []string{
		"001085012345||Nguyễn Văn An|15031985|Nam|Hà Nội|01072021",
		"http://127.0.0.1:8787/t/000.00.01.H26-261127-0001",
		"https://dichvucong.example.vn/t/000.00.01%2FH26-0001",
		"000.00.01.H26-260930-0012",
		"https://example.com/about",
	} {
		scan, err := kiosk.ClassifyScan(s)
		switch {
		case err != nil:
			fmt.Println(scan.Kind, "-", err.(*kiosk.Invalid).Message.VI)
		case scan.Kind == kiosk.ScanCard:
			fmt.Println(scan.Kind, scan.Card.FullName)
		default:
			fmt.Println(scan.Kind, scan.Code)
		}
	}
	// Output:
	// card Nguyễn Văn An
	// tracking 000.00.01.H26-261127-0001
	// tracking 000.00.01/H26-0001
	// tracking 000.00.01.H26-260930-0012
	// unknown - Kiosk không nhận ra mã vừa quét. Hãy quét mã QR trên thẻ Căn cước hoặc mã QR trên phiếu hẹn trả kết quả.
}

func ExampleBurstDetector() {
	var b kiosk.BurstDetector
	at := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	feed := func(s string, gap time.Duration) {
		for _, r := range s {
			at = at.Add(gap)
			if scan, ok := b.Key(r, at); ok {
				fmt.Printf("scanned %q\n", scan)
			}
		}
	}
	feed("H26-0001\n", 200*time.Millisecond) // a person typing: not a scan
	feed("H26-0002\n", 3*time.Millisecond)   // the scanner
	// Output:
	// scanned "H26-0002"
}

func ExampleParseEnrollQR() {
	// What a barcode scanner types for a provisioning QR, with its Enter.
	qr, err := kiosk.ParseEnrollQR("MCK1:ENROLL:https://motcua.example.gov.vn|4821-0937\r\n")
	fmt.Println(qr.Server, qr.Code, err)

	// A code typed by hand is no QR: the screen takes it as the code.
	_, err = kiosk.ParseEnrollQR("4821-0937")
	fmt.Println(err)
	// Output:
	// https://motcua.example.gov.vn 4821-0937 <nil>
	// not a provisioning QR
}
