package central

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
)

// Config configures a Client. Only BaseURL is required; every zero value
// is a sensible default.
type Config struct {
	// BaseURL is the central API's root, e.g. "https://motcua.example.gov.vn".
	// It must be https, except plain http to a loopback host (the reference
	// server in demo mode and tests).
	BaseURL string
	// DeviceID and Token come from enrolment; SetCredentials changes them.
	DeviceID, Token string
	// Version is the kiosk's version, sent in the User-Agent.
	Version string
	// Pins are SPKI SHA-256 pins in base64 (HPKP's pin-sha256, see
	// SPKIPin): the current key and a backup. Empty: no pinning, only the
	// ordinary certificate verification, which is always on.
	Pins []string
	// RootCAs replaces the system roots (a private CA, or a test server).
	RootCAs *x509.CertPool
	// Timeout bounds each attempt of a call (default 15 s); a long poll
	// gets its wait on top, attachment transfers four times as much.
	Timeout time.Duration
	// MaxRetries is how many times a failed attempt is repeated (default
	// 4; negative: never).
	MaxRetries int
	// RetryWait is the backoff base and RetryMaxWait its cap (defaults
	// 200 ms and 5 s): before retry n the client sleeps a random time in
	// [0, min(RetryMaxWait, RetryWait·2ⁿ⁻¹)] ("full jitter").
	RetryWait, RetryMaxWait time.Duration
	// RetryAfterMax caps how long a server's Retry-After is obeyed
	// (default 30 s), so a wrong header cannot stall a kiosk for hours.
	RetryAfterMax time.Duration
	// MaxResponseBytes caps a JSON answer (default 4 MiB) and
	// MaxAttachmentBytes a downloaded attachment (default 16 MiB).
	MaxResponseBytes   int64
	MaxAttachmentBytes int64
	// Lang is the language of error messages: "vi" (default) or "en".
	Lang string
	// HTTPClient replaces the HTTP client (tests). Its *http.Transport is
	// cloned and hardened the same way (TLS 1.2+, verification on, pins);
	// its Timeout, Jar and redirect policy are replaced by the Client's.
	HTTPClient *http.Client
	// Log receives one line per call (method, route, status, attempts,
	// duration), never a body or a path with data in it. Nil: no logs.
	Log *zerolog.Logger
}

// Defaults of Config.
const (
	DefaultTimeout            = 15 * time.Second
	DefaultMaxRetries         = 4
	DefaultRetryWait          = 200 * time.Millisecond
	DefaultRetryMaxWait       = 5 * time.Second
	DefaultRetryAfterMax      = 30 * time.Second
	DefaultMaxResponseBytes   = 4 << 20
	DefaultMaxAttachmentBytes = 16 << 20

	// longPollSlack is added to a long poll's wait for its attempt timeout.
	longPollSlack = 10 * time.Second
	// transferFactor stretches the attempt timeout of attachment
	// transfers: 10 MiB need ~6 Mbit/s to fit in 15 s.
	transferFactor = 4
)

// Client talks to the central API. It is safe for concurrent use; create
// it with New.
type Client struct {
	rc  *resty.Client
	cfg Config
	log zerolog.Logger

	mu       sync.RWMutex
	deviceID string
	token    string
	lang     string
}

// New checks cfg and returns a Client. It makes no request.
func New(cfg Config) (*Client, error) {
	base, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	pins, err := parsePins(cfg.Pins)
	if err != nil {
		return nil, err
	}
	cfg = withDefaults(cfg)
	hc, err := newHTTPClient(cfg, pins)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, log: zerolog.Nop(), deviceID: cfg.DeviceID, token: cfg.Token, lang: cfg.Lang}
	if cfg.Log != nil {
		c.log = *cfg.Log
	}
	c.rc = c.newResty(hc, base)
	return c, nil
}

func withDefaults(cfg Config) Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Timeout, DefaultTimeout)
	def(&cfg.RetryWait, DefaultRetryWait)
	def(&cfg.RetryMaxWait, DefaultRetryMaxWait)
	def(&cfg.RetryAfterMax, DefaultRetryAfterMax)
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.MaxAttachmentBytes <= 0 {
		cfg.MaxAttachmentBytes = DefaultMaxAttachmentBytes
	}
	cfg.Lang = normLang(cfg.Lang)
	return cfg
}

