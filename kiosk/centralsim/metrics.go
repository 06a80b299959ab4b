package centralsim

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// Metrics: a kiosk reports its self-service figures as one entry per day
// and procedure, and sends a day again as it grows. The server keeps the
// latest entry per device, day and procedure (an upsert, in the order
// reports arrive), so a resent day replaces the one before and nothing is
// counted twice. The checks below admit numbers and the kiosk's own
// identifiers only: no free text can travel in metrics.

const (
	maxMetricsDays  = 62  // days in one report: two months of catching up after an outage
	maxMetricsSteps = 100 // distinct steps in one day's abandoned counts or medians
	maxMetricsName  = 64  // characters of a procedure ID or a step name
)

var (
	// metricsProcedure is the catalog's pattern of procedure IDs (kiosk's
	// catalogSlugID); practice procedures ("practice-khai-sinh") have it
	// too. TestMetricsPatternsMatchTheCatalog keeps the two in step.
	metricsProcedure = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// metricsStep is a step the kiosk names: one of its fixed steps, or a
	// form question as "q:" and the field's ID (kiosk's catalogKeyID).
	metricsStep = regexp.MustCompile(`^(procedure|consent|identity|papers|review|pay|done|q:[a-z][a-z0-9_]*)$`)
)

var (
	msgMetricsTooManyDays = kiosk.Text{
		VI: fmt.Sprintf("Mỗi lần gửi tối đa %d ngày số liệu. Vui lòng chia thành nhiều lần gửi.", maxMetricsDays),
		EN: fmt.Sprintf("A report holds at most %d days. Please send them in several reports.", maxMetricsDays),
	}
	msgMetricsDate = kiosk.Text{
		VI: "Ngày phải là một ngày có thật, viết dạng năm-tháng-ngày, ví dụ 2026-11-27.",
		EN: "The date must be a real day written yyyy-mm-dd, for example 2026-11-27.",
	}
	msgMetricsProcedure = kiosk.Text{
		VI: "Mã thủ tục phải để trống hoặc là mã trong danh mục (chữ thường không dấu, chữ số và dấu gạch ngang).",
		EN: "The procedure must be empty or a catalog procedure ID (lower-case letters, digits and hyphens).",
	}
	msgMetricsTwice = kiosk.Text{
		VI: "Ngày và thủ tục này đã có ở một mục trước trong cùng lần gửi.",
		EN: "This day and procedure already appear earlier in the same report.",
	}
	msgMetricsStep = kiosk.Text{
		VI: "Có tên bước không hợp lệ. Chỉ dùng procedure, consent, identity, papers, review, pay, done hoặc q:<mã câu hỏi>.",
		EN: "A step name is not valid. Use procedure, consent, identity, papers, review, pay, done or q:<field id>.",
	}
	msgMetricsTooManySteps = kiosk.Text{
		VI: fmt.Sprintf("Quá nhiều bước: tối đa %d bước.", maxMetricsSteps),
		EN: fmt.Sprintf("Too many steps: at most %d.", maxMetricsSteps),
	}
	msgMetricsFinished = kiosk.Text{
		VI: "Số lượt hoàn thành không được lớn hơn số lượt bắt đầu.",
		EN: "Finished cannot be more than started.",
	}
	msgMetricsServed = kiosk.Text{
		VI: "Số lượt tự làm cộng số lượt có người hướng dẫn không được lớn hơn số lượt hoàn thành.",
		EN: "Self-served plus assisted cannot be more than finished.",
	}
	msgMetricsMedian = kiosk.Text{
		VI: "Thời gian trung vị phải là số giây không âm.",
		EN: "A median must be a number of seconds, zero or more.",
	}
	errMetricsRange = newAPIError(http.StatusBadRequest, "bad_request",
		"Khoảng ngày không hợp lệ: from và to là ngày dạng năm-tháng-ngày (2026-11-27), from không sau to.",
		"from and to must be yyyy-mm-dd dates, from not after to.")
)

