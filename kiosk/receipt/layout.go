package receipt

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// fontSet is the parsed fonts of an Options; bold is nil when none was given.
type fontSet struct{ regular, bold *sfnt.Font }

// loadFonts parses the fonts and checks they can write Vietnamese, so a
// wrong font (a monospace one, say) fails loudly instead of printing
// boxes in every name.
func loadFonts(o Options) (fontSet, error) {
	if len(o.Font) == 0 {
		return fontSet{}, errors.New("receipt: no font given")
	}
	var fs fontSet
	var err error
	if fs.regular, err = parseFont(o.Font, "font"); err != nil {
		return fontSet{}, err
	}
	if len(o.BoldFont) > 0 {
		if fs.bold, err = parseFont(o.BoldFont, "bold font"); err != nil {
			return fontSet{}, err
		}
	}
	return fs, nil
}

func parseFont(b []byte, what string) (*sfnt.Font, error) {
	f, err := opentype.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("receipt: %s: %w", what, err)
	}
	if r, ok := missingVietnamese(f); !ok {
		return nil, fmt.Errorf("receipt: %s has no glyph for the Vietnamese letter %q", what, r)
	}
	return f, nil
}

// vietnamese is every letter of the Vietnamese alphabet that is not in
// ASCII: the vowels with their hats and horns, each with the five tone
// marks, and đ. A font with all of them can print any Vietnamese name.
var vietnamese = func() []rune {
	var out []rune
	for _, base := range "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" {
		out = append(out, base)
		for _, tone := range "\u0300\u0301\u0309\u0303\u0323" { // huyền sắc hỏi ngã nặng
			out = append(out, []rune(norm.NFC.String(string(base)+string(tone)))...)
		}
	}
	return append(out, 'đ', 'Đ', '–')
}()

// missingVietnamese returns the first Vietnamese letter f has no glyph for.
func missingVietnamese(f *sfnt.Font) (rune, bool) {
	var buf sfnt.Buffer
	for _, r := range vietnamese {
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			return r, false
		}
	}
	return 0, true
}

// style is a face to draw with. strokes > 1 draws each word that many
// times a pixel apart: a faux bold for when no bold font was given.
type style struct {
	face    font.Face
	strokes int
}

// span is a run of text in one style; a paragraph is a few spans.
type span struct {
	st   style
	text string
}

type align int

const (
	left align = iota
	center
)

// layout places a receipt's parts top to bottom. With dst nil it only
// measures; with dst set it also draws.
type layout struct {
	width, pad, gap int
	bodyPx          float64
	fonts           fontSet
	body, bold      style
	title, small    style
	y               int
	dst             *image.Gray
}

// newLayout sizes everything from the width alone, so 58 mm, 80 mm and
// A6 receipts look alike, only larger: body text is 1/22 of the width
// (17 px ≈ 2.2 mm on a 58 mm roll, 56 px ≈ 4.8 mm on A6 at 300 dpi).
func newLayout(width int, fonts fontSet) (*layout, error) {
	l := &layout{width: width, pad: width / 24, fonts: fonts, bodyPx: float64(width) / 22}
	l.gap = int(math.Round(l.bodyPx * 0.35))
	var err error
	for _, s := range []struct {
		st   *style
		px   float64
		bold bool
	}{
		{&l.body, l.bodyPx, false},
		{&l.bold, l.bodyPx, true},
		{&l.title, l.bodyPx * 1.1, true},
		{&l.small, max(l.bodyPx*0.8, 14), false},
	} {
		if *s.st, err = l.style(s.px, s.bold); err != nil {
			return nil, err
		}
	}
	l.y = l.pad
	return l, nil
}

// style makes a face of px pixels: sizes are given at 72 dpi, where a
// point is a pixel. Full hinting snaps stems to whole pixels, which keeps
// thin strokes from vanishing when the image is thresholded to 1 bit.
func (l *layout) style(px float64, bold bool) (style, error) {
	f, strokes := l.fonts.regular, 1
	if bold && l.fonts.bold != nil {
		f = l.fonts.bold
	} else if bold {
		strokes = 1 + max(1, int(math.Round(px/24)))
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return style{}, fmt.Errorf("receipt: font at %.0f px: %w", px, err)
	}
	return style{face: face, strokes: strokes}, nil
}

// content is the width text may take, between the side margins.
func (l *layout) content() fixed.Int26_6 { return fixed.I(l.width - 2*l.pad) }

// height is the paper needed so far, with the bottom margin.
func (l *layout) height() int { return l.y + l.pad }

// start begins the drawing pass on a white dst.
func (l *layout) start(dst *image.Gray) {
	for i := range dst.Pix {
		dst.Pix[i] = 0xff
	}
	l.dst, l.y = dst, l.pad
}

// finish thresholds the antialiased text to pure black and white: a
// thermal printer has no grey, and a PDF of a 1-bit image prints the same
// on any printer.
func (l *layout) finish() *image.Gray {
	for i, v := range l.dst.Pix {
		if v < 0x80 {
			l.dst.Pix[i] = 0
		} else {
			l.dst.Pix[i] = 0xff
		}
	}
	return l.dst
}

// paragraph wraps spans to the content width and places the lines.
func (l *layout) paragraph(a align, spans ...span) {
	for _, ln := range wrap(spans, l.content()) {
		h, asc := ln.metrics()
		if l.dst != nil {
			x := fixed.I(l.pad)
			if a == center {
				x += (l.content() - ln.w) / 2
			}
			ln.draw(l.dst, x, fixed.I(l.y+asc))
		}
		l.y += h
	}
	l.y += l.gap
}

// code writes the dossier code as large as fits on one line, down to the
// body size; a code longer than that wraps at its dots and dashes.
func (l *layout) code(text string) {
	st := l.bold
	for px := l.bodyPx * 1.8; px > l.bodyPx; px *= 0.92 {
		s, err := l.style(px, true)
		if err == nil && measure(s, text) <= l.content() {
			st = s
			break
		}
	}
	l.paragraph(center, span{st, text})
}

// rule draws a black line across, between the receipt's sections.
func (l *layout) rule() {
	t := max(2, l.width/192)
	if l.dst != nil {
		r := image.Rect(l.pad, l.y, l.width-l.pad, l.y+t)
		fill(l.dst, r)
	}
	l.y += t + l.gap
}

// qr draws url as a QR code, error correction M, with its quiet zone, at
// a whole number of pixels per module so every module stays a crisp
// square on a thermal printer. It takes about half the width: about
// 25 mm on a 58 mm roll, which a phone reads at arm's length.
func (l *layout) qr(url string) error {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("receipt: tracking URL as QR: %w", err)
	}
	bits := q.Bitmap() // includes the 4-module quiet zone
	n := len(bits)
	scale := min(l.width*11/20, l.width-2*l.pad) / n
	if scale < 2 {
		return fmt.Errorf("receipt: tracking URL of %d bytes is too long for a QR %d px wide", len(url), l.width)
	}
	x0 := (l.width - n*scale) / 2
	if l.dst != nil {
		for y, row := range bits {
			for x, black := range row {
				if black {
					fill(l.dst, image.Rect(x0+x*scale, l.y+y*scale, x0+(x+1)*scale, l.y+(y+1)*scale))
				}
			}
		}
	}
	l.y += n * scale
	return nil
}

func fill(dst *image.Gray, r image.Rectangle) {
	r = r.Intersect(dst.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			dst.SetGray(x, y, color.Gray{})
		}
	}
}
