// Package kiosk is the domain of the one-stop-shop kiosk: the procedure
// catalog and its form schemas, field validation, and search. It is pure Go:
// no Fyne, no HTTP, no database, so it tests in milliseconds and is shared
// by the kiosk and the reference central server.
package kiosk

import "cmp"

// Lang is a language the kiosk speaks. Vietnamese comes first.
type Lang string

const (
	VI Lang = "vi"
	EN Lang = "en"
)

// Text is one piece of text in both kiosk languages.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// In returns the text in lang, falling back to Vietnamese.
func (t Text) In(lang Lang) string {
	if lang == EN && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// IsZero reports whether neither language has any text.
func (t Text) IsZero() bool { return t.VI == "" && t.EN == "" }

// Catalog is the list of procedures a kiosk offers, with the sectors and
// administrative levels they refer to. Levels are data, not constants:
// since July 2025 most provinces run two levels (province and commune) and
// some still have districts.
type Catalog struct {
	Version    string      `json:"version"`
	Sectors    []Sector    `json:"sectors"`
	Levels     []Level     `json:"levels"`
	Procedures []Procedure `json:"procedures"`
}

// Sector is a field of administration (lĩnh vực), such as civil status.
type Sector struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
}

// Level is an administrative level that handles procedures (cấp tỉnh, cấp xã…).
type Level struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
}

// Procedure is one administrative procedure (thủ tục hành chính).
type Procedure struct {
	// ID is the kiosk's stable short identifier, used in URLs and drafts.
	ID string `json:"id"`
	// Code is the national procedure code from the national public-service
	// database, e.g. "1.001193".
	Code     string         `json:"code"`
	Name     Text           `json:"name"`
	Summary  Text           `json:"summary"`
	Who      Text           `json:"who"` // who may use it, in plain words
	Sector   string         `json:"sector"`
	Level    string         `json:"level"`
	Agency   Text           `json:"agency"` // the handling agency
	Time     ProcessingTime `json:"processing_time"`
	Fee      FeeRule        `json:"fee"`
	Docs     []Document     `json:"documents"`
	Form     []Field        `json:"form"`
	Keywords []string       `json:"keywords,omitempty"` // extra search words, e.g. everyday names
}

// ProcessingTime is the legal time to handle a dossier: a number of working
// days, or within the day of receipt (trong ngày).
type ProcessingTime struct {
	WorkingDays int  `json:"working_days,omitempty"`
	SameDay     bool `json:"same_day,omitempty"`
}

// FeeKind says how a procedure's fee is computed.
type FeeKind string

const (
	FeeFree    FeeKind = "free"
	FeeFixed   FeeKind = "fixed"
	FeePerCopy FeeKind = "per_copy"
	FeePerPage FeeKind = "per_page"
)

// FeeRule is a procedure's fee (lệ phí / phí) in đồng.
type FeeRule struct {
	Kind FeeKind `json:"kind"`
	// Amount is the whole fee for FeeFixed, or the price of one copy or page.
	Amount int64 `json:"amount,omitempty"`
	// Max caps a per-copy or per-page fee, 0 for no cap.
	Max  int64 `json:"max,omitempty"`
	Note Text  `json:"note,omitzero"`
	// A per-page or per-copy price may drop after the first units: from
	// unit ReducedFrom on (counting from 1) each one costs ReducedAmount
	// instead of Amount. Chứng thực bản sao: 2.000 đ a page, 1.000 đ from
	// page 3, at most 200.000 đ a copy. Zero means no reduction.
	ReducedFrom   int   `json:"reduced_from,omitempty"`
	ReducedAmount int64 `json:"reduced_amount,omitempty"`
	// OnlineDiscountPercent takes this share, 1 to 100, off the fee of a
	// dossier filed online (Channel.Online), rounded down to the đồng in
	// the citizen's favour. Many provinces charge half for online filing.
	OnlineDiscountPercent int `json:"online_discount_percent,omitempty"`
	// OnlineAmount is a fixed fee's amount for a dossier filed online,
	// where the law sets one that is no round percentage: lệ phí tạm trú
	// is 15.000 đ, and 7.000 đ online (Thông tư 75/2022/TT-BTC). At most
	// one of OnlineDiscountPercent and OnlineAmount is set.
	OnlineAmount int64 `json:"online_amount,omitempty"`
	// Exempt lists the answers that waive the whole fee, such as a poor
	// household's; the first that matches applies, on any channel.
	Exempt []FeeExemption `json:"exempt,omitempty"`
}