func normLang(lang string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en") {
		return "en"
	}
	return "vi"
}

// checkBaseURL accepts https anywhere and http only to a loopback host:
// device tokens and personal data never cross a network in clear text.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("central: base URL %q must look like https://host[:port][/path]", raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme == "http":
		return "", fmt.Errorf("central: base URL %q uses plain http to %s; "+
			"https is required except to a loopback address (127.0.0.0/8, ::1, localhost)", raw, u.Hostname())
	default:
		return "", fmt.Errorf("central: base URL %q: scheme must be https", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newHTTPClient builds the one HTTP client: a hardened transport wrapped
// in the per-attempt timeout, and no redirects (the API never redirects;
// a redirect would be a captive portal or a misconfiguration, and
// following one would turn a POST into a GET).
func newHTTPClient(cfg Config, pins map[string]bool) (*http.Client, error) {
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	rt, err := hardenTransport(hc.Transport, cfg, pins)
	if err != nil {
		return nil, err
	}
	hc.Transport = attemptTransport{next: rt}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hc.Jar = nil
	hc.Timeout = 0 // per attempt instead, see attemptTransport
	return hc, nil
}

func hardenTransport(rt http.RoundTripper, cfg Config, pins map[string]bool) (http.RoundTripper, error) {
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		if pins != nil || cfg.RootCAs != nil {
			return nil, errors.New("central: Pins and RootCAs need an *http.Transport in Config.HTTPClient")
		}
		return rt, nil // a test double: there is no TLS to harden
	}
	t = t.Clone()
	tc, err := tlsConfig(t.TLSClientConfig, cfg.RootCAs, pins)
	if err != nil {
		return nil, err
	}
	t.TLSClientConfig = tc
	return t, nil
}

// newResty sets up resty's retry loop. Three things in resty v2.17 shape
// it:
//   - a retry condition replaces resty's default (retry on err != nil), so
//     shouldRetry has to cover network errors itself;
//   - resty's own backoff is "equal jitter" and never below RetryWaitTime,
//     and it ignores Retry-After; SetRetryAfter is asked before every
//     retry that has a response (all of ours do, even network failures),
//     so retryDelay computes full jitter and Retry-After itself. resty
//     clamps its result to [RetryWaitTime, RetryMaxWaitTime], hence a zero
//     floor and a ceiling that lets Retry-After through;
//   - bodies are []byte (never io.Reader, which resty sends once and then
//     empty) and multipart bodies are built once by us, so every attempt
//     sends the same bytes (resty draws a new random boundary per attempt,
//     which changes the body under the same Idempotency-Key);
//   - resty hands a condition its errors unwrapped, even those it marked
//     "never retry" and its own ErrResponseBodyTooLarge, so shouldRetry
//     refuses those itself.
//
// Below resty, net/http may resend a request with an Idempotency-Key on a
// fresh connection when a reused one was found dead; the key makes that
// safe too.
func (c *Client) newResty(hc *http.Client, base string) *resty.Client {
	return resty.NewWithClient(hc).
		SetBaseURL(base).
		SetLogger(quietLogger{}). // resty logs URLs (dossier codes); we log routes
		SetRetryCount(c.cfg.MaxRetries).
		SetRetryWaitTime(0).
		SetRetryMaxWaitTime(max(c.cfg.RetryMaxWait, c.cfg.RetryAfterMax)).
		AddRetryCondition(c.shouldRetry).
		SetRetryAfter(c.retryDelay).
		AddRetryHook(c.logAttempt)
}

// SetCredentials sets the device ID and token after enrolment.
func (c *Client) SetCredentials(deviceID, token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deviceID, c.token = deviceID, token
}

// SetLang sets the language of error messages ("vi" or "en"), e.g. when
// the citizen switches the screen's language.
func (c *Client) SetLang(lang string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lang = normLang(lang)
}

// NewIdempotencyKey returns a fresh Idempotency-Key: 128 random bits
// written as a version-4 UUID.
func NewIdempotencyKey() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ---- one call ----

