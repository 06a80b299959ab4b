package vietqr_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/motcua/kiosk/kiosk/vietqr"
)

func TestCRC16CheckValue(t *testing.T) {
	// The catalogue check value of CRC-16/CCITT-FALSE.
	if got := vietqr.CRC16([]byte("123456789")); got != 0x29B1 {
		t.Errorf("CRC16(%q) = %04X; want 29B1", "123456789", got)
	}
}

// Payloads written by other generators, with the CRCs they printed. They
// check Encode and Decode against the world, not against themselves.
var realWorld = []struct {
	name    string
	payload string
	payment vietqr.Payment
}{
	{
		"NAPAS's guide: to an account",
		"00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E",
		vietqr.Payment{BankBIN: "970403", Account: "0011012345678", Service: vietqr.ToAccount, Amount: 180000, BillNumber: "NPS6869", Purpose: "thanh toan don hang"},
	},
	{
		"NAPAS's guide: to a card",
		"00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC530370454061800005802VN62340107NPS68690819thanh toan don hang6304A203",
		vietqr.Payment{BankBIN: "970403", Account: "9704031101234567", Service: vietqr.ToCard, Amount: 180000, BillNumber: "NPS6869", Purpose: "thanh toan don hang"},
	},
	{
		"a payment gateway's code with a letter-and-digit virtual account",
		"00020101021238570010A000000727012700069704220113VQRQADAIJ55120208QRIBFTTA5303704540470005802VN62120808TL89 1006304E346",
		vietqr.Payment{BankBIN: "970422", Account: "VQRQADAIJ5512", Service: vietqr.ToAccount, Amount: 7000, Purpose: "TL89 100"},
	},
}

func TestEncodeMatchesRealCodes(t *testing.T) {
	for _, tt := range realWorld {
		if got, err := vietqr.Encode(tt.payment); err != nil || got != tt.payload {
			t.Errorf("%s: Encode(%+v) = %q, %v; want %q", tt.name, tt.payment, got, err, tt.payload)
		}
	}
}

func TestDecodeReadsRealCodes(t *testing.T) {
	for _, tt := range realWorld {
		if got, err := vietqr.Decode(tt.payload); err != nil || got != tt.payment {
			t.Errorf("%s: Decode(%q) = %+v, %v; want %+v", tt.name, tt.payload, got, err, tt.payment)
		}
	}
}

// TestEncodeBuildsTheTLVs spells a payload out field by field from the
// specification, with a merchant name and city.
func TestEncodeBuildsTheTLVs(t *testing.T) {
	got, err := vietqr.Encode(vietqr.Payment{BankBIN: "970415", Account: "113000006100", Amount: 15000,
		BillNumber: "PAY1", Purpose: "LE PHI 000.00.01.H26", MerchantName: "UBND PHUONG BA DINH", City: "HA NOI"})
	if err != nil {
		t.Fatal(err)
	}
	want := "000201" + "010212" +
		"3856" + "0010A000000727" + "0126" + "0006970415" + "0112113000006100" + "0208QRIBFTTA" +
		"5303704" + "540515000" + "5802VN" + "5919UBND PHUONG BA DINH" + "6006HA NOI" +
		"6232" + "0104PAY1" + "0820LE PHI 000.00.01.H26" +
		"6304"
	if !strings.HasPrefix(got, want) || len(got) != len(want)+4 {
		t.Fatalf("Encode() = %q; want %q followed by the CRC", got, want)
	}
	if crc := fmt.Sprintf("%04X", vietqr.CRC16([]byte(want))); got[len(want):] != crc {
		t.Errorf("Encode() ends with %s; want the CRC %s of everything before it", got[len(want):], crc)
	}
}

