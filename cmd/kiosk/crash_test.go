//go:build bench

package main

import (
	"bufio"
	"bytes"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/crashcheck"
)

// The crash test of make reliability, on the real kiosk: the control
// build of this program (-tags bench, as this test), in a window under
// Xvfb, files khai sinh dossiers against the reference server as fast as
// its control channel taps (benchctl.go, "soak"), and is killed with
// SIGKILL — while a draft is saved, as a dossier goes into the outbox,
// while the sync loop sends, or at any moment of its run. After each kill
// the test opens the store as the next start would and holds it to what
// the kiosk had acknowledged (offline/crashcheck); then the kiosk starts
// again on the same store. At the end it sends what it still holds and
// the reference server must have every dossier exactly once. The seeded
// personal data of all those forms must then be nowhere in plain text:
// not in the logs, the data directory, the temporary directory or the
// home folder the kiosk ran with.
//
// SIGKILL proves crash safety, not power-loss safety: the store keeps
// bbolt's fsync on commit, which bbolt's own power-cut suite tests.

const (
	envCrashBin   = "KIOSK_CRASH_BIN"   // the control build; make reliability builds it
	envCrashKills = "KIOSK_CRASH_KILLS" // make reliability sets it
)

// killMoments are where a round's kill lands, in turn: the line the kill
// waits for (none: a random time after the start) and the longest wait
// after it.
var killMoments = []struct {
	name  string
	after string // the acknowledgement line's first word; "" for any moment
	delay time.Duration
}{
	{"anywhere", "", 3 * time.Second},
	{"save", "saving", time.Millisecond},
	{"submit", "submitting", time.Millisecond},
	{"sync", "queued", 40 * time.Millisecond},
}

func TestRealKioskSurvivesSIGKILL(t *testing.T) {
	bin := os.Getenv(envCrashBin)
	if bin == "" {
		t.Skip("needs the kiosk's control build in " + envCrashBin + " (make reliability builds it)")
	}
	rounds := 20
	if n, err := strconv.Atoi(os.Getenv(envCrashKills)); err == nil && n > 0 {
		rounds = n
	}
	display := startXvfb(t)
	srv := startUnevenServer(t)
	home := t.TempDir() // the kiosk's HOME and TMPDIR, scanned at the end
	dir := filepath.Join(home, "kiosk")
	if out, err := exec.Command(bin, "enroll", "--server", srv.url, "--code", simCode, "--data-dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("kiosk enroll: %v: %s", err, out)
	}
	srv.withFaults(t)

	ledger := crashcheck.New()
	var logs bytes.Buffer // every run's standard error
	kills, crashes, inSave, inSubmit, inSync := 0, 0, 0, 0, 0
	t.Cleanup(func() {
		t.Logf("RELIABILITY area=crash case=sigkill-real-kiosk tried=%d lost=%d duplicated=%d corrupt=%d crashes=%d pii=0 in-save=%d in-submit=%d with-unsent=%d drafts=%d queued=%d",
			kills, ledger.Lost, ledger.Duplicated, ledger.Corrupt, crashes, inSave, inSubmit, inSync, ledger.Drafts(), ledger.Queued())
	})
	dice := rand.New(rand.NewPCG(5, 6))
	for round := range rounds {
		moment := killMoments[round%len(killMoments)]
		k := startControlled(t, bin, dir, home, display, "soak")
		k.killAfter(moment.after, time.Duration(dice.Int64N(int64(moment.delay))))
		logs.Write(k.stderr.Bytes())
		kills++
		if k.ended {
			crashes++
			t.Fatalf("round %d: the kiosk ended before it was killed: %s\n%s", round, k.problem(), tail(k.stderr.String(), 20))
		}
		if p := k.problem(); p != "" {
			// soak stopped on an error (a refused answer, no receipt):
			// rounds that file nothing would prove nothing.
			t.Fatalf("round %d: the kiosk stopped filing: %s\n%s", round, p, tail(k.stderr.String(), 20))
		}
		if k.lastUnanswered("saving", "saved") {
			inSave++
		}
		if k.lastUnanswered("submitting", "queued") {
			inSubmit++
		}
		ledger.Note(k.lines)
		unsent, err := ledger.CheckStore(dir)
		if err != nil {
			t.Fatalf("round %d (%s), after SIGKILL: %v", round, moment.name, err)
		}
		if unsent > 0 {
			inSync++
		}
	}

	k := startControlled(t, bin, dir, home, display, "drain")
	k.waitFor("ok drain")
	logs.Write(k.stderr.Bytes())
	if p := k.problem(); p != "" {
		t.Fatalf("draining the outbox: %s\n%s", p, tail(k.stderr.String(), 20))
	}
	if err := ledger.CheckServer(outboxOf(t, dir), srv.dossierCodes(t)); err != nil {
		t.Error(err)
	}
	if ledger.Drafts() == 0 || ledger.Queued() == 0 {
		t.Errorf("over %d runs the kiosk acknowledged %d drafts and %d dossiers; want some of each: the kills landed on nothing", kills, ledger.Drafts(), ledger.Queued())
	}
	t.Logf("%d kills (%d in a save, %d in a submit, %d with dossiers unsent): %d drafts and %d dossiers acknowledged",
		kills, inSave, inSubmit, inSync, ledger.Drafts(), ledger.Queued())

	scanForSeededData(t, logs.Bytes(), home)
}

