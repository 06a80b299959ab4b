//go:build e2e

// The end-to-end test runs the real cgo binary in a real window under Xvfb.
// Run it with `make e2e`; `make screenshot` keeps the picture for the README.
package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestE2EDemoWindowShowsHome(t *testing.T) {
	bin := kioskBinary(t)
	display := startXvfb(t)

	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dataDir := t.TempDir()
	// As on a counter: full screen, no decorations. The display is not
	// 1280 × 800, so a normal window cannot pass for a full-screen one.
	cmd := exec.CommandContext(ctx, bin, "--demo", "-window", "kiosk", "--data-dir", dataDir, "-log-format", "json")
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=vi_VN.UTF-8")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })

	waitFor(t, 90*time.Second, "the kiosk window to appear", func() bool {
		select {
		case <-exited:
			t.Fatalf("the kiosk exited before showing its window: %s", logs.String())
		default:
		}
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", "Kiosk").Output()
		return err == nil && len(bytes.TrimSpace(out)) > 0
	})
	time.Sleep(2 * time.Second) // let the first frames paint
	if geom := windowGeometry(t); geom != xvfbSize {
		t.Errorf("the kiosk window is %s; want the whole %s screen", geom, xvfbSize)
	}
	for _, line := range []string{`"message":"demo: enrolled with the in-process reference server"`, `"message":"kiosk started"`} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("log = %s; want %s: the demo enrols and fetches its catalog over HTTP", logs.String(), line)
		}
	}

	shot := filepath.Join(t.TempDir(), "screen.png")
	if out, err := exec.Command("import", "-display", display, "-window", "root", shot).CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v: %s", err, out)
	}
	img := readPNG(t, shot)
	// The header's gold band and the white page prove our UI painted,
	// not a black Xvfb root or an empty window.
	if n := countColour(img, 0xFF, 0xCD, 0x00); n < 1000 {
		t.Errorf("screenshot has %d gold pixels; want the header band (≥ 1000)", n)
	}
	if n := countColour(img, 0xFF, 0xFF, 0xFF); n < img.Bounds().Dx()*img.Bounds().Dy()/4 {
		t.Errorf("screenshot has %d white pixels; want the page background to fill much of the screen", n)
	}
	if dst := os.Getenv("SCREENSHOT"); dst != "" {
		data, _ := os.ReadFile(shot)
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	callHelpByTouch(t, img, display, logs.String())

	second, err := exec.Command(bin, "--demo", "--data-dir", dataDir).CombinedOutput()
	if err == nil || !strings.Contains(string(second), "the kiosk is already running (data directory "+dataDir) {
		t.Errorf("a second kiosk on the same data directory: %v, %s; want it refused with a clear message", err, second)
	}
	if strings.Contains(logs.String(), "panic") {
		t.Errorf("the kiosk panicked: %s", logs.String())
	}
}

// callHelpByTouch touches the header's help button — the one orange
// control on the home screen, found in the screenshot — and reads the
// team's queue on the demo's /help page as a team member would: one
// request, from the home screen.
func callHelpByTouch(t *testing.T, shot image.Image, display, output string) {
	t.Helper()
	m := regexp.MustCompile(`demo: help queue (\S+)/help \(staff token (\S+)\)`).FindStringSubmatch(output)
	if m == nil {
		t.Fatalf("the demo did not print its help queue; output: %s", output)
	}
	base, token := m[1], m[2]
	box, n := colourBox(shot, 0xFF, 0x98, 0x00)
	if n < 500 {
		t.Fatalf("no orange help button on the home screen (%d pixels)", n)
	}
	x, y := (box.Min.X+box.Max.X)/2, (box.Min.Y+box.Max.Y)/2
	touch := exec.Command("xdotool", "mousemove", fmt.Sprint(x), fmt.Sprint(y), "click", "1")
	touch.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := touch.CombinedOutput(); err != nil {
		t.Fatalf("xdotool click: %v: %s", err, out)
	}
	jar, _ := cookiejar.New(nil)
	staff := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	resp, err := staff.PostForm(base+"/help", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var page string
	waitFor(t, 10*time.Second, "the help request on the team's page", func() bool {
		resp, err := staff.Get(base + "/help")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		page = string(body)
		return strings.Contains(page, "Nhận hỗ trợ")
	})
	if !strings.Contains(page, "home") {
		t.Errorf("the team's page does not name the home screen: %s", page)
	}
}

// colourBox is the bounding box of the pixels of one colour, and how many.
func colourBox(img image.Image, r, g, b uint8) (image.Rectangle, int) {
	var box image.Rectangle
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if uint8(pr>>8) == r && uint8(pg>>8) == g && uint8(pb>>8) == b {
				p := image.Rect(x, y, x+1, y+1)
				if n == 0 {
					box = p
				} else {
					box = box.Union(p)
				}
				n++
			}
		}
	}
	return box, n
}

func kioskBinary(t *testing.T) string {
	if bin := os.Getenv("KIOSK_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "kiosk")
	build := exec.Command("go", "build", "-tags", "no_animations,migrated_fynedo", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// windowGeometry is the kiosk window's size as xdotool reports it, e.g.
// "1366x768".
func windowGeometry(t *testing.T) string {
	out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", "Kiosk", "getwindowgeometry").Output()
	if err != nil {
		t.Fatalf("xdotool getwindowgeometry: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if size, ok := strings.CutPrefix(strings.TrimSpace(line), "Geometry: "); ok {
			return size
		}
	}
	t.Fatalf("xdotool getwindowgeometry said %q", out)
	return ""
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}

func countColour(img image.Image, r, g, b uint8) int {
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if uint8(cr>>8) == r && uint8(cg>>8) == g && uint8(cb>>8) == b {
				n++
			}
		}
	}
	return n
}
