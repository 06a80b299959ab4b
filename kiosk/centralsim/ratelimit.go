package centralsim

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

// Each new link session puts a bbolt write and a QR code on a kiosk's
// screen; a kiosk in a loop (a bug, or a stolen token) must not be able to
// flood the server with them. A kiosk needs one every two minutes at most
// (the QR's lifetime), so 30 a minute leaves room for retries and rotation.
const (
	linkCreateLimit  = 30
	linkCreateWindow = time.Minute
)

var errRateLimited = newAPIError(http.StatusTooManyRequests, "rate_limited",
	"Thiết bị gửi quá nhiều yêu cầu. Vui lòng thử lại sau.",
	"This device sent too many requests. Please retry after the time in Retry-After.")

// windowLimiter allows at most n events per key in any window of length
// per: a sliding log, exact where a token bucket would let a burst of 2n
// through across a window's edge. It keeps n times per key, in memory: a
// restart forgets the counts, which is the safe side for a limit.
type windowLimiter struct {
	n   int
	per time.Duration

	mu   sync.Mutex
	seen map[string][]time.Time // oldest first
}

func newWindowLimiter(n int, per time.Duration) *windowLimiter {
	return &windowLimiter{n: n, per: per, seen: map[string][]time.Time{}}
}

// allow records an event for key at now if the window has room; if not,
// it returns how long until it has.
func (l *windowLimiter) allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if full, wait := l.fullLocked(key, now); full {
		return false, wait
	}
	l.seen[key] = append(l.seen[key], now)
	return true, 0
}

// full reports whether key's window has no room at now, and if so how
// long until it has. It records nothing: with add, it counts only the
// events that deserve it (failed sign-ins, not all of them).
func (l *windowLimiter) full(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fullLocked(key, now)
}

// add records an event for key at now, room or not.
func (l *windowLimiter) add(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fullLocked(key, now) // forget what left the window first
	l.seen[key] = append(l.seen[key], now)
}

// fullLocked drops key's events that left the window at now and reports
// whether n remain, with how long until the oldest leaves.
func (l *windowLimiter) fullLocked(key string, now time.Time) (bool, time.Duration) {
	times := l.seen[key]
	start := now.Add(-l.per)
	drop := 0
	for drop < len(times) && !times[drop].After(start) {
		drop++
	}
	times = times[drop:]
	if len(times) == 0 {
		delete(l.seen, key) // a quiet key costs no memory
	} else {
		l.seen[key] = times
	}
	if len(times) >= l.n {
		return true, times[0].Sub(start)
	}
	return false, 0
}

// limited refuses a device's request with 429 once it is over the limit.
// It runs before the body is read or the database touched, so a flood
// costs the server little; refused requests do not count.
func (s *Server) limited(l *windowLimiter, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.allow(deviceOf(r).ID, s.opts.Now())
		if !ok {
			secs := max(1, int(math.Ceil(wait.Seconds())))
			w.Header().Set(central.HeaderRetryAfter, strconv.Itoa(secs))
			writeError(w, r, errRateLimited)
			return
		}
		next(w, r)
	}
}
