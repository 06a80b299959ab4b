package central_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
)

// TestSignInAssistant signs a team member in against the reference
// server, by PIN and by badge, and walks a kiosk into the lock.
func TestSignInAssistant(t *testing.T) {
	lan, err := centralsim.NewAssistant("Nguyễn Thị Lan", "482913")
	if err != nil {
		t.Fatal(err)
	}
	s := startSim(t, centralsim.Options{Assistants: []centralsim.AssistantAccount{lan}}, false)
	c := enrolled(t, s, simConfig(s))
	ctx := context.Background()
	want := central.Assistant{ID: lan.ID, Name: lan.Name}
	for name, req := range map[string]central.AssistantSignIn{"PIN": {PIN: lan.PIN}, "badge": {Badge: lan.Badge}} {
		if got, err := c.SignInAssistant(ctx, req); err != nil || got != want {
			t.Errorf("SignInAssistant(by %s) = %+v, %v; want %+v", name, got, err, want)
		}
	}

	for i := range 5 {
		_, err := c.SignInAssistant(ctx, central.AssistantSignIn{PIN: "0000"})
		if !errors.Is(err, central.ErrAssistantUnknown) || errors.Is(err, central.ErrUnauthorized) || central.IsTransient(err) {
			t.Fatalf("wrong PIN %d: SignInAssistant() = %v; want ErrAssistantUnknown, not ErrUnauthorized, permanent", i+1, err)
		}
	}
	_, err = c.SignInAssistant(ctx, central.AssistantSignIn{PIN: lan.PIN})
	var apiErr *central.APIError
	if !errors.Is(err, central.ErrAssistantLocked) || !errors.As(err, &apiErr) || apiErr.RetryAfter < 14*time.Minute || apiErr.Message == "" {
		t.Errorf("the right PIN after 5 wrong ones: SignInAssistant() = %v; want ErrAssistantLocked with a Retry-After of about 15 min", err)
	}
	// Each try reached the server once: the lock answer (429, which other
	// calls retry) was not retried either.
	if n := s.count("POST /v1/assistants/sign-in"); n != 2+5+1 {
		t.Errorf("server saw %d sign-ins; want 8 (never retried)", n)
	}
}

// TestSignInAssistantIsNeverRetried: a failure another call would retry
// (503, a dropped connection) is returned after one attempt.
func TestSignInAssistantIsNeverRetried(t *testing.T) {
	for name, fail := range map[string]func(http.ResponseWriter){
		"503 with Retry-After": status(503, "1", "unavailable"),
		"a hang-up":            hangUp,
	} {
		f, url := newFlaky(t, failFirst(9, fail))
		c := newClient(t, fastConfig(url))
		_, err := c.SignInAssistant(context.Background(), central.AssistantSignIn{PIN: "1234"})
		if err == nil || f.count() != 1 {
			t.Errorf("%s: SignInAssistant() = %v after %d attempts; want an error after 1", name, err, f.count())
		}
		f.mu.Lock()
		if f.keys[0] != "" {
			t.Errorf("%s: SignInAssistant sent Idempotency-Key %q; want none (it creates nothing)", name, f.keys[0])
		}
		f.mu.Unlock()
	}
}

func TestAssistantErrorsAreTheirOwn(t *testing.T) {
	unknown := &central.APIError{Status: 401, Code: central.CodeAssistantUnknown}
	locked := &central.APIError{Status: 429, Code: central.CodeAssistantLocked, RetryAfter: time.Minute}
	tests := []struct {
		err                          error
		unauthorized, unknown, locks bool
	}{
		{unknown, false, true, false},
		{locked, false, false, true},
		{&central.APIError{Status: 401, Code: "unauthorized"}, true, false, false},
		{&central.APIError{Status: 429, Code: "rate_limited"}, false, false, false},
	}
	for _, tt := range tests {
		if errors.Is(tt.err, central.ErrUnauthorized) != tt.unauthorized ||
			errors.Is(tt.err, central.ErrAssistantUnknown) != tt.unknown ||
			errors.Is(tt.err, central.ErrAssistantLocked) != tt.locks {
			t.Errorf("%v: Is(ErrUnauthorized, ErrAssistantUnknown, ErrAssistantLocked) = %v, %v, %v; want %v, %v, %v", tt.err,
				errors.Is(tt.err, central.ErrUnauthorized), errors.Is(tt.err, central.ErrAssistantUnknown), errors.Is(tt.err, central.ErrAssistantLocked),
				tt.unauthorized, tt.unknown, tt.locks)
		}
	}
}
