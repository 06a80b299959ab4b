package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/motcua/kiosk/kiosk/receipt"
)

var (
	// ErrDisabled is returned by Print when the kiosk has no printer
	// (kind none): the receipt is then only shown on screen.
	ErrDisabled = errors.New("printer: printing is turned off (printer.kind is none)")
	// ErrUnreachable wraps every failure to hand the receipt to the
	// printer: lp missing or failing, a device that will not open, a
	// connection refused. The UI says "ask staff" for all of them; the
	// wrapped text says staff what to check.
	ErrUnreachable = errors.New("printer: cannot reach the printer")
)

// Timeouts for a printer that does not answer, when ctx sets none: long
// enough for a slow USB printer to take a whole receipt (under 100 KB),
// short enough that a citizen is not left waiting at a frozen screen.
const (
	dialTimeout  = 5 * time.Second
	writeTimeout = 30 * time.Second
	// lpWaitDelay bounds how long lp may linger after ctx ends.
	lpWaitDelay = 2 * time.Second
)

// jobTitle names the print job in the CUPS queue. It is fixed, never the
// citizen's name: queue listings and job history are seen by anyone
// with access to the print server.
const jobTitle = "motcua-receipt"

// Print renders r with font (a TrueType font with every Vietnamese
// letter) and sends it to the printer cfg names: an A6 PDF to CUPS, or
// an ESC/POS raster at the roll's width to a thermal printer.
func Print(ctx context.Context, cfg Config, r receipt.Receipt, font []byte) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("printer: %w", err)
	}
	switch cfg.Kind {
	case KindCUPS:
		return printCUPS(ctx, cfg, r, font)
	case KindESCPOS:
		return printESCPOS(ctx, cfg, r, font)
	}
	return ErrDisabled
}

// printCUPS renders an A6 PDF and pipes it to lp. CUPS turns a PDF into
// whatever the queue's printer speaks.
func printCUPS(ctx context.Context, cfg Config, r receipt.Receipt, font []byte) error {
	lp, err := exec.LookPath("lp")
	if err != nil {
		return fmt.Errorf("%w: the lp command is not on PATH; install the CUPS client (Debian: cups-client) or set printer.kind to escpos or none", ErrUnreachable)
	}
	img, err := receipt.Render(r, receipt.Options{Width: receipt.WidthA6, Font: font})
	if err != nil {
		return fmt.Errorf("printer: %w", err)
	}
	pdf, err := receipt.PDF(img, receipt.A6WidthMM, receipt.A6HeightMM)
	if err != nil {
		return fmt.Errorf("printer: %w", err)
	}
	return runLP(ctx, lp, cfg.Queue, pdf)
}

// runLP runs lp with the PDF on stdin and reports its own words on
// failure, since "printer or class does not exist" says more than an
// exit status.
func runLP(ctx context.Context, lp, queue string, pdf []byte) error {
	args := []string{"-t", jobTitle}
	if queue != "" {
		args = append(args, "-d", queue)
	}
	cmd := exec.CommandContext(ctx, lp, args...)
	cmd.Stdin = bytes.NewReader(pdf)
	cmd.WaitDelay = lpWaitDelay
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return fmt.Errorf("%w: lp %s: %w: %s; check the queue exists and is enabled (lpstat -p)",
			ErrUnreachable, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// printESCPOS renders at the roll's width and writes the raster to the
// device file or network port.
func printESCPOS(ctx context.Context, cfg Config, r receipt.Receipt, font []byte) error {
	width := receipt.Width58mm
	if cfg.PaperMM == 80 {
		width = receipt.Width80mm
	}
	img, err := receipt.Render(r, receipt.Options{Width: width, Font: font})
	if err != nil {
		return fmt.Errorf("printer: %w", err)
	}
	data, err := receipt.ESCPOS(img, receipt.PrinterOptions{PaperMM: cfg.PaperMM})
	if err != nil {
		return fmt.Errorf("printer: %w", err)
	}
	network, addr, _ := cfg.Target() // Validate checked it
	w, err := open(ctx, network, addr)
	if err != nil {
		return err
	}
	return send(ctx, w, addr, data)
}

// conn is what both a device file and a TCP connection are: something
// to write to that can be given a deadline.
type conn interface {
	io.WriteCloser
	SetWriteDeadline(time.Time) error
}

// open opens the device file for writing (never creating it: a typo
// must not leave a stray file in /dev) or connects to the network port.
func open(ctx context.Context, network, addr string) (conn, error) {
	if network == "tcp" {
		d := net.Dialer{Timeout: dialTimeout}
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("%w: %w; check the printer is on, on the network, and listening on that port", ErrUnreachable, err)
		}
		return c, nil
	}
	f, err := os.OpenFile(addr, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: %w; check the printer is plugged in and on, and that the kiosk's user may write to it (the lp group)", ErrUnreachable, err)
	}
	return f, nil
}

// send writes data and closes w, giving up at ctx's deadline (or
// writeTimeout) and as soon as ctx is cancelled, so a printer out of
// paper cannot hang the kiosk. Deadlines work on sockets and on device
// files the kernel can poll, as USB printers are.
func send(ctx context.Context, w conn, addr string, data []byte) error {
	if _, ok := ctx.Deadline(); !ok {
		_ = w.SetWriteDeadline(time.Now().Add(writeTimeout)) // a plain file has none: it never blocks
	}
	// ctx's own end cuts the write short; it is reported as ctx.Err().
	stop := context.AfterFunc(ctx, func() { _ = w.SetWriteDeadline(time.Now()) })
	defer stop()
	_, err := w.Write(data)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return fmt.Errorf("%w: writing to %s: %w; check paper, cover and cable", ErrUnreachable, addr, err)
	}
	return nil
}
