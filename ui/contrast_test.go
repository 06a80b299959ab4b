package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance of a colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestTextContrastIsAtLeast7To1 checks every pair of text and background
// colours the screens use, in both text sizes, against WCAG AAA.
func TestTextContrastIsAtLeast7To1(t *testing.T) {
	pairs := []struct {
		what       string
		text, back fyne.ThemeColorName
	}{
		{"body text on the page", theme.ColorNameForeground, theme.ColorNameBackground},
		{"text on a card or button", theme.ColorNameForeground, theme.ColorNameButton},
		{"text in a text box", theme.ColorNameForeground, theme.ColorNameInputBackground},
		{"a placeholder in a text box", theme.ColorNamePlaceHolder, theme.ColorNameInputBackground},
		{"a card's facts line", theme.ColorNamePlaceHolder, theme.ColorNameButton},
		{"the main action's label", theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
		{"an error message on the page", theme.ColorNameError, theme.ColorNameBackground},
	}
	for _, th := range []fyne.Theme{newCounterTheme(), newLargeTextTheme()} {
		for _, p := range pairs {
			text, back := th.Color(p.text, theme.VariantLight), th.Color(p.back, theme.VariantLight)
			if c := contrast(text, back); c < 7 {
				t.Errorf("%s: contrast %.2f:1; want at least 7:1", p.what, c)
			}
		}
	}
}
