// Package provision sets a kiosk up: its configuration file (kiosk.json)
// and its enrolment with the central system (device.json, device.token and
// a fresh device.key in the data directory). It knows nothing of the
// screen: the command line and the first-run screen both call it.
package provision

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/offline/printer"
)

// ConfigFile is the configuration file's name in the data directory.
const ConfigFile = "kiosk.json"

// Config is the kiosk's configuration: what kiosk.json says over Defaults.
// docs/configuration.md documents every key.
type Config struct {
	APIURL        string         // api_url: the central API's root
	Pins          []string       // pin: SPKI SHA-256 pins (pin-sha256), the current key and a backup
	CAFile        string         // ca_file: PEM certificate authorities to trust instead of the system's
	Unit          string         // unit: the counter's name in the header; "" the enrolled unit's
	IdleTimeout   time.Duration  // idle_timeout: 0 never
	DraftLifetime time.Duration  // draft_lifetime
	Printer       printer.Config // printer.kind, .queue, .device, .paper_mm
	Lang          kiosk.Lang     // languages.default
	LogLevel      string         // log_level
	LogFormat     string         // log_format: console or json
	ScanDir       string         // scan_dir: "" no document scanner
	Window        string         // window: kiosk or normal; "" kiosk (normal for a demo)
}

// Defaults of Config, which apply to every key neither the file nor the
// command line sets.
const (
	DefaultIdleTimeout   = 90 * time.Second
	DefaultDraftLifetime = 72 * time.Hour
)

// Bounds the configuration enforces. The central system's idle timeout
// (the heartbeat) is held to the same.
const (
	MinIdleTimeout   = 30 * time.Second
	MaxIdleTimeout   = time.Hour
	MinDraftLifetime = time.Hour
	MaxDraftLifetime = 30 * 24 * time.Hour // personal data is kept no longer than needed
)

// maxConfigBytes caps the file: a real one is well under 2 KiB.
const maxConfigBytes = 64 << 10

// Defaults returns the configuration of a kiosk without a file.
func Defaults() Config {
	return Config{
		IdleTimeout:   DefaultIdleTimeout,
		DraftLifetime: DefaultDraftLifetime,
		Lang:          kiosk.VI,
		LogLevel:      "info",
		LogFormat:     "console",
	}
}

// Problem is one thing wrong in the configuration. Text starts with the
// key it is about, as in `idle_timeout "5s": too short; …`, so a caller
// that took the value from elsewhere (a command-line flag) can say so by
// replacing the key.
type Problem struct {
	Key  string // e.g. "idle_timeout", "printer.paper_mm"
	Line int    // in the file; 0 when not from a file
	Text string
}

func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s", p.Line, p.Text)
	}
	return p.Text
}

// ConfigError is every problem of a configuration file at once, so one
// edit fixes them all.
type ConfigError struct {
	Path     string
	Problems []Problem
}

