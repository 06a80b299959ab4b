package kiosk

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchSize is a large provincial catalog, bigger than any real one.
const benchSize = 5000

// Words for generated procedures: real Vietnamese administrative phrases,
// with their tones, combined at random.
var (
	benchActions = []string{
		"Đăng ký", "Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Thu hồi",
		"Xác nhận", "Trích lục", "Chứng thực", "Thay đổi", "Công nhận", "Thẩm định",
		"Phê duyệt", "Đính chính", "Hủy bỏ", "Bổ sung", "Chuyển nhượng", "Tách thửa",
		"Giải quyết", "Hỗ trợ", "Miễn giảm", "Đăng ký biến động",
	}
	benchObjects = []string{
		"khai sinh", "kết hôn", "khai tử", "giám hộ", "nhận cha mẹ con", "thường trú",
		"tạm trú", "hộ kinh doanh", "giấy phép xây dựng", "quyền sử dụng đất",
		"bản đồ địa chính", "giấy chứng nhận quyền sử dụng đất", "giấy phép lái xe",
		"biển số xe", "chứng chỉ hành nghề", "giấy phép bán lẻ rượu", "an toàn thực phẩm",
		"hợp đồng lao động", "trợ cấp xã hội", "bảo hiểm y tế", "học bổng", "văn bằng",
		"di chúc", "thừa kế", "nuôi con nuôi", "thẻ Căn cước", "hộ chiếu",
		"phòng cháy chữa cháy", "đánh giá tác động môi trường", "khai thác khoáng sản",
		"nước sạch nông thôn", "công trình thủy lợi", "giống cây trồng", "kiểm dịch thú y",
		"nghĩa vụ quân sự", "người có công với cách mạng", "hộ nghèo", "lý lịch tư pháp",
		"quốc tịch Việt Nam", "tình trạng hôn nhân", "cơ sở giáo dục mầm non",
		"trang trại", "tàu cá", "di tích lịch sử", "biển quảng cáo",
	}
	benchQualifiers = []string{
		"", "", "", "lần đầu", "có yếu tố nước ngoài", "cho người nước ngoài",
		"tại cấp xã", "tại cấp tỉnh", "trực tuyến", "trong trường hợp bị mất",
		"do hư hỏng", "cho doanh nghiệp", "cho cá nhân", "đối với tổ chức",
		"đã có hồ sơ gốc", "quá hạn", "lưu động",
	}
	benchSummaryWords = strings.Fields(`công dân cơ quan hồ sơ giấy tờ thủ tục nộp trực tiếp
		bộ phận một cửa ủy ban nhân dân xã phường tỉnh thành phố người yêu cầu giải
		quyết thời hạn ngày làm việc kể từ khi nhận đủ hợp lệ bản sao bản chính xuất
		trình kèm theo trường hợp theo quy định pháp luật văn bản đề nghị cấp tờ khai
		mẫu lệ phí miễn được của và cho tại với để các những một có không đất nhà ở
		doanh nghiệp cá nhân tổ chức gia đình trẻ em người cao tuổi khuyết tật chứng
		minh thông tin cơ sở dữ liệu quốc gia dân cư định danh điện tử kết quả trả
		bưu chính công ích thanh toán chuyển khoản biên lai`)
	benchKeywords = []string{
		"giấy khai sinh", "sổ đỏ", "sổ hồng", "hộ khẩu", "CCCD", "bằng lái",
		"giấy phép", "công chứng", "sao y", "mở quán", "xây nhà", "làm nhà",
	}
)

// benchCatalog generates n procedures, the same for every run.
func benchCatalog(n int) []Procedure {
	r := rand.New(rand.NewPCG(2025, 7))
	pick := func(words []string) string { return words[r.IntN(len(words))] }
	procs := make([]Procedure, n)
	for i := range procs {
		name := strings.TrimSpace(pick(benchActions) + " " + pick(benchObjects) + " " + pick(benchQualifiers))
		summary := make([]string, 12+r.IntN(20))
		for j := range summary {
			summary[j] = pick(benchSummaryWords)
		}
		var keywords []string
		for range r.IntN(3) {
			keywords = append(keywords, pick(benchKeywords))
		}
		procs[i] = Procedure{
			ID:       fmt.Sprintf("p%04d", i),
			Code:     fmt.Sprintf("1.%06d", 1000+i),
			Name:     Text{VI: name},
			Summary:  Text{VI: strings.Join(summary, " ") + "."},
			Keywords: keywords,
		}
	}
	return procs
}

// benchQueries is the query mix, by kind of query a citizen types.
var benchQueries = []struct {
	kind    string
	queries []string
}{
	{"exact", []string{"đăng ký khai sinh", "giấy phép xây dựng", "cấp lại hộ chiếu", "chứng thực văn bằng"}},
	{"nodiacritics", []string{"dang ky khai sinh", "quyen su dung dat", "ly lich tu phap", "KET HON"}},
	{"prefix", []string{"kết h", "giay phep x", "dang ky t", "ho chi"}},
	{"typo", []string{"khai sihn", "giay phpe xay dung", "thuogn tru", "quoc tihc viet nam"}},
}

func BenchmarkNewIndex(b *testing.B) {
	procs := benchCatalog(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(procs)
	}
}

func BenchmarkSearch(b *testing.B) {
	ix := NewIndex(benchCatalog(benchSize))
	var mix []string
	for _, k := range benchQueries {
		mix = append(mix, k.queries...)
		b.Run(k.kind, func(b *testing.B) { benchSearch(b, ix, k.queries) })
	}
	b.Run("mix", func(b *testing.B) { benchSearch(b, ix, mix) })
}

// benchSearch runs the queries round robin, timing each search on its own
// to report the median and 99th percentile besides the mean.
func benchSearch(b *testing.B, ix *Index, queries []string) {
	took := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		if len(ix.Search(queries[i%len(queries)], 10)) == 0 {
			b.Fatalf("Search(%q) = no hits", queries[i%len(queries)])
		}
		took[i] = time.Since(start)
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Microsecond), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100])/float64(time.Microsecond), "p99-µs")
}

// TestBenchCatalogFindsItsProcedures checks that the generated catalog is a
// fair test: the benchmark queries find what they should in it.
func TestBenchCatalogFindsItsProcedures(t *testing.T) {
	procs := benchCatalog(benchSize)
	ix := NewIndex(procs)
	for _, tt := range []struct{ query, wantName string }{
		{"dang ky khai sinh", "dang ky khai sinh"},
		{"khai sihn", "khai sinh"},
		{"kết h", "ket h"},
		{"giay phpe xay dung", "giay phep xay dung"},
	} {
		hits := ix.Search(tt.query, 1)
		if len(hits) == 0 || !strings.Contains(Fold(hits[0].Procedure.Name.VI), tt.wantName) {
			t.Errorf("Search(%q)[0] = %v; want a name with %q", tt.query, hitIDs(hits), tt.wantName)
		}
	}
}
