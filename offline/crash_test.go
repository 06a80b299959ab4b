package offline_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/offline"
)

// The crash test runs a kiosk's store in a child process (this test binary
// again, as TestCrashChild) that saves drafts, submits dossiers and syncs
// them to a reference server, kills it with SIGKILL at random moments, and
// checks after every kill what a citizen and the central system rely on.
//
// SIGKILL proves crash safety, not power-loss safety: the store keeps
// bbolt's default fsync on commit, which bbolt's own power-cut suite tests.

const (
	envCrashChild = "OFFLINE_CRASH_CHILD"
	envCrashKills = "OFFLINE_CRASH_KILLS" // make reliability raises it
)

func TestCrashSafety(t *testing.T) {
	if os.Getenv(envCrashChild) != "" {
		t.Skip("inside the child")
	}
	kills := 100
	if n, err := strconv.Atoi(os.Getenv(envCrashKills)); err == nil && n > 0 {
		kills = n
	}
	env := startCentral(t, centralsim.Options{Seed: 7})
	client := env.newClient(t, 20)
	enr, err := client.Enroll(context.Background(), central.EnrollRequest{Code: env.srv.EnrollCode(), Hostname: "crash"})
	if err != nil {
		t.Fatal(err)
	}
	client.SetCredentials(enr.DeviceID, enr.DeviceToken)

	dir := t.TempDir()
	rec := &crashRecord{saved: map[string]int{}, queued: map[string]string{}}
	// The summary line of make reliability (cmd/reliability), written
	// even when a check below stops the test: the counts are the checks'.
	t.Cleanup(func() {
		t.Logf("RELIABILITY area=crash case=sigkill-save-submit-sync tried=%d lost=%d duplicated=%d corrupt=%d crashes=%d pii=0 drafts=%d queued=%d",
			rec.kills, rec.lost, rec.duplicated, rec.corrupt, rec.crashes, len(rec.saved), len(rec.queued))
	})
	dice := rand.New(rand.NewPCG(1, 2))
	for round := range kills {
		lines, crashed := runAndKill(t, dir, env.url, enr, time.Duration(20+dice.IntN(280))*time.Millisecond)
		rec.kills++
		if crashed {
			rec.crashes++ // the child ended before the kill: it failed on its own
		}
		rec.note(lines)
		rec.verify(t, dir, round)
	}

	// Drain what the children left and count on the server.
	s := openStore(t, dir, offline.Options{})
	y := offline.NewSyncer(s, client, fastSync())
	stop := startSyncer(t, y)
	items := outbox(t, s)
	waitFor(t, time.Minute, "the outbox to drain", settled(t, s, len(items)))
	stop()
	rec.verifyServer(t, env, outbox(t, s))
	t.Logf("%d kills: %d drafts acknowledged, %d dossiers acknowledged as queued, %d in the outbox, %d on the server",
		kills, len(rec.saved), len(rec.queued), len(items), len(env.dossierCodes(t)))
}

// crashRecord is what the children acknowledged, over all rounds, and
// what the checks found wrong.
type crashRecord struct {
	saved  map[string]int    // draft id → the highest acknowledged save counter
	queued map[string]string // draft id → idempotency key, acknowledged as submitted

	kills, crashes            int // children killed; children that ended on their own
	lost, duplicated, corrupt int // what the checks found, for the summary line
}

func (r *crashRecord) note(lines []string) {
	for _, line := range lines {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "saved":
			n, _ := strconv.Atoi(f[2])
			r.saved[f[1]] = max(r.saved[f[1]], n)
		case len(f) == 3 && f[0] == "queued":
			r.queued[f[1]] = f[2]
		}
	}
}

// verify reopens the store as the next start would: it must pass its
// consistency check, every acknowledged draft must be there and decrypt
// (or have moved into the outbox), and every acknowledged submission must
// be in the outbox.
func (r *crashRecord) verify(t *testing.T, dir string, round int) {
	t.Helper()
	s, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		r.corrupt++
		t.Fatalf("round %d: reopening after SIGKILL: %v", round, err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		r.corrupt++
		t.Fatalf("round %d: consistency check after SIGKILL: %v", round, err)
	}
	submitted := map[string]string{}
	for _, it := range outbox(t, s) {
		submitted[it.DraftID] = it.IdempotencyKey
	}
	for id, n := range r.saved {
		d, err := s.LoadDraft(id)
		switch {
		case errors.Is(err, offline.ErrNotFound) && submitted[id] != "":
			// submitted: it lives on in the outbox
		case errors.Is(err, offline.ErrNotFound):
			r.lost++
			t.Fatalf("round %d: draft %s (acknowledged save %d): %v", round, id, n, err)
		case err != nil:
			r.corrupt++
			t.Fatalf("round %d: draft %s (acknowledged save %d): %v", round, id, n, err)
		case atoi(d.Answers["crash_counter"]) < n:
			r.lost++
			t.Fatalf("round %d: draft %s holds save %s; save %d was acknowledged", round, id, d.Answers["crash_counter"], n)
		}
	}
	for id, key := range r.queued {
		if submitted[id] != key {
			r.lost++
			t.Fatalf("round %d: dossier from draft %s was acknowledged as queued with key %s; the outbox has %q", round, id, key, submitted[id])
		}
	}
}

