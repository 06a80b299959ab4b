package receipt

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
)

// Paper sizes in millimetres, for PDF.
const (
	A6WidthMM, A6HeightMM = 105.0, 148.0
	A5WidthMM, A5HeightMM = 148.0, 210.0
)

// pdfMarginMM leaves what an office printer cannot print, with room to
// spare.
const pdfMarginMM = 8.0

// PNG encodes img as PNG, for the screen or a file.
func PNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("receipt: png: %w", err)
	}
	return b.Bytes(), nil
}

// PDF writes img as a one-page PDF 1.4 of the given paper size: the image
// scaled to the page width less the margins (or smaller, when it would
// run off the bottom), at the top, centred. The image is stored as
// DeviceGray, Flate-compressed, 1 bit a pixel when it is only black and
// white. The PDF is written by hand because one image on one page needs
// five objects, not a library.
func PDF(img image.Image, pageWidthMM, pageHeightMM float64) ([]byte, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, fmt.Errorf("receipt: pdf: empty image")
	}
	if pageWidthMM <= 2*pdfMarginMM || pageHeightMM <= 2*pdfMarginMM {
		return nil, fmt.Errorf("receipt: pdf: page %g×%g mm is smaller than its margins", pageWidthMM, pageHeightMM)
	}
	data, bpc := imageData(img)
	pixels, err := deflate(data)
	if err != nil {
		return nil, err
	}
	w, h := pt(pageWidthMM), pt(pageHeightMM)
	p := &pdfWriter{}
	p.header()
	p.object("<< /Type /Catalog /Pages 2 0 R >>")
	p.object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	p.object(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>", num(w), num(h)))
	p.stream(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent %d /Interpolate false /Filter /FlateDecode", b.Dx(), b.Dy(), bpc), pixels)
	p.stream("<<", []byte(placement(b, w, h)))
	p.trailer()
	return p.buf.Bytes(), nil
}

// pt converts millimetres to PDF points (1/72 inch).
func pt(mm float64) float64 { return mm * 72 / 25.4 }

func num(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// placement is the page's content: draw the image fitted inside the
// margins, top-centred. PDF's origin is the bottom-left corner.
func placement(b image.Rectangle, pageW, pageH float64) string {
	m := pt(pdfMarginMM)
	scale := min((pageW-2*m)/float64(b.Dx()), (pageH-2*m)/float64(b.Dy()))
	iw, ih := float64(b.Dx())*scale, float64(b.Dy())*scale
	x, y := (pageW-iw)/2, pageH-m-ih
	return fmt.Sprintf("q %s 0 0 %s %s %s cm /Im1 Do Q\n", num(iw), num(ih), num(x), num(y))
}

// imageData is the image XObject's samples and bits per component: one
// bit a pixel when img is only black and white, as a rendered receipt
// is (an eighth of the data to compress and to send to the printer),
// eight bits of grey otherwise.
func imageData(img image.Image) ([]byte, int) {
	gray := grayBytes(img)
	for _, v := range gray {
		if v != 0 && v != 0xff {
			return gray, 8
		}
	}
	w := img.Bounds().Dx()
	rowBytes := (w + 7) / 8
	out := make([]byte, rowBytes*img.Bounds().Dy())
	for i, v := range gray {
		if v != 0 { // DeviceGray: 1 is white
			y, x := i/w, i%w
			out[y*rowBytes+x/8] |= 0x80 >> (x % 8)
		}
	}
	return out, 1
}

// grayBytes is img as 8-bit grey, row by row, transparent parts white
// like the paper under them. A rendered receipt is an *image.Gray and is
// copied as it is: going pixel by pixel through At takes most of the
// time of an A6 page on a kiosk's small CPU.
func grayBytes(img image.Image) []byte {
	b := img.Bounds()
	out := make([]byte, 0, b.Dx()*b.Dy())
	if g, ok := img.(*image.Gray); ok {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			i := g.PixOffset(b.Min.X, y)
			out = append(out, g.Pix[i:i+b.Dx()]...)
		}
		return out
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out = append(out, grayOnWhite(img.At(x, y)))
		}
	}
	return out
}

// grayOnWhite is c's luminance composited over white paper.
func grayOnWhite(c color.Color) uint8 {
	r, g, bl, a := c.RGBA() // premultiplied
	y := (19595*r + 38470*g + 7471*bl + 1<<15) >> 16
	return uint8((y + 0xffff - a) >> 8)
}

func deflate(p []byte) ([]byte, error) {
	var b bytes.Buffer
	z := zlib.NewWriter(&b)
	if _, err := z.Write(p); err != nil {
		return nil, fmt.Errorf("receipt: pdf: %w", err)
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("receipt: pdf: %w", err)
	}
	return b.Bytes(), nil
}

// pdfWriter writes numbered objects one after another and remembers
// where each begins, for the cross-reference table.
type pdfWriter struct {
	buf     bytes.Buffer
	offsets []int
}

func (p *pdfWriter) header() {
	// The binary comment tells transfer tools the file is not text.
	p.buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
}

// object writes the next object, numbered from 1.
func (p *pdfWriter) object(body string) {
	p.offsets = append(p.offsets, p.buf.Len())
	fmt.Fprintf(&p.buf, "%d 0 obj\n%s\nendobj\n", len(p.offsets), body)
}

// stream writes the next object as a stream; dict is its dictionary
// opened but not closed, so the /Length is added here.
func (p *pdfWriter) stream(dict string, data []byte) {
	p.offsets = append(p.offsets, p.buf.Len())
	fmt.Fprintf(&p.buf, "%d 0 obj\n%s /Length %d >>\nstream\n", len(p.offsets), dict, len(data))
	p.buf.Write(data)
	p.buf.WriteString("\nendstream\nendobj\n")
}

// trailer writes the cross-reference table, each entry exactly 20 bytes
// as the format requires, and the trailer pointing at the catalog.
func (p *pdfWriter) trailer() {
	xref := p.buf.Len()
	fmt.Fprintf(&p.buf, "xref\n0 %d\n0000000000 65535 f \n", len(p.offsets)+1)
	for _, off := range p.offsets {
		fmt.Fprintf(&p.buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&p.buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(p.offsets)+1, xref)
}
