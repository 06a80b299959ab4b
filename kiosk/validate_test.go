package kiosk

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// testNow is the fixed clock of these tests: never time.Now, so they give
// the same answer every year. The zone is the kiosk's (UTC+7).
var testNow = time.Date(2026, 11, 29, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// checkInvalid fails unless err is an *Invalid whose message has both
// languages and, in Vietnamese, contains wantIn (when given): every error
// is shown to a citizen, so an empty or English-only message is a bug.
func checkInvalid(t *testing.T, call string, err error, wantIn string) {
	t.Helper()
	var inv *Invalid
	if !errors.As(err, &inv) {
		t.Errorf("%s: error %v (%T) is not an *Invalid", call, err, err)
		return
	}
	if strings.TrimSpace(inv.Message.VI) == "" || strings.TrimSpace(inv.Message.EN) == "" {
		t.Errorf("%s: message %+v lacks a language", call, inv.Message)
	}
	if inv.Error() != inv.Message.EN {
		t.Errorf("%s: Error() = %q; want the English message %q", call, inv.Error(), inv.Message.EN)
	}
	if !utf8.ValidString(inv.Message.VI) || !utf8.ValidString(inv.Message.EN) {
		t.Errorf("%s: message %+v is not valid UTF-8", call, inv.Message)
	}
	if wantIn != "" && !strings.Contains(inv.Message.VI, wantIn) {
		t.Errorf("%s: message %q does not contain %q", call, inv.Message.VI, wantIn)
	}
}

func TestPersonalIDProvinces(t *testing.T) {
	if n := len(personalIDProvinces); n != 63 {
		t.Errorf("len(personalIDProvinces) = %d; want 63", n)
	}
	for code, name := range personalIDProvinces {
		if len(code) != 3 || strings.Trim(code, "0123456789") != "" || code < "001" || code > "096" {
			t.Errorf("province code %q is not 001–096", code)
		}
		if name == "" || !norm.NFC.IsNormalString(name) {
			t.Errorf("province %s name %q is empty or not NFC", code, name)
		}
		id, err := ParsePersonalID(code + "085012345")
		if err != nil || id.Province != name {
			t.Errorf("ParsePersonalID(%q) = %+v, %v; want province %q", code+"085012345", id, err, name)
		}
	}
}

func TestParsePersonalID(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want PersonalID
	}{
		{"Hà Nội man 1985", "001085012345", PersonalID{"001085012345", "Hà Nội", false, 1985}},
		{"groups of four", " 0010 8501 2345 ", PersonalID{"001085012345", "Hà Nội", false, 1985}},
		{"tab and no-break space", "001\t085\u00a0012345", PersonalID{"001085012345", "Hà Nội", false, 1985}},
		{"HCM woman 2003", "079303012345", PersonalID{"079303012345", "Hồ Chí Minh", true, 2003}},
		{"Cà Mau woman 1999", "096199000001", PersonalID{"096199000001", "Cà Mau", true, 1999}},
		{"Đà Nẵng man 2000", "048200000001", PersonalID{"048200000001", "Đà Nẵng", false, 2000}},
		{"woman 1900", "001100000000", PersonalID{"001100000000", "Hà Nội", true, 1900}},
		{"century 21xx", "001400000000", PersonalID{"001400000000", "Hà Nội", false, 2100}},
		{"century 23xx", "001999000000", PersonalID{"001999000000", "Hà Nội", true, 2399}},
	}
	for _, tt := range tests {
		got, err := ParsePersonalID(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%s: ParsePersonalID(%q) = %+v, %v; want %+v", tt.name, tt.in, got, err, tt.want)
		}
	}
}

func TestParsePersonalIDInvalid(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		wantIn string // in the Vietnamese message
	}{
		{"empty", "", "Vui lòng nhập số định danh"},
		{"spaces only", "   ", "Vui lòng nhập số định danh"},
		{"11 digits", "00108501234", "Bạn đã nhập 11 chữ số"},
		{"13 digits", "0010850123456", "Bạn đã nhập 13 chữ số"},
		{"old 9-digit CMND", "123456789", "Chứng minh nhân dân"},
		{"unknown province 003", "003085012345", "(003)"},
		{"province 000", "000085012345", "(000)"},
		{"province 097", "097085012345", "(097)"},
		{"letter O for zero", "001O85012345", "“O”"},
		{"dashes", "001-085-012345", "“-”"},
		{"full-width digit", "０01085012345", "“０”"},
		{"zero-width space", "001\u200b085012345", "ký tự ẩn"},
		{"invalid UTF-8", "001085\xff012345", "không đọc được"},
		{"a million digits", strings.Repeat("1", 1_000_000), "1000000 chữ số"},
	}
	for _, tt := range tests {
		got, err := ParsePersonalID(tt.in)
		if err == nil {
			t.Errorf("%s: ParsePersonalID(%.40q) = %+v, nil; want an error", tt.name, tt.in, got)
			continue
		}
		checkInvalid(t, tt.name, err, tt.wantIn)
	}
}