// FeeExemption waives a fee when the form's select or yes/no question
// Field has one of Values as its answer:
//
//	{"field": "fee_group", "values": ["ho_ngheo"],
//	 "reason": {"vi": "Miễn lệ phí: hộ nghèo", "en": "Exempt: poor household"}}
type FeeExemption struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
	Reason Text     `json:"reason"` // shown with the fee: "Miễn lệ phí: hộ nghèo"
}

// Document is a paper the citizen must bring or attach.
type Document struct {
	Name     Text `json:"name"`
	Original bool `json:"original,omitempty"` // the original (bản chính), not a copy
	Optional bool `json:"optional,omitempty"` // only in some cases, said in Note
	Note     Text `json:"note,omitzero"`
}

// FieldKind is the type of a form field; each kind has its own validator.
type FieldKind string

const (
	KindText       FieldKind = "text"
	KindPersonName FieldKind = "person_name"
	KindPersonalID FieldKind = "personal_id" // số định danh cá nhân, 12 digits
	KindPhone      FieldKind = "phone"
	KindEmail      FieldKind = "email"
	KindDate       FieldKind = "date" // dd/mm/yyyy
	KindSelect     FieldKind = "select"
	KindAddress    FieldKind = "address"
	KindNumber     FieldKind = "number"
	KindYesNo      FieldKind = "yes_no"
	KindAttachment FieldKind = "attachment"
)

// Role marks what a field means to the checks that compare fields: a
// person's ID number, birth date and sex must agree.
type Role string

const (
	RoleBirthDate Role = "birth_date" // a date of birth: never in the future
	RoleSex       Role = "sex"        // a select with the values SexMale and SexFemale
)

// Values of a RoleSex select.
const (
	SexMale   = "nam"
	SexFemale = "nu"
)

// Field is one question of a procedure's form.
type Field struct {
	ID       string    `json:"id"`
	Kind     FieldKind `json:"kind"`
	Label    Text      `json:"label"`
	Help     Text      `json:"help,omitzero"`
	Required bool      `json:"required,omitempty"`
	// MaxLen caps the answer in characters; 0 means the kind's default.
	MaxLen  int      `json:"max_len,omitempty"`
	Options []Option `json:"options,omitempty"` // for KindSelect
	Role    Role     `json:"role,omitempty"`
	// Person groups the fields of one person (the applicant, the child, the
	// husband…) so that an ID number is checked against the same person's
	// birth date and sex.
	Person string `json:"person,omitempty"`
}

// Option is one choice of a select field.
type Option struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
}

// PersonApplicant is the person of a form who files the dossier, when the
// form names them apart from the people it is about (khai sinh: the child,
// the mother, the father, and the applicant who comes to the counter).
const PersonApplicant = "applicant"

// ApplicantPerson is the form's person who files the dossier:
// "applicant" when the form has one; else the first person whose ID
// number the form requires — the resident on a residence registration,
// the guardian (not the ward) on a guardianship, the mother (not the baby)
// on a child's health card, as the central system needs the filer's ID
// number; else the person of the first name question. It is "" for a form
// about no person: then the dossier has no named applicant.
func (p *Procedure) ApplicantPerson() string {
	named, identified := "", ""
	for _, f := range p.Form {
		switch {
		case f.Person == PersonApplicant:
			return PersonApplicant
		case identified == "" && f.Kind == KindPersonalID && f.Required:
			identified = f.Person
		case named == "" && f.Kind == KindPersonName:
			named = f.Person
		}
	}
	return cmp.Or(identified, named)
}

// ApplicantIDField is the question asking the applicant's ID number, ""
// when the form has none (then no card or identity can fill the
// applicant in).
func (p *Procedure) ApplicantIDField() string {
	who := p.ApplicantPerson()
	for _, f := range p.Form {
		if who != "" && f.Person == who && f.Kind == KindPersonalID {
			return f.ID
		}
	}
	return ""
}
