package offline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// The self-service figures live in bucketMetrics, one record per day and
// procedure under "yyyy-mm-dd/<procedure ID>", so keys sort by day. A
// record is the day's selfserve.Tally with two counters: Version grows
// with every session recorded, Sent is the Version the central system
// last took. A record is unsent while Version > Sent, so a session
// recorded while a report is on its way keeps its day unsent.
//
// The records are not sealed, unlike drafts and dossiers: a Tally holds
// counts, step names (ValidStep), times and star ratings, never anything
// about a citizen or anything typed, so there is nothing to hide. That
// also lets the admin screen and `kiosk doctor` read them without the key.

// MetricsRetention is how long the kiosk keeps a day's figures: the
// admin screen's chart needs 30 days, a report at most the 62 before it
// was sent. The sync loop's periodic purge (SyncOptions.PurgeEvery) drops
// older days, sent or not.
const MetricsRetention = 90 * 24 * time.Hour

// maxReportDays is how many entries (days and procedures) one metrics
// report carries at most, oldest first: the central system takes 62, two
// months of catching up after an outage; a longer backlog goes over the
// next heartbeats. A report that size is some 60 kB.
const maxReportDays = 62

// ErrNotMetrics: a session that cannot be counted in the figures the
// central system takes (a procedure ID not of the catalog's form, or a
// start time without a four-digit year).
var ErrNotMetrics = errors.New("the session cannot be counted")

// MetricsSender is what the sync loop needs to report the self-service
// figures; a *central.Client has it. It is apart from Sender so that
// every Sender (a test's fake, a tool's) keeps working unchanged: a
// Sender without SendMetrics syncs dossiers and leaves the figures
// unsent.
type MetricsSender interface {
	SendMetrics(ctx context.Context, m central.Metrics) error
}

var _ MetricsSender = (*central.Client)(nil)

// metricsRecord is one day and procedure as stored.
type metricsRecord struct {
	Tally   selfserve.Tally `json:"tally"`
	Version uint64          `json:"version"` // sessions recorded
	Sent    uint64          `json:"sent"`    // the Version last accepted (or refused for good) by the central system
}

func metricsKey(date, procedure string) []byte { return []byte(date + "/" + procedure) }

// RecordSession counts an ended session in its day's figures for its
// procedure (the day of sess.Started in its own location, or today if it
// is unset), in one transaction, and leaves that day and procedure to be
// reported at the next heartbeat. A session the central system could not
// take is refused with ErrNotMetrics, so that it never spoils a report.
func (s *Store) RecordSession(sess selfserve.Session) error {
	at := sess.Started
	if at.IsZero() {
		at = s.opts.Now()
	}
	if !selfserve.ValidProcedure(sess.Procedure) || at.Year() < 1 || at.Year() > 9999 {
		return fmt.Errorf("offline: RecordSession: %w", ErrNotMetrics)
	}
	date := selfserve.DayOf(at)
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMetrics)
		key := metricsKey(date, sess.Procedure)
		rec := metricsRecord{Tally: selfserve.Tally{Date: date, Procedure: sess.Procedure}}
		if raw := b.Get(key); raw != nil {
			if err := json.Unmarshal(raw, &rec); err != nil {
				return fmt.Errorf("metrics %s: %w", key, err)
			}
		}
		rec.Tally.Add(sess)
		rec.Version++
		return putMetrics(b, key, rec)
	})
	if err != nil {
		return fmt.Errorf("offline: RecordSession: %w", err)
	}
	return nil
}

func putMetrics(b *bolt.Bucket, key []byte, rec metricsRecord) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// forEachMetrics calls fn with every record from the day from on, in
// order of day then procedure, until fn returns false.
func forEachMetrics(b *bolt.Bucket, from string, fn func(key []byte, rec metricsRecord) bool) error {
	c := b.Cursor()
	for k, v := c.Seek([]byte(from)); k != nil; k, v = c.Next() {
		var rec metricsRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("metrics %s: %w", k, err)
		}
		if !fn(k, rec) {
			return nil
		}
	}
	return nil
}

// Figures returns the figures of every procedure on the days from to to
// (yyyy-mm-dd, both included), by day then procedure: for the admin
// screen and its CSV export (selfserve.Totals, selfserve.WriteCSV).
func (s *Store) Figures(from, to string) ([]selfserve.Figures, error) {
	var figs []selfserve.Figures
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachMetrics(tx.Bucket(bucketMetrics), from, func(_ []byte, rec metricsRecord) bool {
			if rec.Tally.Date > to {
				return false
			}
			figs = append(figs, rec.Tally.Figures())
			return true
		})
	})
	if err != nil {
		return nil, fmt.Errorf("offline: Figures: %w", err)
	}
	return figs, nil
}

