// Package practice is the kiosk's practice mode (Luyện tập): citizens
// try the real screens on practice procedures, typing a made-up person's
// sample answers, and nothing is sent. It holds the practice set — a
// catalog in the kiosk's own schema plus the sample answers — and the
// debrief shown at the end of a run: what went well and which step to try
// again. Like package kiosk it is pure Go, with no Fyne and no I/O.
package practice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
)

// IDPrefix starts the ID of every practice procedure, so a practice
// procedure can never be mistaken for a real one in drafts, figures or
// URLs.
const IDPrefix = "practice-"

// Set is the practice procedures and their sample answers. Samples maps a
// procedure ID to its answers by field ID; every question except the
// attachments has one, in the form the kiosk stores (a select's value,
// "yes"/"no", dd/mm/yyyy).
type Set struct {
	Catalog *kiosk.Catalog
	Samples map[string]map[string]string
}

// file is the JSON shape of a practice set:
//
//	{"catalog": {…a kiosk.Catalog…},
//	 "samples": {"practice-khai-sinh": {"mother_name": "Nguyễn Thị Mẫu", …}, …}}
type file struct {
	Catalog json.RawMessage              `json:"catalog"`
	Samples map[string]map[string]string `json:"samples"`
}

// Load decodes a practice set and checks it: the catalog with kiosk's own
// loader (kiosk.ParseCatalog, so the real screens can show it), every
// procedure ID starting with IDPrefix, a sample for every question but
// the attachments and none for anything else, each sample accepted by its
// field's validator and already in the form the kiosk stores it, and each
// procedure's samples together passing the form's cross-field checks (an
// ID number agrees with the same person's birth date and sex). Every
// problem is reported at once (errors.Join).
func Load(data []byte) (*Set, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("practice: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("practice: unexpected data after the practice set")
	}
	if len(f.Catalog) == 0 {
		return nil, errors.New("practice: no catalog")
	}
	cat, err := kiosk.ParseCatalog(f.Catalog)
	if err != nil {
		return nil, fmt.Errorf("practice: %w", err)
	}
	s := &Set{Catalog: cat, Samples: f.Samples}
	if err := s.check(checkTime(time.Now())); err != nil {
		return nil, err
	}
	return s, nil
}

// sampleEpoch is the earliest "today" the samples are checked against.
// A kiosk whose clock has reset (a flat RTC battery reads 1970 or 2000)
// must still start: with the real clock it would find the sample baby's
// 2025 birth date in the future and refuse the embedded set.
var sampleEpoch = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

func checkTime(now time.Time) time.Time {
	if now.Before(sampleEpoch) {
		return sampleEpoch
	}
	return now
}

// Default is the practice set embedded in the kiosk (assets.Practice). It
// decodes a fresh copy on each call, so no caller sees another's changes.
// It panics only if the embedded file is broken, which the package's
// tests rule out before a build ships.
func Default() *Set { return mustLoad(assets.Practice()) }

func mustLoad(data []byte) *Set {
	s, err := Load(data)
	if err != nil {
		panic("practice: the embedded practice set is broken: " + err.Error())
	}
	return s
}

// Sample returns the sample answer to one question of a practice
// procedure, or "" when there is none (an attachment, an unknown ID).
func (s *Set) Sample(procID, fieldID string) string {
	if s == nil {
		return ""
	}
	return s.Samples[procID][fieldID]
}

// check reports everything wrong with the samples, given a catalog that
// kiosk already validated.
func (s *Set) check(now time.Time) error {
	var errs []error
	bad := func(proc, format string, args ...any) {
		errs = append(errs, fmt.Errorf("practice: procedure %q: "+format, append([]any{proc}, args...)...))
	}
	for i := range s.Catalog.Procedures {
		p := &s.Catalog.Procedures[i]
		if !strings.HasPrefix(p.ID, IDPrefix) {
			bad(p.ID, "id does not start with %q", IDPrefix)
		}
		samples := s.Samples[p.ID]
		for _, f := range p.Form {
			v, ok := samples[f.ID]
			switch {
			case f.Kind == kiosk.KindAttachment && ok:
				bad(p.ID, "field %q is an attachment: it takes a sample paper, not a sample answer", f.ID)
			case f.Kind == kiosk.KindAttachment:
			case v == "":
				bad(p.ID, "field %q has no sample answer", f.ID)
			default:
				if clean, err := kiosk.CheckField(f, v, now); err != nil {
					bad(p.ID, "field %q: sample %q is refused: %v", f.ID, v, err)
				} else if clean != v {
					bad(p.ID, "field %q: sample %q is stored as %q; write it that way", f.ID, v, clean)
				}
			}
		}
		errs = append(errs, crossCheck(p, samples, now)...)
	}
	for _, procID := range slices.Sorted(maps.Keys(s.Samples)) {
		p, ok := s.Catalog.Procedure(procID)
		if !ok {
			bad(procID, "has samples but is not in the catalog")
			continue
		}
		for _, fieldID := range slices.Sorted(maps.Keys(s.Samples[procID])) {
			if !slices.ContainsFunc(p.Form, func(f kiosk.Field) bool { return f.ID == fieldID }) {
				bad(procID, "sample for field %q, which the form does not have", fieldID)
			}
		}
	}
	return errors.Join(errs...)
}

// crossCheck runs the whole form's checks on the samples, as the check
// page would, leaving out the attachments (a practice run attaches a
// sample paper) and the answers each field already refused.
func crossCheck(p *kiosk.Procedure, samples map[string]string, now time.Time) []error {
	_, problems := kiosk.ValidateForm(p.Form, samples, now)
	var errs []error
	for _, f := range p.Form {
		msg, ok := problems[f.ID]
		if !ok || f.Kind == kiosk.KindAttachment {
			continue
		}
		if _, err := kiosk.CheckField(f, samples[f.ID], now); err != nil {
			continue // reported already, field by field
		}
		errs = append(errs, fmt.Errorf("practice: procedure %q: field %q: the samples disagree: %s", p.ID, f.ID, msg.EN))
	}
	return errs
}
