package receipt

import (
	"image"
	"testing"
)

// What printing costs the kiosk's CPU, from receipt to printer bytes, in
// every format the package writes: each benchmark renders the sample
// receipt and encodes it, and reports the size of what it wrote.

func BenchmarkA6PDF(b *testing.B) {
	benchFormat(b, WidthA6, func(img image.Image) ([]byte, error) { return PDF(img, A6WidthMM, A6HeightMM) })
}

func BenchmarkA6PNG(b *testing.B) {
	benchFormat(b, WidthA6, PNG)
}

func Benchmark58mmESCPOS(b *testing.B) {
	benchFormat(b, Width58mm, func(img image.Image) ([]byte, error) { return ESCPOS(img, PrinterOptions{PaperMM: 58}) })
}

func Benchmark80mmESCPOS(b *testing.B) {
	benchFormat(b, Width80mm, func(img image.Image) ([]byte, error) { return ESCPOS(img, PrinterOptions{PaperMM: 80}) })
}

// benchFormat renders the sample width pixels wide and encodes it.
func benchFormat(b *testing.B, width int, encode func(image.Image) ([]byte, error)) {
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		img, err := Render(sample(), Options{Width: width, Font: regular, BoldFont: bold})
		if err != nil {
			b.Fatal(err)
		}
		if out, err = encode(img); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(out)), "out-bytes")
}