// call is one logical request; do sends it, with retries.
type call struct {
	method      string
	route       string            // the path pattern, e.g. /v1/dossiers/{code}; what the logs show
	params      map[string]string // path parameters, escaped by resty
	query       url.Values
	header      map[string]string
	body        []byte
	contentType string
	anonymous   bool          // no Authorization: enrolment
	limit       int64         // response cap
	timeout     time.Duration // per attempt
	// once: never retried, whatever happens (an assistant's sign-in,
	// where a resent wrong PIN would count twice towards the lock).
	once bool
}

// callInfo travels in the request's context to the attempt timeout, the
// retry condition and the retry hook.
type callInfo struct {
	route   string
	timeout time.Duration
	once    bool
}

type callInfoKey struct{}

func (c *Client) newCall(method, route string) call {
	return call{method: method, route: route, limit: c.cfg.MaxResponseBytes, timeout: c.cfg.Timeout}
}

// jsonBody marshals v once: every attempt sends exactly these bytes.
func (cl *call) jsonBody(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("central: %s %s: %w", cl.method, cl.route, err)
	}
	cl.body, cl.contentType = b, "application/json"
	return nil
}

// idempotent gives the call its Idempotency-Key: one per logical call,
// the same on every attempt, which is what makes retrying a POST safe.
func (cl *call) idempotent(key string) {
	if cl.header == nil {
		cl.header = map[string]string{}
	}
	cl.header[HeaderIdempotencyKey] = key
}

func (c *Client) request(ctx context.Context, cl call) *resty.Request {
	c.mu.RLock()
	deviceID, token, lang := c.deviceID, c.token, c.lang
	c.mu.RUnlock()

	ctx = context.WithValue(ctx, callInfoKey{}, callInfo{route: cl.route, timeout: cl.timeout, once: cl.once})
	r := c.rc.R().SetContext(ctx).
		SetResponseBodyLimit(int(cl.limit)).
		SetHeader("User-Agent", userAgent(c.cfg.Version, deviceID)).
		SetHeader("Accept-Language", lang).
		SetHeader("Accept", "application/json")
	if !cl.anonymous && token != "" {
		r.SetHeader("Authorization", "Bearer "+token)
	}
	r.SetPathParams(cl.params).SetHeaders(cl.header)
	if cl.query != nil {
		r.SetQueryParamsFromValues(cl.query)
	}
	if cl.body != nil {
		r.SetHeader("Content-Type", cl.contentType).SetBody(cl.body)
	}
	return r
}

func userAgent(version, deviceID string) string {
	if version == "" {
		version = "dev"
	}
	if deviceID == "" {
		return "MotCuaKiosk/" + version + " (not enrolled)"
	}
	return "MotCuaKiosk/" + version + " (device " + deviceID + ")"
}

// do sends cl and returns the successful response (2xx, or 304), or an
// error of the closed set in errors.go.
func (c *Client) do(ctx context.Context, cl call) (*resty.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("central: %s %s: %w", cl.method, cl.route, err)
	}
	start := time.Now()
	resp, err := c.request(ctx, cl).Execute(cl.method, cl.route)
	err = c.classify(ctx, cl, resp, err)
	c.logCall(cl, resp, err, time.Since(start))
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// classify maps resty's outcome to the closed set of errors.go.
func (c *Client) classify(ctx context.Context, cl call, resp *resty.Response, err error) error {
	op := "central: " + cl.method + " " + cl.route
	if err == nil && resp != nil && isSuccess(resp.StatusCode()) {
		return nil // an answer that arrived is kept even if ctx ended since
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", op, ctxErr)
	}
	if err != nil {
		return transportError(op, cl, resp, err)
	}
	var eb ErrorBody
	_ = json.Unmarshal(resp.Body(), &eb) // a body that is not ours still has a status
	retryAfter, _ := parseRetryAfter(resp.Header().Get(HeaderRetryAfter), time.Now())
	return fmt.Errorf("%s: %w", op, statusError(resp.StatusCode(), eb.Error, retryAfter))
}

func isSuccess(status int) bool {
	return status/100 == 2 || status == http.StatusNotModified
}