func TestCheckPersonalID(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantYear int    // 0: want an error
		wantIn   string // in the Vietnamese message
	}{
		{"1985", "001085012345", 1985, ""},
		{"born this year", "001226012345", 2026, ""},
		{"next year", "001227012345", 0, "2027"},
		{"2085", "001285012345", 0, "2085"},
		{"22nd century", "001600000000", 0, "2200"},
		{"parse errors pass through", "0010850123", 0, "10 chữ số"},
	}
	for _, tt := range tests {
		got, err := CheckPersonalID(tt.in, testNow)
		if tt.wantYear != 0 {
			if err != nil || got.BirthYear != tt.wantYear {
				t.Errorf("%s: CheckPersonalID(%q) = %+v, %v; want birth year %d", tt.name, tt.in, got, err, tt.wantYear)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: CheckPersonalID(%q) = %+v, nil; want an error", tt.name, tt.in, got)
			continue
		}
		checkInvalid(t, tt.name, err, tt.wantIn)
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"national", "0912345678", "0912345678"},
		{"+84 with spaces", "+84 912 345 678", "0912345678"},
		{"84 without plus", "84912345678", "0912345678"},
		{"0084", "0084 912 345 678", "0912345678"},
		{"+84 keeping the 0", "+84 0912 345 678", "0912345678"},
		{"dots", "091.234.5678", "0912345678"},
		{"dashes", "091-234-5678", "0912345678"},
		{"brackets", "(+84) 912-345-678", "0912345678"},
		{"surrounding spaces", "  0987 654 321\t", "0987654321"},
		{"Viettel 03x", "0321234567", "0321234567"},
		{"Vinaphone 081", "0812345678", "0812345678"},
		{"MobiFone 070", "0701234567", "0701234567"},
		{"Vietnamobile 052", "0521234567", "0521234567"},
		{"Wintel 055", "0551234567", "0551234567"},
		{"Gmobile 059", "0591234567", "0591234567"},
		{"Itelecom 087", "0871234567", "0871234567"},
		{"84 followed by a 84x number", "+84 843 123 456", "0843123456"},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%s: NormalizePhone(%q) = %q, %v; want %q", tt.name, tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizePhoneInvalid(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		wantIn string
	}{
		{"empty", "", "Vui lòng nhập số điện thoại"},
		{"9 digits", "091234567", "quá ngắn"},
		{"+84 and 8 digits", "+84 91234567", "có 9 chữ số"},
		{"11 digits", "09123456789", "quá dài"},
		{"way too long", strings.Repeat("9", 100), "100 chữ số"},
		{"old Viettel 0168", "0168 123 4567", "0381234567"},
		{"old MobiFone 0121 via +84", "+84 121 123 4567", "0791234567"},
		{"Hà Nội landline", "024 3825 1234", "máy bàn"},
		{"provincial landline", "0203 382 5123", "máy bàn"},
		{"10-digit 02x", "0241234567", "máy bàn"},
		{"080 is not mobile", "0801234567", "080"},
		{"095 S-Fone closed", "0951234567", "095"},
		{"030 unallocated", "0301234567", "030"},
		{"no leading 0", "912345678", "bắt đầu bằng số 0"},
		{"foreign", "+1 555 123 4567", "+84"},
		{"letters", "0912abc678", "“a”"},
		{"misplaced plus", "09+12345678", "Dấu +"},
		{"two plusses", "++84912345678", "Dấu +"},
		{"slash", "0912/345/678", "“/”"},
		{"invalid UTF-8", "0912\xff345678", "không đọc được"},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if err == nil {
			t.Errorf("%s: NormalizePhone(%q) = %q, nil; want an error", tt.name, tt.in, got)
			continue
		}
		checkInvalid(t, tt.name, err, tt.wantIn)
	}
}

