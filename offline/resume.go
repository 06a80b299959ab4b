package offline

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/motcua/kiosk/kiosk"
	bolt "go.etcd.io/bbolt"
)

// ResumeAlphabet is the characters of a resume code. A citizen reads the
// code off a slip or a phone and types it days later, so whole groups of
// look-alikes are left out, not just one side of each pair: 0 O Q D
// (round), 1 I L J (a stroke), 2 Z, 5 S, 8 B, 6 G, and U V. A character
// from a left-out group is then always a typing mistake, never a guess we
// would have to make. 18 symbols, 8 of them: 18⁸ ≈ 1.1·10¹⁰ codes. The
// UI may offer only these keys.
const ResumeAlphabet = "ACEFHKMNPRTWXY3479"

const (
	resumeCodeLen  = 8
	resumeMaxFails = 5                // wrong birth dates before the code locks
	resumeLockout  = 15 * time.Minute // how long it stays locked
)

// Why a resume was refused. LockedError and WrongBirthDateError carry
// details and match ErrResumeLocked and ErrResumeWrongBirthDate with
// errors.Is.
var (
	ErrResumeCodeInvalid    = errors.New("not a resume code")
	ErrResumeNotFound       = errors.New("no draft has this resume code")
	ErrResumeLocked         = errors.New("this resume code is locked after too many wrong tries")
	ErrResumeWrongBirthDate = errors.New("the date of birth does not match the draft's")
	// ErrResumeNoBirthDate: the draft has neither the applicant's date of
	// birth nor their ID number yet, so nothing can prove the person
	// resuming it is its applicant. We refuse rather
	// than let a code alone open it (a slip can be lost or photographed);
	// the UI shows the code only once the draft is Resumable.
	ErrResumeNoBirthDate = errors.New("the draft has no date of birth to check")
)

// LockedError is a resume refused because the code is locked until Until.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return fmt.Sprintf("%v, until %s", ErrResumeLocked, e.Until.Format(time.RFC3339))
}

func (e *LockedError) Is(target error) bool { return target == ErrResumeLocked }

// WrongBirthDateError is a wrong date of birth; TriesLeft more wrong ones
// are allowed before the code locks.
type WrongBirthDateError struct{ TriesLeft int }

func (e *WrongBirthDateError) Error() string {
	return fmt.Sprintf("%v (%d tries left)", ErrResumeWrongBirthDate, e.TriesLeft)
}

func (e *WrongBirthDateError) Is(target error) bool { return target == ErrResumeWrongBirthDate }

