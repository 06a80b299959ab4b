package kiosk

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file reads what the kiosk's barcode scanner types: the QR on the
// Căn cước card, to prefill identity fields, and the QR on a receipt, to
// track a dossier. A scanner is a keyboard that types fast, so the input is
// whatever arrived as keys: it may be cut short, carry the scanner's Enter,
// or be something else entirely. Every function here takes any string
// without panicking and answers a citizen in words, never with a stack.

// ---- The Căn cước card's QR ----

// CardData is what the QR on a Căn cước (formerly CCCD) card says about its
// holder, checked and normalised: names and addresses in NFC, dates at
// midnight UTC as ParseDate gives them.
type CardData struct {
	PersonalID string // the 12-digit personal identification number
	OldID      string // the old CMND number (9 or 12 digits), "" when the card has none
	FullName   string
	BirthDate  time.Time
	Sex        string // SexMale or SexFemale, the values of a RoleSex field
	Address    string // the place of residence printed on the card
	IssueDate  time.Time
}

// cardFields is how many fields the QR holds: ID|old ID|name|ddmmyyyy|
// sex|address|issue date. Newer cards may add more after these; they are
// ignored, so a card from next year still prefills the form.
const cardFields = 7

// cardMaxLen bounds the QR in bytes before any work. A real card's QR is
// about 150 bytes; a few kilobytes is a stuck key or a different code.
const cardMaxLen = 2048

// Parts of the QR, named in messages so that staff helping at the counter
// can tell a scratched card from a misread one.
var (
	cardPartID    = Text{VI: "số định danh", EN: "ID number"}
	cardPartOldID = Text{VI: "số Chứng minh nhân dân cũ", EN: "old ID card number"}
	cardPartName  = Text{VI: "họ và tên", EN: "name"}
	cardPartBirth = Text{VI: "ngày sinh", EN: "date of birth"}
	cardPartSex   = Text{VI: "giới tính", EN: "sex"}
	cardPartIssue = Text{VI: "ngày cấp thẻ", EN: "date of issue"}
)

// errCardUnreadable is for a QR that is not a card's at all, or was cut
// short: the likeliest cause is a scan that moved, so the fix is to rescan.
func errCardUnreadable() error {
	return newInvalid(
		"Không đọc được mã QR trên thẻ. Hãy quét lại, giữ thẻ thẳng và yên. Nếu vẫn không được, bạn có thể nhập thông tin bằng bàn phím.",
		"The QR code on the card could not be read. Please scan it again, holding the card flat and still. If it still does not work, you can type your details instead.")
}

// errCardPart is for one part of the QR that is not what a card holds.
func errCardPart(part Text) error {
	return newInvalid(
		"Không đọc được "+part.VI+" trong mã QR trên thẻ. Hãy quét lại, giữ thẻ thẳng và yên. Nếu vẫn không được, bạn có thể nhập thông tin bằng bàn phím.",
		"The "+part.EN+" in the card's QR code could not be read. Please scan it again, holding the card flat and still. If it still does not work, you can type your details instead.")
}

// errCardMismatch is for a QR whose parts disagree with each other. A card
// issuer writes them together, so the card is damaged or not genuine;
// rescanning will not help, typing or staff will. The message does not
// accuse: the citizen may not know.
func errCardMismatch(what Text) error {
	return newInvalid(
		"Thông tin trong mã QR trên thẻ không khớp với nhau: "+what.VI+". Kiosk không dùng được mã này. Vui lòng nhập thông tin bằng bàn phím hoặc nhờ cán bộ hỗ trợ.",
		"The details in the card's QR code do not agree with each other: "+what.EN+". The kiosk cannot use this code. Please type your details or ask a member of staff for help.")
}

