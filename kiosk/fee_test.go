package kiosk_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/motcua/kiosk/kiosk"
)

// feeTestForm has the questions a fee counts or is waived by.
var feeTestForm = []kiosk.Field{
	{ID: "pages", Kind: kiosk.KindNumber},
	{ID: "copies", Kind: kiosk.KindNumber},
	{ID: "fee_group", Kind: kiosk.KindSelect, Options: []kiosk.Option{
		{Value: "khong"}, {Value: "ho_ngheo"}, {Value: "nguoi_co_cong"},
	}},
	{ID: "disabled", Kind: kiosk.KindYesNo},
}

var (
	poorHousehold = kiosk.FeeExemption{Field: "fee_group", Values: []string{"ho_ngheo"},
		Reason: kiosk.Text{VI: "Miễn lệ phí: hộ nghèo", EN: "Exempt: poor household"}}
	disabledPerson = kiosk.FeeExemption{Field: "disabled", Values: []string{"yes"},
		Reason: kiosk.Text{VI: "Miễn lệ phí: người khuyết tật", EN: "Exempt: person with disabilities"}}
	// certifiedCopy is chứng thực bản sao (Thông tư 226/2016/TT-BTC).
	certifiedCopy = kiosk.FeeRule{Kind: kiosk.FeePerPage, Amount: 2000, ReducedFrom: 3, ReducedAmount: 1000, Max: 200000}
	extract       = kiosk.FeeRule{Kind: kiosk.FeePerCopy, Amount: 8000}
	residence     = kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 20000, OnlineDiscountPercent: 50,
		Exempt: []kiosk.FeeExemption{poorHousehold, disabledPerson}}
)

// feeLines writes a quote's lines as "text = amount", in Vietnamese.
func feeLines(q kiosk.FeeQuote) []string {
	var out []string
	for _, l := range q.Lines {
		out = append(out, fmt.Sprintf("%s = %d", l.Text.VI, l.Amount))
	}
	return out
}

