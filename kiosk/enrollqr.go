package kiosk

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"
)

// EnrollQRPrefix starts a provisioning QR: the code IT staff print (or
// show on a laptop) to set up a new kiosk in one scan. The whole QR is
//
//	MCK1:ENROLL:<server URL>|<enrolment code>
//
// for example "MCK1:ENROLL:https://motcua.example.gov.vn|4821-0937". The
// URL is the central API's root; a '|' inside it must be written %7C.
// Fields after the code are ignored, so a newer provisioning tool may
// add some without breaking older kiosks.
const EnrollQRPrefix = "MCK1:ENROLL:"

// EnrollQR is what a provisioning QR says.
type EnrollQR struct {
	Server string // the central API's root URL, as written in the QR
	Code   string // the one-time enrolment code
}

// Limits of a provisioning QR's parts.
const (
	enrollServerMax = 512
	enrollCodeMax   = 64
)

// ErrNotEnrollQR means the text holds no provisioning QR at all: it is a
// code typed by hand, or some other scan.
var ErrNotEnrollQR = errors.New("not a provisioning QR")

func errEnrollQR() error {
	return newInvalid(
		"Mã QR cài đặt chưa đọc được trọn vẹn hoặc không đúng dạng. Hãy quét lại; nếu vẫn không được, hãy nhập mã đăng ký bằng bàn phím.",
		"The set-up QR code did not read completely or is not in the right form. Scan it again; if it still fails, type the enrolment code instead.")
}

// ParseEnrollQR reads a provisioning QR as a barcode scanner types it. The
// scanner types into whatever box has the focus, which may already hold a
// few characters, so anything before the prefix (matched in any case) is
// dropped; its Enter and spaces around are trimmed. Text without the
// prefix is ErrNotEnrollQR; a QR that has the prefix but not a usable URL
// and code is an *Invalid to show.
func ParseEnrollQR(s string) (EnrollQR, error) {
	if len(s) > scanMaxLen || !utf8.ValidString(s) {
		return EnrollQR{}, ErrNotEnrollQR
	}
	i := indexFoldASCII(s, EnrollQRPrefix)
	if i < 0 {
		return EnrollQR{}, ErrNotEnrollQR
	}
	parts := strings.Split(strings.TrimSpace(s[i+len(EnrollQRPrefix):]), "|")
	if len(parts) < 2 {
		return EnrollQR{}, errEnrollQR()
	}
	server, code := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	if !enrollServerOK(server) || !enrollCodeOK(code) {
		return EnrollQR{}, errEnrollQR()
	}
	return EnrollQR{Server: server, Code: code}, nil
}

// enrollServerOK accepts an http or https URL with a host and nothing a
// base URL cannot have (user, query, fragment). Whether plain http is
// allowed to that host is the central client's rule, not the QR's.
func enrollServerOK(s string) bool {
	if s == "" || len(s) > enrollServerMax {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.User == nil && u.RawQuery == "" && !u.ForceQuery && u.Fragment == ""
}

// enrollCodeOK accepts 1 to 64 printable ASCII characters without spaces:
// codes are the central system's, opaque to the kiosk.
func enrollCodeOK(s string) bool {
	if s == "" || len(s) > enrollCodeMax {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// indexFoldASCII is strings.Index ignoring ASCII case, for an ASCII needle.
func indexFoldASCII(s, needle string) int {
	for i := 0; i+len(needle) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}
