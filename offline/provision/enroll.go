package provision

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/offline"
)

// EnrollOptions say whom to enrol with and how.
type EnrollOptions struct {
	// Server is the central API's root; "" takes Config.APIURL. When the
	// configuration names a server, Server must be the same one: the
	// running kiosk talks to api_url, and a token from another server
	// would be refused there.
	Server string
	// Code is the one-time enrolment code from the central system.
	Code string
	// Config gives api_url, the pins and the CA file the client trusts.
	Config Config
	// Force enrols a kiosk that is enrolled already, deleting its
	// drafts, outbox and data key. Dossiers not yet sent are never
	// deleted: enrolment refuses while there are any.
	Force bool
	// Hostname and Version go to the central system with the code.
	Hostname, Version string
	// MaxRetries and Timeout tune the client (defaults 2 retries, 15 s an
	// attempt): an enrolment is interactive, someone waits for it.
	MaxRetries int
	Timeout    time.Duration
	Now        func() time.Time
	Log        zerolog.Logger
}

// Enrolled is what an enrolment set up, for the person who ran it.
type Enrolled struct {
	Device  Device
	Dir     string
	Written []string // file names, in the order they were put in place
	Removed []string // the previous enrolment's files that were deleted
}

// EnrollKind is why an enrolment failed.
type EnrollKind int

const (
	// EnrollFailed: anything else, such as the files that could not be
	// written after the central system had enrolled the kiosk.
	EnrollFailed EnrollKind = iota
	// EnrollBadInput: no server or code, or a server URL that cannot be used.
	EnrollBadInput
	// EnrollCodeRefused: the central system refused the code: wrong,
	// expired or used already. The central system does not say which.
	EnrollCodeRefused
	// EnrollUnreachable: no answer from the server (refused connection,
	// unknown name, timeout, not TLS).
	EnrollUnreachable
	// EnrollPinMismatch: the server's certificate verified, but its key
	// is not one of the configured pins.
	EnrollPinMismatch
	// EnrollUntrusted: the server's certificate did not verify.
	EnrollUntrusted
	// EnrollNotCentral: something answered, but not the central API.
	EnrollNotCentral
	// EnrollAlreadyEnrolled: the data directory has an enrolment (or a
	// damaged one) and Force is not set.
	EnrollAlreadyEnrolled
	// EnrollUnsent: the outbox still holds dossiers to send.
	EnrollUnsent
	// EnrollHasDrafts: the store holds saved drafts and Force is not set.
	EnrollHasDrafts
	// EnrollRunning: a kiosk is running on the data directory.
	EnrollRunning
	// EnrollServerMismatch: Server is not the configuration's api_url.
	EnrollServerMismatch
)

// TLS reports whether the kind is a TLS trust failure.
func (k EnrollKind) TLS() bool { return k == EnrollPinMismatch || k == EnrollUntrusted }

// EnrollError is a failed enrolment. Its message is complete and plain,
// for IT staff; Changed says whether anything on the kiosk was changed
// (only when the files could not be written after the central system
// had already enrolled the kiosk — its code is then used up).
type EnrollError struct {
	Kind    EnrollKind
	Server  string
	Changed bool
	Err     error // the cause, when there is one
	msg     string
}

func (e *EnrollError) Error() string { return e.msg }
func (e *EnrollError) Unwrap() error { return e.Err }

func enrollErr(kind EnrollKind, server string, cause error, format string, args ...any) *EnrollError {
	return &EnrollError{Kind: kind, Server: server, Err: cause, msg: fmt.Sprintf(format, args...)}
}

// keySize is the data key's length: AES-256, as offline.Open reads it.
const keySize = 32

