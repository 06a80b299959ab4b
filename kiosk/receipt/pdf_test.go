package receipt

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func samplePDF(t *testing.T, wmm, hmm float64) (*image.Gray, []byte) {
	t.Helper()
	img := render(t, sample(), Options{Width: WidthA6, Font: regular, BoldFont: bold})
	pdf, err := PDF(img, wmm, hmm)
	if err != nil {
		t.Fatal(err)
	}
	return img, pdf
}

// TestPDFStructure reads the PDF the way a viewer starts to: from
// startxref to the table, from each entry to its object, and the image
// stream back to the receipt's pixels.
func TestPDFStructure(t *testing.T) {
	img, pdf := samplePDF(t, A6WidthMM, A6HeightMM)
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatalf("PDF starts %q, ends %q; want %%PDF-1.4 … %%%%EOF", pdf[:9], pdf[len(pdf)-6:])
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref before the end-of-file marker")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	offsets := readXref(t, pdf[xref:])
	if len(offsets) != 5 {
		t.Fatalf("xref lists %d objects; want 5", len(offsets))
	}
	for i, off := range offsets {
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q; want %q", i+1, pdf[off:off+10], want)
		}
	}
	if !regexp.MustCompile(`trailer\n<< /Size 6 /Root 1 0 R >>`).Match(pdf) {
		t.Error("trailer lacks /Size 6 /Root 1 0 R")
	}
	if !bytes.Contains(pdf[offsets[3]:offsets[4]], []byte("/BitsPerComponent 1 ")) {
		t.Error("a black-and-white receipt is not stored at 1 bit a pixel")
	}
	if got := unpack(inflateObject(t, pdf[offsets[3]:]), img.Bounds().Dx()); !bytes.Equal(got, img.Pix) {
		t.Errorf("image stream unpacks to %d pixels unlike the receipt's %d", len(got), len(img.Pix))
	}
	if !bytes.Contains(pdf, []byte("/MediaBox [0 0 297.64 419.53]")) {
		t.Error("MediaBox is not A6 (297.64 × 419.53 pt)")
	}
}

// readXref parses "xref\n0 N\n" and its N 20-byte entries; it returns
// the offsets of objects 1…N-1.
func readXref(t *testing.T, b []byte) []int {
	t.Helper()
	var n int
	if _, err := fmt.Sscanf(string(b), "xref\n0 %d\n", &n); err != nil {
		t.Fatalf("startxref points at %q, not an xref table", b[:min(len(b), 12)])
	}
	b = b[bytes.IndexByte(b[5:], '\n')+6:]
	if string(b[:20]) != "0000000000 65535 f \n" {
		t.Errorf("xref entry 0 = %q", b[:20])
	}
	var out []int
	for i := 1; i < n; i++ {
		e := string(b[i*20 : (i+1)*20])
		if !strings.HasSuffix(e, " 00000 n \n") {
			t.Fatalf("xref entry %d = %q; want 20 bytes ending in-use", i, e)
		}
		off, _ := strconv.Atoi(e[:10])
		out = append(out, off)
	}
	return out
}

// unpack turns 1-bit rows (1 = white) back into 8-bit grey.
func unpack(bits []byte, width int) []byte {
	rowBytes := (width + 7) / 8
	var out []byte
	for y := 0; y+rowBytes <= len(bits); y += rowBytes {
		for x := range width {
			v := byte(0)
			if bits[y+x/8]&(0x80>>(x%8)) != 0 {
				v = 0xff
			}
			out = append(out, v)
		}
	}
	return out
}

// TestPDFGreyImage: an image with grey in it keeps 8 bits a pixel,
// composited over white like paper.
func TestPDFGreyImage(t *testing.T) {
	img := pattern(101, 40)
	pdf, err := PDF(img, A5WidthMM, A5HeightMM)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(pdf, []byte("/Width 101 /Height 40 /ColorSpace /DeviceGray /BitsPerComponent 8 ")) {
		t.Error("grey image not stored as 101×40 8-bit DeviceGray")
	}
	i := bytes.Index(pdf, []byte("4 0 obj\n"))
	got := inflateObject(t, pdf[i:])
	if len(got) != 101*40 {
		t.Fatalf("image stream inflates to %d bytes; want %d", len(got), 101*40)
	}
	for y := range 40 {
		for x := range 101 {
			if (got[y*101+x] < 0x80) != black(img, 10+x, 20+y) {
				t.Fatalf("pixel (%d, %d) = %d, unlike the image", x, y, got[y*101+x])
			}
		}
	}
	if x := 7; got[x] != 0xff { // column 7 is transparent: paper white
		t.Errorf("transparent pixel = %d; want 255", got[x])
	}
}

