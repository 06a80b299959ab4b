package centralsim

import (
	"net/http"
	"net/url"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// The simulated bank page (/p/{id}) stands in for a citizen's banking app
// in the demo and in training: it shows the order behind the VietQR code
// and pays it with one button. Only the reference server has it; a real
// payment is confirmed by the treasury, not by a page anyone can open.

var payPage = newPage(`{{with .Data}}
<p><small>{{t $.Lang "Trang mô phỏng ngân hàng: không có tiền thật được chuyển." "A simulated bank: no real money moves."}}</small></p>
<div class="box{{if .Paid}} ok{{end}}">
<p>{{t $.Lang "Người nhận" "Payee"}}: <strong>{{.Payee}}</strong><br>
{{t $.Lang "Ngân hàng" "Bank"}}: {{.Bank}}<br>
{{t $.Lang "Số tài khoản" "Account"}}: {{.Account}}</p>
<p>{{t $.Lang "Lệ phí hồ sơ" "Fee for application"}}: <strong style="overflow-wrap:anywhere">{{.DossierCode}}</strong></p>
<p class="code">{{.Amount}}</p>
{{if .Paid}}<p><strong>{{t $.Lang "Đã thanh toán" "Paid"}}</strong></p>
<p>{{t $.Lang "Kiosk sẽ tự cập nhật. Bạn có thể đóng trang này." "The kiosk updates by itself. You may close this page."}}</p>
{{else}}<p><small>{{t $.Lang "Hạn thanh toán" "Pay by"}}: {{.ExpiresAt}}</small></p>{{end}}
</div>
{{if not .Paid}}<form method="post" action="{{.Action}}"><button type="submit">{{t $.Lang "Thanh toán" "Pay"}}</button></form>{{end}}
{{end}}`)

var (
	payTitle         = kiosk.Text{VI: "Thanh toán lệ phí", EN: "Pay the fee"}
	payTitlePaid     = kiosk.Text{VI: "Đã thanh toán", EN: "Paid"}
	payTitleNotFound = kiosk.Text{VI: "Không tìm thấy", EN: "Not found"}
	payTitleExpired  = kiosk.Text{VI: "Đã hết hạn", EN: "Expired"}
	payMsgNotFound   = kiosk.Text{
		VI: "Không tìm thấy yêu cầu thanh toán này. Vui lòng quét lại mã QR trên kiosk.",
		EN: "This payment request was not found. Please scan the QR code on the kiosk again.",
	}
	payMsgExpired = kiosk.Text{
		VI: "Yêu cầu thanh toán đã hết hạn. Vui lòng tạo mã thanh toán mới trên kiosk.",
		EN: "This payment request has expired. Please make a new payment code on the kiosk.",
	}
)

// payView is what the bank page shows; it has no personal data.
type payView struct {
	Payee, Bank, Account string
	DossierCode          string
	Amount               string
	ExpiresAt            string
	Paid                 bool
	Action               string
}

func (s *Server) handlePayPage(w http.ResponseWriter, r *http.Request) {
	rec, found, err := s.loadPayment(r.PathValue("id"))
	if err != nil {
		http.Error(w, "server error", http.StatusInternalServerError)
		return
	}
	if !found {
		writeMessagePage(w, r, http.StatusNotFound, payTitleNotFound, payMsgNotFound)
		return
	}
	p := paymentNow(rec, s.opts.Now())
	switch p.State {
	case central.PaymentExpired:
		writeMessagePage(w, r, http.StatusGone, payTitleExpired, payMsgExpired)
	case central.PaymentPaid:
		writePage(w, r, http.StatusOK, payPage, payTitlePaid, newPayView(r, p))
	default:
		writePage(w, r, http.StatusOK, payPage, payTitle, newPayView(r, p))
	}
}

// handlePayPagePost pays the order, then redirects to the page (POST,
// redirect, GET), so reloading it on the phone does not post again. A
// post from another site's page is refused, as on the phone pages: a
// page elsewhere must not pay a citizen's order behind their back.
func (s *Server) handlePayPagePost(w http.ResponseWriter, r *http.Request) {
	if !s.phoneSameOrigin(r) {
		writeMessagePage(w, r, http.StatusForbidden, kiosk.Text{VI: "Bị từ chối", EN: "Refused"}, msgCrossSite)
		return
	}
	result, err := s.pay(r.PathValue("id"))
	switch {
	case err != nil:
		http.Error(w, "server error", http.StatusInternalServerError)
	case result == payNotFound:
		writeMessagePage(w, r, http.StatusNotFound, payTitleNotFound, payMsgNotFound)
	case result == payExpired:
		writeMessagePage(w, r, http.StatusGone, payTitleExpired, payMsgExpired)
	default:
		http.Redirect(w, r, payPagePath(r), http.StatusSeeOther)
	}
}

// payPagePath is the page's own path, keeping the language choice.
func payPagePath(r *http.Request) string {
	u := url.URL{Path: r.URL.Path}
	if pageLang(r) == kiosk.EN {
		u.RawQuery = "lang=en"
	}
	return u.String()
}

func newPayView(r *http.Request, p central.Payment) payView {
	return payView{
		Payee:       demoPayee.Name,
		Bank:        demoPayee.Bank,
		Account:     demoPayee.Account,
		DossierCode: p.DossierCode,
		Amount:      kiosk.FormatDong(p.Amount),
		ExpiresAt:   p.ExpiresAt.In(ictZone).Format("15:04 02/01/2006"),
		Paid:        p.State == central.PaymentPaid,
		Action:      payPagePath(r),
	}
}
