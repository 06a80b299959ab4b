// Package logging builds the kiosk's zerolog loggers and keeps citizens'
// personal data out of every line they write.
//
// zerolog hooks can add fields but never remove them, so redaction sits at
// the one place every byte passes: the writer. Whatever a careless call
// passes to a log line, digit runs shaped like a personal identification
// number (12 digits), an old ID card number (9) or a phone number (10–11,
// with "+84", spaces or dots) leave the process masked. Names and addresses
// have no shape a pattern can catch: code never logs them, and types that
// carry them (see kiosk.PersonalID) print masked.
package logging

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Format is how log lines are written.
type Format string

const (
	// Console is coloured, human-readable lines, for development.
	Console Format = "console"
	// JSON is one JSON object per line, for production and log shipping.
	JSON Format = "json"
)

// Options configure New.
type Options struct {
	Format Format
	Level  string // zerolog level name: debug, info, warn, error…
}

// New returns a logger writing to out in the chosen format, with personal
// data redacted.
func New(out io.Writer, opts Options) (zerolog.Logger, error) {
	level := zerolog.InfoLevel
	if opts.Level != "" {
		l, err := zerolog.ParseLevel(strings.ToLower(opts.Level))
		if err != nil || l == zerolog.NoLevel {
			return zerolog.Nop(), fmt.Errorf("unknown log level %q (want trace, debug, info, warn, error, fatal, panic or disabled)", opts.Level)
		}
		level = l
	}
	w := Redact(out)
	switch opts.Format {
	case JSON:
	case Console, "":
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
	default:
		return zerolog.Nop(), fmt.Errorf("unknown log format %q (want console or json)", opts.Format)
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}

// personalNumber matches a run of at least nine digits, optionally led by
// "+" and split by single spaces or dots, as phone numbers are written
// ("+84 912 345 678", "0912.345.678"). Dashes do not split it, so dossier
// codes such as 000.00.01.H26-260930-0012 stay readable in the logs.
var personalNumber = regexp.MustCompile(`\+?\d(?:[ .]?\d){8,}`)

// Mask is what a redacted number becomes.
const Mask = "[redacted]"

// Redact wraps w so that every number shaped like personal data is masked
// before it is written. zerolog writes one whole event per Write call, so a
// number is never split across two calls.
func Redact(w io.Writer) io.Writer { return redactor{w} }

type redactor struct{ out io.Writer }

func (r redactor) Write(p []byte) (int, error) {
	if !personalNumber.Match(p) {
		return r.out.Write(p)
	}
	if _, err := r.out.Write(personalNumber.ReplaceAll(p, []byte(Mask))); err != nil {
		return 0, err
	}
	// Report the caller's length: the writer consumed all of p.
	return len(p), nil
}
