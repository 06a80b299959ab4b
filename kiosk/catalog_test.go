package kiosk_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
)

func sampleCatalog(t *testing.T) *kiosk.Catalog {
	t.Helper()
	c, err := kiosk.ParseCatalog(assets.SampleCatalog())
	if err != nil {
		t.Fatalf("ParseCatalog(sample) error = %v", err)
	}
	return c
}

func TestSampleCatalogCoverage(t *testing.T) {
	c := sampleCatalog(t)
	if got := len(c.Procedures); got < 30 {
		t.Errorf("sample catalog has %d procedures; want at least 30", got)
	}

	// Every declared sector has procedures, so no home-screen tile is empty.
	perSector := map[string]int{}
	for _, p := range c.Procedures {
		perSector[p.Sector]++
	}
	for _, s := range c.Sectors {
		if perSector[s.ID] == 0 {
			t.Errorf("sector %q has no procedures", s.ID)
		}
	}
	for _, want := range []string{"ho-tich", "chung-thuc", "dat-dai", "cu-tru", "kinh-doanh", "xay-dung", "bao-tro-xa-hoi", "giao-duc", "ly-lich-tu-phap"} {
		if _, ok := c.Sector(want); !ok {
			t.Errorf("Sector(%q) not found; the sample must cover it", want)
		}
	}

	// The sample exercises every field kind, so every validator and every
	// input screen meets real data.
	kinds := map[kiosk.FieldKind]bool{}
	for _, p := range c.Procedures {
		for _, f := range p.Form {
			kinds[f.Kind] = true
		}
	}
	for _, k := range []kiosk.FieldKind{
		kiosk.KindText, kiosk.KindPersonName, kiosk.KindPersonalID, kiosk.KindPhone, kiosk.KindEmail,
		kiosk.KindDate, kiosk.KindSelect, kiosk.KindAddress, kiosk.KindNumber, kiosk.KindYesNo, kiosk.KindAttachment,
	} {
		if !kinds[k] {
			t.Errorf("no field of kind %q in the sample catalog", k)
		}
	}
}

// TestSampleCatalogPersons checks that the sample lets the kiosk compare an
// ID number with the same person's birth date and sex.
func TestSampleCatalogPersons(t *testing.T) {
	c := sampleCatalog(t)
	complete := 0
	for i := range c.Procedures {
		complete += checkablePersons(&c.Procedures[i])
	}
	if complete < 10 {
		t.Errorf("%d persons in the sample have an ID number, birth date and sex; want at least 10", complete)
	}

	p, ok := c.Procedure("dang-ky-khai-sinh")
	if !ok {
		t.Fatal(`Procedure("dang-ky-khai-sinh") not found`)
	}
	roles := map[string]kiosk.Role{}
	for _, f := range p.Form {
		if f.Person == "child" && f.Role != "" {
			roles[f.ID] = f.Role
		}
	}
	if roles["child_dob"] != kiosk.RoleBirthDate || roles["child_sex"] != kiosk.RoleSex {
		t.Errorf("dang-ky-khai-sinh child roles = %v; want child_dob birth_date and child_sex sex", roles)
	}
}

// checkablePersons counts the persons of a form whose ID number can be
// checked against both their birth date and their sex.
func checkablePersons(p *kiosk.Procedure) int {
	has := map[string]map[string]bool{}
	for _, f := range p.Form {
		if f.Person == "" {
			continue
		}
		if has[f.Person] == nil {
			has[f.Person] = map[string]bool{}
		}
		has[f.Person][string(f.Kind)] = true
		has[f.Person][string(f.Role)] = true
	}
	n := 0
	for _, h := range has {
		if h[string(kiosk.KindPersonalID)] && h[string(kiosk.RoleBirthDate)] && h[string(kiosk.RoleSex)] {
			n++
		}
	}
	return n
}