func TestEncodeStaticCode(t *testing.T) {
	got, err := vietqr.Encode(vietqr.Payment{BankBIN: "970415", Account: "113000006100"})
	if err != nil {
		t.Fatal(err)
	}
	want := "000201" + "010211" + "3856" + "0010A000000727" + "0126" + "0006970415" + "0112113000006100" + "0208QRIBFTTA" +
		"5303704" + "5802VN" + "6304"
	if !strings.HasPrefix(got, want) || len(got) != len(want)+4 {
		t.Errorf("Encode(no amount) = %q; want the static code %q and a CRC, without 54 or 62", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []vietqr.Payment{
		{BankBIN: "970415", Account: "113000006100", Service: vietqr.ToAccount},
		{BankBIN: "970436", Account: "1023456789", Service: vietqr.ToAccount, Amount: 9_999_999_999_999},
		{BankBIN: "970403", Account: "9704031101234567", Service: vietqr.ToCard, Amount: 1},
		{BankBIN: "970422", Account: strings.Repeat("Z", 19), Service: vietqr.ToAccount, Amount: 50000,
			BillNumber: strings.Repeat("B", 25), Purpose: strings.Repeat("~", 25),
			MerchantName: strings.Repeat("N", 25), City: strings.Repeat("C", 15)},
	}
	for _, p := range tests {
		s, err := vietqr.Encode(p)
		if err != nil {
			t.Errorf("Encode(%+v): %v", p, err)
			continue
		}
		if got, err := vietqr.Decode(s); err != nil || got != p {
			t.Errorf("Decode(Encode(%+v)) = %+v, %v; want it back", p, got, err)
		}
	}
}

func TestEncodeDefaultsToAccountTransfer(t *testing.T) {
	s, err := vietqr.Encode(vietqr.Payment{BankBIN: "970415", Account: "113000006100"})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := vietqr.Decode(s); err != nil || p.Service != vietqr.ToAccount {
		t.Errorf("Decode(Encode(no service)) = %+v, %v; want service %s", p, err, vietqr.ToAccount)
	}
}

func TestEncodeRefusesBadFields(t *testing.T) {
	ok := vietqr.Payment{BankBIN: "970415", Account: "113000006100", Amount: 1000}
	tests := []struct {
		name   string
		change func(*vietqr.Payment)
		field  string
		reason string
	}{
		{"short BIN", func(p *vietqr.Payment) { p.BankBIN = "97041" }, "BankBIN", "not 6 digits"},
		{"BIN with a letter", func(p *vietqr.Payment) { p.BankBIN = "97041A" }, "BankBIN", "not 6 digits"},
		{"no account", func(p *vietqr.Payment) { p.Account = "" }, "Account", "1 to 19"},
		{"account of 20 digits", func(p *vietqr.Payment) { p.Account = strings.Repeat("1", 20) }, "Account", "1 to 19"},
		{"account with a dash", func(p *vietqr.Payment) { p.Account = "1130-0000" }, "Account", "letters or digits"},
		{"unknown service", func(p *vietqr.Payment) { p.Service = "QRPUSH" }, "Service", "not a VietQR service"},
		{"negative amount", func(p *vietqr.Payment) { p.Amount = -1 }, "Amount", "out of range"},
		{"amount of 14 digits", func(p *vietqr.Payment) { p.Amount = 10_000_000_000_000 }, "Amount", "out of range"},
		{"Vietnamese letters in the purpose", func(p *vietqr.Payment) { p.Purpose = "Lệ phí" }, "Purpose", "without Vietnamese marks"},
		{"a newline in the bill number", func(p *vietqr.Payment) { p.BillNumber = "A\nB" }, "BillNumber", "plain ASCII"},
		{"a purpose of 26 characters", func(p *vietqr.Payment) { p.Purpose = strings.Repeat("A", 26) }, "Purpose", "at most 25"},
		{"a merchant name of 26 characters", func(p *vietqr.Payment) { p.MerchantName = strings.Repeat("A", 26) }, "MerchantName", "at most 25"},
		{"a city of 16 characters", func(p *vietqr.Payment) { p.City = strings.Repeat("A", 16) }, "City", "at most 15"},
	}
	for _, tt := range tests {
		p := ok
		tt.change(&p)
		_, err := vietqr.Encode(p)
		var fe *vietqr.FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, vietqr.ErrInvalid) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("%s: Encode() error = %v; want an ErrInvalid on %s saying %q", tt.name, err, tt.field, tt.reason)
		}
	}
}

// withCRC finishes a payload body with its field 63.
func withCRC(body string) string {
	body += "6304"
	return body + fmt.Sprintf("%04X", vietqr.CRC16([]byte(body)))
}

// Parts of a good payload, to build bad ones from.
const (
	head     = "000201010212"
	merchant = "38570010A00000072701270006970403011300110123456780208QRIBFTTA"
	tail     = "5303704" + "5406180000" + "5802VN"
)

