package kiosk

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cardQR is a valid card's QR, the base that cases change one field of.
const cardQR = "001085012345|123456789|Nguyễn Văn An|15031985|Nam|12 Lý Thường Kiệt, Phường Cửa Nam, Hà Nội|01072021"

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// scanWantInvalid fails unless err is a two-language *Invalid whose
// Vietnamese message contains wantIn.
func scanWantInvalid(t *testing.T, call string, err error, wantIn string) {
	t.Helper()
	var inv *Invalid
	if !errors.As(err, &inv) {
		t.Errorf("%s: error %v (%T); want *Invalid", call, err, err)
		return
	}
	if inv.Message.VI == "" || inv.Message.EN == "" {
		t.Errorf("%s: message %+v; want both languages", call, inv.Message)
	}
	if !strings.Contains(inv.Message.VI, wantIn) {
		t.Errorf("%s: message %q; want it to contain %q", call, inv.Message.VI, wantIn)
	}
}

func TestParseCardQR(t *testing.T) {
	an := CardData{
		PersonalID: "001085012345", OldID: "123456789", FullName: "Nguyễn Văn An",
		BirthDate: day(1985, 3, 15), Sex: SexMale,
		Address: "12 Lý Thường Kiệt, Phường Cửa Nam, Hà Nội", IssueDate: day(2021, 7, 1),
	}
	tests := []struct {
		name, in string
		want     CardData
	}{
		{"male 19xx", cardQR, an},
		{"trailing CRLF", cardQR + "\r\n", an},
		{"trailing tab", cardQR + "\t", an},
		{"trailing bar", cardQR + "|", an},
		{"extra fields", cardQR + "|02072021|something new", an},
		{"NFD everywhere", norm.NFD.String(cardQR), an},
		{"NFD name with extra spaces", strings.Replace(cardQR, "Nguyễn Văn An", "  Nguye\u0302\u0303n  Văn An ", 1), an},
		{
			"female 19xx, leap day, empty old ID",
			"079192001234||Trần Thị Bích|29021992|Nữ|45 Nguyễn Huệ, Phường Sài Gòn, TP. Hồ Chí Minh|10102022",
			CardData{
				PersonalID: "079192001234", FullName: "Trần Thị Bích", BirthDate: day(1992, 2, 29), Sex: SexFemale,
				Address: "45 Nguyễn Huệ, Phường Sài Gòn, TP. Hồ Chí Minh", IssueDate: day(2022, 10, 10),
			},
		},
		{
			"male 20xx, 12-digit CMND, lower case",
			"048205000077|201234567890|Lê Minh Khôi|01012005|nam|Thôn 3, Xã Hòa Vang, Đà Nẵng|15082024",
			CardData{
				PersonalID: "048205000077", OldID: "201234567890", FullName: "Lê Minh Khôi", BirthDate: day(2005, 1, 1),
				Sex: SexMale, Address: "Thôn 3, Xã Hòa Vang, Đà Nẵng", IssueDate: day(2024, 8, 15),
			},
		},
		{
			"female 20xx, upper-case NFD sex, ethnic name",
			"066310000123||H'Hen Niê|12122010|N" + norm.NFD.String("Ữ") + "|Buôn Ako Dhông, Phường Buôn Ma Thuột, Đắk Lắk|20052025\n",
			CardData{
				PersonalID: "066310000123", FullName: "H'Hen Niê", BirthDate: day(2010, 12, 12), Sex: SexFemale,
				Address: "Buôn Ako Dhông, Phường Buôn Ma Thuột, Đắk Lắk", IssueDate: day(2025, 5, 20),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCardQR(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseCardQR(%q) = %+v, %v; want %+v, nil", tt.in, got, err, tt.want)
			}
			if !norm.NFC.IsNormalString(got.FullName) || !norm.NFC.IsNormalString(got.Address) {
				t.Errorf("ParseCardQR(%q) = %+v; want name and address in NFC", tt.in, got)
			}
		})
	}
}