func TestPhonePrefixTables(t *testing.T) {
	for p := range phoneMobilePrefixes {
		if len(p) != 3 || p[0] != '0' || p[1] == '2' {
			t.Errorf("mobile prefix %q is not 0 + two digits outside 02x", p)
		}
	}
	for old, repl := range phoneOldPrefixes {
		if _, ok := phoneMobilePrefixes[repl]; !ok || len(old) != 4 {
			t.Errorf("old prefix %q → %q: the replacement is not a mobile prefix", old, repl)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "ten@gmail.com", "ten@gmail.com"},
		{"trimmed, domain lowered, local kept", "  Ten.Nguyen@Gmail.COM ", "Ten.Nguyen@gmail.com"},
		{"plus and .vn", "a+b@yahoo.com.vn", "a+b@yahoo.com.vn"},
		{"sub-domain with hyphen", "x_y-z@so-tu-phap.hanoi.gov.vn", "x_y-z@so-tu-phap.hanoi.gov.vn"},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%s: NormalizeEmail(%q) = %q, %v; want %q", tt.name, tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeEmailInvalid(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		wantIn string
	}{
		{"empty", " ", "Vui lòng nhập địa chỉ email"},
		{"no @", "tengmail.com", "ký tự @"},
		{"two @", "ten@@gmail.com", "một ký tự @"},
		{"nothing before @", "@gmail.com", "trước @"},
		{"no dot in domain", "ten@gmail", "dấu chấm"},
		{"one-letter TLD", "ten@gmail.c", "dấu chấm"},
		{"IP address", "ten@1.2.3.4", "dấu chấm"},
		{"domain literal", "ten@[1.2.3.4]", "chưa đúng dạng"},
		{"empty label", "ten@gmail..com", "chưa đúng dạng"},
		{"leading hyphen", "ten@-gmail.com", "chưa đúng dạng"},
		{"trailing dot in local part", "ten.@gmail.com", "chưa đúng dạng"},
		{"quoted local part", `"ten"@gmail.com`, "chưa đúng dạng"},
		{"display name", "Nguyen<ten@gmail.com>", "chưa đúng dạng"},
		{"display name with space", "Nguyen <ten@gmail.com>", "dấu cách"},
		{"space inside", "ten @gmail.com", "dấu cách"},
		{"Vietnamese letter", "nguyễn@gmail.com", "“ễ”"},
		{"too long", strings.Repeat("a", 250) + "@gmail.com", "quá dài"},
		{"invalid UTF-8", "ten\xff@gmail.com", "không đọc được"},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if err == nil {
			t.Errorf("%s: NormalizeEmail(%q) = %q, nil; want an error", tt.name, tt.in, got)
			continue
		}
		checkInvalid(t, tt.name, err, tt.wantIn)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"dd/mm/yyyy", "05/09/1985", time.Date(1985, 9, 5, 0, 0, 0, 0, time.UTC)},
		{"d/m/yyyy", "5/9/1985", time.Date(1985, 9, 5, 0, 0, 0, 0, time.UTC)},
		{"dashes", "05-09-1985", time.Date(1985, 9, 5, 0, 0, 0, 0, time.UTC)},
		{"dots", "05.09.1985", time.Date(1985, 9, 5, 0, 0, 0, 0, time.UTC)},
		{"spaces", " 1 / 1 / 2000 ", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"leap day", "29/02/2024", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"leap day 2000", "29/02/2000", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"31 December", "31/12/1999", time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("%s: ParseDate(%q) = %v, %v; want %v", tt.name, tt.in, got, err, tt.want)
		}
	}
}

