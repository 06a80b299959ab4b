package main

import (
	"context"
	"errors"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/ui"
)

// outboxSubmitter files a dossier the safe way: into the outbox first (it
// survives a power cut from that moment), then it wakes the sync loop and
// waits a little for the central system's answer.
type outboxSubmitter struct {
	store *offline.Store
	wake  func()
	poll  time.Duration
}

func (o outboxSubmitter) Submit(ctx context.Context, s ui.Submission) (ui.Receipt, error) {
	item, err := o.store.Submit(&offline.Draft{
		ProcedureID:    s.ProcedureID,
		CatalogVersion: s.CatalogVersion,
		Applicant:      central.Applicant{FullName: s.Applicant.FullName, PersonalID: s.Applicant.PersonalID, Phone: s.Applicant.Phone, Email: s.Applicant.Email},
		BirthDate:      s.Applicant.BirthDate,
		Answers:        s.Answers,
		ConsentAt:      s.ConsentAt,
	})
	if err != nil {
		return ui.Receipt{}, err
	}
	o.wake()
	t := time.NewTicker(o.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ui.Receipt{}, nil // queued: the sync loop sends it when it can
		case <-t.C:
		}
		if r, settled, err := o.settled(item.Seq); settled || err != nil {
			return r, err
		}
	}
}

// settled reads the item's state: accepted gives the receipt, rejected
// gives the central system's messages and takes the dossier back as a
// draft, so nothing is lost if the citizen walks away.
func (o outboxSubmitter) settled(seq uint64) (ui.Receipt, bool, error) {
	items, err := o.store.Outbox()
	if err != nil {
		return ui.Receipt{}, false, err
	}
	for _, it := range items {
		if it.Seq != seq {
			continue
		}
		switch it.State {
		case offline.Accepted:
			return ui.Receipt{Code: it.Code, DueDate: displayDate(it.DueDate), TrackingURL: it.TrackingURL}, true, nil
		case offline.Rejected:
			if _, err := o.store.ReturnRejected(seq); err != nil {
				return ui.Receipt{}, true, err
			}
			return ui.Receipt{Problems: it.Problems}, true, nil
		}
	}
	return ui.Receipt{}, false, nil
}

// displayDate turns the contract's yyyy-mm-dd into dd/mm/yyyy.
func displayDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return kiosk.FormatDate(t)
}

// clientTracker looks dossiers up in the central system.
type clientTracker struct{ client *central.Client }

func (c clientTracker) Track(ctx context.Context, code string) (ui.TrackedDossier, error) {
	d, err := c.client.Dossier(ctx, code)
	if errors.Is(err, central.ErrNotFound) {
		return ui.TrackedDossier{}, ui.ErrUnknownDossier
	}
	if err != nil {
		return ui.TrackedDossier{}, err
	}
	out := ui.TrackedDossier{Code: d.Code, ProcedureID: d.ProcedureID, Status: d.Status, ReceivedAt: d.ReceivedAt, DueDate: displayDate(d.DueDate)}
	for _, e := range d.Timeline {
		out.Timeline = append(out.Timeline, ui.TrackStep{Status: e.Status, At: e.At})
	}
	return out, nil
}