func (e *ConfigError) Error() string {
	if len(e.Problems) == 1 {
		return e.Path + ": " + e.Problems[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s has %d problems:", e.Path, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.Error())
	}
	return b.String()
}

// LoadConfig reads the configuration file at path over Defaults. A file
// that does not exist is an error that errors.Is(err, fs.ErrNotExist)
// finds; any other trouble is a *ConfigError naming each key and its
// problem: unknown keys (with the key meant, when the slip is small),
// values of the wrong type and values out of range.
func LoadConfig(path string) (Config, error) {
	cfg := Defaults()
	data, err := readSmall(path)
	if err != nil {
		return cfg, err
	}
	d := newDecoder(data, 0, data)
	d.document(&cfg)
	// The values' checks too, unless the JSON itself is broken, for every
	// key whose value was taken.
	bad, broken := map[string]bool{}, false
	for _, p := range d.problems {
		bad[p.Key], broken = true, broken || p.Key == ""
	}
	if !broken {
		for _, p := range cfg.Validate() {
			if bad[p.Key] {
				continue
			}
			p.Line = d.lines[p.Key]
			if parent, _, nested := strings.Cut(p.Key, "."); nested && p.Line == 0 {
				p.Line = d.lines[parent] // a key the object lacks: the object's line
			}
			d.problems = append(d.problems, p)
		}
	}
	if len(d.problems) > 0 {
		slices.SortStableFunc(d.problems, func(a, b Problem) int { return a.Line - b.Line })
		return cfg, &ConfigError{Path: path, Problems: d.problems}
	}
	return cfg, nil
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigBytes {
		return nil, &ConfigError{Path: path, Problems: []Problem{{Text: fmt.Sprintf("the file is larger than %d KiB; a configuration is a few lines", maxConfigBytes>>10)}}}
	}
	return data, nil
}

// Validate checks the values (not their types: the file's decoder does)
// and returns every problem, each naming its key.
func (c Config) Validate() []Problem {
	var ps []Problem
	for _, check := range []func(Config) []Problem{checkServer, checkPins, checkCAFile, checkUnit, checkTimes, checkChoices} {
		ps = append(ps, check(c)...)
	}
	return append(ps, printerProblems(c.Printer)...)
}

// problem is a Problem about key: the key, then what format says.
func problem(key, format string, args ...any) []Problem {
	return []Problem{{Key: key, Text: key + " " + fmt.Sprintf(format, args...)}}
}

func checkServer(c Config) []Problem {
	if c.APIURL == "" {
		return nil
	}
	if err := CheckServerURL(c.APIURL); err != nil {
		return problem("api_url", "%q: %v", c.APIURL, err)
	}
	if len(c.Pins) > 0 && strings.HasPrefix(strings.ToLower(c.APIURL), "http:") {
		return problem("pin", "is set, but api_url is plain http, which has no certificate to pin; use https or remove the pin")
	}
	return nil
}

func checkPins(c Config) []Problem {
	var ps []Problem
	for _, p := range c.Pins {
		if !pinOK(p) {
			ps = append(ps, problem("pin", "%q: not a pin-sha256 (the base64 of the SHA-256 of a public key: 44 characters ending in \"=\"); "+
				"make one with: openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64", p)...)
		}
	}
	return ps
}

func checkCAFile(c Config) []Problem {
	if _, err := c.RootCAs(); err != nil {
		return problem("ca_file", "%q: %v", c.CAFile, err)
	}
	return nil
}

func checkUnit(c Config) []Problem {
	s := strings.TrimSpace(c.Unit)
	if c.Unit != "" && (s == "" || len([]rune(s)) > 100 || strings.IndexFunc(s, unicode.IsControl) >= 0) {
		return problem("unit", "%q: want the counter's name on one line, at most 100 letters", c.Unit)
	}
	return nil
}

func checkTimes(c Config) []Problem {
	var ps []Problem
	if err := CheckIdleTimeout(c.IdleTimeout); err != nil {
		ps = append(ps, problem("idle_timeout", "%q: %v", fmtDuration(c.IdleTimeout), err)...)
	}
	if c.DraftLifetime < MinDraftLifetime || c.DraftLifetime > MaxDraftLifetime {
		ps = append(ps, problem("draft_lifetime", "%q: want between %s and %s (30 days): drafts hold personal data",
			fmtDuration(c.DraftLifetime), fmtDuration(MinDraftLifetime), fmtDuration(MaxDraftLifetime))...)
	}
	return ps
}

// checkChoices checks the keys that take one of a few words.
func checkChoices(c Config) []Problem {
	var ps []Problem
	if c.Lang != kiosk.VI && c.Lang != kiosk.EN {
		ps = append(ps, problem("languages.default", "%q: want vi or en", c.Lang)...)
	}
	if l, err := zerolog.ParseLevel(strings.ToLower(c.LogLevel)); err != nil || l == zerolog.NoLevel || c.LogLevel == "" {
		ps = append(ps, problem("log_level", "%q: want debug, info, warn or error", c.LogLevel)...)
	}
	if c.LogFormat != "console" && c.LogFormat != "json" {
		ps = append(ps, problem("log_format", "%q: want console or json", c.LogFormat)...)
	}
	if c.ScanDir != "" && strings.TrimSpace(c.ScanDir) == "" {
		ps = append(ps, problem("scan_dir", "%q: want the folder's path, or leave the key out for no scanner", c.ScanDir)...)
	}
	if c.Window != "" && c.Window != "kiosk" && c.Window != "normal" {
		ps = append(ps, problem("window", "%q: want kiosk or normal", c.Window)...)
	}
	return ps
}

// CheckIdleTimeout checks an idle timeout from the file, a flag or the
// central system: 0 (never) or between MinIdleTimeout and MaxIdleTimeout.
func CheckIdleTimeout(d time.Duration) error {
	if d == 0 || (d >= MinIdleTimeout && d <= MaxIdleTimeout) {
		return nil
	}
	return fmt.Errorf("want 0 (never) or between %s and %s", fmtDuration(MinIdleTimeout), fmtDuration(MaxIdleTimeout))
}

// CheckServerURL checks a central API root as the central client will:
// https to any host, plain http only to a loopback address (the
// reference server), nothing but scheme, host, port and path.
func CheckServerURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Opaque != "" {
		return errors.New("not a URL; want https://host[:port][/path]")
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return errors.New("want only https://host[:port][/path], without a user, query or fragment")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("plain http is allowed only to a loopback address (127.0.0.1, localhost); use https://%s", u.Host)
	}
	return errors.New("want an https URL")
}

