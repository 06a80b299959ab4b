package centralsim

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/central"
)

// testServer starts a real server over a fresh bbolt file on a loopback
// listener. mutate adjusts the options before Open.
func testServer(t *testing.T, mutate func(*Options)) (*Server, *httptest.Server) {
	t.Helper()
	opts := Options{
		DataFile:   filepath.Join(t.TempDir(), "central.db"),
		EnrollCode: "1234-5678",
		Seed:       1,
		Now:        func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600)) },
		Log:        zerolog.Nop(),
	}
	if mutate != nil {
		mutate(&opts)
	}
	s, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, hs
}

// TestShutdownAnswersWaitingRequests: a request the server is waiting on
// (injected latency, a long poll) when Shutdown starts gets an answer a
// client can read, at once. An empty 200 made the kiosk stop sending
// after every restart of the server.
func TestShutdownAnswersWaitingRequests(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(t *testing.T) (*Server, *http.Request)
		wantStatus int
		check      func(t *testing.T, h http.Header, body []byte)
	}{
		{"injected latency", func(t *testing.T) (*Server, *http.Request) {
			s, _ := testServer(t, func(o *Options) { o.Latency = time.Hour })
			req, _ := http.NewRequest("GET", "/v1/catalog", nil)
			return s, req
		}, http.StatusServiceUnavailable, func(t *testing.T, h http.Header, body []byte) {
			var e central.ErrorBody
			if json.Unmarshal(body, &e) != nil || e.Error.Code != "unavailable" || h.Get(central.HeaderRetryAfter) == "" {
				t.Errorf("answer %s, Retry-After %q; want the unavailable error and a Retry-After", body, h.Get(central.HeaderRetryAfter))
			}
		}},
		{"long poll", func(t *testing.T) (*Server, *http.Request) {
			s, hs, _, token := linkTestServer(t)
			l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
			req, _ := http.NewRequest("GET", "/v1/link-sessions/"+l.ID+"?wait=25s&since=1", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			return s, req
		}, http.StatusOK, func(t *testing.T, _ http.Header, body []byte) {
			var st central.LinkState
			if json.Unmarshal(body, &st) != nil || st.State != central.LinkPending {
				t.Errorf("answer %s; want the link's state, pending", body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, req := tt.setup(t)
			status, h, body := answerDuringShutdown(t, s, req)
			if status != tt.wantStatus {
				t.Fatalf("%s %s during Shutdown = %d %s; want %d", req.Method, req.URL.Path, status, body, tt.wantStatus)
			}
			tt.check(t, h, body)
		})
	}
}

// answerDuringShutdown serves s with HTTPServer on a loopback listener,
// sends req, shuts the server down once the request is inside it, and
// returns the answer. Shutdown must not wait for the request to time out.
func answerDuringShutdown(t *testing.T, s *Server, req *http.Request) (int, http.Header, []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := s.HTTPServer()
	inside := make(chan struct{})
	next := hs.Handler
	hs.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inside)
		next.ServeHTTP(w, r)
	})
	go func() { _ = hs.Serve(ln) }()

	type answer struct {
		status int
		header http.Header
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	req.URL.Scheme, req.URL.Host = "http", ln.Addr().String()
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, resp.Header, body, err}
	}()
	select {
	case <-inside:
	case <-time.After(5 * time.Second):
		t.Fatal("the request did not reach the server in 5 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown = %v; want the waiting request answered at once", err)
	}
	a := <-answered
	if a.err != nil {
		t.Fatalf("%s %s during Shutdown: %v", req.Method, req.URL.Path, a.err)
	}
	return a.status, a.header, a.body
}
