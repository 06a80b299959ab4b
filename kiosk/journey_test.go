package kiosk_test

import (
	"errors"
	"testing"
	"time"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
)

func birthJourney(t *testing.T) *kiosk.Journey {
	t.Helper()
	cat, err := kiosk.ParseCatalog(assets.SampleCatalog())
	if err != nil {
		t.Fatal(err)
	}
	p, ok := cat.Procedure("dang-ky-khai-sinh")
	if !ok {
		t.Fatal("no khai sinh in the sample catalog")
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	return kiosk.NewJourney(p, nil, func() time.Time { return now })
}

// birthAnswers answers every question of the sample khai sinh form.
var birthAnswers = map[string]string{
	"child_name": "Trần Minh An", "child_dob": "17/11/2026", "child_sex": "nam",
	"child_birthplace": "Bệnh viện Đa khoa tỉnh", "child_ethnicity": "kinh", "child_hometown": "Hà Nội",
	"mother_name": "Nguyễn Thị Mai", "mother_id": "001190012345", "mother_dob": "05/09/1990",
	"father_name": "", "father_id": "", "father_dob": "",
	"parents_married": "yes", "applicant_name": "Nguyễn Thị Mai", "applicant_id": "001190012345",
	"applicant_relationship": "me", "extract_copies": "1", "applicant_phone": "0912 345 678", "applicant_email": "",
}

// walk answers pages until the check page, failing on any refusal.
func walk(t *testing.T, j *kiosk.Journey) {
	t.Helper()
	for j.Current().Kind != kiosk.StepReview {
		s := j.Current()
		value := ""
		if s.Kind == kiosk.StepField {
			value = birthAnswers[s.Field.ID]
		}
		if err := j.Submit(value); err != nil {
			t.Fatalf("Submit(%q) on %s: %v", value, s.Field.ID, err)
		}
	}
}

func TestJourneyWalksOneQuestionPerPage(t *testing.T) {
	j := birthJourney(t)
	first := j.Current()
	if first.Kind != kiosk.StepField || first.Field.ID != "child_name" {
		t.Fatalf("the first page is %+v; want the child's name", first)
	}
	if n, total := j.Progress(); n != 1 || total != 21 {
		t.Errorf("Progress() = %d/%d; want 1/21 (19 questions, the papers, the check page)", n, total)
	}
	walk(t, j)
	if !j.Ready() {
		t.Errorf("after answering everything Ready() = false; review: %+v", j.Review())
	}
	if got := j.Answer("applicant_phone"); got != "0912345678" {
		t.Errorf("the phone is stored as %q; want it normalised", got)
	}
	if a := j.Applicant(); a.FullName != "Nguyễn Thị Mai" || a.PersonalID != "001190012345" || a.Phone != "0912345678" {
		t.Errorf("Applicant() = %+v", a)
	}
}

func TestJourneyKeepsTheCitizenOnAPageWithAnError(t *testing.T) {
	j := birthJourney(t)
	err := j.Submit("Trần Minh An 2")
	inv, ok := err.(*kiosk.Invalid)
	if !ok || inv.Message.VI == "" || inv.Message.EN == "" {
		t.Fatalf("Submit(a name with a digit) = %v; want *Invalid with both messages", err)
	}
	if j.Current().Field.ID != "child_name" {
		t.Errorf("after a refused answer the page is %s; want child_name still", j.Current().Field.ID)
	}
	if err := j.Submit("Trần Minh An"); err != nil || j.Current().Field.ID != "child_dob" {
		t.Errorf("after fixing it: %v, page %s; want child_dob", err, j.Current().Field.ID)
	}
	if !j.Back() || j.Current().Field.ID != "child_name" || j.Answer("child_name") != "Trần Minh An" {
		t.Errorf("Back() should return to the name with the answer kept; page %s, answer %q", j.Current().Field.ID, j.Answer("child_name"))
	}
	if j.Back() {
		t.Errorf("Back() on the first page = true; want false (the screen leaves the journey)")
	}
}

func TestJourneyChangeFromTheCheckPageReturnsThere(t *testing.T) {
	j := birthJourney(t)
	walk(t, j)
	if !j.Change("mother_dob") || j.Current().Field.ID != "mother_dob" {
		t.Fatalf("Change(mother_dob) went to %+v", j.Current())
	}
	// A birth year that disagrees with the mother's ID number: the check
	// page names the problem on the ID.
	if err := j.Submit("05/09/1991"); err != nil {
		t.Fatal(err)
	}
	if j.Current().Kind != kiosk.StepReview {
		t.Fatalf("after changing one answer the page is %+v; want the check page again", j.Current())
	}
	var problem kiosk.Text
	for _, it := range j.Review() {
		if it.Field.ID == "mother_id" {
			problem = it.Problem
		}
	}
	if problem.VI == "" || j.Ready() {
		t.Errorf("the check page shows no problem on mother_id for a birth year that disagrees (Ready %v)", j.Ready())
	}
}

func TestJourneyPrefillSkipsAndLocksFields(t *testing.T) {
	j := birthJourney(t)
	_, before := j.Progress()
	j.Prefill(map[string]string{"applicant_name": "Nguyễn Thị Mai", "applicant_id": "001190012345", "child_name": "not a name 9"}, "card")
	if _, after := j.Progress(); after != before-2 {
		t.Errorf("after prefilling two fields there are %d pages; want %d", after, before-2)
	}
	if j.Source("applicant_id") != "card" || j.Source("child_name") != "" {
		t.Errorf("sources: applicant_id %q, child_name %q; want card and nothing (an invalid value is not prefilled)", j.Source("applicant_id"), j.Source("child_name"))
	}
	walk(t, j)
	if j.Change("applicant_id") {
		t.Errorf("Change(applicant_id) = true; want a card's answer locked")
	}
	for _, s := range []string{"applicant_name", "applicant_id"} {
		if j.Answer(s) == "" {
			t.Errorf("the prefilled %s was lost", s)
		}
	}
}

func TestJourneyResumeStartsAtTheFirstQuestionLeft(t *testing.T) {
	j := birthJourney(t)
	half := map[string]string{}
	for k, v := range birthAnswers {
		if k != "mother_id" && k != "applicant_phone" {
			half[k] = v
		}
	}
	p := j.Procedure()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	resumed := kiosk.NewJourney(p, half, func() time.Time { return now })
	resumed.Resume()
	if f := resumed.Current().Field; f == nil || f.ID != "mother_id" {
		t.Errorf("Resume() with mother_id missing is on %+v; want mother_id", resumed.Current())
	}
	complete := kiosk.NewJourney(p, birthAnswers, func() time.Time { return now })
	complete.Resume()
	if complete.Current().Kind != kiosk.StepReview {
		t.Errorf("Resume() of a complete draft is on %+v; want the check page", complete.Current())
	}
}

func TestApplicantPersonIsWhoFiles(t *testing.T) {
	cat, err := kiosk.ParseCatalog(assets.SampleCatalog())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ procedure, want string }{
		{"dang-ky-khai-sinh", "applicant"}, // the child is not who comes to the counter
		{"dang-ky-thuong-tru", "resident"}, // the resident files for themselves
		{"dang-ky-ket-hon", "husband"},     // the first spouse named
		{"trich-luc-ban-do-dia-chinh", "owner"},
		{"dang-ky-giam-ho", "guardian"},           // the ward's ID is optional: the guardian files
		{"ho-tro-mai-tang-phi", "organiser"},      // not the deceased
		{"the-bhyt-tre-em-duoi-6-tuoi", "mother"}, // the baby has no ID number yet
	} {
		p, ok := cat.Procedure(tc.procedure)
		if !ok {
			t.Fatalf("no %s in the sample catalog", tc.procedure)
		}
		if got := p.ApplicantPerson(); got != tc.want {
			t.Errorf("%s: ApplicantPerson() = %q; want %q", tc.procedure, got, tc.want)
		}
	}
	noPerson := &kiosk.Procedure{Form: []kiosk.Field{{ID: "parcel", Kind: kiosk.KindNumber}}}
	if got := noPerson.ApplicantPerson(); got != "" {
		t.Errorf("a form about no person: ApplicantPerson() = %q; want \"\"", got)
	}
}