// Enroll registers the kiosk with the central system and stores what it
// gets in dir (mode 0700): DeviceFile, TokenFile and a fresh data key
// (offline.KeyFile), each 0600. A kiosk enrolled again starts on a new
// key and an empty store, so it cannot read its previous life's drafts.
//
// Everything that can refuse without the central system is checked
// first, so a refusal does not spend the one-time code: the inputs, an
// existing enrolment (Force), a kiosk running on dir, dossiers not sent
// yet, saved drafts (Force). Then the central system is asked; only when
// it has answered are the files written, to temporary names renamed into
// place. On any error before that, dir is left as it was. Errors are
// *EnrollError.
func Enroll(ctx context.Context, dir string, opts EnrollOptions) (Enrolled, error) {
	server, client, err := opts.client()
	if err != nil {
		return Enrolled{}, err
	}
	code := strings.TrimSpace(opts.Code)
	if code == "" {
		return Enrolled{}, enrollErr(EnrollBadInput, server, nil, "no enrolment code: give the one-time code from the central system (--code)")
	}
	store, err := checkLocal(dir, opts.Force)
	if err != nil {
		return Enrolled{}, err
	}
	closeStore := func() {
		if store != nil {
			_ = store.Close()
			store = nil
		}
	}
	defer closeStore()
	enr, err := client.Enroll(ctx, central.EnrollRequest{Code: code, Hostname: opts.Hostname, Version: opts.Version})
	if err != nil {
		return Enrolled{}, enrollNetError(server, code, err)
	}
	if enr.DeviceID == "" || enr.DeviceToken == "" {
		return Enrolled{}, enrollErr(EnrollNotCentral, server, nil,
			"%s answered the enrolment without a device id or token; it does not look like the central API", server)
	}
	closeStore() // the files below replace its database
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	dev := Device{ID: enr.DeviceID, Unit: enr.Unit, Location: enr.Location, Server: server, EnrolledAt: now().UTC().Truncate(time.Second), Token: enr.DeviceToken}
	written, removed, err := commit(dir, dev)
	if err != nil {
		e := enrollErr(EnrollFailed, server, err,
			"the central system enrolled this kiosk as %s, but its files could not be written to %s (%v); fix that, then enrol again with a new code and --force",
			dev.ID, dir, err)
		e.Changed = true
		return Enrolled{}, e
	}
	opts.Log.Info().Str("device", dev.ID).Str("unit", dev.Unit.Code).Str("server", server).Msg("kiosk enrolled")
	return Enrolled{Device: dev, Dir: dir, Written: written, Removed: removed}, nil
}

// client resolves the server and builds the central client for it.
func (opts EnrollOptions) client() (string, *central.Client, error) {
	server := strings.TrimSpace(opts.Server)
	configured := strings.TrimSpace(opts.Config.APIURL)
	switch {
	case server == "" && configured == "":
		return "", nil, enrollErr(EnrollBadInput, "", nil, "no central server: give its address (--server https://…) or set api_url in %s", ConfigFile)
	case server == "":
		server = configured
	case configured != "" && !SameServer(server, configured):
		return server, nil, enrollErr(EnrollServerMismatch, server, nil,
			"the configuration's api_url is %s, not %s: the kiosk talks to api_url, which would refuse a token from another server; enrol with %s, or change api_url first",
			configured, server, configured)
	}
	if err := CheckServerURL(server); err != nil {
		return server, nil, enrollErr(EnrollBadInput, server, err, "the server address %q cannot be used: %v", server, err)
	}
	roots, err := opts.Config.RootCAs()
	if err != nil {
		return server, nil, enrollErr(EnrollBadInput, server, err, "ca_file %q: %v", opts.Config.CAFile, err)
	}
	retries := opts.MaxRetries
	if retries == 0 {
		retries = 2
	}
	log := opts.Log
	client, err := central.New(central.Config{BaseURL: server, Pins: opts.Config.Pins, RootCAs: roots, Version: opts.Version,
		MaxRetries: retries, Timeout: opts.Timeout, Log: &log})
	if err != nil {
		return server, nil, enrollErr(EnrollBadInput, server, err, "%v", strings.TrimPrefix(err.Error(), "central: "))
	}
	return server, client, nil
}

