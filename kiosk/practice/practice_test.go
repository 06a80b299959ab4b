package practice

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
)

func TestDefaultLoads(t *testing.T) {
	s := Default()
	if n := len(s.Catalog.Procedures); n < 3 {
		t.Fatalf("Default() has %d procedures; want at least 3", n)
	}
	if err := s.Catalog.Validate(); err != nil {
		t.Fatalf("Default().Catalog.Validate() = %v", err)
	}
	for _, p := range s.Catalog.Procedures {
		if !strings.HasPrefix(p.ID, IDPrefix) {
			t.Errorf("procedure %q: id lacks %q", p.ID, IDPrefix)
		}
		questions := 0
		for _, f := range p.Form {
			if f.Kind != kiosk.KindAttachment {
				questions++
			}
		}
		if questions < 5 || questions > 8 {
			t.Errorf("procedure %q has %d questions; want 5 to 8, a short practice", p.ID, questions)
		}
		if !strings.HasPrefix(p.Name.VI, "Luyện tập: ") || !strings.HasPrefix(p.Name.EN, "Practice: ") {
			t.Errorf("procedure %q is named %q / %q; want it to say it is practice", p.ID, p.Name.VI, p.Name.EN)
		}
	}
	if s2 := Default(); s2 == s || &s2.Catalog.Procedures[0] == &s.Catalog.Procedures[0] {
		t.Error("Default() returned shared data; want a fresh copy per call")
	}
}

// TestSamplesWalkTheJourney types every sample into the real wizard, in
// order, as a citizen practising would: each is accepted and the journey
// reaches the check page with nothing left to fix.
func TestSamplesWalkTheJourney(t *testing.T) {
	s := Default()
	for i := range s.Catalog.Procedures {
		p := &s.Catalog.Procedures[i]
		t.Run(p.ID, func(t *testing.T) {
			j := kiosk.NewJourney(p, nil, time.Now)
			for range len(p.Form) + 1 {
				step := j.Current()
				if step.Kind == kiosk.StepReview {
					break
				}
				var err error
				switch step.Kind {
				case kiosk.StepField:
					v := s.Sample(p.ID, step.Field.ID)
					if v == "" {
						t.Fatalf("no sample for question %q", step.Field.ID)
					}
					err = j.Submit(v)
				case kiosk.StepAttachments:
					for _, f := range j.AttachmentFields() {
						j.SetAttachment(f.ID, "giay-to-mau")
					}
					err = j.Submit("")
				}
				if err != nil {
					t.Fatalf("Submit on %+v: %v", step, err)
				}
			}
			if j.Current().Kind != kiosk.StepReview {
				t.Fatalf("journey ended on %+v; want the check page", j.Current())
			}
			for _, item := range j.Review() {
				if !item.Problem.IsZero() {
					t.Errorf("check page: %q: %s", item.Field.ID, item.Problem.EN)
				}
			}
			if !j.Ready() {
				t.Error("Ready() = false after every sample; want true")
			}
			answers := j.Answers()
			for _, f := range j.AttachmentFields() {
				delete(answers, f.ID)
			}
			if !maps.Equal(answers, s.Samples[p.ID]) {
				t.Errorf("stored answers %v; want the samples as written %v", answers, s.Samples[p.ID])
			}
		})
	}
}

func TestSample(t *testing.T) {
	s := Default()
	tests := []struct{ proc, field, want string }{
		{"practice-khai-sinh", "mother_id", "001190000001"},
		{"practice-tam-tru", "stay_address", "Số 1 đường Mẫu, xã Luyện Tập"},
		{"practice-tam-tru", "landlord_consent", "yes"},
		{"practice-khai-sinh", "birth_notice_photo", ""}, // an attachment
		{"practice-khai-sinh", "no_such_field", ""},
		{"dang-ky-khai-sinh", "mother_id", ""}, // a real procedure
	}
	for _, tt := range tests {
		if got := s.Sample(tt.proc, tt.field); got != tt.want {
			t.Errorf("Sample(%q, %q) = %q; want %q", tt.proc, tt.field, got, tt.want)
		}
	}
	var none *Set
	if got := none.Sample("practice-khai-sinh", "mother_id"); got != "" {
		t.Errorf("nil Set: Sample = %q; want \"\"", got)
	}
}