func TestQuoteFee(t *testing.T) {
	online := kiosk.ChannelKiosk
	counter := kiosk.ChannelCounter
	with := func(r kiosk.FeeRule, change func(*kiosk.FeeRule)) kiosk.FeeRule {
		change(&r)
		return r
	}
	tests := []struct {
		name    string
		rule    kiosk.FeeRule
		form    []kiosk.Field
		answers map[string]string
		channel kiosk.Channel
		want    int64
		lines   []string // nil: not checked
		relief  kiosk.FeeReliefKind
	}{
		{"free", kiosk.FeeRule{Kind: kiosk.FeeFree}, feeTestForm, nil, online, 0, []string{}, ""},
		{"unknown kind: never charged", kiosk.FeeRule{Kind: "per_hour", Amount: 5}, feeTestForm, nil, counter, 0, []string{}, ""},
		{"fixed", kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 15000}, nil, nil, online, 15000,
			[]string{"Lệ phí = 15000"}, ""},

		{"per copy", extract, feeTestForm, map[string]string{"copies": "3"}, online, 24000,
			[]string{"3 bản × 8.000 đ = 24000"}, ""},
		{"per copy, capped", with(extract, func(r *kiosk.FeeRule) { r.Max = 20000 }), feeTestForm, map[string]string{"copies": "4"}, online, 20000,
			[]string{"4 bản × 8.000 đ = 32000", "Tối đa 20.000 đ = -12000"}, ""},
		{"per copy, reduced from the 2nd", with(extract, func(r *kiosk.FeeRule) { r.ReducedFrom, r.ReducedAmount = 2, 5000 }), feeTestForm, map[string]string{"copies": "3"}, online, 18000,
			[]string{"Bản 1: 1 bản × 8.000 đ = 8000", "Từ bản 2: 2 bản × 5.000 đ = 10000"}, ""},
		{"per copy, none", extract, feeTestForm, map[string]string{"copies": "0"}, online, 0,
			[]string{"0 bản × 8.000 đ = 0"}, ""},

		{"units: no such question, one copy", extract, nil, map[string]string{"copies": "4"}, online, 8000, nil, ""},
		{"units: a text question is not counted", extract, []kiosk.Field{{ID: "copies", Kind: kiosk.KindText}}, map[string]string{"copies": "4"}, online, 8000, nil, ""},
		{"units: left empty, one copy", extract, feeTestForm, nil, online, 8000, nil, ""},
		{"units: not a number, one copy", extract, feeTestForm, map[string]string{"copies": "ba"}, online, 8000, nil, ""},
		{"units: negative, one copy", extract, feeTestForm, map[string]string{"copies": "-2"}, online, 8000, nil, ""},
		{"units: spaces around", extract, feeTestForm, map[string]string{"copies": " 2 "}, online, 16000, nil, ""},
		{"units: above the limit count the limit", extract, feeTestForm, map[string]string{"copies": "5000"}, online, kiosk.MaxFeeUnits * 8000, nil, ""},
		{"units: beyond int64 count the limit", extract, feeTestForm, map[string]string{"copies": "99999999999999999999"}, online, kiosk.MaxFeeUnits * 8000, nil, ""},

		{"per page, 2 pages: no reduction yet", certifiedCopy, feeTestForm, map[string]string{"pages": "2"}, online, 4000,
			[]string{"2 trang × 2.000 đ = 4000"}, ""},
		{"per page, 3 pages: the 3rd reduced", certifiedCopy, feeTestForm, map[string]string{"pages": "3"}, online, 5000,
			[]string{"Trang 1–2: 2 trang × 2.000 đ = 4000", "Từ trang 3: 1 trang × 1.000 đ = 1000"}, ""},
		{"per page, 5 pages × 2 copies", certifiedCopy, feeTestForm, map[string]string{"pages": "5", "copies": "2"}, online, 14000,
			[]string{"Trang 1–2: 2 bản × 2 trang × 2.000 đ = 8000", "Từ trang 3: 2 bản × 3 trang × 1.000 đ = 6000"}, ""},
		{"per page, capped a copy across copies", certifiedCopy, feeTestForm, map[string]string{"pages": "300", "copies": "2"}, online, 400000,
			[]string{"Trang 1–2: 2 bản × 2 trang × 2.000 đ = 8000", "Từ trang 3: 2 bản × 298 trang × 1.000 đ = 596000", "Tối đa 200.000 đ một bản = -204000"}, ""},
		{"per page, pages without the copies question", certifiedCopy, feeTestForm[:1], map[string]string{"pages": "4", "copies": "9"}, online, 6000, nil, ""},

		{"online discount", residence, feeTestForm, nil, online, 10000,
			[]string{"Lệ phí = 20000", "Nộp trực tuyến: giảm 50% = -10000"}, kiosk.FeeReliefOnline},
		{"online discount by phone", residence, feeTestForm, nil, kiosk.ChannelPhone, 10000, nil, kiosk.FeeReliefOnline},
		{"no online discount at the counter", residence, feeTestForm, nil, counter, 20000, []string{"Lệ phí = 20000"}, ""},
		{"no online discount on an unknown channel", residence, feeTestForm, nil, "", 20000, nil, ""},
		{"online discount rounds down: 50% of 15.001 đ", with(residence, func(r *kiosk.FeeRule) { r.Amount = 15001 }), nil, nil, online, 7500,
			[]string{"Lệ phí = 15001", "Nộp trực tuyến: giảm 50% = -7501"}, kiosk.FeeReliefOnline},
		{"online discount rounds down: 30% of 10.001 đ", kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 10001, OnlineDiscountPercent: 30}, nil, nil, online, 7000, nil, kiosk.FeeReliefOnline},
		{"online discount of a per-page fee", with(certifiedCopy, func(r *kiosk.FeeRule) { r.OnlineDiscountPercent = 50 }), feeTestForm, map[string]string{"pages": "3", "copies": "3"}, online, 7500, nil, kiosk.FeeReliefOnline},
		{"online discount of 100%", kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 5000, OnlineDiscountPercent: 100}, nil, nil, online, 0, nil, kiosk.FeeReliefOnline},
		{"online amount", kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 15000, OnlineAmount: 7000}, nil, nil, online, 7000,
			[]string{"Lệ phí = 15000", "Nộp trực tuyến: 7.000 đ thay vì 15.000 đ = -8000"}, kiosk.FeeReliefOnline},
		{"online amount at the counter", kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 15000, OnlineAmount: 7000}, nil, nil, counter, 15000, nil, ""},
		{"nothing to discount", with(extract, func(r *kiosk.FeeRule) { r.OnlineDiscountPercent = 50 }), feeTestForm, map[string]string{"copies": "0"}, online, 0, nil, ""},

		{"exempt group", residence, feeTestForm, map[string]string{"fee_group": "ho_ngheo"}, counter, 0,
			[]string{"Lệ phí = 20000", "Miễn lệ phí: hộ nghèo = -20000"}, kiosk.FeeReliefExempt},
		{"exemption beats the online discount", residence, feeTestForm, map[string]string{"fee_group": "ho_ngheo"}, online, 0,
			[]string{"Lệ phí = 20000", "Miễn lệ phí: hộ nghèo = -20000"}, kiosk.FeeReliefExempt},
		{"exempt by a yes/no answer", residence, feeTestForm, map[string]string{"disabled": "yes"}, online, 0,
			[]string{"Lệ phí = 20000", "Miễn lệ phí: người khuyết tật = -20000"}, kiosk.FeeReliefExempt},
		{"exempt by a yes/no answer typed in Vietnamese", residence, feeTestForm, map[string]string{"disabled": " Có "}, online, 0, nil, kiosk.FeeReliefExempt},
		{"the first exemption that matches", residence, feeTestForm, map[string]string{"disabled": "yes", "fee_group": "ho_ngheo"}, online, 0,
			[]string{"Lệ phí = 20000", "Miễn lệ phí: hộ nghèo = -20000"}, kiosk.FeeReliefExempt},
		{"another group pays", residence, feeTestForm, map[string]string{"fee_group": "nguoi_co_cong", "disabled": "no"}, online, 10000, nil, kiosk.FeeReliefOnline},
		{"exempt per-page copies", with(certifiedCopy, func(r *kiosk.FeeRule) { r.Exempt = []kiosk.FeeExemption{poorHousehold} }), feeTestForm, map[string]string{"pages": "300", "copies": "2", "fee_group": "ho_ngheo"}, online, 0, nil, kiosk.FeeReliefExempt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &kiosk.Procedure{Fee: tt.rule, Form: tt.form}
			q := kiosk.QuoteFee(p, tt.answers, tt.channel)
			if q.Total != tt.want {
				t.Errorf("QuoteFee(%+v, %v, %q).Total = %d; want %d (%q)", tt.rule, tt.answers, tt.channel, q.Total, tt.want, feeLines(q))
			}
			if got := feeLines(q); tt.lines != nil && strings.Join(got, "\n") != strings.Join(tt.lines, "\n") {
				t.Errorf("QuoteFee(%+v, %v, %q).Lines = %q; want %q", tt.rule, tt.answers, tt.channel, got, tt.lines)
			}
			var sum int64
			for _, l := range q.Lines {
				sum += l.Amount
				if l.Text.VI == "" || l.Text.EN == "" {
					t.Errorf("QuoteFee line %+v; want Vietnamese and English", l)
				}
			}
			if sum != q.Total {
				t.Errorf("QuoteFee lines %q add up to %d; want the total %d", feeLines(q), sum, q.Total)
			}
			checkRelief(t, q, tt.relief)
		})
	}
}

