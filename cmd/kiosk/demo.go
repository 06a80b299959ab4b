package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
)

// demo is the reference central server running inside the kiosk process,
// on a loopback port, with its data in a temporary directory: `kiosk
// --demo` runs the whole product on one machine.
type demo struct {
	server *centralsim.Server
	http   *http.Server
	dir    string
	url    string
}

// demoAssistantPIN is the demo team member's PIN: fixed, so trainers can
// print it on their handouts. A demo holds no one's real data.
const demoAssistantPIN = "2468"

func startDemo(log zerolog.Logger) (*demo, error) {
	dir, err := os.MkdirTemp("", "motcua-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo data directory: %w", err)
	}
	assistant, err := centralsim.NewAssistant("Tổ công nghệ số (demo)", demoAssistantPIN)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	staffToken := rand.Text() // the staff pages' sign-in, printed below
	srv, err := centralsim.Open(centralsim.Options{
		DataFile:   filepath.Join(dir, "centralsim.db"),
		StepEvery:  2 * time.Minute,
		Log:        log.With().Str("component", "centralsim").Logger(),
		StaffToken: staffToken,
		Assistants: []centralsim.AssistantAccount{assistant},
	})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("demo server: %w", err)
	}
	d := &demo{server: srv, dir: dir, url: "http://" + ln.Addr().String(),
		http: srv.HTTPServer()}
	// For trainers: how the team signs in at the demo kiosk, and where its
	// help queue is — printed on the terminal, as centralsim prints its
	// enrolment code, never written to the kiosk's log: the log keeps no
	// credential, demo or not.
	fmt.Fprintf(os.Stderr, "demo: digital-tech team PIN %s, badge QR %s\ndemo: help queue %s/help (staff token %s)\n",
		demoAssistantPIN, assistant.BadgeQR(), d.url, staffToken)
	go func() {
		if err := d.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error().Err(err).Msg("demo server stopped")
		}
	}()
	return d, nil
}

// stop shuts the server down and removes its data: a demo leaves nothing
// behind, personal data least of all.
func (d *demo) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.http.Shutdown(ctx)
	_ = d.server.Close()
	_ = os.RemoveAll(d.dir)
}

// demoCatalog is the catalog a demo kiosk fetched at enrolment: parsed,
// and as served with its ETag, for the store's cache.
type demoCatalog struct {
	cat  *kiosk.Catalog
	raw  []byte
	etag string
}

// connectDemo enrols the kiosk with the in-process server and fetches the
// catalog from it, as a real kiosk does with the province's system.
func connectDemo(ctx context.Context, d *demo) (*central.Client, central.Enrollment, demoCatalog, error) {
	client, err := central.New(central.Config{BaseURL: d.url, Version: version})
	if err != nil {
		return nil, central.Enrollment{}, demoCatalog{}, err
	}
	host, _ := os.Hostname()
	enr, err := client.Enroll(ctx, central.EnrollRequest{Code: d.server.EnrollCode(), Hostname: host, Version: version})
	if err != nil {
		return nil, central.Enrollment{}, demoCatalog{}, fmt.Errorf("demo enrolment: %w", err)
	}
	client.SetCredentials(enr.DeviceID, enr.DeviceToken)
	cat, raw, etag, _, err := client.Catalog(ctx, "")
	if err != nil {
		return nil, central.Enrollment{}, demoCatalog{}, fmt.Errorf("demo catalog: %w", err)
	}
	return client, enr, demoCatalog{cat, raw, etag}, nil
}
