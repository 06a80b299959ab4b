package central

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// The Client's errors are a small closed set, in the style of upspin's
// error kinds and restic's retry wrapper. Check them in this order:
//
//   - errors.Is(err, context.Canceled / context.DeadlineExceeded): the
//     caller gave up; nothing else is said about the request.
//   - errors.Is(err, ErrOffline): the central system could not be reached
//     (or cut the connection) on every attempt. Transient.
//   - errors.Is(err, ErrUnauthorized): the device token is missing or
//     revoked; re-enrol. Not about the request: pause every sender.
//   - errors.Is(err, ErrPinMismatch) or ErrUntrusted: the server is not the
//     one we trust (or something intercepts TLS). Needs a person; pause
//     every sender, never drop queued work for it.
//   - errors.Is(err, ErrNotFound): no such dossier, payment, session…
//   - errors.Is(err, ErrAssistantUnknown) or ErrAssistantLocked: an
//     assistant's sign-in was refused (SignInAssistant); the *APIError
//     of a locked one holds how long to wait in RetryAfter.
//   - errors.Is(err, ErrResponseTooLarge): the answer exceeded the cap.
//   - errors.Is(err, ErrBadResponse): a success answer that is not the
//     contract's (not the expected JSON, or a dossier without a code). A
//     bug of the central system: never taken as done; the outbox keeps
//     the dossier and pauses for a person, as for any permanent error.
//   - errors.As(err, &*ValidationError): 422 with a message per field, in
//     the language asked for; show them next to the fields.
//   - errors.As(err, &*APIError): any other answer that is not a success.
//
// IsTransient tells whether sending the same request again later can
// succeed; the Client has already retried transient failures as often as
// Config.MaxRetries allows before it returns one.
//
// The Client's errors read "central: METHOD /route: …", so the sentinels
// carry no "central:" prefix of their own.
var (
	// ErrOffline wraps the network error of the last attempt.
	ErrOffline = errors.New("the central system cannot be reached")
	// ErrUnauthorized is a 401; errors.As also finds its *APIError.
	ErrUnauthorized = errors.New("the device is not enrolled or its token was refused")
	// ErrNotFound is a 404; errors.As also finds its *APIError.
	ErrNotFound = errors.New("not found")
	// ErrPinMismatch: the server's certificate chain verified, but none of
	// its public keys is one of Config.Pins.
	ErrPinMismatch = errors.New("the server's certificate does not match any configured pin (pin-sha256); " +
		"either the server changed its key without a pin update or the connection is intercepted")
	// ErrUntrusted: the server's certificate did not verify (unknown
	// authority, wrong host name, expired, or the kiosk's clock is wrong).
	ErrUntrusted = errors.New("the server's TLS certificate is not trusted")
	// ErrResponseTooLarge: the answer was longer than the configured cap.
	ErrResponseTooLarge = errors.New("the response is larger than allowed")
	// ErrBadResponse: a success answer that is not what the contract says
	// (not the expected JSON, a catalog that does not parse, a filed
	// dossier without its code). Permanent: sent again, the same request
	// gets the same answer; taking it as done could lose a dossier.
	ErrBadResponse = errors.New("the answer is not what the API contract says")
	// ErrAssistantUnknown is a 401 assistant_unknown: no team member has
	// that PIN or badge. It is about the person at the kiosk, not the
	// device: it is never ErrUnauthorized.
	ErrAssistantUnknown = errors.New("no assistant has that PIN or badge")
	// ErrAssistantLocked is a 429 assistant_locked: too many wrong PINs or
	// badges from this kiosk; errors.As finds its *APIError, whose
	// RetryAfter says when to try again. The right PIN is refused too
	// until then.
	ErrAssistantLocked = errors.New("assistant sign-in is locked on this kiosk for a while")
)

// Codes of the API's error answers that the client acts on.
const (
	CodeValidationFailed      = "validation_failed"
	CodeIdempotencyInProgress = "idempotency_in_progress"
	CodeAssistantUnknown      = "assistant_unknown"
	CodeAssistantLocked       = "assistant_locked"
)

// APIError is an error answer of the API that has no sentinel of its own
// (and the 401 and 404 that do, so their messages stay reachable).
type APIError struct {
	Status  int    // HTTP status
	Code    string // the contract's error code, e.g. "invalid_enroll_code"
	Message string // in the language the Client asked for
	// RetryAfter is the answer's Retry-After (429, 503), uncapped; 0 when
	// it had none.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	code := e.Code
	if code == "" {
		code = strings.ToLower(strings.ReplaceAll(http.StatusText(e.Status), " ", "_"))
	}
	if e.Message == "" {
		return fmt.Sprintf("%d %s", e.Status, code)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, code, e.Message)
}

// Is makes errors.Is(err, ErrUnauthorized), ErrNotFound,
// ErrAssistantUnknown and ErrAssistantLocked true for the matching
// answers. A refused assistant is a 401 too, but the device's token is
// fine: it must not pause the kiosk's senders as ErrUnauthorized does.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized && e.Code != CodeAssistantUnknown
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrAssistantUnknown:
		return e.Status == http.StatusUnauthorized && e.Code == CodeAssistantUnknown
	case ErrAssistantLocked:
		return e.Status == http.StatusTooManyRequests && e.Code == CodeAssistantLocked
	}
	return false
}

// transient reports whether the same request can succeed later: 429, 5xx
// but 501, and a 409 for an Idempotency-Key whose first request is still
// being handled (the IETF draft's "retry later").
func (e *APIError) transient() bool {
	switch {
	case e.Status == http.StatusTooManyRequests:
		return true
	case e.Status >= 500 && e.Status != http.StatusNotImplemented:
		return true
	case e.Status == http.StatusConflict:
		return e.Code == CodeIdempotencyInProgress
	}
	return false
}

// ValidationError is a 422: the request was understood but some answers
// are wrong. Fields maps a form field's ID to its message.
type ValidationError struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("422 ")
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	ids := make([]string, 0, len(e.Fields))
	for id := range e.Fields {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for i, id := range ids {
		sep := "; "
		if i == 0 {
			sep = " ("
		}
		b.WriteString(sep + id + ": " + e.Fields[id])
	}
	if len(ids) > 0 {
		b.WriteString(")")
	}
	return b.String()
}

// IsTransient reports whether err is worth retrying later: the central
// system was unreachable, overloaded or failing (ErrOffline, 429, 5xx but
// 501), or still busy with the same Idempotency-Key (409
// idempotency_in_progress). Everything else is permanent: 4xx, validation,
// ErrUnauthorized, ErrPinMismatch, ErrUntrusted, a too-large answer, and a
// cancelled or expired context (the caller stopped; that is no verdict on
// the request).
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrOffline) {
		return true // never wraps the caller's context errors: see classify
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.transient()
	}
	return false
}

// statusError turns an error answer into the closed set above;
// retryAfter is the answer's Retry-After (0: none).
func statusError(status int, detail ErrorDetail, retryAfter time.Duration) error {
	if status == http.StatusUnprocessableEntity && (detail.Code == CodeValidationFailed || len(detail.Fields) > 0) {
		return &ValidationError{Code: detail.Code, Message: detail.Message, Fields: detail.Fields}
	}
	return &APIError{Status: status, Code: detail.Code, Message: detail.Message, RetryAfter: retryAfter}
}