// inflateObject reads a stream object's /Length bytes and inflates them.
func inflateObject(t *testing.T, obj []byte) []byte {
	t.Helper()
	m := regexp.MustCompile(`(?s)^\d+ 0 obj\n<<.*?/Length (\d+) >>\nstream\n`).FindSubmatch(obj)
	if m == nil {
		t.Fatalf("not a stream object: %q", obj[:min(len(obj), 60)])
	}
	n, _ := strconv.Atoi(string(m[1]))
	data := obj[len(m[0]) : len(m[0])+n]
	if !bytes.HasPrefix(obj[len(m[0])+n:], []byte("\nendstream")) {
		t.Error("/Length does not end at endstream")
	}
	z, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPDFTools asks real PDF readers: qpdf checks the syntax and xref,
// pdfinfo the page, and pdftoppm + zbarimg that the printed QR still
// reads as the tracking URL.
func TestPDFTools(t *testing.T) {
	_, pdf := samplePDF(t, A6WidthMM, A6HeightMM)
	path := filepath.Join(t.TempDir(), "receipt.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	ran := 0
	if tool(t, "qpdf") {
		ran++
		out, err := exec.Command("qpdf", "--check", path).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors") {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}
	}
	if tool(t, "pdfinfo") {
		ran++
		out, err := exec.Command("pdfinfo", path).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Pages:") || !strings.Contains(string(out), "297.64 x 419.53 pts") {
			t.Errorf("pdfinfo: %v\n%s", err, out)
		}
	}
	if tool(t, "pdftoppm") && tool(t, "zbarimg") {
		ran++
		prefix := filepath.Join(t.TempDir(), "page")
		if out, err := exec.Command("pdftoppm", "-r", "200", "-png", "-singlefile", path, prefix).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		if got := zbar(t, prefix+".png"); got != sample().TrackingURL {
			t.Errorf("QR on the printed PDF = %q; want %q", got, sample().TrackingURL)
		}
	}
	if ran == 0 {
		t.Skip("SKIPPED: none of qpdf, pdfinfo, pdftoppm installed (Debian: qpdf, poppler-utils); the PDF was checked only by TestPDFStructure")
	}
}

func tool(t *testing.T, name string) bool {
	if _, err := exec.LookPath(name); err != nil {
		t.Logf("SKIPPED part: %s not installed", name)
		return false
	}
	return true
}

func TestPDFPlacement(t *testing.T) {
	for _, tc := range []struct {
		name     string
		img      image.Rectangle
		wmm, hmm float64
		want     string
	}{
		// A6 width less 8 mm margins = 89 mm = 252.28 pt; 1240 px wide.
		{"fits the width", image.Rect(0, 0, 1240, 1240), A6WidthMM, A6HeightMM, "q 252.28 0 0 252.28 22.68 144.57 cm /Im1 Do Q\n"},
		// Too tall for A6 by width: the height decides, 419.53-2*22.68.
		{"fits the height", image.Rect(0, 0, 100, 1000), A6WidthMM, A6HeightMM, "q 37.42 0 0 374.17 130.11 22.68 cm /Im1 Do Q\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := placement(tc.img, pt(tc.wmm), pt(tc.hmm)); got != tc.want {
				t.Errorf("placement = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestPDFRefuses(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 10, 10))
	if _, err := PDF(img, 10, 100); err == nil || !strings.Contains(err.Error(), "smaller than its margins") {
		t.Errorf("PDF(10 mm wide) error = %v; want a page too small", err)
	}
	if _, err := PDF(image.NewGray(image.Rectangle{}), A6WidthMM, A6HeightMM); err == nil {
		t.Error("PDF(empty image) = nil error")
	}
}

func TestPNGRoundTrip(t *testing.T) {
	img := render(t, sample(), Options{Width: Width58mm, Font: regular})
	b, err := PNG(img)
	if err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	g, ok := back.(*image.Gray)
	if !ok || !bytes.Equal(g.Pix, img.Pix) {
		t.Errorf("PNG decodes to a %T that differs from the receipt", back)
	}
}
