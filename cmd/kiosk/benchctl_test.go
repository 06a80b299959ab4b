//go:build bench

package main

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// The channel answers every command on a line of its own, in order, and
// a failure names the command and says why on that one line.
func TestBenchControlAnswersEachLine(t *testing.T) {
	var out bytes.Buffer
	var ran []string
	benchControl(strings.NewReader("home\n\n  qr  \nsoak\n"), &out, func(cmd string) error {
		ran = append(ran, cmd)
		if cmd == "soak" {
			return errors.New("refused\nchild_name")
		}
		return nil
	})
	if got := strings.Join(ran, ","); got != "home,qr,soak" {
		t.Errorf("ran %s; want home,qr,soak (blank lines skipped, spaces trimmed)", got)
	}
	want := regexp.MustCompile(`^ok home \d+\nok qr \d+\nerror soak refused child_name\n$`)
	if !want.MatchString(out.String()) {
		t.Errorf("answers:\n%s\nwant them to match %s", out.String(), want)
	}
}

func TestBenchCommandRefusesAnUnknownOne(t *testing.T) {
	err := benchCommand(&backend{}, "reboot")
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("benchCommand(reboot) = %v; want an unknown-command error", err)
	}
}
