package centralsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// goodDay is one procedure's figures as a kiosk reports them.
func goodDay(date, procedure string) central.MetricsDay {
	return central.MetricsDay{
		Date: date, Procedure: procedure,
		Started: 12, Finished: 7, SelfServed: 5, Assisted: 2, HelpRequests: 1, Practice: 1,
		Abandoned:         map[string]int{"consent": 1, "q:applicant_id": 3, "papers": 1},
		StepMedianSeconds: map[string]float64{"consent": 21.5, "q:applicant_id": 40, "review": 63},
		Ratings:           [5]int{0, 0, 1, 2, 4},
	}
}

func sendMetrics(t *testing.T, base, token, key string, m central.Metrics) (int, []byte) {
	t.Helper()
	status, _, body := call(t, "POST", base+"/v1/metrics", token, key, m)
	return status, body
}

func TestMetricsRefusals(t *testing.T) {
	_, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	days := func(n int) []central.MetricsDay {
		out := make([]central.MetricsDay, n)
		for i := range out {
			out[i] = goodDay(dossierTestNow.AddDate(0, 0, -i).Format(time.DateOnly), "dang-ky-khai-sinh")
		}
		return out
	}
	tests := []struct {
		name      string
		change    func(*central.MetricsDay)
		wantField string // "" for 202
	}{
		{"a good day", func(*central.MetricsDay) {}, ""},
		{"help asked before a procedure", func(d *central.MetricsDay) { d.Procedure = "" }, ""},
		{"a practice procedure", func(d *central.MetricsDay) { d.Procedure = "practice-khai-sinh" }, ""},
		{"every step name", func(d *central.MetricsDay) {
			d.Abandoned = map[string]int{"procedure": 1, "consent": 1, "identity": 1, "papers": 1, "review": 1, "pay": 1, "done": 0, "q:x9_y": 1}
		}, ""},
		{"zero medians and no maps", func(d *central.MetricsDay) { d.Abandoned, d.StepMedianSeconds = nil, map[string]float64{"pay": 0} }, ""},
		{"31 February", func(d *central.MetricsDay) { d.Date = "2026-02-31" }, "days[0].date"},
		{"a Vietnamese date", func(d *central.MetricsDay) { d.Date = "27/11/2026" }, "days[0].date"},
		{"a month without its zero", func(d *central.MetricsDay) { d.Date = "2026-1-05" }, "days[0].date"},
		{"no date", func(d *central.MetricsDay) { d.Date = "" }, "days[0].date"},
		{"a date and time", func(d *central.MetricsDay) { d.Date = "2026-11-27T09:00:00Z" }, "days[0].date"},
		{"a procedure with capitals", func(d *central.MetricsDay) { d.Procedure = "Dang-Ky" }, "days[0].procedure"},
		{"a procedure with a double hyphen", func(d *central.MetricsDay) { d.Procedure = "dang--ky" }, "days[0].procedure"},
		{"a procedure that is a name", func(d *central.MetricsDay) { d.Procedure = "Nguyễn Văn An" }, "days[0].procedure"},
		{"a procedure of 65 characters", func(d *central.MetricsDay) { d.Procedure = strings.Repeat("a", 65) }, "days[0].procedure"},
		{"free text as a step", func(d *central.MetricsDay) { d.Abandoned = map[string]int{"Nguyễn Văn An 0912345678": 1} }, "days[0].abandoned"},
		{"an unknown step", func(d *central.MetricsDay) { d.Abandoned = map[string]int{"upload": 1} }, "days[0].abandoned"},
		{"a question with capitals", func(d *central.MetricsDay) { d.Abandoned = map[string]int{"q:Applicant": 1} }, "days[0].abandoned"},
		{"a question without a field", func(d *central.MetricsDay) { d.StepMedianSeconds = map[string]float64{"q:": 3} }, "days[0].step_median_seconds"},
		{"101 steps", func(d *central.MetricsDay) {
			d.Abandoned = map[string]int{}
			for i := range 101 {
				d.Abandoned[fmt.Sprintf("q:f%d", i)] = 1
			}
		}, "days[0].abandoned"},
		{"a negative abandoned count", func(d *central.MetricsDay) { d.Abandoned["consent"] = -1 }, "days[0].abandoned.consent"},
		{"a negative median", func(d *central.MetricsDay) { d.StepMedianSeconds["review"] = -0.5 }, "days[0].step_median_seconds.review"},
		{"negative started", func(d *central.MetricsDay) { d.Started = -1 }, "days[0].started"},
		{"negative practice", func(d *central.MetricsDay) { d.Practice = -3 }, "days[0].practice"},
		{"more finished than started", func(d *central.MetricsDay) { d.Finished = 13 }, "days[0].finished"},
		{"more self-served and assisted than finished", func(d *central.MetricsDay) { d.Assisted = 3 }, "days[0].self_served"},
		{"counts that overflow when added", func(d *central.MetricsDay) {
			d.Started, d.Finished, d.SelfServed, d.Assisted = 1<<62, 1<<62, 1<<62, 1<<62
		}, "days[0].self_served"},
		{"a negative rating count", func(d *central.MetricsDay) { d.Ratings[2] = -1 }, "days[0].ratings[2]"},
	}
	for _, tt := range tests {
		d := goodDay("2026-11-27", "dang-ky-khai-sinh")
		tt.change(&d)
		status, body := sendMetrics(t, hs.URL, token, "m-"+tt.name, central.Metrics{Days: []central.MetricsDay{d}})
		if tt.wantField == "" {
			if status != http.StatusAccepted {
				t.Errorf("%s: POST /v1/metrics = %d %s; want 202", tt.name, status, body)
			}
			continue
		}
		if status != http.StatusUnprocessableEntity || fieldErrors(t, body)[tt.wantField] == "" {
			t.Errorf("%s: POST /v1/metrics = %d %s; want 422 with a message for %q", tt.name, status, body, tt.wantField)
		}
		if strings.Contains(string(body), "Nguyễn") || strings.Contains(string(body), "0912345678") {
			t.Errorf("%s: the refusal quotes the free text sent: %s", tt.name, body)
		}
	}

	whole := []struct {
		name      string
		days      []central.MetricsDay
		wantField string
	}{
		{"62 days", days(62), ""},
		{"63 days", days(63), "days"},
		{"the same day and procedure twice", []central.MetricsDay{goodDay("2026-11-27", "a"), goodDay("2026-11-26", "a"), goodDay("2026-11-27", "a")}, "days[2]"},
		{"a bad second entry", []central.MetricsDay{goodDay("2026-11-27", "a"), goodDay("2026-13-01", "a")}, "days[1].date"},
		{"no days", nil, ""},
	}
	for _, tt := range whole {
		status, body := sendMetrics(t, hs.URL, token, "m-"+tt.name, central.Metrics{Days: tt.days})
		switch {
		case tt.wantField == "" && status != http.StatusAccepted:
			t.Errorf("%s: POST /v1/metrics = %d %s; want 202", tt.name, status, body)
		case tt.wantField != "" && (status != http.StatusUnprocessableEntity || fieldErrors(t, body)[tt.wantField] == ""):
			t.Errorf("%s: POST /v1/metrics = %d %s; want 422 with a message for %q", tt.name, status, body, tt.wantField)
		}
	}
}

