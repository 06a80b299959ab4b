package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// mostUsedShown is how many "most used here" procedures head the catalog.
const mostUsedShown = 3

func sectorHeading(text string) fyne.CanvasObject {
	h := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.SizeName, h.Wrapping = theme.SizeNameSubHeadingText, fyne.TextWrapWord
	return h
}

// searchLimit is how many hits a search shows: enough for any real query,
// few enough that a citizen can read them all.
const searchLimit = 20

// catalogScreen lets a citizen find a procedure: by search, or by browsing
// the catalog grouped by sector.
type catalogScreen struct {
	k      *Kiosk
	search *touchEntry
	status *widget.Label
	// list shows rows: it makes widgets only for the rows in view, so a
	// provincial catalog of thousands of procedures builds and follows
	// the citizen's typing as fast as the sample's 34.
	list *TouchList
	rows []catalogRow
	// guess is a heading's and a one-line card's height, in the theme
	// they were measured in: the list's estimate for rows not shown yet.
	guess rowGuess
}

// catalogRow is one row of the list: a heading, or a procedure's card.
type catalogRow struct {
	heading string
	proc    *kiosk.Procedure // nil for a heading
}

type rowGuess struct {
	theme         fyne.Theme
	heading, card float32
}

func newCatalogScreen(k *Kiosk) *catalogScreen {
	s := &catalogScreen{k: k}
	k.catalogView = s
	return s
}

// catalogChanged shows a new catalog in place: the search box, its text,
// its focus and the keyboard stay as the citizen left them.
func (s *catalogScreen) catalogChanged() {
	s.refresh()
}

func (s *catalogScreen) build() fyne.CanvasObject {
	tr := s.k.tr
	heading := heading(tr.T("catalog.heading"))

	s.search = newTouchEntry()
	s.search.SetPlaceHolder(tr.T("catalog.search.placeholder"))
	s.search.SetText(s.k.query)
	s.search.OnChanged = s.onSearch
	// The list follows every letter, so "Xong" only puts the keyboard
	// away, giving the results the room.
	s.search.OnSubmitted = func(string) { s.k.keyboardView.Hide() }
	s.k.useKeyboardOnTouch(s.search, ModeLetters)
	clear := &widget.Button{Text: tr.T("catalog.search.clear"), Icon: theme.ContentClearIcon(), OnTapped: s.onClear}
	searchRow := container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), clear, s.search)

	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.list = NewTouchList(func() int { return len(s.rows) }, s.newRow, s.updateRow)
	s.list.EstimateHeight = s.estimateHeight
	s.refresh()

	home := &widget.Button{Text: tr.T("catalog.home"), Icon: theme.HomeIcon(), OnTapped: s.k.goHome}
	top := container.NewVBox(container.NewBorder(nil, nil, nil, home, heading), searchRow, s.status)
	return container.NewBorder(container.NewPadded(top), nil, nil, nil, s.list)
}

func (s *catalogScreen) onSearch(q string) {
	s.k.activity()
	s.k.query = q
	s.refresh()
	s.list.ScrollToTop() // the best hit first
}

func (s *catalogScreen) onClear() {
	s.search.SetText("") // fires onSearch
}

// refresh lists the whole catalog by sector when the search box is empty,
// and the ranked hits otherwise.
func (s *catalogScreen) refresh() {
	tr := s.k.tr
	if kiosk.Fold(s.k.query) == "" {
		s.status.SetText(tr.T("catalog.count", "count", len(s.k.catalog.Procedures)))
		s.rows = s.bySector()
		s.list.Refresh()
		return
	}
	hits := s.k.index.Search(s.k.query, searchLimit)
	if len(hits) == 0 {
		s.status.SetText(tr.T("catalog.noresults", "query", s.k.query))
	} else {
		s.status.SetText(tr.T("catalog.results", "count", len(hits)))
	}
	s.rows = make([]catalogRow, 0, len(hits))
	for _, h := range hits {
		s.rows = append(s.rows, catalogRow{proc: h.Procedure})
	}
	s.list.Refresh()
}

func (s *catalogScreen) bySector() []catalogRow {
	lang := s.k.tr.lang
	rows := make([]catalogRow, 0, len(s.k.catalog.Procedures)+len(s.k.catalog.Sectors)+1+mostUsedShown)
	// "Most used here" first: the few procedures this counter files most
	// are what most citizens came for. Their cards appear again under
	// their sector.
	if top := s.k.mostUsed(mostUsedShown); len(top) > 0 {
		rows = append(rows, catalogRow{heading: s.k.tr.T("catalog.mostused")})
		for _, p := range top {
			rows = append(rows, catalogRow{proc: p})
		}
	}
	for _, g := range s.k.catalog.BySector() {
		if len(g.Procedures) == 0 {
			continue
		}
		rows = append(rows, catalogRow{heading: g.Sector.Name.In(lang)})
		for _, p := range g.Procedures {
			rows = append(rows, catalogRow{proc: p})
		}
	}
	return rows
}

// newRow is a row widget of the list: a heading and a card, one of them
// shown (updateRow).
func (s *catalogScreen) newRow() fyne.CanvasObject {
	return container.NewStack(sectorHeading(""), newProcedureCard(s.k))
}

func (s *catalogScreen) updateRow(id ListItemID, o fyne.CanvasObject) {
	objs := o.(*fyne.Container).Objects
	heading, card := objs[0].(*widget.Label), objs[1].(*procedureCard)
	if r := s.rows[id]; r.proc == nil {
		heading.SetText(r.heading)
		card.Hide()
		heading.Show()
	} else {
		card.bind(r.proc)
		heading.Hide()
		card.Show()
	}
}

// estimateHeight guesses a row's height before the list has shown it: a
// heading's, or a card's with its name on one line. The list measures the
// row when it comes into view.
func (s *catalogScreen) estimateHeight(id ListItemID) float32 {
	if th := s.k.theme; s.guess.theme != th || s.guess.card == 0 { // the kiosk sets the app's theme (useTheme)
		h := sectorHeading("Ag")
		c := newProcedureCard(s.k)
		c.bind(&kiosk.Procedure{Name: kiosk.Text{VI: "Ag"}})
		c.Resize(fyne.NewSize(1000, 0)) // wide: one line each, as most names are
		s.guess = rowGuess{theme: th, heading: h.MinSize().Height, card: c.MinSize().Height}
	}
	if s.rows[id].proc == nil {
		return s.guess.heading
	}
	return s.guess.card
}