// checkRelief checks that a quote's relief is of kind want and is its last line.
func checkRelief(t *testing.T, q kiosk.FeeQuote, want kiosk.FeeReliefKind) {
	t.Helper()
	switch {
	case want == "" && q.Relief != nil:
		t.Errorf("QuoteFee relief = %+v; want none", *q.Relief)
	case want == "":
	case q.Relief == nil || q.Relief.Kind != want:
		t.Errorf("QuoteFee relief = %+v; want %q", q.Relief, want)
	default:
		last := q.Lines[len(q.Lines)-1]
		if last.Text != q.Relief.Reason || last.Amount != -q.Relief.Amount {
			t.Errorf("QuoteFee last line %+v; want the relief %+v", last, *q.Relief)
		}
	}
}

func TestQuoteFeeInEnglish(t *testing.T) {
	p := &kiosk.Procedure{Fee: certifiedCopy, Form: feeTestForm}
	p.Fee.OnlineDiscountPercent = 10
	q := kiosk.QuoteFee(p, map[string]string{"pages": "201", "copies": "1"}, kiosk.ChannelKiosk)
	var got []string
	for _, l := range q.Lines {
		got = append(got, l.Text.EN)
	}
	want := []string{"Pages 1–2: 2 pages × 2.000 đ", "From page 3: 199 pages × 1.000 đ", "At most 200.000 đ a copy", "Filed online: 10% off"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || q.Total != 180000 {
		t.Errorf("QuoteFee(201 pages).Lines in English = %q, total %d; want %q, 180000", got, q.Total, want)
	}
	q = kiosk.QuoteFee(&kiosk.Procedure{Fee: extract, Form: feeTestForm}, map[string]string{"copies": "1"}, kiosk.ChannelKiosk)
	if q.Lines[0].Text.EN != "1 copy × 8.000 đ" {
		t.Errorf("QuoteFee(1 copy).Lines[0] in English = %q; want %q", q.Lines[0].Text.EN, "1 copy × 8.000 đ")
	}
}

func TestChannelOnline(t *testing.T) {
	for _, tt := range []struct {
		c    kiosk.Channel
		want bool
	}{{kiosk.ChannelKiosk, true}, {kiosk.ChannelPhone, true}, {kiosk.ChannelCounter, false}, {"", false}, {"post", false}} {
		if got := tt.c.Online(); got != tt.want {
			t.Errorf("Channel(%q).Online() = %v; want %v", tt.c, got, tt.want)
		}
	}
}

func TestCheckFeeUnits(t *testing.T) {
	tests := []struct {
		name    string
		rule    kiosk.FeeRule
		answers map[string]string
		want    []string // fields with a problem
	}{
		{"at the limit", certifiedCopy, map[string]string{"pages": "1000", "copies": "1000"}, nil},
		{"pages above the limit", certifiedCopy, map[string]string{"pages": "1001", "copies": "2"}, []string{"pages"}},
		{"both above", certifiedCopy, map[string]string{"pages": "1001", "copies": "99999999999999999999"}, []string{"copies", "pages"}},
		{"per copy counts no pages", extract, map[string]string{"pages": "5000", "copies": "1001"}, []string{"copies"}},
		{"a fixed fee counts nothing", kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 5000}, map[string]string{"copies": "5000"}, nil},
		{"not numbers: not this check's business", certifiedCopy, map[string]string{"pages": "ba", "copies": "-5"}, nil},
	}
	for _, tt := range tests {
		got := kiosk.CheckFeeUnits(&kiosk.Procedure{Fee: tt.rule, Form: feeTestForm}, tt.answers)
		var fields []string
		for _, id := range []string{"copies", "pages"} {
			if msg, ok := got[id]; ok {
				fields = append(fields, id)
				if !strings.Contains(msg.VI, "1000") || !strings.Contains(msg.EN, "1000") {
					t.Errorf("%s: CheckFeeUnits message %+v; want the limit in both languages", tt.name, msg)
				}
			}
		}
		if strings.Join(fields, ",") != strings.Join(tt.want, ",") || len(got) != len(tt.want) {
			t.Errorf("%s: CheckFeeUnits(%v) = %v; want problems in %v", tt.name, tt.answers, got, tt.want)
		}
	}
	if got := kiosk.CheckFeeUnits(&kiosk.Procedure{Fee: extract}, map[string]string{"copies": "5000"}); got != nil {
		t.Errorf("CheckFeeUnits(no copies question) = %v; want nil: the fee counts one copy", got)
	}
}

