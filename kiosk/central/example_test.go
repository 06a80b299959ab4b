package central_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
)

// startExampleServer runs the reference server on a loopback port, as
// `kiosk --demo` does.
func startExampleServer() (url, code string, stop func()) {
	return startExampleServerWith(centralsim.Options{})
}

func startExampleServerWith(opts centralsim.Options) (url, code string, stop func()) {
	dir, err := os.MkdirTemp("", "central-example-")
	if err != nil {
		panic(err)
	}
	opts.DataFile, opts.Log = filepath.Join(dir, "c.db"), zerolog.Nop()
	s, err := centralsim.Open(opts)
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(s.Handler())
	return ts.URL, s.EnrollCode(), func() {
		ts.Close()
		s.Close()
		os.RemoveAll(dir)
	}
}

// A kiosk enrols once, keeps its credentials, and from then on every call
// carries them.
func ExampleClient() {
	url, code, stop := startExampleServer()
	defer stop()
	ctx := context.Background()

	c, err := central.New(central.Config{BaseURL: url, Version: "1.0.0", Lang: "vi"})
	if err != nil {
		fmt.Println(err)
		return
	}
	enr, err := c.Enroll(ctx, central.EnrollRequest{Code: code, Hostname: "kiosk-01", Version: "1.0.0"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c.SetCredentials(enr.DeviceID, enr.DeviceToken) // store them; enrolment codes are one-time

	cat, _, etag, _, err := c.Catalog(ctx, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _, _, notModified, err := c.Catalog(ctx, etag)
	fmt.Println(len(cat.Procedures) > 0, notModified, err)
	// Output: true true <nil>
}

// The offline outbox keeps a dossier's Idempotency-Key with the dossier, so
// a kiosk that lost the answer (or restarted) and sends it again gets the
// same dossier back instead of a second one.
func ExampleClient_SubmitDossierWithKey() {
	url, code, stop := startExampleServer()
	defer stop()
	ctx := context.Background()
	c, _ := central.New(central.Config{BaseURL: url})
	enr, _ := c.Enroll(ctx, central.EnrollRequest{Code: code, Hostname: "kiosk-01"})
	c.SetCredentials(enr.DeviceID, enr.DeviceToken)

	key := central.NewIdempotencyKey() // stored in the outbox with the dossier
	req := birthRegistration("")
	first, err := c.SubmitDossierWithKey(ctx, key, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	again, err := c.SubmitDossierWithKey(ctx, key, req) // e.g. after a restart
	fmt.Println(again.Code == first.Code, err)
	// Output: true <nil>
}

// A member of the digital-tech team scans their badge at the kiosk: the
// scanner's text is classified, and its token signs them in. A wrong PIN
// is the person's mistake, not the device's: never ErrUnauthorized.
func ExampleClient_SignInAssistant() {
	lan, _ := centralsim.NewAssistant("Nguyễn Thị Lan", "482913")
	url, code, stop := startExampleServerWith(centralsim.Options{Assistants: []centralsim.AssistantAccount{lan}})
	defer stop()
	ctx := context.Background()
	c, _ := central.New(central.Config{BaseURL: url})
	enr, _ := c.Enroll(ctx, central.EnrollRequest{Code: code, Hostname: "kiosk-01"})
	c.SetCredentials(enr.DeviceID, enr.DeviceToken)

	scan, _ := kiosk.ClassifyScan(lan.BadgeQR() + "\r\n") // what the scanner typed
	if scan.Kind == kiosk.ScanStaff {
		a, err := c.SignInAssistant(ctx, central.AssistantSignIn{Badge: scan.Code})
		fmt.Println(a.Name, err)
	}
	_, err := c.SignInAssistant(ctx, central.AssistantSignIn{PIN: "0000"})
	fmt.Println(errors.Is(err, central.ErrAssistantUnknown), errors.Is(err, central.ErrUnauthorized))
	// Output:
	// Nguyễn Thị Lan <nil>
	// true false
}

// What a sender does with an error: retry later, fix the answers, or stop
// and call a person.
func ExampleIsTransient() {
	errs := []error{
		fmt.Errorf("central: POST /v1/dossiers: %w: connection refused", central.ErrOffline),
		&central.APIError{Status: 503, Code: "unavailable"},
		&central.ValidationError{Code: central.CodeValidationFailed, Fields: map[string]string{"mother_id": "…"}},
		&central.APIError{Status: 401, Code: "unauthorized"},
		fmt.Errorf("central: GET /v1/catalog: %w", central.ErrPinMismatch),
		context.Canceled,
	}
	for _, err := range errs {
		var v *central.ValidationError
		switch {
		case central.IsTransient(err):
			fmt.Println("keep it queued, retry later")
		case errors.As(err, &v):
			fmt.Println("show the citizen:", len(v.Fields), "field(s)")
		case errors.Is(err, central.ErrUnauthorized), errors.Is(err, central.ErrPinMismatch):
			fmt.Println("pause sending, alert IT")
		default:
			fmt.Println("stopped:", err)
		}
	}
	// Output:
	// keep it queued, retry later
	// keep it queued, retry later
	// show the citizen: 1 field(s)
	// pause sending, alert IT
	// pause sending, alert IT
	// stopped: context canceled
}

// Pins come from configuration: the current key and a backup (a spare key,
// or the issuing CA's). `kiosk doctor` prints SPKIPin of what it sees.
func ExampleSPKIPin() {
	ts := httptest.NewTLSServer(nil)
	defer ts.Close()
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())

	pin := central.SPKIPin(ts.Certificate())
	_, err := central.New(central.Config{
		BaseURL: ts.URL,
		RootCAs: roots,
		Pins:    []string{pin, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		Timeout: 10 * time.Second,
	})
	fmt.Println(len(pin), err)
	// Output: 44 <nil>
}
