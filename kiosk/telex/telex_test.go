package telex_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/kiosk/kiosk/telex"
)

// convertTests are what a citizen types at the kiosk and what must appear.
// Every expected value was written by hand, in the modern tone placement
// the package documents.
var convertTests = []struct {
	name, in, want string
}{
	// Names, as on a Căn cước card.
	{"full name", "Nguyeenx Vawn Tuaasn", "Nguyễn Văn Tuấn"},
	{"woman's name", "Traanf Thij Thu Hawngf", "Trần Thị Thu Hằng"},
	{"Phạm", "Phamj", "Phạm"},
	{"Lê", "Lee", "Lê"},
	{"Huỳnh, final nh", "Huyfnh Taans Phats", "Huỳnh Tấn Phát"},
	{"Đặng", "DDawngj", "Đặng"},
	{"Ngô Bảo Châu", "Ngoo Baor Chaau", "Ngô Bảo Châu"},
	{"Bùi Thị Xuân", "Buif Thij Xuaan", "Bùi Thị Xuân"},
	{"Đỗ Văn Khoa", "DDoox Vawn Khoa", "Đỗ Văn Khoa"},
	{"Võ Thị Tuyết Mai", "Vox Thij Tuyeets Mai", "Võ Thị Tuyết Mai"},
	{"Thuỳ, new style", "Thuyf Linh", "Thuỳ Linh"},
	{"Hoà Bình", "Hoaf Bifnh", "Hoà Bình"},
	{"Thuận", "Thuaanj", "Thuận"},
	{"Dương", "Duwowng", "Dương"},
	{"Quyền", "Quyeenf", "Quyền"},

	// Places.
	{"Hồ Chí Minh", "Hoof Chis Minh", "Hồ Chí Minh"},
	{"Đà Nẵng", "DDaf Nawngx", "Đà Nẵng"},
	{"Hà Nội", "Haf Nooij", "Hà Nội"},
	{"Thừa Thiên Huế", "Thuwaf Thieen Huees", "Thừa Thiên Huế"},
	{"Cần Thơ", "Caanf Thow", "Cần Thơ"},
	{"Hải Phòng", "Hair Phongf", "Hải Phòng"},
	{"Quảng Ninh", "Quangr Ninh", "Quảng Ninh"},
	{"Sài Gòn", "Saif Gofn", "Sài Gòn"},
	{"Đắk Lắk, final k", "Ddawsk Lawsk", "Đắk Lắk"},
	{"Krông Pắc, initial kr", "Kroong Pawsc", "Krông Pắc"},
	{"street address", "Soos 12, dduwowngf Lee Lowij.", "Số 12, đường Lê Lợi."},
	{"street name", "Dduwowngf Traanf Hungw Ddaoj", "Đường Trần Hưng Đạo"},
	{"ward", "phuwowngf Beens Nghes", "phường Bến Nghé"},
	{"commune, district", "xax Taan Phus, huyeenj Cur Chi", "xã Tân Phú, huyện Củ Chi"},
	{"Việt Nam", "Vieetj Nam", "Việt Nam"},

	// Words on the forms.
	{"đường", "dduwowngf", "đường"},
	{"Căn cước", "Cawn cuwowcs", "Căn cước"},
	{"họ tên", "hoj teen", "họ tên"},
	{"ngày sinh", "ngayf sinh", "ngày sinh"},
	{"địa chỉ", "ddiaj chir", "địa chỉ"},
	{"số điện thoại", "soos ddieenj thoaij", "số điện thoại"},
	{"quê quán", "quee quasn", "quê quán"},
	{"giới tính", "gioiws tinhs", "giới tính"},
	{"người khai", "Nguwowif khai", "Người khai"},
	{"tiếng Việt", "tieengs Vieetj", "tiếng Việt"},
	{"không", "khoong", "không"},
	{"được", "dduwowcj", "được"},
	{"giường, gi and ươ", "giuwowngf", "giường"},
	{"cửa", "cuwar", "cửa"},
	{"cứu, ưu", "cuwus", "cứu"},
	{"mưa, w after ua", "muaw", "mưa"},
	{"xoăn, w after oa", "xoawn", "xoăn"},
	{"yêu", "yeeu", "yêu"},

	// Tone placement, modern style.
	{"hoà, no final", "hoaf", "hoà"},
	{"khoẻ", "khoer", "khoẻ"},
	{"thuý", "thuys", "thuý"},
	{"hoàn, final", "hoanf", "hoàn"},
	{"toán", "toans", "toán"},
	{"thuyết", "thuyeets", "thuyết"},
	{"ngoài, middle of three", "ngoaif", "ngoài"},
	{"xoáy", "xoays", "xoáy"},
	{"khuỷu", "khuyru", "khuỷu"},
	{"của, first of ua", "cuar", "của"},
	{"mía, first of ia", "mias", "mía"},
	{"muốn, on ô", "muoons", "muốn"},
	{"thuở, uơ ends a word", "thuowr", "thuở"},
	{"tone typed after the final", "Tuaans", "Tuấn"},
	{"tone typed before the final", "Vieejt", "Việt"},
	{"tone moves when the final comes", "hoafn", "hoàn"},
	{"mark typed after the final", "Nguyenex", "Nguyễn"},

	// qu and gi are consonants before a vowel.
	{"quý", "quys", "quý"},
	{"quà", "quaf", "quà"},
	{"giá", "gias", "giá"},
	{"giữ", "giuwx", "giữ"},
	{"gì, gi alone", "gif", "gì"},
	{"gìn", "gifn", "gìn"},

	// ươ from either spelling.
	{"uow", "uow", "ươ"},
	{"người, uow", "nguowif", "người"},
	{"đường, uow", "dduowngf", "đường"},
	{"đời", "ddowif", "đời"},

	// The same key twice undoes and types the letter.
	{"tone undone", "tass", "tas"},
	{"tone undone, then a letter", "tasss", "tass"},
	{"circumflex undone", "aaa", "aa"},
	{"ê undone", "eee", "ee"},
	{"ô undone", "ooo", "oo"},
	{"breve undone", "aww", "aw"},
	{"horn undone", "oww", "ow"},
	{"ư undone", "uww", "uw"},
	{"đ undone", "ddd", "dd"},

	// z removes the tone, and is a z otherwise.
	{"z removes sắc", "tasz", "ta"},
	{"z removes huyền", "tafz", "ta"},
	{"z keeps marks", "Hueesz", "Huê"},
	{"z with no tone", "z", "z"},

	// Capitals keep their case.
	{"capital Đ", "DDaf Nawngx", "Đà Nẵng"},
	{"Dd", "Dd", "Đ"},
	{"DD", "DD", "Đ"},
	{"all capitals", "NGUYEENX VAWN", "NGUYỄN VĂN"},
	{"capital vowel", "AAnh", "Ânh"},

	// Keys that cannot apply are letters.
	{"s alone", "s", "s"},
	{"tone on consonants", "ngs", "ngs"},
	{"no huyền after c", "cacf", "cacf"},
	{"sắc after c", "casc", "các"},
	{"w after e", "ew", "ew"},
	{"w alone", "www", "www"},
	{"oâ is not Vietnamese", "oaa", "oaa"},

	// Foreign words pass through.
	{"Chris", "Chris", "Chris"},
	{"Smith", "Smith", "Smith"},
	{"Jose", "Jose", "Jose"},
	{"Johnson", "Johnson", "Johnson"},
	{"e-mail", "an.nguyen@mail.vn", "an.nguyen@mail.vn"},
	{"digits", "12/03/1985", "12/03/1985"},
	{"empty", "", ""},

	// Already Vietnamese text stays as it is, in NFC.
	{"Vietnamese in", "Nguyễn Văn Tuấn", "Nguyễn Văn Tuấn"},
	{"decomposed in", norm.NFD.String("Đà Nẵng"), "Đà Nẵng"},
}

