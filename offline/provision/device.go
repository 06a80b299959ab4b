package provision

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

// Files of an enrolment in the data directory, each mode 0600. The data
// key, offline.KeyFile (device.key), is the third: enrolment writes a
// fresh one.
const (
	DeviceFile = "device.json"  // who the kiosk is: Device without its token
	TokenFile  = "device.token" // the bearer token, alone, never logged or printed
)

// Device is an enrolled kiosk as the central system set it up.
type Device struct {
	ID         string       `json:"device_id"`
	Unit       central.Unit `json:"unit"`
	Location   string       `json:"location"`
	Server     string       `json:"server"` // the API root it enrolled with
	EnrolledAt time.Time    `json:"enrolled_at"`
	// Token is in TokenFile, not in DeviceFile: a file that must be
	// copied to report a problem (device.json) must not carry the secret.
	Token string `json:"-"`
}

// ErrNotEnrolled means the data directory holds no enrolment: the kiosk
// starts on its first-run screen.
var ErrNotEnrolled = errors.New("the kiosk is not enrolled")

// LoadDevice reads the enrolment in dir. Without DeviceFile it is
// ErrNotEnrolled; a DeviceFile without its token, or that does not
// parse, is an error that says to enrol again.
func LoadDevice(dir string) (Device, error) {
	data, err := os.ReadFile(filepath.Join(dir, DeviceFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Device{}, fmt.Errorf("%w (no %s in %s)", ErrNotEnrolled, DeviceFile, dir)
	}
	if err != nil {
		return Device{}, err
	}
	var d Device
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil || d.ID == "" || d.Server == "" {
		return Device{}, fmt.Errorf("%s is damaged (%v); enrol the kiosk again with kiosk enroll --force", filepath.Join(dir, DeviceFile), orMissing(err, "no device_id or server"))
	}
	tok, err := os.ReadFile(filepath.Join(dir, TokenFile))
	if err != nil {
		return Device{}, fmt.Errorf("%s: %w; enrol the kiosk again with kiosk enroll --force", filepath.Join(dir, TokenFile), err)
	}
	if d.Token = strings.TrimSpace(string(tok)); d.Token == "" {
		return Device{}, fmt.Errorf("%s is empty; enrol the kiosk again with kiosk enroll --force", filepath.Join(dir, TokenFile))
	}
	return d, nil
}

func orMissing(err error, missing string) string {
	if err != nil {
		return err.Error()
	}
	return missing
}