// ParseCardQR reads the QR printed on a Căn cước card:
// "ID|old ID|name|ddmmyyyy|sex|address|issue date(ddmmyyyy)". It accepts
// what scanners and card generations really produce: the scanner's CR, LF
// or Tab at the end, an empty old ID, fields after the seventh, letters
// composed or decomposed. The ID number must agree with the sex and year of
// birth beside it, as the issuer wrote them: a QR that contradicts itself
// prefills nothing. Errors are *Invalid.
func ParseCardQR(s string) (CardData, error) {
	f, err := cardSplit(s)
	if err != nil {
		return CardData{}, err
	}
	c, id, err := cardParseFields(f)
	if err != nil {
		return CardData{}, err
	}
	if err := cardAgrees(c, id); err != nil {
		return CardData{}, err
	}
	return c, nil
}

// cardSplit trims what the scanner adds and returns the first seven
// fields. Characters no card prints (controls, U+FFFD from a decoder that
// gave up) mean a garbled read, so they stop here rather than in a field.
func cardSplit(s string) ([]string, error) {
	if len(s) > cardMaxLen || !utf8.ValidString(s) {
		return nil, errCardUnreadable()
	}
	s = strings.TrimSpace(s)
	for _, r := range s {
		if r == utf8.RuneError || (r != ' ' && !unicode.IsGraphic(r)) {
			return nil, errCardUnreadable()
		}
	}
	f := strings.SplitN(s, "|", cardFields+1)
	if len(f) < cardFields {
		return nil, errCardUnreadable()
	}
	return f[:cardFields], nil
}

// cardParseFields checks each field on its own.
func cardParseFields(f []string) (CardData, PersonalID, error) {
	var c CardData
	id, err := ParsePersonalID(f[0])
	if err != nil {
		return c, id, errCardPart(cardPartID)
	}
	c.PersonalID = id.Number
	if c.OldID, err = cardOldID(f[1]); err != nil {
		return c, id, err
	}
	if c.FullName, err = NormalizeName(f[2]); err != nil {
		return c, id, errCardPart(cardPartName)
	}
	if c.BirthDate, err = cardDate(f[3], cardPartBirth); err != nil {
		return c, id, err
	}
	if c.Sex, err = cardSex(f[4]); err != nil {
		return c, id, err
	}
	c.Address = strings.Join(strings.Fields(norm.NFC.String(f[5])), " ")
	if c.IssueDate, err = cardDate(f[6], cardPartIssue); err != nil {
		return c, id, err
	}
	return c, id, nil
}

// cardOldID accepts the old Chứng minh nhân dân number: 9 digits, or 12 for
// those issued from 2012. Cards for people who never had one leave it
// empty. The kiosk does not use it, but a wrong shape means a garbled read.
func cardOldID(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if (len(s) != 9 && len(s) != 12) || strings.Trim(s, "0123456789") != "" {
		return "", errCardPart(cardPartOldID)
	}
	return s, nil
}

// cardDate reads ddmmyyyy, the QR's date form: exactly eight digits, then
// ParseDate's own checks so that 31022000 is refused like 31/02/2000.
func cardDate(s string, part Text) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) != 8 || strings.Trim(s, "0123456789") != "" {
		return time.Time{}, errCardPart(part)
	}
	t, err := ParseDate(s[:2] + "/" + s[2:4] + "/" + s[4:])
	if err != nil {
		return time.Time{}, errCardPart(part)
	}
	return t, nil
}

// cardSex maps the card's "Nam" and "Nữ" to the values of a RoleSex field.
// Case and composition vary between readers; letters without their marks
// ("Nu") do not count, as they mean the scanner lost characters elsewhere
// too.
func cardSex(s string) (string, error) {
	switch strings.ToLower(norm.NFC.String(strings.TrimSpace(s))) {
	case "nam":
		return SexMale, nil
	case "nữ":
		return SexFemale, nil
	}
	return "", errCardPart(cardPartSex)
}

