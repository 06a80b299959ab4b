package kiosk

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Channel is the way a dossier reaches the agency. It decides whether an
// online-filing discount applies.
type Channel string

const (
	// ChannelKiosk is a dossier filed at a kiosk, which files on the
	// province's online public-service portal.
	ChannelKiosk Channel = "kiosk"
	// ChannelPhone is a dossier finished on the citizen's phone from a
	// kiosk's hand-over link, filed on the same portal.
	ChannelPhone Channel = "phone"
	// ChannelCounter is a dossier handed in on paper at the counter.
	ChannelCounter Channel = "counter"
)

// Online reports whether a dossier filed this way counts as filed online
// (qua cổng dịch vụ công trực tuyến) for its fee. A channel the kiosk does
// not know does not.
func (c Channel) Online() bool { return c == ChannelKiosk || c == ChannelPhone }

// MaxFeeUnits bounds the copies or pages a fee is counted on, so a typo of
// eighteen digits can neither overflow the fee nor ask a citizen to pay
// millions through a QR code. CheckFeeUnits refuses more; QuoteFee counts
// at most this many.
const MaxFeeUnits = 1000

// The number questions of a form that a per-copy or per-page fee counts.
const (
	feeFieldCopies = "copies"
	feeFieldPages  = "pages"
)

// FeeQuote is the fee of one dossier and how it was reached, for the
// procedure page and the page before payment.
type FeeQuote struct {
	// Total is what the citizen pays, in đồng: the sum of the lines'
	// amounts, never below 0.
	Total int64
	// Lines say how Total was reached, in order: the units at each price,
	// the cap, then the exemption or discount. A free procedure has none.
	Lines []FeeLine
	// Relief is the exemption or discount applied, nil for none. It is
	// also the last line.
	Relief *FeeRelief
}

// FeeLine is one step of a fee: "3 bản × 8.000 đ" and its 24.000 đ.
type FeeLine struct {
	Text   Text
	Amount int64 // đồng; negative for a cap, an exemption or a discount
}

// FeeReliefKind says why a dossier pays less than its rule's price.
type FeeReliefKind string

const (
	FeeReliefExempt FeeReliefKind = "exempt" // an exempt group: nothing to pay
	FeeReliefOnline FeeReliefKind = "online" // the online-filing discount
)

// FeeRelief is an exemption or a discount applied to a dossier's fee.
type FeeRelief struct {
	Kind FeeReliefKind
	// Reason is said to the citizen: "Miễn lệ phí: hộ nghèo",
	// "Nộp trực tuyến: giảm 50%".
	Reason Text
	Amount int64 // đồng taken off the rule's price
}

// QuoteFee computes the fee of a dossier for procedure p by its FeeRule,
// from the form's answers (as ValidateForm returns them) and the channel
// it is filed by.
//
// A per-copy fee counts the form's "copies" number question; a per-page
// fee counts "pages" for each of "copies". A count is 1 when the form has
// no such question or the answer is empty, negative or not a number, and
// at most MaxFeeUnits. Max caps the price of one run of units: the whole
// fee for a per-copy rule, one copy for a per-page rule.
//
// An answer that matches one of the rule's exemptions waives the whole
// fee, whatever the channel; otherwise a dossier filed online gets the
// rule's online discount, rounded down to the đồng in the citizen's
// favour. A free procedure, or a fee kind this kiosk does not know, costs
// nothing: the kiosk never overcharges.
func QuoteFee(p *Procedure, answers map[string]string, channel Channel) FeeQuote {
	var q FeeQuote
	rule := p.Fee
	switch rule.Kind {
	case FeeFixed:
		q.add(Text{VI: "Lệ phí", EN: "Fee"}, rule.Amount)
	case FeePerCopy:
		n := feeUnits(p.Form, answers, feeFieldCopies)
		q.addRun(rule, unitCopy, n, 1)
	case FeePerPage:
		pages := feeUnits(p.Form, answers, feeFieldPages)
		q.addRun(rule, unitPage, pages, feeUnits(p.Form, answers, feeFieldCopies))
	default:
		return q
	}
	if q.Total > 0 {
		q.relieve(p, answers, channel)
	}
	return q
}

