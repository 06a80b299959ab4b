package kiosk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ParseCatalog decodes a catalog from JSON and validates it.
//
// Unknown JSON fields are an error rather than silently dropped: a field the
// kiosk does not know is usually a typo in a hand-edited catalog ("requried"),
// and a silently ignored "required" would let citizens skip a question the
// agency needs. A central server that adds fields must raise the catalog
// version in step with the kiosks; until then a kiosk keeps its last good
// catalog.
func ParseCatalog(data []byte) (*Catalog, error) {
	// encoding/json turns bytes that are not UTF-8 into U+FFFD without a
	// word: a catalog exported in a legacy encoding (TCVN3, VNI,
	// Windows-1258) would show citizens "Th� t�c" on every screen.
	if !utf8.Valid(data) {
		return nil, errors.New("catalog: not UTF-8 (exported in a legacy encoding?)")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	// A second value after the catalog means a truncated or concatenated
	// file; taking the first half would hide the damage.
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("catalog: unexpected data after the catalog")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// CatalogError is one problem in a catalog. Validate joins all of them
// (errors.Join), so a catalog author fixes every mistake in one round; use
// errors.As to pick them out.
type CatalogError struct {
	Procedure string // the procedure's id, "" for a problem outside procedures
	Field     string // the form field's id, "" if the problem is not in a field
	Where     string // anything more precise: `document 2`, `option "nam"`, `sector "ho-tich"`
	Problem   string
}

func (e *CatalogError) Error() string {
	var b strings.Builder
	b.WriteString("catalog: ")
	if e.Procedure != "" {
		fmt.Fprintf(&b, "procedure %q: ", e.Procedure)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	if e.Where != "" {
		b.WriteString(e.Where)
		b.WriteString(": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// Validate reports everything wrong with the catalog, or nil. It checks what
// the rest of the kiosk relies on without checking again: references resolve,
// ids are unique, every text exists in both languages, selects have choices,
// the fields that identify a person can be compared with each other, and fees
// and processing times can be shown and computed.
func (c *Catalog) Validate() error {
	v := &catalogCheck{c: c}
	v.catalog()
	return errors.Join(v.errs...)
}

// Procedure returns the procedure with the given id. The pointer points into
// the catalog, so callers must not modify it.
func (c *Catalog) Procedure(id string) (*Procedure, bool) {
	for i := range c.Procedures {
		if c.Procedures[i].ID == id {
			return &c.Procedures[i], true
		}
	}
	return nil, false
}

// Sector returns the sector with the given id.
func (c *Catalog) Sector(id string) (Sector, bool) {
	for _, s := range c.Sectors {
		if s.ID == id {
			return s, true
		}
	}
	return Sector{}, false
}

// Level returns the administrative level with the given id.
func (c *Catalog) Level(id string) (Level, bool) {
	for _, l := range c.Levels {
		if l.ID == id {
			return l, true
		}
	}
	return Level{}, false
}

// SectorGroup is one sector with its procedures, as the home screen shows them.
type SectorGroup struct {
	Sector     Sector
	Procedures []*Procedure
}

// BySector groups the procedures by sector, in the order the catalog declares
// the sectors (the central office orders them by how often people need them)
// and, within a sector, in catalog order. Sectors without procedures are left
// out so the kiosk never shows an empty tile.
func (c *Catalog) BySector() []SectorGroup {
	index := make(map[string]int, len(c.Sectors))
	groups := make([]SectorGroup, len(c.Sectors))
	for i, s := range c.Sectors {
		index[s.ID] = i
		groups[i].Sector = s
	}
	for i := range c.Procedures {
		p := &c.Procedures[i]
		if g, ok := index[p.Sector]; ok {
			groups[g].Procedures = append(groups[g].Procedures, p)
		}
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g.Procedures) > 0 {
			out = append(out, g)
		}
	}
	return out
}

var (
	// Procedure, sector and level ids appear in URLs and draft keys.
	catalogSlugID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// Field and person ids are keys of the dossier JSON sent to the agency.
	catalogKeyID = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// catalogCheck walks a catalog and collects its problems.
type catalogCheck struct {
	c    *Catalog
	errs []error
}

// at says where the problems reported through it are.
type catalogAt struct {
	v                       *catalogCheck
	procedure, field, where string
}

func (a catalogAt) add(format string, args ...any) {
	a.v.errs = append(a.v.errs, &CatalogError{
		Procedure: a.procedure,
		Field:     a.field,
		Where:     a.where,
		Problem:   fmt.Sprintf(format, args...),
	})
}

// in returns a location more precise than a.
func (a catalogAt) in(format string, args ...any) catalogAt {
	where := fmt.Sprintf(format, args...)
	if a.where != "" {
		where = a.where + ": " + where
	}
	a.where = where
	return a
}

func (v *catalogCheck) catalog() {
	top := catalogAt{v: v}
	if strings.TrimSpace(v.c.Version) == "" {
		top.add("version is missing")
	}
	v.namedList("sector", len(v.c.Sectors), func(i int) (string, Text) { return v.c.Sectors[i].ID, v.c.Sectors[i].Name })
	v.namedList("level", len(v.c.Levels), func(i int) (string, Text) { return v.c.Levels[i].ID, v.c.Levels[i].Name })
	if len(v.c.Procedures) == 0 {
		top.add("no procedures")
	}
	seen := make(map[string]bool, len(v.c.Procedures))
	for i := range v.c.Procedures {
		p := &v.c.Procedures[i]
		at := catalogAt{v: v, procedure: p.ID}
		if p.ID == "" {
			at = top.in("procedure %d", i+1)
		}
		v.procedure(at, p, seen)
	}
}

// namedList checks sectors or levels: both are an id and a name.
func (v *catalogCheck) namedList(kind string, n int, item func(int) (string, Text)) {
	top := catalogAt{v: v}
	if n == 0 {
		top.add("no %ss", kind)
	}
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		id, name := item(i)
		at := top.in("%s %q", kind, id)
		if !catalogSlugID.MatchString(id) {
			at = top.in("%s %d", kind, i+1)
			at.add("id %q is not lower-case ASCII words joined by hyphens", id)
		}
		if seen[id] {
			at.add("duplicate id")
		}
		seen[id] = true
		v.text(at.in("name"), name, true)
	}
}

func (v *catalogCheck) procedure(at catalogAt, p *Procedure, seen map[string]bool) {
	switch {
	case !catalogSlugID.MatchString(p.ID):
		at.add("id %q is not lower-case ASCII words joined by hyphens", p.ID)
	case seen[p.ID]:
		at.add("duplicate procedure id")
	}
	seen[p.ID] = true
	if strings.TrimSpace(p.Code) == "" {
		at.add("code is missing")
	}
	v.text(at.in("name"), p.Name, true)
	v.text(at.in("summary"), p.Summary, true)
	v.text(at.in("who"), p.Who, true)
	v.text(at.in("agency"), p.Agency, true)
	if _, ok := v.c.Sector(p.Sector); !ok {
		at.add("unknown sector %q", p.Sector)
	}
	if _, ok := v.c.Level(p.Level); !ok {
		at.add("unknown level %q", p.Level)
	}
	v.processingTime(at.in("processing_time"), p.Time)
	v.fee(at.in("fee"), p.Fee, p.Form)
	v.documents(at, p.Docs)
	v.form(at, p.Form)
	v.keywords(at, p.Keywords)
}

// processingTime needs exactly one of the two forms: the due date printed on
// the receipt is computed from it.
func (v *catalogCheck) processingTime(at catalogAt, t ProcessingTime) {
	switch {
	case t.WorkingDays < 0:
		at.add("working_days %d is negative", t.WorkingDays)
	case t.WorkingDays > 0 && t.SameDay:
		at.add("both same_day and working_days %d are set", t.WorkingDays)
	case t.WorkingDays == 0 && !t.SameDay:
		at.add("neither working_days nor same_day is set")
	}
}

// maxFeeAmount bounds every amount of a fee rule: far above any lệ phí,
// and low enough that MaxFeeUnits pages of MaxFeeUnits copies cannot
// overflow a quote.
const maxFeeAmount = 1_000_000_000

// fee checks that the amount matches the kind, so the kiosk never shows
// "free" with a price or asks for 0 đ through VietQR, and that its
// discounts and exemptions can be applied.
func (v *catalogCheck) fee(at catalogAt, f FeeRule, form []Field) {
	switch f.Kind {
	case FeeFree:
		if f.Amount != 0 || f.Max != 0 {
			at.add("a free fee has amount %d and max %d; want 0", f.Amount, f.Max)
		}
	case FeeFixed:
		if f.Amount <= 0 {
			at.add("a fixed fee needs an amount above 0, got %d", f.Amount)
		}
		if f.Max != 0 {
			at.add("a fixed fee cannot have a max")
		}
	case FeePerCopy, FeePerPage:
		if f.Amount <= 0 {
			at.add("a %s fee needs an amount above 0, got %d", f.Kind, f.Amount)
		}
		if f.Max != 0 && f.Max < f.Amount {
			at.add("max %d is below the amount %d", f.Max, f.Amount)
		}
	default:
		at.add("unknown fee kind %q", f.Kind)
	}
	for _, a := range []struct {
		name   string
		amount int64
	}{{"amount", f.Amount}, {"max", f.Max}, {"reduced_amount", f.ReducedAmount}, {"online_amount", f.OnlineAmount}} {
		if a.amount > maxFeeAmount {
			at.add("%s %d is above %d đồng", a.name, a.amount, maxFeeAmount)
		}
	}
	v.reducedFee(at, f)
	v.onlineFee(at, f)
	v.exemptions(at, f, form)
	v.text(at.in("note"), f.Note, false)
}

// onlineFee checks the online-filing discount: a percentage or, for a fixed
// fee, a lower amount, never both, and never on a free fee.
func (v *catalogCheck) onlineFee(at catalogAt, f FeeRule) {
	pct, amount := f.OnlineDiscountPercent, f.OnlineAmount
	switch {
	case pct == 0 && amount == 0:
	case f.Kind == FeeFree:
		at.add("a free fee cannot have an online discount")
	case pct != 0 && amount != 0:
		at.add("both online_discount_percent and online_amount are set; want one")
	case pct < 0 || pct > 100:
		at.add("online_discount_percent %d must be from 1 to 100", pct)
	case amount != 0 && f.Kind != FeeFixed:
		at.add("online_amount is for a fixed fee, not a %s one", f.Kind)
	case amount < 0 || amount >= f.Amount:
		at.add("online_amount %d must be above 0 and below the amount %d", amount, f.Amount)
	}
}

// exemptions checks that each exemption names a select or yes/no question
// of the form and answers it can have, so an exemption never silently
// fails to apply, and says why in both languages.
func (v *catalogCheck) exemptions(at catalogAt, f FeeRule, form []Field) {
	if len(f.Exempt) > 0 && f.Kind == FeeFree {
		at.add("a free fee cannot have exemptions")
	}
	seen := map[[2]string]bool{}
	for i, ex := range f.Exempt {
		eat := at.in("exempt %d", i+1)
		v.text(eat.in("reason"), ex.Reason, true)
		choices, ok := exemptionChoices(form, ex.Field)
		if !ok {
			eat.add("field %q is not a select or yes/no question of the form", ex.Field)
			continue
		}
		if len(ex.Values) == 0 {
			eat.add("no values")
		}
		for _, val := range ex.Values {
			key := [2]string{ex.Field, val}
			switch {
			case !slices.Contains(choices, val):
				eat.add("value %q is not an answer of field %q (%s)", val, ex.Field, strings.Join(choices, ", "))
			case seen[key]:
				eat.add("value %q of field %q is already exempt", val, ex.Field)
			}
			seen[key] = true
		}
	}
}

// exemptionChoices lists the answers a select or yes/no question can have.
func exemptionChoices(form []Field, id string) ([]string, bool) {
	i := slices.IndexFunc(form, func(f Field) bool { return f.ID == id })
	switch {
	case i < 0:
		return nil, false
	case form[i].Kind == KindYesNo:
		return []string{"yes", "no"}, true
	case form[i].Kind == KindSelect:
		var values []string
		for _, o := range form[i].Options {
			values = append(values, o.Value)
		}
		return values, true
	}
	return nil, false
}

// reducedFee checks the lower price after the first pages or copies. A
// "reduction" above the full price is a typo in one of the two amounts.
func (v *catalogCheck) reducedFee(at catalogAt, f FeeRule) {
	if f.ReducedFrom == 0 && f.ReducedAmount == 0 {
		return
	}
	if f.Kind != FeePerCopy && f.Kind != FeePerPage {
		at.add("a %s fee cannot have a reduced price", f.Kind)
		return
	}
	if f.ReducedFrom < 2 {
		at.add("reduced_from %d must be 2 or more", f.ReducedFrom)
	}
	if f.ReducedAmount <= 0 || f.ReducedAmount >= f.Amount {
		at.add("reduced_amount %d must be above 0 and below the amount %d", f.ReducedAmount, f.Amount)
	}
}

func (v *catalogCheck) documents(at catalogAt, docs []Document) {
	if len(docs) == 0 {
		at.add("no documents: even a free procedure needs an ID or a form")
	}
	for i, d := range docs {
		dat := at.in("document %d", i+1)
		v.text(dat.in("name"), d.Name, true)
		// An optional paper without a note leaves the citizen guessing
		// whether to bring it.
		v.text(dat.in("note"), d.Note, d.Optional)
	}
}

func (v *catalogCheck) form(at catalogAt, form []Field) {
	if len(form) == 0 {
		at.add("the form has no fields")
	}
	seen := make(map[string]bool, len(form))
	for i := range form {
		f := &form[i]
		fat := at
		fat.field = f.ID
		switch {
		case !catalogKeyID.MatchString(f.ID):
			fat = at.in("field %d", i+1)
			fat.add("id %q is not lower-case ASCII letters, digits and underscores", f.ID)
		case seen[f.ID]:
			fat.add("duplicate field id")
		}
		seen[f.ID] = true
		v.field(fat, f)
	}
	v.persons(at, form)
}

func (v *catalogCheck) field(at catalogAt, f *Field) {
	if !catalogKnownKind(f.Kind) {
		at.add("unknown kind %q", f.Kind)
	}
	v.text(at.in("label"), f.Label, true)
	v.text(at.in("help"), f.Help, false)
	v.maxLen(at, f)
	v.options(at, f)
	v.role(at, f)
	if f.Person != "" && !catalogKeyID.MatchString(f.Person) {
		at.add("person %q is not lower-case ASCII letters, digits and underscores", f.Person)
	}
}

func catalogKnownKind(k FieldKind) bool {
	switch k {
	case KindText, KindPersonName, KindPersonalID, KindPhone, KindEmail, KindDate,
		KindSelect, KindAddress, KindNumber, KindYesNo, KindAttachment:
		return true
	}
	return false
}

// maxLen only means something for answers typed as free text; on a date or a
// select it would be a mistake that hides another one.
func (v *catalogCheck) maxLen(at catalogAt, f *Field) {
	switch {
	case f.MaxLen < 0:
		at.add("max_len %d is negative", f.MaxLen)
	case f.MaxLen > 0 && !catalogFreeText(f.Kind):
		at.add("max_len is set on a %s field", f.Kind)
	}
}

func catalogFreeText(k FieldKind) bool {
	return k == KindText || k == KindPersonName || k == KindAddress || k == KindEmail
}

func (v *catalogCheck) options(at catalogAt, f *Field) {
	if f.Kind != KindSelect {
		if len(f.Options) > 0 {
			at.add("options are set on a %s field", f.Kind)
		}
		return
	}
	if len(f.Options) < 2 {
		at.add("a select needs at least 2 options, has %d", len(f.Options))
	}
	seen := make(map[string]bool, len(f.Options))
	for i, o := range f.Options {
		oat := at.in("option %q", o.Value)
		switch {
		case o.Value == "":
			oat = at.in("option %d", i+1)
			oat.add("value is empty")
		case seen[o.Value]:
			oat.add("duplicate option value")
		}
		seen[o.Value] = true
		v.text(oat.in("label"), o.Label, true)
	}
}

// role checks what the cross-field checks assume: a birth date is a date, a
// sex is a select with exactly the values "nam" and "nu" (the personal
// identification number encodes the sex and century of birth), and both
// belong to a person so they are compared with that person's ID number.
func (v *catalogCheck) role(at catalogAt, f *Field) {
	switch f.Role {
	case "":
		return
	case RoleBirthDate:
		if f.Kind != KindDate {
			at.add("role %q needs kind %q, not %q", f.Role, KindDate, f.Kind)
		}
	case RoleSex:
		if f.Kind != KindSelect || !catalogSexOptions(f.Options) {
			at.add("role %q needs a select with exactly the values %q and %q", f.Role, SexMale, SexFemale)
		}
	default:
		at.add("unknown role %q", f.Role)
	}
	if f.Person == "" {
		at.add("role %q is set but person is not", f.Role)
	}
}

func catalogSexOptions(opts []Option) bool {
	if len(opts) != 2 {
		return false
	}
	a, b := opts[0].Value, opts[1].Value
	return (a == SexMale && b == SexFemale) || (a == SexFemale && b == SexMale)
}

// persons checks that each person has at most one ID number, birth date and
// sex: with two, the kiosk would not know which one to compare.
func (v *catalogCheck) persons(at catalogAt, form []Field) {
	type slot struct{ person, what string }
	first := make(map[slot]string)
	for _, f := range form {
		if f.Person == "" {
			continue
		}
		what := string(f.Role)
		if f.Kind == KindPersonalID {
			what = string(KindPersonalID)
		}
		if what == "" {
			continue
		}
		s := slot{f.Person, what}
		if prev, ok := first[s]; ok {
			fat := at
			fat.field = f.ID
			fat.add("person %q already has a %s in field %q", f.Person, what, prev)
			continue
		}
		first[s] = f.ID
	}
}

func (v *catalogCheck) keywords(at catalogAt, words []string) {
	seen := make(map[string]bool, len(words))
	for i, w := range words {
		kat := at.in("keyword %d", i+1)
		switch {
		case strings.TrimSpace(w) == "":
			kat.add("keyword is empty")
		case seen[w]:
			kat.add("duplicate keyword %q", w)
		case !norm.NFC.IsNormalString(w):
			kat.add("keyword %q is not in Unicode NFC", w)
		}
		seen[w] = true
	}
}

// text checks a bilingual text: both languages or neither (required says
// which), no stray spaces, and Vietnamese in NFC. Search and the on-screen
// keyboard produce NFC; a decomposed "ế" in the catalog would never match
// what the citizen types.
func (v *catalogCheck) text(at catalogAt, t Text, required bool) {
	if !required && t.IsZero() {
		return
	}
	for _, l := range []struct {
		s    string
		name string
	}{{t.VI, "Vietnamese"}, {t.EN, "English"}} {
		switch {
		case strings.TrimSpace(l.s) == "":
			at.add("missing %s text", l.name)
		case strings.TrimSpace(l.s) != l.s:
			at.add("%s text has leading or trailing spaces", l.name)
		case !norm.NFC.IsNormalString(l.s):
			at.add("%s text is not in Unicode NFC", l.name)
		case utf8.RuneCountInString(l.s) > MaxTextLen:
			at.add("%s text has %d characters; at most %d", l.name, utf8.RuneCountInString(l.s), MaxTextLen)
		case strings.ContainsRune(l.s, utf8.RuneError):
			// What a lone surrogate escape (\ud800) or a converter's
			// failure leaves: the citizen would see "�" in its place.
			at.add("%s text has a replacement character (U+FFFD): it was broken in encoding", l.name)
		}
	}
}

// MaxTextLen caps every text of a catalog, in characters: about twice the
// longest of the sample catalog (a summary of 264). A screen must lay a
// text out at once, and Fyne wraps a label in time quadratic in its
// length: a 20,000-character label takes seconds, a 100 KB name minutes.
const MaxTextLen = 500
