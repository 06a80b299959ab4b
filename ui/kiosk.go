// Package ui is the kiosk's touch-screen interface, in Fyne. It holds no
// domain rules (those live in package kiosk) and talks to nothing but the
// small interfaces it declares, so every screen tests with
// fyne.io/fyne/v2/test and no GL driver.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/motcua/kiosk/kiosk"
)

// Options configure the kiosk's interface.
type Options struct {
	// Lang is the language the kiosk starts in and returns to on reset.
	Lang kiosk.Lang
	// Unit is the counter's name shown in the header, e.g. "UBND xã Tân Phú".
	Unit string
}

// Kiosk is the whole interface in one window. It owns what the citizen has
// done so far (the search query, the chosen procedure) so that a language
// switch can rebuild the screen without losing any of it.
type Kiosk struct {
	win     fyne.Window
	catalog *kiosk.Catalog
	index   *kiosk.Index
	tr      *translator
	unit    string

	query   string           // the catalog search, kept across screens
	current *kiosk.Procedure // the procedure being shown, nil on the catalog
}

// New builds the interface in win over a validated catalog and shows the
// catalog screen.
func New(win fyne.Window, cat *kiosk.Catalog, opts Options) (*Kiosk, error) {
	if opts.Lang == "" {
		opts.Lang = kiosk.VI
	}
	tr, err := newTranslator(opts.Lang)
	if err != nil {
		return nil, err
	}
	k := &Kiosk{
		win:     win,
		catalog: cat,
		index:   kiosk.NewIndex(cat.Procedures),
		tr:      tr,
		unit:    opts.Unit,
	}
	win.SetTitle(tr.T("app.title"))
	k.show()
	return k, nil
}

// Theme returns the theme the kiosk is designed for; cmd/kiosk sets it on
// the app before New.
func Theme() fyne.Theme { return newCounterTheme() }

// show rebuilds the current screen in the current language.
func (k *Kiosk) show() {
	var body fyne.CanvasObject
	if k.current != nil {
		body = newProcedureScreen(k, k.current).build()
	} else {
		body = newCatalogScreen(k).build()
	}
	k.win.SetContent(container.NewBorder(k.header(), nil, nil, nil, body))
}

func (k *Kiosk) setLang(l kiosk.Lang) {
	k.tr.lang = l
	k.show()
}

func (k *Kiosk) openProcedure(p *kiosk.Procedure) {
	k.current = p
	k.show()
}

func (k *Kiosk) backToCatalog() {
	k.current = nil
	k.show()
}
