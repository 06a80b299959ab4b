// Command centralsim is the reference implementation of the central API
// that kiosks talk to: for the demo, for tests, and for training staff.
//
//	centralsim -addr 127.0.0.1:8787 -data centralsim.db
//
// IT staff list the kiosks and their health with the staff token: at
// http://HOST:PORT/devices, or GET /v1/devices with
// Authorization: Bearer <staff token>. Set it with -staff-token or
// CENTRALSIM_STAFF_TOKEN (which keeps it out of the process list);
// without either, centralsim makes one up and prints it at start. The
// same sign-in opens http://HOST:PORT/help, the help queue for the
// digital-tech team.
//
// Each -assistant "Name:PIN" registers a member of that team, who signs in
// at a kiosk with the PIN or with a badge: centralsim makes a fresh badge
// token for each and prints its QR payload (MCK1:STAFF:<token>) at start.
// Without -assistant, the team registered last time is kept. The PIN shows
// in the process list: use training PINs.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/kiosk/logging"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

type config struct {
	addr, catalog       string
	logLevel, logFormat string
	opts                centralsim.Options
}

// parseAssistant reads -assistant's "Name:PIN" into an account with a
// fresh badge. The name may hold colons; the PIN is after the last one.
// Its errors never repeat the PIN.
func parseAssistant(v string) (centralsim.AssistantAccount, error) {
	i := strings.LastIndex(v, ":")
	if i < 0 {
		return centralsim.AssistantAccount{}, errors.New(`want "Name:PIN", e.g. "Nguyễn Thị Lan:482913"`)
	}
	a, err := centralsim.NewAssistant(v[:i], v[i+1:])
	if err != nil {
		return a, errors.New(`want "Name:PIN" with a name and a PIN of 4 to 8 digits`)
	}
	return a, nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("centralsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8787", "listen address (host:port)")
	fs.StringVar(&c.opts.DataFile, "data", "centralsim.db", "bbolt data file; everything survives a restart")
	fs.StringVar(&c.opts.EnrollCode, "enroll-code", "", "a one-time device enrolment code to accept (default: a random one, printed at start)")
	fs.StringVar(&c.opts.StaffToken, "staff-token", "", "the token staff use to list the kiosks and their health (GET /v1/devices, the /devices page), read the metrics (GET /v1/metrics) and work the help queue (the /help page), at least 16 characters (default: $"+staffTokenEnv+", else a random one, printed at start)")
	fs.StringVar(&c.opts.PublicURL, "public-url", "", "base URL phones use to reach this server, e.g. http://192.168.1.10:8787 (default: the address each request came to)")
	fs.StringVar(&c.catalog, "catalog", "", "catalog JSON file to serve (default: the embedded sample catalog)")
	fs.DurationVar(&c.opts.StepEvery, "step-every", 0, "move each dossier on a status (received → processing → done) after this long; 0 never does")
	fs.Float64Var(&c.opts.FaultRate, "fault-rate", 0, "share of API requests (0–1) answered 503 with Retry-After at random")
	fs.DurationVar(&c.opts.Latency, "latency", 0, "delay added before every API request is handled, e.g. 300ms")
	fs.Float64Var(&c.opts.DropAfterCommit, "drop-after-commit", 0, "share of creating POSTs (0–1) whose connection is cut after the work is committed")
	fs.Uint64Var(&c.opts.Seed, "seed", 0, "seed for the fault dice, for reproducible runs (0: random)")
	fs.Func("holidays", "extra days off, comma-separated yyyy-mm-dd (beyond the built-in table), counted in due dates and sent to kiosks", func(v string) error {
		for _, s := range strings.Split(v, ",") {
			d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("%q is not a yyyy-mm-dd date", s)
			}
			c.opts.Holidays = append(c.opts.Holidays, d)
		}
		return nil
	})
	fs.Func("assistant", `a member of the digital-tech team, "Name:PIN" (PIN: 4 to 8 digits), who signs in at kiosks with the PIN or with a badge whose QR is printed at start; repeat for each; without it the team registered last time is kept`, func(v string) error {
		a, err := parseAssistant(v)
		if err == nil {
			c.opts.Assistants = append(c.opts.Assistants, a)
		}
		return err
	})
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.logFormat, "log-format", "console", "log format: console or json")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: centralsim [flags]\n\nThe reference central API server for Một Cửa kiosks.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.opts.StaffToken == "" {
		c.opts.StaffToken = os.Getenv(staffTokenEnv)
	}
	if t := c.opts.StaffToken; t != "" && len(t) < 16 {
		return c, fmt.Errorf("-staff-token: want at least 16 characters, got %d", len(t))
	}
	for name, rate := range map[string]float64{"-fault-rate": c.opts.FaultRate, "-drop-after-commit": c.opts.DropAfterCommit} {
		if rate < 0 || rate > 1 {
			return c, fmt.Errorf("%s %v: want a share between 0 and 1", name, rate)
		}
	}
	return c, nil
}