// unevenServer is the reference server behind up to 60 ms of latency per
// request, so that sends overlap the next form's saves; once the kiosk is
// enrolled (withFaults), it also answers one request in ten 503 and cuts
// one creating POST in ten after it committed: the kiosk's retries and
// the server's replays run too.
type unevenServer struct {
	file    string
	sim     *centralsim.Server
	handler atomic.Pointer[http.Handler]
	url     string
}

func startUnevenServer(t *testing.T) *unevenServer {
	t.Helper()
	u := &unevenServer{file: filepath.Join(t.TempDir(), "centralsim.db")}
	u.open(t, centralsim.Options{EnrollCode: simCode})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(rand.IntN(60)) * time.Millisecond)
		(*u.handler.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	u.url = s.URL
	return u
}

// withFaults reopens the server on its data file with its faults on. Not
// before enrolment: a cut answer would spend the one-time code.
func (u *unevenServer) withFaults(t *testing.T) {
	t.Helper()
	if err := u.sim.Close(); err != nil {
		t.Fatal(err)
	}
	u.open(t, centralsim.Options{FaultRate: 0.1, DropAfterCommit: 0.1, Seed: 11})
}

func (u *unevenServer) open(t *testing.T, opts centralsim.Options) {
	t.Helper()
	opts.DataFile, opts.Log = u.file, zerolog.Nop()
	sim, err := centralsim.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	h := sim.Handler()
	u.sim = sim
	u.handler.Store(&h)
}

func (s *unevenServer) dossierCodes(t *testing.T) []string {
	t.Helper()
	ds, err := s.sim.Dossiers()
	if err != nil {
		t.Fatal(err)
	}
	codes := make([]string, len(ds))
	for i, d := range ds {
		codes[i] = d.Code
	}
	return codes
}

// outboxOf reads the outbox of the (stopped) kiosk's store in dir.
func outboxOf(t *testing.T, dir string) []offline.OutboxItem {
	t.Helper()
	s, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	items, err := s.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// controlled is one run of the control build with a command on its
// standard input: its output lines as they arrive, its standard error.
type controlled struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  []string
	stderr bytes.Buffer
	next   chan string // lines not yet read by killAfter or waitFor
	ended  bool        // it exited before it was killed
}

