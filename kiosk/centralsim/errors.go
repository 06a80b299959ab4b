package centralsim

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// apiError is an error answer of the API in the contract's one shape.
type apiError struct {
	status  int
	code    string
	message kiosk.Text
	fields  map[string]kiosk.Text
}

func (e *apiError) Error() string { return e.code + ": " + e.message.EN }

func newAPIError(status int, code, vi, en string) *apiError {
	return &apiError{status: status, code: code, message: kiosk.Text{VI: vi, EN: en}}
}

var (
	errUnauthorized = newAPIError(http.StatusUnauthorized, "unauthorized",
		"Thiết bị chưa được đăng ký hoặc mã thiết bị không hợp lệ.",
		"The device is not enrolled or its token is invalid.")
	errNotFound = newAPIError(http.StatusNotFound, "not_found",
		"Không tìm thấy.", "Not found.")
	errTooLarge = newAPIError(http.StatusRequestEntityTooLarge, "payload_too_large",
		"Dữ liệu gửi lên quá lớn.", "The request body is too large.")
	errBadJSON = newAPIError(http.StatusBadRequest, "bad_request",
		"Dữ liệu gửi lên không đúng định dạng.", "The request body is not valid JSON for this endpoint.")
	errInternal = newAPIError(http.StatusInternalServerError, "internal",
		"Hệ thống gặp lỗi. Vui lòng thử lại sau.", "The server failed. Please try again later.")
)

// validationError is a 422 with one message per form field.
func validationError(fields map[string]kiosk.Text) *apiError {
	e := newAPIError(http.StatusUnprocessableEntity, "validation_failed",
		"Một số thông tin chưa đúng. Vui lòng xem lại các mục được đánh dấu.",
		"Some answers need correcting. Please check the marked fields.")
	e.fields = fields
	return e
}

// requestLang is the language of error messages: Accept-Language en or vi
// (the default).
func requestLang(r *http.Request) kiosk.Lang {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "en") {
		return kiosk.EN
	}
	return kiosk.VI
}

// body renders the error for the request's language.
func (e *apiError) body(lang kiosk.Lang) central.ErrorBody {
	b := central.ErrorBody{Error: central.ErrorDetail{Code: e.code, Message: e.message.In(lang)}}
	if len(e.fields) > 0 {
		b.Error.Fields = make(map[string]string, len(e.fields))
		for k, v := range e.fields {
			b.Error.Fields[k] = v.In(lang)
		}
	}
	return b
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

func writeError(w http.ResponseWriter, r *http.Request, e *apiError) {
	writeJSON(w, e.status, e.body(requestLang(r)))
}
