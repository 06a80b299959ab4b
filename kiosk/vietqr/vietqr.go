// Package vietqr encodes and decodes the payload of a VietQR code: the
// EMVCo merchant-presented QR code that Vietnamese banking apps scan to
// make a NAPAS 247 transfer, with the amount and the purpose filled in.
//
// A payload is a string of fields, each a 2-digit ID, a 2-digit length
// and the value; some values are fields in turn. It ends with a
// CRC-16/CCITT-FALSE over everything before the checksum's 4 hex digits.
package vietqr

import (
	"errors"
	"fmt"
	"strconv"
)

// NAPAS is the globally unique identifier of VietQR in field 38.00.
const NAPAS = "A000000727"

// Service codes of field 38.02.
const (
	ToAccount = "QRIBFTTA" // transfer to an account number
	ToCard    = "QRIBFTTC" // transfer to a card number
)

// Field IDs of the top level.
const (
	idFormat     = "00" // Payload Format Indicator, always "01"
	idInitiation = "01" // Point of Initiation Method
	idVietQR     = "38" // Merchant Account Information, the NAPAS template
	idCurrency   = "53" // ISO 4217 numeric
	idAmount     = "54"
	idCountry    = "58"
	idName       = "59" // merchant name
	idCity       = "60" // merchant city
	idAdditional = "62" // Additional Data Field Template
	idCRC        = "63"
)

// Values of the top-level fields that a VietQR transfer fixes.
const (
	formatVersion = "01"
	static        = "11" // the payer types the amount
	dynamic       = "12" // the amount is in the code
	dong          = "704"
	vietnam       = "VN"
)

// Payment is what a VietQR code asks a banking app to pay.
type Payment struct {
	BankBIN string // the receiving bank's 6-digit BIN, e.g. 970415
	Account string // the receiving account, or card, number
	Service string // ToAccount (the default when empty) or ToCard
	Amount  int64  // in đồng; 0 makes a static code where the payer types it
	// BillNumber and Purpose appear in the payer's banking app and on the
	// payee's statement: the dossier code goes here.
	BillNumber, Purpose string
	MerchantName, City  string // optional
}

// The kinds of error, for errors.Is. Every error Encode and Decode return
// is a *FieldError of one of these kinds.
var (
	// ErrInvalid: a value cannot be paid: a bank BIN, account or amount
	// out of range, or text a banking app cannot show.
	ErrInvalid = errors.New("invalid value")
	// ErrMalformed: the payload is not a well-formed EMVCo QR payload.
	ErrMalformed = errors.New("malformed payload")
	// ErrChecksum: the payload's CRC does not match; it was misread or
	// altered.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrNotVietQR: a well-formed EMVCo payload, but not a VietQR
	// transfer in đồng (another scheme, currency or country).
	ErrNotVietQR = errors.New("not a VietQR transfer")
)

// FieldError says which field is wrong and why. Field is a Payment field
// name ("Purpose") from Encode, and a payload position ("38.01.00", or
// "payload" for the whole string) from Decode.
type FieldError struct {
	Field  string
	Kind   error // ErrInvalid, ErrMalformed, ErrChecksum or ErrNotVietQR
	Reason string
}

func (e *FieldError) Error() string { return "vietqr: " + e.Field + ": " + e.Reason }

// Unwrap lets errors.Is match the kind.
func (e *FieldError) Unwrap() error { return e.Kind }

func fieldErr(field string, kind error, format string, args ...any) error {
	return &FieldError{Field: field, Kind: kind, Reason: fmt.Sprintf(format, args...)}
}

// Limits. The texts take EMVCo's lengths (the NAPAS guide keeps them), so
// that every banking app shows them whole. Decode reads longer texts, up
// to the 99 bytes a field can hold, because other generators write them.
const (
	binLen      = 6
	maxAccount  = 19
	maxText     = 25 // bill number, purpose, merchant name
	maxCity     = 15
	maxAmount   = 9_999_999_999_999
	amountDigit = 13
)

