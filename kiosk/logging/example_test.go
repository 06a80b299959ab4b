package logging_test

import (
	"os"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/logging"
)

// A number shaped like an ID card or a phone number never leaves the
// process, whether it is a string or a bare JSON number; a dossier code
// stays readable.
func ExampleRedactJSON() {
	log := zerolog.New(logging.RedactJSON(os.Stdout))
	log.Info().Str("phone", "0912 345 678").Int64("cmnd", 123456789).Str("dossier", "000.00.01.H26-260930-0012").Send()
	// Output:
	// {"level":"info","phone":"[redacted]","cmnd":"[redacted]","dossier":"000.00.01.H26-260930-0012"}
}