func transportError(op string, cl call, resp *resty.Response, err error) error {
	err = unwrapURLError(err)
	switch {
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		return fmt.Errorf("%s: %w (limit %d bytes)", op, ErrResponseTooLarge, cl.limit)
	case errors.Is(err, ErrPinMismatch):
		return fmt.Errorf("%s: %w", op, err)
	case isCertError(err):
		return fmt.Errorf("%s: %w: %w", op, ErrUntrusted, err)
	}
	attempts := 1
	if resp != nil && resp.Request != nil {
		attempts = resp.Request.Attempt
	}
	return fmt.Errorf("%s: %w (after %d attempts): %w", op, ErrOffline, attempts, err)
}

// unwrapURLError drops *url.Error, whose text holds the whole URL and so
// a dossier code or session ID; the route says which call it was.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// ---- retry policy, plugged into resty ----

// shouldRetry is the whole retry condition (it replaces resty's default):
// network failures, 429, 5xx but 501, and 409 idempotency_in_progress.
// Never any other 4xx, and nothing for a call marked once. The caller's
// cancelled context never gets here: resty checks it first.
func (c *Client) shouldRetry(resp *resty.Response, err error) bool {
	if resp == nil {
		return false // resty failed before sending (bad URL, body): no attempt was made
	}
	if resp.Request != nil {
		if info, _ := resp.Request.Context().Value(callInfoKey{}).(callInfo); info.once {
			return false
		}
	}
	if err != nil {
		return retryableError(err)
	}
	return retryableStatus(resp)
}

func retryableError(err error) bool {
	switch {
	case errors.Is(err, resty.ErrResponseBodyTooLarge),
		errors.Is(err, ErrPinMismatch),
		isCertError(err),
		errors.Is(err, context.Canceled),
		errors.Is(err, context.DeadlineExceeded):
		return false
	}
	// Refused, reset, timed out, or cut after commit without an answer:
	// every POST carries an Idempotency-Key, so sending it again is safe.
	return true
}

func retryableStatus(resp *resty.Response) bool {
	s := resp.StatusCode()
	switch {
	case s == http.StatusTooManyRequests:
		return true
	case s >= 500 && s != http.StatusNotImplemented:
		return true
	case s == http.StatusConflict && resp.Request.Header.Get(HeaderIdempotencyKey) != "":
		var eb ErrorBody
		return json.Unmarshal(resp.Body(), &eb) == nil && eb.Error.Code == CodeIdempotencyInProgress
	}
	return false
}

// retryDelay is resty's RetryAfterFunc: the server's Retry-After when it
// gives one (capped by RetryAfterMax), else full jitter. It never returns
// 0, which would make resty fall back to its own backoff.
func (c *Client) retryDelay(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	if resp.RawResponse != nil {
		if d, ok := parseRetryAfter(resp.Header().Get(HeaderRetryAfter), time.Now()); ok {
			return max(min(d, c.cfg.RetryAfterMax), time.Nanosecond), nil
		}
	}
	return max(fullJitter(c.cfg.RetryWait, c.cfg.RetryMaxWait, resp.Request.Attempt-1), time.Nanosecond), nil
}

// fullJitter is AWS's "full jitter": uniform in [0, min(limit, base·2ⁿ)].
func fullJitter(base, limit time.Duration, n int) time.Duration {
	ceiling := limit
	if n < 32 && base<<n > 0 && base<<n < limit {
		ceiling = base << n
	}
	return time.Duration(mathrand.Int64N(int64(ceiling) + 1))
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP-date (RFC
// 9110 10.2.3). A date in the past means "now", which is no advice.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second) // avoid overflow; the cap applies later
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil || !t.After(now) {
		return 0, false
	}
	return t.Sub(now), true
}

// ---- per-attempt timeout ----

// errAttemptTimeout ends one attempt that took too long; the call may
// retry. It is not context.DeadlineExceeded on purpose: that one means
// the caller's own deadline, which stops everything.
var errAttemptTimeout = errors.New("no answer within the attempt's time limit")

// attemptTransport gives each attempt its own deadline under the caller's
// context. resty keeps one context for all attempts, and http.Client's
// Timeout is one value for every call, while a long poll needs more.
type attemptTransport struct{ next http.RoundTripper }

func (t attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	info, _ := req.Context().Value(callInfoKey{}).(callInfo)
	if info.timeout <= 0 {
		return t.next.RoundTrip(req)
	}
	parent := req.Context()
	ctx, cancel := context.WithTimeout(parent, info.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		err = attemptError(parent, ctx, info, err) // before cancel, which would look like a timeout
		cancel()
		return nil, err
	}
	resp.Body = &attemptBody{ReadCloser: resp.Body, parent: parent, ctx: ctx, cancel: cancel, info: info}
	return resp, nil
}

// attemptError replaces the error of an attempt that ran out of time
// while the caller's context is still alive.
func attemptError(parent, ctx context.Context, info callInfo, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil {
		return fmt.Errorf("%w (%v)", errAttemptTimeout, info.timeout)
	}
	return err
}

// attemptBody keeps the attempt's deadline while the body is read, and
// releases it on Close.
type attemptBody struct {
	io.ReadCloser
	parent, ctx context.Context
	cancel      context.CancelFunc
	info        callInfo
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = attemptError(b.parent, b.ctx, b.info, err)
	}
	return n, err
}

