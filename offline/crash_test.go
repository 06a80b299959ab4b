package offline_test

import (
	"bufio"
	"context"
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
	"github.com/motcua/kiosk/offline/crashcheck"
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
	rounds := 100
	if n, err := strconv.Atoi(os.Getenv(envCrashKills)); err == nil && n > 0 {
		rounds = n
	}
	env := startCentral(t, centralsim.Options{Seed: 7})
	client := env.newClient(t, 20)
	enr, err := client.Enroll(context.Background(), central.EnrollRequest{Code: env.srv.EnrollCode(), Hostname: "crash"})
	if err != nil {
		t.Fatal(err)
	}
	client.SetCredentials(enr.DeviceID, enr.DeviceToken)

	dir := t.TempDir()
	ledger := crashcheck.New()
	kills, crashes := 0, 0
	// The summary line of make reliability (cmd/reliability), written
	// even when a check below stops the test: the counts are the checks'.
	t.Cleanup(func() {
		t.Logf("RELIABILITY area=crash case=sigkill-save-submit-sync tried=%d lost=%d duplicated=%d corrupt=%d crashes=%d pii=0 drafts=%d queued=%d",
			kills, ledger.Lost, ledger.Duplicated, ledger.Corrupt, crashes, ledger.Drafts(), ledger.Queued())
	})
	dice := rand.New(rand.NewPCG(1, 2))
	for round := range rounds {
		lines, crashed := runAndKill(t, dir, env.url, enr, time.Duration(20+dice.IntN(280))*time.Millisecond)
		kills++
		if crashed {
			crashes++ // the child ended before the kill: it failed on its own
		}
		ledger.Note(lines)
		if _, err := ledger.CheckStore(dir); err != nil {
			t.Fatalf("round %d, after SIGKILL: %v", round, err)
		}
	}

	// Drain what the children left and count on the server.
	s := openStore(t, dir, offline.Options{})
	y := offline.NewSyncer(s, client, fastSync())
	stop := startSyncer(t, y)
	items := outbox(t, s)
	waitFor(t, time.Minute, "the outbox to drain", settled(t, s, len(items)))
	stop()
	if err := ledger.CheckServer(outbox(t, s), env.dossierCodes(t)); err != nil {
		t.Error(err)
	}
	t.Logf("%d kills: %d drafts acknowledged, %d dossiers acknowledged as queued, %d in the outbox, %d on the server",
		kills, ledger.Drafts(), ledger.Queued(), len(items), len(env.dossierCodes(t)))
}

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
// saves each, one more answer each time), submits every other one, and
// syncs, printing each acknowledgement after the call returned, as
// crashcheck reads them.
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
			d.Answers["crash_save_"+strconv.Itoa(n)] = "x"
			if err := s.SaveDraft(d); err != nil {
				fmt.Println("save-failed", err)
				os.Exit(3)
			}
			fmt.Println("saved", d.ID, len(d.Answers))
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