// bilingual lists every text of a procedure with where it is, so one test
// checks them all.
func bilingual(p *kiosk.Procedure) map[string]kiosk.Text {
	texts := map[string]kiosk.Text{
		"name": p.Name, "summary": p.Summary, "who": p.Who, "agency": p.Agency,
	}
	if !p.Fee.Note.IsZero() {
		texts["fee note"] = p.Fee.Note
	}
	for i, d := range p.Docs {
		texts[fmt.Sprintf("document %d", i+1)] = d.Name
		if !d.Note.IsZero() {
			texts[fmt.Sprintf("document %d note", i+1)] = d.Note
		}
	}
	for _, f := range p.Form {
		texts["field "+f.ID] = f.Label
		if !f.Help.IsZero() {
			texts["field "+f.ID+" help"] = f.Help
		}
		for _, o := range f.Options {
			texts["field "+f.ID+" option "+o.Value] = o.Label
		}
	}
	return texts
}

func TestSampleCatalogText(t *testing.T) {
	c := sampleCatalog(t)
	for i := range c.Procedures {
		p := &c.Procedures[i]
		for where, text := range bilingual(p) {
			if strings.TrimSpace(text.VI) == "" || strings.TrimSpace(text.EN) == "" {
				t.Errorf("procedure %q: %s = %+v; want Vietnamese and English", p.ID, where, text)
			}
			if !norm.NFC.IsNormalString(text.VI) {
				t.Errorf("procedure %q: %s Vietnamese %q is not NFC", p.ID, where, text.VI)
			}
			// English that is a copy of the Vietnamese is an untranslated
			// string, except for proper names like ethnic groups.
			if text.VI == text.EN && !strings.Contains(where, "option") {
				t.Errorf("procedure %q: %s English is the Vietnamese text %q", p.ID, where, text.VI)
			}
		}
		if len(p.Keywords) == 0 {
			t.Errorf("procedure %q has no keywords; want everyday words people say", p.ID)
		}
		// Help text on most fields: a first-time user needs it.
		helped := 0
		for _, f := range p.Form {
			if !f.Help.IsZero() {
				helped++
			}
		}
		if helped*3 < len(p.Form) {
			t.Errorf("procedure %q: %d of %d fields have help; want at least a third", p.ID, helped, len(p.Form))
		}
	}
}

func TestSampleCatalogFacts(t *testing.T) {
	c := sampleCatalog(t)
	tests := []struct {
		id, code string
		fee      kiosk.FeeKind
	}{
		{"dang-ky-khai-sinh", "1.001193", kiosk.FeeFree},
		{"dang-ky-ket-hon", "1.000894", kiosk.FeeFree},
		{"dang-ky-khai-tu", "1.000656", kiosk.FeeFree},
		{"xac-nhan-tinh-trang-hon-nhan", "1.004873", kiosk.FeeFixed},
		{"cap-ban-sao-trich-luc-ho-tich", "2.000635", kiosk.FeePerCopy},
		{"chung-thuc-ban-sao", "2.000815", kiosk.FeePerPage},
		{"chung-thuc-chu-ky", "2.000884", kiosk.FeeFixed},
		{"dang-ky-thuong-tru", "1.004222", kiosk.FeeFixed},
		{"dang-ky-tam-tru", "1.004194", kiosk.FeeFixed},
		{"khai-bao-tam-vang", "1.003677", kiosk.FeeFree},
	}
	for _, tt := range tests {
		p, ok := c.Procedure(tt.id)
		if !ok {
			t.Errorf("Procedure(%q) not found", tt.id)
			continue
		}
		if p.Code != tt.code || p.Fee.Kind != tt.fee {
			t.Errorf("Procedure(%q) code %q fee %q; want %q and %q", tt.id, p.Code, p.Fee.Kind, tt.code, tt.fee)
		}
	}

	// Chứng thực bản sao: 2.000 đ a page, 1.000 đ from page 3, at most
	// 200.000 đ a copy (Thông tư 226/2016/TT-BTC).
	p, _ := c.Procedure("chung-thuc-ban-sao")
	want := kiosk.FeeRule{Kind: kiosk.FeePerPage, Amount: 2000, Max: 200000, ReducedFrom: 3, ReducedAmount: 1000}
	got := p.Fee
	got.Note = kiosk.Text{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("chung-thuc-ban-sao fee = %+v; want %+v", got, want)
	}
}