// PurgeMetrics deletes the figures of days older than MetricsRetention,
// sent or not, and returns how many days-and-procedures it deleted.
func (s *Store) PurgeMetrics() (int, error) {
	cutoff := selfserve.DayOf(s.opts.Now().Add(-MetricsRetention))
	var n int
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMetrics)
		// Collect first: deleting under a moving cursor skips keys.
		var old [][]byte
		c := b.Cursor()
		for k, _ := c.First(); k != nil && string(k) < cutoff; k, _ = c.Next() {
			old = append(old, append([]byte(nil), k...))
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("offline: PurgeMetrics: %w", err)
	}
	return n, nil
}

// unsentDay is a day and procedure waiting to be reported, as read.
type unsentDay struct {
	key     []byte
	version uint64
	figures selfserve.Figures
}

// unsentMetrics returns at most limit unsent days and procedures, oldest
// first.
func (s *Store) unsentMetrics(limit int) ([]unsentDay, error) {
	var out []unsentDay
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachMetrics(tx.Bucket(bucketMetrics), "", func(k []byte, rec metricsRecord) bool {
			if rec.Version > rec.Sent {
				out = append(out, unsentDay{key: append([]byte(nil), k...), version: rec.Version, figures: rec.Tally.Figures()})
			}
			return len(out) < limit
		})
	})
	return out, err
}

// markMetricsSent records that the central system has the days as they
// were read: a day that took another session since stays unsent.
func (s *Store) markMetricsSent(sent []unsentDay) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMetrics)
		for _, u := range sent {
			raw := b.Get(u.key)
			if raw == nil {
				continue // purged meanwhile
			}
			var rec metricsRecord
			if err := json.Unmarshal(raw, &rec); err != nil {
				return fmt.Errorf("metrics %s: %w", u.key, err)
			}
			if rec.Sent >= u.version {
				continue
			}
			rec.Sent = u.version
			if err := putMetrics(b, u.key, rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// metricsDay is a day's figures as the central API carries them.
func metricsDay(f selfserve.Figures) central.MetricsDay {
	d := central.MetricsDay{
		Date: f.Date, Procedure: f.Procedure,
		Started: f.Started, Finished: f.Finished, SelfServed: f.SelfServed, Assisted: f.Assisted,
		HelpRequests: f.HelpRequests, Practice: f.Practice,
		Abandoned: f.AbandonedAt, Ratings: f.Ratings,
	}
	if len(f.StepMedian) > 0 {
		d.StepMedianSeconds = make(map[string]float64, len(f.StepMedian))
		for step, m := range f.StepMedian {
			d.StepMedianSeconds[step] = m.Seconds()
		}
	}
	return d
}

// sendMetrics reports the unsent days, oldest first, in one request (at
// most maxReportDays entries): at every heartbeat, once the heartbeat has
// found the central system. A day
// is marked sent only once the central system took it, or refused it for
// good (the report is logged without its content and not sent again, so
// one bad day cannot block the rest forever); after any other failure it
// is sent again at the next heartbeat. The figures' sending does not
// change the Status, which is about dossiers and the heartbeat.
func (y *Syncer) sendMetrics(ctx context.Context) {
	ms, ok := y.sender.(MetricsSender)
	if st := y.Status(); !ok || !st.Online || isAuthBlock(st.Blocked) || ctx.Err() != nil {
		return
	}
	days, err := y.store.unsentMetrics(maxReportDays)
	if err != nil {
		y.log.Error().Err(err).Msg("cannot read the self-service figures")
		return
	}
	if len(days) == 0 {
		return
	}
	report := central.Metrics{Days: make([]central.MetricsDay, len(days))}
	for i, d := range days {
		report.Days[i] = metricsDay(d.figures)
	}
	err = ms.SendMetrics(ctx, report)
	if err != nil && ctx.Err() != nil {
		return
	}
	ev := y.log.Info()
	switch {
	case err == nil:
	case refusedForGood(err):
		ev = y.log.Warn().Str("error", errorKind(err))
	default:
		y.log.Warn().Str("error", errorKind(err)).Int("entries", len(days)).Msg("self-service figures not sent; will retry")
		return
	}
	if err := y.store.markMetricsSent(days); err != nil {
		y.log.Error().Err(err).Msg("cannot mark the self-service figures sent")
		return
	}
	ev.Int("entries", len(days)).Str("from", days[0].figures.Date).Str("to", days[len(days)-1].figures.Date).
		Bool("refused", err != nil).Msg("self-service figures reported")
}

// refusedForGood reports whether the central system read a metrics report
// and refused its content: sending it again would be refused again.
// Credentials, a missing route or an overloaded server are no verdict on
// the figures, which wait for the next heartbeat.
func refusedForGood(err error) bool {
	var (
		v *central.ValidationError
		a *central.APIError
	)
	if errors.As(err, &v) {
		return true
	}
	return errors.As(err, &a) && (a.Status == http.StatusBadRequest || a.Status == http.StatusUnprocessableEntity)
}

// purgeMetrics is the sync loop's periodic purge of old figures.
func (y *Syncer) purgeMetrics() {
	n, err := y.store.PurgeMetrics()
	if err != nil {
		y.log.Error().Err(err).Msg("self-service figures purge failed")
		return
	}
	if n > 0 {
		y.log.Info().Int("purged", n).Msg("old self-service figures purged")
	}
}
