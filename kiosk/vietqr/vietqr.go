// Package vietqr builds the payload of a VietQR code: the EMVCo
// merchant-presented QR that Vietnamese banking apps scan to pay a
// transfer (NAPAS 247), with the amount and the purpose filled in.
package vietqr

import (
	"fmt"
	"strconv"
)

// NAPAS is the globally unique identifier of VietQR in field 38.
const NAPAS = "A000000727"

// Service codes of field 38.02.
const (
	ToAccount = "QRIBFTTA" // transfer to an account number
	ToCard    = "QRIBFTTC" // transfer to a card number
)

// Payment is what a VietQR code asks a banking app to pay.
type Payment struct {
	BankBIN string // the receiving bank's 6-digit BIN, e.g. 970415
	Account string // the receiving account (or card) number
	Service string // ToAccount (default) or ToCard
	Amount  int64  // in đồng; 0 makes a static code where the payer types it
	// BillNumber and Purpose appear in the payer's banking app and on the
	// payee's statement: the dossier code goes here.
	BillNumber, Purpose string
	MerchantName, City  string // optional
}

// Encode returns the payload string of p, ending with its CRC.
func Encode(p Payment) (string, error) {
	if err := p.check(); err != nil {
		return "", err
	}
	if p.Service == "" {
		p.Service = ToAccount
	}
	initiation := "11" // static: the payer types the amount
	if p.Amount > 0 {
		initiation = "12" // dynamic: the amount is in the code
	}
	beneficiary := tlv("00", p.BankBIN) + tlv("01", p.Account)
	s := tlv("00", "01") + tlv("01", initiation) +
		tlv("38", tlv("00", NAPAS)+tlv("01", beneficiary)+tlv("02", p.Service)) +
		tlv("53", "704") // Vietnamese đồng, ISO 4217
	if p.Amount > 0 {
		s += tlv("54", strconv.FormatInt(p.Amount, 10))
	}
	s += tlv("58", "VN") + optional("59", p.MerchantName) + optional("60", p.City)
	if extra := optional("01", p.BillNumber) + optional("08", p.Purpose); extra != "" {
		s += tlv("62", extra)
	}
	s += "6304" // the CRC covers its own ID and length
	return s + fmt.Sprintf("%04X", CRC16([]byte(s))), nil
}

func tlv(id, value string) string { return fmt.Sprintf("%s%02d%s", id, len(value), value) }

func optional(id, value string) string {
	if value == "" {
		return ""
	}
	return tlv(id, value)
}

// Field limits from the EMVCo specification and NAPAS's VietQR guide.
const (
	maxAccount = 19
	maxText    = 25 // bill number, purpose, merchant name
	maxCity    = 15
	maxAmount  = 9_999_999_999_999 // 13 digits
)

func (p Payment) check() error {
	if !digits(p.BankBIN, 6, 6) {
		return fmt.Errorf("vietqr: bank BIN %q: want 6 digits", p.BankBIN)
	}
	if !alnum(p.Account, 1, maxAccount) {
		return fmt.Errorf("vietqr: account %q: want 1 to %d letters or digits", p.Account, maxAccount)
	}
	if p.Service != "" && p.Service != ToAccount && p.Service != ToCard {
		return fmt.Errorf("vietqr: service %q: want %s or %s", p.Service, ToAccount, ToCard)
	}
	if p.Amount < 0 || p.Amount > maxAmount {
		return fmt.Errorf("vietqr: amount %d: want 0 to %d đồng", p.Amount, int64(maxAmount))
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"bill number", p.BillNumber, maxText}, {"purpose", p.Purpose, maxText}, {"merchant name", p.MerchantName, maxText}, {"city", p.City, maxCity}} {
		if err := printable(f.name, f.value, f.max); err != nil {
			return err
		}
	}
	return nil
}

// printable accepts printable ASCII only: banking apps show the fields as
// they are, and many cannot show Vietnamese letters (write without tones).
func printable(name, v string, max int) error {
	if len(v) > max {
		return fmt.Errorf("vietqr: %s %q is %d characters; the limit is %d", name, v, len(v), max)
	}
	for _, r := range v {
		if r < 0x20 || r > 0x7e {
			return fmt.Errorf("vietqr: %s %q has %q; use ASCII letters without tones", name, v, r)
		}
	}
	return nil
}

func digits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func alnum(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z') {
			return false
		}
	}
	return true
}

// CRC16 is CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no
// reflection), the checksum of EMVCo QR codes.
func CRC16(data []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, b := range data {
		crc ^= uint16(b) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