// metricsDayRecord is the latest entry a device sent for one day and
// procedure.
type metricsDayRecord struct {
	central.MetricsDay
	DeviceID   string    `json:"device_id"`
	Location   string    `json:"location"`
	ReceivedAt time.Time `json:"received_at"`
}

// metricsKey orders the bucket by day first, so a range of days is one
// cursor walk; device IDs and procedure IDs hold no '|'.
func metricsKey(date, deviceID, procedure string) []byte {
	return []byte(date + "|" + deviceID + "|" + procedure)
}

// ---- POST /v1/metrics ----

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	var req central.Metrics
	dev := deviceOf(r)
	// Idempotent like every creating POST; the upsert makes a resent day
	// harmless even under a new key.
	s.idempotent(w, r, "metrics", &req, func(tx *bolt.Tx) (int, any, *apiError) {
		return s.storeMetrics(tx, dev.ID, dev.Location, req)
	})
}

func (s *Server) storeMetrics(tx *bolt.Tx, deviceID, location string, m central.Metrics) (int, any, *apiError) {
	if problems := checkMetrics(m); len(problems) > 0 {
		return 0, nil, validationError(problems)
	}
	now := s.opts.Now().UTC()
	b := tx.Bucket(bucketMetrics)
	for _, d := range m.Days {
		data, err := json.Marshal(metricsDayRecord{MetricsDay: d, DeviceID: deviceID, Location: location, ReceivedAt: now})
		if err == nil {
			err = b.Put(metricsKey(d.Date, deviceID, d.Procedure), data)
		}
		if err != nil {
			return 0, nil, errInternal
		}
	}
	return http.StatusAccepted, struct{}{}, nil
}

// checkMetrics names every problem of a report by its place in it, as
// "days[3].date". A report with too many days is refused whole, before
// its entries are looked at.
func checkMetrics(m central.Metrics) map[string]kiosk.Text {
	problems := map[string]kiosk.Text{}
	if len(m.Days) > maxMetricsDays {
		problems["days"] = msgMetricsTooManyDays
		return problems
	}
	seen := make(map[string]bool, len(m.Days))
	for i, d := range m.Days {
		at := "days[" + strconv.Itoa(i) + "]"
		checkMetricsDay(problems, at, d)
		// Two entries for one day and procedure would make the upsert
		// keep whichever came last: refuse the ambiguity instead.
		if key := d.Date + "|" + d.Procedure; seen[key] {
			problems[at] = msgMetricsTwice
		} else {
			seen[key] = true
		}
	}
	return problems
}

func checkMetricsDay(problems map[string]kiosk.Text, at string, d central.MetricsDay) {
	if !isDate(d.Date) {
		problems[at+".date"] = msgMetricsDate
	}
	if d.Procedure != "" && (len(d.Procedure) > maxMetricsName || !metricsProcedure.MatchString(d.Procedure)) {
		problems[at+".procedure"] = msgMetricsProcedure
	}
	checkMetricsCounts(problems, at, d)
	checkSteps(problems, at+".abandoned", d.Abandoned, helpMsgNegative)
	checkSteps(problems, at+".step_median_seconds", d.StepMedianSeconds, msgMetricsMedian)
	for i, n := range d.Ratings {
		if n < 0 {
			problems[fmt.Sprintf("%s.ratings[%d]", at, i)] = helpMsgNegative
		}
	}
}

// checkMetricsCounts refuses negative counts and counts that cannot all
// be true at once. The comparisons run only on counts that are not
// negative, and never add two of them, so huge numbers cannot overflow
// into a pass.
func checkMetricsCounts(problems map[string]kiosk.Text, at string, d central.MetricsDay) {
	negative := false
	for name, n := range map[string]int{
		"started": d.Started, "finished": d.Finished, "self_served": d.SelfServed,
		"assisted": d.Assisted, "help_requests": d.HelpRequests, "practice": d.Practice,
	} {
		if n < 0 {
			problems[at+"."+name] = helpMsgNegative
			negative = true
		}
	}
	switch {
	case negative:
	case d.Finished > d.Started:
		problems[at+".finished"] = msgMetricsFinished
	case d.SelfServed > d.Finished || d.Assisted > d.Finished-d.SelfServed:
		problems[at+".self_served"] = msgMetricsServed
	}
}

