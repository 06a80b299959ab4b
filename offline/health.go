package offline

import (
	"context"
	"errors"
	"os"
	"regexp"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/logging"
)

// This file builds the kiosk's heartbeat: what IT staff see of its health
// in the central system. It holds versions, counts, sizes, times and
// short kinds, never a message that could quote what a citizen typed.

// DefaultCheckEvery is how often the sync loop runs the database's
// consistency check, at a heartbeat (SyncOptions.CheckEvery).
const DefaultCheckEvery = time.Hour

// Incident kinds the health code records.
const incidentCheckFailed = "database_check_failed"

// Health returns the heartbeat the kiosk would send now: for the admin
// screen and `kiosk doctor` as much as for the central system. It runs no
// consistency check; it reports the last one the sync loop ran.
func (y *Syncer) Health() central.Heartbeat {
	hb, err := y.store.Health()
	if err != nil {
		y.log.Error().Err(err).Msg("cannot read the store's health")
	}
	st := y.Status()
	y.mu.Lock()
	started, check, checkedAt := y.started, y.dbCheck, y.dbCheckedAt
	y.mu.Unlock()
	hb.Version = y.opts.Version
	hb.IntervalSeconds = int64(y.opts.HeartbeatEvery / time.Second)
	if !started.IsZero() {
		hb.UptimeSeconds = int64(time.Since(started) / time.Second)
	}
	if check != "" {
		hb.DBCheck, hb.DBCheckedAt = check, checkedAt
	}
	hb.LastError, hb.Blocked = st.LastError, st.Blocked
	if err != nil {
		hb.LastError = "store"
	}
	hb.CatalogVersion, hb.LastSyncAt = st.CatalogVersion, st.LastSuccess
	return hb
}

// Health returns what the store knows of the kiosk's health, as the
// heartbeat carries it: the outbox and drafts counts, the database's and
// the disk's sizes (-1 when unknown), the catalog's ETag and the
// incidents not yet reported, their details scrubbed. DBCheck is
// "unknown": the sync loop runs the checks. On an error it returns what
// it could read, and the error.
func (s *Store) Health() (central.Heartbeat, error) {
	hb := central.Heartbeat{DBCheck: central.DBCheckUnknown}
	queued, sending, _, rejected, errCount := s.OutboxCounts()
	hb.OutboxQueued, hb.OutboxSending, hb.OutboxRejected = queued, sending, rejected
	drafts, errDrafts := s.draftCount()
	hb.Drafts = drafts
	hb.DBSizeBytes = fileSize(s.Path())
	hb.DiskFreeBytes, hb.DiskTotalBytes = DiskSpace(s.dir)
	_, etag, errCatalog := s.CachedCatalog()
	hb.CatalogETag = etag
	incidents, errIncidents := s.Incidents()
	for _, in := range incidents {
		in.Details = scrubDetails(in.Details)
		hb.Incidents = append(hb.Incidents, in)
	}
	return hb, errors.Join(errCount, errDrafts, errCatalog, errIncidents)
}

// draftCount is how many drafts the store holds, without opening any.
func (s *Store) draftCount() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketDrafts).Stats().KeyN
		return nil
	})
	return n, err
}

// fileSize is the size of the file at path, or -1 if it cannot be read.
func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return info.Size()
}

// hexDump matches the keys bbolt's consistency check quotes, e.g.
// "key[3]=(hex)6162…": bucket keys are not for the central system.
var hexDump = regexp.MustCompile(`\(hex\)[0-9a-fA-F]+`)

// scrubDetails keeps an incident's technical details and drops what
// could identify stored records: quoted keys and numbers shaped like
// personal data.
func scrubDetails(s string) string {
	return logging.RedactString(hexDump.ReplaceAllString(s, "(hex)…"))
}

// checkStoreIfDue runs the database's consistency check at most every
// CheckEvery and keeps its result for the heartbeat. Damage found while
// running is an incident, once: the next start moves the file aside.
func (y *Syncer) checkStoreIfDue(now time.Time) {
	if now.Before(y.nextCheck) {
		return
	}
	y.nextCheck = now.Add(y.opts.CheckEvery)
	check := y.check
	if check == nil {
		check = y.store.Check
	}
	err := check()
	// A reserve given up on a full disk comes back once there is room.
	if err := y.store.KeepReserve(); err != nil {
		y.log.Warn().Err(err).Msg("the disk still has no room for the store's reserve")
	}
	result := central.DBCheckOK
	if err != nil {
		result = central.DBCheckFailed
		y.log.Error().Err(err).Msg("the database consistency check failed; the kiosk moves the file aside at its next start")
	}
	y.mu.Lock()
	before := y.dbCheck
	y.dbCheck, y.dbCheckedAt = result, y.opts.Now()
	y.mu.Unlock()
	if err != nil && before != central.DBCheckFailed {
		in := Incident{At: y.opts.Now(), Kind: incidentCheckFailed,
			Details: "the consistency check of the running database found damage; the file is moved aside at the next start"}
		if err := y.store.AddIncident(in); err != nil {
			y.log.Error().Err(err).Msg("cannot record the incident")
		}
	}
}

// heartbeat reports the kiosk's health and the store's incidents. The
// incidents are forgotten only once the central system has them: a
// heartbeat lost on the way reports them again next time. Like any
// request, its answer tells whether the central system is reachable.
func (y *Syncer) heartbeat(ctx context.Context) {
	y.checkStoreIfDue(time.Now())
	hb := y.Health()
	reply, err := y.sender.Heartbeat(ctx, hb)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		kind := errorKind(err)
		y.log.Warn().Str("error", kind).Msg("heartbeat failed")
		y.update(func(s *Status) {
			s.Online, s.LastError = answered(err), kind
			if r := blockReason(err); isAuthBlock(r) {
				s.Blocked = r
			}
		})
		return
	}
	y.update(func(s *Status) {
		s.Online, s.LastSuccess, s.LastError = true, y.opts.Now(), ""
		if isAuthBlock(s.Blocked) {
			s.Blocked = "" // the server knows and trusts the kiosk again
		}
	})
	if y.opts.OnConfig != nil {
		y.opts.OnConfig(reply.Config)
	}
	if err := y.store.ForgetIncidents(len(hb.Incidents)); err != nil {
		y.log.Error().Err(err).Msg("cannot forget reported incidents")
	}
}
