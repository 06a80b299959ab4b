package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// counterTheme is Fyne's default theme made for a public counter: large
// type (body 20 pt), roomy touch targets, always the light variant (a hall
// is bright and a dark screen reflects it) and the government red used for
// the primary action only. It embeds the default and overrides little.
type counterTheme struct {
	fyne.Theme
	textScale float32 // 1 for normal text, largeText for the large mode
}

// largeText is how much the large-text mode enlarges type: body text goes
// from 20 to 26 pt, for citizens who read with difficulty.
const largeText = 1.3

func newCounterTheme() fyne.Theme { return &counterTheme{Theme: theme.DefaultTheme(), textScale: 1} }

// counter is the theme every screen is drawn with; largeCounter the same
// with large type, for the citizens who ask for it.
var (
	counter      = newCounterTheme()
	largeCounter = newLargeTextTheme()
)

// newLargeTextTheme is the counter theme with larger type: the app's
// theme in large-text mode, with the header and the keyboard kept at the
// normal size by an override.
func newLargeTextTheme() fyne.Theme {
	return &counterTheme{Theme: theme.DefaultTheme(), textScale: largeText}
}

// Colours are chosen for at least 7:1 contrast (WCAG AAA) against both
// paper and cardPaper: white on primaryRed is 8.5:1, ink 15.4:1 or more,
// quietInk (placeholders, secondary lines) 8.1:1 or more.
var (
	primaryRed  = color.NRGBA{R: 0x9B, G: 0x0C, B: 0x1F, A: 0xFF}
	ink         = color.NRGBA{R: 0x1A, G: 0x1A, B: 0x1A, A: 0xFF}
	quietInk    = color.NRGBA{R: 0x48, G: 0x48, B: 0x48, A: 0xFF}
	paper       = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	cardPaper   = color.NRGBA{R: 0xF4, G: 0xF1, B: 0xEA, A: 0xFF}
	goldAccent  = color.NRGBA{R: 0xFF, G: 0xCD, B: 0x00, A: 0xFF}
	hoverShadow = color.NRGBA{R: 0x00, G: 0x00, B: 0x00, A: 0x14}
)

func (t *counterTheme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch name {
	case theme.ColorNamePrimary, theme.ColorNameFocus, theme.ColorNameError:
		// Errors in the same deep red: Fyne's bright red is 3.7:1 on white.
		return primaryRed
	case theme.ColorNameForeground:
		return ink
	case theme.ColorNamePlaceHolder:
		return quietInk
	case theme.ColorNameBackground, theme.ColorNameInputBackground:
		return paper
	case theme.ColorNameButton:
		return cardPaper
	case theme.ColorNameHover, theme.ColorNamePressed:
		return hoverShadow
	case theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnError:
		return paper
	}
	return t.Theme.Color(name, theme.VariantLight)
}

func (t *counterTheme) Size(name fyne.ThemeSizeName) float32 {
	switch name {
	case theme.SizeNameText, theme.SizeNameSubHeadingText, theme.SizeNameHeadingText, theme.SizeNameInlineIcon:
		return t.baseSize(name) * t.textScale
	}
	return t.baseSize(name)
}

func (t *counterTheme) baseSize(name fyne.ThemeSizeName) float32 {
	switch name {
	case theme.SizeNameText:
		return 20
	case theme.SizeNameSubHeadingText:
		return 24
	case theme.SizeNameHeadingText:
		return 32
	case theme.SizeNameInlineIcon:
		return 28
	case theme.SizeNamePadding:
		return 8
	case theme.SizeNameInnerPadding:
		return 14
	case theme.SizeNameInputBorder:
		return 2
	}
	return t.Theme.Size(name)
}

// heading is a screen's title: bold, in the theme's heading size.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	return l
}

// wrapped is a label whose text wraps at the screen's width.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// WarmFonts loads the fonts the screens use, so that building the first
// screen does not wait for them: parsing the font files is most of what
// the first screen costs. Fyne's font caches are safe for concurrent use,
// so call it on any goroutine once the app exists, while the rest starts.
func WarmFonts() {
	for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
		fyne.MeasureText("Một Cửa Kiosk", counter.Size(theme.SizeNameText), style)
	}
}
