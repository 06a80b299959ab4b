package adminpin

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fast are parameters that keep the tests quick; the policy does not
// depend on the cost.
var fast = Params{Time: 1, Memory: 64, Threads: 1}

const right = "482913"

// clock is a test clock that only moves when told.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time                        { return c.now }
func (c *clock) Add(d time.Duration)                   { c.now = c.now.Add(d) }
func newClock() *clock                                 { return &clock{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)} }
func (c *clock) opts() Options                         { return Options{Now: c.Now, Params: fast} }
func openIn(t *testing.T, dir string, c *clock) *Guard { t.Helper(); return mustOpen(t, dir, c.opts()) }

func mustOpen(t *testing.T, dir string, opts Options) *Guard {
	t.Helper()
	g, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// provisioned is a guard in a fresh directory with the PIN right set.
func provisioned(t *testing.T) (*Guard, *clock, string) {
	t.Helper()
	dir, c := t.TempDir(), newClock()
	g := openIn(t, dir, c)
	if err := g.Set(right); err != nil {
		t.Fatal(err)
	}
	return g, c, dir
}

func wantWrong(t *testing.T, err error, triesLeft int) {
	t.Helper()
	var wrong *WrongPINError
	if !errors.As(err, &wrong) || wrong.TriesLeft != triesLeft {
		t.Fatalf("Check(wrong) = %v; want a wrong PIN with %d tries left", err, triesLeft)
	}
}

func wantLocked(t *testing.T, err error, until time.Time) {
	t.Helper()
	var locked *LockedError
	if !errors.As(err, &locked) || !locked.Until.Equal(until) {
		t.Fatalf("got %v; want locked until %s", err, until.Format(time.TimeOnly))
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("errors.Is(%v, ErrLocked) = false", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		pin, want string // want: a word of the reason, "" for accepted
	}{
		{"482913", ""},
		{"20261127", ""},
		{"1234567890123", "consecutive"}, // 9 then 0 is still a run
		{"1234567", "consecutive"},
		{"123457", ""},
		{"12345", "at least 6"},
		{"", "at least 6"},
		{"48291a", "digits only"},
		{"482 913", "digits only"},
		{"４８２９１３", "digits only"}, // full-width digits are not 0–9
		{strings.Repeat("48", 17), "at most 32"},
		{"111111", "one digit"},
		{"0000000", "one digit"},
		{"123456", "consecutive"},
		{"654321", "consecutive"},
		{"890123", "consecutive"},
		{"3210987", "consecutive"},
		{"121212", "short group"},
		{"123123", "short group"},
		{"9090909", "short group"},
	}
	for _, tt := range tests {
		err := Validate(tt.pin)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Validate(%q) = %v; want nil", tt.pin, err)
		case tt.want != "" && (!errors.Is(err, ErrWeakPIN) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Validate(%q) = %v; want a weak PIN saying %q", tt.pin, err, tt.want)
		}
	}
}

func TestSetRefusesWeakPINAndKeepsTheOldOne(t *testing.T) {
	g, _, _ := provisioned(t)
	if err := g.Set("123456"); !errors.Is(err, ErrWeakPIN) {
		t.Fatalf("Set(123456) = %v; want ErrWeakPIN", err)
	}
	if err := g.Check(right); err != nil {
		t.Errorf("after a refused Set, Check(the old PIN) = %v; want nil", err)
	}
}

func TestNoPINSetRefusesEverything(t *testing.T) {
	g := openIn(t, t.TempDir(), newClock())
	if err := g.Ready(); !errors.Is(err, ErrNotSet) {
		t.Errorf("Ready() = %v; want ErrNotSet", err)
	}
	if err := g.Check(right); !errors.Is(err, ErrNotSet) {
		t.Errorf("Check() = %v; want ErrNotSet", err)
	}
	if !strings.Contains(ErrNotSet.Error(), "kiosk admin-pin") {
		t.Errorf("ErrNotSet = %q; want it to name the command that sets a PIN", ErrNotSet)
	}
}

func TestRightPINOpens(t *testing.T) {
	g, _, _ := provisioned(t)
	if err := g.Ready(); err != nil {
		t.Fatalf("Ready() = %v", err)
	}
	if err := g.Check(right); err != nil {
		t.Errorf("Check(right) = %v; want nil", err)
	}
	if err := g.Check(right + "0"); !errors.Is(err, ErrWrongPIN) {
		t.Errorf("Check(right + a digit) = %v; want ErrWrongPIN", err)
	}
}

func TestLockAfterFiveWrongTriesWithCountdown(t *testing.T) {
	g, c, _ := provisioned(t)
	// The summary line of make reliability (cmd/reliability): the tries
	// made, how many were refused, and after how many the lock came.
	tries, refused, lockedAfter := 0, 0, 0
	check := func(pin string) error {
		tries++
		err := g.Check(pin)
		if err != nil {
			refused++
		}
		if errors.Is(err, ErrLocked) && lockedAfter == 0 {
			lockedAfter = tries
		}
		return err
	}
	t.Cleanup(func() {
		t.Logf("RELIABILITY area=access case=admin-pin-lockout tried=%d lost=0 duplicated=0 corrupt=0 crashes=0 pii=0 refused=%d locked-after=%d",
			tries, refused, lockedAfter)
	})
	for left := MaxFails - 1; left > 0; left-- {
		wantWrong(t, check("000111"), left)
		c.Add(time.Second)
	}
	until := c.now.Add(5 * time.Minute)
	wantLocked(t, check("000111"), until)

	// While locked, even the right PIN is not tried, and the lock's end
	// stays put as the clock moves: the screen counts down to it.
	c.Add(time.Second)
	wantLocked(t, check(right), until)
	wantLocked(t, g.Ready(), until)
	if left := until.Sub(c.now); left != 4*time.Minute+59*time.Second {
		t.Errorf("a second into the lock %v is left; want 4:59", left)
	}
	c.Add(4*time.Minute + 58*time.Second)
	wantLocked(t, g.Ready(), until)

	c.Add(time.Second) // the lock has ended
	if err := g.Ready(); err != nil {
		t.Fatalf("after the lock Ready() = %v; want nil", err)
	}
	if err := check(right); err != nil {
		t.Fatalf("after the lock Check(right) = %v; want nil", err)
	}
	// The right PIN started the count again.
	wantWrong(t, check("000111"), MaxFails-1)
}

func TestLockGrowsWithEachFurtherWrongTry(t *testing.T) {
	g, c, _ := provisioned(t)
	for range MaxFails - 1 {
		g.Check("000111")
	}
	want := []time.Duration{5 * time.Minute, 10 * time.Minute, 20 * time.Minute, 40 * time.Minute, 80 * time.Minute,
		160 * time.Minute, 320 * time.Minute, 640 * time.Minute, 1280 * time.Minute, 24 * time.Hour, 24 * time.Hour}
	for i, lock := range want {
		wantLocked(t, g.Check("000111"), c.now.Add(lock))
		if i == 0 {
			// Tries during a lock are refused, not counted.
			c.Add(time.Minute)
			wantLocked(t, g.Check("000111"), c.now.Add(4*time.Minute))
			c.Add(-time.Minute)
		}
		c.Add(lock)
	}
	if err := g.Check(right); err != nil {
		t.Fatalf("after the last lock Check(right) = %v; want nil", err)
	}
	wantWrong(t, g.Check("000111"), MaxFails-1)
}

func TestFailuresAndLockSurviveARestart(t *testing.T) {
	g, c, dir := provisioned(t)
	for range 3 {
		g.Check("000111")
	}
	g = openIn(t, dir, c) // the kiosk restarted (or the power came back)
	wantWrong(t, g.Check("000111"), 1)
	until := c.now.Add(5 * time.Minute)
	wantLocked(t, g.Check("000111"), until)

	g = openIn(t, dir, c)
	wantLocked(t, g.Ready(), until)
	wantLocked(t, g.Check(right), until)
	c.Add(5 * time.Minute)
	g = openIn(t, dir, c)
	// The lock has ended but the failures are remembered: one more wrong
	// try locks again, for longer.
	wantLocked(t, g.Check("000111"), c.now.Add(10*time.Minute))
}

func TestStateFileIsPrivateAndHoldsNoPIN(t *testing.T) {
	g, _, dir := provisioned(t)
	g.Check("000111")
	fi, err := os.Stat(g.Path())
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode %v; want 0600", mode)
	}
	raw, _ := os.ReadFile(g.Path())
	if strings.Contains(string(raw), right) || !strings.Contains(string(raw), "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("state file %s; want a PHC argon2id hash and no PIN", raw)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %d files; want only %s (no temporary files left)", len(entries), FileName)
	}
	first := string(raw)
	if err := g.Set(right); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(g.Path())
	if hashOf(first) == hashOf(string(raw)) {
		t.Errorf("setting the same PIN twice gave the same hash; want a new random salt")
	}
}