func (b *attemptBody) Close() error {
	defer b.cancel()
	return b.ReadCloser.Close()
}

// ---- logging ----

// logAttempt is resty's retry hook, called after each failed attempt that
// the condition would retry (also the last one, which is not retried).
func (c *Client) logAttempt(resp *resty.Response, err error) {
	if resp == nil || resp.Request == nil {
		return
	}
	info, _ := resp.Request.Context().Value(callInfoKey{}).(callInfo)
	ev := c.log.Debug().Str("method", resp.Request.Method).Str("route", info.route).Int("attempt", resp.Request.Attempt)
	if err != nil {
		ev = ev.Str("error", unwrapURLError(err).Error())
	} else {
		ev = ev.Int("status", resp.StatusCode())
	}
	ev.Msg("central attempt failed")
}

func (c *Client) logCall(cl call, resp *resty.Response, err error, took time.Duration) {
	ev := c.log.Info()
	if err != nil {
		ev = c.log.Warn()
	}
	// Whole milliseconds: a duration written with six decimals looks like
	// an ID number to the log's redaction and is masked.
	ev = ev.Str("method", cl.method).Str("route", cl.route).Int64("took_ms", took.Milliseconds())
	if resp != nil && resp.Request != nil {
		ev = ev.Int("attempts", resp.Request.Attempt)
		if resp.RawResponse != nil {
			ev = ev.Int("status", resp.StatusCode())
		}
	}
	if err != nil {
		ev = ev.Str("error", errorKind(err)).Bool("transient", IsTransient(err))
	}
	ev.Msg("central call")
}

// errorKind names an error for the log without its text: a validation
// message may quote what the citizen typed.
func errorKind(err error) string {
	var (
		apiErr *APIError
		valErr *ValidationError
	)
	switch {
	case errors.As(err, &valErr):
		return "422 " + valErr.Code
	case errors.As(err, &apiErr):
		return strconv.Itoa(apiErr.Status) + " " + apiErr.Code
	case errors.Is(err, ErrOffline):
		return "offline"
	case errors.Is(err, ErrPinMismatch):
		return "pin mismatch"
	case errors.Is(err, ErrUntrusted):
		return "untrusted certificate"
	case errors.Is(err, ErrResponseTooLarge):
		return "response too large"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	}
	return "other"
}

// quietLogger silences resty's own logger: its lines carry whole URLs.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// ---- endpoints ----

// postJSON sends a creating POST with a fresh Idempotency-Key and decodes
// the answer into out.
func (c *Client) postJSON(ctx context.Context, route string, in, out any) error {
	return c.postJSONWithKey(ctx, NewIdempotencyKey(), route, in, out)
}

func (c *Client) postJSONWithKey(ctx context.Context, key, route string, in, out any) error {
	cl := c.newCall(http.MethodPost, route)
	if err := cl.jsonBody(in); err != nil {
		return err
	}
	cl.idempotent(key)
	return c.doJSON(ctx, cl, out)
}

// getJSON sends a GET and decodes the answer into out.
func (c *Client) getJSON(ctx context.Context, cl call, out any) error {
	return c.doJSON(ctx, cl, out)
}