func TestParseCardQRInvalid(t *testing.T) {
	field := func(i int, v string) string {
		f := strings.Split(cardQR, "|")
		f[i] = v
		return strings.Join(f, "|")
	}
	tests := []struct {
		name, in, wantIn string
	}{
		{"empty", "", "Không đọc được mã QR trên thẻ"},
		{"six fields", "001085012345|123456789|Nguyễn Văn An|15031985|Nam|12 Lý Thường Kiệt", "Không đọc được mã QR trên thẻ"},
		{"not a card", "hello", "Không đọc được mã QR trên thẻ"},
		{"invalid UTF-8", field(2, "Nguy\xffn"), "Không đọc được mã QR trên thẻ"},
		{"control character", field(2, "Nguyễn\x00Văn"), "Không đọc được mã QR trên thẻ"},
		{"replacement character", field(5, "Ph\uFFFDng Cửa Nam"), "Không đọc được mã QR trên thẻ"},
		{"too long", field(5, strings.Repeat("a", 3000)), "Không đọc được mã QR trên thẻ"},
		{"ID with a letter", field(0, "00108501234X"), "số định danh"},
		{"ID too short", field(0, "00108501234"), "số định danh"},
		{"ID unknown province", field(0, "999085012345"), "số định danh"},
		{"ID says male, card says female", field(4, "Nữ"), "cho biết giới tính nam, nhưng giới tính ghi là nữ"},
		{"ID says female, card says male", field(0, "001185012345"), "cho biết giới tính nữ, nhưng giới tính ghi là nam"},
		{"ID year differs from birth date", field(3, "15031986"), "năm sinh trong số định danh là 1985"},
		{"ID century differs", field(0, "001285012345"), "năm sinh trong số định danh là 2085"},
		{"31 February", "001200000001||Nguyễn Văn Bình|31022000|Nam|Hà Nội|01072021", "Không đọc được ngày sinh"},
		{"birth date with slashes", field(3, "15/03/1985"), "Không đọc được ngày sinh"},
		{"birth date 7 digits", field(3, "1503198"), "Không đọc được ngày sinh"},
		{"issue month 13", field(6, "01132021"), "Không đọc được ngày cấp thẻ"},
		{"issue date empty", field(6, ""), "Không đọc được ngày cấp thẻ"},
		{"issued before birth", field(6, "01011980"), "ngày cấp thẻ (01/01/1980) trước ngày sinh (15/03/1985)"},
		{"empty name", field(2, ""), "Không đọc được họ và tên"},
		{"digits in name", field(2, "Nguy3n Văn An"), "Không đọc được họ và tên"},
		{"question marks in name", field(2, "Nguy?n V?n An"), "Không đọc được họ và tên"},
		{"sex without marks", field(4, "Nu"), "Không đọc được giới tính"},
		{"sex other", field(4, "Khác"), "Không đọc được giới tính"},
		{"old ID of 5 digits", field(1, "12345"), "Không đọc được số Chứng minh nhân dân cũ"},
		{"old ID with a letter", field(1, "12345678A"), "Không đọc được số Chứng minh nhân dân cũ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCardQR(tt.in)
			if err == nil {
				t.Errorf("ParseCardQR(%q) = %+v, nil; want an error containing %q", tt.in, got, tt.wantIn)
				return
			}
			if got != (CardData{}) {
				t.Errorf("ParseCardQR(%q) = %+v, %v; want a zero CardData with the error", tt.in, got, err)
			}
			scanWantInvalid(t, "ParseCardQR("+tt.name+")", err, tt.wantIn)
		})
	}
}