func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SameServer reports whether two API roots name the same server: the
// scheme and host compared without case, the path without a final '/'.
func SameServer(a, b string) bool {
	norm := func(s string) string {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil {
			return s
		}
		u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
		u.Path = strings.TrimRight(u.Path, "/")
		u.RawPath = ""
		return u.String()
	}
	return norm(a) == norm(b)
}

// pinOK accepts what the central client accepts: the base64 of 32 bytes,
// optionally written "sha256//…" as curl does.
func pinOK(p string) bool {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(strings.TrimSpace(p), "sha256//"))
	return err == nil && len(raw) == sha256.Size
}

// RootCAs reads CAFile: nil when there is none (the system's roots).
func (c Config) RootCAs() (*x509.CertPool, error) {
	if c.CAFile == "" {
		return nil, nil
	}
	data, err := os.ReadFile(c.CAFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errors.New("no such file")
		}
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, errors.New("holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
	}
	return pool, nil
}

// printerProblems splits printer.Config.Validate's joined errors, each of
// which starts with its key ("printer.kind …").
func printerProblems(p printer.Config) []Problem {
	err := p.Validate()
	if err == nil {
		return nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var ps []Problem
	for _, e := range errs {
		text := e.Error()
		key := text
		if i := strings.IndexAny(text, " :"); i >= 0 {
			key = text[:i]
		}
		ps = append(ps, Problem{Key: key, Text: text})
	}
	return ps
}

// fmtDuration writes a duration the way the file does: "90s", "72h", "1h30m".
func fmtDuration(d time.Duration) string {
	s := d.String()
	for _, unit := range []string{"h", "m"} {
		s = strings.Replace(s, unit+"0s", unit, 1)
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ---- decoding: strict, every problem at once, with line numbers ----

// key is one key of the file: its name and how to take its value, or the
// keys of the object it holds.
type key struct {
	name string
	set  func(c *Config, raw json.RawMessage) error
	sub  []key
}

var configKeys = []key{
	{name: "api_url", set: str(func(c *Config) *string { return &c.APIURL })},
	{name: "pin", set: setPins},
	{name: "ca_file", set: str(func(c *Config) *string { return &c.CAFile })},
	{name: "unit", set: str(func(c *Config) *string { return &c.Unit })},
	{name: "idle_timeout", set: duration(func(c *Config) *time.Duration { return &c.IdleTimeout })},
	{name: "draft_lifetime", set: duration(func(c *Config) *time.Duration { return &c.DraftLifetime })},
	{name: "printer", sub: []key{
		{name: "kind", set: str(func(c *Config) *string { return &c.Printer.Kind })},
		{name: "queue", set: str(func(c *Config) *string { return &c.Printer.Queue })},
		{name: "device", set: str(func(c *Config) *string { return &c.Printer.Device })},
		{name: "paper_mm", set: integer(func(c *Config) *int { return &c.Printer.PaperMM })},
	}},
	{name: "languages", sub: []key{
		{name: "default", set: func(c *Config, raw json.RawMessage) error {
			var s string
			err := str(func(*Config) *string { return &s })(c, raw)
			c.Lang = kiosk.Lang(s)
			return err
		}},
	}},
	{name: "log_level", set: str(func(c *Config) *string { return &c.LogLevel })},
	{name: "log_format", set: str(func(c *Config) *string { return &c.LogFormat })},
	{name: "scan_dir", set: str(func(c *Config) *string { return &c.ScanDir })},
	{name: "window", set: str(func(c *Config) *string { return &c.Window })},
}

// ConfigKeys lists every key of the file, nested ones as "printer.kind",
// in the order docs/configuration.md documents them.
func ConfigKeys() []string {
	var out []string
	for _, k := range configKeys {
		if k.sub == nil {
			out = append(out, k.name)
		}
		for _, s := range k.sub {
			out = append(out, k.name+"."+s.name)
		}
	}
	return out
}

func str(field func(*Config) *string) func(*Config, json.RawMessage) error {
	return func(c *Config, raw json.RawMessage) error {
		if json.Unmarshal(raw, field(c)) != nil {
			return errors.New("want a string in double quotes")
		}
		return nil
	}
}

func integer(field func(*Config) *int) func(*Config, json.RawMessage) error {
	return func(c *Config, raw json.RawMessage) error {
		if json.Unmarshal(raw, field(c)) != nil {
			return errors.New("want a whole number, without quotes")
		}
		return nil
	}
}

func duration(field func(*Config) *time.Duration) func(*Config, json.RawMessage) error {
	return func(c *Config, raw json.RawMessage) error {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return errors.New(`want a duration in double quotes, like "90s", "2m" or "72h"`)
		}
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf(`%q is not a duration; write it like "90s", "2m" or "72h"`, s)
		}
		*field(c) = d
		return nil
	}
}

// setPins takes one pin as a string or several as a list.
func setPins(c *Config, raw json.RawMessage) error {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		c.Pins = []string{one}
		return nil
	}
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		return errors.New(`want a pin in double quotes, or a list of them: ["current", "backup"]`)
	}
	c.Pins = list
	return nil
}