// TestMetricsKeepTheLatestDay: a kiosk resends a day as it grows; the
// server keeps the latest entry per device, day and procedure.
func TestMetricsKeepTheLatestDay(t *testing.T) {
	s, hs := testServer(t, nil)
	mine := enrolKiosk(t, s, hs, "1234-5678")
	other := enrolKiosk(t, s, hs, "2222-3333")

	morning := goodDay("2026-11-27", "dang-ky-khai-sinh")
	morning.Started, morning.Finished, morning.SelfServed, morning.Assisted = 3, 2, 2, 0
	first := central.Metrics{Days: []central.MetricsDay{goodDay("2026-11-26", "dang-ky-khai-sinh"), morning}}
	if status, body := sendMetrics(t, hs.URL, mine.DeviceToken, "morning", first); status != http.StatusAccepted {
		t.Fatalf("first report = %d %s; want 202", status, body)
	}
	evening := goodDay("2026-11-27", "dang-ky-khai-sinh")
	help := goodDay("2026-11-27", "")
	second := central.Metrics{Days: []central.MetricsDay{evening, help}}
	if status, body := sendMetrics(t, hs.URL, mine.DeviceToken, "evening", second); status != http.StatusAccepted {
		t.Fatalf("second report = %d %s; want 202", status, body)
	}
	// The morning's report retried under its key is a replay: it changes
	// nothing, even though it is older.
	status, h, body := call(t, "POST", hs.URL+"/v1/metrics", mine.DeviceToken, "morning", first)
	if status != http.StatusAccepted || h.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the morning's report again = %d %s, replayed %q; want a 202 replay", status, body, h.Get("Idempotent-Replayed"))
	}
	if status, body := sendMetrics(t, hs.URL, mine.DeviceToken, "morning", second); status != http.StatusUnprocessableEntity || errorCode(t, body) != "idempotency_key_reused" {
		t.Errorf("the morning's key with another body = %d %s; want 422 idempotency_key_reused", status, body)
	}
	if status, body := sendMetrics(t, hs.URL, other.DeviceToken, "other", central.Metrics{Days: []central.MetricsDay{morning}}); status != http.StatusAccepted {
		t.Fatalf("another kiosk's report = %d %s; want 202", status, body)
	}

	got, err := s.MetricsDays(mine.DeviceID)
	want := []central.MetricsDay{first.Days[0], help, evening} // by date, then procedure ("" first)
	if err != nil || mustJSONString(t, got) != mustJSONString(t, want) {
		t.Errorf("MetricsDays(mine) = %+v, %v;\nwant %+v", got, err, want)
	}
	if got, err := s.MetricsDays(other.DeviceID); err != nil || len(got) != 1 || got[0].Started != 3 {
		t.Errorf("MetricsDays(other) = %+v, %v; want its one day, apart", got, err)
	}
}

