package central_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
)

// TestHandoffQRReadsBackAtTheKiosk: what the phone shows is what the
// kiosk's scanner reader takes for a hand-back, token intact.
func TestHandoffQRReadsBackAtTheKiosk(t *testing.T) {
	const token = "3f9a0c1e7b2d4a589b1f6c2e8a4d0b7f"
	got, err := kiosk.ClassifyScan(central.HandoffQR(token) + "\r\n")
	if err != nil || got.Kind != kiosk.ScanHandoff || got.Code != token {
		t.Errorf("ClassifyScan(HandoffQR(%q)) = %+v, %v; want the token back", token, got, err)
	}
}

func ExampleHandoffQR() {
	fmt.Println(central.HandoffQR("3f9a0c1e7b2d4a589b1f6c2e8a4d0b7f"))
	// Output: MCK1:HANDOFF:3f9a0c1e7b2d4a589b1f6c2e8a4d0b7f
}

// TestHandoffCalls puts a draft and claims tokens through the Client; the
// phone's part of the round trip is tested in centralsim.
func TestHandoffCalls(t *testing.T) {
	s := startSim(t, centralsim.Options{}, false)
	c := enrolled(t, s, simConfig(s))
	ctx := context.Background()
	draft := central.HandoffDraft{
		ProcedureID: "xac-nhan-tinh-trang-hon-nhan",
		Answers:     map[string]string{"applicant_name": "Nguyễn Thị Lan", "applicant_phone": "0912 345"},
		ConsentAt:   time.Now().UTC(),
	}
	ls, err := c.CreateLinkSession(ctx, central.LinkSessionRequest{Purpose: central.PurposeHandoff, ProcedureID: draft.ProcedureID})
	if err != nil {
		t.Fatalf("CreateLinkSession(handoff) = %v", err)
	}
	for range 2 { // a PUT replaces: twice is fine
		if err := c.PutLinkDraft(ctx, ls.ID, draft); err != nil {
			t.Fatalf("PutLinkDraft() = %v", err)
		}
	}
	if st, err := c.LinkSessionState(ctx, ls.ID, 0, 0); err != nil || st.DraftID == "" {
		t.Errorf("LinkSessionState() after PutLinkDraft = %+v, %v; want a draft id", st, err)
	}
	login, err := c.CreateLinkSession(ctx, central.LinkSessionRequest{Purpose: central.PurposeLogin})
	if err != nil {
		t.Fatal(err)
	}
	var apiErr *central.APIError
	if err := c.PutLinkDraft(ctx, login.ID, draft); !errors.As(err, &apiErr) || apiErr.Status != http.StatusConflict || central.IsTransient(err) {
		t.Errorf("PutLinkDraft(a login session) = %v; want a permanent 409", err)
	}
	if err := c.EndLinkSession(ctx, ls.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.PutLinkDraft(ctx, ls.ID, draft); !errors.As(err, &apiErr) || apiErr.Status != http.StatusGone {
		t.Errorf("PutLinkDraft(an ended session) = %v; want 410", err)
	}
	if _, err := c.ClaimHandoff(ctx, "3f9a0c1e7b2d4a589b1f6c2e8a4d0b7f"); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("ClaimHandoff(an unknown token) = %v; want ErrNotFound", err)
	}
	var verr *central.ValidationError
	if _, err := c.ClaimHandoff(ctx, "not a token"); !errors.As(err, &verr) {
		t.Errorf("ClaimHandoff(a malformed token) = %v; want a ValidationError", err)
	}
	if n := s.count("POST /v1/handoffs/claim"); n != 2 {
		t.Errorf("the server saw %d claims; want 2 (never retried)", n)
	}
}