// checkLocal refuses what the kiosk's own state forbids. When dir has a
// store, it is returned open: it holds the directory's lock, so no kiosk
// starts on it while the central system is asked.
func checkLocal(dir string, force bool) (*offline.Store, error) {
	if err := checkEnrolled(dir, force); err != nil {
		return nil, err
	}
	if !exists(filepath.Join(dir, offline.DBFile)) || !exists(filepath.Join(dir, offline.KeyFile)) {
		return nil, nil // nothing readable to lose
	}
	store, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if errors.Is(err, offline.ErrAlreadyRunning) {
		return nil, enrollErr(EnrollRunning, "", err, "the kiosk is running on %s; stop it before enrolling", dir)
	}
	if err != nil {
		return nil, enrollErr(EnrollFailed, "", err, "cannot read the kiosk's store in %s: %v", dir, err)
	}
	if err := checkStore(store, dir, force); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// checkEnrolled refuses an enrolled kiosk, or a damaged enrolment,
// without force.
func checkEnrolled(dir string, force bool) error {
	prev, err := LoadDevice(dir)
	switch {
	case force || errors.Is(err, ErrNotEnrolled):
		return nil
	case err != nil:
		return enrollErr(EnrollAlreadyEnrolled, "", err, "%v", err)
	}
	return enrollErr(EnrollAlreadyEnrolled, prev.Server, nil,
		"this kiosk is already enrolled as %s (%s) with %s since %s; to enrol it again, add --force: its saved drafts, outbox and data key will be deleted",
		prev.ID, unitText(prev.Unit), prev.Server, prev.EnrolledAt.Local().Format("02/01/2006 15:04"))
}

// checkStore refuses to lose dossiers not sent yet, ever, and saved
// drafts without force.
func checkStore(store *offline.Store, dir string, force bool) error {
	queued, sending, _, _, err := store.OutboxCounts()
	if err == nil && queued+sending > 0 {
		return enrollErr(EnrollUnsent, "", nil,
			"this kiosk still has %s to send to the central system, which enrolling again would lose; run the kiosk with the network connected until none is waiting, then enrol again (or, to give them up, delete %s)",
			plural(queued+sending, "dossier", "dossiers"), filepath.Join(dir, offline.DBFile))
	}
	drafts, err2 := store.ListDrafts()
	if err := errors.Join(err, err2); err != nil {
		return enrollErr(EnrollFailed, "", err, "cannot read the kiosk's store in %s: %v", dir, err)
	}
	if len(drafts) > 0 && !force {
		return enrollErr(EnrollHasDrafts, "", nil,
			"%s holds %s that enrolling will delete (a new enrolment starts on a new data key); add --force to enrol anyway",
			filepath.Join(dir, offline.DBFile), plural(len(drafts), "saved draft", "saved drafts"))
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func unitText(u central.Unit) string {
	switch {
	case u.Name != "" && u.Code != "":
		return u.Name + ", " + u.Code
	case u.Name != "":
		return u.Name
	}
	return u.Code
}

// UnitText is how a unit reads in messages: "UBND xã Tân Phú, 000.00.01.H26".
func UnitText(u central.Unit) string { return unitText(u) }

// leafPin finds the server's key in the client's pin-mismatch message.
var leafPin = regexp.MustCompile(`leaf pin-sha256 ([A-Za-z0-9+/]+=*)`)

// enrollNetError turns the client's error into the closed set above.
func enrollNetError(server, code string, err error) *EnrollError {
	var apiErr *central.APIError
	var valErr *central.ValidationError
	switch {
	case errors.Is(err, central.ErrPinMismatch):
		got := "unknown"
		if m := leafPin.FindStringSubmatch(err.Error()); m != nil {
			got = m[1]
		}
		return enrollErr(EnrollPinMismatch, server, err,
			"the server at %s is not the one this kiosk trusts: its certificate matches no pin in the configuration (its key is pin-sha256 %s); either the server's key changed and the pin must be updated, or the connection is intercepted",
			server, got)
	case errors.Is(err, central.ErrUntrusted):
		return enrollErr(EnrollUntrusted, server, err,
			"the server at %s has a TLS certificate this kiosk does not trust (%s); if the province uses its own certificate authority, set ca_file in %s; check also the kiosk's date and time",
			server, CertCause(err), ConfigFile)
	case errors.Is(err, central.ErrOffline), errors.Is(err, context.DeadlineExceeded):
		return enrollErr(EnrollUnreachable, server, err,
			"cannot reach the central system at %s (%s); check the address, the network cable or Wi-Fi, and any proxy or firewall",
			server, NetCause(err))
	case errors.As(err, &valErr):
		return enrollErr(EnrollCodeRefused, server, err,
			"the central system at %s refused the enrolment code %q (%s); check it and type it again, or ask for a new one", server, code, valErr.Message)
	case errors.As(err, &apiErr):
		return apiEnrollError(server, code, apiErr, err)
	}
	return enrollErr(EnrollFailed, server, err, "enrolment with %s failed: %v", server, err)
}

func apiEnrollError(server, code string, apiErr *central.APIError, err error) *EnrollError {
	if apiErr.Code == "" && apiErr.Status < 500 {
		// Not the API's error body: another web server (or plain http
		// to an https port) answered.
		return enrollErr(EnrollNotCentral, server, err,
			"%s answered %d to the enrolment: it does not look like the central API; check the address (the API's root, such as https://motcua.example.gov.vn)", server, apiErr.Status)
	}
	switch apiErr.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict, http.StatusGone:
		return enrollErr(EnrollCodeRefused, server, err,
			"the central system at %s refused the enrolment code %q: it is wrong, has expired or has already been used; check it, or ask for a new code", server, code)
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return enrollErr(EnrollNotCentral, server, err,
			"%s answered %d to the enrolment: it does not look like the central API; check the address (the API's root, such as https://motcua.example.gov.vn)", server, apiErr.Status)
	}
	return enrollErr(EnrollFailed, server, err, "the central system at %s could not enrol the kiosk: %v; try again later", server, apiErr)
}

// NetCause says in a few words why a server could not be reached (the
// enrolment's messages and kiosk doctor's).
func NetCause(err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var recErr tls.RecordHeaderError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("the name %s is not known", dnsErr.Name)
	case errors.As(err, &recErr):
		return "it does not answer in TLS: is it plain http?"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "no answer in time"
	case errors.As(err, &opErr) && opErr.Err != nil:
		return opErr.Err.Error()
	}
	return err.Error()
}

// CertCause says why a certificate did not verify.
func CertCause(err error) string {
	var ua x509.UnknownAuthorityError
	var host x509.HostnameError
	var inv x509.CertificateInvalidError
	var verr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &ua):
		return ua.Error()
	case errors.As(err, &host):
		return host.Error()
	case errors.As(err, &inv):
		return inv.Error()
	case errors.As(err, &verr):
		return verr.Err.Error()
	}
	return err.Error()
}

