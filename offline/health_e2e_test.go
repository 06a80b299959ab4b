package offline_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/offline"
)

// TestHeartbeatReachesTheDeviceList: a kiosk that filed a dossier and
// keeps a draft shows, in the list IT staff read, its version, counts,
// disk and database state, and nothing of the citizen.
func TestHeartbeatReachesTheDeviceList(t *testing.T) {
	env := startCentral(t, centralsim.Options{StaffToken: "staff-token-for-tests-0001"})
	client := env.enrolled(t, 2)
	s := openStore(t, t.TempDir(), offline.Options{})
	if err := s.SaveDraft(birthDraft("kept")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(birthDraft("filed")); err != nil {
		t.Fatal(err)
	}
	opts := fastSync()
	opts.Version = "9.9.9"
	opts.HeartbeatEvery = 50 * time.Millisecond // the first goes out at start, before the dossier
	stop := startSyncer(t, offline.NewSyncer(s, client, opts))
	var list central.DeviceList
	waitFor(t, 5*time.Second, "a heartbeat after the dossier was sent", func() bool {
		var err error
		list, err = env.srv.Devices()
		if err != nil || len(list.Devices) != 1 {
			return false
		}
		h := list.Devices[0].Health
		return h != nil && h.OutboxQueued == 0 && h.OutboxSending == 0 && !h.LastSyncAt.IsZero()
	})
	stop()
	d := list.Devices[0]
	if h := d.Health; d.Version != "9.9.9" || d.Stale || h.Drafts != 1 || h.DBCheck != central.DBCheckOK ||
		h.DBSizeBytes <= 0 || h.CatalogETag == "" {
		t.Errorf("device = %+v, health %+v; want version 9.9.9, fresh, 1 draft, db ok, a size, the catalog's ETag", d, *h)
	}
	data, _ := json.Marshal(list)
	for _, p := range []string{"Nguyễn Thị Mai", "001190012345", "0912345678", "912345678", "05/09/1990", "Trần Minh An"} {
		if strings.Contains(string(data), p) {
			t.Errorf("the device list holds %q: %s", p, data)
		}
	}
}
