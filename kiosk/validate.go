package kiosk

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file holds the field validators shared by the kiosk screens and the
// reference server, so that a citizen sees the same message whichever side
// finds the problem. Every validator takes any string (invalid UTF-8,
// megabytes of text) without panicking, and checks cheap lengths before
// doing any work proportional to the input.

// Invalid is an answer the kiosk cannot accept. Message says in plain words,
// in both languages, what is wrong and how to fix it: it is shown as it is,
// next to the field. Validators return it as *Invalid; find it with
// errors.As.
type Invalid struct{ Message Text }

// Error returns the English message, for logs and Go callers; screens show
// Message in the citizen's language.
func (e *Invalid) Error() string { return e.Message.EN }

func newInvalid(vi, en string) error { return &Invalid{Message: Text{VI: vi, EN: en}} }

// invalidText returns the message of err for the citizen. Every error the
// validators return is an *Invalid; the fallback only guards a future slip.
func invalidText(err error) Text {
	var inv *Invalid
	if errors.As(err, &inv) {
		return inv.Message
	}
	return Text{
		VI: "Câu trả lời này chưa đúng. Vui lòng kiểm tra lại.",
		EN: "This answer is not right. Please check it.",
	}
}

// errUnreadable is for invalid UTF-8: it only arrives through the API or a
// broken paste, never from the on-screen keyboard.
func errUnreadable() error {
	return newInvalid(
		"Câu trả lời có ký tự không đọc được. Vui lòng xóa và nhập lại.",
		"Your answer has characters that cannot be read. Please delete it and type it again.")
}

// charName names a character for a message: quoted when it can be seen,
// described in words when it cannot (a space, an invisible character).
// A lone combining mark is shown on a dotted circle, as dictionaries do.
func charName(r rune) Text {
	switch {
	case r == ' ':
		return Text{VI: "dấu cách", EN: "a space"}
	case unicode.IsSpace(r), !unicode.IsGraphic(r):
		return Text{VI: "một ký tự ẩn (không nhìn thấy được)", EN: "a hidden (invisible) character"}
	case unicode.Is(unicode.Mn, r):
		q := "“◌" + string(r) + "”"
		return Text{VI: q, EN: q}
	}
	q := "“" + string(r) + "”"
	return Text{VI: q, EN: q}
}

// ---- Personal identification number ----

// PersonalID is a personal identification number (số định danh cá nhân),
// printed on the Căn cước (formerly CCCD) card, and what its digits say.
// Circular 07/2016/TT-BCA (kept by 59/2021/TT-BCA) defines it: three digits
// for the province where the birth was registered, one for sex and century,
// two for the last digits of the birth year, then six random digits. There
// is no check digit, so a typo in the last six digits cannot be caught.
type PersonalID struct {
	Number    string // the 12 digits, without spaces
	Province  string // the province of the first three digits, pre-2025 name
	Female    bool
	BirthYear int // the full year, e.g. 1985
}

const personalIDLen = 12

// ParsePersonalID reads a personal identification number. Spaces anywhere
// are ignored (people copy the number in groups); anything else that is not
// a digit is rejected by name, so the citizen knows what to delete.
func ParsePersonalID(s string) (PersonalID, error) {
	digits, err := personalIDDigits(s)
	if err != nil {
		return PersonalID{}, err
	}
	province, ok := personalIDProvinces[digits[:3]]
	if !ok {
		return PersonalID{}, newInvalid(
			fmt.Sprintf("Ba chữ số đầu của số định danh (%s) phải là mã tỉnh, thành phố, nhưng %s không phải mã nào. Vui lòng xem lại số trên thẻ Căn cước.", digits[:3], digits[:3]),
			fmt.Sprintf("The first three digits of the ID number (%s) must be a province code, and %s is not one. Please check the number on your ID card.", digits[:3], digits[:3]))
	}
	// The 4th digit G: even for men, odd for women; G/2 counts centuries
	// from 1900 (0–1 → 19xx, 2–3 → 20xx … 8–9 → 23xx).
	g := int(digits[3] - '0')
	yy := int(digits[4]-'0')*10 + int(digits[5]-'0')
	return PersonalID{
		Number:    digits,
		Province:  province,
		Female:    g%2 == 1,
		BirthYear: (19+g/2)*100 + yy,
	}, nil
}

// CheckPersonalID is ParsePersonalID plus what needs a clock: a number
// whose birth year has not come yet is a typo.
func CheckPersonalID(s string, now time.Time) (PersonalID, error) {
	id, err := ParsePersonalID(s)
	if err != nil {
		return PersonalID{}, err
	}
	if id.BirthYear > now.Year() {
		return PersonalID{}, newInvalid(
			fmt.Sprintf("Theo số định danh này, năm sinh là %d, một năm chưa tới. Vui lòng xem lại chữ số thứ 4, 5 và 6.", id.BirthYear),
			fmt.Sprintf("This ID number gives %d as the year of birth, which has not come yet. Please check the 4th, 5th and 6th digits.", id.BirthYear))
	}
	return id, nil
}

// personalIDDigits keeps the digits of s, rejecting any other non-space
// character. It counts every digit but keeps at most 12, so a huge input
// costs no memory and still gets an exact count in the message.
func personalIDDigits(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errUnreadable()
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if n < personalIDLen {
				b.WriteRune(r)
			}
			n++
		case unicode.IsSpace(r):
		default:
			c := charName(r)
			return "", newInvalid(
				"Số định danh chỉ gồm các chữ số từ 0 đến 9. Vui lòng xóa "+c.VI+".",
				"The ID number has only the digits 0 to 9. Please delete "+c.EN+".")
		}
	}
	if n != personalIDLen {
		return "", personalIDCountError(n)
	}
	return b.String(), nil
}

