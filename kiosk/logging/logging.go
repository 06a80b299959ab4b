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
//
// A kiosk logs to two places at once (NewTee): the console in the chosen
// format, and JSON lines in a size-capped rotating file in its data
// directory (OpenFile), which Export copies to a USB stick for IT staff.
// Each output is redacted line by line, so the file and its copies hold
// nothing the console would not.
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

// Options configure New and NewTee.
type Options struct {
	Format Format
	Level  string // zerolog level name: debug, info, warn, error…
}

// New returns a logger writing to out in the chosen format, with personal
// data redacted.
func New(out io.Writer, opts Options) (zerolog.Logger, error) {
	level, err := parseLevel(opts.Level)
	if err != nil {
		return zerolog.Nop(), err
	}
	w, err := formatted(out, opts.Format)
	if err != nil {
		return zerolog.Nop(), err
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}

// NewTee returns a logger that writes every line twice: in opts.Format to
// console (stderr, for people and the service manager's journal) and as
// a JSON line to file (see OpenFile). Both are redacted, each line on its
// way to each output. A failing file (a full disk) does not stop the
// console lines.
func NewTee(console, file io.Writer, opts Options) (zerolog.Logger, error) {
	level, err := parseLevel(opts.Level)
	if err != nil {
		return zerolog.Nop(), err
	}
	cw, err := formatted(console, opts.Format)
	if err != nil {
		return zerolog.Nop(), err
	}
	w := zerolog.MultiLevelWriter(RedactJSON(file), cw)
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}

func parseLevel(name string) (zerolog.Level, error) {
	if name == "" {
		return zerolog.InfoLevel, nil
	}
	l, err := zerolog.ParseLevel(strings.ToLower(name))
	if err != nil || l == zerolog.NoLevel {
		return zerolog.NoLevel, fmt.Errorf("unknown log level %q (want trace, debug, info, warn, error, fatal, panic or disabled)", name)
	}
	return l, nil
}

// formatted is out in the chosen format, redacted after formatting: the
// console writer reads zerolog's JSON and writes text, which is masked
// as text.
func formatted(out io.Writer, f Format) (io.Writer, error) {
	switch f {
	case JSON:
		return RedactJSON(out), nil
	case Console, "":
		return zerolog.ConsoleWriter{Out: Redact(out), TimeFormat: time.TimeOnly}, nil
	}
	return nil, fmt.Errorf("unknown log format %q (want console or json)", f)
}

// personalNumber matches a run of at least nine digits, optionally led by
// "+" and split by single spaces or dots, as phone numbers are written
// ("+84 912 345 678", "0912.345.678"). Dashes do not split it, so dossier
// codes such as 000.00.01.H26-260930-0012 stay readable in the logs.
var personalNumber = regexp.MustCompile(`\+?\d(?:[ .]?\d){8,}`)

// Mask is what a redacted number becomes.
const Mask = "[redacted]"

// RedactString masks the numbers shaped like personal data in s, as the
// log writers do, for text that leaves the kiosk another way (a
// heartbeat's incident details).
func RedactString(s string) string { return personalNumber.ReplaceAllString(s, Mask) }

// Redact wraps w so that every number shaped like personal data is masked
// before it is written. zerolog writes one whole event per Write call, so a
// number is never split across two calls.
func Redact(w io.Writer) io.Writer { return redactor{out: w, mask: maskText} }

// RedactJSON is Redact for JSON lines: a masked number inside a string
// becomes the mask, and a bare JSON number becomes the mask as a string,
// so that every line stays valid JSON for whatever reads the log file.
func RedactJSON(w io.Writer) io.Writer { return redactor{out: w, mask: maskJSON} }

type redactor struct {
	out  io.Writer
	mask func(p []byte, matches [][]int) []byte
}

func (r redactor) Write(p []byte) (int, error) {
	matches := personalNumber.FindAllIndex(p, -1)
	if matches == nil {
		return r.out.Write(p)
	}
	if _, err := r.out.Write(r.mask(p, matches)); err != nil {
		return 0, err
	}
	// Report the caller's length: the writer consumed all of p.
	return len(p), nil
}

func maskText(p []byte, matches [][]int) []byte {
	out := make([]byte, 0, len(p))
	last := 0
	for _, m := range matches {
		out = append(append(out, p[last:m[0]]...), Mask...)
		last = m[1]
	}
	return append(out, p[last:]...)
}

// maskJSON masks matches in one JSON text. A match holds only digits,
// dots, spaces and '+', never a quote or a backslash, so it lies wholly
// inside a string or wholly outside; outside, it is (part of) a number,
// which is replaced whole by the quoted mask.
func maskJSON(p []byte, matches [][]int) []byte {
	out := make([]byte, 0, len(p)+16)
	var (
		js            jsonScan
		scanned, last int // p[:scanned] is parsed; p[:last] is copied or replaced
	)
	for _, m := range matches {
		if m[0] < last {
			continue // inside a number already replaced
		}
		for ; scanned < m[0]; scanned++ {
			js.step(p[scanned])
		}
		if js.inString {
			start := m[0] + js.hexLeft // a \u00XX escape stays whole
			js.hexLeft = 0
			out = append(append(out, p[last:start]...), Mask...)
			last = m[1]
		} else {
			start, end := numberBounds(p, m[0], m[1])
			out = append(append(out, p[last:start]...), `"`+Mask+`"`...)
			last = end
		}
		scanned = last // nothing a match or a number spans changes the state
	}
	return append(out, p[last:]...)
}

// jsonScan knows, byte by byte, whether a JSON text is inside a string.
type jsonScan struct {
	inString, escaped bool
	hexLeft           int // hex digits left of a \uXXXX escape
}

func (s *jsonScan) step(c byte) {
	switch {
	case s.hexLeft > 0:
		s.hexLeft--
	case s.escaped:
		s.escaped = false
		if c == 'u' {
			s.hexLeft = 4
		}
	case !s.inString:
		s.inString = c == '"'
	case c == '\\':
		s.escaped = true
	case c == '"':
		s.inString = false
	}
}

// numberBounds widens [start, end) to the whole JSON number around it.
func numberBounds(p []byte, start, end int) (int, int) {
	for start > 0 && strings.IndexByte("-+.0123456789eE", p[start-1]) >= 0 {
		start--
	}
	for end < len(p) && strings.IndexByte("-+.0123456789eE", p[end]) >= 0 {
		end++
	}
	return start, end
}
