package receipt

import "testing"

// What printing costs the kiosk's CPU, from receipt to printer bytes.

func BenchmarkA6PDF(b *testing.B) {
	for b.Loop() {
		img, err := Render(sample(), Options{Width: WidthA6, Font: regular, BoldFont: bold})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := PDF(img, A6WidthMM, A6HeightMM); err != nil {
			b.Fatal(err)
		}
	}
}

func Benchmark58mmESCPOS(b *testing.B) {
	for b.Loop() {
		img, err := Render(sample(), Options{Width: Width58mm, Font: regular, BoldFont: bold})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ESCPOS(img, PrinterOptions{PaperMM: 58}); err != nil {
			b.Fatal(err)
		}
	}
}
