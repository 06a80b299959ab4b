package centralsim

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// The devices page (/devices) is GET /v1/devices for people: IT staff
// sign in once with the staff token (staffpages.go) and see every kiosk's
// health in a table that refreshes itself each minute.

const (
	devicesRefresh = 60 // seconds between reloads of the page
	lowDiskBytes   = 500 << 20
)

var devicesPage = newPage(`<style>main{max-width:none}table{border-collapse:collapse;width:100%;font-size:16px}
th,td{border-bottom:1px solid #bbb;padding:6px 8px;text-align:left;vertical-align:top}
.bad{background:#fdecee}.scroll{overflow-x:auto}</style>
{{with .Data}}
<p>{{.Count}} {{t $.Lang "thiết bị" "devices"}}{{if .Stale}}, <strong>{{.Stale}} {{t $.Lang "mất liên lạc" "not reporting"}}</strong>{{end}}.
<small>{{t $.Lang "Cập nhật lúc" "Updated at"}} {{.Updated}}; {{t $.Lang "trang tự làm mới mỗi phút." "the page reloads every minute."}}</small></p>
<div class="scroll"><table>
<tr><th>{{t $.Lang "Thiết bị" "Device"}}</th><th>{{t $.Lang "Tình trạng" "State"}}</th><th>{{t $.Lang "Lần cuối" "Last seen"}}</th>
<th>{{t $.Lang "Hàng đợi: chờ / đang gửi / bị trả" "Outbox: queued / sending / refused"}}</th><th>{{t $.Lang "Bản nháp" "Drafts"}}</th>
<th>{{t $.Lang "Ổ đĩa trống" "Disk free"}}</th><th>{{t $.Lang "Cơ sở dữ liệu" "Database"}}</th><th>{{t $.Lang "Lỗi gần nhất" "Last error"}}</th>
<th>{{t $.Lang "Sự cố gần đây" "Recent incidents"}}</th></tr>
{{range .Devices}}<tr{{if .Bad}} class="bad"{{end}}>
<td><strong>{{.ID}}</strong><br>{{.Hostname}}<br><small>{{.Location}}<br>{{t $.Lang "Phiên bản" "Version"}} {{.Version}}</small></td>
<td>{{.State}}</td><td>{{.LastSeen}}<br><small>{{.Ago}}</small></td>
<td>{{.Outbox}}</td><td>{{.Drafts}}</td><td>{{.Disk}}</td><td>{{.DB}}</td><td>{{.LastError}}</td>
<td>{{range .Incidents}}<div><strong>{{.Kind}}</strong> <small>{{.At}}</small><br><small>{{.Details}}</small></div>{{else}}–{{end}}</td>
</tr>{{end}}
</table></div>
<form method="post" action="{{.Action}}"><input type="hidden" name="action" value="sign_out"><button type="submit" class="secondary">{{t $.Lang "Đăng xuất" "Sign out"}}</button></form>
{{end}}`)

var (
	devicesTitle = kiosk.Text{VI: "Thiết bị kiosk", EN: "Kiosk devices"}
	deviceStates = map[string]kiosk.Text{
		"stale":     {VI: "Mất liên lạc", EN: "Not reporting"},
		"new":       {VI: "Chưa báo cáo", EN: "No heartbeat yet"},
		"blocked":   {VI: "Tạm dừng gửi hồ sơ", EN: "Sending paused"},
		"db_failed": {VI: "Cơ sở dữ liệu hỏng", EN: "Database damaged"},
		"low_disk":  {VI: "Sắp hết dung lượng", EN: "Disk nearly full"},
		"ok":        {VI: "Bình thường", EN: "OK"},
	}
)

// devicesView is what the devices page shows, in the page's language.
type devicesView struct {
	Count, Stale int
	Updated      string
	Devices      []deviceRow
	Action       string
}

type deviceRow struct {
	ID, Hostname, Location, Version string
	State                           string
	Bad                             bool
	LastSeen, Ago                   string
	Outbox, Drafts, Disk, DB        string
	LastError                       string
	Incidents                       []incidentRow
}

type incidentRow struct{ At, Kind, Details string }