// checkSteps checks a map keyed by step name. An unknown name is reported
// under the map's own field, never quoted: it could be anything at all.
func checkSteps[V int | float64](problems map[string]kiosk.Text, at string, steps map[string]V, bad kiosk.Text) {
	if len(steps) > maxMetricsSteps {
		problems[at] = msgMetricsTooManySteps
		return
	}
	for step, v := range steps {
		switch {
		case len(step) > maxMetricsName || !metricsStep.MatchString(step):
			problems[at] = msgMetricsStep
		case v < 0 || math.IsNaN(float64(v)) || math.IsInf(float64(v), 0):
			problems[at+"."+step] = bad
		}
	}
}

// isDate reports whether s is a real day written yyyy-mm-dd: time.Parse
// refuses 2026-02-30, and the round trip refuses any other spelling.
func isDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

// ---- GET /v1/metrics (staff) ----

func (s *Server) handleListMetrics(w http.ResponseWriter, r *http.Request) {
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if (from != "" && !isDate(from)) || (to != "" && !isDate(to)) || (from != "" && to != "" && from > to) {
		writeError(w, r, errMetricsRange)
		return
	}
	list, err := s.metricsList(from, to)
	if err != nil {
		writeError(w, r, errInternal)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// metricsList is every stored day from from to to (inclusive; "" leaves
// that end open), grouped by device in the order of their IDs, each
// device's days by date and then procedure.
func (s *Server) metricsList(from, to string) (central.MetricsList, error) {
	list := central.MetricsList{From: from, To: to, Devices: []central.DeviceMetrics{}, ServerTime: s.opts.Now().UTC()}
	byDevice := map[string]*central.DeviceMetrics{}
	err := s.eachMetricsDay(from, to, func(rec metricsDayRecord) {
		dm := byDevice[rec.DeviceID]
		if dm == nil {
			dm = &central.DeviceMetrics{DeviceID: rec.DeviceID, Location: rec.Location}
			byDevice[rec.DeviceID] = dm
		}
		dm.Days = append(dm.Days, rec.MetricsDay)
		if rec.ReceivedAt.After(dm.UpdatedAt) {
			dm.UpdatedAt, dm.Location = rec.ReceivedAt, rec.Location
		}
	})
	for _, id := range slices.Sorted(maps.Keys(byDevice)) {
		list.Devices = append(list.Devices, *byDevice[id])
	}
	return list, err
}

// MetricsDays returns the days a device reported, the latest entry per
// day and procedure, by date and then procedure: what the central system
// counts (for tests and staff training).
func (s *Server) MetricsDays(deviceID string) ([]central.MetricsDay, error) {
	days := []central.MetricsDay{}
	err := s.eachMetricsDay("", "", func(rec metricsDayRecord) {
		if rec.DeviceID == deviceID {
			days = append(days, rec.MetricsDay)
		}
	})
	return days, err
}

// eachMetricsDay calls fn for every stored entry dated from from to to, in
// key order (date, device, procedure). The keys start with the date, so
// the walk starts at from and stops after to.
func (s *Server) eachMetricsDay(from, to string, fn func(metricsDayRecord)) error {
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketMetrics).Cursor()
		for k, v := c.Seek([]byte(from)); k != nil; k, v = c.Next() {
			if to != "" && string(k[:min(len(k), len(time.DateOnly))]) > to {
				return nil
			}
			var rec metricsDayRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			fn(rec)
		}
		return nil
	})
}
