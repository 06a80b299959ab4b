package practice

import (
	"slices"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

func step(name string, seconds, errors int) selfserve.Step {
	return selfserve.Step{Name: name, Duration: time.Duration(seconds) * time.Second, Errors: errors}
}

func TestReview(t *testing.T) {
	tests := []struct {
		name string
		sess selfserve.Session
		want Report
	}{
		{"empty", selfserve.Session{}, Report{}},
		{
			"all well, nothing slow",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{
				step("procedure", 20, 0), step("q:name", 25, 0), step("q:dob", 15, 0), step("review", 30, 0),
			}},
			Report{WentWell: []string{"procedure", "q:name", "q:dob", "review"}, Finished: true},
		},
		{
			"most errors",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{
				step("q:name", 20, 1), step("q:id", 90, 3), step("q:dob", 15, 0), step("review", 10, 0),
			}},
			Report{WentWell: []string{"q:dob", "review"}, TryAgain: "q:id", Finished: true},
		},
		{
			"tie on errors: the earliest",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{
				step("q:name", 20, 2), step("q:id", 90, 2), step("review", 10, 0),
			}},
			Report{WentWell: []string{"review"}, TryAgain: "q:name", Finished: true},
		},
		{
			"a revisited step adds up its errors",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{
				step("q:name", 20, 1), step("q:id", 30, 2), step("review", 10, 0), step("q:name", 20, 2), step("review", 5, 0),
			}},
			Report{WentWell: []string{"review"}, TryAgain: "q:name", Finished: true},
		},
		{
			"no errors: a slow step stands out",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{
				step("q:name", 20, 0), step("q:id", 61, 0), step("q:dob", 10, 0), step("review", 30, 0),
			}},
			// median of the others is 20 s: 61 s > 40 s and > 30 s.
			Report{WentWell: []string{"q:name", "q:dob", "review"}, TryAgain: "q:id", Finished: true},
		},
		{
			"no errors: slow but not twice the median",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{
				step("q:name", 20, 0), step("q:id", 60, 0), step("q:dob", 40, 0), step("review", 30, 0),
			}},
			// median of the others is 30 s: 60 s is not above 60 s.
			Report{WentWell: []string{"q:name", "q:id", "q:dob", "review"}, Finished: true},
		},
		{
			"no errors: twice the median but quick",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{
				step("q:name", 5, 0), step("q:id", 30, 0), step("review", 5, 0),
			}},
			Report{WentWell: []string{"q:name", "q:id", "review"}, Finished: true},
		},
		{
			"no errors: the slowest tie goes to the earliest",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{
				step("q:name", 10, 0), step("q:id", 100, 0), step("q:dob", 100, 0), step("review", 10, 0),
			}},
			// others of q:id: 10, 100, 10 → median 10.
			Report{WentWell: []string{"q:name", "q:dob", "review"}, TryAgain: "q:id", Finished: true},
		},
		{
			"one step only: nothing to compare",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{step("q:name", 300, 0)}},
			Report{WentWell: []string{"q:name"}, Finished: true},
		},
		{
			"abandoned: the last step was not passed",
			selfserve.Session{Outcome: selfserve.Abandoned, LastStep: "q:dob", Steps: []selfserve.Step{
				step("q:name", 20, 0), step("q:id", 20, 0), step("q:dob", 15, 0),
			}},
			Report{WentWell: []string{"q:name", "q:id"}},
		},
		{
			"abandoned with errors on the last step",
			selfserve.Session{Outcome: selfserve.Abandoned, LastStep: "q:id", Steps: []selfserve.Step{
				step("q:name", 20, 0), step("q:id", 80, 4),
			}},
			Report{WentWell: []string{"q:name"}, TryAgain: "q:id"},
		},
		{
			"names the kiosk does not make are ignored",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{
				step("Nguyễn Thị Mẫu", 20, 9), step("q:name", 20, 0), step("", 5, 1), step("review", 10, 0),
			}},
			Report{WentWell: []string{"q:name", "review"}, Finished: true},
		},
		{
			"negative figures count as zero",
			selfserve.Session{Outcome: selfserve.Finished, Steps: []selfserve.Step{
				step("q:name", -500, -3), step("q:id", 10, 0),
			}},
			Report{WentWell: []string{"q:name", "q:id"}, Finished: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Review(tt.sess)
			if !slices.Equal(got.WentWell, tt.want.WentWell) || got.TryAgain != tt.want.TryAgain || got.Finished != tt.want.Finished {
				t.Errorf("Review() = %+v; want %+v", got, tt.want)
			}
		})
	}
}

func TestStepTitle(t *testing.T) {
	p, _ := Default().Catalog.Procedure("practice-khai-sinh")
	tests := []struct {
		proc *kiosk.Procedure
		step string
		lang kiosk.Lang
		want string
	}{
		{p, "q:mother_name", kiosk.VI, "“Họ, chữ đệm và tên của mẹ”"},
		{p, "q:mother_name", kiosk.EN, "“Full name of the mother”"},
		{p, "q:child_dob", kiosk.VI, "“Ngày sinh của trẻ”"},
		{p, "q:no_such_field", kiosk.VI, "một câu hỏi của tờ khai"},
		{nil, "q:mother_name", kiosk.EN, "a question on the form"},
		{p, "procedure", kiosk.VI, "đọc thông tin thủ tục"},
		{p, "consent", kiosk.EN, "agreeing to the use of your personal data"},
		{p, "identity", kiosk.VI, "cho biết bạn là ai (quét thẻ Căn cước hoặc VNeID)"},
		{p, "papers", kiosk.VI, "đính kèm giấy tờ"},
		{p, "papers", kiosk.EN, "attaching your papers"},
		{p, "review", kiosk.VI, "kiểm tra lại câu trả lời"},
		{p, "review", kiosk.EN, "checking your answers"},
		{nil, "pay", kiosk.VI, "nộp lệ phí"},
		{nil, "done", kiosk.EN, "getting your receipt"},
		{p, "something-else", kiosk.VI, "một bước"},
		{p, "", kiosk.EN, "a step"},
	}
	for _, tt := range tests {
		if got := StepTitle(tt.proc, tt.step, tt.lang); got != tt.want {
			t.Errorf("StepTitle(%v, %q, %q) = %q; want %q", tt.proc != nil, tt.step, tt.lang, got, tt.want)
		}
	}
	// Every step name selfserve makes has words in both languages.
	for _, name := range []string{selfserve.StepProcedure, selfserve.StepConsent, selfserve.StepIdentity,
		selfserve.StepPapers, selfserve.StepReview, selfserve.StepPay, selfserve.StepDone} {
		for _, lang := range []kiosk.Lang{kiosk.VI, kiosk.EN} {
			if got := StepTitle(nil, name, lang); got == unknownStep.In(lang) {
				t.Errorf("StepTitle(nil, %q, %q) = %q, the general phrase; want words of its own", name, lang, got)
			}
		}
	}
}
