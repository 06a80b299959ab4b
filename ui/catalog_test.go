package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
)

// shownProcedures lists the IDs of the procedures whose cards the catalog
// shows, in order, scrolling through the whole list as a citizen would.
func shownProcedures(k *Kiosk, w fyne.Window) []string {
	var ids []string
	eachListed(w, func(row fyne.CanvasObject) bool {
		eachIn(row, func(o fyne.CanvasObject) {
			if c, ok := o.(*procedureCard); ok {
				ids = append(ids, c.proc.ID)
			}
		})
		return false
	})
	return ids
}

// listedTexts is shownTexts for the catalog's whole list, scrolled through.
func listedTexts(w fyne.Window) []string {
	return texts(func(fn func(fyne.CanvasObject)) {
		eachListed(w, func(row fyne.CanvasObject) bool { eachIn(row, fn); return false })
	})
}

// catalogList is the list on screen, or nil.
func catalogList(w fyne.Window) *TouchList {
	var list *TouchList
	eachShown(w, func(o fyne.CanvasObject) {
		if l, ok := o.(*TouchList); ok && list == nil {
			list = l
		}
	})
	return list
}

// eachListed calls fn for each row of the list on screen, in order, with
// the row in view: it scrolls through the list a screenful at a time.
// When fn returns true it stops there; otherwise it scrolls back to where
// the list was.
func eachListed(w fyne.Window, fn func(row fyne.CanvasObject) (stop bool)) {
	list := catalogList(w)
	if list == nil {
		return
	}
	was := list.GetScrollOffset()
	next := 0 // the first row not yet seen
	for y, last := float32(0), float32(-1); next < list.Length(); y += list.Size().Height {
		list.ScrollToOffset(y)
		for _, r := range list.shown {
			if r.id < next {
				continue
			}
			next = r.id + 1
			if fn(r.item) {
				return
			}
		}
		if y = list.GetScrollOffset(); y == last {
			break // the end, or a list that will not scroll
		}
		last = y
	}
	list.ScrollToOffset(was)
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
	for _, text := range []string{"Chọn thủ tục bạn cần làm", "UBND xã Tân Phú", "English", "34 thủ tục", "Hộ tịch"} {
		if !shows(w, text) {
			t.Errorf("catalog screen does not show %q; shown: %q", text, shownTexts(w))
		}
	}
	birth, _ := k.catalog.Procedure("dang-ky-khai-sinh")
	if facts := "Cấp xã · Trong ngày · Miễn phí"; k.facts(birth) != facts || !shows(w, facts) {
		t.Errorf("the khai sinh card's facts are %q; want %q shown under its name", k.facts(birth), facts)
	}
	listed := listedTexts(w)
	for _, g := range k.catalog.BySector() {
		if len(g.Procedures) > 0 && !slices.Contains(listed, g.Sector.Name.VI) {
			t.Errorf("catalog lacks the sector heading %q", g.Sector.Name.VI)
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

// cardOf returns the tappable button of a procedure's card, scrolling the
// catalog to it as a citizen would when it is not in view.
func cardOf(t testing.TB, w fyne.Window, id string) *TouchButton {
	t.Helper()
	var card *procedureCard
	find := func(row fyne.CanvasObject) bool {
		eachIn(row, func(o fyne.CanvasObject) {
			if c, ok := o.(*procedureCard); ok && card == nil && c.proc.ID == id {
				card = c
			}
		})
		return card != nil
	}
	if eachShown(w, func(o fyne.CanvasObject) { find(o) }); card == nil {
		eachListed(w, find)
	}
	if card == nil {
		t.Fatalf("no card %s in the catalog; shown: %q", id, shownTexts(w))
	}
	return card.button
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
	k.SetCatalog(&smaller, kiosk.NewIndex(smaller.Procedures))
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
	list := findShown(t, w, "the catalog's list", func(*TouchList) bool { return true })
	if y := list.GetScrollOffset(); y != 0 {
		t.Fatalf("the catalog starts scrolled to %v", y)
	}
	pos := fyne.NewPos(600, 440) // over the cards, above the keyboard
	test.Drag(w.Canvas(), pos, 0, -300)
	if y := list.GetScrollOffset(); y < 250 {
		t.Errorf("after a 300 px finger drag up the catalog is scrolled to %.0f; want about 300", y)
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

// bigCatalog is the sample catalog grown to n procedures, as a provincial
// catalog is: copies of the sample's procedures, in their sectors, with
// distinct IDs and names ("Đăng ký khai sinh (mẫu 35)").
func bigCatalog(t testing.TB, n int) *kiosk.Catalog {
	t.Helper()
	sample, err := kiosk.ParseCatalog(assets.SampleCatalog())
	if err != nil {
		t.Fatal(err)
	}
	cat := *sample
	cat.Procedures = make([]kiosk.Procedure, n)
	for i := range n {
		p := sample.Procedures[i%len(sample.Procedures)]
		if i >= len(sample.Procedures) {
			p.ID = fmt.Sprintf("%s-%d", p.ID, i)
			p.Name.VI = fmt.Sprintf("%s (mẫu %d)", p.Name.VI, i)
			p.Name.EN = fmt.Sprintf("%s (sample %d)", p.Name.EN, i)
		}
		cat.Procedures[i] = p
	}
	return &cat
}

// TestABigCatalogScrollsByFinger: a provincial catalog of 5,000
// procedures shows its first sector at once, with only the cards in view
// built; a finger drags down to the later sectors, and a card there opens
// its procedure.
func TestABigCatalogScrollsByFinger(t *testing.T) {
	k, w := newHomeKiosk(t, Options{})
	setCatalog(k, bigCatalog(t, 5000))
	tapCardNamed(t, w, "Nộp hồ sơ")
	shown := shownTexts(w)
	for _, want := range []string{k.tr.T("catalog.count", "count", 5000), "Hộ tịch", "Đăng ký khai sinh", "Đăng ký kết hôn"} {
		if !slices.Contains(shown, want) {
			t.Errorf("a catalog of 5,000 shows %q; want %q", shown, want)
		}
	}
	if n := cardsBuilt(w); n > 12 {
		t.Errorf("a catalog of 5,000 built %d cards; want only the few in view", n)
	}

	// Hộ tịch holds 1,324 procedures: a few hundred screenfuls.
	f := newFinger(w.Canvas())
	drags := 0
	for ; !slices.Contains(shownTexts(w), "Chứng thực") && drags < 1000; drags++ {
		f.tap(fyne.NewPos(600, 780), 0, -450)
	}
	if shown := shownTexts(w); !slices.Contains(shown, "Chứng thực") || slices.Contains(shown, "Hộ tịch") {
		t.Fatalf("after %d finger drags up the catalog shows %q; want the next sector, Chứng thực", drags, shown)
	}
	if n := cardsBuilt(w); n > 12 {
		t.Errorf("after scrolling through 1,324 procedures the catalog holds %d cards; want the few in view", n)
	}

	list := catalogList(w)
	view := fyne.CurrentApp().Driver().AbsolutePositionForObject(list).Y
	var card *procedureCard
	eachShown(w, func(o fyne.CanvasObject) {
		if c, ok := o.(*procedureCard); ok && card == nil && c.proc.Sector == "chung-thuc" {
			if y := centre(c.button).Y; y > view && y < view+list.Size().Height {
				card = c
			}
		}
	})
	if card == nil {
		t.Fatalf("no chứng thực card in view; shown %q", shownTexts(w))
	}
	p := card.proc
	f.tap(centre(card.button), 2, 3) // a finger's tap wobbles
	if k.screen != screenProcedure || k.current != p || !shows(w, p.Name.VI) || !shows(w, "Giấy tờ cần mang") {
		t.Errorf("tapping the card of %s shows %q; want its procedure page", p.ID, shownTexts(w))
	}
}

// cardsBuilt counts the procedure cards in the window, shown or not.
func cardsBuilt(w fyne.Window) int {
	n := 0
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if _, ok := o.(*procedureCard); ok {
			n++
		}
		for _, c := range children(o) {
			walk(c)
		}
	}
	walk(w.Content())
	return n
}

// TestABigCatalogSearchShowsTheHitsInOrder: with 5,000 procedures a
// search lists the index's ranked hits, at most searchLimit.
func TestABigCatalogSearchShowsTheHitsInOrder(t *testing.T) {
	k, w := newHomeKiosk(t, Options{})
	setCatalog(k, bigCatalog(t, 5000))
	tapCardNamed(t, w, "Nộp hồ sơ")
	for _, q := range []string{"khai sinh", "chung thuc ban sao", "qqqxxzz"} {
		box := searchBox(t, w)
		box.SetText("")
		test.Type(box, q)
		var want []string
		for _, h := range k.index.Search(q, searchLimit) {
			want = append(want, h.Procedure.ID)
		}
		if got := shownProcedures(k, w); !slices.Equal(got, want) {
			t.Errorf("searching %q shows %v; want the ranked hits %v", q, got, want)
		}
		if q != "qqqxxzz" && (len(want) != searchLimit || !shows(w, k.tr.T("catalog.results", "count", searchLimit))) {
			t.Errorf("searching %q: %d hits, shown %q; want %d and their count", q, len(want), shownTexts(w), searchLimit)
		}
	}
}

// TestLargeTextCardsKeepTheirRoom: in large-text mode each card in the
// list is as tall as its larger text, none over another.
func TestLargeTextCardsKeepTheirRoom(t *testing.T) {
	_, w := newTestKiosk(t, kiosk.VI)
	normal := catalogList(w).shown[1].item.Size().Height // the first card
	test.Tap(findButton(t, w, "Chữ to"))
	test.Drag(w.Canvas(), fyne.NewPos(600, 700), 0, -250)
	list := catalogList(w)
	if large := list.shown[1].item.Size().Height; large <= normal {
		t.Errorf("with large text the first card is %v high; want more than %v", large, normal)
	}
	gap := theme.Padding()
	for i, r := range list.shown {
		if got, want := r.item.Size().Height, r.item.MinSize().Height; got != want {
			t.Errorf("with large text row %d is %v high; want its content's %v", r.id, got, want)
		}
		if prev := list.shown[max(i-1, 0)].item; i > 0 && r.item.Position().Y != prev.Position().Y+prev.Size().Height+gap {
			t.Errorf("with large text row %d starts at %v; want it a padding below the row above", r.id, r.item.Position().Y)
		}
	}
}

// setCatalog gives k a catalog with its index, as the sync loop does.
func setCatalog(k *Kiosk, cat *kiosk.Catalog) { k.SetCatalog(cat, kiosk.NewIndex(cat.Procedures)) }
