package receipt

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// raster is an ESC/POS stream read back: what a printer would print.
type raster struct {
	rowBytes int
	bands    []int // rows in each GS v 0 command
	bits     [][]byte
	tail     []byte // everything after the last band
}

// decodeESCPOS reads a stream as ESCPOS writes it: ESC @, then GS v 0
// commands (m, xL xH yL yH, then the rows), then the tail. It fails on
// anything else, so a stray byte between bands is caught.
func decodeESCPOS(t *testing.T, b []byte) raster {
	t.Helper()
	if !bytes.HasPrefix(b, []byte{0x1b, 0x40}) {
		t.Fatalf("stream starts % x; want ESC @ (1b 40)", b[:min(len(b), 2)])
	}
	b = b[2:]
	var r raster
	for bytes.HasPrefix(b, []byte{0x1d, 0x76, 0x30}) {
		if len(b) < 8 {
			t.Fatalf("GS v 0 header cut short: % x", b)
		}
		m, x, y := b[3], int(b[4])|int(b[5])<<8, int(b[6])|int(b[7])<<8
		if m != 0 {
			t.Errorf("GS v 0 m = %d; want 0 (normal size)", m)
		}
		if r.rowBytes != 0 && x != r.rowBytes {
			t.Fatalf("band %d is %d bytes wide, band 0 %d", len(r.bands), x, r.rowBytes)
		}
		r.rowBytes = x
		b = b[8:]
		if len(b) < x*y {
			t.Fatalf("band %d: %d bytes of raster; want %d", len(r.bands), len(b), x*y)
		}
		for i := range y {
			r.bits = append(r.bits, b[i*x:(i+1)*x])
		}
		r.bands = append(r.bands, y)
		b = b[x*y:]
	}
	r.tail = b
	return r
}

// black is the test's own reading of a pixel, through At rather than
// the fast path ESCPOS takes: darker than mid-grey over white paper.
func black(img image.Image, x, y int) bool {
	r, g, b, a := img.At(x, y).RGBA()
	lum := (19595*r + 38470*g + 7471*b + 1<<15) >> 16
	return lum+0xffff-a < 0x8000
}

// at says whether the decoded raster prints dot (x, y).
func (r raster) at(x, y int) bool { return r.bits[y][x/8]&(0x80>>(x%8)) != 0 }

// checkPixels compares a decoded raster with the image it came from,
// pixel by pixel, and checks the padding bits past the image are blank.
func checkPixels(t *testing.T, r raster, img image.Image) {
	t.Helper()
	b := img.Bounds()
	if len(r.bits) != b.Dy() || r.rowBytes != (b.Dx()+7)/8 {
		t.Fatalf("raster %d rows × %d bytes; want %d × %d", len(r.bits), r.rowBytes, b.Dy(), (b.Dx()+7)/8)
	}
	for y := range b.Dy() {
		for x := range r.rowBytes * 8 {
			want := x < b.Dx() && black(img, b.Min.X+x, b.Min.Y+y)
			if got := r.at(x, y); got != want {
				t.Fatalf("dot (%d, %d) = %v; want %v", x, y, got, want)
			}
		}
	}
}

func TestESCPOSReceipt(t *testing.T) {
	for _, tc := range []struct {
		paper, width, rowBytes int
	}{
		{58, Width58mm, 48},
		{80, Width80mm, 72},
	} {
		t.Run(fmt.Sprintf("%dmm", tc.paper), func(t *testing.T) {
			img := render(t, sample(), Options{Width: tc.width, Font: regular, BoldFont: bold})
			out, err := ESCPOS(img, PrinterOptions{PaperMM: tc.paper})
			if err != nil {
				t.Fatal(err)
			}
			r := decodeESCPOS(t, out)
			if r.rowBytes != tc.rowBytes {
				t.Errorf("row = %d bytes; want %d", r.rowBytes, tc.rowBytes)
			}
			checkPixels(t, r, img)
			for i, n := range r.bands {
				if n > DefaultBandRows || n == 0 || n < DefaultBandRows && i != len(r.bands)-1 {
					t.Errorf("band %d has %d rows; want %d except the last", i, n, DefaultBandRows)
				}
			}
			want := []byte{0x1b, 0x64, 4, 0x1d, 0x56, 0x42, 0x00} // feed 4 lines, partial cut
			if !bytes.Equal(r.tail, want) {
				t.Errorf("tail = % x; want % x (ESC d 4, GS V 66 0)", r.tail, want)
			}
		})
	}
}