func TestDecodeRefusesMalformedPayloads(t *testing.T) {
	good := realWorld[0].payload
	tests := []struct {
		name    string
		payload string
		kind    error
		field   string
		reason  string
	}{
		{"empty", "", vietqr.ErrMalformed, "payload", "empty"},
		{"too short for a field", "000", vietqr.ErrMalformed, "payload", "too short"},
		{"truncated", good[:len(good)-10], vietqr.ErrMalformed, "62", "does not fit"},
		{"a letter in an ID", withCRC("0002010A0212" + merchant + tail), vietqr.ErrMalformed, "payload", "2-digit ID"},
		{"a letter in a length", withCRC("000201" + "01x212" + merchant + tail), vietqr.ErrMalformed, "payload", "2-digit length"},
		{"an empty value", withCRC(head + "5900" + merchant + tail), vietqr.ErrMalformed, "59", "empty"},
		{"a length past the end", head + "5499", vietqr.ErrMalformed, "54", "does not fit"},
		{"an ID twice", withCRC(head + merchant + tail + "5802VN"), vietqr.ErrMalformed, "58", "twice"},
		{"Vietnamese letters", withCRC(head + merchant + tail + "62100806Lệ phí"), vietqr.ErrMalformed, "payload", "not printable ASCII"},
		{"no CRC", head + merchant + tail, vietqr.ErrMalformed, "63", "last"},
		{"CRC not last", strings.Replace(withCRC(head+merchant+tail), "5802VN", "", 1) + "5802VN", vietqr.ErrMalformed, "63", "last"},
		{"CRC of 3 digits", head + merchant + tail + "6303ABC", vietqr.ErrMalformed, "63", "4 hex digits"},
		{"CRC not hex", head + merchant + tail + "6304WXYZ", vietqr.ErrMalformed, "63", "4 hex digits"},
		{"wrong CRC", good[:len(good)-4] + "2E2F", vietqr.ErrChecksum, "63", "does not match"},
		{"one changed digit of the account", strings.Replace(good, "0011012345678", "0011012345679", 1), vietqr.ErrChecksum, "63", "does not match"},
		{"format indicator not first", withCRC("010212000201" + merchant + tail), vietqr.ErrMalformed, "00", "first"},
		{"format 02", withCRC("000202010212" + merchant + tail), vietqr.ErrMalformed, "00", "not 01"},
		{"initiation 13", withCRC("000201010213" + merchant + tail), vietqr.ErrMalformed, "01", "neither 11"},
		{"no currency", withCRC(head + merchant + "5802VN"), vietqr.ErrMalformed, "53", "missing"},
		{"dollars", withCRC(head + merchant + "5303840" + "5802VN"), vietqr.ErrNotVietQR, "53", `"840" is not 704`},
		{"no country", withCRC(head + merchant + "5303704"), vietqr.ErrMalformed, "58", "missing"},
		{"Thailand", withCRC(head + merchant + "5303704" + "5802TH"), vietqr.ErrNotVietQR, "58", `"TH" is not VN`},
		{"no field 38", withCRC(head + tail), vietqr.ErrNotVietQR, "38", "missing"},
		{"38 without the NAPAS GUID", withCRC(head + "38570010A00000072801270006970403011300110123456780208QRIBFTTA" + tail), vietqr.ErrNotVietQR, "38.00", "not NAPAS"},
		{"38 with an unknown field", withCRC(head + "38630010A00000072701270006970403011300110123456780208QRIBFTTA0302XY" + tail), vietqr.ErrNotVietQR, "38.03", "not a field"},
		{"38 without a service", withCRC(head + "38450010A0000007270127000697040301130011012345678" + tail), vietqr.ErrNotVietQR, "38.02", "missing"},
		{"38 with a bad nested length", withCRC(head + "3857" + "0010A000000727" + "0145" + "0006970403" + "0113" + "0011012345678" + "0208QRIBFTTA" + tail), vietqr.ErrMalformed, "38.01", "does not fit"},
		{"beneficiary without an account", withCRC(head + "3840" + "0010A000000727" + "0110" + "0006970403" + "0208QRIBFTTA" + tail), vietqr.ErrNotVietQR, "38.01.01", "missing"},
		{"a 5-digit BIN", withCRC(head + "3856" + "0010A000000727" + "0126" + "000597040" + "0113" + "0011012345678" + "0208QRIBFTTA" + tail), vietqr.ErrInvalid, "38.01.00", "not 6 digits"},
		{"an account with a dash", withCRC(head + "3857" + "0010A000000727" + "0127" + "0006970403" + "0113" + "0011-12345678" + "0208QRIBFTTA" + tail), vietqr.ErrInvalid, "38.01.01", "letters or digits"},
		{"an unknown service", withCRC(head + "38570010A00000072701270006970403011300110123456780208QRIBFTTX" + tail), vietqr.ErrNotVietQR, "38.02", "neither QRIBFTTA"},
		{"an amount with decimals", withCRC(head + merchant + "5303704" + "540818000.00" + "5802VN"), vietqr.ErrInvalid, "54", "whole đồng"},
		{"an amount of 14 digits", withCRC(head + merchant + "5303704" + "541410000000000000" + "5802VN"), vietqr.ErrInvalid, "54", "1 to 13 digits"},
		{"an amount of zero", withCRC(head + merchant + "5303704" + "54010" + "5802VN"), vietqr.ErrInvalid, "54", "zero"},
		{"62 with a bad nested length", withCRC(head + merchant + tail + "62080812ABCD"), vietqr.ErrMalformed, "62.08", "does not fit"},
	}
	for _, tt := range tests {
		_, err := vietqr.Decode(tt.payload)
		var fe *vietqr.FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("%s: Decode(%q) error = %v; want %v on %s saying %q", tt.name, tt.payload, err, tt.kind, tt.field, tt.reason)
		}
	}
}