func personalIDCountError(n int) error {
	switch n {
	case 0:
		return newInvalid(
			"Vui lòng nhập số định danh cá nhân: 12 chữ số in trên thẻ Căn cước.",
			"Please enter the personal identification number: the 12 digits printed on the ID card.")
	case 9:
		// The old Chứng minh nhân dân had 9 digits: the likeliest reason
		// for exactly 9 is an old card, not a typo.
		return newInvalid(
			"Số 9 chữ số là số Chứng minh nhân dân cũ. Vui lòng nhập số định danh 12 chữ số in trên thẻ Căn cước hoặc Căn cước công dân.",
			"A 9-digit number is an old identity card (CMND) number. Please enter the 12-digit personal identification number printed on the Căn cước or CCCD card.")
	}
	return newInvalid(
		fmt.Sprintf("Số định danh phải có đúng 12 chữ số. Bạn đã nhập %d chữ số.", n),
		fmt.Sprintf("The ID number must have exactly 12 digits. You entered %d.", n))
}

// ---- Mobile phone numbers ----

// phoneMobilePrefixes are the first three digits of Vietnamese mobile
// numbers in their 10-digit form (since the 2018 change from 11 digits),
// with the network that was given each. Since November 2018 a number can
// move to another network and keep its digits, so the network is only a
// note, never shown. Sources: the Ministry of Information and Communications' 2018
// prefix conversion plan, and Google libphonenumber's VN metadata (mobile
// ranges 3x, 52, 55, 56, 58, 59, 70, 76–79, 81–89, 90–94, 96–99).
// Left out on purpose: 030 and 031 (not allocated), 080 (not mobile), 095
// (S-Fone, closed 2012), 069 (the police's and army's own networks, with
// shorter numbers) and 02x (landlines, which cannot receive the kiosk's SMS).
var phoneMobilePrefixes = map[string]string{
	"032": "Viettel", "033": "Viettel", "034": "Viettel", "035": "Viettel",
	"036": "Viettel", "037": "Viettel", "038": "Viettel", "039": "Viettel",
	"086": "Viettel", "096": "Viettel", "097": "Viettel", "098": "Viettel",
	"081": "Vinaphone", "082": "Vinaphone", "083": "Vinaphone", "084": "Vinaphone",
	"085": "Vinaphone", "088": "Vinaphone", "091": "Vinaphone", "094": "Vinaphone",
	"070": "MobiFone", "076": "MobiFone", "077": "MobiFone", "078": "MobiFone",
	"079": "MobiFone", "089": "MobiFone", "090": "MobiFone", "093": "MobiFone",
	"052": "Vietnamobile", "056": "Vietnamobile", "058": "Vietnamobile", "092": "Vietnamobile",
	"059": "Gmobile", "099": "Gmobile",
	"087": "Itelecom",
	"055": "Wintel (formerly Reddi)",
}

// phoneOldPrefixes maps the 11-digit prefixes retired in 2018 to their
// 10-digit replacements (the rest of the number did not change). People
// still write the old form from memory or old papers.
var phoneOldPrefixes = map[string]string{
	"0162": "032", "0163": "033", "0164": "034", "0165": "035",
	"0166": "036", "0167": "037", "0168": "038", "0169": "039",
	"0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
	"0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
	"0186": "056", "0188": "058", "0199": "059",
}

// phoneMaxDigits bounds what phoneDigits keeps: no phone number is longer,
// so extra digits are only counted.
const phoneMaxDigits = 16

// NormalizePhone checks a Vietnamese mobile number and returns it as ten
// digits starting with 0. It accepts +84, 84 and 0084 before the number,
// and spaces, dots, dashes and brackets between digits, as people write
// them. Only mobiles are accepted: the kiosk texts the dossier code.
func NormalizePhone(s string) (string, error) {
	digits, n, plus, err := phoneDigits(s)
	if err != nil {
		return "", err
	}
	if n > phoneMaxDigits {
		return "", phoneLengthError(n)
	}
	national, err := phoneNational(digits, plus)
	if err != nil {
		return "", err
	}
	switch {
	case len(national) == 11:
		return "", phoneElevenDigitsError(national)
	case len(national) != 10:
		return "", phoneLengthError(len(national))
	}
	if err := phonePrefixError(national); err != nil {
		return "", err
	}
	return national, nil
}

// phoneDigits keeps the digits of s (at most phoneMaxDigits), counts them
// all, and notes a leading '+'.
func phoneDigits(s string) (digits string, n int, plus bool, err error) {
	if !utf8.ValidString(s) {
		return "", 0, false, errUnreadable()
	}
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			if n < phoneMaxDigits {
				b.WriteRune(r)
			}
			n++
		case r == '+' && n == 0 && !plus:
			plus = true
		case unicode.IsSpace(r) || strings.ContainsRune(".-()", r):
		default:
			return "", 0, false, phoneCharError(r)
		}
	}
	if n == 0 {
		return "", 0, false, newInvalid(
			"Vui lòng nhập số điện thoại di động, ví dụ 0912 345 678.",
			"Please enter a mobile phone number, for example 0912 345 678.")
	}
	return b.String(), n, plus, nil
}