func TestParseDateInvalid(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		wantIn string
	}{
		{"empty", "", "ngày/tháng/năm"},
		{"31 February", "31/02/2024", "Tháng 2 năm 2024 chỉ có 29 ngày"},
		{"29 February common year", "29/02/2023", "không phải năm nhuận"},
		{"1900 was not leap", "29/02/1900", "không phải năm nhuận"},
		{"31 April", "31/04/2025", "chỉ có 30 ngày"},
		{"day 0", "00/01/2000", "từ 1 đến 31"},
		{"day 32", "32/01/2000", "từ 1 đến 31"},
		{"month 13", "01/13/2000", "Tháng phải từ 1 đến 12"},
		{"month 0", "01/00/2000", "Tháng phải từ 1 đến 12"},
		{"year first", "1985-09-05", "05/09/1985"},
		{"two-digit year", "05/09/85", "4 chữ số"},
		{"year 0000", "01/01/0000", "0000"},
		{"missing year", "05/09", "ngày/tháng/năm"},
		{"four parts", "05/09/1985/1", "ngày/tháng/năm"},
		{"three-digit day", "123/01/2000", "ngày/tháng/năm"},
		{"letter", "5a/09/1985", "“a”"},
		{"month name", "5 tháng 9 1985", "“t”"},
		{"invalid UTF-8", "05/09/\xff1985", "không đọc được"},
		{"huge", strings.Repeat("1/", 100000), "ngày/tháng/năm"},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if err == nil {
			t.Errorf("%s: ParseDate(%.40q) = %v, nil; want an error", tt.name, tt.in, got)
			continue
		}
		checkInvalid(t, tt.name, err, tt.wantIn)
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(1985, 9, 5, 0, 0, 0, 0, time.UTC), "05/09/1985"},
		{time.Date(2026, 11, 29, 23, 59, 0, 0, testNow.Location()), "29/11/2026"},
		{time.Time{}, ""},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.in); got != tt.want {
			t.Errorf("FormatDate(%v) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckBirthDate(t *testing.T) {
	// 00:30 on 29/11 in Hà Nội is still 28/11 in UTC: today is the
	// kiosk's date, so a baby born on the 29th must be accepted.
	earlyMorning := time.Date(2026, 11, 29, 0, 30, 0, 0, testNow.Location())
	tests := []struct {
		name   string
		in     string
		now    time.Time
		wantOK bool
		wantIn string
	}{
		{"1985", "05/09/1985", testNow, true, ""},
		{"today", "29/11/2026", testNow, true, ""},
		{"today, just after midnight", "29/11/2026", earlyMorning, true, ""},
		{"1 January 1900", "01/01/1900", testNow, true, ""},
		{"tomorrow", "30/11/2026", testNow, false, "29/11/2026"},
		{"next century", "05/09/2085", testNow, false, "sau hôm nay"},
		{"before 1900", "31/12/1899", testNow, false, "1899"},
		{"impossible date", "31/02/2024", testNow, false, "29 ngày"},
	}
	for _, tt := range tests {
		got, err := CheckBirthDate(tt.in, tt.now)
		switch {
		case tt.wantOK && err != nil:
			t.Errorf("%s: CheckBirthDate(%q) = %v, %v; want no error", tt.name, tt.in, got, err)
		case !tt.wantOK && err == nil:
			t.Errorf("%s: CheckBirthDate(%q) = %v, nil; want an error", tt.name, tt.in, got)
		case !tt.wantOK:
			checkInvalid(t, tt.name, err, tt.wantIn)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"precomposed", "Nguyễn Văn An", "Nguyễn Văn An"},
		{"decomposed NFD", "Nguye\u0302\u0303n Va\u0306n An", "Nguyễn Văn An"},
		{"collapse whitespace", "  Nguyễn \t Thị\u00a0\u00a0Hoa  ", "Nguyễn Thị Hoa"},
		{"đ and Đ", "Đặng Thùy Trâm", "Đặng Thùy Trâm"},
		{"capitals", "TRẦN HƯNG ĐẠO", "TRẦN HƯNG ĐẠO"},
		{"lower case kept", "lê lợi", "lê lợi"},
		{"apostrophe", "H'Hen Niê", "H'Hen Niê"},
		{"typographic apostrophe", "Ksor H’Bơ", "Ksor H'Bơ"},
		{"hyphen", "Y-Moan Ênuôl", "Y-Moan Ênuôl"},
		{"exactly 100 letters", strings.Repeat("a", 100), strings.Repeat("a", 100)},
		{"100 letters typed decomposed", strings.Repeat("e\u0302\u0303", 100), strings.Repeat("ễ", 100)},
	}
	for _, tt := range tests {
		got, err := NormalizeName(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%s: NormalizeName(%q) = %q, %v; want %q", tt.name, tt.in, got, err, tt.want)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Errorf("%s: NormalizeName(%q) = %q is not NFC", tt.name, tt.in, got)
		}
	}
}

func TestNormalizeNameInvalid(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		wantIn string
	}{
		{"empty", "", "Vui lòng nhập họ và tên"},
		{"spaces", " \t ", "Vui lòng nhập họ và tên"},
		{"digit", "Nguyễn Văn 3", "“3”"},
		{"at sign", "Nguyễn@", "“@”"},
		{"dot", "Nguyễn V. An", "“.”"},
		{"leading apostrophe", "'Hen", "“'”"},
		{"apostrophe before space", "H' Hen", "“'”"},
		{"trailing hyphen", "Nguyễn-", "“-”"},
		{"double hyphen", "Y--Moan", "“-”"},
		{"Chinese characters", "阮文", "“阮”"},
		{"Cyrillic look-alike", "Nguy\u0435n", "“\u0435”"},
		{"lone combining mark", "An \u0303", "“◌\u0303”"},
		{"zero-width space", "Nguyễn\u200bVăn", "ký tự ẩn"},
		{"101 letters", strings.Repeat("a", 101), "tối đa 100 ký tự, bạn đã nhập 101"},
		{"huge", strings.Repeat("a", 10_000_000), "tối đa 100 ký tự"},
		{"invalid UTF-8", "Nguy\xffn", "không đọc được"},
	}
	for _, tt := range tests {
		got, err := NormalizeName(tt.in)
		if err == nil {
			t.Errorf("%s: NormalizeName(%.40q) = %q, nil; want an error", tt.name, tt.in, got)
			continue
		}
		checkInvalid(t, tt.name, err, tt.wantIn)
	}
}