func TestMetricsStaffRead(t *testing.T) {
	clock := &stepClock{now: dossierTestNow}
	s, hs := testServer(t, func(o *Options) { o.StaffToken, o.Now = testStaffToken, clock.Now })
	mine := enrolKiosk(t, s, hs, "1234-5678")
	other := enrolKiosk(t, s, hs, "2222-3333")
	report := central.Metrics{Days: []central.MetricsDay{
		goodDay("2026-11-25", "a"), goodDay("2026-11-26", "a"), goodDay("2026-11-26", "b"), goodDay("2026-11-27", "a"),
	}}
	sendMetrics(t, hs.URL, mine.DeviceToken, "k1", report)
	clock.Advance(time.Minute)
	sendMetrics(t, hs.URL, other.DeviceToken, "k2", central.Metrics{Days: []central.MetricsDay{goodDay("2026-11-26", "c")}})

	read := func(query string) central.MetricsList {
		t.Helper()
		status, _, body := call(t, "GET", hs.URL+"/v1/metrics"+query, testStaffToken, "", nil)
		var list central.MetricsList
		if status != http.StatusOK || json.Unmarshal(body, &list) != nil {
			t.Fatalf("GET /v1/metrics%s = %d %s; want 200 with the list", query, status, body)
		}
		return list
	}
	summary := func(list central.MetricsList) string {
		var parts []string
		for _, d := range list.Devices {
			for _, day := range d.Days {
				parts = append(parts, d.DeviceID+"/"+day.Date+"/"+day.Procedure)
			}
		}
		return strings.Join(parts, " ")
	}
	all := read("")
	if len(all.Devices) != 2 || all.Devices[0].DeviceID != mine.DeviceID || all.Devices[0].Location == "" ||
		!all.Devices[0].UpdatedAt.Equal(dossierTestNow) || !all.Devices[1].UpdatedAt.Equal(clock.Now()) {
		t.Errorf("GET /v1/metrics = %+v; want both kiosks, with their location and when they reported", all)
	}
	m, o := mine.DeviceID, other.DeviceID
	for query, want := range map[string]string{
		"?from=2026-11-26&to=2026-11-26": m + "/2026-11-26/a " + m + "/2026-11-26/b " + o + "/2026-11-26/c",
		"?from=2026-11-27":               m + "/2026-11-27/a",
		"?to=2026-11-25":                 m + "/2026-11-25/a",
		"?from=2026-12-01":               "",
	} {
		if got := summary(read(query)); got != want {
			t.Errorf("GET /v1/metrics%s = %s; want %s", query, got, want)
		}
	}
	for _, query := range []string{"?from=2026-11-27&to=2026-11-26", "?from=27/11/2026", "?to=2026-02-30"} {
		if status, _, body := call(t, "GET", hs.URL+"/v1/metrics"+query, testStaffToken, "", nil); status != http.StatusBadRequest {
			t.Errorf("GET /v1/metrics%s = %d %s; want 400", query, status, body)
		}
	}
	if status, _, _ := call(t, "GET", hs.URL+"/v1/metrics", mine.DeviceToken, "", nil); status != http.StatusUnauthorized {
		t.Errorf("GET /v1/metrics with a device token = %d; want 401", status)
	}
}

// TestMetricsPatternsMatchTheCatalog: every procedure and question of the
// sample catalog can be reported; the patterns copy kiosk's catalog ones.
func TestMetricsPatternsMatchTheCatalog(t *testing.T) {
	cat, err := kiosk.ParseCatalog(assets.SampleCatalog())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Procedures {
		if !metricsProcedure.MatchString(p.ID) {
			t.Errorf("procedure %q does not pass metricsProcedure", p.ID)
		}
		for _, f := range p.Form {
			if !metricsStep.MatchString("q:" + f.ID) {
				t.Errorf("question %q of %s does not pass metricsStep", f.ID, p.ID)
			}
		}
	}
}
