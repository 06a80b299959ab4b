package vietqr_test

import (
	"testing"

	"github.com/motcua/kiosk/kiosk/vietqr"
)

// benchFee is a dossier's fee as the central system asks for it: 8 000 đ
// to the commune's account, the order's token as the bill number and the
// dossier code in the purpose.
var benchFee = vietqr.Payment{BankBIN: "970415", Account: "113000006100", Amount: 8000,
	BillNumber: "9F86D081884C7D65", Purpose: "LE PHI 000.00.01.H26-0001"}

// BenchmarkEncode builds the payload of a fee payment, CRC included.
func BenchmarkEncode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := vietqr.Encode(benchFee); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode reads the same payload back, CRC checked.
func BenchmarkDecode(b *testing.B) {
	payload, err := vietqr.Encode(benchFee)
	if err != nil {
		b.Fatal(err)
	}
	if got, err := vietqr.Decode(payload); err != nil || got.Amount != benchFee.Amount || got.Purpose != benchFee.Purpose {
		b.Fatalf("Decode(%q) = %+v, %v; want the fee back", payload, got, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := vietqr.Decode(payload); err != nil {
			b.Fatal(err)
		}
	}
}
