package logging

import (
	"bytes"
	"testing"

	"github.com/rs/zerolog"
)

type bytesLogger struct {
	zerolog.Logger
	buf *bytes.Buffer
}

func newBytesLogger(t *testing.T, f Format) *bytesLogger {
	t.Helper()
	buf := &bytes.Buffer{}
	l, err := New(buf, Options{Format: f, Level: "debug"})
	if err != nil {
		t.Fatal(err)
	}
	return &bytesLogger{Logger: l, buf: buf}
}
