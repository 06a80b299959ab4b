package offline_test

import (
	"bytes"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/offline"
)

func TestCatalogCacheWithETag(t *testing.T) {
	c := startCentral(t, centralsim.Options{})
	s := openStore(t, t.TempDir(), offline.Options{})
	var news atomic.Int32
	opts := fastSync()
	opts.CatalogEvery = 20 * time.Millisecond
	opts.OnCatalog = func(*kiosk.Catalog) { news.Add(1) }
	y := offline.NewSyncer(s, c.enrolled(t, 2), opts)
	stop := startSyncer(t, y)
	waitFor(t, 10*time.Second, "a second catalog fetch", func() bool {
		return len(c.gate.requests("GET", "/v1/catalog")) >= 3
	})
	stop()

	gets := c.gate.requests("GET", "/v1/catalog")
	if gets[0].status != 200 || gets[1].status != 304 || gets[2].status != 304 {
		t.Errorf("catalog fetches answered %d, %d, %d; want 200, then 304s", gets[0].status, gets[1].status, gets[2].status)
	}
	raw, etag, err := s.CachedCatalog()
	if err != nil || !bytes.Equal(raw, assets.SampleCatalog()) || etag == "" {
		t.Errorf("CachedCatalog = %d bytes, %q, %v; want the served catalog and its ETag", len(raw), etag, err)
	}
	if n := news.Load(); n != 1 {
		t.Errorf("OnCatalog called %d times; want once (a 304 is no news)", n)
	}
	if v := y.Status().CatalogVersion; v != "2026.11-sample" {
		t.Errorf("Status().CatalogVersion = %q; want 2026.11-sample", v)
	}
}

func TestLoadCatalog(t *testing.T) {
	sample := assets.SampleCatalog()
	// A fallback that is not the sample tells the two sources apart.
	other := bytes.Replace(sample, []byte(`"version": "2026.11-sample"`), []byte(`"version": "embedded"`), 1)
	if bytes.Equal(other, sample) {
		t.Fatal("cannot make a second catalog: the sample's version line changed")
	}

	t.Run("brand-new kiosk, no network: the embedded catalog", func(t *testing.T) {
		s := openStore(t, t.TempDir(), offline.Options{})
		cat, source, err := offline.LoadCatalog(s, other)
		if err != nil || source != offline.CatalogFromSample || cat.Version != "embedded" {
			t.Errorf("LoadCatalog = %v, %q, %v; want the fallback from %q", cat, source, err, offline.CatalogFromSample)
		}
	})

	t.Run("no network at start: the cache", func(t *testing.T) {
		c := startCentral(t, centralsim.Options{})
		client := c.enrolled(t, 1)
		dir := t.TempDir()
		s := openStore(t, dir, offline.Options{})
		y := offline.NewSyncer(s, client, fastSync())
		stop := startSyncer(t, y)
		waitFor(t, 10*time.Second, "the catalog to be cached", func() bool { return y.Status().CatalogVersion != "" })
		stop()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		c.gate.down.Store(true) // the kiosk restarts without a network
		s = openStore(t, dir, offline.Options{})
		y = offline.NewSyncer(s, client, fastSync())
		stop = startSyncer(t, y)
		waitFor(t, 10*time.Second, "the failed refresh", func() bool { return y.Status().LastError == "offline" })
		stop()
		cat, source, err := offline.LoadCatalog(s, other)
		if err != nil || source != offline.CatalogFromCache || cat.Version != "2026.11-sample" {
			t.Errorf("LoadCatalog = %v, %q, %v; want the cached catalog", cat, source, err)
		}
		if v := y.Status().CatalogVersion; v != "2026.11-sample" {
			t.Errorf("Status().CatalogVersion offline = %q; want the cached version", v)
		}
	})

	t.Run("a broken fallback is an error", func(t *testing.T) {
		s := openStore(t, t.TempDir(), offline.Options{})
		if _, _, err := offline.LoadCatalog(s, []byte("{")); err == nil {
			t.Errorf("LoadCatalog(broken fallback) = nil error; want one")
		}
	})
}
