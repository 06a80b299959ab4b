// Package crashcheck holds a killed kiosk to what it had promised: the
// drafts it acknowledged as saved and the dossiers it acknowledged as
// queued. The crash tests — offline's, on the store in a child process,
// and cmd/kiosk's, on the real binary — read the promises from what the
// killed process printed, check the store it left as the next start would
// open it, and at the end check the central system's dossiers against the
// outbox.
//
// The promises are lines of the process's standard output:
//
//	saved <draft> <answers>   a save of the draft with that many answers returned nil
//	queued <draft> <key>      the draft went into the outbox under that Idempotency-Key
//
// A line is written only after the call it reports returned: a kill
// between the two leaves a promise unmade, never a false one.
package crashcheck

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/offline"
)

// Ledger is what the killed processes promised, over all rounds, and
// what the checks found wrong.
type Ledger struct {
	saved  map[string]int    // draft id → the most answers an acknowledged save held
	queued map[string]string // draft id → idempotency key, acknowledged as queued

	Lost, Duplicated, Corrupt int // what the checks found
}

// New returns an empty ledger.
func New() *Ledger {
	return &Ledger{saved: map[string]int{}, queued: map[string]string{}}
}

// Drafts is how many drafts were acknowledged as saved; Queued how many
// dossiers as queued.
func (l *Ledger) Drafts() int { return len(l.saved) }
func (l *Ledger) Queued() int { return len(l.queued) }

// Note records the promises among a killed process's lines.
func (l *Ledger) Note(lines []string) {
	for _, line := range lines {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "saved":
			if n, err := strconv.Atoi(f[2]); err == nil {
				l.saved[f[1]] = max(l.saved[f[1]], n)
			}
		case len(f) == 3 && f[0] == "queued":
			l.queued[f[1]] = f[2]
		}
	}
}

// CheckStore opens the store in dir as the next start would: it must
// open and pass its consistency check without being moved aside (Open
// replaces a damaged database with a fresh one, and so must never have
// to after a kill), every acknowledged draft must be
// there, decrypt and hold at least the answers acknowledged (or have
// moved into the outbox), and every dossier acknowledged as queued must
// be in the outbox under its key. It returns how many dossiers the outbox
// still had to send, and the first broken promise.
func (l *Ledger) CheckStore(dir string) (unsent int, err error) {
	s, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		l.Corrupt++
		return 0, fmt.Errorf("reopening the store: %w", err)
	}
	defer s.Close()
	if aside := offline.MovedAside(dir); len(aside) > 0 {
		l.Corrupt++
		return 0, fmt.Errorf("the store was damaged and moved aside as %s", filepath.Base(aside[0]))
	}
	if err := s.Check(); err != nil {
		l.Corrupt++
		return 0, fmt.Errorf("the store's consistency check: %w", err)
	}
	items, err := s.Outbox()
	if err != nil {
		l.Corrupt++
		return 0, fmt.Errorf("reading the outbox: %w", err)
	}
	submitted := map[string]string{}
	for _, it := range items {
		submitted[it.DraftID] = it.IdempotencyKey
		if it.State == offline.Queued || it.State == offline.Sending {
			unsent++
		}
	}
	var problems []error
	for id, n := range l.saved {
		if err := l.checkDraft(s, id, n, submitted[id] != ""); err != nil {
			problems = append(problems, err)
		}
	}
	for id, key := range l.queued {
		if submitted[id] != key {
			l.Lost++
			problems = append(problems, fmt.Errorf("the dossier from draft %s was acknowledged as queued with key %s; the outbox has %q", id, key, submitted[id]))
		}
	}
	return unsent, errors.Join(problems...)
}

func (l *Ledger) checkDraft(s *offline.Store, id string, answers int, submitted bool) error {
	d, err := s.LoadDraft(id)
	switch {
	case errors.Is(err, offline.ErrNotFound) && submitted:
		return nil // it lives on in the outbox
	case errors.Is(err, offline.ErrNotFound):
		l.Lost++
		return fmt.Errorf("draft %s (a save with %d answers acknowledged): %w", id, answers, err)
	case err != nil:
		l.Corrupt++
		return fmt.Errorf("draft %s (a save with %d answers acknowledged): %w", id, answers, err)
	case len(d.Answers) < answers:
		l.Lost++
		return fmt.Errorf("draft %s holds %d answers; a save with %d was acknowledged", id, len(d.Answers), answers)
	}
	return nil
}

// CheckServer checks, once the outbox has drained, that the central
// system has each of its dossiers exactly once: every dossier
// acknowledged as queued is an accepted item, every item is accepted,
// codes are unique, and exactly the server's codes.
func (l *Ledger) CheckServer(items []offline.OutboxItem, serverCodes []string) error {
	onServer := map[string]bool{}
	for _, c := range serverCodes {
		onServer[c] = true
	}
	var problems []error
	byKey := map[string]offline.OutboxItem{}
	for _, it := range items {
		byKey[it.IdempotencyKey] = it
	}
	for id, key := range l.queued {
		if _, ok := byKey[key]; !ok {
			l.Lost++
			problems = append(problems, fmt.Errorf("the dossier from draft %s, acknowledged as queued with key %s, is not in the drained outbox", id, key))
		}
	}
	seen := map[string]bool{}
	for _, it := range items {
		switch {
		case it.State != offline.Accepted:
			l.Lost++
			problems = append(problems, fmt.Errorf("outbox item %d is %s (%v); want accepted", it.Seq, it.State, it.Problems))
			continue
		case seen[it.Code]:
			l.Duplicated++
			problems = append(problems, fmt.Errorf("outbox item %d has code %s, as an item before it", it.Seq, it.Code))
		case !onServer[it.Code]:
			l.Lost++
			problems = append(problems, fmt.Errorf("outbox item %d has code %s, which the server does not have", it.Seq, it.Code))
		}
		seen[it.Code] = true
	}
	if extra := len(onServer) - len(seen); extra > 0 {
		l.Duplicated += extra
		problems = append(problems, fmt.Errorf("the server has %d dossiers; the kiosk submitted %d: %d filed twice", len(onServer), len(seen), extra))
	}
	return errors.Join(problems...)
}
