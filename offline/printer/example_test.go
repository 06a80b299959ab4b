package printer_test

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2/theme"
	"github.com/motcua/kiosk/kiosk/receipt"
	"github.com/motcua/kiosk/offline/printer"
)

// A kiosk checks its printer configuration at start and prints after a
// dossier is filed; without a printer, the screen's QR is the receipt.
func ExamplePrint() {
	cfg := printer.Config{Kind: printer.KindESCPOS, Device: "lp0", PaperMM: 58}
	fmt.Println(cfg.Validate())

	cfg = printer.Config{Kind: printer.KindNone}
	r := receipt.Receipt{DossierCode: "000.00.01.H26-260930-0012"}
	err := printer.Print(context.Background(), cfg, r, theme.DefaultTextFont().Content())
	fmt.Println(cfg.Enabled(), errors.Is(err, printer.ErrDisabled))
	// Output:
	// printer.device "lp0": want an absolute device path such as /dev/usb/lp0, or tcp:HOST:PORT
	// false true
}