func TestClassifyScan(t *testing.T) {
	tests := []struct {
		name, in string
		kind     ScanKind
		code     string // for ScanTracking
		id       string // Card.PersonalID for ScanCard
		wantErr  string // "" for no error; else part of the Vietnamese message
	}{
		{"card", cardQR + "\r\n", ScanCard, "", "001085012345", ""},
		{"card read short", "001085012345|123456789|Nguyễn Văn An|150", ScanCard, "", "", "Không đọc được mã QR trên thẻ"},
		{"card that disagrees", strings.Replace(cardQR, "|Nam|", "|Nữ|", 1), ScanCard, "", "", "không khớp với nhau"},
		{"http link", "http://127.0.0.1:8787/t/000.00.01.H26-261127-0001", ScanTracking, "000.00.01.H26-261127-0001", "", ""},
		{"https link with escaped code", "https://dichvucong.example.vn/hs/t/000.00.01%2FH26%2B261127-0001\n", ScanTracking, "000.00.01/H26+261127-0001", "", ""},
		{"link with query, fragment and slash", "https://kiosk.example.vn/t/H26-0001/?src=qr#top", ScanTracking, "H26-0001", "", ""},
		{"upper-case link (QR alphanumeric mode)", "HTTPS://KIOSK.EXAMPLE.VN/T/H26-0001", ScanTracking, "H26-0001", "", ""},
		{"hand-back QR", "MCK1:HANDOFF:q3Jd8_Zx-0aLk2mNpQrStU\r\n", ScanHandoff, "q3Jd8_Zx-0aLk2mNpQrStU", "", ""},
		{"hand-back QR read short", "MCK1:HANDOFF:q3Jd8", ScanUnknown, "", "", "chưa đọc được trọn vẹn"},
		{"hand-back QR with a stray character", "MCK1:HANDOFF:q3Jd8_Zx-0aLk2mNp/QrStU", ScanUnknown, "", "", "chưa đọc được trọn vẹn"},
		{"staff badge", "MCK1:STAFF:Xk3_9aQ-LmN0pR2sT4uV6w\r\n", ScanStaff, "Xk3_9aQ-LmN0pR2sT4uV6w", "", ""},
		{"staff badge typed with Caps Lock", "mck1:staff:Xk3_9aQ-LmN0pR2sT4uV6w", ScanStaff, "Xk3_9aQ-LmN0pR2sT4uV6w", "", ""},
		{"staff badge with a hex token", "MCK1:STAFF:" + strings.Repeat("0f", 16), ScanStaff, strings.Repeat("0f", 16), "", ""},
		{"staff badge of 128 characters", "MCK1:STAFF:" + strings.Repeat("a", 128), ScanStaff, strings.Repeat("a", 128), "", ""},
		{"staff badge of 129 characters", "MCK1:STAFF:" + strings.Repeat("a", 129), ScanUnknown, "", "", "Thẻ cán bộ chưa đọc được trọn vẹn"},
		{"staff badge read short", "MCK1:STAFF:Xk3_9aQ", ScanUnknown, "", "", "Thẻ cán bộ chưa đọc được trọn vẹn"},
		{"staff badge without a token", "MCK1:STAFF:", ScanUnknown, "", "", "Thẻ cán bộ chưa đọc được trọn vẹn"},
		{"staff badge with a space", "MCK1:STAFF:Xk3_9aQ-LmN0 pR2sT4uV6w", ScanUnknown, "", "", "Thẻ cán bộ chưa đọc được trọn vẹn"},
		{"staff badge with a Vietnamese letter", "MCK1:STAFF:Xk3_9aQ-LmN0ặR2sT4uV6w", ScanUnknown, "", "", "Thẻ cán bộ chưa đọc được trọn vẹn"},
		{"another MCK1 kind", "MCK1:ADMIN:Xk3_9aQ-LmN0pR2sT4uV6w", ScanTracking, "MCK1:ADMIN:Xk3_9aQ-LmN0pR2sT4uV6w", "", ""},
		{"bare code", "000.00.01.H26-260930-0012\r", ScanTracking, "000.00.01.H26-260930-0012", "", ""},
		{"bare code of 64", strings.Repeat("x", 64), ScanTracking, strings.Repeat("x", 64), "", ""},
		{"bare code of 65", strings.Repeat("x", 65), ScanUnknown, "", "", "Kiosk không nhận ra mã vừa quét"},
		{"empty", "\r\n", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"garbage with spaces", "hello world", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"control character", "H26\x07-0001", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"invalid UTF-8", "H26-\xff", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"link to another path", "https://example.com/about", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"link to the home page", "https://example.com/", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"link with an empty code", "https://example.com/t/", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"link with a space in the code", "https://example.com/t/H26%200001", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"link with a bad escape", "https://example.com/t/H26%zz", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"link to a deeper path", "https://example.com/t/H26-0001/print", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"link without a host", "http:///t/H26-0001", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"other scheme", "ftp://example.com/t/H26-0001", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"VietQR payment", "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN6304ABCD", ScanUnknown, "", "", "Kiosk không nhận ra"},
		{"huge", strings.Repeat("x", 10000), ScanUnknown, "", "", "Kiosk không nhận ra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ClassifyScan(tt.in)
			if got.Kind != tt.kind || got.Code != tt.code || got.Card.PersonalID != tt.id {
				t.Errorf("ClassifyScan(%q) = %+v, %v; want kind %v, code %q, card ID %q", tt.in, got, err, tt.kind, tt.code, tt.id)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("ClassifyScan(%q) = %+v, %v; want no error", tt.in, got, err)
				}
				return
			}
			scanWantInvalid(t, "ClassifyScan("+tt.name+")", err, tt.wantErr)
		})
	}
}

