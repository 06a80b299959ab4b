package kiosk

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// searchCatalog is a small catalog with the near misses search must tell
// apart: three "Đăng ký khai …", two "Trích … địa chính thửa đất", a summary
// that mentions "thường trú" in tạm trú and "kết hôn" in tình trạng hôn nhân.
func searchCatalog() []Procedure {
	p := func(id, code, vi, en, summary string, keywords ...string) Procedure {
		return Procedure{ID: id, Code: code, Name: Text{VI: vi, EN: en}, Summary: Text{VI: summary}, Keywords: keywords}
	}
	return []Procedure{
		p("khai-sinh", "1.001193", "Đăng ký khai sinh", "Birth registration",
			"Đăng ký việc sinh cho trẻ em mới sinh, cấp giấy khai sinh bản chính.",
			"giấy khai sinh", "làm giấy khai sinh cho con"),
		p("ket-hon", "1.000894", "Đăng ký kết hôn", "Marriage registration",
			"Đăng ký kết hôn giữa công dân Việt Nam cư trú trong nước.",
			"giấy đăng ký kết hôn", "cưới"),
		p("khai-tu", "1.000656", "Đăng ký khai tử", "Death registration",
			"Đăng ký việc một người đã chết, cấp trích lục khai tử.",
			"báo tử", "giấy chứng tử"),
		p("trich-luc-ban-do", "1.004269", "Trích lục bản đồ địa chính thửa đất", "Extract of the cadastral map for a land plot",
			"Cung cấp bản trích lục bản đồ địa chính của một thửa đất."),
		p("trich-do", "1.004270", "Trích đo địa chính thửa đất", "Cadastral survey of a land plot",
			"Đo đạc, lập bản trích đo địa chính thửa đất khi chưa có bản đồ địa chính."),
		p("chung-thuc-ban-sao", "2.000815", "Chứng thực bản sao từ bản chính", "Certifying copies against the original",
			"Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền cấp.",
			"công chứng", "sao y"),
		p("thuong-tru", "1.004194", "Đăng ký thường trú", "Permanent residence registration",
			"Đăng ký nơi thường trú cho công dân tại chỗ ở hợp pháp.",
			"nhập hộ khẩu"),
		p("tam-tru", "1.004222", "Đăng ký tạm trú", "Temporary residence registration",
			"Đăng ký tạm trú khi sinh sống ngoài nơi thường trú từ 30 ngày trở lên."),
		p("xac-nhan-hon-nhan", "1.004873", "Xác nhận tình trạng hôn nhân", "Certificate of marital status",
			"Cấp giấy xác nhận tình trạng hôn nhân để đăng ký kết hôn hoặc dùng vào việc khác."),
		p("ho-kinh-doanh", "2.000720", "Đăng ký hộ kinh doanh", "Household business registration",
			"Đăng ký thành lập hộ kinh doanh cá thể.",
			"giấy phép kinh doanh", "mở quán"),
		p("ban-sao-trich-luc", "1.003583", "Cấp bản sao trích lục hộ tịch", "Copies of civil status extracts",
			"Cấp bản sao trích lục khai sinh, kết hôn, khai tử từ sổ hộ tịch."),
		p("can-cuoc", "1.010024", "Cấp thẻ Căn cước", "Issuing an identity card",
			"Cấp thẻ Căn cước cho công dân Việt Nam từ đủ 14 tuổi.",
			"CCCD", "chứng minh nhân dân", "làm căn cước"),
	}
}