func phoneCharError(r rune) error {
	if r == '+' {
		return newInvalid(
			"Dấu + chỉ đặt ở đầu số, ví dụ +84 912 345 678.",
			"A + can only come at the start, for example +84 912 345 678.")
	}
	c := charName(r)
	return newInvalid(
		"Số điện thoại chỉ gồm chữ số. Vui lòng xóa "+c.VI+".",
		"A phone number has only digits. Please delete "+c.EN+".")
}

// phoneNational turns what was typed into the national form "0…". A
// national number always starts with 0, so digits starting with 84 can
// only be the country code, with or without the '+'. People often keep the
// 0 after +84 ("+84 0912…"), which is kept rather than doubled.
func phoneNational(d string, plus bool) (string, error) {
	switch {
	case strings.HasPrefix(d, "0084"):
		d = d[4:]
	case strings.HasPrefix(d, "84"):
		d = d[2:]
	case plus:
		return "", newInvalid(
			"Kiosk chỉ nhận số điện thoại di động Việt Nam (mã nước +84). Vui lòng nhập số di động Việt Nam.",
			"The kiosk only takes Vietnamese mobile numbers (country code +84). Please enter a Vietnamese mobile number.")
	case !strings.HasPrefix(d, "0"):
		return "", newInvalid(
			"Số điện thoại di động phải bắt đầu bằng số 0, ví dụ 0912 345 678.",
			"A mobile number must start with 0, for example 0912 345 678.")
	default:
		return d, nil
	}
	if !strings.HasPrefix(d, "0") {
		d = "0" + d
	}
	return d, nil
}

func phoneLengthError(n int) error {
	if n < 10 {
		return newInvalid(
			fmt.Sprintf("Số điện thoại quá ngắn: số di động có 10 chữ số (kể cả số 0 ở đầu), số bạn nhập có %d chữ số. Vui lòng nhập đủ.", n),
			fmt.Sprintf("The phone number is too short: a mobile number has 10 digits (with the 0 at the start), yours has %d. Please enter all of it.", n))
	}
	return newInvalid(
		fmt.Sprintf("Số điện thoại quá dài: số di động có 10 chữ số (kể cả số 0 ở đầu), số bạn nhập có %d chữ số. Vui lòng kiểm tra lại.", n),
		fmt.Sprintf("The phone number is too long: a mobile number has 10 digits (with the 0 at the start), yours has %d. Please check it.", n))
}

// phonePrefixError checks the first digits of a 10-digit national number.
// A 10-digit 02x is a landline with a digit missing, most likely.
func phonePrefixError(national string) error {
	if _, ok := phoneMobilePrefixes[national[:3]]; ok {
		return nil
	}
	if national[1] == '2' {
		return errLandline()
	}
	return newInvalid(
		fmt.Sprintf("Đầu số %s không phải đầu số di động ở Việt Nam. Vui lòng kiểm tra lại số điện thoại.", national[:3]),
		fmt.Sprintf("%s is not a Vietnamese mobile prefix. Please check the phone number.", national[:3]))
}

// errLandline: landlines (02x, 11 digits since 2017) cannot receive the
// kiosk's text messages.
func errLandline() error {
	return newInvalid(
		"Đây là số máy bàn. Vui lòng nhập số điện thoại di động để nhận tin nhắn về hồ sơ.",
		"This is a landline number. Please enter a mobile number, so you can get text messages about your application.")
}

// phoneElevenDigitsError is for 11-digit numbers, which are landlines or
// mobiles in their pre-2018 form: an old 01xx number gets its new form
// spelled out, anything else the plain length message.
func phoneElevenDigitsError(national string) error {
	if national[1] == '2' {
		return errLandline()
	}
	repl, ok := phoneOldPrefixes[national[:4]]
	if !ok {
		return phoneLengthError(len(national))
	}
	newNumber := repl + national[4:]
	return newInvalid(
		fmt.Sprintf("Đây là số 11 chữ số cũ. Từ năm 2018, đầu số %s đã đổi thành %s, nên số mới là %s. Vui lòng nhập số mới.", national[:4], repl, newNumber),
		fmt.Sprintf("This is an old 11-digit number. Since 2018 the prefix %s has been %s, so the number is now %s. Please enter the new number.", national[:4], repl, newNumber))
}

// ---- Email ----

// emailMaxLen is the longest address SMTP can carry (RFC 5321 path limit).
const emailMaxLen = 254

// NormalizeEmail checks a plain email address ("ten@gmail.com") and returns
// it trimmed, with the domain in lower case. Display names, comments and
// quoted local parts are refused: a kiosk user means a bare address, and
// anything fancier is more likely a slip. The local part keeps its case,
// which mail servers may treat as significant.
func NormalizeEmail(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errUnreadable()
	}
	s = strings.TrimSpace(s)
	if err := emailShapeError(s); err != nil {
		return "", err
	}
	// net/mail does the RFC 5322 work; the address must come back as typed,
	// which rules out names, <brackets>, comments and quoting.
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", errEmailFormat()
	}
	at := strings.LastIndexByte(s, '@')
	domain := strings.ToLower(s[at+1:])
	if err := emailDomainError(domain); err != nil {
		return "", err
	}
	return s[:at+1] + domain, nil
}

func errEmailFormat() error {
	return newInvalid(
		"Địa chỉ email chưa đúng dạng. Ví dụ đúng: ten@gmail.com",
		"The email address is not in the right form. For example: name@gmail.com")
}