// TestSampleCatalogFees checks the fees the sample catalog takes from the
// law, as the kiosk quotes them.
func TestSampleCatalogFees(t *testing.T) {
	c := sampleCatalog(t)
	tests := []struct {
		id      string
		answers map[string]string
		channel kiosk.Channel
		want    int64
		reason  string // the relief's Vietnamese reason, "" for none
	}{
		// Luật Hộ tịch 2014, Điều 11: free when registered on time, and
		// guardianship for citizens living in Viet Nam.
		{"dang-ky-khai-sinh", nil, kiosk.ChannelKiosk, 0, ""},
		{"dang-ky-giam-ho", nil, kiosk.ChannelKiosk, 0, ""},
		// Thông tư 75/2022/TT-BTC: thường trú 20.000 đ, 10.000 đ online.
		{"dang-ky-thuong-tru", nil, kiosk.ChannelCounter, 20000, ""},
		{"dang-ky-thuong-tru", nil, kiosk.ChannelKiosk, 10000, "Nộp trực tuyến: giảm 50%"},
		{"dang-ky-thuong-tru", map[string]string{"fee_group": "khong"}, kiosk.ChannelPhone, 10000, "Nộp trực tuyến: giảm 50%"},
		{"dang-ky-thuong-tru", map[string]string{"fee_group": "ho_ngheo"}, kiosk.ChannelKiosk, 0, "Miễn lệ phí: hộ nghèo"},
		// Tạm trú 15.000 đ, 7.000 đ online: not 50%, which would be 7.500 đ.
		{"dang-ky-tam-tru", nil, kiosk.ChannelCounter, 15000, ""},
		{"dang-ky-tam-tru", nil, kiosk.ChannelKiosk, 7000, "Nộp trực tuyến: 7.000 đ thay vì 15.000 đ"},
		{"dang-ky-tam-tru", map[string]string{"fee_group": "tre_em"}, kiosk.ChannelKiosk, 0, "Miễn lệ phí: trẻ em"},
		{"gia-han-tam-tru", nil, kiosk.ChannelKiosk, 7000, "Nộp trực tuyến: 7.000 đ thay vì 15.000 đ"},
		{"gia-han-tam-tru", map[string]string{"fee_group": "nguoi_cao_tuoi"}, kiosk.ChannelKiosk, 0, "Miễn lệ phí: người cao tuổi"},
		// Luật Hộ tịch, Điều 11: families with meritorious service, poor
		// households and people with disabilities pay no civil-status fee.
		{"xac-nhan-tinh-trang-hon-nhan", nil, kiosk.ChannelKiosk, 15000, ""},
		{"xac-nhan-tinh-trang-hon-nhan", map[string]string{"fee_group": "nguoi_khuyet_tat"}, kiosk.ChannelKiosk, 0, "Miễn lệ phí: người khuyết tật"},
		// Thông tư 226/2016/TT-BTC: 2.000 đ a page, 1.000 đ from page 3,
		// at most 200.000 đ a copy.
		{"chung-thuc-ban-sao", map[string]string{"pages": "4", "copies": "3"}, kiosk.ChannelKiosk, 3 * 6000, ""},
		{"cap-ban-sao-trich-luc-ho-tich", map[string]string{"copies": "2"}, kiosk.ChannelKiosk, 16000, ""},
	}
	for _, tt := range tests {
		p, ok := c.Procedure(tt.id)
		if !ok {
			t.Errorf("Procedure(%q) not found", tt.id)
			continue
		}
		q := kiosk.QuoteFee(p, tt.answers, tt.channel)
		reason := ""
		if q.Relief != nil {
			reason = q.Relief.Reason.VI
		}
		if q.Total != tt.want || reason != tt.reason {
			t.Errorf("QuoteFee(%s, %v, %s) = %d (%q); want %d (%q)", tt.id, tt.answers, tt.channel, q.Total, reason, tt.want, tt.reason)
		}
	}
}