func (c *Client) doJSON(ctx context.Context, cl call, out any) error {
	resp, err := c.do(ctx, cl)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body(), out); err != nil {
		return fmt.Errorf("central: %s %s: %w: %w", cl.method, cl.route, ErrBadResponse, err)
	}
	return nil
}

// Enroll registers the kiosk with a one-time code. It sends no token;
// call SetCredentials with the answer.
func (c *Client) Enroll(ctx context.Context, req EnrollRequest) (Enrollment, error) {
	cl := c.newCall(http.MethodPost, "/v1/devices/enroll")
	cl.anonymous = true
	if err := cl.jsonBody(req); err != nil {
		return Enrollment{}, err
	}
	cl.idempotent(NewIdempotencyKey()) // a retried enrolment gets the same token back
	var out Enrollment
	return out, c.doJSON(ctx, cl, &out)
}

// Heartbeat reports the kiosk's health and returns the central config.
func (c *Client) Heartbeat(ctx context.Context, hb Heartbeat) (HeartbeatReply, error) {
	var out HeartbeatReply
	return out, c.postJSON(ctx, "/v1/devices/heartbeat", hb, &out)
}

// Catalog fetches the procedure catalog. With the etag of a cached copy it
// may answer notModified (and nothing else). Otherwise raw holds the bytes
// as served, for the offline cache, and cat their parse.
func (c *Client) Catalog(ctx context.Context, etag string) (cat *Catalog, raw []byte, newETag string, notModified bool, err error) {
	cl := c.newCall(http.MethodGet, "/v1/catalog")
	if etag != "" {
		cl.header = map[string]string{"If-None-Match": etag}
	}
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, nil, "", false, err
	}
	newETag = resp.Header().Get("ETag")
	if resp.StatusCode() == http.StatusNotModified {
		if newETag == "" {
			newETag = etag
		}
		return nil, nil, newETag, true, nil
	}
	raw = resp.Body()
	if cat, err = kiosk.ParseCatalog(raw); err != nil {
		return nil, nil, "", false, fmt.Errorf("central: GET /v1/catalog: %w: %w", ErrBadResponse, err)
	}
	return cat, raw, newETag, false, nil
}

// CreateLinkSession starts a QR link between the kiosk and a phone.
func (c *Client) CreateLinkSession(ctx context.Context, req LinkSessionRequest) (LinkSession, error) {
	var out LinkSession
	return out, c.postJSON(ctx, "/v1/link-sessions", req, &out)
}

// LinkSessionState long-polls a link session: the server answers when the
// session's version differs from since (since <= 0: once it is no longer
// pending), when it ends, or after wait (the server caps it at 30 s).
func (c *Client) LinkSessionState(ctx context.Context, id string, wait time.Duration, since int) (LinkState, error) {
	cl := c.newCall(http.MethodGet, "/v1/link-sessions/{id}")
	cl.params = map[string]string{"id": id}
	cl.query = url.Values{}
	if wait > 0 {
		cl.query.Set("wait", wait.String())
		cl.timeout = max(cl.timeout, wait+longPollSlack) // the server holds the answer that long on purpose
	}
	if since > 0 {
		cl.query.Set("since", strconv.Itoa(since))
	}
	var out LinkState
	return out, c.getJSON(ctx, cl, &out)
}

// EndLinkSession ends a session (Back, Cancel, finish, idle reset).
// Ending an ended session is not an error.
func (c *Client) EndLinkSession(ctx context.Context, id string) error {
	return c.deleteID(ctx, "/v1/link-sessions/{id}", id)
}

// deleteID sends a DELETE to path, its {id} filled in.
func (c *Client) deleteID(ctx context.Context, path, id string) error {
	cl := c.newCall(http.MethodDelete, path)
	cl.params = map[string]string{"id": id}
	_, err := c.do(ctx, cl)
	return err
}

// PutLinkDraft hands the kiosk's draft over to the citizen's phone under
// a hand-over link session (purpose handoff), replacing any draft put
// before. The server keeps it sealed; the phone page shows it once the
// citizen has matched the confirm code. A PUT is idempotent by nature, so
// it takes no Idempotency-Key and retries are safe.
func (c *Client) PutLinkDraft(ctx context.Context, linkID string, d HandoffDraft) error {
	cl := c.newCall(http.MethodPut, "/v1/link-sessions/{id}/draft")
	cl.params = map[string]string{"id": linkID}
	if err := cl.jsonBody(d); err != nil {
		return err
	}
	_, err := c.do(ctx, cl)
	return err
}