// decoder walks the file's objects token by token, so it sees every key
// in order (a repeated key is an error, not a silent overwrite) and knows
// each one's line. A nested object is read by a decoder of its own over
// the value's bytes, at base in the whole file.
type decoder struct {
	file     []byte // the whole file, for line numbers
	base     int64  // where this decoder's bytes start in file
	dec      *json.Decoder
	problems []Problem
	lines    map[string]int
}

func newDecoder(file []byte, base int64, data []byte) *decoder {
	return &decoder{file: file, base: base, dec: json.NewDecoder(bytes.NewReader(data)), lines: map[string]int{}}
}

// line is the line of an offset in this decoder's bytes.
func (d *decoder) line(offset int64) int {
	end := min(int(d.base+offset), len(d.file))
	return bytes.Count(d.file[:end], []byte("\n")) + 1
}

func (d *decoder) problem(key string, offset int64, text string) {
	d.problems = append(d.problems, Problem{Key: key, Line: d.line(offset), Text: text})
}

// document decodes the top level: one JSON object and nothing after it.
func (d *decoder) document(cfg *Config) {
	if !d.members(cfg, "", configKeys) {
		return
	}
	if _, err := d.dec.Token(); err != io.EOF {
		d.problem("", d.dec.InputOffset(), "unexpected text after the closing }: the file holds one JSON object")
	}
}

