package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// ScanRefusal is why a file from the scanner was not taken.
type ScanRefusal string

const (
	ScanTooLarge    ScanRefusal = "too_large"    // over the central system's upload limit
	ScanNotDocument ScanRefusal = "not_document" // not a JPEG, PNG or PDF, whatever its name
	ScanUnreadable  ScanRefusal = "unreadable"   // the file could not be read
)

// thumbSize is the longest side of a file's picture on the papers step.
const thumbSize = 160

// papers is the attachments step: a box per attachment question with its
// file (a picture, its kind and size, a button to remove it) or the way to
// add one, then the papers the counter will ask to see.
func (s *wizardScreen) papers() fyne.CanvasObject {
	tr, lang := s.k.tr, s.k.tr.lang
	title := heading(tr.T("wizard.papers"))
	rows := []fyne.CanvasObject{title}
	if s.k.scanProblem != "" {
		p := widget.NewLabel(s.k.scanProblem)
		p.Importance, p.Wrapping = widget.DangerImportance, fyne.TextWrapWord
		rows = append(rows, p)
	}
	for _, f := range s.j.AttachmentFields() {
		rows = append(rows, s.k.point(s.attachmentBox(f), "assist.hint.paper"), widget.NewSeparator())
	}
	bring := wrapped(tr.T("wizard.papers.hint"))
	rows = append(rows, bring)
	for i, d := range s.j.Procedure().Docs {
		l := wrapped(fmt.Sprintf("%d. %s", i+1, d.Name.In(lang)))
		rows = append(rows, l)
	}
	next := &widget.Button{Text: tr.T("wizard.next"), Icon: theme.NavigateNextIcon(), Importance: widget.HighImportance,
		OnTapped: func() { s.submit("") }}
	bottom := container.NewVBox(s.problem, s.k.point(next, "assist.hint.papers.next"))
	// The phone's QR stands beside the papers, so each photo is seen
	// arriving under its paper while the QR stays in view.
	var phone fyne.CanvasObject
	if l := s.k.openLink(LinkUpload, s.j.Procedure().ID, s.k.onUploadState); l != nil {
		phone = container.NewPadded(l.column(tr.T("papers.phone")))
	}
	return container.NewBorder(nil, container.NewPadded(bottom), nil, phone, NewTouchScroll(container.NewPadded(container.NewVBox(rows...))))
}

// attachmentBox is one attachment question: its label and help, then its
// file or "not attached yet", and the buttons that change it.
func (s *wizardScreen) attachmentBox(f *kiosk.Field) fyne.CanvasObject {
	k, tr, lang := s.k, s.k.tr, s.k.tr.lang
	label := widget.NewLabelWithStyle(f.Label.In(lang), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	label.Wrapping = fyne.TextWrapWord
	parts := []fyne.CanvasObject{label}
	if help := f.Help.In(lang); help != "" {
		h := wrapped(help)
		parts = append(parts, h)
	}
	var buttons []fyne.CanvasObject
	if a, ok := k.attachments[f.ID]; ok {
		info := widget.NewLabel(tr.T("papers.file", "kind", tr.T(fileKindKey(a.MIME)), "size", formatSize(len(a.Data), lang)))
		parts = append(parts, container.NewHBox(k.thumbnailOf(f.ID, a), info))
		id := f.ID
		buttons = append(buttons, &widget.Button{Text: tr.T("papers.remove"), Icon: theme.DeleteIcon(),
			OnTapped: func() { k.removeAttachment(id) }})
	} else {
		parts = append(parts, widget.NewLabel(tr.T("papers.none")))
	}
	if k.practice {
		buttons = append(buttons, k.samplePaperButton(f))
	}
	if k.opts.Scanner {
		buttons = append(buttons, s.scanButton(f))
		if k.scanFor == f.ID {
			wait := widget.NewLabel(tr.T("papers.scan.waiting"))
			wait.Wrapping, wait.Importance = fyne.TextWrapWord, widget.HighImportance
			parts = append(parts, wait)
		}
	}
	if len(buttons) > 0 {
		parts = append(parts, container.NewHBox(buttons...))
	}
	return container.NewVBox(parts...)
}

// scanButton makes the next scanned page answer f; the button of the
// question waiting for a page is marked.
func (s *wizardScreen) scanButton(f *kiosk.Field) fyne.CanvasObject {
	k, id := s.k, f.ID
	b := &widget.Button{Text: k.tr.T("papers.scan"), Icon: theme.DocumentCreateIcon(), OnTapped: func() {
		k.scanFor, k.scanProblem = id, ""
		k.show()
	}}
	if k.scanFor == id {
		b.Importance = widget.HighImportance
	}
	return b
}

// AddScan takes a file from the document scanner. It answers the question
// the citizen chose with "Quét giấy này", or else the first one still
// without a file. A page that arrives while no citizen is on the papers
// step is not taken (it returns false): it would otherwise join the next
// citizen's dossier. Call it on the UI goroutine.
func (k *Kiosk) AddScan(name, mime string, data []byte) bool {
	if k.screen != screenWizard || k.journey == nil || k.journey.Current().Kind != kiosk.StepAttachments {
		return false
	}
	target := k.scanFor
	if target == "" {
		target = k.firstWithoutFile()
	}
	if target == "" {
		k.scanProblem = k.tr.T("papers.scan.which")
		k.show()
		return false
	}
	k.attach(Attachment{FieldID: target, Name: name, MIME: mime, Data: data})
	return true
}

// onUploadState brings each file the phone sent to the form, under the
// question it was sent for (or the first still without a file). A file
// the citizen removed at the kiosk is not brought back by the next
// change of the link.
func (k *Kiosk) onUploadState(st LinkState) {
	j := k.journey
	if j == nil {
		return
	}
	for _, f := range st.Files {
		if k.phoneSeen[f.ID] {
			continue
		}
		if k.phoneSeen == nil {
			k.phoneSeen = map[string]bool{}
		}
		k.phoneSeen[f.ID] = true
		k.fetchPhoneFile(j, f)
	}
}

// fetchPhoneFile downloads a phone's file off the UI goroutine and
// attaches it, if the same citizen is still there.
func (k *Kiosk) fetchPhoneFile(j *kiosk.Journey, f LinkedFile) {
	linker := k.opts.Linker
	k.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		data, mime, err := linker.Fetch(ctx, f.ID)
		return func() {
			if k.journey != j {
				clear(data)
				return
			}
			if err != nil {
				k.scanProblem = k.tr.T("papers.problem.phone")
				k.show()
				return
			}
			field := f.FieldID
			if !j.IsAttachment(field) {
				field = k.firstWithoutFile()
			}
			if field == "" {
				k.scanProblem = k.tr.T("papers.scan.which")
				k.show()
				return
			}
			k.attach(Attachment{FieldID: field, Name: f.ID, MIME: mime, Data: data, ServerID: f.ID})
		}
	})
}