var sexOptions = []Option{
	{Value: SexMale, Label: Text{VI: "Nam", EN: "Male"}},
	{Value: SexFemale, Label: Text{VI: "Nữ", EN: "Female"}},
}

func TestCheckField(t *testing.T) {
	text := Field{ID: "reason", Kind: KindText, Label: Text{VI: "Lý do", EN: "Reason"}}
	tests := []struct {
		name  string
		field Field
		in    string
		want  string
	}{
		{"optional empty", text, "", ""},
		{"optional spaces only", text, " \u00a0\n ", ""},
		{"text trimmed", text, "  Xin   chào  ", "Xin chào"},
		{"text NFD to NFC", text, "Nguye\u0302\u0303n", "Nguyễn"},
		{"text lines", text, "Dòng 1  \r\n\r\n\r\n  Dòng\t2\n", "Dòng 1\n\nDòng 2"},
		{"text max runes after NFC", Field{Kind: KindText, MaxLen: 6}, "Nguye\u0302\u0303n", "Nguyễn"},
		{"address one line", Field{Kind: KindAddress}, "Số 1, ngõ 2\nphố Huế,  Hà Nội", "Số 1, ngõ 2 phố Huế, Hà Nội"},
		{"person name", Field{Kind: KindPersonName}, " nguyễn  văn an ", "nguyễn văn an"},
		{"personal id", Field{Kind: KindPersonalID}, "0010 8501 2345", "001085012345"},
		{"phone", Field{Kind: KindPhone}, "+84 912 345 678", "0912345678"},
		{"email", Field{Kind: KindEmail}, "Ten@Gmail.com", "Ten@gmail.com"},
		{"date padded", Field{Kind: KindDate}, "5.9.1985", "05/09/1985"},
		{"future date not birth", Field{Kind: KindDate}, "01/01/2030", "01/01/2030"},
		{"birth date", Field{Kind: KindDate, Role: RoleBirthDate}, "29/11/2026", "29/11/2026"},
		{"select", Field{Kind: KindSelect, Options: sexOptions}, "nu", "nu"},
		{"select case", Field{Kind: KindSelect, Options: sexOptions}, "NAM", "nam"},
		{"number", Field{Kind: KindNumber}, "3", "3"},
		{"number leading zeros", Field{Kind: KindNumber}, "007", "7"},
		{"number zero", Field{Kind: KindNumber}, "000", "0"},
		{"number thousands", Field{Kind: KindNumber}, "1 000", "1000"},
		{"number 18 digits", Field{Kind: KindNumber}, strings.Repeat("9", 18), strings.Repeat("9", 18)},
		{"yes", Field{Kind: KindYesNo}, "yes", "yes"},
		{"có", Field{Kind: KindYesNo}, "Có", "yes"},
		{"có decomposed", Field{Kind: KindYesNo}, "co\u0301", "yes"},
		{"KHÔNG", Field{Kind: KindYesNo}, "KHÔNG", "no"},
		{"khong", Field{Kind: KindYesNo}, "khong", "no"},
		{"false", Field{Kind: KindYesNo}, "false", "no"},
		{"attachment", Field{Kind: KindAttachment}, "att_01HXYZ-9", "att_01HXYZ-9"},
	}
	for _, tt := range tests {
		got, err := CheckField(tt.field, tt.in, testNow)
		if err != nil || got != tt.want {
			t.Errorf("%s: CheckField(%s, %q) = %q, %v; want %q", tt.name, tt.field.Kind, tt.in, got, err, tt.want)
		}
	}
}

