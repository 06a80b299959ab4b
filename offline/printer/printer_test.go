package printer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"
	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/receipt"
)

// These tests never reach a real printer: ESC/POS goes to a temp file or
// a loopback listener, and lp is a fake script first on PATH.

var font = theme.DefaultTextFont().Content() // only tests import Fyne

func sample() receipt.Receipt {
	return receipt.Receipt{
		Unit:          "UBND phường Hoàn Kiếm – Bộ phận Một cửa",
		ProcedureName: kiosk.Text{VI: "Đăng ký khai sinh", EN: "Birth registration"},
		DossierCode:   "000.00.01.H26-260930-0012",
		ApplicantName: "Nguyễn Thị Ánh Nguyệt",
		ReceivedAt:    time.Date(2026, 9, 30, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600)),
		DueDate:       time.Date(2026, 10, 7, 0, 0, 0, 0, time.UTC),
		Fee:           20000,
		TrackingURL:   "https://dichvucong.example.gov.vn/t/000.00.01.H26-260930-0012",
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string // each must appear in the error; none: valid
	}{
		{"zero is none", Config{}, nil},
		{"none", Config{Kind: KindNone}, nil},
		{"cups default queue", Config{Kind: KindCUPS}, nil},
		{"cups queue", Config{Kind: KindCUPS, Queue: "Quay_1-HP"}, nil},
		{"escpos usb", Config{Kind: KindESCPOS, Device: "/dev/usb/lp0", PaperMM: 58}, nil},
		{"escpos tcp:", Config{Kind: KindESCPOS, Device: "tcp:192.168.1.50:9100", PaperMM: 80}, nil},
		{"escpos tcp://", Config{Kind: KindESCPOS, Device: "tcp://printer.local:9100", PaperMM: 80}, nil},
		{"escpos host:port", Config{Kind: KindESCPOS, Device: "printer.local:9100", PaperMM: 80}, nil},
		{"unknown kind", Config{Kind: "lpr"}, []string{`printer.kind "lpr"`, "want cups, escpos or none"}},
		{"queue as option", Config{Kind: KindCUPS, Queue: "-o"}, []string{`printer.queue "-o"`, "lpstat -p"}},
		{"queue with space", Config{Kind: KindCUPS, Queue: "Quầy 1"}, []string{`printer.queue "Quầy 1"`}},
		{"device with cups", Config{Kind: KindCUPS, Device: "/dev/usb/lp0"}, []string{"printer.device", "only for kind escpos"}},
		{"escpos missing all", Config{Kind: KindESCPOS}, []string{"printer.device: missing", "printer.paper_mm: missing"}},
		{"escpos relative device", Config{Kind: KindESCPOS, Device: "lp0", PaperMM: 58}, []string{`printer.device "lp0"`, "/dev/usb/lp0"}},
		{"escpos bad port", Config{Kind: KindESCPOS, Device: "tcp:printer:http", PaperMM: 58}, []string{`printer.device "tcp:printer:http"`, "tcp:HOST:PORT"}},
		{"escpos port 0", Config{Kind: KindESCPOS, Device: "printer:0", PaperMM: 58}, []string{`printer.device "printer:0"`}},
		{"escpos paper", Config{Kind: KindESCPOS, Device: "/dev/usb/lp0", PaperMM: 57}, []string{"printer.paper_mm 57: want 58 or 80"}},
		{"escpos with queue", Config{Kind: KindESCPOS, Device: "/dev/usb/lp0", PaperMM: 58, Queue: "x"}, []string{"printer.queue", "only for kind cups"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Errorf("Validate(%+v) = %v; want nil", tc.cfg, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate(%+v) = nil; want an error saying %q", tc.cfg, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate(%+v) = %q; want it to say %q", tc.cfg, err, w)
				}
			}
		})
	}
}