func TestSearchFirst(t *testing.T) {
	ix := NewIndex(searchCatalog())
	tests := []struct {
		name, query, want string
	}{
		{"composed", "đăng ký khai sinh", "khai-sinh"},
		{"decomposed", norm.NFD.String("đăng ký khai sinh"), "khai-sinh"},
		{"upper case", "KHAI SINH", "khai-sinh"},
		{"no tones", "dang ky khai sinh", "khai-sinh"},
		{"transposition", "khai sihn", "khai-sinh"},
		{"transposition long word", "thuogn tru", "thuong-tru"},
		{"substitution", "ho kinh doamh", "ho-kinh-doanh"},
		{"insertion", "chung thuuc ban sao", "chung-thuc-ban-sao"},
		{"deletion", "trch luc ban do", "trich-luc-ban-do"},
		{"typo in last word", "dang ky tam trus", "tam-tru"},
		{"map extract", "trich luc ban do", "trich-luc-ban-do"},
		{"survey", "trich do", "trich-do"},
		{"extract by position", "trich luc", "trich-luc-ban-do"},
		{"prefix", "kết h", "ket-hon"},
		{"one-letter prefix", "dang ky k", "khai-sinh"},
		{"prefix of first word", "chu", "chung-thuc-ban-sao"},
		{"upper case no tones", "KET HON", "ket-hon"},
		{"name over summary", "ket hon", "ket-hon"},
		{"permanent residence", "thuong tru", "thuong-tru"},
		{"temporary residence", "tam tru", "tam-tru"},
		{"marital status", "hon nhan", "xac-nhan-hon-nhan"},
		{"symbols", "(khai-sinh)!!", "khai-sinh"},
		{"punctuation and spaces", "  kết,,  hôn?? ", "ket-hon"},
		{"keyword", "cccd", "can-cuoc"},
		{"keyword phrase", "giay khai sinh", "khai-sinh"},
		{"keyword typo", "cong chnug", "chung-thuc-ban-sao"},
		{"code", "1.000894", "ket-hon"},
		{"english", "marriage registration", "ket-hon"},
		{"eth for đ", "ÐĂNG KÝ KẾT HÔN", "ket-hon"},
		{"extra words", "tôi muốn đăng ký kết hôn", "ket-hon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := ix.Search(tt.query, 5)
			if len(hits) == 0 {
				t.Fatalf("Search(%q) = no hits; want %s first", tt.query, tt.want)
			}
			if got := hits[0].Procedure.ID; got != tt.want {
				t.Errorf("Search(%q)[0] = %s; want %s (hits %s)", tt.query, got, tt.want, hitIDs(hits))
			}
		})
	}
}

func TestSearchNoHits(t *testing.T) {
	ix := NewIndex(searchCatalog())
	for _, q := range []string{"", "   ", "\t\n", "!!! ??? ...", "—·—", "qxzw", "xyzzy plugh", "kyy"} {
		if hits := ix.Search(q, 10); hits != nil {
			t.Errorf("Search(%q) = %s; want nil", q, hitIDs(hits))
		}
	}
}

// A typo is only guessed for words of four letters or more: shorter words
// have too many neighbours.
func TestSearchTypoNeedsFourLetters(t *testing.T) {
	ix := NewIndex(searchCatalog())
	for _, q := range []string{"kte", "hnn"} {
		if hits := ix.Search(q, 10); hits != nil {
			t.Errorf("Search(%q) = %s; want nil", q, hitIDs(hits))
		}
	}
}

func TestSearchRanking(t *testing.T) {
	ix := NewIndex(searchCatalog())
	tests := []struct {
		query string
		want  []string // the first hits, in order
	}{
		// All words found beat some words found; name beats summary.
		{"khai sinh", []string{"khai-sinh", "ban-sao-trich-luc", "khai-tu"}},
		{"dang ky khai tu", []string{"khai-tu", "khai-sinh"}},
		{"thuong tru", []string{"thuong-tru", "tam-tru"}},
		{"ket hon", []string{"ket-hon", "xac-nhan-hon-nhan", "ban-sao-trich-luc"}},
		// Equal matches at the same position: the shorter name first.
		{"trich", []string{"trich-do", "trich-luc-ban-do", "ban-sao-trich-luc"}},
	}
	for _, tt := range tests {
		hits := ix.Search(tt.query, len(tt.want))
		if got := hitIDs(hits); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %s; want %s", tt.query, got, tt.want)
		}
	}
}

// A word the catalog knows is not taken for a typo of another: "sinh" is
// one letter from "tình" in "Xác nhận tình trạng hôn nhân".
func TestSearchKnownWordIsNoTypo(t *testing.T) {
	ix := NewIndex(searchCatalog())
	for _, h := range ix.Search("sinh", 0) {
		if h.Procedure.ID == "xac-nhan-hon-nhan" {
			t.Errorf("Search(%q) finds xac-nhan-hon-nhan; want only procedures with the word sinh", "sinh")
		}
	}
}

func TestSearchScoresDescend(t *testing.T) {
	ix := NewIndex(searchCatalog())
	for _, q := range []string{"dang ky", "d", "ban", "khai sihn", "cap"} {
		hits := ix.Search(q, 0)
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("Search(%q): hit %d scores %g > hit %d %g", q, i, hits[i].Score, i-1, hits[i-1].Score)
			}
		}
	}
}

