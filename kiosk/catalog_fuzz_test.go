package kiosk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
)

// fuzzParseBound is how long ParseCatalog of n bytes may take, with what
// the kiosk does next with the catalog: linear, and generous. The sample
// catalog (325 KB) takes 10 ms, but 2 s while the fuzzer instruments
// every package and gathers coverage on both cores.
func fuzzParseBound(n int) time.Duration {
	return 2*time.Second + time.Duration(n)*20*time.Microsecond
}

// tinyCatalog is the smallest catalog ParseCatalog accepts: a seed the
// fuzzer can mutate into every corner of the schema in few steps.
const tinyCatalog = `{"version":"1","sectors":[{"id":"ho-tich","name":{"vi":"Hộ tịch","en":"Civil status"}}],` +
	`"levels":[{"id":"xa","name":{"vi":"Cấp xã","en":"Commune"}}],` +
	`"procedures":[{"id":"khai-sinh","code":"1.001193","name":{"vi":"Khai sinh","en":"Birth"},` +
	`"summary":{"vi":"Tóm tắt","en":"Summary"},"who":{"vi":"Cha mẹ","en":"Parents"},` +
	`"sector":"ho-tich","level":"xa","agency":{"vi":"UBND xã","en":"Commune office"},` +
	`"processing_time":{"working_days":3},` +
	`"fee":{"kind":"per_copy","amount":8000,"max":50000,"reduced_from":3,"reduced_amount":3000,"online_discount_percent":50,` +
	`"exempt":[{"field":"group","values":["ngheo"],"reason":{"vi":"Miễn","en":"Exempt"}}]},` +
	`"documents":[{"name":{"vi":"Tờ khai","en":"Form"},"original":true},{"name":{"vi":"Giấy","en":"Paper"},"optional":true,"note":{"vi":"Nếu có","en":"If any"}}],` +
	`"form":[{"id":"name","kind":"person_name","label":{"vi":"Họ tên","en":"Name"},"required":true,"max_len":40,"person":"child"},` +
	`{"id":"id","kind":"personal_id","label":{"vi":"Số","en":"ID"},"person":"child"},` +
	`{"id":"dob","kind":"date","label":{"vi":"Ngày sinh","en":"Born"},"role":"birth_date","person":"child"},` +
	`{"id":"sex","kind":"select","label":{"vi":"Giới tính","en":"Sex"},"role":"sex","person":"child",` +
	`"options":[{"value":"nam","label":{"vi":"Nam","en":"Male"}},{"value":"nu","label":{"vi":"Nữ","en":"Female"}}]},` +
	`{"id":"group","kind":"select","label":{"vi":"Nhóm","en":"Group"},"help":{"vi":"Chọn","en":"Pick"},` +
	`"options":[{"value":"ngheo","label":{"vi":"Hộ nghèo","en":"Poor"}},{"value":"khac","label":{"vi":"Khác","en":"Other"}}]},` +
	`{"id":"copies","kind":"number","label":{"vi":"Số bản","en":"Copies"}},` +
	`{"id":"married","kind":"yes_no","label":{"vi":"Kết hôn","en":"Married"}},` +
	`{"id":"photo","kind":"attachment","label":{"vi":"Ảnh","en":"Photo"}}],` +
	`"keywords":["khai sinh","giấy khai sinh"]}]}`

