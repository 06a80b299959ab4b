package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/practice"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// These walks drive the kiosk wired as `kiosk --demo` wires it (see
// startWalk) through what helps citizens learn to self-serve: the call
// for help, assistant mode and practice, against the reference server.

// tapInPopup taps the pop-up's button labelled exactly label.
func (dr *walker) tapInPopup(label string) {
	dr.t.Helper()
	var found fyne.Tappable
	for _, o := range dr.w.Canvas().Overlays().List() {
		walkTree(o, func(c fyne.CanvasObject, _ []fyne.CanvasObject) {
			if b, ok := c.(*widget.Button); ok && b.Text == label && found == nil {
				found = b
			}
		})
	}
	if found == nil {
		dr.t.Fatalf("no button %q in a pop-up", label)
	}
	test.Tap(found)
}

func TestWalkHelpRequestReachesTheTeamQueue(t *testing.T) {
	wk := startWalk(t, nil)
	dr := &walker{t: t, w: wk.w, loop: wk.loop}
	dr.waitShows("Đã kết nối")
	dr.tapCard("Nộp hồ sơ")
	dr.tap("Gọi hỗ trợ")
	dr.waitShows("Đã gọi hỗ trợ · thứ 1")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	queue, err := wk.b.client.HelpRequests(ctx, central.HelpOpen)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue) != 1 || queue[0].Screen != "catalog" || queue[0].Step != "" || queue[0].Position != 1 {
		t.Fatalf("the team's queue holds %+v; want one request from the catalog, first in line", queue)
	}
	// The team takes it on its staff page; the kiosk hears it at its next poll.
	if err := wk.b.demo.server.TakeHelp(queue[0].ID); err != nil {
		t.Fatal(err)
	}
	dr.waitShowsWithin("Hỗ trợ đang đến", 15*time.Second)

	// The citizen leaves: the request leaves the team's queue with them.
	dr.tap("Trang chủ")
	deadline := time.Now().Add(10 * time.Second)
	for {
		dr.loop.run()
		ticket, err := wk.b.client.HelpTicket(ctx, queue[0].ID)
		if err == nil && ticket.State == central.HelpDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the citizen went home the ticket is %+v (%v); want it withdrawn, done", ticket, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWalkAssistedDossierIsFiledAsAssisted(t *testing.T) {
	wk := startWalk(t, nil)
	dr := &walker{t: t, w: wk.w, loop: wk.loop}
	p := wk.procedure("dang-ky-tam-tru")
	dr.waitShows("Đã kết nối")

	// The team member comes, signs in with the demo's PIN.
	dr.tap("Gọi hỗ trợ")
	dr.waitShows("Đã gọi hỗ trợ")
	dr.tapInPopup("Tôi là người hỗ trợ")
	for _, d := range "1357" {
		dr.tapInPopup(string(d))
	}
	dr.tapInPopup("Đăng nhập")
	dr.waitPopupShows("Mã PIN hoặc thẻ không đúng")
	for _, d := range demoAssistantPIN {
		dr.tapInPopup(string(d))
	}
	dr.tapInPopup("Đăng nhập")
	dr.waitShows("Người hỗ trợ: Tổ công nghệ số (demo)")

	dr.tapCard("Nộp hồ sơ")
	dr.touch(dr.searchBox())
	dr.typeKeys("tam tru")
	dr.tapCard(p.Name.VI)
	dr.tap("Bắt đầu làm hồ sơ")
	dr.tap("Tôi đồng ý")
	if !dr.shows("Người dân cần tự bấm") {
		t.Fatalf("consent went on before the citizen confirmed; shown %q", dr.texts())
	}
	dr.tap("Người dân tự xác nhận")
	dr.tap("Tôi đồng ý")
	dr.tap("Không có thẻ — tự nhập thông tin")
	since := kiosk.FormatDate(time.Now().AddDate(0, 0, -7))
	dr.answerAll(p, map[string]walkAnswer{
		"resident_name":    {keys: "Traanf Vawn Binhf", want: "Trần Văn Bình"},
		"resident_id":      {keys: "001088012346", want: "001088012346"},
		"resident_dob":     {keys: "12/03/1988", want: "12/03/1988"},
		"resident_sex":     {want: "nam"},
		"stay_address":     {keys: "Soos 12 ngox 34 phoos Huees", want: "Số 12 ngõ 34 phố Huế"},
		"stay_from":        {keys: since, want: since},
		"stay_months":      {keys: "12", want: "12"},
		"purpose":          {want: "lao_dong"},
		"landlord_name":    {keys: "Nguyeenx Thij Mai", want: "Nguyễn Thị Mai"},
		"landlord_id":      {keys: "001190012345", want: "001190012345"},
		"landlord_consent": {want: "yes"},
		"fee_group":        {want: "khong"},
		"applicant_phone":  {keys: "0912345678", want: "0912345678"},
	})
	dr.tap("Gửi hồ sơ")
	if !dr.shows("Người dân cần tự bấm") {
		t.Fatalf("submit went on before the citizen confirmed; shown %q", dr.texts())
	}
	dr.tap("Người dân tự xác nhận")
	code := wk.submit(dr, p)
	if assisted, err := wk.b.demo.server.Assisted(code); err != nil || !assisted {
		t.Fatalf("the reference server filed %s with assisted %v (%v); want it marked assisted", code, assisted, err)
	}
}