// mutate returns the embedded practice set changed by edit.
func mutate(t *testing.T, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(assets.Practice(), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func samplesOf(m map[string]any, proc string) map[string]any {
	return m["samples"].(map[string]any)[proc].(map[string]any)
}

func procedureAt(m map[string]any, i int) map[string]any {
	return m["catalog"].(map[string]any)["procedures"].([]any)[i].(map[string]any)
}

func TestLoadRefuses(t *testing.T) {
	tests := []struct {
		name string
		data func(t *testing.T) []byte
		want string // in the error
	}{
		{"not JSON", func(*testing.T) []byte { return []byte("{") }, "practice:"},
		{"trailing data", func(*testing.T) []byte { return append(append([]byte{}, assets.Practice()...), "{}"...) }, "unexpected data"},
		{"unknown key", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) { m["sampels"] = map[string]any{} })
		}, "unknown field"},
		{"no catalog", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) { delete(m, "catalog") })
		}, "no catalog"},
		{"catalog kiosk refuses", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) { procedureAt(m, 0)["sector"] = "khong-co" })
		}, `unknown sector "khong-co"`},
		{"id without the prefix", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) {
				procedureAt(m, 0)["id"] = "khai-sinh"
				s := m["samples"].(map[string]any)
				s["khai-sinh"] = s["practice-khai-sinh"]
				delete(s, "practice-khai-sinh")
			})
		}, `"khai-sinh": id does not start with "practice-"`},
		{"missing sample", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) { delete(samplesOf(m, "practice-tam-tru"), "stay_months") })
		}, `field "stay_months" has no sample`},
		{"procedure without samples", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) { delete(m["samples"].(map[string]any), "practice-trich-luc") })
		}, `"practice-trich-luc": field "event" has no sample`},
		{"invalid sample", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) { samplesOf(m, "practice-khai-sinh")["mother_id"] = "12345" })
		}, `field "mother_id": sample "12345" is refused`},
		{"sample not as stored", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) { samplesOf(m, "practice-khai-sinh")["mother_dob"] = "1/1/1990" })
		}, `is stored as "01/01/1990"`},
		{"sample for an attachment", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) { samplesOf(m, "practice-khai-sinh")["birth_notice_photo"] = "x" })
		}, `"birth_notice_photo" is an attachment`},
		{"sample for no field", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) { samplesOf(m, "practice-khai-sinh")["father_name"] = "Trần Văn Mẫu" })
		}, `sample for field "father_name", which the form does not have`},
		{"samples for no procedure", func(t *testing.T) []byte {
			return mutate(t, func(m map[string]any) { m["samples"].(map[string]any)["practice-khac"] = map[string]any{} })
		}, `"practice-khac": has samples but is not in the catalog`},
		{"samples disagree", func(t *testing.T) []byte {
			// 001190000001 is a woman's number: the sex must be "nu".
			return mutate(t, func(m map[string]any) { samplesOf(m, "practice-tam-tru")["resident_sex"] = "nam" })
		}, `the samples disagree: The 4th digit of the ID number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load(tt.data(t))
			if err == nil {
				t.Fatalf("Load = %v, nil; want an error with %q", s, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestMustLoadPanicsOnBrokenData(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "embedded practice set is broken") {
			t.Errorf("mustLoad(broken) recovered %v; want a panic naming the embedded set", r)
		}
	}()
	mustLoad([]byte(`{"catalog": {}}`))
}

func TestLoadWithAClockThatReset(t *testing.T) {
	s := Default()
	for _, now := range []time.Time{time.Unix(0, 0), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if err := s.check(checkTime(now)); err != nil {
			t.Errorf("samples checked at %v: %v; want the embedded set to load whatever the clock says", now, err)
		}
	}
	if got := checkTime(sampleEpoch.AddDate(1, 0, 0)); !got.Equal(sampleEpoch.AddDate(1, 0, 0)) {
		t.Errorf("checkTime(a later day) = %v; want that day", got)
	}
}