// staffTokenEnv is the environment variable that may hold the staff token.
const staffTokenEnv = "CENTRALSIM_STAFF_TOKEN"

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "centralsim:", err)
		return 2
	}
	log, err := logging.New(stderr, logging.Options{Format: logging.Format(c.logFormat), Level: c.logLevel})
	if err != nil {
		fmt.Fprintln(stderr, "centralsim:", err)
		return 2
	}
	if c.catalog != "" {
		if c.opts.Catalog, err = os.ReadFile(c.catalog); err != nil {
			fmt.Fprintln(stderr, "centralsim:", err)
			return 1
		}
	}
	c.opts.Log = log
	madeUp := c.opts.StaffToken == ""
	if madeUp {
		c.opts.StaffToken = rand.Text()
	}
	srv, err := centralsim.Open(c.opts)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		fmt.Fprintln(stderr, "centralsim:", err)
		return 1
	}
	fmt.Fprintf(stdout, "centralsim listening on http://%s\nenrolment code: %s\n", ln.Addr(), srv.EnrollCode())
	if madeUp {
		fmt.Fprintf(stdout, "staff token: %s (kiosk health: http://%s/devices, help queue: http://%s/help)\n", c.opts.StaffToken, ln.Addr(), ln.Addr())
	}
	printAssistants(stdout, c.opts.Assistants, srv)
	if err := serve(ctx, srv, ln); err != nil {
		log.Error().Err(err).Msg("server stopped")
		return 1
	}
	log.Info().Msg("stopped")
	return 0
}

// printAssistants prints the badge QR payload of each assistant just
// registered (to stdout, as the enrolment code: never to the log), or how
// many were kept from the data file, whose badges were printed before.
func printAssistants(stdout io.Writer, registered []centralsim.AssistantAccount, srv *centralsim.Server) {
	for _, a := range registered {
		fmt.Fprintf(stdout, "assistant badge: %s (%s, %s)\n", a.BadgeQR(), a.Name, a.ID)
	}
	if kept := srv.Assistants(); len(registered) == 0 && len(kept) > 0 {
		fmt.Fprintf(stdout, "assistants: %d kept from the data file (their badges as printed when registered)\n", len(kept))
	}
}

// serve serves until ctx ends, then shuts down gracefully: requests in
// flight get 10 s to finish, and long polls (which may wait 30 s) are told
// to answer at once.
func serve(ctx context.Context, srv *centralsim.Server, ln net.Listener) error {
	hs := srv.HTTPServer()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	purge := time.NewTicker(time.Hour)
	defer purge.Stop()
	for {
		select {
		case err := <-errc:
			return err
		case <-purge.C:
			_ = srv.PurgeExpired()
		case <-ctx.Done():
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return hs.Shutdown(shutdownCtx)
		}
	}
}
