package kiosk

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseEnrollQR(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		server, code string
		notQR        bool   // ErrNotEnrollQR
		wantErr      string // in the Vietnamese message of an *Invalid
	}{
		{"as scanned, with the scanner's Enter", "MCK1:ENROLL:https://motcua.example.gov.vn|4821-0937\r\n", "https://motcua.example.gov.vn", "4821-0937", false, ""},
		{"a path and a port", "MCK1:ENROLL:https://api.example.gov.vn:8443/motcua/|AB12-CD34", "https://api.example.gov.vn:8443/motcua/", "AB12-CD34", false, ""},
		{"the reference server on loopback", "MCK1:ENROLL:http://127.0.0.1:8787|4821-0937", "http://127.0.0.1:8787", "4821-0937", false, ""},
		{"lower case, as a scanner with Caps Lock off may send", "mck1:enroll:https://motcua.example.gov.vn|4821-0937", "https://motcua.example.gov.vn", "4821-0937", false, ""},
		{"typed into a box that held a few digits", "48MCK1:ENROLL:https://motcua.example.gov.vn|4821-0937", "https://motcua.example.gov.vn", "4821-0937", false, ""},
		{"fields of a newer tool are ignored", "MCK1:ENROLL:https://motcua.example.gov.vn|4821-0937|v=2", "https://motcua.example.gov.vn", "4821-0937", false, ""},
		{"a typed code", "4821-0937", "", "", true, ""},
		{"a card's QR", "001085012345||Nguyễn Văn An|15031985|Nam|Hà Nội|01072021", "", "", true, ""},
		{"a hand-back QR", "MCK1:HANDOFF:q3Jd8_Zx-0aLk2mNpQrStU", "", "", true, ""},
		{"empty", "", "", "", true, ""},
		{"cut short before the code", "MCK1:ENROLL:https://motcua.example.gov.vn", "", "", false, "chưa đọc được trọn vẹn"},
		{"an empty code", "MCK1:ENROLL:https://motcua.example.gov.vn|", "", "", false, "chưa đọc được trọn vẹn"},
		{"a code with a space", "MCK1:ENROLL:https://motcua.example.gov.vn|4821 0937", "", "", false, "chưa đọc được trọn vẹn"},
		{"a code too long", "MCK1:ENROLL:https://motcua.example.gov.vn|" + strings.Repeat("7", 65), "", "", false, "chưa đọc được trọn vẹn"},
		{"not a URL", "MCK1:ENROLL:motcua.example.gov.vn|4821-0937", "", "", false, "chưa đọc được trọn vẹn"},
		{"another scheme", "MCK1:ENROLL:ftp://motcua.example.gov.vn|4821-0937", "", "", false, "chưa đọc được trọn vẹn"},
		{"a URL with a query", "MCK1:ENROLL:https://motcua.example.gov.vn/?x=1|4821-0937", "", "", false, "chưa đọc được trọn vẹn"},
		{"a URL with a password", "MCK1:ENROLL:https://it:secret@motcua.example.gov.vn|4821-0937", "", "", false, "chưa đọc được trọn vẹn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEnrollQR(tt.in)
			switch {
			case tt.notQR:
				if !errors.Is(err, ErrNotEnrollQR) {
					t.Errorf("ParseEnrollQR(%q) = %+v, %v; want ErrNotEnrollQR", tt.in, got, err)
				}
			case tt.wantErr != "":
				scanWantInvalid(t, fmt.Sprintf("ParseEnrollQR(%q)", tt.in), err, tt.wantErr)
			case err != nil || got != (EnrollQR{Server: tt.server, Code: tt.code}):
				t.Errorf("ParseEnrollQR(%q) = %+v, %v; want server %q, code %q", tt.in, got, err, tt.server, tt.code)
			}
		})
	}
}

func FuzzParseEnrollQR(f *testing.F) {
	for _, s := range []string{"MCK1:ENROLL:https://motcua.example.gov.vn|4821-0937", "mck1:enroll:|", "MCK1:ENROLL:", "4821-0937"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseEnrollQR(s)
		var inv *Invalid
		switch {
		case err == nil:
			if !enrollServerOK(got.Server) || !enrollCodeOK(got.Code) {
				t.Errorf("ParseEnrollQR(%q) = %+v; want a usable server and code", s, got)
			}
		case errors.Is(err, ErrNotEnrollQR), errors.As(err, &inv):
		default:
			t.Errorf("ParseEnrollQR(%q) error %v (%T); want ErrNotEnrollQR or *Invalid", s, err, err)
		}
	})
}