func TestCatalogLookups(t *testing.T) {
	c := sampleCatalog(t)
	if _, ok := c.Procedure("khong-co"); ok {
		t.Error(`Procedure("khong-co") found; want not found`)
	}
	if s, ok := c.Sector("ho-tich"); !ok || s.Name.EN != "Civil status" {
		t.Errorf(`Sector("ho-tich") = %+v, %v; want Civil status`, s, ok)
	}
	if _, ok := c.Sector("khong-co"); ok {
		t.Error(`Sector("khong-co") found; want not found`)
	}
	if l, ok := c.Level("xa"); !ok || l.Name.VI != "Cấp xã" {
		t.Errorf(`Level("xa") = %+v, %v; want Cấp xã`, l, ok)
	}
	if _, ok := c.Level("khong-co"); ok {
		t.Error(`Level("khong-co") found; want not found`)
	}
}

func TestBySector(t *testing.T) {
	c := sampleCatalog(t)
	groups := c.BySector()
	var order []string
	seen := map[string]int{}
	for _, g := range groups {
		order = append(order, g.Sector.ID)
		for _, p := range g.Procedures {
			if p.Sector != g.Sector.ID {
				t.Errorf("procedure %q of sector %q is in group %q", p.ID, p.Sector, g.Sector.ID)
			}
			seen[p.ID]++
		}
	}
	var declared []string
	for _, s := range c.Sectors {
		declared = append(declared, s.ID)
	}
	if !slices.Equal(order, declared) {
		t.Errorf("BySector() order = %v; want the declared order %v", order, declared)
	}
	for _, p := range c.Procedures {
		if seen[p.ID] != 1 {
			t.Errorf("procedure %q appears %d times in BySector(); want once", p.ID, seen[p.ID])
		}
	}

	// Sectors without procedures are left out; procedures keep catalog order.
	small := &kiosk.Catalog{
		Sectors: []kiosk.Sector{{ID: "a"}, {ID: "empty"}, {ID: "b"}},
		Procedures: []kiosk.Procedure{
			{ID: "b1", Sector: "b"}, {ID: "a1", Sector: "a"}, {ID: "b2", Sector: "b"},
		},
	}
	var got []string
	for _, g := range small.BySector() {
		ids := []string{}
		for _, p := range g.Procedures {
			ids = append(ids, p.ID)
		}
		got = append(got, g.Sector.ID+":"+strings.Join(ids, ","))
	}
	if want := []string{"a:a1", "b:b1,b2"}; !slices.Equal(got, want) {
		t.Errorf("BySector() = %v; want %v", got, want)
	}
}

// validCatalog is the smallest catalog that passes Validate; each broken
// case changes one thing in it.
func validCatalog() *kiosk.Catalog {
	tx := func(vi, en string) kiosk.Text { return kiosk.Text{VI: vi, EN: en} }
	return &kiosk.Catalog{
		Version: "test",
		Sectors: []kiosk.Sector{{ID: "ho-tich", Name: tx("Hộ tịch", "Civil status")}},
		Levels:  []kiosk.Level{{ID: "xa", Name: tx("Cấp xã", "Commune")}},
		Procedures: []kiosk.Procedure{{
			ID: "dang-ky-khai-sinh", Code: "1.001193",
			Name: tx("Đăng ký khai sinh", "Birth registration"), Summary: tx("Tóm tắt", "Summary"),
			Who: tx("Cha, mẹ", "Parents"), Agency: tx("UBND cấp xã", "Commune People's Committee"),
			Sector: "ho-tich", Level: "xa",
			Time: kiosk.ProcessingTime{SameDay: true},
			Fee:  kiosk.FeeRule{Kind: kiosk.FeeFree},
			Docs: []kiosk.Document{{Name: tx("Giấy chứng sinh", "Birth notice"), Original: true}},
			Form: []kiosk.Field{
				{ID: "child_name", Kind: kiosk.KindPersonName, Label: tx("Họ và tên", "Full name"), Required: true, Person: "child"},
				{ID: "child_dob", Kind: kiosk.KindDate, Label: tx("Ngày sinh", "Date of birth"), Role: kiosk.RoleBirthDate, Person: "child"},
				{ID: "child_sex", Kind: kiosk.KindSelect, Label: tx("Giới tính", "Sex"), Role: kiosk.RoleSex, Person: "child",
					Options: []kiosk.Option{{Value: "nam", Label: tx("Nam", "Male")}, {Value: "nu", Label: tx("Nữ", "Female")}}},
				{ID: "applicant_id", Kind: kiosk.KindPersonalID, Label: tx("Số định danh", "ID number"), Person: "applicant"},
			},
		}},
	}
}