func TestScanKindString(t *testing.T) {
	for k, want := range map[ScanKind]string{ScanUnknown: "unknown", ScanCard: "card", ScanTracking: "tracking", ScanHandoff: "handoff", ScanStaff: "staff", 42: "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("ScanKind(%d).String() = %q; want %q", int(k), got, want)
		}
	}
}

// keystroke is one rune typed gap after the one before.
type keystroke struct {
	r   rune
	gap time.Duration
}

// typed types s with the same gap before every rune.
func typed(s string, gap time.Duration) []keystroke {
	ks := make([]keystroke, 0, len(s))
	for _, r := range s {
		ks = append(ks, keystroke{r, gap})
	}
	return ks
}

func join(parts ...[]keystroke) []keystroke {
	var out []keystroke
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestBurstDetector(t *testing.T) {
	const fast, slow = 4 * time.Millisecond, 180 * time.Millisecond
	tests := []struct {
		name   string
		b      BurstDetector
		keys   []keystroke
		want   []string
		atLast bool // the last output came at the last key
	}{
		{"scanner burst", BurstDetector{}, typed("H26-0001\n", fast), []string{"H26-0001"}, true},
		{"scanner burst ending in CR", BurstDetector{}, typed("H26-0001\r", fast), []string{"H26-0001"}, true},
		{"card QR with Vietnamese", BurstDetector{}, typed(cardQR+"\r", fast), []string{cardQR}, true},
		{"human typing", BurstDetector{}, typed("H26-0001\n", slow), nil, false},
		{"fast human at 70 ms", BurstDetector{}, typed("H26-0001\n", 70*time.Millisecond), nil, false},
		{"burst without Enter", BurstDetector{}, typed("H26-0001", fast), nil, false},
		{"burst, then Enter", BurstDetector{}, join(typed("H26-0001", fast), typed("\n", fast)), []string{"H26-0001"}, true},
		{"burst, then a late Enter", BurstDetector{}, join(typed("H26-0001", fast), typed("\n", slow)), nil, false},
		{"short burst", BurstDetector{}, typed("12345\n", fast), nil, false},
		{"exactly MinLen", BurstDetector{}, typed("123456\n", fast), []string{"123456"}, true},
		{"human keys, then a scan", BurstDetector{}, join(typed("abc", slow), typed("H26-0001\n", slow), typed("XYZ-0002\n", fast)), []string{"XYZ-0002"}, true},
		{"reset after a gap", BurstDetector{}, join(typed("ABCDEFG", fast), typed("H", slow), typed("26\n", fast)), nil, false},
		{"two scans, a pause between", BurstDetector{}, join(typed("H26-0001\n", fast), typed("H", slow), typed("26-0002\n", fast)), []string{"H26-0001", "H26-0002"}, true},
		{"custom gap", BurstDetector{MaxGap: 60 * time.Millisecond}, typed("H26-0001\n", 50*time.Millisecond), []string{"H26-0001"}, true},
		{"custom MinLen", BurstDetector{MinLen: 10}, typed("H26-0001\n", fast), nil, false},
		{"clock steps back", BurstDetector{}, join(typed("H26-", fast), typed("0001\n", -fast)), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.b
			at := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
			var got []string
			last := -1
			for i, k := range tt.keys {
				at = at.Add(k.gap)
				if s, ok := b.Key(k.r, at); ok {
					got = append(got, s)
					last = i
				} else if s != "" {
					t.Errorf("Key(%q) = %q, false; want \"\" with false", k.r, s)
				}
			}
			if strings.Join(got, "\x00") != strings.Join(tt.want, "\x00") || len(got) != len(tt.want) {
				t.Errorf("BurstDetector fed %d keys gave %q; want %q", len(tt.keys), got, tt.want)
			}
			if tt.atLast && last != len(tt.keys)-1 {
				t.Errorf("BurstDetector gave its last scan at key %d of %d; want the final Enter", last+1, len(tt.keys))
			}
		})
	}
}