// emailShapeError catches the usual slips before net/mail, whose own errors
// are technical, so the citizen is told exactly what to change.
func emailShapeError(s string) error {
	if s == "" {
		return newInvalid("Vui lòng nhập địa chỉ email, ví dụ ten@gmail.com", "Please enter an email address, for example name@gmail.com")
	}
	if len(s) > emailMaxLen {
		return newInvalid(
			fmt.Sprintf("Địa chỉ email quá dài: tối đa %d ký tự.", emailMaxLen),
			fmt.Sprintf("The email address is too long: at most %d characters.", emailMaxLen))
	}
	for _, r := range s {
		if r > unicode.MaxASCII || unicode.IsSpace(r) || unicode.IsControl(r) {
			c := charName(r)
			return newInvalid(
				"Địa chỉ email chỉ dùng chữ không dấu, chữ số và các dấu như . _ - @. Vui lòng xóa "+c.VI+".",
				"An email address uses only letters without accents, digits and marks such as . _ - @. Please delete "+c.EN+".")
		}
	}
	switch at := strings.Count(s, "@"); {
	case at == 0:
		return newInvalid("Địa chỉ email phải có ký tự @, ví dụ ten@gmail.com", "An email address must have an @, for example name@gmail.com")
	case at > 1:
		return newInvalid("Địa chỉ email chỉ có một ký tự @. Vui lòng kiểm tra lại.", "An email address has only one @. Please check it.")
	case strings.HasPrefix(s, "@"):
		return newInvalid("Phần trước @ đang trống. Ví dụ đúng: ten@gmail.com", "The part before the @ is missing. For example: name@gmail.com")
	}
	return nil
}

// emailDomainError checks the part after @ as a host name: labels of
// letters, digits and hyphens, a dot, and a top-level domain that is not a
// number (so no IP literals or typos like "gmail,com" or "gmail").
func emailDomainError(domain string) error {
	noDot := newInvalid(
		"Phần sau @ phải là tên miền có dấu chấm, ví dụ gmail.com hoặc yahoo.com.vn",
		"The part after the @ must be a domain with a dot, for example gmail.com")
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return noDot
	}
	for _, l := range labels {
		if !emailLabelOK(l) {
			return errEmailFormat()
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || strings.Trim(tld, "0123456789") == "" {
		return noDot
	}
	return nil
}

func emailLabelOK(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ---- Dates ----

// dateLayout is how the kiosk writes dates, as Vietnamese forms do.
const dateLayout = "02/01/2006"

// ParseDate reads a date written day first, as Vietnamese papers write it:
// 05/09/1985, 5/9/1985, 05-09-1985 or 05.09.1985. The time is midnight
// UTC: a date has no time of day, and UTC keeps it from shifting. A date
// that does not exist (31/02, 29/02 in a common year) is refused with the
// number of days the month really has.
func ParseDate(s string) (time.Time, error) {
	parts, err := dateParts(s)
	if err != nil {
		return time.Time{}, err
	}
	if err := dateOrderError(parts); err != nil {
		return time.Time{}, err
	}
	day, _ := strconv.Atoi(parts[0])
	month, _ := strconv.Atoi(parts[1])
	year, _ := strconv.Atoi(parts[2])
	if err := dateRangeError(day, month, year); err != nil {
		return time.Time{}, err
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), nil
}

// FormatDate writes t as dd/mm/yyyy, the form ParseDate reads; the zero
// time, an unanswered date, is written as "".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

// CheckBirthDate is ParseDate for a date of birth: not after today (in
// now's own time zone, the kiosk's) and not before 1900, which is a
// mistyped year rather than a living applicant.
func CheckBirthDate(s string, now time.Time) (time.Time, error) {
	t, err := ParseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	if t.Year() < 1900 {
		return time.Time{}, newInvalid(
			fmt.Sprintf("Năm sinh phải từ 1900 trở về sau. Bạn đã nhập năm %d; vui lòng kiểm tra lại.", t.Year()),
			fmt.Sprintf("The year of birth must be 1900 or later. You entered %d; please check it.", t.Year()))
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if t.After(today) {
		return time.Time{}, newInvalid(
			fmt.Sprintf("Ngày sinh không thể sau hôm nay (%s). Vui lòng kiểm tra lại ngày, tháng và năm.", FormatDate(today)),
			fmt.Sprintf("The date of birth cannot be after today (%s). Please check the day, month and year.", FormatDate(today)))
	}
	return t, nil
}

func errDateFormat() error {
	return newInvalid(
		"Vui lòng viết ngày theo dạng ngày/tháng/năm, ví dụ 05/09/1985.",
		"Please write the date as day/month/year, for example 05/09/1985.")
}

// dateParts splits s at '/', '-', '.' or spaces into three runs of digits.
// Spaces count as separators so "5 / 9 / 1985" and "05 09 1985" both work.
func dateParts(s string) ([]string, error) {
	if !utf8.ValidString(s) {
		return nil, errUnreadable()
	}
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return nil, errDateFormat()
	}
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '/' || r == '-' || r == '.' || unicode.IsSpace(r)
	})
	for _, p := range parts {
		for _, r := range p {
			if r < '0' || r > '9' {
				c := charName(r)
				return nil, newInvalid(
					"Ngày chỉ gồm chữ số và dấu /, ví dụ 05/09/1985. Vui lòng xóa "+c.VI+".",
					"A date has only digits and /, for example 05/09/1985. Please delete "+c.EN+".")
			}
		}
	}
	if len(parts) != 3 {
		return nil, errDateFormat()
	}
	return parts, nil
}