// Encode returns the payload string of p, ending with its CRC.
func Encode(p Payment) (string, error) {
	if err := p.check(); err != nil {
		return "", err
	}
	if p.Service == "" {
		p.Service = ToAccount
	}
	initiation := static
	if p.Amount > 0 {
		initiation = dynamic
	}
	beneficiary := tlv("00", p.BankBIN) + tlv("01", p.Account)
	s := tlv(idFormat, formatVersion) + tlv(idInitiation, initiation) +
		tlv(idVietQR, tlv("00", NAPAS)+tlv("01", beneficiary)+tlv("02", p.Service)) +
		tlv(idCurrency, dong)
	if p.Amount > 0 {
		s += tlv(idAmount, strconv.FormatInt(p.Amount, 10))
	}
	s += tlv(idCountry, vietnam) + optional(idName, p.MerchantName) + optional(idCity, p.City)
	if extra := optional("01", p.BillNumber) + optional("08", p.Purpose); extra != "" {
		s += tlv(idAdditional, extra)
	}
	s += idCRC + "04" // the CRC covers its own ID and length
	return s + fmt.Sprintf("%04X", CRC16([]byte(s))), nil
}

// tlv writes one field. check keeps every value within the 99 bytes its
// two length digits can say.
func tlv(id, value string) string { return fmt.Sprintf("%s%02d%s", id, len(value), value) }

func optional(id, value string) string {
	if value == "" {
		return ""
	}
	return tlv(id, value)
}

func (p Payment) check() error {
	if err := checkBIN("BankBIN", p.BankBIN); err != nil {
		return err
	}
	if err := checkAccount("Account", p.Account); err != nil {
		return err
	}
	if p.Service != "" && p.Service != ToAccount && p.Service != ToCard {
		return fieldErr("Service", ErrInvalid, "%q is not a VietQR service; want %s (to an account) or %s (to a card)", p.Service, ToAccount, ToCard)
	}
	if p.Amount < 0 || p.Amount > maxAmount {
		return fieldErr("Amount", ErrInvalid, "%d đồng is out of range; want 0 (payer types it) to %d", p.Amount, int64(maxAmount))
	}
	texts := []struct {
		field, value string
		max          int
	}{
		{"BillNumber", p.BillNumber, maxText},
		{"Purpose", p.Purpose, maxText},
		{"MerchantName", p.MerchantName, maxText},
		{"City", p.City, maxCity},
	}
	for _, t := range texts {
		if err := checkText(t.field, t.value, t.max); err != nil {
			return err
		}
	}
	return nil
}

func checkBIN(field, bin string) error {
	if len(bin) != binLen || !allDigits(bin) {
		return fieldErr(field, ErrInvalid, "bank BIN %q is not %d digits", bin, binLen)
	}
	return nil
}

func checkAccount(field, account string) error {
	if len(account) < 1 || len(account) > maxAccount || !alphanumeric(account) {
		return fieldErr(field, ErrInvalid, "account %q is not 1 to %d letters or digits", account, maxAccount)
	}
	return nil
}