func TestCheckFieldInvalid(t *testing.T) {
	name := Field{ID: "name", Kind: KindPersonName, Required: true, Label: Text{VI: "Họ và tên", EN: "Full name"}}
	tests := []struct {
		name   string
		field  Field
		in     string
		wantIn string
	}{
		{"required name", name, "  ", "Vui lòng nhập họ và tên."},
		{"required label with colon", Field{Kind: KindText, Required: true, Label: Text{VI: "Nơi sinh:", EN: "Place of birth:"}}, "", "Vui lòng nhập nơi sinh."},
		{"required acronym label", Field{Kind: KindPersonalID, Required: true, Label: Text{VI: "CCCD", EN: "ID"}}, "", "Vui lòng nhập CCCD."},
		{"required select", Field{Kind: KindSelect, Required: true, Label: Text{VI: "Giới tính", EN: "Sex"}, Options: sexOptions}, "", "Vui lòng chọn giới tính."},
		{"required yes/no", Field{Kind: KindYesNo, Required: true, Label: Text{VI: "Có nhận qua bưu điện không?"}}, "", "Có hoặc Không"},
		{"required attachment", Field{Kind: KindAttachment, Required: true, Label: Text{VI: "Ảnh giấy khai sinh", EN: "Photo of the birth certificate"}}, "", "Vui lòng đính kèm ảnh giấy khai sinh."},
		{"required without label", Field{Kind: KindText, Required: true}, "", "Vui lòng trả lời"},
		{"name with digit", name, "Nguyễn 2", "“2”"},
		{"name over field MaxLen", Field{Kind: KindPersonName, MaxLen: 5}, "Nguyễn", "tối đa 5 ký tự"},
		{"text too long", Field{Kind: KindText, MaxLen: 5, Label: Text{VI: "Lý do", EN: "Reason"}}, "abcdef", "Lý do quá dài: tối đa 5 ký tự, bạn đã nhập 6"},
		{"text default limit", Field{Kind: KindText}, strings.Repeat("x", 501), "tối đa 500"},
		{"text huge", Field{Kind: KindText}, strings.Repeat("x", 5_000_000), "tối đa 500"},
		{"address default limit", Field{Kind: KindAddress}, strings.Repeat("x", 251), "tối đa 250"},
		{"text control char", Field{Kind: KindText}, "Xin chào\x07 bạn", "ngay sau “Xin chào”"},
		{"text control at start", Field{Kind: KindText}, "\x1bchào", "ở đầu"},
		{"text bidi override", Field{Kind: KindAddress}, "Số 1 đường Láng Hạ, quận Đống Đa\u202e", "ngay sau “…quận Đống Đa”"},
		{"invalid UTF-8", Field{Kind: KindText}, "a\xffb", "không đọc được"},
		{"number negative", Field{Kind: KindNumber}, "-3", "“-”"},
		{"number decimal", Field{Kind: KindNumber}, "1.5", "“.”"},
		{"number 19 digits", Field{Kind: KindNumber}, strings.Repeat("9", 19), "tối đa 18"},
		{"yes/no other", Field{Kind: KindYesNo}, "maybe", "Có hoặc Không"},
		{"yes/no long", Field{Kind: KindYesNo}, strings.Repeat("có", 1000), "Có hoặc Không"},
		{"select other", Field{Kind: KindSelect, Options: sexOptions}, "khac", "Nam, Nữ"},
		{"select without options", Field{Kind: KindSelect}, "nam", "cán bộ"},
		{"unknown kind", Field{Kind: "signature"}, "x", "cán bộ"},
		{"date impossible", Field{Kind: KindDate}, "31/02/2024", "29 ngày"},
		{"birth date future", Field{Kind: KindDate, Role: RoleBirthDate}, "30/11/2026", "sau hôm nay"},
		{"personal id future year", Field{Kind: KindPersonalID}, "001227012345", "2027"},
		{"personal id province", Field{Kind: KindPersonalID}, "003085012345", "(003)"},
		{"phone letters", Field{Kind: KindPhone}, "09x", "“x”"},
		{"email no @", Field{Kind: KindEmail}, "ten.gmail.com", "@"},
		{"attachment space", Field{Kind: KindAttachment}, "att 1", "tải tệp lên lại"},
		{"attachment 129", Field{Kind: KindAttachment}, strings.Repeat("a", 129), "tối đa 128"},
	}
	for _, tt := range tests {
		got, err := CheckField(tt.field, tt.in, testNow)
		if err == nil {
			t.Errorf("%s: CheckField(%s, %.40q) = %q, nil; want an error", tt.name, tt.field.Kind, tt.in, got)
			continue
		}
		checkInvalid(t, tt.name, err, tt.wantIn)
	}
}