func TestSearchLimit(t *testing.T) {
	ix := NewIndex(searchCatalog())
	all := ix.Search("dang ky", 0)
	if len(all) < 7 {
		t.Fatalf("Search(%q, 0) = %d hits; want every đăng ký procedure", "dang ky", len(all))
	}
	for _, limit := range []int{1, 3, len(all), len(all) + 5, -1} {
		got := ix.Search("dang ky", limit)
		want := all
		if limit > 0 && limit < len(all) {
			want = all[:limit]
		}
		if !slices.Equal(hitIDs(got), hitIDs(want)) {
			t.Errorf("Search(%q, %d) = %s; want %s", "dang ky", limit, hitIDs(got), hitIDs(want))
		}
	}
}

// Equal matches keep catalog order, and the same query gives the same
// answer every time, from a fresh index or a reused one.
func TestSearchDeterministic(t *testing.T) {
	procs := []Procedure{
		{ID: "a", Name: Text{VI: "Cấp giấy phép"}},
		{ID: "b", Name: Text{VI: "Cấp giấy phép"}},
		{ID: "c", Name: Text{VI: "Cấp giấy phép"}},
	}
	ix := NewIndex(procs)
	if got := hitIDs(ix.Search("giay phep", 0)); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Search(%q) = %s; want [a b c]", "giay phep", got)
	}

	cat := searchCatalog()
	queries := []string{"dang ky", "d", "khai sihn", "trich", "cap ban"}
	want := make([][]string, len(queries))
	for i, q := range queries {
		want[i] = hitIDs(NewIndex(cat).Search(q, 0))
	}
	ix = NewIndex(cat)
	for range 3 {
		for i, q := range queries {
			if got := hitIDs(ix.Search(q, 0)); !slices.Equal(got, want[i]) {
				t.Errorf("Search(%q) = %s; want %s as before", q, got, want[i])
			}
		}
	}
}

func TestSearchPointsIntoCatalog(t *testing.T) {
	cat := searchCatalog()
	ix := NewIndex(cat)
	hits := ix.Search("khai sinh", 1)
	if len(hits) != 1 || hits[0].Procedure != &cat[0] {
		t.Errorf("Search(%q)[0].Procedure = %p; want &cat[0] = %p", "khai sinh", hits[0].Procedure, &cat[0])
	}
}

func TestSetBoost(t *testing.T) {
	ix := NewIndex(searchCatalog())
	first := func(q string) string { return ix.Search(q, 1)[0].Procedure.ID }

	if got := first("dang ky"); got != "khai-sinh" {
		t.Errorf("Search(%q)[0] = %s; want khai-sinh before any boost", "dang ky", got)
	}
	ix.SetBoost(map[string]float64{"tam-tru": 120, "ket-hon": 40, "unknown": 1e9, "khai-sinh": -5})
	if got := first("dang ky"); got != "tam-tru" {
		t.Errorf("Search(%q)[0] = %s; want tam-tru, the most used", "dang ky", got)
	}
	// The boost orders equal matches only: the name still wins.
	if got := first("thuong tru"); got != "thuong-tru" {
		t.Errorf("Search(%q)[0] = %s; want thuong-tru despite the boost", "thuong tru", got)
	}
	ix.SetBoost(nil)
	if got := first("dang ky"); got != "khai-sinh" {
		t.Errorf("Search(%q)[0] = %s; want khai-sinh after SetBoost(nil)", "dang ky", got)
	}
}