// members reads one object's members into cfg. It returns false when the
// JSON itself is broken, after which nothing more can be read.
func (d *decoder) members(cfg *Config, prefix string, keys []key) bool {
	if !d.open(prefix) {
		return false
	}
	seen := map[string]bool{}
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			d.syntax(err)
			return false
		}
		at := d.dec.InputOffset() // just after the key
		name, _ := tok.(string)
		full := prefix + name
		var raw json.RawMessage
		if err := d.dec.Decode(&raw); err != nil {
			d.syntax(err)
			return false
		}
		valueAt := d.dec.InputOffset() - int64(len(raw))
		k, known := findKey(keys, name)
		switch {
		case seen[name]:
			d.problem(full, at, full+": given twice; keep one")
		case !known:
			d.problem(full, at, full+": unknown key"+suggest(prefix, name, keys))
		case string(raw) == "null":
			d.problem(full, at, full+": null; leave the key out to use the default")
		case k.sub != nil:
			sub := newDecoder(d.file, d.base+valueAt, raw)
			sub.members(cfg, full+".", k.sub)
			d.problems = append(d.problems, sub.problems...)
			maps.Copy(d.lines, sub.lines)
		default:
			if err := k.set(cfg, raw); err != nil {
				d.problem(full, at, full+": "+err.Error())
			}
		}
		seen[name] = true
		d.lines[full] = d.line(at)
	}
	if _, err := d.dec.Token(); err != nil { // the closing }
		d.syntax(err)
		return false
	}
	return true
}

// open reads an object's opening brace.
func (d *decoder) open(prefix string) bool {
	tok, err := d.dec.Token()
	if err == io.EOF {
		d.problem("", 0, "the file is empty; it holds one JSON object: {}")
		return false
	}
	if err != nil {
		d.syntax(err)
		return false
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		key := strings.TrimSuffix(prefix, ".")
		what := "the file"
		if key != "" {
			what = key
		}
		d.problem(key, d.dec.InputOffset(), what+": want an object in braces { … }")
		return false
	}
	return true
}

func (d *decoder) syntax(err error) {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		d.problem("", se.Offset, "not valid JSON: "+se.Error())
		return
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		d.problem("", d.dec.InputOffset(), "not valid JSON: the file ends too early (a missing } or \")")
		return
	}
	d.problem("", d.dec.InputOffset(), "not valid JSON: "+err.Error())
}

func findKey(keys []key, name string) (key, bool) {
	for _, k := range keys {
		if k.name == name {
			return k, true
		}
	}
	return key{}, false
}

// suggest names the key an unknown one probably meant: the same letters
// in another case or with '-' for '_', a key of a nested object written
// at the top, or one or two letters off.
func suggest(prefix, name string, keys []key) string {
	simple := func(s string) string {
		return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(s))
	}
	best, bestDist := "", 3
	for _, k := range keys {
		if simple(k.name) == simple(name) {
			return fmt.Sprintf("; did you mean %s?", prefix+k.name)
		}
		if d := editDistance(simple(k.name), simple(name)); d < bestDist && d < len(k.name)/2+1 {
			best, bestDist = prefix+k.name, d
		}
	}
	if prefix == "" {
		for _, k := range configKeys {
			for _, s := range k.sub {
				if simple(s.name) == simple(name) {
					return fmt.Sprintf("; did you mean %s.%s (inside \"%s\": {…})?", k.name, s.name, k.name)
				}
			}
		}
	}
	if best != "" {
		return fmt.Sprintf("; did you mean %s?", best)
	}
	var names []string
	for _, k := range keys {
		names = append(names, prefix+k.name)
	}
	slices.Sort(names)
	return "; the keys are " + strings.Join(names, ", ")
}

// editDistance is Levenshtein's, on bytes (keys are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