func TestConvert(t *testing.T) {
	for _, tt := range convertTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := telex.Convert(tt.in); got != tt.want {
				t.Errorf("Convert(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// The keyboard feeds Type one key at a time; it must agree with Convert.
func TestTypeKeyByKeyMatchesConvert(t *testing.T) {
	for _, tt := range convertTests {
		got := ""
		for _, r := range norm.NFC.String(tt.in) {
			got = telex.Type(got, r)
		}
		if got != tt.want {
			t.Errorf("typing %q key by key = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestType(t *testing.T) {
	tests := []struct {
		text string
		key  rune
		want string
	}{
		{"Nguyên", 'x', "Nguyễn"},
		{"tas", 's', "tass"},
		{"Nguyeen", 'x', "Nguyễn"},
		{"ta", 's', "tá"},
		{"tá", 's', "tas"},
		{"tá", 'z', "ta"},
		{"", 's', "s"},
		{"", 'a', "a"},
		{"hoà", 'n', "hoàn"},
		{"d", 'd', "đ"},
		{"D", 'D', "Đ"},
		{"đ", 'd', "dd"},
		{"dươ", 'n', "dươn"},
		{"thuở", 'n', "thưởn"},
		{"đưo", 'w', "đươ"},
		{"Số 12 Le", 'e', "Số 12 Lê"},
		{"Hà Nooi", 'j', "Hà Nội"},
		{"Lê,", 'a', "Lê,a"},
		{"Lê", ' ', "Lê "},
		{"12", '3', "123"},
		{"José", 's', "Josés"},
	}
	for _, tt := range tests {
		if got := telex.Type(tt.text, tt.key); got != tt.want {
			t.Errorf("Type(%q, %q) = %q; want %q", tt.text, tt.key, got, tt.want)
		}
	}
}

func TestApplyTone(t *testing.T) {
	tests := []struct {
		text string
		tone telex.Tone
		want string
	}{
		{"a", telex.Sac, "á"},
		{"a", telex.Huyen, "à"},
		{"a", telex.Hoi, "ả"},
		{"a", telex.Nga, "ã"},
		{"a", telex.Nang, "ạ"},
		{"á", telex.None, "a"},
		{"hoa", telex.Huyen, "hoà"},
		{"Nguyên", telex.Nga, "Nguyễn"},
		{"Tuấn", telex.Hoi, "Tuẩn"},
		{"người", telex.None, "ngươi"},
		{"Nguyễn Văn Tuân", telex.Sac, "Nguyễn Văn Tuấn"},
		{"Tuấn", telex.Sac, "Tuấn"}, // the palette sets, it does not toggle
		{"ng", telex.Sac, "ng"},
		{"", telex.Sac, ""},
		{"Lê ", telex.Sac, "Lê "},
		{"Chris", telex.Sac, "Chris"},
		{"a", telex.Tone(9), "a"},
	}
	for _, tt := range tests {
		if got := telex.ApplyTone(tt.text, tt.tone); got != tt.want {
			t.Errorf("ApplyTone(%q, %v) = %q; want %q", tt.text, tt.tone, got, tt.want)
		}
	}
}

func TestApplyMark(t *testing.T) {
	tests := []struct {
		text string
		mark telex.Mark
		want string
	}{
		{"a", telex.Circumflex, "â"},
		{"â", telex.Circumflex, "a"},
		{"Nguyen", telex.Circumflex, "Nguyên"},
		{"tuan", telex.Circumflex, "tuân"},
		{"Van", telex.Breve, "Văn"},
		{"â", telex.Breve, "ă"},
		{"ă", telex.Breve, "a"},
		{"duong", telex.Horn, "dương"},
		{"dương", telex.Horn, "duong"},
		{"mua", telex.Horn, "mưa"},
		{"dương", telex.Stroke, "đương"},
		{"Đà", telex.Stroke, "Dà"},
		{"người", telex.NoMark, "nguòi"},
		{"ba", telex.Stroke, "ba"},
		{"ti", telex.Circumflex, "ti"},
		{"", telex.Horn, ""},
	}
	for _, tt := range tests {
		if got := telex.ApplyMark(tt.text, tt.mark); got != tt.want {
			t.Errorf("ApplyMark(%q, %v) = %q; want %q", tt.text, tt.mark, got, tt.want)
		}
	}
}

// checkOutput fails unless out is valid UTF-8 in NFC, as the kiosk stores
// and searches text.
func checkOutput(t *testing.T, what, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q: not valid UTF-8", what, in, out)
	}
	if !norm.NFC.IsNormalString(out) {
		t.Fatalf("%s(%q) = %q: not NFC", what, in, out)
	}
}

func FuzzConvert(f *testing.F) {
	for _, tt := range convertTests {
		f.Add(tt.in)
	}
	f.Add("a\u0301\u0323s\xff dd\u0308w")
	f.Add("0AAAAAAAX") // a foreign word stays as typed when a tone key comes
	f.Add("taaas Nguyeeenx")
	f.Fuzz(func(t *testing.T, in string) {
		out := telex.Convert(in)
		checkOutput(t, "Convert", in, out)
		// Each key adds at most one letter, so Telex never makes text longer.
		if isASCII(in) && utf8.RuneCountInString(out) > len(in) {
			t.Errorf("Convert(%q) = %q: longer than what was typed", in, out)
		}
		// Typing key by key, as the keyboard does, gives the same text.
		// (Quadratic, so only for inputs of a typed length.)
		if len(in) > 200 {
			return
		}
		typed := ""
		for _, r := range norm.NFC.String(strings.ToValidUTF8(in, "\uFFFD")) {
			typed = telex.Type(typed, r)
		}
		if typed != out {
			t.Errorf("typing %q key by key = %q; Convert = %q", in, typed, out)
		}
	})
}

func FuzzType(f *testing.F) {
	f.Add("Nguyeen", 'x')
	f.Add("tá", 's')
	f.Add("ươ", 'w')
	f.Add("\xff", 'a')
	f.Fuzz(func(t *testing.T, text string, r rune) {
		checkOutput(t, "Type", text, telex.Type(text, r))
		for tone := telex.None; tone <= telex.Nang; tone++ {
			checkOutput(t, "ApplyTone", text, telex.ApplyTone(text, tone))
		}
		for mark := telex.NoMark; mark <= telex.Stroke; mark++ {
			checkOutput(t, "ApplyMark", text, telex.ApplyMark(text, mark))
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

var sink string

func BenchmarkConvert(b *testing.B) {
	in := strings.Repeat("Nguyeenx Vawn Tuaasn, soos 12 dduwowngf Lee Lowij, phuwowngf Beens Nghes. ", 10)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		sink = telex.Convert(in)
	}
}

// BenchmarkType is one key press on the keyboard: the cost must be far
// below a frame.
func BenchmarkType(b *testing.B) {
	for b.Loop() {
		sink = telex.Type("Số 12, đường Nguyeen", 'x')
	}
}
