//go:build bench

// The control build's channel (-tags bench; make bench's cmd/kioskbench
// and make reliability's crash test): with MOTCUA_BENCH_CONTROL=1 the
// kiosk reads commands on standard input, one a line, and answers each on
// standard output with "ok <command> <ms>" or "error <command> <message>":
//
//	home      end the session and show the home screen
//	qr        show a screen with a live QR (khai sinh's card-or-phone sign-in)
//	journey   file a khai sinh dossier from home to the receipt, then go home
//	soak      file khai sinh dossiers one after another until killed
//	drain     wait until the outbox has sent everything it holds
//
// Each runs on the UI goroutine through the same handlers the screens'
// buttons call; <ms> is how long it took, waits for the central system
// included. While the channel is on, the kiosk also tells on standard
// output what it has promised the citizen, for the crash test to hold it
// to (ackedSaves, ackSubmitting, ackQueued below). Standard output
// carries nothing else: the logs go to stderr.

package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/offline"
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
	go benchControl(os.Stdin, controlOut, func(cmd string) error { return benchCommand(b, cmd) })
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

func benchCommand(b *backend, cmd string) error {
	k := b.kiosk
	switch cmd {
	case "home":
		fyne.DoAndWait(k.BenchHome)
		return nil
	case "qr":
		return benchQR(k)
	case "journey":
		return benchJourney(k)
	case "soak":
		return benchSoak(k, controlOut)
	case "drain":
		return benchDrain(b)
	}
	return fmt.Errorf("unknown command (want home, qr, journey, soak or drain)")
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
	code, err := benchReceipt(k)
	if err != nil {
		return err
	}
	if code == "" {
		return fmt.Errorf("the dossier was queued: the reference server gave no receipt within the kiosk's wait")
	}
	fyne.DoAndWait(k.BenchHome) // "Về trang chủ"
	return nil
}

// benchSendAndWait taps "Gửi hồ sơ", waits for the receipt, answered or
// queued, and goes home.
func benchSendAndWait(k *ui.Kiosk) error {
	var err error
	fyne.DoAndWait(func() { err = k.BenchSend() })
	if err != nil {
		return err
	}
	if _, err := benchReceipt(k); err != nil {
		return err
	}
	fyne.DoAndWait(k.BenchHome) // "Về trang chủ"
	return nil
}

// benchReceipt waits for the receipt and returns its dossier code: ""
// when the dossier was queued rather than answered.
func benchReceipt(k *ui.Kiosk) (string, error) {
	var code string
	if err := waitOnUI("the receipt", func() bool {
		c, shown := k.BenchReceipt()
		code = c
		return shown
	}); err != nil {
		return "", err
	}
	return code, nil
}

// benchSoak files khai sinh dossiers one after another until the process
// is killed, answering a question every 20–120 ms: faster than any
// citizen, so that autosaves (one per 250 ms of typing), submits and the
// sync loop's sends overlap. Every third form is left after a random
// number of answers, as by a citizen who walks away, and stays a draft
// (or is sent, when the number is past its last page). It prints
// "journey <n>" as each form begins; it returns only on a failure.
func benchSoak(k *ui.Kiosk, out io.Writer) error {
	dice := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(os.Getpid())))
	for n := 1; ; n++ {
		fmt.Fprintf(out, "journey %d\n", n)
		var err error
		fyne.DoAndWait(func() { err = k.BenchBegin(benchProcedure, "khai sinh") })
		if err != nil {
			return err
		}
		answers, leaveAfter := benchAnswers(time.Now()), -1
		if n%3 == 0 {
			leaveAfter = 1 + dice.IntN(len(answers))
		}
		for page := 1; ; page++ {
			time.Sleep(time.Duration(20+dice.IntN(100)) * time.Millisecond)
			if page == leaveAfter {
				fyne.DoAndWait(k.BenchHome)
				break
			}
			var review bool
			fyne.DoAndWait(func() { review, err = k.BenchAnswer(answers) })
			if err != nil {
				return err
			}
			if review {
				if err := benchSendAndWait(k); err != nil {
					return err
				}
				break
			}
		}
	}
}

// benchDrain waits until the sync loop has settled every dossier of the
// outbox: accepted or refused, none queued or being sent.
func benchDrain(b *backend) error {
	deadline := time.Now().Add(benchWait)
	for {
		queued, sending, _, _, err := b.store.OutboxCounts()
		if err != nil {
			return err
		}
		if queued+sending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %v the outbox still holds %d queued and %d being sent", benchWait, queued, sending)
		}
		b.syncer.Wake()
		time.Sleep(50 * time.Millisecond)
	}
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

// controlOut is standard output, shared by the channel's answers and the
// acknowledgements: one whole line per write, so lines never interleave.
var controlOut io.Writer = &lineWriter{w: os.Stdout}

type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// acking is whether the kiosk tells what it promised: only while the
// channel is on.
var acking = os.Getenv("MOTCUA_BENCH_CONTROL") == "1"

// ackedSaves wraps the store's draft saves with acknowledgements:
// "saving <draft>" as a save begins, "saved <draft> <answers>" once it
// has returned nil — what the wizard's "Đã lưu" promises.
func ackedSaves(s *offline.Store) draftSaver {
	if !acking {
		return s
	}
	return ackingSaver{store: s}
}

type ackingSaver struct{ store *offline.Store }

func (a ackingSaver) SaveDraft(d *offline.Draft) error {
	fmt.Fprintf(controlOut, "saving %s\n", d.ID)
	err := a.store.SaveDraft(d)
	if err == nil {
		fmt.Fprintf(controlOut, "saved %s %d\n", d.ID, len(d.Answers))
	}
	return err
}

// ackSubmitting and ackQueued frame a dossier's move into the outbox:
// "submitting <draft>" before, "queued <draft> <idempotency key>" once it
// is there — what the receipt promises.
func ackSubmitting(draftID string) {
	if acking {
		fmt.Fprintf(controlOut, "submitting %s\n", draftID)
	}
}

func ackQueued(it offline.OutboxItem) {
	if acking {
		fmt.Fprintf(controlOut, "queued %s %s\n", it.DraftID, it.IdempotencyKey)
	}
}
