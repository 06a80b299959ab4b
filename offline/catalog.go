package offline

import (
	"bytes"
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
)

// Keys in bucketCatalog. The catalog is public, so it is stored as served,
// unsealed.
var (
	catalogRawKey  = []byte("raw")
	catalogETagKey = []byte("etag")
)

// Where LoadCatalog found the catalog.
const (
	CatalogFromCache  = "cache"  // the last good catalog fetched from the central system
	CatalogFromSample = "sample" // the embedded sample: a brand-new kiosk that never fetched one
)

// CachedCatalog returns the last good catalog as the central system served
// it, and its ETag. raw is nil on a kiosk that never fetched one.
func (s *Store) CachedCatalog() (raw []byte, etag string, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCatalog)
		raw = bytes.Clone(b.Get(catalogRawKey)) // copied out before the transaction ends
		etag = string(b.Get(catalogETagKey))
		return nil
	})
	return raw, etag, err
}

// PutCatalog replaces the cached catalog and its ETag together, so the
// ETag always describes the bytes beside it. The sync loop calls it with
// every new catalog; a kiosk that fetched one itself (at enrolment) calls
// it so the loop's first pass is a 304, not the same catalog again.
func (s *Store) PutCatalog(raw []byte, etag string) error {
	if err := s.roomForNewData(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCatalog)
		if err := b.Put(catalogRawKey, raw); err != nil {
			return err
		}
		return b.Put(catalogETagKey, []byte(etag))
	})
}

// LoadCatalog returns the catalog the kiosk starts with, without the
// network: the cached one if there is one and it is valid, else fallback
// (the embedded sample, assets.SampleCatalog). source says which
// (CatalogFromCache or CatalogFromSample).
func LoadCatalog(s *Store, fallback []byte) (cat *kiosk.Catalog, source string, err error) {
	raw, _, err := s.CachedCatalog()
	if err != nil {
		s.log.Error().Err(err).Msg("cannot read the cached catalog; using the sample")
	}
	if raw != nil {
		cat, err := kiosk.ParseCatalog(raw)
		if err == nil {
			return cat, CatalogFromCache, nil
		}
		s.log.Error().Err(err).Msg("the cached catalog is not valid; using the sample")
	}
	cat, err = kiosk.ParseCatalog(fallback)
	if err != nil {
		return nil, "", fmt.Errorf("offline: the fallback catalog: %w", err)
	}
	return cat, CatalogFromSample, nil
}

// cachedCatalogVersion is the version of the valid cached catalog, or "".
func (y *Syncer) cachedCatalogVersion() string {
	raw, _, err := y.store.CachedCatalog()
	if err != nil || raw == nil {
		return ""
	}
	cat, err := kiosk.ParseCatalog(raw)
	if err != nil {
		return ""
	}
	return cat.Version
}

// syncCatalog refreshes the catalog and reports whether the central
// system answered; on failure the cache stays as it is.
func (y *Syncer) syncCatalog(ctx context.Context) bool {
	err := y.refreshCatalog(ctx)
	if err == nil {
		return true
	}
	if ctx.Err() != nil {
		return false
	}
	kind := errorKind(err)
	y.log.Warn().Str("error", kind).Msg("catalog refresh failed; keeping the cached catalog")
	y.update(func(s *Status) {
		s.Online, s.LastError = answered(err), kind
		if r := blockReason(err); isAuthBlock(r) {
			s.Blocked = r
		}
	})
	return false
}

// refreshCatalog fetches the catalog with the cached ETag. 304 keeps the
// cache; a new catalog (which the Client has parsed and validated) replaces
// it, raw bytes and ETag in one transaction, and goes to OnCatalog.
func (y *Syncer) refreshCatalog(ctx context.Context) error {
	cached, etag, err := y.store.CachedCatalog()
	if err != nil {
		return err
	}
	if _, err := kiosk.ParseCatalog(cached); err != nil {
		// A 304 must not keep a cache this kiosk cannot read (an older
		// kiosk's, or a damaged one): ask for the whole catalog.
		etag = ""
	}
	cat, raw, newETag, notModified, err := y.sender.Catalog(ctx, etag)
	if err != nil {
		return err
	}
	changed := !notModified && !bytes.Equal(raw, cached)
	if !notModified && (changed || newETag != etag) {
		if err := y.store.PutCatalog(raw, newETag); err != nil {
			return err
		}
	}
	y.update(func(s *Status) {
		s.Online, s.LastSuccess, s.LastError = true, y.opts.Now(), ""
		if isAuthBlock(s.Blocked) {
			s.Blocked = "" // the server knows and trusts the kiosk again
		}
		if changed {
			s.CatalogVersion = cat.Version
		}
	})
	if changed {
		y.log.Info().Str("version", cat.Version).Msg("new catalog cached")
		if y.opts.OnCatalog != nil {
			y.opts.OnCatalog(cat)
		}
	}
	return nil
}
