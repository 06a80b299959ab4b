package centralsim

import (
	"net/http"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/vietqr"
)

// paymentTTL is how long a fee order can be paid: long enough to open a
// banking app and scan, short enough that a forgotten QR on the kiosk
// screen goes stale before the next citizen.
const paymentTTL = 15 * time.Minute

// demoPayee is the account the reference server's fee orders pay into: a
// sample, VietinBank's BIN with a treasury-style account number. It is not
// a real collection account and no money should ever move to it; a real
// central system puts its own treasury account here.
var demoPayee = struct {
	Name, Bank, BIN, Account string
}{
	Name:    "Kho bạc Nhà nước (demo)",
	Bank:    "VietinBank",
	BIN:     "970415",
	Account: "113000006100",
}

var (
	payMsgCodeMissing = kiosk.Text{
		VI: "Vui lòng cho biết mã hồ sơ cần nộp lệ phí.",
		EN: "Please give the code of the application to pay for.",
	}
	payMsgNoFee = kiosk.Text{
		VI: "Hồ sơ này không phải nộp lệ phí.",
		EN: "There is no fee to pay for this application.",
	}
)

func (s *Server) handleCreatePayment(w http.ResponseWriter, r *http.Request) {
	var req central.PaymentRequest
	deviceID, base := deviceOf(r).ID, s.publicURL(r)
	s.idempotent(w, r, "payment", &req, func(tx *bolt.Tx) (int, any, *apiError) {
		return s.createPayment(tx, deviceID, base, req)
	})
}

// createPayment makes a fee order for one of the device's dossiers. Each
// call makes a new order (a citizen may let one expire and ask again);
// retries of one call are folded into one by the Idempotency-Key.
func (s *Server) createPayment(tx *bolt.Tx, deviceID, base string, req central.PaymentRequest) (int, any, *apiError) {
	code := strings.TrimSpace(req.DossierCode)
	if code == "" {
		return 0, nil, validationError(map[string]kiosk.Text{"dossier_code": payMsgCodeMissing})
	}
	var d dossierRecord
	found, err := getJSON(tx, bucketDossiers, code, &d)
	if err != nil {
		return 0, nil, errInternal
	}
	if !found || d.DeviceID != deviceID {
		return 0, nil, errNotFound
	}
	if d.Fee <= 0 {
		return 0, nil, validationError(map[string]kiosk.Text{"dossier_code": payMsgNoFee})
	}
	token := randomToken(8)
	qr, err := vietqr.Encode(vietqr.Payment{
		BankBIN:    demoPayee.BIN,
		Account:    demoPayee.Account,
		Amount:     d.Fee,
		BillNumber: strings.ToUpper(token),
		Purpose:    feePurpose(code),
	})
	if err != nil {
		s.log.Error().Err(err).Str("dossier", code).Msg("cannot encode the VietQR payload")
		return 0, nil, errInternal
	}
	id := "pay_" + token
	p := central.Payment{
		ID:          id,
		DossierCode: code,
		Amount:      d.Fee,
		Payee:       demoPayee.Name + " — " + demoPayee.Bank,
		VietQR:      qr,
		PayURL:      base + "/p/" + id,
		State:       central.PaymentPending,
		ExpiresAt:   s.opts.Now().Add(paymentTTL).UTC(),
	}
	if err := putJSON(tx, bucketPayments, id, paymentRecord{Payment: p, DeviceID: deviceID}); err != nil {
		return 0, nil, errInternal
	}
	return http.StatusCreated, p, nil
}

// maxPurposeLen is EMVCo's limit on the purpose of transaction (ID 08 in
// the additional data template 62), which VietQR keeps.
const maxPurposeLen = 25

// feePurpose is the transfer content a banking app shows: "LE PHI" and the
// dossier code, in printable ASCII (banking apps and the EMVCo "ans"
// format take no Vietnamese marks). A code like 000.00.01.H26-261127-0001
// is already 25 characters, so when both do not fit the code goes alone,
// and a longer code keeps its end, where the day's sequence is.
func feePurpose(code string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' {
			return -1
		}
		return r
	}, code)
	if p := "LE PHI " + ascii; len(p) <= maxPurposeLen {
		return p
	}
	if len(ascii) > maxPurposeLen {
		return ascii[len(ascii)-maxPurposeLen:]
	}
	return ascii
}

func (s *Server) handleGetPayment(w http.ResponseWriter, r *http.Request) {
	rec, found, err := s.loadPayment(r.PathValue("id"))
	switch {
	case err != nil:
		writeError(w, r, errInternal)
	case !found || rec.DeviceID != deviceOf(r).ID:
		writeError(w, r, errNotFound)
	default:
		writeJSON(w, http.StatusOK, paymentNow(rec, s.opts.Now()))
	}
}

// loadPayment reads a payment record by its id.
func (s *Server) loadPayment(id string) (rec paymentRecord, found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err = getJSON(tx, bucketPayments, id, &rec)
		return err
	})
	return rec, found, err
}

// paymentNow is the payment as it stands at now: a pending order past its
// time is expired. Expiry is worked out when read rather than written, so
// no background job is needed and a paid order never expires.
func paymentNow(rec paymentRecord, now time.Time) central.Payment {
	p := rec.Payment
	if p.State == central.PaymentPending && !now.Before(p.ExpiresAt) {
		p.State = central.PaymentExpired
	}
	return p
}

// payResult is what paying an order came to.
type payResult int

const (
	payNotFound payResult = iota
	payExpired
	payPaid // now or earlier: paying twice is fine
)

// pay marks a pending payment paid, as the simulated bank confirms it.
func (s *Server) pay(id string) (payResult, error) {
	result := payNotFound
	err := s.db.Update(func(tx *bolt.Tx) error {
		var rec paymentRecord
		found, err := getJSON(tx, bucketPayments, id, &rec)
		if err != nil || !found {
			return err
		}
		now := s.opts.Now()
		switch paymentNow(rec, now).State {
		case central.PaymentPaid:
			result = payPaid
			return nil
		case central.PaymentExpired:
			result = payExpired
			return nil
		}
		rec.State, rec.PaidAt = central.PaymentPaid, now.UTC()
		result = payPaid
		return putJSON(tx, bucketPayments, id, rec)
	})
	if err == nil && result == payPaid {
		s.log.Info().Str("payment", id).Msg("payment confirmed by the simulated bank")
	}
	return result, err
}