// dateOrderError checks the number of digits of day, month and year, and
// spots a date typed year first (2024-02-29), a common habit from computers.
func dateOrderError(p []string) error {
	if len(p[0]) == 4 && len(p[2]) <= 2 {
		return newInvalid(
			fmt.Sprintf("Vui lòng viết ngày trước, rồi tháng, rồi năm: %s/%s/%s.", p[2], p[1], p[0]),
			fmt.Sprintf("Please write the day first, then the month, then the year: %s/%s/%s.", p[2], p[1], p[0]))
	}
	if len(p[0]) > 2 || len(p[1]) > 2 {
		return errDateFormat()
	}
	if len(p[2]) != 4 {
		return newInvalid(
			"Năm phải có đủ 4 chữ số, ví dụ 1985 (không viết tắt là 85).",
			"The year must have all 4 digits, for example 1985 (not 85).")
	}
	return nil
}

func dateRangeError(day, month, year int) error {
	if year == 0 {
		return newInvalid("Năm 0000 không có. Vui lòng kiểm tra lại năm.", "There is no year 0000. Please check the year.")
	}
	if year < 1000 {
		// Year 1 is also Go's zero time, which FormatDate writes as "": an
		// answer 01/01/0001 would have been taken, then lost.
		return newInvalid(
			fmt.Sprintf("Năm %04d không đúng. Vui lòng kiểm tra lại năm, ví dụ 1985.", year),
			fmt.Sprintf("The year %04d is not right. Please check the year, for example 1985.", year))
	}
	if month < 1 || month > 12 {
		return newInvalid(
			fmt.Sprintf("Tháng phải từ 1 đến 12. Bạn đã nhập tháng %d.", month),
			fmt.Sprintf("The month must be from 1 to 12. You entered %d.", month))
	}
	// Day 0 of the next month is the last day of this one.
	last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if day >= 1 && day <= last {
		return nil
	}
	if day < 1 || day > 31 {
		return newInvalid(
			fmt.Sprintf("Ngày phải từ 1 đến %d. Bạn đã nhập ngày %d.", last, day),
			fmt.Sprintf("The day must be from 1 to %d. You entered %d.", last, day))
	}
	if month == 2 && day == 29 {
		return newInvalid(
			fmt.Sprintf("Năm %d không phải năm nhuận, nên tháng 2 chỉ có 28 ngày. Vui lòng kiểm tra lại ngày hoặc năm.", year),
			fmt.Sprintf("%d is not a leap year, so February has only 28 days. Please check the day or the year.", year))
	}
	return newInvalid(
		fmt.Sprintf("Tháng %d năm %d chỉ có %d ngày. Bạn đã nhập ngày %d; vui lòng kiểm tra lại.", month, year, last, day),
		fmt.Sprintf("%s %d has only %d days. You entered day %d; please check it.", time.Month(month), year, last, day))
}

// ---- Names ----

// nameMaxLen is the default length of a person's name, in characters.
const nameMaxLen = 100

// NormalizeName checks a person's name and returns it in Unicode NFC with
// single spaces. The kiosk keyboard, phones and pasted text produce both
// precomposed and decomposed Vietnamese letters; records must hold one form
// or "Nguyễn" typed two ways would not match. Letters are any Latin letter
// (all Vietnamese letters, đ/Đ included, and those of ethnic-minority names
// written in Latin letters); a hyphen or apostrophe may join two letters,
// as in H'Hen Niê. Typographic apostrophes become ASCII ones, for the same
// reason as NFC.
func NormalizeName(s string) (string, error) { return normalizeName(s, nameMaxLen) }

func normalizeName(s string, maxLen int) (string, error) {
	if !utf8.ValidString(s) {
		return "", errUnreadable()
	}
	// Refuse absurd lengths before NFC; a decomposed name can have up to
	// three runes per letter, so 4× leaves room for honest input.
	if n := utf8.RuneCountInString(s); n > 4*maxLen+16 {
		return "", tooLongError(Text{VI: "Họ và tên", EN: "The name"}, maxLen, n)
	}
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		if r == '\u2019' || r == '\u02BC' || r == '\u2018' {
			return '\''
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", newInvalid("Vui lòng nhập họ và tên.", "Please enter the full name.")
	}
	if err := nameRunesError([]rune(s)); err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(s); n > maxLen {
		return "", tooLongError(Text{VI: "Họ và tên", EN: "The name"}, maxLen, n)
	}
	return s, nil
}

func nameLetter(r rune) bool { return unicode.IsLetter(r) && unicode.Is(unicode.Latin, r) }

// nameRunesError finds the first character a name cannot have; rs has
// single spaces and no space at either end.
func nameRunesError(rs []rune) error {
	for i, r := range rs {
		switch {
		case nameLetter(r) || r == ' ':
		case r == '-' || r == '\'':
			if i == 0 || i == len(rs)-1 || !nameLetter(rs[i-1]) || !nameLetter(rs[i+1]) {
				return newInvalid(
					fmt.Sprintf("Dấu “%c” trong họ và tên phải nằm giữa hai chữ cái, không ở đầu, ở cuối hay cạnh dấu cách. Ví dụ: H'Hen Niê.", r),
					fmt.Sprintf("A “%c” in a name must be between two letters, not at the start, at the end or next to a space. For example: H'Hen Niê.", r))
			}
		case unicode.IsDigit(r):
			return newInvalid(
				fmt.Sprintf("Họ và tên không có chữ số. Vui lòng xóa “%c”.", r),
				fmt.Sprintf("A name has no digits. Please delete “%c”.", r))
		default:
			c := charName(r)
			return newInvalid(
				"Họ và tên chỉ gồm chữ cái, dấu cách, dấu gạch nối (-) và dấu nháy ('). Vui lòng xóa "+c.VI+".",
				"A name has only letters, spaces, hyphens (-) and apostrophes ('). Please delete "+c.EN+".")
		}
	}
	return nil
}

