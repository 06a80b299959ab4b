package receipt

import (
	"image"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// placed is a word at its x offset within a line.
type placed struct {
	st   style
	text string
	x    fixed.Int26_6
}

// line is one wrapped line and its width.
type line struct {
	words []placed
	w     fixed.Int26_6
}

// wrap breaks spans into lines no wider than max, greedily at spaces.
// Spans keep their styles across the break, so "Thủ tục:" stays bold and
// the procedure name after it wraps under it.
func wrap(spans []span, max fixed.Int26_6) []line {
	var lines []line
	var cur line
	for _, w := range words(spans, max) {
		gap := fixed.Int26_6(0)
		if len(cur.words) > 0 {
			gap = font.MeasureString(w.st.face, " ")
		}
		if len(cur.words) > 0 && cur.w+gap+w.w > max {
			lines = append(lines, cur)
			cur, gap = line{}, 0
		}
		cur.words = append(cur.words, placed{w.st, w.text, cur.w + gap})
		cur.w += gap + w.w
	}
	if len(cur.words) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

// word is a measured word; w is its width.
type word struct {
	st   style
	text string
	w    fixed.Int26_6
}

// words splits spans at white space and cuts any word wider than max
// (a URL, a long code) into pieces that fit.
func words(spans []span, max fixed.Int26_6) []word {
	var out []word
	for _, s := range spans {
		for _, f := range strings.Fields(s.text) {
			for _, piece := range cut(s.st, f, max) {
				out = append(out, word{s.st, piece, measure(s.st, piece)})
			}
		}
	}
	return out
}

// cut breaks a word wider than max into pieces that fit, preferring to
// break after a slash, dot, dash or other URL punctuation so an address
// or a dossier code stays readable; it never returns an empty piece.
func cut(st style, w string, max fixed.Int26_6) []string {
	var out []string
	for measure(st, w) > max {
		runes := []rune(w)
		fit, brk := 1, 0 // at least one rune per piece, however narrow
		for i := 1; i <= len(runes) && measure(st, string(runes[:i])) <= max; i++ {
			fit = i
			if strings.ContainsRune("/.-_?&=", runes[i-1]) && i < len(runes) {
				brk = i
			}
		}
		if brk == 0 {
			brk = fit
		}
		out = append(out, string(runes[:brk]))
		w = string(runes[brk:])
	}
	return append(out, w)
}

// measure is the width of text in st, faux-bold strokes included.
func measure(st style, text string) fixed.Int26_6 {
	return font.MeasureString(st.face, text) + fixed.I(st.strokes-1)
}

// metrics returns the line's height and ascent in pixels: those of its
// tallest face, so a bold label and its value share a baseline.
func (ln line) metrics() (height, ascent int) {
	for _, p := range ln.words {
		m := p.st.face.Metrics()
		height = max(height, m.Height.Ceil())
		ascent = max(ascent, m.Ascent.Ceil())
	}
	return height, ascent
}

// draw writes the line in black with its left edge at x and its baseline
// at y.
func (ln line) draw(dst *image.Gray, x, y fixed.Int26_6) {
	for _, p := range ln.words {
		for k := range p.st.strokes {
			d := font.Drawer{Dst: dst, Src: image.Black, Face: p.st.face, Dot: fixed.Point26_6{X: x + p.x + fixed.I(k), Y: y}}
			d.DrawString(p.text)
		}
	}
}