func TestApplicantOfAFormWithoutAnApplicantPersonIsItsFirstPerson(t *testing.T) {
	p := &kiosk.Procedure{ID: "p", Form: []kiosk.Field{
		{ID: "resident_name", Kind: kiosk.KindPersonName, Person: "resident"},
		{ID: "resident_id", Kind: kiosk.KindPersonalID, Person: "resident"},
		{ID: "resident_dob", Kind: kiosk.KindDate, Role: kiosk.RoleBirthDate, Person: "resident"},
		{ID: "host_name", Kind: kiosk.KindPersonName, Person: "host"},
	}}
	j := kiosk.NewJourney(p, map[string]string{"resident_name": "Lê Văn Bình", "resident_id": "079085001234",
		"resident_dob": "15/03/1985", "host_name": "Phạm Thị Hoa"}, time.Now)
	want := kiosk.Applicant{FullName: "Lê Văn Bình", PersonalID: "079085001234", BirthDate: "15/03/1985"}
	if got := j.Applicant(); got != want {
		t.Errorf("Applicant() = %+v; want %+v", got, want)
	}
}

func TestTheAttachmentsStepRefusesAMissingRequiredFile(t *testing.T) {
	p := &kiosk.Procedure{ID: "p", Form: []kiosk.Field{
		{ID: "name", Kind: kiosk.KindText, Label: kiosk.Text{VI: "Tên", EN: "Name"}},
		{ID: "plan", Kind: kiosk.KindAttachment, Required: true, Label: kiosk.Text{VI: "Bản vẽ", EN: "Drawing"}},
		{ID: "photo", Kind: kiosk.KindAttachment, Label: kiosk.Text{VI: "Ảnh", EN: "Photo"}},
	}}
	j := kiosk.NewJourney(p, map[string]string{"name": "x"}, time.Now)
	if err := j.Submit("x"); err != nil {
		t.Fatal(err)
	}
	if got := j.AttachmentFields(); len(got) != 2 || got[0].ID != "plan" || got[1].ID != "photo" {
		t.Fatalf("AttachmentFields() = %v; want plan, photo", got)
	}
	err := j.Submit("")
	var inv *kiosk.Invalid
	if !errors.As(err, &inv) || inv.Message.VI != "Vui lòng đính kèm bản vẽ." || j.Current().Kind != kiosk.StepAttachments {
		t.Fatalf("Submit on the papers step without the required drawing = %v, on %v; want \"Vui lòng đính kèm bản vẽ.\" and to stay", err, j.Current().Kind)
	}
	j.SetAttachment("plan", "scan:0123456789abcdef")
	if err := j.Submit(""); err != nil || j.Current().Kind != kiosk.StepReview {
		t.Errorf("Submit with the drawing attached = %v, on %v; want the check page", err, j.Current().Kind)
	}
	if !j.Change("photo") || j.Current().Kind != kiosk.StepAttachments {
		t.Fatalf("Change(photo) goes to %v; want the papers step", j.Current().Kind)
	}
	if err := j.Submit(""); err != nil || j.Current().Kind != kiosk.StepReview {
		t.Errorf("after changing a paper, Submit = %v, on %v; want back to the check page", err, j.Current().Kind)
	}
}

// TestEverySampleProcedureAsksItsApplicantsIDNumber: the central system
// files a dossier only with its applicant's ID number, so every form must
// require the ID number of the person ApplicantPerson names.
func TestEverySampleProcedureAsksItsApplicantsIDNumber(t *testing.T) {
	cat, err := kiosk.ParseCatalog(assets.SampleCatalog())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Procedures {
		who := p.ApplicantPerson()
		asks := false
		for _, f := range p.Form {
			asks = asks || f.Person == who && f.Kind == kiosk.KindPersonalID && f.Required
		}
		if who == "" || !asks {
			t.Errorf("%s: the applicant is %q, whose ID number the form does not require", p.ID, who)
		}
	}
}