// startControlled starts the kiosk on the store in dir, in its own
// process group, and gives it command.
func startControlled(t *testing.T, bin, dir, home, display, command string) *controlled {
	t.Helper()
	k := &controlled{t: t, next: make(chan string, 4096)}
	k.cmd = exec.Command(bin, "--data-dir", dir, "-log-format", "json")
	k.cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=vi_VN.UTF-8", "HOME="+home, "TMPDIR="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "MOTCUA_BENCH_CONTROL=1")
	k.cmd.Stdin = strings.NewReader(command + "\n")
	k.cmd.Stderr = &k.stderr
	k.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the kill takes its children too
	out, err := k.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := k.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			k.next <- sc.Text()
		}
		close(k.next)
	}()
	return k
}

// killAfter kills the kiosk wait after the next line starting with word
// (or wait after now, for ""), then collects the rest of its output.
func (k *controlled) killAfter(word string, wait time.Duration) {
	if word != "" {
		k.readUntil(func(l string) bool { return strings.HasPrefix(l, word+" ") })
	}
	time.Sleep(wait)
	if !k.ended {
		_ = syscall.Kill(-k.cmd.Process.Pid, syscall.SIGKILL)
	}
	k.finish()
}

// waitFor reads lines until want (or a failure), then kills the kiosk.
func (k *controlled) waitFor(want string) {
	k.readUntil(func(l string) bool { return strings.HasPrefix(l, want+" ") })
	_ = syscall.Kill(-k.cmd.Process.Pid, syscall.SIGKILL)
	k.finish()
}

// readUntil reads lines until one satisfies stop, the kiosk reports an
// error or ends, or a minute has passed.
func (k *controlled) readUntil(stop func(string) bool) {
	timeout := time.After(time.Minute)
	for {
		select {
		case l, ok := <-k.next:
			if !ok {
				k.ended = true
				return
			}
			k.lines = append(k.lines, l)
			if stop(l) || strings.HasPrefix(l, "error ") {
				return
			}
		case <-timeout:
			k.lines = append(k.lines, "timeout: no such line within a minute")
			return
		}
	}
}

// finish collects the rest of the output and waits for the process.
func (k *controlled) finish() {
	for l := range k.next {
		k.lines = append(k.lines, l)
	}
	err := k.cmd.Wait()
	if ws, ok := k.cmd.ProcessState.Sys().(syscall.WaitStatus); err == nil || ok && !ws.Signaled() {
		k.ended = true
	}
}

// problem is the kiosk's own error or timeout line, if any.
func (k *controlled) problem() string {
	for _, l := range k.lines {
		if strings.HasPrefix(l, "error ") || strings.HasPrefix(l, "timeout") {
			return l
		}
	}
	if k.ended {
		return "it exited: " + k.cmd.ProcessState.String()
	}
	return ""
}

// lastUnanswered reports whether the last line starting with begin has
// no line starting with end after it: the kill landed between the two.
func (k *controlled) lastUnanswered(begin, end string) bool {
	for i := len(k.lines) - 1; i >= 0; i-- {
		switch {
		case strings.HasPrefix(k.lines[i], end+" "):
			return false
		case strings.HasPrefix(k.lines[i], begin+" "):
			return true
		}
	}
	return false
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// scanForSeededData looks for the personal data of benchAnswers, as the
// kiosk could have written it, in the logs and in every file under home
// (the data directory, temporary files, configuration), and logs the
// privacy row.
func scanForSeededData(t *testing.T, logs []byte, home string) {
	t.Helper()
	seeded := []string{}
	for _, id := range []string{"child_name", "mother_name", "mother_id", "applicant_phone", "child_birthplace"} {
		v := benchAnswers(time.Now())[id]
		seeded = append(seeded, v, strings.ReplaceAll(v, " ", ""))
	}
	scanned, files, hits := len(logs), 1, 0
	look := func(where string, data []byte) {
		for _, v := range seeded {
			if bytes.Contains(data, []byte(v)) {
				hits++
				t.Errorf("%s holds %q in plain text", where, v)
			}
		}
	}
	look("the kiosk's logs", logs)
	err := filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned += len(data)
		files++
		look(path, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("RELIABILITY area=privacy case=real-kiosk-logs-data-temp tried=%d lost=0 duplicated=0 corrupt=0 crashes=0 pii=%d bytes=%d",
		files, hits, scanned)
}
