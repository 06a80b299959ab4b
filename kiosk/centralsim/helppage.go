package centralsim

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// The help page (/help) is the queue of help requests for the community
// digital-tech team, on the phone in their pocket: who waits where, on
// which screen and step, for how long. A member taps "Nhận hỗ trợ" to say
// they are on their way (the kiosk then shows the ticket taken) and "Xong"
// when the citizen is on their way. It signs in as /devices does
// (staffpages.go) and reloads itself every few seconds, without script.

const (
	helpRefresh  = 5               // seconds between reloads of the page
	helpLongWait = 5 * time.Minute // a wait this long is highlighted
)

var helpPage = newPage(`<style>.ticket p{margin:0 0 8px}.ticket form{display:inline-block;width:48%;margin-right:2%}
.ticket button{margin:4px 0}h2{font-size:20px;margin:20px 0 4px}</style>
{{with .Data}}
<p>{{t $.Lang "Đang chờ" "Waiting"}}: <strong>{{len .Open}}</strong> · {{t $.Lang "Đang được hỗ trợ" "Being helped"}}: <strong>{{len .Taken}}</strong><br>
<small>{{t $.Lang "Cập nhật lúc" "Updated at"}} {{.Updated}}; {{t $.Lang "trang tự làm mới sau mỗi 5 giây." "the page reloads every 5 seconds."}}</small></p>
{{if .Problem}}<div class="box err"><p>{{.Problem}}</p></div>{{end}}
<h2>{{t $.Lang "Đang chờ hỗ trợ" "Waiting for help"}}</h2>
{{range .Open}}<div class="box ticket{{if .Long}} err{{end}}">
<p><strong>{{t $.Lang "Số" "No."}} {{.Position}}</strong> · {{.Location}} <small>({{.Device}})</small><br>
{{t $.Lang "Màn hình" "Screen"}}: {{.Screen}}{{if .Step}} · {{t $.Lang "Bước" "Step"}}: {{.Step}}{{end}}<br>
{{t $.Lang "Đã chờ" "Waiting for"}} <strong>{{.Minutes}}</strong></p>
<form method="post" action="{{$.Data.Action}}"><input type="hidden" name="action" value="take"><input type="hidden" name="id" value="{{.ID}}"><input type="hidden" name="form_token" value="{{$.Data.FormToken}}"><button type="submit">{{t $.Lang "Nhận hỗ trợ" "Take"}}</button></form>
<form method="post" action="{{$.Data.Action}}"><input type="hidden" name="action" value="done"><input type="hidden" name="id" value="{{.ID}}"><input type="hidden" name="form_token" value="{{$.Data.FormToken}}"><button type="submit" class="secondary">{{t $.Lang "Xong" "Done"}}</button></form>
</div>{{else}}<p>{{t $.Lang "Không có ai đang chờ." "Nobody is waiting."}}</p>{{end}}
<h2>{{t $.Lang "Đang được hỗ trợ" "Being helped"}}</h2>
{{range .Taken}}<div class="box ticket">
<p>{{.Location}} <small>({{.Device}})</small><br>
{{t $.Lang "Màn hình" "Screen"}}: {{.Screen}}{{if .Step}} · {{t $.Lang "Bước" "Step"}}: {{.Step}}{{end}}<br>
{{t $.Lang "Đã nhận cách đây" "Taken"}} {{.Minutes}}{{if eq $.Lang "en"}} ago{{end}}</p>
<form method="post" action="{{$.Data.Action}}"><input type="hidden" name="action" value="done"><input type="hidden" name="id" value="{{.ID}}"><input type="hidden" name="form_token" value="{{$.Data.FormToken}}"><button type="submit" class="secondary">{{t $.Lang "Xong" "Done"}}</button></form>
</div>{{else}}<p>{{t $.Lang "Chưa ai nhận yêu cầu nào." "No request is being handled."}}</p>{{end}}
<form method="post" action="{{.Action}}"><input type="hidden" name="action" value="sign_out"><button type="submit" class="secondary">{{t $.Lang "Đăng xuất" "Sign out"}}</button></form>
{{end}}`)

var (
	helpTitle      = kiosk.Text{VI: "Hỗ trợ người dân tại kiosk", EN: "Help at the kiosks"}
	helpPageGone   = kiosk.Text{VI: "Không còn yêu cầu này. Trang đã được làm mới.", EN: "That request no longer exists. The page has been refreshed."}
	helpPageClosed = kiosk.Text{VI: "Yêu cầu này đã xong rồi, không nhận được nữa.", EN: "That request is already done; it cannot be taken."}
)

