package receipt

import (
	"bytes"
	"fmt"
	"image"
)

// PrinterOptions describe an ESC/POS thermal printer.
type PrinterOptions struct {
	// PaperMM is the roll width, 58 or 80; it sets Dots when Dots is 0.
	PaperMM int
	// Dots is how many dots the head prints across; 0 takes the usual
	// 203 dpi figure for PaperMM (384 for 58 mm, 576 for 80 mm). Some
	// 80 mm printers print 512.
	Dots int
	// BandRows is how many rows each GS v 0 command carries; 0 means
	// DefaultBandRows. Cheap printers have small buffers and drop or
	// garble one huge raster command; bands print seamlessly. More than
	// 2303, the most GS v 0 allows, is taken as 2303.
	BandRows int
	// NoCut leaves the cut out, for a printer with only a tear bar: it
	// then feeds enough paper to tear below the text.
	NoCut bool
}

// DefaultBandRows keeps each raster command under 14 KB even on 80 mm
// paper (576/8 × 192 bytes), which every ESC/POS printer we know of
// buffers whole.
const DefaultBandRows = 192

// maxBandRows is the most rows one GS v 0 command may carry.
const maxBandRows = 2303

// ESC/POS command bytes.
var (
	escInit    = []byte{0x1b, 0x40}             // ESC @: reset to defaults
	escFeed    = []byte{0x1b, 0x64, 4}          // ESC d 4: feed 4 lines, clear of the cutter
	escTearOff = []byte{0x1b, 0x64, 8}          // ESC d 8: feed to past the tear bar
	gsCut      = []byte{0x1d, 0x56, 0x42, 0x00} // GS V 66 0: feed to the cutter, partial cut
	gsRaster   = []byte{0x1d, 0x76, 0x30, 0x00} // GS v 0, m=0: raster bit image, normal size
)

// dots is the printable width for o.
func (o PrinterOptions) dots() (int, error) {
	if o.Dots > 0 {
		return o.Dots, nil
	}
	switch o.PaperMM {
	case 58:
		return Width58mm, nil
	case 80:
		return Width80mm, nil
	}
	return 0, fmt.Errorf("receipt: paper %d mm: want 58 or 80", o.PaperMM)
}

// ESCPOS is the byte stream that prints img on a raster thermal printer:
// initialise, the image in GS v 0 bands, feed, and a partial cut. Pixels
// darker than mid-grey print black. A plain threshold, not dithering, so
// QR modules stay solid squares a phone can read. An image wider than
// the printer's dots is refused rather than cut off.
func ESCPOS(img image.Image, o PrinterOptions) ([]byte, error) {
	dots, err := o.dots()
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	if b.Dx() > dots {
		return nil, fmt.Errorf("receipt: image %d px wide does not fit the printer's %d dots; render it at %d", b.Dx(), dots, dots)
	}
	if b.Empty() {
		return nil, fmt.Errorf("receipt: empty image")
	}
	band := o.BandRows
	if band <= 0 {
		band = DefaultBandRows
	}
	band = min(band, maxBandRows)
	gray := grayBytes(img)
	var out bytes.Buffer
	out.Write(escInit)
	for y := 0; y < b.Dy(); y += band {
		rasterBand(&out, gray[y*b.Dx():min(y+band, b.Dy())*b.Dx()], b.Dx())
	}
	if o.NoCut {
		out.Write(escTearOff)
	} else {
		out.Write(escFeed)
		out.Write(gsCut)
	}
	return out.Bytes(), nil
}

// rasterBand writes rows of grey pixels, width a row, as one GS v 0
// command: xL xH = bytes per row, yL yH = rows, then the rows, 8 pixels a
// byte, the leftmost in the high bit, 1 for black (darker than mid-grey).
func rasterBand(out *bytes.Buffer, gray []byte, width int) {
	rowBytes, rows := (width+7)/8, len(gray)/width
	out.Write(gsRaster)
	out.Write([]byte{byte(rowBytes), byte(rowBytes >> 8), byte(rows), byte(rows >> 8)})
	row := make([]byte, rowBytes)
	for y := range rows {
		clear(row)
		for x, v := range gray[y*width : (y+1)*width] {
			if v < 0x80 {
				row[x/8] |= 0x80 >> (x % 8)
			}
		}
		out.Write(row)
	}
}