// tooLongError names the field in both languages; n and limit are in
// characters (runes), what the citizen sees, not bytes.
func tooLongError(label Text, limit, n int) error {
	return newInvalid(
		fmt.Sprintf("%s quá dài: tối đa %d ký tự, bạn đã nhập %d ký tự. Vui lòng rút gọn.", label.VI, limit, n),
		fmt.Sprintf("%s is too long: at most %d characters, and you entered %d. Please shorten it.", label.EN, limit, n))
}

// ---- Form fields ----

// fieldDefaultMaxLen caps the kinds whose answers are free text, in
// characters; the other kinds have a shape that bounds them already.
// Numbers stop at 18 digits so every answer fits an int64.
var fieldDefaultMaxLen = map[FieldKind]int{
	KindText:       500,
	KindAddress:    250,
	KindPersonName: nameMaxLen,
	KindEmail:      emailMaxLen,
	KindNumber:     18,
	KindAttachment: 128,
}

func fieldMaxLen(f Field) int {
	if f.MaxLen > 0 {
		return f.MaxLen
	}
	return fieldDefaultMaxLen[f.Kind]
}

// fieldChecker validates a trimmed, non-empty, valid UTF-8 answer of one
// kind and returns its normalised form.
type fieldChecker func(f Field, v string, now time.Time) (string, error)

// fieldCheckers is the dispatch table of CheckField: a map rather than a
// switch, so adding a kind is one line and CheckField stays small.
var fieldCheckers = map[FieldKind]fieldChecker{
	KindText:       func(_ Field, v string, _ time.Time) (string, error) { return cleanText(v, true) },
	KindAddress:    func(_ Field, v string, _ time.Time) (string, error) { return cleanText(v, false) },
	KindPersonName: func(f Field, v string, _ time.Time) (string, error) { return normalizeName(v, fieldMaxLen(f)) },
	KindPersonalID: checkPersonalIDField,
	KindPhone:      func(_ Field, v string, _ time.Time) (string, error) { return NormalizePhone(v) },
	KindEmail:      func(_ Field, v string, _ time.Time) (string, error) { return NormalizeEmail(v) },
	KindDate:       checkDateField,
	KindSelect:     checkSelectField,
	KindNumber:     checkNumberField,
	KindYesNo:      checkYesNoField,
	KindAttachment: checkAttachmentField,
}

// CheckField validates one answer by its field's kind and returns it
// normalised, the form to store and send. An empty answer (spaces only
// count as empty) is "" and nil for an optional field, and a request to
// answer for a required one. now is the kiosk's clock, for the checks that
// compare with today (dates of birth, birth years in ID numbers).
func CheckField(f Field, value string, now time.Time) (string, error) {
	if !utf8.ValidString(value) {
		return "", errUnreadable()
	}
	check, ok := fieldCheckers[f.Kind]
	if !ok {
		return "", errFieldBroken()
	}
	value = strings.TrimSpace(value)
	if value == "" {
		if f.Required {
			return "", requiredError(f)
		}
		return "", nil
	}
	limit := fieldMaxLen(f)
	// A cheap guard before normalising: far over the limit is too long
	// whatever normalisation would remove.
	if n := utf8.RuneCountInString(value); limit > 0 && n > 4*limit+16 {
		return "", tooLongError(fieldLabel(f), limit, n)
	}
	v, err := check(f, value, now)
	if err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(v); limit > 0 && n > limit {
		return "", tooLongError(fieldLabel(f), limit, n)
	}
	return v, nil
}

// errFieldBroken is a catalog mistake (an unknown kind, a select without
// options): the citizen cannot fix it, staff can.
func errFieldBroken() error {
	return newInvalid(
		"Câu hỏi này đang bị lỗi nên chưa trả lời được. Vui lòng nhờ cán bộ hỗ trợ.",
		"This question has a fault and cannot be answered yet. Please ask a member of staff for help.")
}

// fieldLabel is the label to start a message with, without the trailing
// colon or question mark that labels often carry.
func fieldLabel(f Field) Text {
	l := Text{VI: strings.TrimRight(f.Label.VI, " :?"), EN: strings.TrimRight(f.Label.EN, " :?")}
	if l.VI == "" {
		l.VI = "Câu trả lời"
	}
	if l.EN == "" {
		l.EN = "The answer"
	}
	return l
}

// requiredError asks for a missing answer with the verb that fits the
// kind: one types a name, chooses an option and attaches a file.
func requiredError(f Field) error {
	if f.Kind == KindYesNo {
		return newInvalid("Vui lòng chọn Có hoặc Không.", "Please choose Yes or No.")
	}
	vi := strings.TrimRight(f.Label.VI, " :?")
	en := strings.TrimRight(f.Label.EN, " :?")
	if vi == "" {
		return newInvalid("Vui lòng trả lời câu hỏi này.", "Please answer this question.")
	}
	if en == "" {
		en = vi
	}
	verbVI, verbEN := "Vui lòng nhập ", "Please enter "
	switch f.Kind {
	case KindSelect:
		verbVI, verbEN = "Vui lòng chọn ", "Please choose "
	case KindAttachment:
		verbVI, verbEN = "Vui lòng đính kèm ", "Please attach "
	}
	return newInvalid(verbVI+labelLowerFirst(vi)+".", verbEN+labelLowerFirst(en)+".")
}

