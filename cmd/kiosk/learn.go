package main

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/selfserve"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/ui"
)

// This file adapts what helps citizens learn to self-serve — the call for
// help, assistant sign-in, the self-service figures — to the central
// client and the store.

// clientHelpDesk calls the digital-tech team through the central system.
type clientHelpDesk struct{ client *central.Client }

func (d clientHelpDesk) Call(ctx context.Context, screen, step string) (ui.HelpTicket, error) {
	t, err := d.client.RequestHelp(ctx, central.HelpRequest{Screen: screen, Step: step})
	return uiTicket(t), err
}

func (d clientHelpDesk) Ticket(ctx context.Context, id string) (ui.HelpTicket, error) {
	t, err := d.client.HelpTicket(ctx, id)
	return uiTicket(t), err
}

func (d clientHelpDesk) Withdraw(ctx context.Context, id string) error {
	return d.client.WithdrawHelp(ctx, id)
}

func uiTicket(t central.HelpTicket) ui.HelpTicket {
	return ui.HelpTicket{ID: t.ID, State: t.State, Position: t.Position}
}

// clientAssistants signs team members in with the central system, which
// keeps the team's list and counts wrong tries per kiosk.
type clientAssistants struct {
	client *central.Client
	log    zerolog.Logger
	now    func() time.Time
}

func (a clientAssistants) SignIn(ctx context.Context, badge, pin string) (string, error) {
	by := "pin"
	if badge != "" {
		by = "badge"
	}
	as, err := a.client.SignInAssistant(ctx, central.AssistantSignIn{Badge: badge, PIN: pin})
	var apiErr *central.APIError
	switch {
	case err == nil:
		// The assistant's ID, never their name, PIN or badge: the audit
		// trail of who guided at this kiosk.
		a.log.Info().Str("assistant", as.ID).Str("by", by).Msg("assistant signed in")
		return as.Name, nil
	case errors.Is(err, central.ErrAssistantUnknown):
		a.log.Warn().Str("by", by).Msg("assistant sign-in refused")
		return "", &ui.PINError{Kind: ui.PINWrong}
	case errors.Is(err, central.ErrAssistantLocked) && errors.As(err, &apiErr):
		a.log.Warn().Dur("retry_after", apiErr.RetryAfter).Msg("assistant sign-in locked")
		return "", &ui.PINError{Kind: ui.PINLocked, Until: a.now().Add(max(apiErr.RetryAfter, time.Minute))}
	}
	return "", err
}

// storeRecorder keeps each session's figures in the store; the sync loop
// sends them aggregated.
type storeRecorder struct {
	store *offline.Store
	log   zerolog.Logger
}

func (r storeRecorder) Record(s selfserve.Session) {
	if err := r.store.RecordSession(s); err != nil {
		r.log.Warn().Err(err).Msg("cannot record the session's figures")
	}
}