// The idle reset must leave no card data behind.
func TestBurstDetectorReset(t *testing.T) {
	var b BurstDetector
	at := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	for _, r := range "001085012345|1234" {
		at = at.Add(time.Millisecond)
		b.Key(r, at)
	}
	if b.Pending() != 17 {
		t.Errorf("Pending() = %d; want 17", b.Pending())
	}
	held := b.buf[:cap(b.buf)]
	b.Reset()
	if b.Pending() != 0 {
		t.Errorf("after Reset, Pending() = %d; want 0", b.Pending())
	}
	for i, r := range held {
		if r != 0 {
			t.Fatalf("after Reset, the buffer still holds %q at %d; want it overwritten", r, i)
		}
	}
	if s, ok := b.Key('\n', at.Add(time.Millisecond)); ok {
		t.Errorf("Key(Enter) after Reset = %q, true; want nothing", s)
	}
}

// A stuck key must not grow the buffer without bound.
func TestBurstDetectorStuckKey(t *testing.T) {
	var b BurstDetector
	at := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	for range 3 * burstMaxLen {
		at = at.Add(time.Millisecond)
		b.Key('a', at)
	}
	if b.Pending() > burstMaxLen {
		t.Errorf("Pending() = %d after a stuck key; want at most %d", b.Pending(), burstMaxLen)
	}
}

func FuzzParseCardQR(f *testing.F) {
	for _, s := range []string{
		cardQR, cardQR + "\r\n", cardQR + "|x|y", norm.NFD.String(cardQR), "", "|||||||", "001085012345||||||",
		"079192001234||Trần Thị Bích|29021992|Nữ|Hồ Chí Minh|10102022", "\xff|\xfe", "001085012345|1|A|00000000|Nam|a|99999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCardQR(s)
		if err != nil {
			scanWantInvalid(t, "ParseCardQR", err, "")
			return
		}
		cardInvariants(t, s, c)
	})
}

// cardInvariants checks what every card ParseCardQR accepts must satisfy.
func cardInvariants(t *testing.T, s string, c CardData) {
	t.Helper()
	id, idErr := ParsePersonalID(c.PersonalID)
	switch {
	case idErr != nil || id.Number != c.PersonalID:
		t.Errorf("ParseCardQR(%q) = %+v; its ID does not parse: %v", s, c, idErr)
	case id.Female != (c.Sex == SexFemale) || (c.Sex != SexMale && c.Sex != SexFemale):
		t.Errorf("ParseCardQR(%q) = %+v; sex disagrees with the ID", s, c)
	case id.BirthYear != c.BirthDate.Year() || c.IssueDate.Before(c.BirthDate):
		t.Errorf("ParseCardQR(%q) = %+v; dates disagree", s, c)
	case !norm.NFC.IsNormalString(c.FullName) || !norm.NFC.IsNormalString(c.Address):
		t.Errorf("ParseCardQR(%q) = %+v; want NFC", s, c)
	}
	if again, err := NormalizeName(c.FullName); err != nil || again != c.FullName {
		t.Errorf("ParseCardQR(%q) name %q normalises to %q, %v", s, c.FullName, again, err)
	}
}