// cardAgrees checks that the ID number's 4th digit (sex and century) and
// 5th–6th (year) match the sex and date of birth, and that the card was
// not issued before its holder was born.
func cardAgrees(c CardData, id PersonalID) error {
	if id.Female != (c.Sex == SexFemale) {
		return errCardMismatch(cardSexMismatch(id))
	}
	if id.BirthYear != c.BirthDate.Year() {
		return errCardMismatch(Text{
			VI: fmt.Sprintf("năm sinh trong số định danh là %d, nhưng ngày sinh là %s", id.BirthYear, FormatDate(c.BirthDate)),
			EN: fmt.Sprintf("the ID number gives %d as the year of birth, but the date of birth is %s", id.BirthYear, FormatDate(c.BirthDate)),
		})
	}
	if c.IssueDate.Before(c.BirthDate) {
		return errCardMismatch(Text{
			VI: fmt.Sprintf("ngày cấp thẻ (%s) trước ngày sinh (%s)", FormatDate(c.IssueDate), FormatDate(c.BirthDate)),
			EN: fmt.Sprintf("the date of issue (%s) is before the date of birth (%s)", FormatDate(c.IssueDate), FormatDate(c.BirthDate)),
		})
	}
	return nil
}

func cardSexMismatch(id PersonalID) Text {
	idVI, idEN, cardVI, cardEN := "nam", "male", "nữ", "female"
	if id.Female {
		idVI, idEN, cardVI, cardEN = cardVI, cardEN, idVI, idEN
	}
	return Text{
		VI: fmt.Sprintf("chữ số thứ 4 của số định danh (%c) cho biết giới tính %s, nhưng giới tính ghi là %s", id.Number[3], idVI, cardVI),
		EN: fmt.Sprintf("the 4th digit of the ID number (%c) means %s, but the sex given is %s", id.Number[3], idEN, cardEN),
	}
}

// ---- What the scanner read ----

// ScanKind says what a scanned code is. The zero value is ScanUnknown, so
// a zero Scan is never taken for a card.
type ScanKind int

const (
	ScanUnknown  ScanKind = iota // not a code the kiosk reads
	ScanCard                     // the QR on a Căn cước card: Scan.Card
	ScanTracking                 // a receipt's tracking link or a dossier code: Scan.Code
	ScanHandoff                  // the phone's "continue at the kiosk" QR: Scan.Code is its token
	ScanStaff                    // a digital-tech team member's badge: Scan.Code is its token
)

// HandoffQRPrefix starts the QR a phone shows to hand a form back to a
// kiosk; the token after it is the central system's, opaque to the kiosk.
const HandoffQRPrefix = "MCK1:HANDOFF:"

// StaffQRPrefix starts the QR on the badge of a member of the digital-tech
// team; the token after it signs them in as an assistant
// (central.AssistantSignIn.Badge), and is opaque to the kiosk.
const StaffQRPrefix = "MCK1:STAFF:"

func (k ScanKind) String() string {
	switch k {
	case ScanCard:
		return "card"
	case ScanTracking:
		return "tracking"
	case ScanHandoff:
		return "handoff"
	case ScanStaff:
		return "staff"
	}
	return "unknown"
}

// Scan is one classified scan.
type Scan struct {
	Kind ScanKind
	Card CardData // for ScanCard without an error
	Code string   // for ScanTracking: the dossier code, unescaped; for ScanHandoff and ScanStaff: the token
}

// Limits on what a scan may be, checked before any work.
const (
	scanMaxLen     = 4096 // bytes: a card QR and any tracking link fit many times
	dossierCodeMax = 64   // characters of a dossier code
)

func errScanUnknown() error {
	return newInvalid(
		"Kiosk không nhận ra mã vừa quét. Hãy quét mã QR trên thẻ Căn cước hoặc mã QR trên phiếu hẹn trả kết quả.",
		"The kiosk does not recognise the code just scanned. Please scan the QR code on your Căn cước card or the QR code on your receipt.")
}

