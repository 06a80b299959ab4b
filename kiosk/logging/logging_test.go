package logging

import (
	"bytes"
	"strings"
	"testing"
)

func TestPersonalDataIsRedacted(t *testing.T) {
	tests := []struct {
		name   string
		log    func(l *bytesLogger)
		secret string
	}{
		{"ID number as a field", func(l *bytesLogger) { l.Info().Str("citizen", "001085012345").Msg("submitted") }, "001085012345"},
		{"ID number inside a message", func(l *bytesLogger) { l.Info().Msgf("lookup for 079190001234 failed") }, "079190001234"},
		{"phone number", func(l *bytesLogger) { l.Warn().Str("phone", "0912345678").Send() }, "0912345678"},
		{"phone number with +84 and spaces", func(l *bytesLogger) { l.Warn().Str("phone", "+84 912 345 678").Send() }, "912 345 678"},
		{"phone number with dots", func(l *bytesLogger) { l.Error().Msg("call 0912.345.678") }, "0912.345.678"},
		{"old 9-digit ID card", func(l *bytesLogger) { l.Info().Interface("body", map[string]string{"cmnd": "123456789"}).Send() }, "123456789"},
	}
	for _, format := range []Format{JSON, Console} {
		for _, tt := range tests {
			t.Run(string(format)+"/"+tt.name, func(t *testing.T) {
				l := newBytesLogger(t, format)
				tt.log(l)
				got := l.buf.String()
				if strings.Contains(got, tt.secret) {
					t.Errorf("log line %q contains %q; want it redacted", got, tt.secret)
				}
				if !strings.Contains(got, Mask) {
					t.Errorf("log line %q has no %q; want the number masked, not dropped silently", got, Mask)
				}
			})
		}
	}
}

func TestOrdinaryValuesAreKept(t *testing.T) {
	for _, value := range []string{
		"000.00.01.H26-260930-0012", // a dossier code: not personal, needed to trace a submission
		"procedure 1.001193",
		"took 1234ms",
	} {
		l := newBytesLogger(t, JSON)
		l.Info().Str("v", value).Send()
		if got := l.buf.String(); !strings.Contains(got, value) || strings.Contains(got, Mask) {
			t.Errorf("log line %q; want %q kept as it is", got, value)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, opts := range []Options{{Level: "loud"}, {Format: "xml"}} {
		if _, err := New(&bytes.Buffer{}, opts); err == nil {
			t.Errorf("New(%+v) error = nil; want an error naming the bad value", opts)
		}
	}
}

func TestLevelFilters(t *testing.T) {
	var buf bytes.Buffer
	l, err := New(&buf, Options{Format: JSON, Level: "warn"})
	if err != nil {
		t.Fatal(err)
	}
	l.Info().Msg("hidden")
	l.Warn().Msg("shown")
	if got := buf.String(); strings.Contains(got, "hidden") || !strings.Contains(got, "shown") {
		t.Errorf("with level warn the log is %q; want only the warning", got)
	}
}
