package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// shownProcedures lists the IDs of the procedures whose cards are on
// screen, in the order they are shown.
func shownProcedures(k *Kiosk, w fyne.Window) []string {
	byName := map[string]string{}
	for _, p := range k.catalog.Procedures {
		byName[p.Name.In(k.tr.lang)] = p.ID
	}
	var ids []string
	for _, s := range shownTexts(w) {
		if id, ok := byName[s]; ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func searchBox(t *testing.T, w fyne.Window) *widget.Entry {
	t.Helper()
	return &findShown(t, w, "search box", func(*touchEntry) bool { return true }).Entry
}

func TestCatalogShowsEveryProcedureBySector(t *testing.T) {
	k, w := newTestKiosk(t, kiosk.VI)
	if got, want := len(shownProcedures(k, w)), len(k.catalog.Procedures); got != want {
		t.Errorf("catalog screen shows %d procedures; want all %d", got, want)
	}
	for _, text := range []string{"Chọn thủ tục bạn cần làm", "UBND xã Tân Phú", "English"} {
		if !shows(w, text) {
			t.Errorf("catalog screen does not show %q; shown: %q", text, shownTexts(w))
		}
	}
	birth, _ := k.catalog.Procedure("dang-ky-khai-sinh")
	if facts := "Cấp xã · Trong ngày · Miễn phí"; k.facts(birth) != facts || !shows(w, facts) {
		t.Errorf("the khai sinh card's facts are %q; want %q shown under its name", k.facts(birth), facts)
	}
	for _, g := range k.catalog.BySector() {
		if len(g.Procedures) > 0 && !shows(w, g.Sector.Name.VI) {
			t.Errorf("catalog screen lacks the sector heading %q", g.Sector.Name.VI)
		}
	}
}

func TestTypingNarrowsTheList(t *testing.T) {
	tests := []struct {
		query string
		first string
	}{
		{"khai sinh", "dang-ky-khai-sinh"},
		{"dang ky ket hon", "dang-ky-ket-hon"},
		{"tam tru", "dang-ky-tam-tru"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			k, w := newTestKiosk(t, kiosk.VI)
			all := len(shownProcedures(k, w))
			test.Type(searchBox(t, w), tt.query)
			got := shownProcedures(k, w)
			if len(got) == 0 || len(got) >= all {
				t.Fatalf("after typing %q the screen shows %d of %d procedures; want fewer, but some", tt.query, len(got), all)
			}
			if got[0] != tt.first {
				t.Errorf("after typing %q the first procedure is %s; want %s", tt.query, got[0], tt.first)
			}
			if !shows(w, "Tìm thấy") {
				t.Errorf("after typing %q no result count is shown; shown: %q", tt.query, shownTexts(w))
			}
		})
	}
}

func TestSearchWithNoMatchSaysSoAndClearRestores(t *testing.T) {
	k, w := newTestKiosk(t, kiosk.VI)
	test.Type(searchBox(t, w), "qqqxxzz")
	if got := shownProcedures(k, w); len(got) != 0 {
		t.Errorf("nonsense query shows %v; want nothing", got)
	}
	if !shows(w, "Không tìm thấy thủ tục nào cho “qqqxxzz”") {
		t.Errorf("nonsense query: shown %q; want a no-results message that repeats the query", shownTexts(w))
	}
	test.Tap(findButton(t, w, "Xóa"))
	if got, want := len(shownProcedures(k, w)), len(k.catalog.Procedures); got != want {
		t.Errorf("after Xóa the screen shows %d procedures; want all %d", got, want)
	}
}

func TestLanguageSwitchKeepsTheSearch(t *testing.T) {
	k, w := newTestKiosk(t, kiosk.VI)
	test.Type(searchBox(t, w), "khai sinh")

	test.Tap(findButton(t, w, "English"))
	if !shows(w, "Choose the procedure you need") || !shows(w, "Birth registration") {
		t.Errorf("after switching to English: shown %q", shownTexts(w))
	}
	if got := searchBox(t, w).Text; got != "khai sinh" {
		t.Errorf("after switching, the search box holds %q; want the citizen's query kept", got)
	}
	if ids := shownProcedures(k, w); len(ids) == 0 || ids[0] != "dang-ky-khai-sinh" {
		t.Errorf("after switching, the results are %v; want khai sinh first", ids)
	}

	test.Tap(findButton(t, w, "Tiếng Việt"))
	if !shows(w, "Chọn thủ tục bạn cần làm") {
		t.Errorf("after switching back to Vietnamese: shown %q", shownTexts(w))
	}
}

func TestTappingACardOpensTheProcedure(t *testing.T) {
	k, w := newTestKiosk(t, kiosk.VI)
	test.Type(searchBox(t, w), "khai sinh")
	p, _ := k.catalog.Procedure("dang-ky-khai-sinh")

	test.Tap(cardOf(t, w, p.ID))
	for _, text := range []string{p.Name.VI, "Giấy tờ cần mang", "Lệ phí", "Thời gian giải quyết", p.Code, p.Docs[0].Name.VI} {
		if !shows(w, text) {
			t.Errorf("procedure page does not show %q; shown: %q", text, shownTexts(w))
		}
	}
	test.Tap(findButton(t, w, "Quay lại"))
	if got := searchBox(t, w).Text; got != "khai sinh" {
		t.Errorf("back on the catalog the search box holds %q; want the query kept", got)
	}
}

// cardOf returns the tappable button of a procedure's card.
func cardOf(t testing.TB, w fyne.Window, id string) *TouchButton {
	t.Helper()
	return findShown(t, w, "card "+id, func(c *procedureCard) bool { return c.proc.ID == id }).button
}

func TestSyncStatusShowsInTheHeader(t *testing.T) {
	k, w := newTestKiosk(t, kiosk.VI)
	test.Type(searchBox(t, w), "khai")
	tests := []struct {
		status SyncStatus
		want   string
	}{
		{SyncStatus{Online: true}, "Đã kết nối"},
		{SyncStatus{Online: true, Queued: 2}, "Đang gửi 2 hồ sơ"},
		{SyncStatus{Online: false}, "Mất kết nối mạng — máy vẫn dùng được"},
		{SyncStatus{Online: false, Queued: 3}, "Mất kết nối — 3 hồ sơ sẽ được gửi khi có mạng"},
		{SyncStatus{Blocked: true}, "Máy chưa kết nối được với hệ thống — hãy báo cán bộ"},
	}
	for _, tt := range tests {
		k.SetSyncStatus(tt.status)
		if !shows(w, tt.want) {
			t.Errorf("SetSyncStatus(%+v): shown %q; want %q", tt.status, shownTexts(w), tt.want)
		}
	}
	if got := searchBox(t, w).Text; got != "khai" {
		t.Errorf("after status updates the search box holds %q; want the citizen's typing untouched", got)
	}
}

func TestNewCatalogKeepsTheSearch(t *testing.T) {
	k, w := newTestKiosk(t, kiosk.VI)
	box := findShown(t, w, "search box", func(*touchEntry) bool { return true })
	w.Canvas().Focus(box)
	test.Type(searchBox(t, w), "khai sinh")
	smaller := *k.catalog
	if smaller.Procedures[0].ID != "dang-ky-khai-sinh" {
		t.Fatalf("the sample catalog starts with %s; this test drops khai sinh by dropping the first", smaller.Procedures[0].ID)
	}
	smaller.Procedures = smaller.Procedures[1:]
	k.SetCatalog(&smaller)
	if ids := shownProcedures(k, w); len(ids) == 0 || ids[0] == "dang-ky-khai-sinh" {
		t.Errorf("after a new catalog without khai sinh the results are %v; want it gone", ids)
	}
	if got := searchBox(t, w).Text; got != "khai sinh" {
		t.Errorf("after a new catalog the search box holds %q; want the query kept", got)
	}
	if w.Canvas().Focused() != box || !k.keyboardView.Visible() {
		t.Errorf("after a new catalog the focus is on %v, keyboard shown %v; want the citizen still typing", w.Canvas().Focused(), k.keyboardView.Visible())
	}
}

func TestTelexAndDoneWorkInTheSearchBox(t *testing.T) {
	k, w := newTestKiosk(t, kiosk.VI)
	box := findShown(t, w, "search box", func(*touchEntry) bool { return true })
	w.Canvas().Focus(box)
	typeKeys(t, k.keyboard, "ddawng kys")
	if got := box.Text; got != "đăng ký" {
		t.Errorf("typing \"ddawng kys\" on the keyboard into the search box gives %q; want \"đăng ký\"", got)
	}
	tapKey(t, k.keyboard, "Xong")
	if k.keyboardView.Visible() {
		t.Errorf("after Xong the keyboard still covers the results")
	}
}

func TestSaveFailureNoticeShowsUntilASaveSucceeds(t *testing.T) {
	k, w := newTestKiosk(t, kiosk.VI)
	notice := "Chưa lưu được hồ sơ vào máy — máy đang thử lại."
	if shows(w, notice) {
		t.Fatalf("the save-failure notice shows before any failure")
	}
	k.SetSaveFailed(true)
	if !shows(w, notice) {
		t.Errorf("after a failed save: shown %q; want the notice", shownTexts(w))
	}
	test.Tap(findButton(t, w, "English")) // a rebuilt screen keeps it
	if !shows(w, "Your answers could not be saved on the kiosk yet") {
		t.Errorf("after switching language: shown %q; want the notice in English", shownTexts(w))
	}
	k.SetSaveFailed(false)
	if shows(w, "could not be saved") {
		t.Errorf("after a successful save the notice still shows")
	}
}

func TestLargeTextEnlargesTheScreenNotTheHeader(t *testing.T) {
	_, w := newTestKiosk(t, kiosk.VI)
	name := findShown(t, w, "the khai sinh card's name", func(l *widget.Label) bool { return l.Text == "Đăng ký khai sinh" })
	before := name.MinSize().Height
	test.Tap(findButton(t, w, "Chữ to"))
	name = findShown(t, w, "the khai sinh card's name", func(l *widget.Label) bool { return l.Text == "Đăng ký khai sinh" })
	if after := name.MinSize().Height; after < before+6 {
		t.Errorf("with large text a procedure name is %.0f px high, before %.0f; want the 20 pt line at 26 pt", after, before)
	}
	test.Tap(findButton(t, w, "Chữ vừa"))
	name = findShown(t, w, "the khai sinh card's name", func(l *widget.Label) bool { return l.Text == "Đăng ký khai sinh" })
	if got := name.MinSize().Height; got != before {
		t.Errorf("back to normal text the name is %.0f px high; want %.0f", got, before)
	}
}

func TestDraggingTheCatalogScrollsIt(t *testing.T) {
	_, w := newTestKiosk(t, kiosk.VI)
	list := findShown(t, w, "the catalog's scroller", func(*TouchScroll) bool { return true })
	if list.Offset.Y != 0 {
		t.Fatalf("the catalog starts scrolled to %v", list.Offset.Y)
	}
	pos := fyne.NewPos(600, 440) // over the cards, above the keyboard
	test.Drag(w.Canvas(), pos, 0, -300)
	if list.Offset.Y < 250 {
		t.Errorf("after a 300 px finger drag up the catalog is scrolled to %.0f; want about 300", list.Offset.Y)
	}
}

func TestTheCatalogKeyboardAppearsWhenTheSearchIsTouched(t *testing.T) {
	k, w := newTestKiosk(t, kiosk.VI)
	if k.keyboardView.Visible() {
		t.Fatalf("the keyboard covers the catalog before anyone touched the search box")
	}
	w.Canvas().Focus(findShown(t, w, "search box", func(*touchEntry) bool { return true }))
	if !k.keyboardView.Visible() {
		t.Errorf("touching the search box does not bring up the keyboard")
	}
	tapKey(t, k.keyboard, "t")
	tapKey(t, k.keyboard, "a")
	tapKey(t, k.keyboard, "m")
	if got := searchBox(t, w).Text; got != "tam" {
		t.Errorf("typed %q on the keyboard into the search; want \"tam\"", got)
	}
}

func TestMostUsedHereComesFirst(t *testing.T) {
	k, w := newHomeKiosk(t, Options{Usage: map[string]int{"dang-ky-tam-tru": 5, "dang-ky-ket-hon": 2}})
	tapCardNamed(t, w, "Nộp hồ sơ")
	ids := shownProcedures(k, w)
	if !shows(w, "Hay làm ở đây") || len(ids) < 2 || ids[0] != "dang-ky-tam-tru" || ids[1] != "dang-ky-ket-hon" {
		t.Errorf("the catalog starts with %v; want tạm trú then kết hôn under \"Hay làm ở đây\"", ids[:min(3, len(ids))])
	}
	if got, want := len(ids), len(k.catalog.Procedures)+2; got != want {
		t.Errorf("the catalog shows %d cards; want every procedure once by sector plus the 2 most used (%d)", got, want)
	}
	test.Type(searchBox(t, w), "đăng ký")
	ids = shownProcedures(k, w)
	if slices.Index(ids, "dang-ky-tam-tru") > slices.Index(ids, "dang-ky-khai-sinh") {
		t.Errorf("searching \"đăng ký\" gives %v; want the much used tạm trú before khai sinh, an equal match", ids)
	}
}

// TestTheProcedurePageExpectsADueDateByTheCentralCalendar: a dossier filed
// after office hours on a Friday is due on Monday, unless the central
// system has made that Monday a day off.
func TestTheProcedurePageExpectsADueDateByTheCentralCalendar(t *testing.T) {
	friday := time.Date(2027, 2, 12, 16, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	k, w := newHomeKiosk(t, Options{Now: func() time.Time { return friday }})
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh")) // received in the day
	if !showsPart(w, "Nếu nộp bây giờ, ngày hẹn trả dự kiến: 15/02/2027") {
		t.Errorf("the procedure page shows %q; want Monday 15/02/2027 expected", shownTexts(w))
	}
	k.SetCalendar(kiosk.NewCalendar(time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)))
	if !showsPart(w, "Nếu nộp bây giờ, ngày hẹn trả dự kiến: 16/02/2027") {
		t.Errorf("after the central system made Monday a day off the page shows %q; want Tuesday 16/02/2027", shownTexts(w))
	}
}

// showsPart reports whether a shown text contains part.
func showsPart(w fyne.Window, part string) bool {
	return slices.ContainsFunc(shownTexts(w), func(s string) bool { return strings.Contains(s, part) })
}

// TestTheProcedurePageSaysTheOnlinePriceAndWhoIsExempt: filing at the
// kiosk is filing online, which the law prices lower for residence
// registration; the groups exempt from the fee are named.
func TestTheProcedurePageSaysTheOnlinePriceAndWhoIsExempt(t *testing.T) {
	_, w := newTestKiosk(t, kiosk.VI)
	test.Tap(cardOf(t, w, "dang-ky-thuong-tru"))
	if !showsPart(w, "20.000 đ — nộp qua kiosk (trực tuyến): 10.000 đ") {
		t.Errorf("the thường trú page shows %q; want its online price", shownTexts(w))
	}
	if !showsPart(w, "Miễn lệ phí: hộ nghèo") {
		t.Errorf("the thường trú page shows %q; want the exempt groups", shownTexts(w))
	}
}
