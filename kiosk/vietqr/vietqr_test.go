package vietqr

import (
	"fmt"
	"strings"
	"testing"
)

func TestCRC16CheckValue(t *testing.T) {
	// The catalogue check value of CRC-16/CCITT-FALSE.
	if got := CRC16([]byte("123456789")); got != 0x29B1 {
		t.Errorf("CRC16(123456789) = %04X; want 29B1", got)
	}
}

func TestEncodeBuildsTheTLVs(t *testing.T) {
	got, err := Encode(Payment{BankBIN: "970415", Account: "113000006100", Amount: 15000,
		BillNumber: "PAY1", Purpose: "LE PHI 000.00.01.H26"})
	if err != nil {
		t.Fatal(err)
	}
	want := "000201" + "010212" +
		"3856" + "0010A000000727" + "0126" + "0006970415" + "0112113000006100" + "0208QRIBFTTA" +
		"5303704" + "540515000" + "5802VN" +
		"6232" + "0104PAY1" + "0820LE PHI 000.00.01.H26" +
		"6304"
	if !strings.HasPrefix(got, want) || len(got) != len(want)+4 {
		t.Fatalf("Encode() = %q; want %q followed by the CRC", got, want)
	}
	if crc := fmt.Sprintf("%04X", CRC16([]byte(want))); got[len(want):] != crc {
		t.Errorf("Encode() ends with %s; want the CRC %s of everything before it", got[len(want):], crc)
	}
}

func TestEncodeStaticCodeHasNoAmount(t *testing.T) {
	got, err := Encode(Payment{BankBIN: "970415", Account: "113000006100"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "000201010211") || strings.Contains(got, "5405") {
		t.Errorf("Encode(no amount) = %q; want a static code (01 = 11) without field 54", got)
	}
}

func TestEncodeRefusesBadFields(t *testing.T) {
	ok := Payment{BankBIN: "970415", Account: "113000006100", Amount: 1000}
	tests := []struct {
		name   string
		change func(*Payment)
		want   string
	}{
		{"short BIN", func(p *Payment) { p.BankBIN = "97041" }, "bank BIN"},
		{"account with a dash", func(p *Payment) { p.Account = "1130-0000" }, "account"},
		{"negative amount", func(p *Payment) { p.Amount = -1 }, "amount"},
		{"Vietnamese letters in the purpose", func(p *Payment) { p.Purpose = "Lệ phí" }, "without tones"},
		{"a purpose too long", func(p *Payment) { p.Purpose = strings.Repeat("A", 26) }, "limit is 25"},
		{"unknown service", func(p *Payment) { p.Service = "QRPUSH" }, "service"},
	}
	for _, tt := range tests {
		p := ok
		tt.change(&p)
		if _, err := Encode(p); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Encode() error = %v; want one mentioning %q", tt.name, err, tt.want)
		}
	}
}

func ExampleEncode() {
	payload, _ := Encode(Payment{BankBIN: "970415", Account: "113000006100", Amount: 20000, Purpose: "LE PHI"})
	fmt.Println(payload[:12], payload[len(payload)-8:len(payload)-4])
	// Output: 000201010212 6304
}