func (s *Server) handleDevicesPage(w http.ResponseWriter, r *http.Request) {
	if !s.staffCookieOK(r) {
		s.writeSignIn(w, r, devicesStaffPage, http.StatusUnauthorized, kiosk.Text{})
		return
	}
	list, err := s.Devices()
	if err != nil {
		http.Error(w, "server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Refresh", fmt.Sprint(devicesRefresh))
	writePage(w, r, http.StatusOK, devicesPage, devicesTitle, newDevicesView(list, pageLang(r), devicesStaffPage.action(r)))
}

// handleDevicesPagePost signs in with the staff token, or out.
func (s *Server) handleDevicesPagePost(w http.ResponseWriter, r *http.Request) {
	s.staffPost(w, r, devicesStaffPage, nil)
}

func newDevicesView(list central.DeviceList, lang kiosk.Lang, action string) devicesView {
	v := devicesView{Count: len(list.Devices), Updated: list.ServerTime.In(ictZone).Format("15:04:05 02/01/2006"), Action: action}
	for _, d := range list.Devices {
		row := newDeviceRow(d, list.ServerTime, lang)
		if d.Stale {
			v.Stale++
		}
		v.Devices = append(v.Devices, row)
	}
	return v
}

func newDeviceRow(d central.DeviceStatus, now time.Time, lang kiosk.Lang) deviceRow {
	state := deviceState(d)
	row := deviceRow{
		ID: d.ID, Hostname: d.Hostname, Location: d.Location, Version: d.Version,
		State: deviceStates[state].In(lang), Bad: state != "ok" && state != "new",
		LastSeen: d.LastSeen.In(ictZone).Format("15:04 02/01/2006"), Ago: formatAgo(now.Sub(d.LastSeen), lang),
		Outbox: "–", Drafts: "–", Disk: "–", DB: "–", LastError: "–",
	}
	if h := d.Health; h != nil {
		row.Outbox = fmt.Sprintf("%d / %d / %d", h.OutboxQueued, h.OutboxSending, h.OutboxRejected)
		row.Drafts = fmt.Sprint(h.Drafts)
		row.Disk = formatBytes(h.DiskFreeBytes, lang) + " / " + formatBytes(h.DiskTotalBytes, lang)
		row.DB = formatBytes(h.DBSizeBytes, lang) + " · " + h.DBCheck
		if h.LastError != "" || h.Blocked != "" {
			row.LastError = strings.TrimSpace(h.LastError + " " + h.Blocked)
		}
	}
	for _, in := range d.Incidents {
		row.Incidents = append(row.Incidents, incidentRow{At: in.At.In(ictZone).Format("15:04 02/01/2006"), Kind: in.Kind, Details: in.Details})
	}
	return row
}

// deviceState names the worst thing about a device, for the State column.
func deviceState(d central.DeviceStatus) string {
	h := d.Health
	switch {
	case d.Stale:
		return "stale"
	case h == nil:
		return "new"
	case h.Blocked != "":
		return "blocked"
	case h.DBCheck == central.DBCheckFailed:
		return "db_failed"
	case h.DiskFreeBytes >= 0 && h.DiskTotalBytes > 0 && (h.DiskFreeBytes < lowDiskBytes || h.DiskFreeBytes*20 < h.DiskTotalBytes):
		return "low_disk"
	}
	return "ok"
}

// formatBytes writes a size for people: "12,3 GB" in Vietnamese, "12.3 GB"
// in English; "?" when unknown (-1).
func formatBytes(n int64, lang kiosk.Lang) string {
	var s string
	switch {
	case n < 0:
		return "?"
	case n >= 1<<30:
		s = fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		s = fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	default:
		s = fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	if lang == kiosk.VI {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// formatAgo says how long ago, roughly: "3 phút trước", "2 h ago".
func formatAgo(d time.Duration, lang kiosk.Lang) string {
	switch {
	case d < time.Minute:
		return kiosk.Text{VI: "vừa xong", EN: "just now"}.In(lang)
	case d < time.Hour:
		m := int(d / time.Minute)
		return kiosk.Text{VI: fmt.Sprintf("%d phút trước", m), EN: fmt.Sprintf("%d min ago", m)}.In(lang)
	case d < 48*time.Hour:
		h := int(d / time.Hour)
		return kiosk.Text{VI: fmt.Sprintf("%d giờ trước", h), EN: fmt.Sprintf("%d h ago", h)}.In(lang)
	}
	days := int(d / (24 * time.Hour))
	return kiosk.Text{VI: fmt.Sprintf("%d ngày trước", days), EN: fmt.Sprintf("%d days ago", days)}.In(lang)
}