// verifyServer checks that the server has each dossier of the outbox
// exactly once: accepted codes are unique and are exactly the server's.
func (r *crashRecord) verifyServer(t *testing.T, env *centralEnv, items []offline.OutboxItem) {
	t.Helper()
	onServer := map[string]bool{}
	for _, c := range env.dossierCodes(t) {
		onServer[c] = true
	}
	seen := map[string]bool{}
	for _, it := range items {
		if it.State != offline.Accepted {
			r.lost++
			t.Errorf("outbox item %d is %s (%v); want accepted", it.Seq, it.State, it.Problems)
			continue
		}
		if seen[it.Code] {
			r.duplicated++
		} else if !onServer[it.Code] {
			r.lost++
		}
		if seen[it.Code] || !onServer[it.Code] {
			t.Errorf("outbox item %d has code %s: seen before %v, on the server %v; want once, and there", it.Seq, it.Code, seen[it.Code], onServer[it.Code])
		}
		seen[it.Code] = true
	}
	if len(onServer) > len(items) {
		r.duplicated += len(onServer) - len(items)
	}
	if len(onServer) != len(items) {
		t.Errorf("the server has %d dossiers; the kiosk submitted %d: a dossier was lost or filed twice", len(onServer), len(items))
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// runAndKill starts a child, kills it with SIGKILL after the given time,
// and returns every line it printed, and whether it had ended on its own
// before the kill (it never should: it loops until killed).
func runAndKill(t *testing.T, dir, url string, enr central.Enrollment, after time.Duration) ([]string, bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), envCrashChild+"="+strings.Join([]string{dir, url, enr.DeviceID, enr.DeviceToken}, "\n"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan []string, 1)
	go func() {
		var got []string
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			got = append(got, sc.Text())
		}
		lines <- got
	}()
	time.Sleep(after)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	got := <-lines
	_ = cmd.Wait()
	return got, cmd.ProcessState != nil && cmd.ProcessState.Exited()
}

// TestCrashChild is the kiosk that gets killed: it saves drafts (three
// saves each, the counter in an answer), submits every other one, and
// syncs, printing each acknowledgement after the call returned.
func TestCrashChild(t *testing.T) {
	args := strings.Split(os.Getenv(envCrashChild), "\n")
	if len(args) != 4 {
		t.Skip("runs only as the crash test's child process")
	}
	s, err := offline.Open(args[0], offline.Options{Log: zerolog.Nop()})
	if err != nil {
		fmt.Println("open-failed", err)
		os.Exit(3)
	}
	cl, err := central.New(central.Config{BaseURL: args[1], Version: "crash", MaxRetries: 20,
		RetryWait: time.Millisecond, RetryMaxWait: 5 * time.Millisecond, RetryAfterMax: 5 * time.Millisecond})
	if err != nil {
		os.Exit(3)
	}
	cl.SetCredentials(args[2], args[3])
	y := offline.NewSyncer(s, cl, fastSync())
	go func() { _ = y.Run(context.Background()) }()
	for i := 0; ; i++ {
		d := birthDraft("")
		for n := 1; n <= 3; n++ {
			d.Answers["crash_counter"] = strconv.Itoa(n)
			if err := s.SaveDraft(d); err != nil {
				fmt.Println("save-failed", err)
				os.Exit(3)
			}
			fmt.Println("saved", d.ID, n)
		}
		if i%2 == 0 {
			item, err := s.Submit(d)
			if err != nil {
				fmt.Println("submit-failed", err)
				os.Exit(3)
			}
			fmt.Println("queued", d.ID, item.IdempotencyKey)
			y.Wake()
		}
		// A pause, as between a citizen's taps, keeps the data per round
		// realistic; the kills still land in saves, submits and sends.
		time.Sleep(2 * time.Millisecond)
	}
}