func (q *FeeQuote) add(text Text, amount int64) {
	q.Lines = append(q.Lines, FeeLine{Text: text, Amount: amount})
	q.Total += amount
}

// feeUnit is what a per-unit fee counts, in both languages.
type feeUnit struct {
	vi, viTitle, en, enPlural, enTitle, enTitlePlural string
}

var (
	unitCopy = feeUnit{"bản", "Bản", "copy", "copies", "Copy", "Copies"}
	unitPage = feeUnit{"trang", "Trang", "page", "pages", "Page", "Pages"}
)

// count is "3 bản" / "3 copies".
func (u feeUnit) count(n int64) Text {
	en := u.enPlural
	if n == 1 {
		en = u.en
	}
	return Text{VI: fmt.Sprintf("%d %s", n, u.vi), EN: fmt.Sprintf("%d %s", n, en)}
}

// span is "Trang 1–2: " / "Pages 1–2: ", or "Trang 1: " / "Page 1: ".
func (u feeUnit) span(last int64) Text {
	if last == 1 {
		return Text{VI: u.viTitle + " 1: ", EN: u.enTitle + " 1: "}
	}
	return Text{VI: fmt.Sprintf("%s 1–%d: ", u.viTitle, last), EN: fmt.Sprintf("%s 1–%d: ", u.enTitlePlural, last)}
}

// from is "Từ trang 3: " / "From page 3: ".
func (u feeUnit) from(first int64) Text {
	return Text{VI: fmt.Sprintf("Từ %s %d: ", u.vi, first), EN: fmt.Sprintf("From %s %d: ", u.en, first)}
}

// addRun adds n units of the rule's price, with its reduction and cap, for
// each of copies: pages of a per-page fee, or copies of a per-copy one.
func (q *FeeQuote) addRun(rule FeeRule, u feeUnit, n, copies int64) {
	var times Text // "2 bản × " before the pages of more than one copy
	if u == unitPage && copies != 1 {
		c := unitCopy.count(copies)
		times = Text{VI: c.VI + " × ", EN: c.EN + " × "}
	}
	line := func(prefix Text, units, price int64) int64 {
		c := u.count(units)
		q.add(Text{
			VI: prefix.VI + times.VI + c.VI + " × " + FormatDong(price),
			EN: prefix.EN + times.EN + c.EN + " × " + FormatDong(price),
		}, copies*units*price)
		return units * price
	}
	var run int64
	if from := int64(rule.ReducedFrom); from >= 2 && rule.ReducedAmount > 0 && n >= from {
		run = line(u.span(from-1), from-1, rule.Amount)
		run += line(u.from(from), n-from+1, rule.ReducedAmount)
	} else {
		run = line(Text{}, n, rule.Amount)
	}
	if rule.Max > 0 && run > rule.Max {
		capped := Text{VI: "Tối đa " + FormatDong(rule.Max), EN: "At most " + FormatDong(rule.Max)}
		if u == unitPage {
			capped.VI += " một bản"
			capped.EN += " a copy"
		}
		q.add(capped, -copies*(run-rule.Max))
	}
}