func TestWalkPracticeSendsNoDossier(t *testing.T) {
	wk := startWalk(t, nil)
	dr := &walker{t: t, w: wk.w, loop: wk.loop}
	dr.waitShows("Đã kết nối")
	before, err := wk.b.demo.server.DossierCount()
	if err != nil {
		t.Fatal(err)
	}
	set := practice.Default() // the set the kiosk offers
	p, ok := set.Catalog.Procedure("practice-trich-luc")
	if !ok {
		t.Fatal("the practice set has no practice-trich-luc")
	}
	dr.tapCard("Luyện tập")
	dr.tapCard(p.Name.VI)
	dr.tap("Bắt đầu làm hồ sơ")
	dr.tap("Tôi đồng ý")
	if dr.shows("Không có thẻ — tự nhập thông tin") {
		dr.tap("Không có thẻ — tự nhập thông tin")
	}
	answers := map[string]walkAnswer{}
	for _, f := range p.Form {
		v := set.Sample(p.ID, f.ID)
		answers[f.ID] = walkAnswer{keys: v, want: v}
	}
	answers["subject_name"] = walkAnswer{keys: "Nguyeenx Thij Maaux", want: "Nguyễn Thị Mẫu"}
	answers["register_place"] = walkAnswer{keys: "UBND xax Luyeenj Taapj", want: "UBND xã Luyện Tập"}
	dr.answerAll(p, answers)
	dr.tap("Gửi hồ sơ")
	dr.waitShows("Bạn đã luyện tập xong!")
	if !dr.shows("LUYỆN TẬP — không có gì được gửi đi") {
		t.Errorf("the practice's end has no practice band; shown %q", dr.texts())
	}
	after, err := wk.b.demo.server.DossierCount()
	if err != nil || after != before {
		t.Fatalf("the reference server held %d dossiers before the practice and %d after (%v); want no change", before, after, err)
	}
	if items, err := wk.b.store.Outbox(); err != nil || len(items) != 0 {
		t.Fatalf("the outbox holds %d items after a practice (%v); want none", len(items), err)
	}
	dr.tap("Về trang chủ") // the session ends: its figures are recorded off the UI goroutine
	today := time.Now().Format(time.DateOnly)
	var figs []selfserve.Figures
	deadline := time.Now().Add(5 * time.Second)
	for len(figs) == 0 && time.Now().Before(deadline) {
		dr.loop.run()
		figs, err = wk.b.store.Figures(today, today)
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil || len(figs) != 1 || figs[0].Procedure != p.ID || figs[0].Practice != 1 || figs[0].Started != 0 {
		t.Fatalf("figures after a practice: %+v (%v); want one practice session and nothing else", figs, err)
	}
}

// waitShowsWithin is waitShows with a longer wait, for a poll's period.
func (dr *walker) waitShowsWithin(text string, d time.Duration) {
	dr.t.Helper()
	deadline := time.Now().Add(d)
	for !dr.shows(text) {
		if time.Now().After(deadline) {
			dr.t.Fatalf("waited %v for %q; shown %q", d, text, dr.texts())
		}
		dr.loop.run()
		time.Sleep(10 * time.Millisecond)
	}
}

// waitPopupShows lets background work report until a pop-up shows text.
func (dr *walker) waitPopupShows(text string) {
	dr.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		dr.loop.run()
		for _, o := range dr.w.Canvas().Overlays().List() {
			found := false
			walkTree(o, func(c fyne.CanvasObject, _ []fyne.CanvasObject) {
				if s, ok := textOf(c); ok && strings.Contains(s, text) {
					found = true
				}
			})
			if found {
				return
			}
		}
		if time.Now().After(deadline) {
			dr.t.Fatalf("waited 10 s for a pop-up saying %q", text)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