func TestEnabled(t *testing.T) {
	for _, kind := range []string{"", KindNone} {
		if (Config{Kind: kind}).Enabled() {
			t.Errorf("Config{Kind: %q}.Enabled() = true", kind)
		}
	}
	if !(Config{Kind: KindCUPS}).Enabled() {
		t.Error("Config{Kind: cups}.Enabled() = false")
	}
}

func TestPrintNone(t *testing.T) {
	if err := Print(context.Background(), Config{}, sample(), font); !errors.Is(err, ErrDisabled) {
		t.Errorf("Print(none) = %v; want ErrDisabled", err)
	}
}

func TestPrintInvalidConfig(t *testing.T) {
	err := Print(context.Background(), Config{Kind: KindESCPOS, Device: "lp0"}, sample(), font)
	if err == nil || !strings.Contains(err.Error(), "printer.device") {
		t.Errorf("Print(bad config) = %v; want the validation error", err)
	}
}

// want is the stream Print should send: the receipt rendered at the
// roll's width, through receipt.ESCPOS (whose own tests decode it).
func want(t *testing.T, paper int) []byte {
	t.Helper()
	width := map[int]int{58: receipt.Width58mm, 80: receipt.Width80mm}[paper]
	img, err := receipt.Render(sample(), receipt.Options{Width: width, Font: font})
	if err != nil {
		t.Fatal(err)
	}
	b, err := receipt.ESCPOS(img, receipt.PrinterOptions{PaperMM: paper})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkStream parses the head and tail of a stream: ESC @, a GS v 0
// band of the roll's width in bytes, and the partial cut.
func checkStream(t *testing.T, got []byte, rowBytes int) {
	t.Helper()
	head := []byte{0x1b, 0x40, 0x1d, 0x76, 0x30, 0x00, byte(rowBytes), 0}
	if !bytes.HasPrefix(got, head) {
		t.Errorf("stream starts % x; want % x (ESC @, GS v 0 with %d bytes a row)", got[:min(len(got), 8)], head, rowBytes)
	}
	if !bytes.HasSuffix(got, []byte{0x1d, 0x56, 0x42, 0x00}) {
		t.Errorf("stream ends % x; want a partial cut (GS V 66 0)", got[max(0, len(got)-4):])
	}
}

func TestPrintESCPOSToDeviceFile(t *testing.T) {
	for _, tc := range []struct{ paper, rowBytes int }{{58, 48}, {80, 72}} {
		dev := filepath.Join(t.TempDir(), "lp0")
		if err := os.WriteFile(dev, nil, 0o600); err != nil { // a device exists before it is printed to
			t.Fatal(err)
		}
		if err := Print(context.Background(), Config{Kind: KindESCPOS, Device: dev, PaperMM: tc.paper}, sample(), font); err != nil {
			t.Fatalf("Print(%d mm): %v", tc.paper, err)
		}
		got, _ := os.ReadFile(dev)
		checkStream(t, got, tc.rowBytes)
		if !bytes.Equal(got, want(t, tc.paper)) {
			t.Errorf("%d mm: device got %d bytes unlike the %d of the rendered receipt", tc.paper, len(got), len(want(t, tc.paper)))
		}
	}
}

func TestPrintESCPOSMissingDevice(t *testing.T) {
	dev := filepath.Join(t.TempDir(), "usb", "lp0")
	err := Print(context.Background(), Config{Kind: KindESCPOS, Device: dev, PaperMM: 58}, sample(), font)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), dev) || !strings.Contains(err.Error(), "plugged in") {
		t.Errorf("Print(missing device) = %v; want ErrUnreachable naming %s and what to check", err, dev)
	}
	if _, statErr := os.Stat(dev); statErr == nil {
		t.Error("Print created the missing device file")
	}
}