func TestValidateFeeReliefs(t *testing.T) {
	const pid = `procedure "dang-ky-khai-sinh"`
	reason := kiosk.Text{VI: "Miễn lệ phí: người khuyết tật", EN: "Exempt: person with disabilities"}
	setFee := func(f kiosk.FeeRule) func(*kiosk.Catalog) {
		return func(c *kiosk.Catalog) {
			p := &c.Procedures[0]
			p.Form = append(p.Form, kiosk.Field{ID: "disabled", Kind: kiosk.KindYesNo, Label: kiosk.Text{VI: "Khuyết tật?", EN: "Disabled?"}})
			p.Fee = f
		}
	}
	fixed := func(change func(*kiosk.FeeRule)) kiosk.FeeRule {
		f := kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 15000}
		change(&f)
		return f
	}
	exempt := func(field string, values ...string) []kiosk.FeeExemption {
		return []kiosk.FeeExemption{{Field: field, Values: values, Reason: reason}}
	}

	valid := validCatalog()
	setFee(fixed(func(f *kiosk.FeeRule) {
		f.OnlineDiscountPercent = 50
		f.Exempt = append(exempt("disabled", "yes"), kiosk.FeeExemption{Field: "child_sex", Values: []string{"nu"}, Reason: reason})
	}))(valid)
	if err := valid.Validate(); err != nil {
		t.Fatalf("Validate(fee with a discount and exemptions) = %v; want nil", err)
	}

	tests := []struct {
		name   string
		break_ func(c *kiosk.Catalog)
		want   []string
	}{
		{"discount on a free fee", setFee(kiosk.FeeRule{Kind: kiosk.FeeFree, OnlineDiscountPercent: 50}),
			[]string{pid, "fee", "free fee cannot have an online discount"}},
		{"percent above 100", setFee(fixed(func(f *kiosk.FeeRule) { f.OnlineDiscountPercent = 120 })),
			[]string{pid, "fee", "online_discount_percent 120 must be from 1 to 100"}},
		{"negative percent", setFee(fixed(func(f *kiosk.FeeRule) { f.OnlineDiscountPercent = -5 })),
			[]string{pid, "fee", "online_discount_percent -5"}},
		{"percent and amount", setFee(fixed(func(f *kiosk.FeeRule) { f.OnlineDiscountPercent, f.OnlineAmount = 50, 7000 })),
			[]string{pid, "fee", "both online_discount_percent and online_amount"}},
		{"online amount on a per-page fee", setFee(kiosk.FeeRule{Kind: kiosk.FeePerPage, Amount: 2000, OnlineAmount: 1000}),
			[]string{pid, "fee", "online_amount is for a fixed fee, not a per_page one"}},
		{"online amount not lower", setFee(fixed(func(f *kiosk.FeeRule) { f.OnlineAmount = 15000 })),
			[]string{pid, "fee", "online_amount 15000 must be above 0 and below the amount 15000"}},
		{"amount far too high", setFee(fixed(func(f *kiosk.FeeRule) { f.Amount = 2_000_000_000 })),
			[]string{pid, "fee", "amount 2000000000 is above"}},
		{"exemption on a free fee", setFee(kiosk.FeeRule{Kind: kiosk.FeeFree, Exempt: exempt("disabled", "yes")}),
			[]string{pid, "fee", "free fee cannot have exemptions"}},
		{"exemption on an unknown question", setFee(fixed(func(f *kiosk.FeeRule) { f.Exempt = exempt("fee_group", "ho_ngheo") })),
			[]string{pid, "fee: exempt 1", `field "fee_group" is not a select or yes/no question`}},
		{"exemption on a text question", setFee(fixed(func(f *kiosk.FeeRule) { f.Exempt = exempt("child_name", "x") })),
			[]string{pid, "fee: exempt 1", `field "child_name" is not a select or yes/no question`}},
		{"exemption with an answer the select lacks", setFee(fixed(func(f *kiosk.FeeRule) { f.Exempt = exempt("child_sex", "nữ") })),
			[]string{pid, "fee: exempt 1", `value "nữ" is not an answer of field "child_sex" (nam, nu)`}},
		{"exemption with a yes/no answer in Vietnamese", setFee(fixed(func(f *kiosk.FeeRule) { f.Exempt = exempt("disabled", "có") })),
			[]string{pid, "fee: exempt 1", `value "có" is not an answer of field "disabled" (yes, no)`}},
		{"exemption without values", setFee(fixed(func(f *kiosk.FeeRule) { f.Exempt = exempt("disabled") })),
			[]string{pid, "fee: exempt 1", "no values"}},
		{"exemption twice", setFee(fixed(func(f *kiosk.FeeRule) { f.Exempt = append(exempt("disabled", "yes"), exempt("disabled", "yes")...) })),
			[]string{pid, "fee: exempt 2", `value "yes" of field "disabled" is already exempt`}},
		{"exemption without an English reason", setFee(fixed(func(f *kiosk.FeeRule) {
			f.Exempt = exempt("disabled", "yes")
			f.Exempt[0].Reason.EN = ""
		})), []string{pid, "fee: exempt 1: reason", "missing English"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCatalog()
			tt.break_(c)
			err := c.Validate()
			if err == nil || !someProblemMentions(err, tt.want) {
				t.Errorf("Validate() error = %v; want one problem mentioning all of %q", err, tt.want)
			}
		})
	}
}