// ClaimHandoff brings back the draft behind a resume QR the citizen's
// phone shows (the token of a kiosk.ScanHandoff): the latest answers saved on the
// phone. A token works once and for a short time; a spent, expired or
// unknown one is ErrNotFound, and the citizen reloads the phone page for a
// new one. Any kiosk of the same central system may claim.
func (c *Client) ClaimHandoff(ctx context.Context, token string) (HandoffDraft, error) {
	var out HandoffDraft
	return out, c.postJSON(ctx, "/v1/handoffs/claim", HandoffClaim{Token: token}, &out)
}

// UploadAttachment uploads a scanned or photographed document. document
// says which of the procedure's documents it is, counted from 1 (0 or
// negative: not said).
func (c *Client) UploadAttachment(ctx context.Context, name string, data []byte, document int) (Attachment, error) {
	return c.UploadAttachmentWithKey(ctx, NewIdempotencyKey(), name, data, document)
}

// UploadAttachmentWithKey is UploadAttachment with the caller's
// Idempotency-Key, for an outbox that must keep the key across restarts.
func (c *Client) UploadAttachmentWithKey(ctx context.Context, key, name string, data []byte, document int) (Attachment, error) {
	cl := c.newCall(http.MethodPost, "/v1/attachments")
	cl.timeout *= transferFactor
	body, contentType, err := multipartBody(name, data, document)
	if err != nil {
		return Attachment{}, fmt.Errorf("central: POST /v1/attachments: %w", err)
	}
	cl.body, cl.contentType = body, contentType
	cl.idempotent(key)
	var out Attachment
	return out, c.doJSON(ctx, cl, &out)
}

// multipartBody builds the upload once, so that every attempt sends the
// same bytes with the same boundary.
func multipartBody(name string, data []byte, document int) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", multipart.FileContentDisposition("file", name))
	h.Set("Content-Type", http.DetectContentType(data)) // a hint: the server sniffs for itself
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(data); err != nil {
		return nil, "", err
	}
	if document > 0 {
		if err := w.WriteField("document", strconv.Itoa(document)); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// Attachment downloads an uploaded file and its MIME type.
func (c *Client) Attachment(ctx context.Context, id string) ([]byte, string, error) {
	cl := c.newCall(http.MethodGet, "/v1/attachments/{id}")
	cl.params = map[string]string{"id": id}
	cl.header = map[string]string{"Accept": "image/*, application/pdf"}
	cl.limit = c.cfg.MaxAttachmentBytes
	cl.timeout *= transferFactor
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, "", err
	}
	mediaType := resp.Header().Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(mediaType); err == nil {
		mediaType = mt
	}
	return resp.Body(), mediaType, nil
}

// SubmitDossier files a dossier under a fresh Idempotency-Key: retries
// within this call can never file it twice. A caller that must retry
// across restarts keeps its own key and uses SubmitDossierWithKey.
func (c *Client) SubmitDossier(ctx context.Context, req DossierRequest) (Dossier, error) {
	return c.SubmitDossierWithKey(ctx, NewIdempotencyKey(), req)
}

// SubmitDossierWithKey files a dossier under the caller's Idempotency-Key
// (the outbox stores it with the dossier). Sending the same key and the
// same request again returns the first answer; the same key with another
// request is a 422 idempotency_key_reused.
func (c *Client) SubmitDossierWithKey(ctx context.Context, key string, req DossierRequest) (Dossier, error) {
	if key == "" || len(key) > 255 {
		return Dossier{}, errors.New("central: SubmitDossierWithKey: the Idempotency-Key must have 1 to 255 characters")
	}
	var out Dossier
	if err := c.postJSONWithKey(ctx, key, "/v1/dossiers", req, &out); err != nil {
		return Dossier{}, err
	}
	if out.Code == "" {
		// Filed, says the status; without a code the outbox would mark it
		// accepted and keep nothing to track it by. It keeps it instead,
		// and a person looks at the central system.
		return Dossier{}, fmt.Errorf("central: POST /v1/dossiers: %w: the filed dossier has no code", ErrBadResponse)
	}
	return out, nil
}