// labelLowerFirst lowers the first letter of a label so it reads inside a
// sentence ("Họ và tên" → "họ và tên"), except for an acronym such as
// "CCCD" or "ID number", whose second letter is a capital.
func labelLowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	if next, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(next) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// cleanText normalises free text: NFC (one stored form for Vietnamese
// letters, however they were typed), whitespace runs to one space, and for
// multi-line text at most one empty line between paragraphs. Invisible
// characters (controls, zero-width and direction marks) are refused: they
// hide what the text says from the officer who reads it.
func cleanText(s string, multiline bool) (string, error) {
	s = norm.NFC.String(s)
	if err := hiddenCharError(s); err != nil {
		return "", err
	}
	if !multiline {
		return strings.Join(strings.Fields(s), " "), nil
	}
	s = strings.Map(lineBreakToLF, strings.ReplaceAll(s, "\r\n", "\n"))
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, line)
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n"), nil
}

// lineBreakToLF turns every Unicode line or paragraph break into "\n", so
// text from Windows, old Macs and phones splits into lines the same way.
func lineBreakToLF(r rune) rune {
	switch r {
	case '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return '\n'
	}
	return r
}

// hiddenCharError finds the first character that is neither visible nor
// whitespace, and says where it is by quoting what comes before it: a
// first-time user can find "right after …" but not "position 57".
func hiddenCharError(s string) error {
	for i, r := range s {
		if unicode.IsGraphic(r) || unicode.IsSpace(r) {
			continue
		}
		before := []rune(strings.Join(strings.Fields(s[:i]), " "))
		if len(before) == 0 {
			return newInvalid(
				"Câu trả lời có một ký tự ẩn (không nhìn thấy được) ở đầu. Vui lòng xóa và nhập lại.",
				"Your answer has a hidden (invisible) character at the start. Please delete it and type it again.")
		}
		if len(before) > 12 {
			before = append([]rune("…"), before[len(before)-12:]...)
		}
		return newInvalid(
			"Câu trả lời có một ký tự ẩn (không nhìn thấy được) ngay sau “"+string(before)+"”. Vui lòng xóa ký tự đó hoặc nhập lại.",
			"Your answer has a hidden (invisible) character right after “"+string(before)+"”. Please delete it or type the answer again.")
	}
	return nil
}

func checkPersonalIDField(_ Field, v string, now time.Time) (string, error) {
	id, err := CheckPersonalID(v, now)
	return id.Number, err
}

// checkDateField stores dates in one written form, dd/mm/yyyy, so that
// 5/9/1985 and 05.09.1985 become the same answer.
func checkDateField(f Field, v string, now time.Time) (string, error) {
	var t time.Time
	var err error
	if f.Role == RoleBirthDate {
		t, err = CheckBirthDate(v, now)
	} else {
		t, err = ParseDate(v)
	}
	if err != nil {
		return "", err
	}
	return FormatDate(t), nil
}

// checkSelectField accepts an option's value, ignoring case (the API may
// send "Nam" for "nam"), and returns the value as the catalog spells it.
func checkSelectField(f Field, v string, _ time.Time) (string, error) {
	if len(f.Options) == 0 {
		return "", errFieldBroken()
	}
	for _, o := range f.Options {
		if o.Value == v {
			return v, nil
		}
	}
	for _, o := range f.Options {
		if strings.EqualFold(o.Value, v) {
			return o.Value, nil
		}
	}
	return "", selectError(f.Options)
}

// selectError lists the choices when there are few enough to read.
func selectError(opts []Option) error {
	if len(opts) > 8 {
		return newInvalid("Vui lòng chọn một trong các câu trả lời có sẵn.", "Please choose one of the answers offered.")
	}
	vi := make([]string, len(opts))
	en := make([]string, len(opts))
	for i, o := range opts {
		vi[i], en[i] = o.Label.In(VI), o.Label.In(EN)
	}
	return newInvalid(
		"Vui lòng chọn một trong các câu trả lời: "+strings.Join(vi, ", ")+".",
		"Please choose one of: "+strings.Join(en, ", ")+".")
}

// checkNumberField accepts a non-negative whole number. Spaces between
// digits are dropped (people group thousands with them); leading zeros
// are dropped too, so equal numbers are equal answers.
func checkNumberField(_ Field, v string, _ time.Time) (string, error) {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsSpace(r):
		default:
			c := charName(r)
			return "", newInvalid(
				"Câu trả lời là một số, chỉ gồm các chữ số từ 0 đến 9. Vui lòng xóa "+c.VI+".",
				"The answer is a number, with only the digits 0 to 9. Please delete "+c.EN+".")
		}
	}
	if d := strings.TrimLeft(b.String(), "0"); d != "" {
		return d, nil
	}
	return "0", nil
}

// yesNoWords are the answers a yes/no question accepts, typed with or
// without Vietnamese marks (a keyboard without Telex gives "khong").
var yesNoWords = map[string]string{
	"yes": "yes", "có": "yes", "co": "yes", "true": "yes",
	"no": "no", "không": "no", "khong": "no", "false": "no",
}