func ExampleQuoteFee() {
	// Chứng thực bản sao: 2.000 đ a page, 1.000 đ from page 3, at most
	// 200.000 đ a copy; two copies of a 5-page document.
	p := &kiosk.Procedure{
		Fee: kiosk.FeeRule{Kind: kiosk.FeePerPage, Amount: 2000, ReducedFrom: 3, ReducedAmount: 1000, Max: 200000},
		Form: []kiosk.Field{
			{ID: "pages", Kind: kiosk.KindNumber},
			{ID: "copies", Kind: kiosk.KindNumber},
		},
	}
	q := kiosk.QuoteFee(p, map[string]string{"pages": "5", "copies": "2"}, kiosk.ChannelKiosk)
	for _, l := range q.Lines {
		fmt.Printf("%s → %s\n", l.Text.In(kiosk.VI), kiosk.FormatDong(l.Amount))
	}
	fmt.Println("Tổng:", kiosk.FormatDong(q.Total))

	// Đăng ký thường trú: 20.000 đ, half when filed online, free for a
	// poor household.
	p = &kiosk.Procedure{
		Fee: kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 20000, OnlineDiscountPercent: 50,
			Exempt: []kiosk.FeeExemption{{Field: "fee_group", Values: []string{"ho_ngheo"},
				Reason: kiosk.Text{VI: "Miễn lệ phí: hộ nghèo", EN: "Exempt: poor household"}}}},
		Form: []kiosk.Field{{ID: "fee_group", Kind: kiosk.KindSelect}},
	}
	fmt.Println(kiosk.FormatDong(kiosk.QuoteFee(p, nil, kiosk.ChannelCounter).Total))
	online := kiosk.QuoteFee(p, nil, kiosk.ChannelKiosk)
	fmt.Println(kiosk.FormatDong(online.Total), "—", online.Relief.Reason.In(kiosk.EN))
	poor := kiosk.QuoteFee(p, map[string]string{"fee_group": "ho_ngheo"}, kiosk.ChannelKiosk)
	fmt.Println(kiosk.FormatDong(poor.Total), "—", poor.Relief.Reason.In(kiosk.VI))
	// Output:
	// Trang 1–2: 2 bản × 2 trang × 2.000 đ → 8.000 đ
	// Từ trang 3: 2 bản × 3 trang × 1.000 đ → 6.000 đ
	// Tổng: 14.000 đ
	// 20.000 đ
	// 10.000 đ — Filed online: 50% off
	// 0 đ — Miễn lệ phí: hộ nghèo
}