func TestValidateValid(t *testing.T) {
	if err := validCatalog().Validate(); err != nil {
		t.Fatalf("Validate(valid catalog) = %v; want nil", err)
	}
}

func TestValidateBroken(t *testing.T) {
	const pid = `procedure "dang-ky-khai-sinh"`
	field := func(c *kiosk.Catalog, id string) *kiosk.Field {
		p := &c.Procedures[0]
		for i := range p.Form {
			if p.Form[i].ID == id {
				return &p.Form[i]
			}
		}
		panic("no field " + id)
	}
	tests := []struct {
		name   string
		break_ func(c *kiosk.Catalog)
		want   []string // all must appear in one problem's message
	}{
		{"unknown kind", func(c *kiosk.Catalog) { field(c, "child_dob").Kind = "dat" },
			[]string{pid, `field "child_dob"`, `unknown kind "dat"`}},
		{"duplicate field", func(c *kiosk.Catalog) { field(c, "child_sex").ID = "child_dob" },
			[]string{pid, `field "child_dob"`, "duplicate field id"}},
		{"bad field id", func(c *kiosk.Catalog) { field(c, "child_name").ID = "Child Name" },
			[]string{pid, "field 1", `"Child Name"`}},
		{"missing English label", func(c *kiosk.Catalog) { field(c, "child_name").Label.EN = "" },
			[]string{pid, `field "child_name"`, "label", "missing English"}},
		{"missing Vietnamese help", func(c *kiosk.Catalog) { field(c, "child_name").Help = kiosk.Text{EN: "As on the ID card"} },
			[]string{pid, `field "child_name"`, "help", "missing Vietnamese"}},
		{"decomposed Vietnamese", func(c *kiosk.Catalog) { field(c, "child_name").Label.VI = norm.NFD.String("Họ và tên") },
			[]string{pid, `field "child_name"`, "NFC"}},
		{"sex with wrong values", func(c *kiosk.Catalog) { field(c, "child_sex").Options[1].Value = "nữ" },
			[]string{pid, `field "child_sex"`, `role "sex"`, `"nam"`, `"nu"`}},
		{"sex not a select", func(c *kiosk.Catalog) { f := field(c, "child_sex"); f.Kind = kiosk.KindText; f.Options = nil },
			[]string{pid, `field "child_sex"`, `role "sex"`}},
		{"birth date not a date", func(c *kiosk.Catalog) { field(c, "child_dob").Kind = kiosk.KindText },
			[]string{pid, `field "child_dob"`, `role "birth_date" needs kind "date"`}},
		{"role without person", func(c *kiosk.Catalog) { field(c, "child_dob").Person = "" },
			[]string{pid, `field "child_dob"`, "person is not"}},
		{"unknown role", func(c *kiosk.Catalog) { field(c, "child_dob").Role = "dob" },
			[]string{pid, `field "child_dob"`, `unknown role "dob"`}},
		{"two birth dates for one person", func(c *kiosk.Catalog) {
			p := &c.Procedures[0]
			f := *field(c, "child_dob")
			f.ID = "child_dob2"
			p.Form = append(p.Form, f)
		}, []string{pid, `field "child_dob2"`, `person "child" already has a birth_date in field "child_dob"`}},
		{"select without options", func(c *kiosk.Catalog) {
			f := field(c, "child_sex")
			f.Role, f.Options = "", nil
		}, []string{pid, `field "child_sex"`, "at least 2 options"}},
		{"duplicate option", func(c *kiosk.Catalog) {
			f := field(c, "child_sex")
			f.Role = ""
			f.Options = append(f.Options, f.Options[0])
		}, []string{pid, `field "child_sex"`, `option "nam"`, "duplicate option value"}},
		{"option without label", func(c *kiosk.Catalog) { field(c, "child_sex").Options[0].Label.EN = "" },
			[]string{pid, `field "child_sex"`, `option "nam"`, "missing English"}},
		{"options on a date", func(c *kiosk.Catalog) {
			field(c, "child_dob").Options = []kiosk.Option{{Value: "x", Label: kiosk.Text{VI: "x", EN: "x"}}}
		}, []string{pid, `field "child_dob"`, "options are set on a date field"}},
		{"max_len on a date", func(c *kiosk.Catalog) { field(c, "child_dob").MaxLen = 10 },
			[]string{pid, `field "child_dob"`, "max_len"}},
		{"person id with spaces", func(c *kiosk.Catalog) { field(c, "applicant_id").Person = "the applicant" },
			[]string{pid, `field "applicant_id"`, `person "the applicant"`}},
		{"duplicate procedure", func(c *kiosk.Catalog) { c.Procedures = append(c.Procedures, c.Procedures[0]) },
			[]string{pid, "duplicate procedure id"}},
		{"bad procedure id", func(c *kiosk.Catalog) { c.Procedures[0].ID = "Đăng ký khai sinh" },
			[]string{`procedure "Đăng ký khai sinh"`, "lower-case ASCII"}},
		{"unknown sector", func(c *kiosk.Catalog) { c.Procedures[0].Sector = "hotich" },
			[]string{pid, `unknown sector "hotich"`}},
		{"unknown level", func(c *kiosk.Catalog) { c.Procedures[0].Level = "phuong" },
			[]string{pid, `unknown level "phuong"`}},
		{"missing code", func(c *kiosk.Catalog) { c.Procedures[0].Code = " " },
			[]string{pid, "code is missing"}},
		{"missing English summary", func(c *kiosk.Catalog) { c.Procedures[0].Summary.EN = "" },
			[]string{pid, "summary", "missing English"}},
		{"agency with trailing space", func(c *kiosk.Catalog) { c.Procedures[0].Agency.VI = "UBND cấp xã " },
			[]string{pid, "agency", "trailing spaces"}},
		{"no processing time", func(c *kiosk.Catalog) { c.Procedures[0].Time = kiosk.ProcessingTime{} },
			[]string{pid, "processing_time", "neither"}},
		{"two processing times", func(c *kiosk.Catalog) { c.Procedures[0].Time.WorkingDays = 3 },
			[]string{pid, "processing_time", "both"}},
		{"free fee with amount", func(c *kiosk.Catalog) { c.Procedures[0].Fee.Amount = 8000 },
			[]string{pid, "fee", "free fee has amount 8000"}},
		{"fixed fee without amount", func(c *kiosk.Catalog) { c.Procedures[0].Fee.Kind = kiosk.FeeFixed },
			[]string{pid, "fee", "amount above 0"}},
		{"unknown fee kind", func(c *kiosk.Catalog) { c.Procedures[0].Fee.Kind = "mien_phi" },
			[]string{pid, "fee", `unknown fee kind "mien_phi"`}},
		{"cap below price", func(c *kiosk.Catalog) {
			c.Procedures[0].Fee = kiosk.FeeRule{Kind: kiosk.FeePerPage, Amount: 2000, Max: 1000}
		}, []string{pid, "fee", "max 1000 is below the amount 2000"}},
		{"reduction above price", func(c *kiosk.Catalog) {
			c.Procedures[0].Fee = kiosk.FeeRule{Kind: kiosk.FeePerPage, Amount: 2000, ReducedFrom: 3, ReducedAmount: 3000}
		}, []string{pid, "fee", "reduced_amount 3000"}},
		{"reduction on a fixed fee", func(c *kiosk.Catalog) {
			c.Procedures[0].Fee = kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 2000, ReducedFrom: 3, ReducedAmount: 1000}
		}, []string{pid, "fee", "fixed fee cannot have a reduced price"}},
		{"fee note half translated", func(c *kiosk.Catalog) { c.Procedures[0].Fee.Note = kiosk.Text{VI: "Miễn phí"} },
			[]string{pid, "fee: note", "missing English"}},
		{"no documents", func(c *kiosk.Catalog) { c.Procedures[0].Docs = nil },
			[]string{pid, "no documents"}},
		{"document without English", func(c *kiosk.Catalog) { c.Procedures[0].Docs[0].Name.EN = "" },
			[]string{pid, "document 1: name", "missing English"}},
		{"optional document without note", func(c *kiosk.Catalog) { c.Procedures[0].Docs[0].Optional = true },
			[]string{pid, "document 1: note", "missing Vietnamese"}},
		{"empty form", func(c *kiosk.Catalog) { c.Procedures[0].Form = nil },
			[]string{pid, "no fields"}},
		{"empty keyword", func(c *kiosk.Catalog) { c.Procedures[0].Keywords = []string{"giấy khai sinh", ""} },
			[]string{pid, "keyword 2", "empty"}},
		{"duplicate sector", func(c *kiosk.Catalog) { c.Sectors = append(c.Sectors, c.Sectors[0]) },
			[]string{`sector "ho-tich"`, "duplicate id"}},
		{"level without English", func(c *kiosk.Catalog) { c.Levels[0].Name.EN = "" },
			[]string{`level "xa": name`, "missing English"}},
		{"no version", func(c *kiosk.Catalog) { c.Version = "" },
			[]string{"version is missing"}},
		{"no procedures", func(c *kiosk.Catalog) { c.Procedures = nil },
			[]string{"no procedures"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCatalog()
			tt.break_(c)
			err := c.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil; want an error mentioning %q", tt.want)
			}
			if !someProblemMentions(err, tt.want) {
				t.Errorf("Validate() error = %v; want one problem mentioning all of %q", err, tt.want)
			}
		})
	}
}