// checkText accepts printable ASCII only: EMVCo's "ans" character set,
// and what banking apps show reliably. A Vietnamese letter is refused, not
// folded: dropping its marks silently could change a name or a code, so
// the caller decides how to write it.
func checkText(field, v string, max int) error {
	for i, r := range v {
		if r < ' ' || r > '~' {
			return fieldErr(field, ErrInvalid, "%q has %q at byte %d; banking apps take plain ASCII only: write it without Vietnamese marks", v, r, i)
		}
	}
	if len(v) > max {
		return fieldErr(field, ErrInvalid, "%q is %d characters; at most %d fit", v, len(v), max)
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func alphanumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// CRC16 is CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF,
// no reflection, no final XOR), the checksum of EMVCo QR codes.
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

// Decode reads a VietQR payload back into a Payment.
//
// It is strict where a misread would send money astray: the checksum, the
// structure, the NAPAS template, the bank, the account, the amount, the
// currency and the country. It is liberal where real codes differ: a
// lowercase checksum, a missing point of initiation, fields it does not
// use (a merchant category code, another scheme's template), and texts
// longer than Encode writes. So a decoded Payment may not encode again.
func Decode(s string) (Payment, error) {
	top, err := parseFrame(s)
	if err != nil {
		return Payment{}, err
	}
	if err := checkHeader(top); err != nil {
		return Payment{}, err
	}
	p, err := decodeMerchant(top)
	if err != nil {
		return Payment{}, err
	}
	if p.Amount, err = decodeAmount(top); err != nil {
		return Payment{}, err
	}
	p.MerchantName, p.City = top.value[idName], top.value[idCity]
	if p.BillNumber, p.Purpose, err = decodeAdditional(top); err != nil {
		return Payment{}, err
	}
	return p, nil
}

// fields is one level of a payload: the top, or a template's value.
type fields struct {
	path  string   // "" at the top, "38", "38.01"…
	ids   []string // in payload order
	value map[string]string
}

// at names field id for an error: "38.01.00".
func (f fields) at(id string) string {
	if f.path == "" {
		return id
	}
	return f.path + "." + id
}

// where names the level itself.
func (f fields) where() string {
	if f.path == "" {
		return "payload"
	}
	return f.path
}

// parse splits s into its fields. It refuses what a strict reader must:
// an ID or length that is not two digits, an empty value, a length that
// runs past the end, and an ID given twice (which of two amounts would a
// bank pay?).
func parse(path, s string) (fields, error) {
	f := fields{path: path, value: map[string]string{}}
	for i := 0; i < len(s); {
		if len(s)-i < 4 {
			return f, fieldErr(f.where(), ErrMalformed, "%q at byte %d is too short for a field (2-digit ID and 2-digit length)", s[i:], i)
		}
		id, size := s[i:i+2], s[i+2:i+4]
		if !allDigits(id) || !allDigits(size) {
			return f, fieldErr(f.where(), ErrMalformed, "%q at byte %d is not a 2-digit ID and a 2-digit length", s[i:i+4], i)
		}
		n, _ := strconv.Atoi(size)
		if n == 0 {
			return f, fieldErr(f.at(id), ErrMalformed, "length 00 at byte %d: a field cannot be empty", i)
		}
		if i+4+n > len(s) {
			return f, fieldErr(f.at(id), ErrMalformed, "length %s at byte %d does not fit: %d bytes follow", size, i, len(s)-i-4)
		}
		if _, dup := f.value[id]; dup {
			return f, fieldErr(f.at(id), ErrMalformed, "field appears twice")
		}
		f.value[id] = s[i+4 : i+4+n]
		f.ids = append(f.ids, id)
		i += 4 + n
	}
	return f, nil
}

// parseFrame parses the top level and checks what frames it: printable
// ASCII throughout (EMVCo's character set, and byte lengths equal
// character lengths), 00 first, and 63 last with the right CRC.
func parseFrame(s string) (fields, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return fields{}, fieldErr("payload", ErrMalformed, "byte %d is %#02x, not printable ASCII", i, s[i])
		}
	}
	if s == "" {
		return fields{}, fieldErr("payload", ErrMalformed, "empty")
	}
	top, err := parse("", s)
	if err != nil {
		return top, err
	}
	if top.ids[0] != idFormat {
		return top, fieldErr(idFormat, ErrMalformed, "the payload format indicator must come first")
	}
	if top.ids[len(top.ids)-1] != idCRC {
		return top, fieldErr(idCRC, ErrMalformed, "the CRC must be the last field")
	}
	return top, checkCRC(s, top.value[idCRC])
}

func checkCRC(s, crc string) error {
	got, err := strconv.ParseUint(crc, 16, 16)
	if len(crc) != 4 || err != nil {
		return fieldErr(idCRC, ErrMalformed, "CRC %q is not 4 hex digits", crc)
	}
	if want := CRC16([]byte(s[:len(s)-4])); uint16(got) != want {
		return fieldErr(idCRC, ErrChecksum, "CRC %s does not match the payload, whose CRC is %04X: misread or altered", crc, want)
	}
	return nil
}