func hashOf(file string) string {
	_, rest, _ := strings.Cut(file, `"hash": "`)
	h, _, _ := strings.Cut(rest, `"`)
	return h
}

// TestDamagedFileFailsSafe: a state file that is truncated, garbled or
// altered is not read as "no failures" or "no PIN": nothing is tried
// until the PIN is set again, which repairs it.
func TestDamagedFileFailsSafe(t *testing.T) {
	tests := []struct {
		name   string
		damage func(raw []byte) []byte
	}{
		{"empty", func([]byte) []byte { return nil }},
		{"truncated", func(raw []byte) []byte { return raw[:len(raw)/2] }},
		{"garbage", func([]byte) []byte { return []byte("\x00\x13not json") }},
		{"failure count altered", func(raw []byte) []byte {
			return []byte(strings.Replace(string(raw), `"failures": 5`, `"failures": 0`, 1))
		}},
		{"lock shortened", func(raw []byte) []byte {
			return []byte(strings.Replace(string(raw), `"locked_until": "2026`, `"locked_until": "2025`, 1))
		}},
		{"hash altered", func(raw []byte) []byte { return []byte(strings.Replace(string(raw), "argon2id", "argon2i", 1)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, c, dir := provisioned(t)
			for range MaxFails {
				g.Check("000111")
			}
			raw, err := os.ReadFile(g.Path())
			if err != nil {
				t.Fatal(err)
			}
			damaged := tt.damage(raw)
			if string(damaged) == string(raw) {
				t.Fatalf("the damage changed nothing")
			}
			if err := os.WriteFile(g.Path(), damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			g = openIn(t, dir, c)
			if err := g.Ready(); !errors.Is(err, ErrDamaged) {
				t.Errorf("Ready() = %v; want ErrDamaged", err)
			}
			if err := g.Check(right); !errors.Is(err, ErrDamaged) {
				t.Errorf("Check(right) = %v; want ErrDamaged", err)
			}
			if err := g.Set(right); err != nil {
				t.Fatalf("Set() over a damaged file = %v", err)
			}
			if err := g.Check(right); err != nil {
				t.Errorf("after Set, Check(right) = %v; want nil", err)
			}
		})
	}
}

func TestPINSetByAnotherProcessIsUsedAtOnce(t *testing.T) {
	running, c, dir := provisioned(t)
	for range 4 {
		running.Check("000111")
	}
	// `kiosk admin-pin` sets a new PIN while the kiosk runs.
	if err := openIn(t, dir, c).Set("730518"); err != nil {
		t.Fatal(err)
	}
	wantWrong(t, running.Check(right), MaxFails-1)
	if err := running.Check("730518"); err != nil {
		t.Errorf("Check(the new PIN) = %v; want nil", err)
	}
}

func TestClockGoneBackDoesNotLockForDays(t *testing.T) {
	g, c, _ := provisioned(t)
	for range MaxFails {
		g.Check("000111")
	}
	c.Add(-72 * time.Hour) // the clock battery died; no network yet
	wantLocked(t, g.Ready(), c.now.Add(5*time.Minute))
	// The lock then ends when it says, not when the clock catches up:
	// the shorter lock is what the file keeps, for the next start too.
	c.Add(5*time.Minute + time.Second)
	if err := g.Ready(); err != nil {
		t.Errorf("Ready() 5 min after the clock went back = %v; want nil: the lock moved on with the clock", err)
	}
	if err := openIn(t, filepath.Dir(g.path), c).Check(right); err != nil {
		t.Errorf("Check(right) after a restart = %v; want nil", err)
	}
}

// On a disk that cannot take the shortened lock, it still ends when it
// says while the process runs: the file's longer lock does not win.
func TestClockGoneBackWithTheFileUnwritable(t *testing.T) {
	g, c, _ := provisioned(t)
	for range MaxFails {
		g.Check("000111")
	}
	g.write = func(state) error { return errors.New("no space left on device") }
	c.Add(-72 * time.Hour)
	wantLocked(t, g.Ready(), c.now.Add(5*time.Minute))
	c.Add(5*time.Minute + time.Second)
	if err := g.Ready(); err != nil {
		t.Errorf("Ready() 5 min after the clock went back, the file unwritten = %v; want nil", err)
	}
	if err := g.Check(right); err != nil {
		t.Errorf("Check(right) = %v; want nil", err)
	}
}

func TestHashMadeWithOtherParamsStillVerifies(t *testing.T) {
	dir, c := t.TempDir(), newClock()
	if err := mustOpen(t, dir, Options{Now: c.Now, Params: Params{Time: 2, Memory: 128, Threads: 2}}).Set(right); err != nil {
		t.Fatal(err)
	}
	if err := openIn(t, dir, c).Check(right); err != nil {
		t.Errorf("Check with other default params = %v; want nil", err)
	}
}

func TestOpenRefusesParamsOutOfRange(t *testing.T) {
	if _, err := Open(t.TempDir(), Options{Params: Params{Time: 1, Memory: 4 << 20, Threads: 1}}); err == nil {
		t.Errorf("Open with 4 GiB of memory = nil error; want refused")
	}
}

func TestLockFor(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{{0, 0}, {4, 0}, {5, 5 * time.Minute}, {6, 10 * time.Minute}, {7, 20 * time.Minute}, {13, 1280 * time.Minute}, {14, 24 * time.Hour}, {1000, 24 * time.Hour}}
	for _, tt := range tests {
		if got := lockFor(tt.failures); got != tt.want {
			t.Errorf("lockFor(%d) = %v; want %v", tt.failures, got, tt.want)
		}
	}
}

// TestDefaultParamsCost measures one check at the kiosk's real cost: run
// it with -v on the kiosk to see its figure (100–300 ms is the aim).
func TestDefaultParamsCost(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the real cost")
	}
	dir := t.TempDir()
	g := mustOpen(t, dir, Options{})
	if err := g.Set(right); err != nil {
		t.Fatal(err)
	}
	best := time.Hour
	for range 3 {
		start := time.Now()
		if err := g.Check(right); err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	t.Logf("argon2id m=%d KiB, t=%d, p=%d: %v per check", DefaultParams.Memory, DefaultParams.Time, DefaultParams.Threads, best.Round(time.Millisecond))
	if best > 3*time.Second {
		t.Errorf("a check takes %v; staff would wait too long", best)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Error(err)
	}
}
