package main

import (
	"context"
	"errors"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/receipt"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/printer"
	"github.com/motcua/kiosk/ui"
)

// draftSaver is where the autosaver saves drafts: the store, or in the
// control build the store with acknowledgements.
type draftSaver interface {
	SaveDraft(d *offline.Draft) error
}

// outboxSubmitter files a dossier the safe way: into the outbox first (it
// survives a power cut from that moment), then it wakes the sync loop and
// waits a little for the central system's answer.
type outboxSubmitter struct {
	store *offline.Store
	saver *offline.Autosaver // nil when forms are not saved as they go
	wake  func()
	poll  time.Duration
}

func (o outboxSubmitter) Submit(ctx context.Context, s ui.Submission) (ui.Receipt, error) {
	if o.saver != nil {
		// A save landing after Submit would bring the draft back from the
		// outbox: settle the saver first, then let the outbox take it.
		_ = o.saver.Flush()
		o.saver.Discard()
	}
	ackSubmitting(s.DraftID)
	item, err := o.store.Submit(&offline.Draft{
		ID:             s.DraftID,
		ProcedureID:    s.ProcedureID,
		CatalogVersion: s.CatalogVersion,
		Applicant: central.Applicant{FullName: s.Applicant.FullName, PersonalID: s.Applicant.PersonalID, Phone: s.Applicant.Phone, Email: s.Applicant.Email,
			Verified: s.Verified},
		BirthDate:   s.Applicant.BirthDate,
		Answers:     s.Answers,
		Attachments: localAttachments(s.Attachments),
		ConsentAt:   s.ConsentAt,
		Assisted:    s.Assisted,
	})
	if err != nil {
		return ui.Receipt{}, err
	}
	ackQueued(item)
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
			return ui.Receipt{Code: it.Code, DueDate: displayDate(it.DueDate), TrackingURL: it.TrackingURL, Fee: it.Fee}, true, nil
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

// drafts saves the citizen's form through the offline Autosaver and
// resumes saved ones from the store.
type drafts struct {
	store  *offline.Store
	saver  *offline.Autosaver
	saving func(id string) // tells which draft the next save results are for
}

func (d drafts) Save(st *ui.DraftState) {
	od := &offline.Draft{ID: st.ID, ProcedureID: st.ProcedureID, CatalogVersion: st.CatalogVersion,
		Answers: st.Answers, ConsentAt: st.ConsentAt, BirthDate: st.BirthDate,
		Applicant: central.Applicant{PersonalID: st.PersonalID}, Attachments: localAttachments(st.Attachments)}
	if od.ID == "" {
		od.ID = offline.NewDraft(st.ProcedureID, st.CatalogVersion).ID
	}
	st.ID = od.ID
	d.saving(od.ID)
	d.saver.Changed(od)
}

func (d drafts) Resume(code, proof string) (ui.DraftState, error) {
	od, err := d.store.ResumeDraft(code, proof)
	if err != nil {
		return ui.DraftState{}, resumeError(err)
	}
	return ui.DraftState{ID: od.ID, ProcedureID: od.ProcedureID, CatalogVersion: od.CatalogVersion,
		Answers: od.Answers, ConsentAt: od.ConsentAt, BirthDate: od.BirthDate, PersonalID: od.Applicant.PersonalID,
		Attachments: uiAttachments(od.Attachments)}, nil
}

// localAttachments are the screen's files as the store keeps them.
func localAttachments(in []ui.Attachment) []offline.LocalAttachment {
	var out []offline.LocalAttachment
	for _, a := range in {
		out = append(out, offline.LocalAttachment{Field: a.FieldID, Name: a.Name, MIME: a.MIME, Data: a.Data, ServerID: a.ServerID})
	}
	return out
}

func uiAttachments(in []offline.LocalAttachment) []ui.Attachment {
	var out []ui.Attachment
	for _, a := range in {
		out = append(out, ui.Attachment{FieldID: a.Field, Name: a.Name, MIME: a.MIME, Data: a.Data, ServerID: a.ServerID})
	}
	return out
}

// resumeError turns the store's refusals into the screen's.
func resumeError(err error) error {
	var locked *offline.LockedError
	var wrong *offline.WrongBirthDateError
	var inv *kiosk.Invalid
	switch {
	case errors.As(err, &inv):
		return err // an unreadable date: its message says how to write it
	case errors.As(err, &locked):
		return &ui.ResumeError{Kind: ui.ResumeLocked, Until: locked.Until}
	case errors.As(err, &wrong):
		return &ui.ResumeError{Kind: ui.ResumeWrongDate, TriesLeft: wrong.TriesLeft}
	case errors.Is(err, offline.ErrResumeCodeInvalid):
		return &ui.ResumeError{Kind: ui.ResumeBadCode}
	case errors.Is(err, offline.ErrResumeNotFound), errors.Is(err, offline.ErrNotFound), errors.Is(err, offline.ErrResumeNoBirthDate):
		return &ui.ResumeError{Kind: ui.ResumeUnknown}
	}
	return err
}

// resumeCodeOf returns the formatted resume code of a saved draft, or ""
// when it has none that works (neither the applicant's birth date nor ID
// number yet).
func resumeCodeOf(store *offline.Store, id string) string {
	infos, err := store.ListDrafts()
	if err != nil {
		return ""
	}
	for _, in := range infos {
		if in.ID == id && in.Resumable {
			return offline.FormatResumeCode(in.ResumeCode)
		}
	}
	return ""
}

// clientFeedback sends ratings to the central system.
type clientFeedback struct{ client *central.Client }

func (c clientFeedback) Rate(ctx context.Context, code string, rating int) error {
	_, err := c.client.SendFeedback(ctx, central.Feedback{DossierCode: code, Rating: rating})
	return err
}

// linkWait is how long one long poll of a link session waits on the
// central system before it answers "no change".
const linkWait = 25 * time.Second

// clientLinker pairs the kiosk with phones through the central system.
type clientLinker struct{ client *central.Client }

func (c clientLinker) Open(ctx context.Context, purpose, procedureID string) (ui.LinkSession, error) {
	s, err := c.client.CreateLinkSession(ctx, central.LinkSessionRequest{Purpose: purpose, ProcedureID: procedureID})
	if err != nil {
		return ui.LinkSession{}, err
	}
	return ui.LinkSession{ID: s.ID, URL: s.URL, ConfirmCode: s.ConfirmCode, ExpiresAt: s.ExpiresAt}, nil
}

func (c clientLinker) Wait(ctx context.Context, id string, since int) (ui.LinkState, error) {
	st, err := c.client.LinkSessionState(ctx, id, linkWait, since)
	if err != nil {
		return ui.LinkState{}, err
	}
	out := ui.LinkState{State: st.State, Version: st.Version}
	if id := st.Identity; id != nil {
		out.Identity = &ui.LinkedIdentity{FullName: id.FullName, PersonalID: id.PersonalID, BirthDate: id.BirthDate, Sex: id.Sex, Address: id.Address}
	}
	for _, a := range st.Attachments {
		out.Files = append(out.Files, ui.LinkedFile{ID: a.ID, FieldID: a.Field, MIME: a.MIME, Size: a.Size})
	}
	return out, nil
}

func (c clientLinker) Close(ctx context.Context, id string) error {
	return c.client.EndLinkSession(ctx, id)
}

func (c clientLinker) Fetch(ctx context.Context, fileID string) ([]byte, string, error) {
	return c.client.Attachment(ctx, fileID)
}

func (c clientLinker) Handoff(ctx context.Context, linkID string, d ui.DraftState) error {
	return c.client.PutLinkDraft(ctx, linkID, central.HandoffDraft{ProcedureID: d.ProcedureID, Answers: d.Answers, ConsentAt: d.ConsentAt})
}

func (c clientLinker) Claim(ctx context.Context, token string) (ui.DraftState, error) {
	d, err := c.client.ClaimHandoff(ctx, token)
	if err != nil {
		return ui.DraftState{}, err
	}
	return ui.DraftState{ProcedureID: d.ProcedureID, Answers: d.Answers, ConsentAt: d.ConsentAt}, nil
}

// clientPayer takes fees through the central system's payment orders.
type clientPayer struct {
	client *central.Client
	payee  string // the counter's unit: the payee when the central system names none
}

func (c clientPayer) Order(ctx context.Context, dossierCode string) (ui.PaymentOrder, error) {
	p, err := c.client.CreatePayment(ctx, central.PaymentRequest{DossierCode: dossierCode})
	if err != nil {
		return ui.PaymentOrder{}, err
	}
	payee := p.Payee // who the VietQR really pays, as the bank app will say
	if payee == "" {
		payee = c.payee
	}
	return ui.PaymentOrder{ID: p.ID, VietQR: p.VietQR, Payee: payee, Amount: p.Amount, ExpiresAt: p.ExpiresAt}, nil
}

func (c clientPayer) State(ctx context.Context, orderID string) (string, error) {
	p, err := c.client.Payment(ctx, orderID)
	return p.State, err
}

// receiptPrinter prints receipts on the configured printer, in the
// kiosk's own font (every Vietnamese letter).
type receiptPrinter struct {
	cfg  printer.Config
	font []byte
}

func (p receiptPrinter) Print(ctx context.Context, r ui.PrintedReceipt) error {
	due, _ := kiosk.ParseDate(r.DueDate) // a receipt without a due date leaves the line out
	return printer.Print(ctx, p.cfg, receipt.Receipt{
		Unit: r.Unit, ProcedureName: r.ProcedureName, DossierCode: r.Code, ApplicantName: r.Applicant,
		ReceivedAt: r.ReceivedAt.Local(), DueDate: due, Fee: r.Fee, Paid: r.Paid, TrackingURL: r.TrackingURL, Lang: r.Lang,
	}, p.font)
}
