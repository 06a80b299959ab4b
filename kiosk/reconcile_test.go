package kiosk

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"
)

func TestReconcileAnswers(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	name := Field{ID: "name", Kind: KindPersonName, Required: true}
	dob := Field{ID: "dob", Kind: KindDate, Role: RoleBirthDate, Required: true}
	phone := Field{ID: "phone", Kind: KindPhone}
	copies := Field{ID: "copies", Kind: KindNumber, Required: true}
	purpose := Field{ID: "purpose", Kind: KindSelect, Required: true, Options: []Option{
		{Value: "marriage"}, {Value: "work"}, {Value: "other"}}}
	oldForm := []Field{name, dob, phone, copies, purpose}
	answers := map[string]string{
		"name": "nguyễn  thị hồng nhung", "dob": "5/9/1985", "phone": "0912 345 678",
		"copies": "2", "purpose": "work",
	}
	allKept := map[string]string{
		"name": "nguyễn thị hồng nhung", "dob": "05/09/1985", "phone": "0912345678",
		"copies": "2", "purpose": "work",
	}
	without := func(m map[string]string, ids ...string) map[string]string {
		c := maps.Clone(m)
		for _, id := range ids {
			delete(c, id)
		}
		return c
	}
	tests := []struct {
		name     string
		form     []Field
		answers  map[string]string
		wantKept map[string]string
		wantAsk  []string
	}{
		{"same form keeps all, normalised", oldForm, answers, allKept, nil},
		{"field removed", []Field{name, dob, copies, purpose}, answers, without(allKept, "phone"), nil},
		{"kind changed, answer no longer fits",
			[]Field{name, dob, phone, {ID: "copies", Kind: KindDate, Required: true}, purpose},
			answers, without(allKept, "copies"), []string{"copies"}},
		{"kind changed, answer still fits",
			[]Field{name, dob, phone, {ID: "copies", Kind: KindText, Required: true}, purpose},
			answers, allKept, nil},
		{"select option removed",
			[]Field{name, dob, phone, copies, {ID: "purpose", Kind: KindSelect, Required: true,
				Options: []Option{{Value: "marriage"}, {Value: "other"}}}},
			answers, without(allKept, "purpose"), []string{"purpose"}},
		{"optional field's answer dropped is asked again",
			[]Field{name, dob, {ID: "phone", Kind: KindEmail}, copies, purpose},
			answers, without(allKept, "phone"), []string{"phone"}},
		{"new required field, in form order",
			[]Field{{ID: "relation", Kind: KindText, Required: true}, name, dob, phone, copies, purpose,
				{ID: "reason", Kind: KindText, Required: true}, {ID: "note", Kind: KindText}},
			answers, allKept, []string{"relation", "reason"}},
		{"field became required", []Field{name, dob, {ID: "phone", Kind: KindPhone, Required: true}},
			map[string]string{"name": "An", "dob": "01/01/1990"},
			map[string]string{"name": "An", "dob": "01/01/1990"}, []string{"phone"}},
		{"blank answer of optional field not asked", []Field{phone},
			map[string]string{"phone": "  "}, map[string]string{}, nil},
		{"nil answers", []Field{name, phone}, nil, map[string]string{}, []string{"name"}},
	}
	for _, tt := range tests {
		kept, ask := ReconcileAnswers(tt.form, tt.answers, now)
		if !maps.Equal(kept, tt.wantKept) || !slices.Equal(ask, tt.wantAsk) {
			t.Errorf("%s: ReconcileAnswers = %q, %q; want %q, %q", tt.name, kept, ask, tt.wantKept, tt.wantAsk)
		}
	}
}

func TestReconcileAnswersLeavesInputAlone(t *testing.T) {
	answers := map[string]string{"a": " x ", "gone": "y"}
	ReconcileAnswers([]Field{{ID: "a", Kind: KindText}}, answers, time.Now())
	if answers["a"] != " x " || answers["gone"] != "y" {
		t.Errorf("ReconcileAnswers changed its input: %q", answers)
	}
}

func ExampleReconcileAnswers() {
	// The procedure changed since the draft was made: "purpose" lost the
	// option "work", and a required "relation" question was added.
	form := []Field{
		{ID: "name", Kind: KindPersonName, Required: true},
		{ID: "purpose", Kind: KindSelect, Required: true, Options: []Option{{Value: "marriage"}, {Value: "other"}}},
		{ID: "relation", Kind: KindText, Required: true},
	}
	answers := map[string]string{"name": "Trần Minh An", "purpose": "work", "removed": "x"}
	kept, ask := ReconcileAnswers(form, answers, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC))
	fmt.Println(kept)
	fmt.Println(ask)
	// Output:
	// map[name:Trần Minh An]
	// [purpose relation]
}
