// Package printer sends a citizen's receipt to the kiosk's printer: an
// office printer through CUPS (`lp`), or an ESC/POS thermal receipt
// printer on a device file or a network port. The receipt itself is drawn
// by kiosk/receipt; this package only does the I/O.
package printer

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// Printer kinds.
const (
	KindNone   = "none"   // no printer: the receipt is only shown as a QR
	KindCUPS   = "cups"   // the system's printer, through lp
	KindESCPOS = "escpos" // a thermal receipt printer, raster ESC/POS
)

// Config says which printer the kiosk has. The zero Config is "none".
type Config struct {
	// Kind is KindCUPS, KindESCPOS or KindNone; "" is KindNone.
	Kind string
	// Queue is the CUPS queue (lp -d); "" is the system's default.
	Queue string
	// Device is where an ESC/POS printer is: a device file such as
	// /dev/usb/lp0, or a network printer as tcp:HOST:PORT or HOST:PORT
	// (the usual port is 9100).
	Device string
	// PaperMM is the thermal roll's width, 58 or 80. Required for escpos.
	PaperMM int
}

// Enabled reports whether the kiosk has a printer, so the UI offers
// "print" only when it will do something.
func (c Config) Enabled() bool { return c.Kind != "" && c.Kind != KindNone }

// Validate checks c and names every wrong key at once, so one edit of
// the configuration fixes them all.
func (c Config) Validate() error {
	var errs []error
	switch c.Kind {
	case "", KindNone:
	case KindCUPS:
		errs = append(errs, checkQueue(c.Queue))
		if c.Device != "" {
			errs = append(errs, fmt.Errorf("printer.device %q: only for kind escpos; kind is cups, which prints to printer.queue", c.Device))
		}
	case KindESCPOS:
		_, _, err := c.Target()
		errs = append(errs, err)
		if c.PaperMM == 0 {
			errs = append(errs, errors.New("printer.paper_mm: missing; want 58 or 80, the width of the thermal roll"))
		}
		if c.Queue != "" {
			errs = append(errs, fmt.Errorf("printer.queue %q: only for kind cups; kind is escpos, which prints to printer.device", c.Queue))
		}
	default:
		errs = append(errs, fmt.Errorf("printer.kind %q: want cups, escpos or none", c.Kind))
	}
	if c.PaperMM != 0 && c.PaperMM != 58 && c.PaperMM != 80 {
		errs = append(errs, fmt.Errorf("printer.paper_mm %d: want 58 or 80", c.PaperMM))
	}
	return errors.Join(errs...)
}

// checkQueue accepts the names CUPS accepts (printable, no space, "/"
// or "#"), and refuses a leading "-", which lp would read as an option.
func checkQueue(q string) error {
	if q == "" {
		return nil
	}
	bad := len(q) > 127 || strings.HasPrefix(q, "-") || strings.ContainsAny(q, "/#\\'\"")
	for _, r := range q {
		bad = bad || unicode.IsSpace(r) || !unicode.IsPrint(r)
	}
	if bad {
		return fmt.Errorf("printer.queue %q: not a CUPS queue name; `lpstat -p` lists them", q)
	}
	return nil
}

// target says where an ESC/POS Device is: a network address ("tcp",
// host:port) or a device file ("file", path).
// Target is where an ESC/POS printer is reached: network "tcp" with
// HOST:PORT, or "file" with the device's path (kiosk doctor checks it
// without printing).
func (c Config) Target() (network, addr string, err error) {
	d := c.Device
	switch {
	case d == "":
		return "", "", errors.New("printer.device: missing; want a device file such as /dev/usb/lp0, or tcp:HOST:9100")
	case strings.HasPrefix(d, "tcp:"):
		addr = strings.TrimPrefix(strings.TrimPrefix(d, "tcp:"), "//")
		if !isHostPort(addr) {
			return "", "", fmt.Errorf("printer.device %q: want tcp:HOST:PORT, e.g. tcp:192.168.1.50:9100", d)
		}
		return "tcp", addr, nil
	case filepath.IsAbs(d):
		return "file", d, nil
	case isHostPort(d):
		return "tcp", d, nil
	}
	return "", "", fmt.Errorf("printer.device %q: want an absolute device path such as /dev/usb/lp0, or tcp:HOST:PORT", d)
}

// isHostPort reports whether s is HOST:PORT with a port number.
func isHostPort(s string) bool {
	host, port, err := net.SplitHostPort(s)
	n, perr := strconv.Atoi(port)
	return err == nil && host != "" && perr == nil && n > 0 && n < 65536
}