// personForm is a form with two people, the applicant (fields without a
// Person) and a child, each with an ID number, a birth date and a sex.
var personForm = []Field{
	{ID: "name", Kind: KindPersonName, Required: true, Label: Text{VI: "Họ và tên", EN: "Full name"}},
	{ID: "id", Kind: KindPersonalID, Required: true, Label: Text{VI: "Số định danh", EN: "ID number"}},
	{ID: "dob", Kind: KindDate, Role: RoleBirthDate, Label: Text{VI: "Ngày sinh", EN: "Date of birth"}},
	{ID: "sex", Kind: KindSelect, Role: RoleSex, Options: sexOptions, Label: Text{VI: "Giới tính", EN: "Sex"}},
	{ID: "phone", Kind: KindPhone, Label: Text{VI: "Số điện thoại", EN: "Phone number"}},
	{ID: "child_id", Kind: KindPersonalID, Person: "child", Label: Text{VI: "Số định danh của con", EN: "Child's ID number"}},
	{ID: "child_dob", Kind: KindDate, Role: RoleBirthDate, Person: "child", Label: Text{VI: "Ngày sinh của con", EN: "Child's date of birth"}},
	{ID: "child_sex", Kind: KindSelect, Role: RoleSex, Person: "child", Options: sexOptions, Label: Text{VI: "Giới tính của con", EN: "Child's sex"}},
}

// goodAnswers agree with each other: a man born in 1985 in Hà Nội, and a
// daughter born in 2015 in Hồ Chí Minh City.
func goodAnswers() map[string]string {
	return map[string]string{
		"name": " Nguye\u0302\u0303n Văn An ", "id": "0010 8501 2345", "dob": "5/9/1985", "sex": "nam",
		"child_id": "079315000001", "child_dob": "01/06/2015", "child_sex": "nu",
		"extra": "not a question of this form",
	}
}

func TestValidateForm(t *testing.T) {
	clean, problems := ValidateForm(personForm, goodAnswers(), testNow)
	if problems != nil {
		t.Fatalf("ValidateForm(good answers) problems = %v; want nil", problems)
	}
	want := map[string]string{
		"name": "Nguyễn Văn An", "id": "001085012345", "dob": "05/09/1985", "sex": "nam",
		"child_id": "079315000001", "child_dob": "01/06/2015", "child_sex": "nu",
	}
	if len(clean) != len(want) {
		t.Errorf("ValidateForm clean = %q; want %q (no empty phone, no unknown key)", clean, want)
	}
	for k, v := range want {
		if clean[k] != v {
			t.Errorf("ValidateForm clean[%q] = %q; want %q", k, clean[k], v)
		}
	}
}

func TestValidateFormProblems(t *testing.T) {
	tests := []struct {
		name    string
		change  map[string]string
		want    map[string][]string // field → substrings of its VI message
		wantSex bool
	}{
		{"year differs", map[string]string{"dob": "05/09/1986"},
			map[string][]string{"id": {"Năm sinh trong số định danh (1985) khác với ngày sinh đã nhập (1986)"}}, false},
		{"sex differs", map[string]string{"sex": "nu"},
			map[string][]string{"id": {"Chữ số thứ 4 của số định danh (0)", "giới tính nam", "đã chọn là nữ"}}, false},
		{"both differ", map[string]string{"dob": "05/09/1984", "sex": "nu"},
			map[string][]string{"id": {"(1985)", "(1984)", "đã chọn là nữ"}}, false},
		{"the child's sex differs", map[string]string{"child_sex": "nam"},
			map[string][]string{"child_id": {"(3)", "giới tính nữ", "đã chọn là nam"}}, false},
		{"the child's year differs", map[string]string{"child_dob": "01/06/2016"},
			map[string][]string{"child_id": {"(2015)", "(2016)"}}, false},
		{"a bad ID is reported, not compared", map[string]string{"id": "003085012345", "dob": "01/01/2000"},
			map[string][]string{"id": {"(003)"}}, false},
		{"a bad date is reported, not compared", map[string]string{"dob": "31/02/1986"},
			map[string][]string{"dob": {"28 ngày"}}, false},
		{"missing required answers", map[string]string{"name": "", "id": " "},
			map[string][]string{"name": {"Vui lòng nhập họ và tên"}, "id": {"Vui lòng nhập số định danh"}}, false},
		{"several problems", map[string]string{"phone": "0241234567", "child_dob": "30/11/2026"},
			map[string][]string{"phone": {"máy bàn"}, "child_dob": {"sau hôm nay"}}, false},
	}
	for _, tt := range tests {
		answers := goodAnswers()
		for k, v := range tt.change {
			answers[k] = v
		}
		clean, problems := ValidateForm(personForm, answers, testNow)
		if len(problems) != len(tt.want) {
			t.Errorf("%s: ValidateForm problems = %v; want problems for %v", tt.name, problems, keys(tt.want))
		}
		for field, subs := range tt.want {
			msg, ok := problems[field]
			if !ok {
				t.Errorf("%s: no problem for %q in %v", tt.name, field, problems)
				continue
			}
			if msg.VI == "" || msg.EN == "" {
				t.Errorf("%s: problem for %q = %+v; want both languages", tt.name, field, msg)
			}
			for _, s := range subs {
				if !strings.Contains(msg.VI, s) {
					t.Errorf("%s: problem for %q = %q; want it to contain %q", tt.name, field, msg.VI, s)
				}
			}
			if v, ok := clean[field]; ok {
				t.Errorf("%s: clean[%q] = %q; want fields with a problem left out", tt.name, field, v)
			}
		}
	}
}