func TestDecodeIsLiberalWhereCodesDiffer(t *testing.T) {
	want := vietqr.Payment{BankBIN: "970403", Account: "0011012345678", Service: vietqr.ToAccount, Amount: 180000}
	tests := []struct {
		name    string
		payload string
		want    vietqr.Payment
	}{
		{"a lowercase CRC", strings.Replace(realWorld[0].payload, "2E2E", "2e2e", 1), realWorld[0].payment},
		{"no point of initiation", withCRC("000201" + merchant + tail), want},
		{"a merchant category code and another scheme's template", withCRC(head + "2606ABC123" + merchant + "52045999" + tail), want},
		{"62 fields a Payment does not carry", withCRC(head + merchant + tail + "62170703T010806LE PHI"), withPurpose(want, "LE PHI")},
		{"a purpose longer than Encode writes", withCRC(head + merchant + tail + "62340830" + strings.Repeat("X", 30)), withPurpose(want, strings.Repeat("X", 30))},
	}
	for _, tt := range tests {
		if got, err := vietqr.Decode(tt.payload); err != nil || got != tt.want {
			t.Errorf("%s: Decode(%q) = %+v, %v; want %+v", tt.name, tt.payload, got, err, tt.want)
		}
	}
}

func withPurpose(p vietqr.Payment, purpose string) vietqr.Payment {
	p.Purpose = purpose
	return p
}

// FuzzDecode feeds Decode arbitrary strings: it must never panic, and
// whatever it accepts and Encode can write must decode to the same
// Payment again.
func FuzzDecode(f *testing.F) {
	for _, tt := range realWorld {
		f.Add(tt.payload)
	}
	f.Add(withCRC(head + merchant + tail + "62170703T010806LE PHI"))
	f.Add(withCRC(head + "38570010A00000072801270006970403011300110123456780208QRIBFTTA" + tail))
	f.Add("000201")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := vietqr.Decode(s)
		if err != nil {
			var fe *vietqr.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Decode(%q) error %v is not a *FieldError", s, err)
			}
			return
		}
		again, err := vietqr.Encode(p)
		if err != nil {
			return // Decode reads more than Encode writes: longer texts
		}
		if q, err := vietqr.Decode(again); err != nil || q != p {
			t.Fatalf("Decode(Encode(%+v)) = %+v, %v; want it back", p, q, err)
		}
	})
}

// FuzzRoundTrip builds payments from arbitrary values: every one Encode
// accepts must decode to itself.
func FuzzRoundTrip(f *testing.F) {
	f.Add("970415", "113000006100", false, int64(15000), "PAY1", "LE PHI 000.00.01.H26", "", "")
	f.Add("970403", "9704031101234567", true, int64(0), "", "", "UBND", "HA NOI")
	f.Add("97041", "Lệ phí", false, int64(-1), "\n", "~", "x", "y")
	f.Fuzz(func(t *testing.T, bin, account string, card bool, amount int64, bill, purpose, name, city string) {
		p := vietqr.Payment{BankBIN: bin, Account: account, Service: vietqr.ToAccount, Amount: amount,
			BillNumber: bill, Purpose: purpose, MerchantName: name, City: city}
		if card {
			p.Service = vietqr.ToCard
		}
		s, err := vietqr.Encode(p)
		if err != nil {
			return
		}
		if got, err := vietqr.Decode(s); err != nil || got != p {
			t.Fatalf("Decode(Encode(%+v)) = %+v, %v; want it back", p, got, err)
		}
	})
}