// helpView is what the help page shows, in the page's language.
type helpView struct {
	Open, Taken []helpRow
	Updated     string
	Problem     string
	Action      string
	FormToken   string
}

// helpRow is one ticket. Minutes is how long it has waited (open) or
// since it was taken.
type helpRow struct {
	ID, Location, Device string
	Screen, Step         string
	Position             int
	Minutes              string
	Long                 bool
}

func (s *Server) handleHelpPage(w http.ResponseWriter, r *http.Request) {
	if !s.staffCookieOK(r) {
		s.writeSignIn(w, r, helpStaffPage, http.StatusUnauthorized, kiosk.Text{})
		return
	}
	s.writeHelpPage(w, r, http.StatusOK, kiosk.Text{})
}

// handleHelpPagePost signs in or out, or takes or closes a ticket.
func (s *Server) handleHelpPagePost(w http.ResponseWriter, r *http.Request) {
	s.staffPost(w, r, helpStaffPage, s.helpPageAction)
}

// helpPageAction moves a ticket, then leads back to the page (POST,
// redirect, GET), so a reload never sends the form again.
func (s *Server) helpPageAction(w http.ResponseWriter, r *http.Request, action string) {
	id := r.PostFormValue("id")
	var err error
	switch action {
	case "take":
		err = s.TakeHelp(id)
	case "done":
		err = s.DoneHelp(id)
	default:
		http.Error(w, "unknown action", http.StatusBadRequest)
		return
	}
	switch {
	case errors.Is(err, ErrNoHelpRequest):
		s.writeHelpPage(w, r, http.StatusNotFound, helpPageGone)
	case errors.Is(err, ErrHelpClosed):
		s.writeHelpPage(w, r, http.StatusConflict, helpPageClosed)
	case err != nil:
		s.log.Error().Err(err).Msg("help page: moving a ticket failed")
		http.Error(w, "server error", http.StatusInternalServerError)
	default:
		s.log.Info().Str("ticket", id).Str("action", action).Msg("help ticket moved on the help page")
		http.Redirect(w, r, helpStaffPage.action(r), http.StatusSeeOther)
	}
}

func (s *Server) writeHelpPage(w http.ResponseWriter, r *http.Request, status int, problem kiosk.Text) {
	var open, taken []helpRecord
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		if open, err = helpRecords(tx, central.HelpOpen); err == nil {
			taken, err = helpRecords(tx, central.HelpTaken)
		}
		return err
	})
	if err != nil {
		http.Error(w, "server error", http.StatusInternalServerError)
		return
	}
	lang, now := pageLang(r), s.opts.Now()
	v := helpView{
		Updated:   now.In(ictZone).Format("15:04:05 02/01/2006"),
		Problem:   problem.In(lang),
		Action:    helpStaffPage.action(r),
		FormToken: s.staffFormToken(),
	}
	for _, rec := range open {
		v.Open = append(v.Open, newHelpRow(rec, now.Sub(rec.CreatedAt), lang))
	}
	for _, rec := range taken {
		v.Taken = append(v.Taken, newHelpRow(rec, now.Sub(rec.TakenAt), lang))
	}
	w.Header().Set("Refresh", fmt.Sprint(helpRefresh))
	writePage(w, r, status, helpPage, helpTitle, v)
}

func newHelpRow(rec helpRecord, d time.Duration, lang kiosk.Lang) helpRow {
	return helpRow{
		ID: rec.ID, Location: rec.Location, Device: rec.DeviceID,
		Screen: rec.Screen, Step: rec.Step, Position: rec.Position,
		Minutes: formatMinutes(d, lang), Long: rec.State == central.HelpOpen && d >= helpLongWait,
	}
}

// formatMinutes says a short wait in whole minutes: "3 phút", "3 min".
func formatMinutes(d time.Duration, lang kiosk.Lang) string {
	m := int(max(d, 0) / time.Minute)
	if m < 1 {
		return kiosk.Text{VI: "dưới 1 phút", EN: "under 1 min"}.In(lang)
	}
	return kiosk.Text{VI: fmt.Sprintf("%d phút", m), EN: fmt.Sprintf("%d min", m)}.In(lang)
}
