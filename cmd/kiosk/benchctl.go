//go:build bench

// The bench build's control channel (make bench, cmd/kioskbench): with
// MOTCUA_BENCH_CONTROL=1 the kiosk reads commands on standard input, one a
// line, and answers each on standard output with "ok <command> <ms>" or
// "error <command> <message>":
//
//	home      end the session and show the home screen
//	qr        show a screen with a live QR (khai sinh's card-or-phone sign-in)
//	journey   file a khai sinh dossier from home to the receipt, then go home
//
// Each runs on the UI goroutine through the same handlers the screens'
// buttons call; <ms> is how long it took, waits for the central system
// included. Standard output carries nothing else: the logs go to stderr.

package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/ui"
)

// benchProcedure is the procedure the journey files and whose sign-in
// screen shows the QR: the sample catalog's khai sinh.
const benchProcedure = "dang-ky-khai-sinh"

// benchWait bounds each wait for the central system (the QR's link, the
// dossier's receipt).
const benchWait = 30 * time.Second

// startBenchControl reads commands from standard input when
// MOTCUA_BENCH_CONTROL=1; it returns at once.
func startBenchControl(b *backend) {
	if os.Getenv("MOTCUA_BENCH_CONTROL") != "1" {
		return
	}
	k := b.kiosk
	go benchControl(os.Stdin, os.Stdout, func(cmd string) error { return benchCommand(k, cmd) })
}

// benchControl answers each line of in on out.
func benchControl(in io.Reader, out io.Writer, run func(string) error) {
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		cmd := strings.TrimSpace(lines.Text())
		if cmd == "" {
			continue
		}
		start := time.Now()
		if err := run(cmd); err != nil {
			fmt.Fprintf(out, "error %s %s\n", cmd, strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		fmt.Fprintf(out, "ok %s %d\n", cmd, time.Since(start).Milliseconds())
	}
}

func benchCommand(k *ui.Kiosk, cmd string) error {
	switch cmd {
	case "home":
		fyne.DoAndWait(k.BenchHome)
		return nil
	case "qr":
		return benchQR(k)
	case "journey":
		return benchJourney(k)
	}
	return fmt.Errorf("unknown command (want home, qr or journey)")
}

func benchQR(k *ui.Kiosk) error {
	var err error
	fyne.DoAndWait(func() { err = k.BenchShowQR(benchProcedure) })
	if err != nil {
		return err
	}
	return waitOnUI("the phone-link QR", func() bool { return k.BenchQRShown() })
}

func benchJourney(k *ui.Kiosk) error {
	var err error
	fyne.DoAndWait(func() { err = k.BenchJourney(benchProcedure, "khai sinh", benchAnswers(time.Now())) })
	if err != nil {
		return err
	}
	var code string
	if err := waitOnUI("the receipt", func() bool {
		c, shown := k.BenchReceipt()
		code = c
		return shown
	}); err != nil {
		return err
	}
	if code == "" {
		return fmt.Errorf("the dossier was queued: the reference server gave no receipt within the kiosk's wait")
	}
	fyne.DoAndWait(k.BenchHome) // "Về trang chủ"
	return nil
}

// waitOnUI polls done on the UI goroutine until it is true.
func waitOnUI(what string, done func() bool) error {
	deadline := time.Now().Add(benchWait)
	for {
		var ok bool
		fyne.DoAndWait(func() { ok = done() })
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waited %v for %s", benchWait, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// benchAnswers are the answers of ui/journey_test.go's birthAnswers: the
// khai sinh form as a citizen types it. The child is born 12 days before
// now, as in that test's data, so that the birth date stays valid (not in
// the future, within the registration period) whenever the bench runs.
func benchAnswers(now time.Time) map[string]string {
	return map[string]string{
		"child_name": "Trần Minh An", "child_dob": kiosk.FormatDate(now.AddDate(0, 0, -12)), "child_sex": "nam",
		"child_birthplace": "Bệnh viện Đa khoa tỉnh", "child_ethnicity": "kinh", "child_hometown": "Hà Nội",
		"mother_name": "Nguyễn Thị Mai", "mother_id": "001190012345", "mother_dob": "05/09/1990",
		"parents_married": "yes", "applicant_name": "Nguyễn Thị Mai", "applicant_id": "001190012345",
		"applicant_relationship": "me", "applicant_phone": "0912 345 678",
	}
}