func FuzzClassifyScan(f *testing.F) {
	for _, s := range []string{
		cardQR, "http://127.0.0.1:8787/t/000.00.01.H26-261127-0001", "https://x/t/a%2Fb", "H26-0001\r\n",
		"", "hello world", "https://example.com/about", "001085012345|", "HTTP://X/T/%", "\xff",
		"MCK1:HANDOFF:q3Jd8_Zx-0aLk2mNpQrStU", "mck1:handoff:",
		"MCK1:STAFF:Xk3_9aQ-LmN0pR2sT4uV6w", "mck1:staff:", "MCK1:STAFF:\u017ftaff", "MCK1:ſTAFF:Xk3_9aQ-LmN0pR2sT4uV6w",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ClassifyScan(s)
		scanInvariants(t, s, got, err)
	})
}

// scanInvariants checks what every answer of ClassifyScan must satisfy.
func scanInvariants(t *testing.T, s string, got Scan, err error) {
	t.Helper()
	switch got.Kind {
	case ScanCard:
		if err != nil {
			scanWantInvalid(t, "ClassifyScan", err, "")
		} else if got.Card.PersonalID == "" {
			t.Errorf("ClassifyScan(%q) = %+v, nil; want the card's data", s, got)
		}
	case ScanHandoff, ScanStaff:
		if !hasPrefixFold(strings.TrimSpace(s), map[ScanKind]string{ScanHandoff: HandoffQRPrefix, ScanStaff: StaffQRPrefix}[got.Kind]) {
			t.Errorf("ClassifyScan(%q) = %+v; want %v only for its own prefix", s, got, got.Kind)
		}
		if err != nil || len(got.Code) < 16 || len(got.Code) > 128 || strings.Trim(got.Code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
			t.Errorf("ClassifyScan(%q) = %+v, %v; want a token of 16–128 URL-safe characters", s, got, err)
		}
	case ScanTracking:
		if err != nil || got.Code == "" || utf8.RuneCountInString(got.Code) > dossierCodeMax ||
			strings.ContainsAny(got.Code, " \t\r\n") || !utf8.ValidString(got.Code) {
			t.Errorf("ClassifyScan(%q) = %+v, %v; want a short printable code and no error", s, got, err)
		}
	case ScanUnknown:
		if got != (Scan{}) {
			t.Errorf("ClassifyScan(%q) = %+v; want a zero Scan for an unknown code", s, got)
		}
		scanWantInvalid(t, "ClassifyScan", err, "")
	default:
		t.Errorf("ClassifyScan(%q) = %+v; unknown kind", s, got)
	}
}

func TestCardAnswersFillTheApplicantOnly(t *testing.T) {
	form := []Field{
		{ID: "child_name", Kind: KindPersonName, Person: "child"},
		{ID: "applicant_name", Kind: KindPersonName, Person: "applicant"},
		{ID: "applicant_id", Kind: KindPersonalID, Person: "applicant"},
		{ID: "applicant_dob", Kind: KindDate, Role: RoleBirthDate, Person: "applicant"},
		{ID: "applicant_sex", Kind: KindSelect, Role: RoleSex, Person: "applicant"},
		{ID: "applicant_address", Kind: KindAddress, Person: "applicant"},
		{ID: "applicant_phone", Kind: KindPhone, Person: "applicant"},
	}
	card, err := ParseCardQR("001085012345|123456789|Nguyễn Văn An|15031985|Nam|12 Lý Thường Kiệt, Hà Nội|01072021")
	if err != nil {
		t.Fatal(err)
	}
	got := CardAnswers(form, "applicant", card)
	want := map[string]string{"applicant_name": "Nguyễn Văn An", "applicant_id": "001085012345",
		"applicant_dob": "15/03/1985", "applicant_sex": SexMale, "applicant_address": "12 Lý Thường Kiệt, Hà Nội"}
	if len(got) != len(want) {
		t.Errorf("CardAnswers() = %v; want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("CardAnswers()[%s] = %q; want %q", k, got[k], v)
		}
	}
}
