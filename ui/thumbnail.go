package ui

import (
	"bytes"
	"image"
	"image/color"
	_ "image/jpeg" // scans and phone photos
	_ "image/png"
)

// maxThumbSource is the largest picture the kiosk decodes: a PNG of a few
// kilobytes can claim 50 000 × 50 000 pixels, and decoding it would take
// the kiosk's memory. 50 megapixels is above any phone camera or scanner.
const maxThumbSource = 50_000_000

// thumbnail decodes a JPEG or PNG once and makes it at most thumbSize
// pixels on its longest side, so the screen never holds or redraws the
// full picture. It is nil for a PDF or a picture it cannot or will not
// decode: the screen then shows a document sign.
func thumbnail(mime string, data []byte) image.Image {
	if mime != "image/jpeg" && mime != "image/png" {
		return nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxThumbSource {
		return nil
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	return shrink(src, thumbSize)
}

// shrink scales img down so its longest side is at most size, each new
// pixel the average of the block it covers (a nearest pixel would alias
// the fine print of a scanned paper into noise).
func shrink(img image.Image, size int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	scale := max(w, h)
	if scale <= size {
		return img
	}
	tw, th := max(1, w*size/scale), max(1, h*size/scale)
	out := image.NewRGBA(image.Rect(0, 0, tw, th))
	for ty := range th {
		y0, y1 := b.Min.Y+ty*h/th, b.Min.Y+(ty+1)*h/th
		for tx := range tw {
			x0, x1 := b.Min.X+tx*w/tw, b.Min.X+(tx+1)*w/tw
			out.Set(tx, ty, average(img, x0, y0, max(x1, x0+1), max(y1, y0+1)))
		}
	}
	return out
}

// average is the mean colour of img's pixels in [x0,x1)×[y0,y1), sampled
// on at most a 4×4 grid: enough for a thumbnail, and a 12-megapixel photo
// is shrunk in milliseconds.
func average(img image.Image, x0, y0, x1, y1 int) color.Color {
	stepX, stepY := max(1, (x1-x0)/4), max(1, (y1-y0)/4)
	var r, g, b, a, n uint32
	for y := y0; y < y1; y += stepY {
		for x := x0; x < x1; x += stepX {
			cr, cg, cb, ca := img.At(x, y).RGBA()
			r, g, b, a, n = r+cr>>8, g+cg>>8, b+cb>>8, a+ca>>8, n+1
		}
	}
	return color.RGBA{uint8(r / n), uint8(g / n), uint8(b / n), uint8(a / n)}
}