// pattern is a small test image with a grey ramp, a transparent strip
// and a width that is not a multiple of 8.
func pattern(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(10, 20, 10+w, 20+h)) // not at the origin
	for y := range h {
		for x := range w {
			c := color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 0xff}
			if x%7 == 0 {
				c.A = 0 // transparent: paper white
			}
			img.SetNRGBA(10+x, 20+y, c)
		}
	}
	return img
}

func TestESCPOSOptions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		w, h     int
		o        PrinterOptions
		bands    []int
		tail     []byte
		rowBytes int
	}{
		{"odd width, bands of 24", 301, 50, PrinterOptions{PaperMM: 58, BandRows: 24}, []int{24, 24, 2}, []byte{0x1b, 0x64, 4, 0x1d, 0x56, 0x42, 0}, 38},
		{"one band", 384, 10, PrinterOptions{PaperMM: 58}, []int{10}, []byte{0x1b, 0x64, 4, 0x1d, 0x56, 0x42, 0}, 48},
		{"255-row bands on 80 mm", 576, 600, PrinterOptions{PaperMM: 80, BandRows: 255}, []int{255, 255, 90}, []byte{0x1b, 0x64, 4, 0x1d, 0x56, 0x42, 0}, 72},
		{"tear bar, no cut", 200, 5, PrinterOptions{PaperMM: 80, NoCut: true}, []int{5}, []byte{0x1b, 0x64, 8}, 25},
		{"512-dot printer", 512, 3, PrinterOptions{PaperMM: 80, Dots: 512}, []int{3}, []byte{0x1b, 0x64, 4, 0x1d, 0x56, 0x42, 0}, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := pattern(tc.w, tc.h)
			out, err := ESCPOS(img, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			r := decodeESCPOS(t, out)
			if fmt.Sprint(r.bands) != fmt.Sprint(tc.bands) || r.rowBytes != tc.rowBytes || !bytes.Equal(r.tail, tc.tail) {
				t.Errorf("bands %v, %d bytes a row, tail % x; want %v, %d, % x", r.bands, r.rowBytes, r.tail, tc.bands, tc.rowBytes, tc.tail)
			}
			checkPixels(t, r, img)
		})
	}
}

func TestESCPOSRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		img  image.Image
		o    PrinterOptions
		want string
	}{
		{"80 mm image on 58 mm paper", image.NewGray(image.Rect(0, 0, Width80mm, 10)), PrinterOptions{PaperMM: 58}, "does not fit the printer's 384 dots"},
		{"wider than a 512-dot head", image.NewGray(image.Rect(0, 0, Width80mm, 10)), PrinterOptions{PaperMM: 80, Dots: 512}, "512 dots"},
		{"unknown paper", image.NewGray(image.Rect(0, 0, 100, 10)), PrinterOptions{PaperMM: 57}, "paper 57 mm: want 58 or 80"},
		{"empty image", image.NewGray(image.Rect(0, 0, 0, 0)), PrinterOptions{PaperMM: 58}, "empty image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ESCPOS(tc.img, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ESCPOS() error = %v; want one saying %q", err, tc.want)
			}
		})
	}
}

// updateGolden rewrites the golden ESC/POS streams: after a deliberate
// change to the layout, run `go test ./kiosk/receipt -run Golden -update`
// and print the new files on a real printer before committing them.
var updateGolden = flag.Bool("update", false, "rewrite the golden ESC/POS files in testdata/")

// TestESCPOSGoldenBytes: the sample receipt's byte stream for each roll
// width is exactly the one kept in testdata/, as a printer received it.
// Any change — layout, font rendering, bands, the cut — shows up here.
func TestESCPOSGoldenBytes(t *testing.T) {
	for _, tc := range []struct{ paper, width int }{{58, Width58mm}, {80, Width80mm}} {
		t.Run(fmt.Sprintf("%dmm", tc.paper), func(t *testing.T) {
			out, err := ESCPOS(render(t, sample(), Options{Width: tc.width, Font: regular, BoldFont: bold}), PrinterOptions{PaperMM: tc.paper})
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", fmt.Sprintf("receipt-%dmm.escpos", tc.paper))
			if *updateGolden {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (make it with -update)", err)
			}
			if !bytes.Equal(out, want) {
				i := 0
				for i < min(len(out), len(want)) && out[i] == want[i] {
					i++
				}
				t.Errorf("the %d mm stream differs from %s at byte %d of %d (want %d bytes)", tc.paper, golden, i, len(out), len(want))
			}
		})
	}
}