// resumeEntry is a resume code's record: its draft and its wrong tries.
type resumeEntry struct {
	DraftID     string    `json:"draft_id"`
	Fails       int       `json:"fails,omitempty"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

// NormalizeResumeCode reads a code as a citizen may type it: any case,
// with spaces or dashes between groups.
func NormalizeResumeCode(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case unicode.IsSpace(r) || r == '-' || r == '.':
		case strings.ContainsRune(ResumeAlphabet, r):
			b.WriteRune(r)
		default:
			return "", fmt.Errorf("%w: %q is not used in resume codes", ErrResumeCodeInvalid, r)
		}
	}
	if b.Len() != resumeCodeLen {
		return "", fmt.Errorf("%w: it has %d characters; want %d", ErrResumeCodeInvalid, b.Len(), resumeCodeLen)
	}
	return b.String(), nil
}

// FormatResumeCode writes a code in two groups of four, easier to read
// out and copy: "ACEF-HKMN".
func FormatResumeCode(code string) string {
	if len(code) != resumeCodeLen {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// resumeCodeSource makes candidate codes; tests replace it to force
// collisions.
var resumeCodeSource = randomResumeCode

func randomResumeCode() string {
	// Rejection sampling keeps every symbol equally likely: bytes at or
	// above the largest multiple of the alphabet's size are drawn again.
	limit := byte(256 - 256%len(ResumeAlphabet))
	code := make([]byte, 0, resumeCodeLen)
	var buf [16]byte
	for len(code) < resumeCodeLen {
		if _, err := rand.Read(buf[:]); err != nil {
			panic(err) // crypto/rand does not fail on supported systems
		}
		for _, c := range buf {
			if c < limit && len(code) < resumeCodeLen {
				code = append(code, ResumeAlphabet[int(c)%len(ResumeAlphabet)])
			}
		}
	}
	return string(code)
}

// claimResumeCode returns the draft's resume code, registering it if
// needed: the code the store already has for the draft, else the code the
// draft carries if it is free, else a new random one. A code is never
// taken from another draft.
func claimResumeCode(tx *bolt.Tx, id string, old *draftMeta, carried string) (string, error) {
	var candidates []string
	if old != nil && old.ResumeCode != "" {
		candidates = append(candidates, old.ResumeCode)
	}
	if c, err := NormalizeResumeCode(carried); err == nil {
		candidates = append(candidates, c)
	}
	for range 16 {
		candidates = append(candidates, resumeCodeSource())
	}
	b := tx.Bucket(bucketResume)
	for _, c := range candidates {
		raw := b.Get([]byte(c))
		if raw == nil {
			return c, putResume(b, c, resumeEntry{DraftID: id})
		}
		var e resumeEntry
		if json.Unmarshal(raw, &e) == nil && e.DraftID == id {
			return c, nil // ours already; its tries stay counted
		}
	}
	return "", errors.New("no free resume code after 16 tries")
}

func putResume(b *bolt.Bucket, code string, e resumeEntry) error {
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return b.Put([]byte(code), raw)
}

// deleteResumeTx removes a resume code if it belongs to the draft id.
func deleteResumeTx(tx *bolt.Tx, code, id string) error {
	b := tx.Bucket(bucketResume)
	var e resumeEntry
	if raw := b.Get([]byte(code)); raw == nil || (json.Unmarshal(raw, &e) == nil && e.DraftID != id) {
		return nil
	}
	return b.Delete([]byte(code))
}

// deleteOrphanResumes removes resume codes whose draft is gone, e.g.
// moved into the outbox by code that did not remove its code.
func deleteOrphanResumes(tx *bolt.Tx) error {
	b := tx.Bucket(bucketResume)
	var orphans [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var e resumeEntry
		if json.Unmarshal(v, &e) != nil || tx.Bucket(bucketIndex).Get([]byte(e.DraftID)) == nil {
			orphans = append(orphans, bytes.Clone(k)) // deletes may move what k points to
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range orphans {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// ResumeDraft opens the draft with this resume code for the citizen who
// proves it is theirs with its applicant's date of birth or, as well, with
// the applicant's 12-digit ID number: a form such as khai sinh asks the
// applicant's ID number but not their birth date, and an ID number is
// known only to its holder just as well. It refuses with
// ErrResumeCodeInvalid (mistyped), a *kiosk.Invalid (the proof is neither
// a date nor an ID number: not a try), ErrResumeNotFound (no such code, or
// its draft expired), a *LockedError, ErrResumeNoBirthDate, or a
// *WrongBirthDateError. The fifth wrong proof in a row locks the code for
// 15 minutes; after the lock, the count starts again. Tries are counted in
// the same transaction that checks them, so concurrent tries cannot get
// past the limit.
func (s *Store) ResumeDraft(code, proof string) (*Draft, error) {
	code, err := NormalizeResumeCode(code)
	if err != nil {
		return nil, err
	}
	want, err := readProof(proof)
	if err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	var d *Draft
	var refusal error
	err = s.db.Update(func(tx *bolt.Tx) error {
		var err error
		// A refusal is not a failed transaction: the counted try must commit.
		d, refusal, err = s.resumeTx(tx, code, want)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	return d, refusal
}

// resumeProof is what the citizen gave to prove a draft is theirs: a date
// of birth, or an ID number.
type resumeProof struct {
	birth      time.Time
	personalID string
}

// readProof reads a proof as typed: twelve digits (spaces allowed) are an
// ID number, anything else must be a date.
func readProof(s string) (resumeProof, error) {
	if digits := strings.Join(strings.Fields(s), ""); len(digits) == 12 && strings.Trim(digits, "0123456789") == "" {
		return resumeProof{personalID: digits}, nil
	}
	t, err := kiosk.ParseDate(s)
	if err != nil {
		return resumeProof{}, &kiosk.Invalid{Message: kiosk.Text{VI: "Hãy nhập ngày sinh (ngày/tháng/năm) hoặc số định danh 12 số của người nộp hồ sơ.",
			EN: "Enter the applicant's date of birth (dd/mm/yyyy) or 12-digit ID number."}}
	}
	return resumeProof{birth: t}, nil
}

// provable reports whether a draft holds anything a proof can match.
func provable(d *Draft) bool { return d.BirthDate != "" || d.Applicant.PersonalID != "" }

// matches reports whether the proof is the draft's; an ID number is
// compared in constant time, as a secret is.
func (p resumeProof) matches(d *Draft) bool {
	if p.personalID != "" {
		return d.Applicant.PersonalID != "" &&
			subtle.ConstantTimeCompare([]byte(p.personalID), []byte(d.Applicant.PersonalID)) == 1
	}
	have, err := kiosk.ParseDate(d.BirthDate)
	return err == nil && have.Equal(p.birth)
}

// resumeTx returns the draft, or why the citizen is refused (refusal), or
// a storage error that aborts the transaction.
func (s *Store) resumeTx(tx *bolt.Tx, code string, want resumeProof) (d *Draft, refusal, err error) {
	b := tx.Bucket(bucketResume)
	raw := b.Get([]byte(code))
	if raw == nil {
		return nil, ErrResumeNotFound, nil
	}
	var e resumeEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, nil, fmt.Errorf("resume entry: %w", err)
	}
	now := s.opts.Now()
	if e.LockedUntil.Sub(now) > resumeLockout {
		// Locked under a clock that has since gone back (a dead clock
		// battery, then NTP): the lock ends one lockout from now, not
		// when the clock catches up, which could be days. The shorter
		// lock is written, or it would move on with the clock.
		e.LockedUntil = now.Add(resumeLockout)
		if err := putResume(b, code, e); err != nil {
			return nil, nil, err
		}
	}
	if now.Before(e.LockedUntil) {
		return nil, &LockedError{Until: e.LockedUntil}, nil
	}
	before := e
	if !e.LockedUntil.IsZero() {
		e = resumeEntry{DraftID: e.DraftID} // the lock has ended: a fresh set of tries
	}
	d, err = s.loadDraftTx(tx, e.DraftID)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrResumeNotFound, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if !provable(d) {
		return nil, ErrResumeNoBirthDate, nil
	}
	if want.matches(d) {
		e.Fails = 0
	} else {
		refusal = s.countWrongTry(&e, now)
		d = nil
	}
	if e.Fails == before.Fails && e.LockedUntil.Equal(before.LockedUntil) {
		return d, refusal, nil // nothing to write: spare the disk a sync
	}
	return d, refusal, putResume(b, code, e)
}

// countWrongTry adds a wrong date to e and says how the citizen is told.
func (s *Store) countWrongTry(e *resumeEntry, now time.Time) error {
	e.Fails++
	if e.Fails < resumeMaxFails {
		return &WrongBirthDateError{TriesLeft: resumeMaxFails - e.Fails}
	}
	e.LockedUntil = now.Add(resumeLockout)
	// The draft id only: the code is half of what opens the draft.
	s.log.Warn().Str("draft", e.DraftID).Int("tries", e.Fails).Msg("resume code locked")
	return &LockedError{Until: e.LockedUntil}
}
