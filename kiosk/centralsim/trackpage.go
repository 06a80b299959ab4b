package centralsim

import (
	"net/http"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// The tracking page (/t/{code}) is what the QR on the kiosk's receipt
// opens. Anyone holding the code can open it, so it shows where the
// dossier stands and nothing about the person: no name, no ID number, no
// answers.

var trackPage = newPage(`{{with .Data}}
<p>{{t $.Lang "Mã hồ sơ" "Application code"}}</p>
<p style="font-size:22px;font-weight:bold;overflow-wrap:anywhere">{{.Code}}</p>
<div class="box{{if .Done}} ok{{end}}">
<p>{{t $.Lang "Thủ tục" "Procedure"}}: <strong>{{.Procedure}}</strong></p>
<p>{{t $.Lang "Tình trạng" "Status"}}: <strong>{{.Status}}</strong></p>
<p>{{t $.Lang "Ngày tiếp nhận" "Received on"}}: {{.Received}}<br>
{{t $.Lang "Ngày hẹn trả kết quả" "Result due by"}}: <strong>{{.Due}}</strong><br>
{{t $.Lang "Lệ phí" "Fee"}}: {{.Fee}}</p>
</div>
<h2 style="font-size:20px">{{t $.Lang "Quá trình xử lý" "Progress"}}</h2>
<ol>{{range .Timeline}}<li>{{.Status}} <small>{{.At}}</small></li>{{end}}</ol>
{{end}}`)

var (
	trackTitle         = kiosk.Text{VI: "Tra cứu hồ sơ", EN: "Track an application"}
	trackTitleNotFound = kiosk.Text{VI: "Không tìm thấy hồ sơ", EN: "Application not found"}
	trackMsgNotFound   = kiosk.Text{
		VI: "Không tìm thấy hồ sơ có mã này. Vui lòng kiểm tra lại mã trên giấy tiếp nhận.",
		EN: "No application has this code. Please check the code on your receipt.",
	}
	trackFree = kiosk.Text{VI: "Miễn phí", EN: "Free"}
)

// statusWords says a dossier status in plain words.
var statusWords = map[string]kiosk.Text{
	central.StatusReceived:   {VI: "Đã tiếp nhận", EN: "Received"},
	central.StatusProcessing: {VI: "Đang giải quyết", EN: "Being processed"},
	central.StatusDone:       {VI: "Đã có kết quả", EN: "Result ready"},
}

// trackView is what the tracking page shows, in the page's language.
type trackView struct {
	Code, Procedure, Status string
	Received, Due, Fee      string
	Done                    bool
	Timeline                []trackStep
}

type trackStep struct{ Status, At string }

func (s *Server) handleTrackPage(w http.ResponseWriter, r *http.Request) {
	rec, found, err := s.loadDossier(r.PathValue("code"))
	if err != nil {
		http.Error(w, "server error", http.StatusInternalServerError)
		return
	}
	if !found {
		writeMessagePage(w, r, http.StatusNotFound, trackTitleNotFound, trackMsgNotFound)
		return
	}
	writePage(w, r, http.StatusOK, trackPage, trackTitle, s.newTrackView(s.dossierNow(rec.Dossier), pageLang(r)))
}

func (s *Server) newTrackView(d central.Dossier, lang kiosk.Lang) trackView {
	v := trackView{
		Code:      d.Code,
		Procedure: d.ProcedureID,
		Status:    statusText(d.Status, lang),
		Received:  d.ReceivedAt.In(ictZone).Format("15:04 02/01/2006"),
		Due:       d.DueDate,
		Fee:       trackFree.In(lang),
		Done:      d.Status == central.StatusDone,
	}
	if p, ok := s.catalog.Procedure(d.ProcedureID); ok {
		v.Procedure = p.Name.In(lang)
	}
	if due, err := time.Parse(time.DateOnly, d.DueDate); err == nil {
		v.Due = kiosk.FormatDate(due)
	}
	if d.Fee > 0 {
		v.Fee = kiosk.FormatDong(d.Fee)
	}
	for _, e := range d.Timeline {
		v.Timeline = append(v.Timeline, trackStep{Status: statusText(e.Status, lang), At: e.At.In(ictZone).Format("15:04 02/01/2006")})
	}
	return v
}

// statusText is a status in words, or the status itself if it is new.
func statusText(status string, lang kiosk.Lang) string {
	if t, ok := statusWords[status]; ok {
		return t.In(lang)
	}
	return status
}