func TestPrintESCPOSOverTCP(t *testing.T) {
	for _, prefix := range []string{"tcp:", ""} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan []byte, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				got <- nil
				return
			}
			defer c.Close()
			b, _ := io.ReadAll(c)
			got <- b
		}()
		cfg := Config{Kind: KindESCPOS, Device: prefix + ln.Addr().String(), PaperMM: 80}
		if err := Print(context.Background(), cfg, sample(), font); err != nil {
			t.Fatalf("Print(%s): %v", cfg.Device, err)
		}
		b := <-got
		ln.Close()
		checkStream(t, b, 72)
		if !bytes.Equal(b, want(t, 80)) {
			t.Errorf("%s: listener got %d bytes unlike the %d of the rendered receipt", cfg.Device, len(b), len(want(t, 80)))
		}
	}
}

func TestPrintESCPOSConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	err = Print(context.Background(), Config{Kind: KindESCPOS, Device: "tcp:" + addr, PaperMM: 58}, sample(), font)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "on the network") {
		t.Errorf("Print(refused) = %v; want ErrUnreachable naming %s and what to check", err, addr)
	}
}

// TestSendCancelled: a printer that takes the connection but no data
// (out of paper, say) must not hang the kiosk past its context.
func TestSendCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c // held open, never read
		}
	}()
	c, err := open(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { (<-accepted).Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = send(ctx, c, ln.Addr().String(), make([]byte, 64<<20)) // far more than socket buffers hold
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("send(stalled printer) = %v; want ErrUnreachable and DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("send took %v with a 300 ms context", d)
	}
}

// fakeLP puts an lp script first on PATH. It records its arguments and
// stdin in dir and exits with status, printing stderr to its stderr.
func fakeLP(t *testing.T, status int, stderr string) (dir string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake lp is a shell script")
	}
	dir = t.TempDir()
	script := "#!/bin/sh\n" +
		"printf '%s\\n' \"$@\" > \"" + dir + "/args\"\n" +
		"cat > \"" + dir + "/stdin\"\n" +
		"printf '%s' '" + stderr + "' >&2\n" +
		"exit " + string(rune('0'+status)) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "lp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir
}

func TestPrintCUPS(t *testing.T) {
	for _, tc := range []struct {
		queue string
		args  string
	}{
		{"", "-t\nmotcua-receipt\n"},
		{"Quay_1", "-t\nmotcua-receipt\n-d\nQuay_1\n"},
	} {
		dir := fakeLP(t, 0, "")
		if err := Print(context.Background(), Config{Kind: KindCUPS, Queue: tc.queue}, sample(), font); err != nil {
			t.Fatalf("Print(cups %q): %v", tc.queue, err)
		}
		args, _ := os.ReadFile(filepath.Join(dir, "args"))
		if string(args) != tc.args {
			t.Errorf("queue %q: lp args = %q; want %q", tc.queue, args, tc.args)
		}
		stdin, _ := os.ReadFile(filepath.Join(dir, "stdin"))
		if !bytes.HasPrefix(stdin, []byte("%PDF-1.4")) || !bytes.HasSuffix(stdin, []byte("%%EOF\n")) {
			t.Errorf("lp's stdin is not a whole PDF (%d bytes, starts %q)", len(stdin), stdin[:min(len(stdin), 8)])
		}
		if !bytes.Contains(stdin, []byte("/MediaBox [0 0 297.64 419.53]")) {
			t.Error("the PDF is not A6")
		}
	}
}

func TestPrintCUPSFails(t *testing.T) {
	fakeLP(t, 1, "lp: The printer or class does not exist.")
	err := Print(context.Background(), Config{Kind: KindCUPS, Queue: "Nowhere"}, sample(), font)
	for _, w := range []string{"-d Nowhere", "does not exist", "lpstat -p"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Print(lp fails) = %v; want it to say %q", err, w)
		}
	}
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("Print(lp fails) = %v; want ErrUnreachable", err)
	}
}

func TestPrintCUPSWithoutLP(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no lp anywhere
	err := Print(context.Background(), Config{Kind: KindCUPS}, sample(), font)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "lp command is not on PATH") || !strings.Contains(err.Error(), "cups-client") {
		t.Errorf("Print(no lp) = %v; want ErrUnreachable saying lp is missing and how to install it", err)
	}
}