func checkYesNoField(_ Field, v string, _ time.Time) (string, error) {
	if len(v) <= 16 {
		if w, ok := yesNoWords[strings.ToLower(norm.NFC.String(v))]; ok {
			return w, nil
		}
	}
	return "", newInvalid("Vui lòng chọn Có hoặc Không.", "Please choose Yes or No.")
}

// checkAttachmentField accepts the id the server gave an uploaded file.
// It is visible ASCII with no spaces, so it is safe in URLs and keys; its
// existence is the server's to check.
func checkAttachmentField(_ Field, v string, _ time.Time) (string, error) {
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return "", newInvalid(
				"Tệp đính kèm chưa nhận được đúng. Vui lòng tải tệp lên lại.",
				"The attached file did not arrive properly. Please upload it again.")
		}
	}
	return v, nil
}

// ---- Whole forms ----

// ValidateForm checks every answer of a form, then that each person's ID
// number agrees with the same person's date of birth and sex. It returns
// the normalised non-empty answers, and a message per field that has a
// problem (nil when there is none); a field is in one map or neither,
// never both. Answers to questions the form does not have are dropped.
func ValidateForm(fields []Field, answers map[string]string, now time.Time) (clean map[string]string, problems map[string]Text) {
	clean = make(map[string]string, len(fields))
	problems = map[string]Text{}
	for _, f := range fields {
		v, err := CheckField(f, answers[f.ID], now)
		switch {
		case err != nil:
			problems[f.ID] = invalidText(err)
		case v != "":
			clean[f.ID] = v
		}
	}
	for id, msg := range crossCheckPersons(fields, clean) {
		problems[id] = msg
		delete(clean, id)
	}
	if len(problems) == 0 {
		return clean, nil
	}
	return clean, problems
}

// personFieldIDs are the fields of one person that must agree.
type personFieldIDs struct{ ids, births, sexes []string }

// groupPersons sorts the fields by Field.Person. Fields without a Person
// belong together too: a one-person form need not name its person.
func groupPersons(fields []Field) map[string]*personFieldIDs {
	groups := map[string]*personFieldIDs{}
	for _, f := range fields {
		p := groups[f.Person]
		if p == nil {
			p = &personFieldIDs{}
			groups[f.Person] = p
		}
		switch {
		case f.Kind == KindPersonalID:
			p.ids = append(p.ids, f.ID)
		case f.Kind == KindDate && f.Role == RoleBirthDate:
			p.births = append(p.births, f.ID)
		case f.Kind == KindSelect && f.Role == RoleSex:
			p.sexes = append(p.sexes, f.ID)
		}
	}
	return groups
}

// crossCheckPersons compares the clean answers of each person and returns
// a message for each ID field that disagrees. A group with two ID numbers,
// birth dates or sexes is ambiguous (a catalog that forgot Person), so
// that comparison is skipped rather than guessed; so are unanswered fields.
func crossCheckPersons(fields []Field, clean map[string]string) map[string]Text {
	out := map[string]Text{}
	for _, p := range groupPersons(fields) {
		if len(p.ids) != 1 {
			continue
		}
		id, err := ParsePersonalID(clean[p.ids[0]])
		if err != nil {
			continue
		}
		var msgs []Text
		if len(p.births) == 1 {
			msgs = appendBirthYearMismatch(msgs, id, clean[p.births[0]])
		}
		if len(p.sexes) == 1 {
			msgs = appendSexMismatch(msgs, id, clean[p.sexes[0]])
		}
		if len(msgs) > 0 {
			out[p.ids[0]] = joinTexts(msgs)
		}
	}
	return out
}

func appendBirthYearMismatch(msgs []Text, id PersonalID, date string) []Text {
	t, err := ParseDate(date)
	if err != nil || t.Year() == id.BirthYear {
		return msgs
	}
	return append(msgs, Text{
		VI: fmt.Sprintf("Năm sinh trong số định danh (%d) khác với ngày sinh đã nhập (%d). Vui lòng kiểm tra lại số định danh hoặc ngày sinh.", id.BirthYear, t.Year()),
		EN: fmt.Sprintf("The year of birth in the ID number (%d) differs from the date of birth you entered (%d). Please check the ID number or the date of birth.", id.BirthYear, t.Year()),
	})
}

func appendSexMismatch(msgs []Text, id PersonalID, sex string) []Text {
	if (sex != SexMale && sex != SexFemale) || (sex == SexFemale) == id.Female {
		return msgs
	}
	idVI, idEN, chosenVI, chosenEN := "nam", "male", "nữ", "female"
	if id.Female {
		idVI, idEN, chosenVI, chosenEN = chosenVI, chosenEN, idVI, idEN
	}
	return append(msgs, Text{
		VI: fmt.Sprintf("Chữ số thứ 4 của số định danh (%c) cho biết giới tính %s, nhưng giới tính đã chọn là %s. Vui lòng kiểm tra lại số định danh hoặc giới tính.", id.Number[3], idVI, chosenVI),
		EN: fmt.Sprintf("The 4th digit of the ID number (%c) means %s, but the sex chosen is %s. Please check the ID number or the sex.", id.Number[3], idEN, chosenEN),
	})
}

func joinTexts(ts []Text) Text {
	vi := make([]string, len(ts))
	en := make([]string, len(ts))
	for i, t := range ts {
		vi[i], en[i] = t.VI, t.EN
	}
	return Text{VI: strings.Join(vi, " "), EN: strings.Join(en, " ")}
}