// someProblemMentions reports whether one of the joined problems mentions
// every string: the procedure, the field and the problem belong together.
func someProblemMentions(err error, want []string) bool {
	for _, line := range strings.Split(err.Error(), "\n") {
		all := true
		for _, w := range want {
			all = all && strings.Contains(line, w)
		}
		if all {
			return true
		}
	}
	return false
}

func TestValidateCollectsAllProblems(t *testing.T) {
	c := validCatalog()
	c.Procedures[0].Form[1].Kind = "dat"
	c.Procedures[0].Sector = "hotich"
	c.Levels[0].Name.VI = ""
	err := c.Validate()

	var problems []*kiosk.CatalogError
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *kiosk.CatalogError
		if !errors.As(e, &ce) {
			t.Fatalf("problem %v is a %T; want *kiosk.CatalogError", e, e)
		}
		problems = append(problems, ce)
	}
	// The wrong kind also breaks the birth_date role: both are reported.
	want := []kiosk.CatalogError{
		{Where: `level "xa": name`, Problem: "missing Vietnamese text"},
		{Procedure: "dang-ky-khai-sinh", Problem: `unknown sector "hotich"`},
		{Procedure: "dang-ky-khai-sinh", Field: "child_dob", Problem: `unknown kind "dat"`},
		{Procedure: "dang-ky-khai-sinh", Field: "child_dob", Problem: `role "birth_date" needs kind "date", not "dat"`},
	}
	if len(problems) != len(want) {
		t.Fatalf("Validate() = %v; want %d problems", err, len(want))
	}
	for i := range want {
		if *problems[i] != want[i] {
			t.Errorf("problem %d = %+v; want %+v", i, *problems[i], want[i])
		}
	}
	const msg = `catalog: procedure "dang-ky-khai-sinh": field "child_dob": unknown kind "dat"`
	if got := problems[2].Error(); got != msg {
		t.Errorf("Error() = %q; want %q", got, msg)
	}
}