// FuzzParseCatalog: any bytes — a corrupted cache, a hostile or broken
// central server — make ParseCatalog return a catalog or an error, never
// panic or hang. A catalog it returns passes its own validation, holds what
// the rest of the kiosk relies on (unique procedure IDs, known field kinds,
// sectors and levels that resolve), survives search, fees and a journey,
// and marshals to JSON that parses back to the same catalog.
func FuzzParseCatalog(f *testing.F) {
	f.Add(assets.SampleCatalog())
	var practice struct {
		Catalog json.RawMessage `json:"catalog"`
	}
	if err := json.Unmarshal(assets.Practice(), &practice); err != nil {
		f.Fatalf("practice.json: %v", err)
	}
	f.Add([]byte(practice.Catalog))
	for _, s := range []string{
		tinyCatalog,
		"", "null", "{}", "[]", `"catalog"`, "0", "{", "}",
		tinyCatalog[:len(tinyCatalog)/2],                            // truncated
		tinyCatalog + tinyCatalog,                                   // concatenated
		tinyCatalog + " {}",                                         // a second value
		strings.Replace(tinyCatalog, `"required"`, `"requried"`, 1), // a typo'd field
		strings.Replace(tinyCatalog, `"person_name"`, `"weird"`, 1), // unknown kind
		strings.Replace(tinyCatalog, `"working_days":3`, `"working_days":1e99`, 1),
		strings.Replace(tinyCatalog, `"amount":8000`, `"amount":"8000"`, 1), // wrong type
		strings.Replace(tinyCatalog, `Khai sinh`, "Khai\u202e sinh\u200d\x00", 1),
		strings.Replace(tinyCatalog, `Khai sinh`, "Khai \xff\xfe sinh", 1), // invalid UTF-8
		strings.Replace(tinyCatalog, `Khai sinh`, "Khai sinh\\ud800", 1),   // a lone surrogate
		strings.Replace(tinyCatalog, `"procedures":[`, `"procedures":[`+strings.Repeat("[", 200), 1),
		strings.Repeat("[", 20000) + strings.Repeat("]", 20000), // deeper than encoding/json allows
		`{"version":"1","procedures":[{"id":"a"},{"id":"a"}]}`,
		`{"VERSION":"1","Procedures":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		c, err := kiosk.ParseCatalog(data)
		checkParseTime(t, data, time.Since(start))
		if err != nil {
			if c != nil {
				t.Errorf("ParseCatalog() = %p, %v; want no catalog with an error", c, err)
			}
			if !strings.HasPrefix(err.Error(), "catalog: ") {
				t.Errorf("ParseCatalog() error %q does not say it is about the catalog", err)
			}
			return
		}
		checkParsedCatalog(t, c)
		checkCatalogUsable(t, c)
		checkCatalogRoundTrip(t, c)
	})
}

// checkParseTime fails when ParseCatalog(data) is slow three times in a
// row: a slow input is slow every time, while a busy machine (the fuzzer's
// workers share it with other builds) stalls a run now and then.
func checkParseTime(t *testing.T, data []byte, took time.Duration) {
	t.Helper()
	bound := fuzzParseBound(len(data))
	fastest := took
	for range 2 {
		if fastest <= bound {
			return
		}
		start := time.Now()
		_, _ = kiosk.ParseCatalog(data)
		fastest = min(fastest, time.Since(start))
	}
	if fastest <= bound {
		return
	}
	t.Errorf("ParseCatalog(%d bytes) took at least %v, three times; want under %v", len(data), fastest, bound)
}

// checkParsedCatalog checks the promises Validate makes to the rest of the
// kiosk on their own, not through Validate again.
func checkParsedCatalog(t *testing.T, c *kiosk.Catalog) {
	t.Helper()
	if err := c.Validate(); err != nil {
		t.Fatalf("ParseCatalog() accepted a catalog whose Validate() = %v", err)
	}
	if len(c.Procedures) == 0 || len(c.Sectors) == 0 || len(c.Levels) == 0 {
		t.Errorf("ParseCatalog() accepted %d procedures, %d sectors, %d levels; want some of each",
			len(c.Procedures), len(c.Sectors), len(c.Levels))
	}
	ids := map[string]bool{}
	for i := range c.Procedures {
		p := &c.Procedures[i]
		if ids[p.ID] || p.ID == "" {
			t.Errorf("procedure %d has the empty or repeated id %q", i, p.ID)
		}
		ids[p.ID] = true
		if got, ok := c.Procedure(p.ID); !ok || got != p {
			t.Errorf("Procedure(%q) does not find procedure %d", p.ID, i)
		}
		if _, ok := c.Sector(p.Sector); !ok {
			t.Errorf("procedure %q: sector %q does not resolve", p.ID, p.Sector)
		}
		if _, ok := c.Level(p.Level); !ok {
			t.Errorf("procedure %q: level %q does not resolve", p.ID, p.Level)
		}
		if p.Name.VI == "" || p.Name.EN == "" {
			t.Errorf("procedure %q: name %+v lacks a language", p.ID, p.Name)
		}
		checkParsedForm(t, p)
	}
}

func checkParsedForm(t *testing.T, p *kiosk.Procedure) {
	t.Helper()
	if len(p.Form) == 0 {
		t.Errorf("procedure %q has no form", p.ID)
	}
	fields := map[string]bool{}
	for _, fl := range p.Form {
		if fields[fl.ID] || fl.ID == "" {
			t.Errorf("procedure %q: empty or repeated field id %q", p.ID, fl.ID)
		}
		fields[fl.ID] = true
		switch fl.Kind {
		case kiosk.KindText, kiosk.KindPersonName, kiosk.KindPersonalID, kiosk.KindPhone, kiosk.KindEmail,
			kiosk.KindDate, kiosk.KindSelect, kiosk.KindAddress, kiosk.KindNumber, kiosk.KindYesNo, kiosk.KindAttachment:
		default:
			t.Errorf("procedure %q field %q: unknown kind %q", p.ID, fl.ID, fl.Kind)
		}
		if fl.Kind == kiosk.KindSelect && len(fl.Options) < 2 {
			t.Errorf("procedure %q field %q: a select with %d options", p.ID, fl.ID, len(fl.Options))
		}
		if fl.MaxLen < 0 {
			t.Errorf("procedure %q field %q: max_len %d", p.ID, fl.ID, fl.MaxLen)
		}
	}
}

// checkCatalogUsable does with the catalog what the kiosk does: group it,
// index and search it, quote its fees, walk the first pages of each form.
func checkCatalogUsable(t *testing.T, c *kiosk.Catalog) {
	t.Helper()
	grouped := 0
	for _, g := range c.BySector() {
		grouped += len(g.Procedures)
	}
	if grouped != len(c.Procedures) {
		t.Errorf("BySector() groups %d procedures; want all %d", grouped, len(c.Procedures))
	}
	ix := kiosk.NewIndex(c.Procedures)
	now := func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }
	for i := range c.Procedures {
		p := &c.Procedures[i]
		ix.Search(p.Name.VI, 20)
		if q := kiosk.QuoteFee(p, nil, kiosk.ChannelKiosk); q.Total < 0 {
			t.Errorf("QuoteFee(%q) = %d; want no negative fee", p.ID, q.Total)
		}
		j := kiosk.NewJourney(p, nil, now)
		for range 3 {
			if j.Current().Kind != kiosk.StepField {
				break
			}
			_ = j.Submit("")
		}
		if n, total := j.Progress(); n < 0 || n > total {
			t.Errorf("procedure %q: Progress() = %d / %d", p.ID, n, total)
		}
	}
}

// checkCatalogRoundTrip: what the kiosk caches or sends on (the reference
// server marshals its catalog) parses back to the same catalog. Compared
// as JSON: a decoded empty list and a missing one are the same catalog.
func checkCatalogRoundTrip(t *testing.T, c *kiosk.Catalog) {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("json.Marshal(parsed catalog) = %v", err)
	}
	c2, err := kiosk.ParseCatalog(b)
	if err != nil {
		var ce *kiosk.CatalogError
		t.Fatalf("ParseCatalog(json.Marshal(parsed catalog)) = %v (CatalogError: %v); want the same catalog back",
			err, errors.As(err, &ce))
	}
	b2, err := json.Marshal(c2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Errorf("a parsed catalog does not survive a round trip:\n%s\n%s", b, b2)
	}
}

// TestFuzzSeedsParse: the fuzz target's valid seeds are valid, so the
// fuzzer starts from catalogs that reach every check, not only the JSON
// decoder.
func TestFuzzSeedsParse(t *testing.T) {
	for name, data := range map[string][]byte{"tiny": []byte(tinyCatalog), "sample": assets.SampleCatalog()} {
		if _, err := kiosk.ParseCatalog(data); err != nil {
			t.Errorf("ParseCatalog(%s) = %v; want a valid seed", name, err)
		}
	}
}

// TestCatalogRefusesHugeTexts: a text longer than MaxTextLen — a 100 KB
// name from a hostile or broken server — is refused with a clear error
// naming the place, before any screen tries to lay it out (Fyne wraps a
// label in time quadratic in its length: minutes for 100 KB).
func TestCatalogRefusesHugeTexts(t *testing.T) {
	atLimit := strings.Repeat("ế", kiosk.MaxTextLen)
	for _, tt := range []struct {
		name, text string
		ok         bool
	}{
		{"at the limit", atLimit, true},
		{"one over", atLimit + "a", false},
		{"100 KB", "A" + strings.Repeat("Đăng ký\u202e ", 100<<10/12) + "Z", false},
	} {
		data := strings.Replace(tinyCatalog, `"Khai sinh"`, strconv.Quote(tt.text), 1)
		_, err := kiosk.ParseCatalog([]byte(data))
		var ce *kiosk.CatalogError
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s: ParseCatalog() = %v; want the catalog", tt.name, err)
		case !tt.ok && (!errors.As(err, &ce) || ce.Procedure != "khai-sinh" || ce.Where != "name" || !strings.Contains(ce.Problem, "at most")):
			t.Errorf("%s: ParseCatalog() = %.200v; want a *CatalogError on the name saying the limit", tt.name, err)
		}
	}
}