// commit writes the enrolment's files: each to a temporary file first,
// then the previous enrolment's database is deleted, then the files are
// renamed into place, the data key first and device.json last — the
// kiosk counts as enrolled once device.json is there. A new data key
// never meets the old database.
func commit(dir string, dev Device) (written, removed []string, err error) {
	key := make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, err
	}
	info, err := json.MarshalIndent(dev, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	_, statErr := os.Stat(dir)
	created := errors.Is(statErr, fs.ErrNotExist)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	files := []struct {
		name string
		data []byte
	}{
		{offline.KeyFile, key},
		{TokenFile, []byte(dev.Token + "\n")},
		{DeviceFile, append(info, '\n')},
	}
	temps := make([]string, len(files))
	undo := func() {
		for _, t := range temps {
			if t != "" {
				_ = os.Remove(t)
			}
		}
		if created {
			_ = os.Remove(dir)
		}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		undo()
		return nil, nil, err
	}
	for i, f := range files {
		if temps[i], err = writeTemp(dir, f.name, f.data); err != nil {
			undo()
			return nil, nil, err
		}
	}
	if removed, err = removePrevious(dir); err != nil {
		undo()
		return nil, removed, err
	}
	created = false // from here the directory holds what is renamed into it
	for i, f := range files {
		if err := os.Rename(temps[i], filepath.Join(dir, f.name)); err != nil {
			undo()
			return written, removed, err
		}
		temps[i] = ""
		written = append(written, f.name)
	}
	syncDir(dir)
	return written, removed, nil
}

// writeTemp writes data to a new 0600 file beside name and syncs it.
func writeTemp(dir, name string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, "."+name+".new-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// removePrevious deletes the database of a previous enrolment and the
// damaged copies the store set aside: all sealed with the old key.
func removePrevious(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if name != offline.DBFile && !strings.HasPrefix(name, offline.DBFile+".corrupt-") {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return removed, err
		}
		removed = append(removed, name)
	}
	return removed, nil
}

// syncDir makes the renames durable where the OS allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