func TestParseCatalogRejects(t *testing.T) {
	valid := `{"version":"v","sectors":[{"id":"ho-tich","name":{"vi":"Hộ tịch","en":"Civil status"}}],` +
		`"levels":[{"id":"xa","name":{"vi":"Cấp xã","en":"Commune"}}],"procedures":[{"id":"dang-ky-khai-sinh",` +
		`"code":"1.001193","name":{"vi":"Đăng ký khai sinh","en":"Birth registration"},"summary":{"vi":"Tóm tắt","en":"Summary"},` +
		`"who":{"vi":"Cha mẹ","en":"Parents"},"sector":"ho-tich","level":"xa","agency":{"vi":"UBND cấp xã","en":"Commune"},` +
		`"processing_time":{"same_day":true},"fee":{"kind":"free"},"documents":[{"name":{"vi":"Tờ khai","en":"Form"}}],` +
		`"form":[{"id":"child_dob","kind":"%s","label":{"vi":"Ngày sinh","en":"Date of birth"}%s}]}]}`
	if _, err := kiosk.ParseCatalog(fmt.Appendf(nil, valid, "date", "")); err != nil {
		t.Fatalf("ParseCatalog(valid) error = %v; want nil", err)
	}
	tests := []struct {
		name string
		data string
		want string
	}{
		{"unknown kind", fmt.Sprintf(valid, "dat", ""), `catalog: procedure "dang-ky-khai-sinh": field "child_dob": unknown kind "dat"`},
		{"misspelt key", fmt.Sprintf(valid, "date", `,"requried":true`), `unknown field "requried"`},
		{"trailing data", fmt.Sprintf(valid, "date", "") + `{}`, "unexpected data after the catalog"},
		{"not JSON", `{"version":`, "catalog: unexpected EOF"},
		{"wrong type", `{"version":1}`, "catalog: json: cannot unmarshal number"},
		{"empty", ``, "catalog: EOF"},
		// Not UTF-8 (legacy bytes for "Hộ tịch"): encoding/json alone would show "H�� t�ch".
		{"lone surrogate", strings.Replace(fmt.Sprintf(valid, "date", ""), "Tờ khai", `T\ud800 khai`, 1), "replacement character"},
		{"legacy encoding", strings.Replace(fmt.Sprintf(valid, "date", ""), "Hộ tịch", "H\xf4\xf2 t\xecch", 1), "not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := kiosk.ParseCatalog([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseCatalog(%s) error = %v; want it to mention %q", tt.name, err, tt.want)
			}
			if c != nil {
				t.Errorf("ParseCatalog(%s) returned a catalog with an error", tt.name)
			}
		})
	}
}

func ExampleParseCatalog() {
	c, err := kiosk.ParseCatalog(assets.SampleCatalog())
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := c.Procedure("dang-ky-khai-sinh")
	fmt.Println(p.Code, p.Name.In(kiosk.VI), "/", p.Name.In(kiosk.EN))
	fmt.Println(c.BySector()[0].Sector.Name.In(kiosk.EN))

	_, err = kiosk.ParseCatalog([]byte(`{"version": "x", "sectors": [], "levels": [], "procedures": []}`))
	fmt.Println(err)
	// Output:
	// 1.001193 Đăng ký khai sinh / Birth registration
	// Civil status
	// catalog: no sectors
	// catalog: no levels
	// catalog: no procedures
}