// ClassifyScan tells what the scanner read. A card's QR (fields split by
// '|', the first a 12-digit number) is ScanCard with the card's data; the
// link on a receipt (http or https, any host, a path ending in /t/{code})
// or a bare dossier code is ScanTracking with the code; a phone's hand-back
// QR (MCK1:HANDOFF:<token>) is ScanHandoff and a team member's badge
// (MCK1:STAFF:<token>) ScanStaff, each with the token; anything else is
// ScanUnknown. The error is an *Invalid to show the citizen: for ScanCard
// it is ParseCardQR's (a card that read badly is still a card, and the
// citizen should hear about the card, not about an unknown code).
func ClassifyScan(s string) (Scan, error) {
	if len(s) > scanMaxLen || !utf8.ValidString(s) {
		return Scan{}, errScanUnknown()
	}
	s = strings.TrimSpace(s)
	switch {
	case looksLikeCard(s):
		c, err := ParseCardQR(s)
		return Scan{Kind: ScanCard, Card: c}, err
	case hasPrefixFold(s, HandoffQRPrefix):
		return handoffToken(s[len(HandoffQRPrefix):])
	case hasPrefixFold(s, StaffQRPrefix):
		return staffToken(s[len(StaffQRPrefix):])
	case strings.Contains(s, "://"):
		return trackingLink(s)
	case isDossierCode(s):
		return Scan{Kind: ScanTracking, Code: s}, nil
	}
	return Scan{}, errScanUnknown()
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case: a scanner
// typing with Caps Lock on inverts the prefix's letters.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// handoffToken checks a hand-back QR's token (see scanToken).
func handoffToken(tok string) (Scan, error) {
	if !scanToken(tok) {
		return Scan{}, newInvalid(
			"Mã QR trên điện thoại chưa đọc được trọn vẹn. Hãy quét lại, giữ điện thoại yên và sáng màn hình.",
			"The QR code on the phone did not read completely. Scan it again, holding the phone still with its screen bright.")
	}
	return Scan{Kind: ScanHandoff, Code: tok}, nil
}

// staffToken checks a staff badge's token (see scanToken). Whether the
// badge belongs to anyone is the central system's to say.
func staffToken(tok string) (Scan, error) {
	if !scanToken(tok) {
		return Scan{}, newInvalid(
			"Thẻ cán bộ chưa đọc được trọn vẹn. Hãy quét lại, giữ thẻ yên trước máy quét.",
			"The staff badge did not read completely. Scan it again, holding the badge still in front of the scanner.")
	}
	return Scan{Kind: ScanStaff, Code: tok}, nil
}

// scanToken reports whether tok looks like a random token: 16 to 128
// characters of base64url or hex, as random tokens are written. A scanner
// acting as a keyboard may send it in the wrong case only if Caps Lock is
// on, which would spoil base64 anyway: the token is taken as it is.
func scanToken(tok string) bool {
	ok := len(tok) >= 16 && len(tok) <= 128
	for i := 0; ok && i < len(tok); i++ {
		c := tok[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
	}
	return ok
}

// looksLikeCard is true for 12 digits followed by '|'. It does not count
// fields: a card read cut short should be rescanned, which is what
// ParseCardQR will say, rather than be looked up as a dossier code.
func looksLikeCard(s string) bool {
	id, _, ok := strings.Cut(s, "|")
	return ok && len(id) == personalIDLen && strings.Trim(id, "0123456789") == ""
}

// trackingLink reads the receipt's link. Only the last two path segments
// matter, so the central system may live under any prefix and host. The
// code is cut from the escaped path before unescaping, so a code holding
// an escaped '/' stays whole. Anything with a scheme is a link, never a
// code: another site's URL must not be looked up as a dossier.
func trackingLink(s string) (Scan, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Scan{}, errScanUnknown()
	}
	segs := strings.Split(strings.TrimSuffix(u.EscapedPath(), "/"), "/")
	if len(segs) < 3 || !strings.EqualFold(segs[len(segs)-2], "t") {
		return Scan{}, errScanUnknown()
	}
	code, err := url.PathUnescape(segs[len(segs)-1])
	if err != nil || !isDossierCode(code) {
		return Scan{}, errScanUnknown()
	}
	return Scan{Kind: ScanTracking, Code: code}, nil
}

// isDossierCode checks only what any code system's codes share: short,
// printable, no spaces. Codes are opaque (their shape differs between
// systems), so nothing about their inside is checked.
func isDossierCode(s string) bool {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > dossierCodeMax {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// ---- Scanner bursts ----

// Defaults of a BurstDetector. A USB scanner types a character every few
// milliseconds; the fastest human typists leave 60 ms or more between keys
// and a first-time kiosk user several hundred, so 30 ms separates them
// with room for the event loop's jitter.
const (
	DefaultBurstGap    = 30 * time.Millisecond
	DefaultBurstMinLen = 6
	burstMaxLen        = scanMaxLen // runes kept; more is a stuck key, not a code
)

// BurstDetector tells a scanner's typing from a person's. Feed it every
// rune typed, with the time it arrived; Enter ('\n' or '\r') right after a
// burst of at least MinLen runes, each within MaxGap of the one before,
// returns the burst. A pause resets it, so slow typing never becomes a
// scan. It is pure (the caller gives the time), so tests use synthetic
// clocks. The zero value is ready to use; it is not safe for concurrent
// use (Fyne calls key hooks on one goroutine).
type BurstDetector struct {
	MaxGap time.Duration // longest pause inside a burst; 0 means DefaultBurstGap
	MinLen int           // shortest burst; 0 means DefaultBurstMinLen

	buf  []rune
	last time.Time
}

// Key takes one typed rune. It returns the burst and true when r is the
// Enter that ends one; otherwise "" and false.
func (b *BurstDetector) Key(r rune, at time.Time) (done string, ok bool) {
	if b.paused(at) {
		b.Reset()
	}
	b.last = at
	if r == '\n' || r == '\r' {
		return b.finish()
	}
	if len(b.buf) >= burstMaxLen {
		b.Reset()
	}
	b.buf = append(b.buf, r)
	return "", false
}

// Pending reports how many runes the current burst holds: a UI can use it
// to avoid acting on keys that may yet turn out to be a scan.
func (b *BurstDetector) Pending() int { return len(b.buf) }

// Reset forgets the current burst, overwriting it: a card's QR is personal
// data, and the idle reset must leave none in memory.
func (b *BurstDetector) Reset() {
	clear(b.buf)
	b.buf = b.buf[:0]
}

// paused is true when at is too long after the last key, or before it (a
// clock that stepped back cannot vouch for a burst).
func (b *BurstDetector) paused(at time.Time) bool {
	if len(b.buf) == 0 {
		return false
	}
	gap := at.Sub(b.last)
	return gap < 0 || gap >= b.maxGap()
}

// finish ends the burst at Enter, returning it if it was long enough. A
// short burst is a person's Enter (or a scanner's stray one): dropped.
func (b *BurstDetector) finish() (string, bool) {
	defer b.Reset()
	if len(b.buf) < b.minLen() {
		return "", false
	}
	return string(b.buf), true
}

func (b *BurstDetector) maxGap() time.Duration {
	if b.MaxGap > 0 {
		return b.MaxGap
	}
	return DefaultBurstGap
}

func (b *BurstDetector) minLen() int {
	if b.MinLen > 0 {
		return b.MinLen
	}
	return DefaultBurstMinLen
}

// CardAnswers maps what a Căn cước card says onto the form's fields of one
// person (usually "applicant"): the name, the ID number, the birth date,
// the sex and, when that person has one, the address. The journey prefills
// and locks them (Journey.Prefill).
func CardAnswers(form []Field, person string, c CardData) map[string]string {
	out := map[string]string{}
	for _, f := range form {
		if person == "" || f.Person != person { // "": no one's fields, not everyone's
			continue
		}
		switch {
		case f.Kind == KindPersonName:
			out[f.ID] = c.FullName
		case f.Kind == KindPersonalID:
			out[f.ID] = c.PersonalID
		case f.Role == RoleBirthDate:
			out[f.ID] = FormatDate(c.BirthDate)
		case f.Role == RoleSex:
			out[f.ID] = c.Sex
		case f.Kind == KindAddress && c.Address != "":
			out[f.ID] = c.Address
		}
	}
	return out
}