// ScanProblem tells the citizen on the papers step why their scan was not
// taken. Call it on the UI goroutine.
func (k *Kiosk) ScanProblem(name string, why ScanRefusal) {
	if k.screen != screenWizard || k.journey == nil || k.journey.Current().Kind != kiosk.StepAttachments {
		return
	}
	k.scanProblem = k.tr.T("papers.problem."+string(why), "name", name)
	k.show()
}

func (k *Kiosk) firstWithoutFile() string {
	for _, f := range k.journey.AttachmentFields() {
		if _, ok := k.attachments[f.ID]; !ok {
			return f.ID
		}
	}
	return ""
}

// attach makes a its question's file. Its picture is made off the UI
// goroutine (a phone photo is 12 megapixels); the file joins the form
// when the picture is ready, if the same citizen is still there.
func (k *Kiosk) attach(a Attachment) {
	j := k.journey
	k.background(func() func() {
		thumb := thumbnail(a.MIME, a.Data)
		return func() {
			if k.journey != j {
				clear(a.Data) // the session it was for has ended
				return
			}
			if k.attachments == nil {
				k.attachments, k.thumbs = map[string]Attachment{}, map[string]image.Image{}
			}
			if old, ok := k.attachments[a.FieldID]; ok {
				clear(old.Data)
			}
			k.attachments[a.FieldID], k.thumbs[a.FieldID] = a, thumb
			j.SetAttachment(a.FieldID, attachmentRef(a))
			k.scanFor, k.scanProblem = "", ""
			k.saveDraft()
			if k.screen == screenWizard && j.Current().Kind == kiosk.StepAttachments {
				k.show()
			}
		}
	})
}

// restoreAttachments brings back a resumed draft's files.
func (k *Kiosk) restoreAttachments(list []Attachment) {
	for _, a := range list {
		k.attach(a)
	}
}

func (k *Kiosk) removeAttachment(fieldID string) {
	if a, ok := k.attachments[fieldID]; ok {
		clear(a.Data)
	}
	delete(k.attachments, fieldID)
	delete(k.thumbs, fieldID)
	k.journey.SetAttachment(fieldID, "")
	k.saveDraft()
	k.show()
}

// attachmentList is the form's files in form order, each a copy: what is
// handed to Drafts and the Submitter outlives the session, whose own
// copies are wiped when it ends.
func (k *Kiosk) attachmentList() []Attachment {
	if k.journey == nil {
		return nil
	}
	var out []Attachment
	for _, f := range k.journey.AttachmentFields() {
		if a, ok := k.attachments[f.ID]; ok {
			a.Data = bytes.Clone(a.Data)
			out = append(out, a)
		}
	}
	return out
}

// wipeAttachments zeroes the session's files before it is dropped, so the
// pictures of a citizen's papers do not wait in memory for the collector.
func (k *Kiosk) wipeAttachments() {
	for _, a := range k.attachments {
		clear(a.Data)
	}
}

// attachmentRef is the answer to an attachment question: the file's ID on
// the central system, or for a file not uploaded yet a reference made from
// its content (the outbox swaps in the server's ID when it uploads it).
func attachmentRef(a Attachment) string {
	if a.ServerID != "" {
		return a.ServerID
	}
	sum := sha256.Sum256(a.Data)
	return "scan:" + hex.EncodeToString(sum[:8])
}

// thumbnailOf is the picture of a question's file: the photo or scan made
// small, or a document sign for a PDF.
func (k *Kiosk) thumbnailOf(fieldID string, a Attachment) fyne.CanvasObject {
	var img *canvas.Image
	if t := k.thumbs[fieldID]; t != nil {
		img = canvas.NewImageFromImage(t)
	} else {
		img = canvas.NewImageFromResource(theme.FileIcon())
	}
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(thumbSize))
	return img
}

func fileKindKey(mime string) string {
	if strings.HasPrefix(mime, "image/") {
		return "papers.kind.image"
	}
	return "papers.kind.pdf"
}

// formatSize says a file's size the way people read it: "245 KB", "1,2 MB"
// (a decimal comma in Vietnamese).
func formatSize(n int, lang kiosk.Lang) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	mb := fmt.Sprintf("%.1f MB", float64(n)/1e6)
	if lang == kiosk.VI {
		mb = strings.Replace(mb, ".", ",", 1)
	}
	return mb
}