// relieve applies the first exemption the answers match, else the online
// discount of a dossier filed online.
func (q *FeeQuote) relieve(p *Procedure, answers map[string]string, channel Channel) {
	rule := p.Fee
	if ex, ok := exemptionFor(p, answers); ok {
		q.relief(FeeReliefExempt, ex.Reason, q.Total)
		return
	}
	if !channel.Online() {
		return
	}
	base := q.Total
	switch pct := int64(rule.OnlineDiscountPercent); {
	case rule.Kind == FeeFixed && rule.OnlineAmount > 0 && rule.OnlineAmount < base:
		q.relief(FeeReliefOnline, Text{
			VI: fmt.Sprintf("Nộp trực tuyến: %s thay vì %s", FormatDong(rule.OnlineAmount), FormatDong(base)),
			EN: fmt.Sprintf("Filed online: %s instead of %s", FormatDong(rule.OnlineAmount), FormatDong(base)),
		}, base-rule.OnlineAmount)
	case pct > 0 && pct <= 100:
		// Integer division rounds what is paid down: the citizen never
		// pays a fraction of a đồng more than the percentage says.
		pay := base * (100 - pct) / 100
		q.relief(FeeReliefOnline, Text{
			VI: fmt.Sprintf("Nộp trực tuyến: giảm %d%%", pct),
			EN: fmt.Sprintf("Filed online: %d%% off", pct),
		}, base-pay)
	}
}

func (q *FeeQuote) relief(kind FeeReliefKind, reason Text, amount int64) {
	q.Relief = &FeeRelief{Kind: kind, Reason: reason, Amount: amount}
	q.add(reason, -amount)
}

// exemptionFor returns the procedure's first exemption whose question has
// one of its answers.
func exemptionFor(p *Procedure, answers map[string]string) (FeeExemption, bool) {
	for _, ex := range p.Fee.Exempt {
		v, ok := answers[ex.Field]
		if ok && slices.Contains(ex.Values, choiceAnswer(p.Form, ex.Field, v)) {
			return ex, true
		}
	}
	return FeeExemption{}, false
}

// choiceAnswer is an answer to a select or yes/no question as ValidateForm
// stores it, so a "có" typed before validation still matches "yes".
func choiceAnswer(form []Field, id, v string) string {
	v = strings.TrimSpace(v)
	i := slices.IndexFunc(form, func(f Field) bool { return f.ID == id })
	if i >= 0 && form[i].Kind == KindYesNo {
		if w, ok := yesNoWords[strings.ToLower(norm.NFC.String(v))]; ok {
			return w
		}
	}
	return v
}

// feeUnits is the count answered to the form's number question id: 1 when
// the form has no such question or the answer is empty, negative or not a
// number; at most MaxFeeUnits.
func feeUnits(form []Field, answers map[string]string, id string) int64 {
	if !hasNumberQuestion(form, id) {
		return 1
	}
	n, err := strconv.ParseInt(strings.TrimSpace(answers[id]), 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && n > 0, err == nil && n > MaxFeeUnits:
		return MaxFeeUnits
	case err != nil || n < 0:
		return 1
	}
	return n
}

func hasNumberQuestion(form []Field, id string) bool {
	return slices.ContainsFunc(form, func(f Field) bool { return f.ID == id && f.Kind == KindNumber })
}

var feeMsgTooManyUnits = Text{
	VI: fmt.Sprintf("Số lượng tối đa là %d. Nếu cần nhiều hơn, vui lòng hỏi cán bộ tại quầy.", MaxFeeUnits),
	EN: fmt.Sprintf("The most you can ask for here is %d. If you need more, please ask the officer at the counter.", MaxFeeUnits),
}

// CheckFeeUnits returns a message for each answer the fee of p is counted
// on ("copies", "pages") that is above MaxFeeUnits, keyed by field id, or
// nil. The central system refuses such a dossier: more copies than that
// are a typo or a matter for the counter.
func CheckFeeUnits(p *Procedure, answers map[string]string) map[string]Text {
	var ids []string
	switch p.Fee.Kind {
	case FeePerCopy:
		ids = []string{feeFieldCopies}
	case FeePerPage:
		ids = []string{feeFieldPages, feeFieldCopies}
	}
	var problems map[string]Text
	for _, id := range ids {
		if !hasNumberQuestion(p.Form, id) {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(answers[id]), 10, 64)
		if errors.Is(err, strconv.ErrRange) && n > 0 || err == nil && n > MaxFeeUnits {
			if problems == nil {
				problems = map[string]Text{}
			}
			problems[id] = feeMsgTooManyUnits
		}
	}
	return problems
}