func keys(m map[string][]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestValidateFormAmbiguousPerson: two ID numbers of no named person
// cannot be matched to one birth date, so the form is not cross-checked
// rather than checked against a guess.
func TestValidateFormAmbiguousPerson(t *testing.T) {
	fields := []Field{
		{ID: "husband_id", Kind: KindPersonalID},
		{ID: "wife_id", Kind: KindPersonalID},
		{ID: "dob", Kind: KindDate, Role: RoleBirthDate},
	}
	answers := map[string]string{"husband_id": "001085012345", "wife_id": "001190012345", "dob": "01/01/1970"}
	clean, problems := ValidateForm(fields, answers, testNow)
	if problems != nil || len(clean) != 3 {
		t.Errorf("ValidateForm(two IDs, one person) = %q, %v; want 3 clean answers and no problems", clean, problems)
	}
}

func TestValidateFormEmpty(t *testing.T) {
	clean, problems := ValidateForm(nil, nil, testNow)
	if clean == nil || len(clean) != 0 || problems != nil {
		t.Errorf("ValidateForm(nil, nil) = %v, %v; want an empty map and nil", clean, problems)
	}
}

// FuzzValidators: no input makes a validator panic, every error is a
// two-language *Invalid, and a normalised answer normalises to itself (so
// the kiosk and the server, checking in turn, agree).
func FuzzValidators(f *testing.F) {
	for _, s := range []string{
		"", "001085012345", "+84 912 345 678", "ten@gmail.com", "31/02/2024", "Nguye\u0302\u0303n",
		"H'Hen Niê", "\xff", "0168 123 4567", "1985-09-05", "Có", "\u202e", "a\u0303\u0303\u0303",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		idem := func(name string, fn func(string) (string, error)) {
			out, err := fn(s)
			if err != nil {
				checkInvalid(t, name, err, "")
				return
			}
			if again, err := fn(out); err != nil || again != out {
				t.Errorf("%s(%q) = %q, but %s(%q) = %q, %v", name, s, out, name, out, again, err)
			}
		}
		idem("NormalizePhone", NormalizePhone)
		idem("NormalizeEmail", NormalizeEmail)
		idem("NormalizeName", NormalizeName)
		idem("ParseDate", func(s string) (string, error) { d, err := ParseDate(s); return FormatDate(d), err })
		idem("ParsePersonalID", func(s string) (string, error) { id, err := ParsePersonalID(s); return id.Number, err })
		for _, kind := range []FieldKind{KindText, KindPersonName, KindPersonalID, KindPhone, KindEmail,
			KindDate, KindSelect, KindAddress, KindNumber, KindYesNo, KindAttachment} {
			idem("CheckField "+string(kind), func(s string) (string, error) {
				return CheckField(Field{Kind: kind, Options: sexOptions}, s, testNow)
			})
		}
		if out, err := NormalizeName(s); err == nil && !norm.NFC.IsNormalString(out) {
			t.Errorf("NormalizeName(%q) = %q, not NFC", s, out)
		}
	})
}