// Dossier reads a dossier's status and timeline by its code.
func (c *Client) Dossier(ctx context.Context, code string) (Dossier, error) {
	cl := c.newCall(http.MethodGet, "/v1/dossiers/{code}")
	cl.params = map[string]string{"code": code} // resty escapes it (url.PathEscape)
	var out Dossier
	return out, c.getJSON(ctx, cl, &out)
}

// CreatePayment asks for a fee order for a dossier.
func (c *Client) CreatePayment(ctx context.Context, req PaymentRequest) (Payment, error) {
	var out Payment
	return out, c.postJSON(ctx, "/v1/payments", req, &out)
}

// Payment reads a fee order (pending, paid or expired).
func (c *Client) Payment(ctx context.Context, id string) (Payment, error) {
	cl := c.newCall(http.MethodGet, "/v1/payments/{id}")
	cl.params = map[string]string{"id": id}
	var out Payment
	return out, c.getJSON(ctx, cl, &out)
}

// SendFeedback sends a citizen's rating and returns its id.
func (c *Client) SendFeedback(ctx context.Context, fb Feedback) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	return out.ID, c.postJSON(ctx, "/v1/feedback", fb, &out)
}

// RequestHelp calls the digital-tech team to the kiosk.
func (c *Client) RequestHelp(ctx context.Context, req HelpRequest) (HelpTicket, error) {
	var out HelpTicket
	return out, c.postJSON(ctx, "/v1/help-requests", req, &out)
}

// HelpRequests lists the help tickets in state ("" means open), oldest
// first.
func (c *Client) HelpRequests(ctx context.Context, state string) ([]HelpTicket, error) {
	cl := c.newCall(http.MethodGet, "/v1/help-requests")
	if state != "" {
		cl.query = url.Values{"state": {state}}
	}
	var out struct {
		Tickets []HelpTicket `json:"tickets"`
	}
	return out.Tickets, c.getJSON(ctx, cl, &out)
}

// HelpTicket reads one of this kiosk's help tickets, with its place in the
// queue now (0 once taken), so the kiosk can tell the citizen how many
// are before them and when help is on its way. Another kiosk's ticket is
// ErrNotFound.
func (c *Client) HelpTicket(ctx context.Context, id string) (HelpTicket, error) {
	cl := c.newCall(http.MethodGet, "/v1/help-requests/{id}")
	cl.params = map[string]string{"id": id}
	var out HelpTicket
	return out, c.getJSON(ctx, cl, &out)
}

// WithdrawHelp withdraws one of this kiosk's help tickets: the citizen's
// session ended. Withdrawing a done ticket is not an error.
func (c *Client) WithdrawHelp(ctx context.Context, id string) error {
	return c.deleteID(ctx, "/v1/help-requests/{id}", id)
}

// SendMetrics sends aggregated self-service figures: one entry per day
// and procedure. Resending a day replaces what the central system holds
// for it, so a kiosk sends its open days again as they grow.
func (c *Client) SendMetrics(ctx context.Context, m Metrics) error {
	return c.postJSON(ctx, "/v1/metrics", m, nil)
}

// SignInAssistant checks a member of the digital-tech team in at the
// kiosk, by the token of their badge (kiosk.ScanStaff) or their PIN. A
// wrong one is ErrAssistantUnknown; after too many wrong tries the kiosk
// is locked out for a while, ErrAssistantLocked, and the *APIError says
// how long in RetryAfter.
//
// It is sent once, never retried: it creates nothing (so it has no
// Idempotency-Key), but each wrong try counts towards the lock, and a
// resent one would count twice. A network failure is ErrOffline after
// one attempt; the assistant simply tries again. Its body is never
// logged (the Client logs no bodies).
func (c *Client) SignInAssistant(ctx context.Context, req AssistantSignIn) (Assistant, error) {
	cl := c.newCall(http.MethodPost, "/v1/assistants/sign-in")
	if err := cl.jsonBody(req); err != nil {
		return Assistant{}, err
	}
	cl.once = true
	var out Assistant
	return out, c.doJSON(ctx, cl, &out)
}