func TestSearchConcurrent(t *testing.T) {
	ix := NewIndex(searchCatalog())
	want := hitIDs(ix.Search("dang ky khai sinh", 0))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				if g == 0 && i%50 == 0 {
					ix.SetBoost(nil)
				}
				if got := hitIDs(ix.Search("dang ky khai sinh", 0)); !slices.Equal(got, want) {
					t.Errorf("Search concurrently = %s; want %s", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestSearchEmptyIndex(t *testing.T) {
	if hits := NewIndex(nil).Search("khai sinh", 10); hits != nil {
		t.Errorf("NewIndex(nil).Search = %s; want nil", hitIDs(hits))
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"!!!", ""},
		{"khai sinh", "khai sinh"},
		{"Đăng ký khai sinh", "dang ky khai sinh"},
		{norm.NFD.String("Đăng ký khai sinh"), "dang ky khai sinh"},
		{"ĐĂNG KÝ KẾT HÔN", "dang ky ket hon"},
		{"Trích lục bản đồ địa chính", "trich luc ban do dia chinh"},
		{"Nguyễn Thị Ánh Tuyết", "nguyen thi anh tuyet"},
		{"ưởng ợ ỹ", "uong o y"},
		{"  Hello,   World!! ", "hello world"},
		{"khai-sinh\t(bản sao)\n", "khai sinh ban sao"},
		{"1.001193", "1 001193"},
		{"000.00.01.H26-260930-0012", "000 00 01 h26 260930 0012"},
		{"Hà Nội 2025", "ha noi 2025"},
		{"Ðồng Nai", "dong nai"}, // eth from old TCVN3/VNI text
		{"10.000 ₫", "10 000"},
		{"Αθήνα", "αθηνα"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldNFCAndNFDAgree(t *testing.T) {
	for _, s := range []string{"Đăng ký thường trú", "Chứng thực bản sao", "Xác nhận tình trạng hôn nhân", "Ỷ Lan ở Quảng Ngãi"} {
		if nfc, nfd := Fold(norm.NFC.String(s)), Fold(norm.NFD.String(s)); nfc != nfd {
			t.Errorf("Fold(NFC %q) = %q; Fold(NFD) = %q; want equal", s, nfc, nfd)
		}
	}
}

func TestIsTypo(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"sinh", "sihn", true},  // transposition
		{"sinh", "sinj", true},  // substitution
		{"sinh", "sinhh", true}, // insertion
		{"sinh", "snh", true},   // deletion
		{"sinh", "sinh", false}, // equal
		{"sinh", "nish", false}, // two edits
		{"sinh", "sn", false},
		{"thuong", "thuogn", true},
		{"thuong", "htuong", true},
		{"thuong", "huong", true},
		{"thuong", "truong", true},
		{"thuong", "thuonx", true},
		{"thuong", "thoung", true},
		{"thuong", "tuhogn", false},
	}
	for _, tt := range tests {
		if got := isTypo(tt.a, tt.b); got != tt.want {
			t.Errorf("isTypo(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
		if got := isTypo(tt.b, tt.a); got != tt.want {
			t.Errorf("isTypo(%q, %q) = %v; want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func hitIDs(hits []Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Procedure.ID
	}
	return ids
}

func ExampleIndex_Search() {
	ix := NewIndex([]Procedure{
		{ID: "khai-sinh", Name: Text{VI: "Đăng ký khai sinh"}},
		{ID: "ket-hon", Name: Text{VI: "Đăng ký kết hôn"}},
		{ID: "khai-tu", Name: Text{VI: "Đăng ký khai tử"}},
	})
	for _, q := range []string{"KHAI SINH", "kết h", "dang ky khai sihn"} {
		hits := ix.Search(q, 1)
		fmt.Printf("%s → %s\n", q, hits[0].Procedure.Name.VI)
	}
	fmt.Println(len(ix.Search("  ", 10)), "hits for a blank query")
	// Output:
	// KHAI SINH → Đăng ký khai sinh
	// kết h → Đăng ký kết hôn
	// dang ky khai sihn → Đăng ký khai sinh
	// 0 hits for a blank query
}

func ExampleFold() {
	fmt.Println(Fold("  Đăng ký KHAI-SINH!"))
	fmt.Println(Fold("Trích lục bản đồ") == Fold("trich luc ban do"))
	// Output:
	// dang ky khai sinh
	// true
}

// refFold is Fold the slow, obvious way: the tables must agree with it.
func refFold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case isDee(r):
			r = 'd'
		case unicode.Is(unicode.Mn, r):
			continue
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func TestFoldTablesMatchNFD(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		for _, s := range []string{string(r), "a" + string(r) + "b", "x " + string(r) + "\u0301"} {
			if got, want := Fold(s), refFold(s); got != want {
				t.Errorf("Fold(%q) = %q; want %q (U+%04X)", s, got, want, r)
			}
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Đăng ký khai sinh", "  KẾT-HÔN!! ", "Ỷ Lan", "1.001193", "Αθήνα", "ǅemal ǈ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// The normaliser leaves a letter after a broken UTF-8 sequence
		// composed, so refFold would disagree there; Fold still folds it.
		s = strings.ToValidUTF8(s, "\uFFFD")
		got := Fold(s)
		if want := refFold(s); got != want {
			t.Errorf("Fold(%q) = %q; want %q", s, got, want)
		}
		if nfd := Fold(norm.NFD.String(s)); nfd != got {
			t.Errorf("Fold(NFD %q) = %q; want %q like the NFC form", s, nfd, got)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Errorf("Fold(%q) = %q; want single inner spaces only", s, got)
		}
	})
}
