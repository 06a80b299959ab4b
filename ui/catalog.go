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
	h.SizeName = theme.SizeNameSubHeadingText
	return h
}

// searchLimit is how many hits a search shows: enough for any real query,
// few enough that a citizen can read them all.
const searchLimit = 20

// catalogScreen lets a citizen find a procedure: by search, or by browsing
// the catalog grouped by sector.
type catalogScreen struct {
	k       *Kiosk
	search  *touchEntry
	status  *widget.Label
	results *fyne.Container
	// cards holds one card per procedure, built once per screen and only
	// reordered while the citizen types.
	cards map[string]*procedureCard
}

func newCatalogScreen(k *Kiosk) *catalogScreen {
	s := &catalogScreen{k: k}
	s.makeCards()
	k.catalogView = s
	return s
}

func (s *catalogScreen) makeCards() {
	s.cards = map[string]*procedureCard{}
	for i := range s.k.catalog.Procedures {
		p := &s.k.catalog.Procedures[i]
		s.cards[p.ID] = newProcedureCard(s.k, p)
	}
}

// catalogChanged shows a new catalog in place: the search box, its text,
// its focus and the keyboard stay as the citizen left them.
func (s *catalogScreen) catalogChanged() {
	s.makeCards()
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
	s.results = container.NewVBox()
	s.refresh()

	home := &widget.Button{Text: tr.T("catalog.home"), Icon: theme.HomeIcon(), OnTapped: s.k.goHome}
	top := container.NewVBox(container.NewBorder(nil, nil, nil, home, heading), searchRow, s.status)
	return container.NewBorder(container.NewPadded(top), nil, nil, nil, NewTouchScroll(container.NewPadded(s.results)))
}

func (s *catalogScreen) onSearch(q string) {
	s.k.activity()
	s.k.query = q
	s.refresh()
}

func (s *catalogScreen) onClear() {
	s.search.SetText("") // fires onSearch
}

// refresh shows the whole catalog by sector when the search box is empty,
// and the ranked hits otherwise.
func (s *catalogScreen) refresh() {
	tr := s.k.tr
	if kiosk.Fold(s.k.query) == "" {
		s.status.SetText(tr.T("catalog.count", "count", len(s.k.catalog.Procedures)))
		s.results.Objects = s.bySector()
		s.results.Refresh()
		return
	}
	hits := s.k.index.Search(s.k.query, searchLimit)
	if len(hits) == 0 {
		s.status.SetText(tr.T("catalog.noresults", "query", s.k.query))
	} else {
		s.status.SetText(tr.T("catalog.results", "count", len(hits)))
	}
	objs := make([]fyne.CanvasObject, 0, len(hits))
	for _, h := range hits {
		objs = append(objs, s.cards[h.Procedure.ID])
	}
	s.results.Objects = objs
	s.results.Refresh()
}

func (s *catalogScreen) bySector() []fyne.CanvasObject {
	lang := s.k.tr.lang
	var objs []fyne.CanvasObject
	// "Most used here" first: the few procedures this counter files most
	// are what most citizens came for. Their cards appear again under
	// their sector, so each card here is a copy.
	if top := s.k.mostUsed(mostUsedShown); len(top) > 0 {
		objs = append(objs, sectorHeading(s.k.tr.T("catalog.mostused")))
		for _, p := range top {
			objs = append(objs, newProcedureCard(s.k, p))
		}
	}
	for _, g := range s.k.catalog.BySector() {
		if len(g.Procedures) == 0 {
			continue
		}
		objs = append(objs, sectorHeading(g.Sector.Name.In(lang)))
		for _, p := range g.Procedures {
			objs = append(objs, s.cards[p.ID])
		}
	}
	return objs
}