// checkHeader checks the fields a VietQR transfer fixes.
func checkHeader(top fields) error {
	if v := top.value[idFormat]; v != formatVersion {
		return fieldErr(idFormat, ErrMalformed, "payload format %q is not %s", v, formatVersion)
	}
	if v, ok := top.value[idInitiation]; ok && v != static && v != dynamic {
		return fieldErr(idInitiation, ErrMalformed, "point of initiation %q is neither %s (static) nor %s (dynamic)", v, static, dynamic)
	}
	for _, f := range []struct{ id, name, want string }{
		{idCurrency, "currency", dong},
		{idCountry, "country", vietnam},
	} {
		v, ok := top.value[f.id]
		if !ok {
			return fieldErr(f.id, ErrMalformed, "the %s is missing", f.name)
		}
		if v != f.want {
			return fieldErr(f.id, ErrNotVietQR, "%s %q is not %s", f.name, v, f.want)
		}
	}
	return nil
}

// template parses a nested field that must be present, and refuses IDs
// the template does not define: in the NAPAS template an unknown field
// means a scheme this package does not understand.
func template(parent fields, id string, known ...string) (fields, error) {
	v, ok := parent.value[id]
	if !ok {
		return fields{}, fieldErr(parent.at(id), ErrNotVietQR, "missing: a VietQR transfer needs it")
	}
	f, err := parse(parent.at(id), v)
	if err != nil {
		return f, err
	}
	for _, sub := range f.ids {
		if !contains(known, sub) {
			return f, fieldErr(f.at(sub), ErrNotVietQR, "not a field of the VietQR template")
		}
	}
	for _, sub := range known {
		if _, ok := f.value[sub]; !ok {
			return f, fieldErr(f.at(sub), ErrNotVietQR, "missing: a VietQR transfer needs it")
		}
	}
	return f, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// decodeMerchant reads field 38: 00 the NAPAS GUID, 01 the beneficiary
// (00 bank BIN, 01 account or card), 02 the service.
func decodeMerchant(top fields) (Payment, error) {
	m, err := template(top, idVietQR, "00", "01", "02")
	if err != nil {
		return Payment{}, err
	}
	if m.value["00"] != NAPAS {
		return Payment{}, fieldErr(m.at("00"), ErrNotVietQR, "GUID %q is not NAPAS's %s", m.value["00"], NAPAS)
	}
	b, err := template(m, "01", "00", "01")
	if err != nil {
		return Payment{}, err
	}
	p := Payment{BankBIN: b.value["00"], Account: b.value["01"], Service: m.value["02"]}
	if err := checkBIN(b.at("00"), p.BankBIN); err != nil {
		return Payment{}, err
	}
	if err := checkAccount(b.at("01"), p.Account); err != nil {
		return Payment{}, err
	}
	if p.Service != ToAccount && p.Service != ToCard {
		return Payment{}, fieldErr(m.at("02"), ErrNotVietQR, "service %q is neither %s nor %s", p.Service, ToAccount, ToCard)
	}
	return p, nil
}

// decodeAmount reads field 54 in whole đồng. EMVCo allows a decimal
// point; the đồng has no minor unit, so a point is refused rather than
// guessed at.
func decodeAmount(top fields) (int64, error) {
	v, ok := top.value[idAmount]
	if !ok {
		return 0, nil
	}
	if !allDigits(v) || len(v) > amountDigit {
		return 0, fieldErr(idAmount, ErrInvalid, "amount %q is not 1 to %d digits of whole đồng", v, amountDigit)
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	if n == 0 {
		return 0, fieldErr(idAmount, ErrInvalid, "amount %q is zero; a static code leaves the amount out", v)
	}
	return n, nil
}

// decodeAdditional reads the bill number (62.01) and the purpose (62.08)
// and skips the template's other fields (store label, terminal…), which
// EMVCo defines and a Payment does not carry.
func decodeAdditional(top fields) (bill, purpose string, err error) {
	v, ok := top.value[idAdditional]
	if !ok {
		return "", "", nil
	}
	f, err := parse(idAdditional, v)
	if err != nil {
		return "", "", err
	}
	return f.value["01"], f.value["08"], nil
}
