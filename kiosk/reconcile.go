package kiosk

import (
	"strings"
	"time"
)

// ReconcileAnswers fits the answers of a draft made with an older version
// of a procedure to its current form. It keeps, normalised, every answer
// whose field is still on the form and still passes CheckField as that
// field is now (its kind, options and limits), and drops the rest:
// answers to removed questions, and answers that no longer fit.
//
// ask lists, in form order, the questions to put to the citizen again:
// the required ones without a kept answer, and the ones whose earlier
// answer was dropped, even if optional, because the citizen did answer
// them and dropping that in silence would lose what they meant.
//
// The old form is usually gone (the kiosk keeps only the last catalog),
// so an answer that happens to pass a changed kind is kept (the text
// "12" for a question that became a number); the citizen sees it under
// "Check your answers". Checks between fields (an ID number against the
// birth date) are left to ValidateForm there, which explains a mismatch
// better than asking both questions again.
func ReconcileAnswers(form []Field, answers map[string]string, now time.Time) (kept map[string]string, ask []string) {
	kept = make(map[string]string, len(form))
	for _, f := range form {
		old := answers[f.ID]
		answered := strings.TrimSpace(old) != ""
		if answered {
			if v, err := CheckField(f, old, now); err == nil && v != "" {
				kept[f.ID] = v
				continue
			}
		}
		if answered || f.Required {
			ask = append(ask, f.ID)
		}
	}
	return kept, ask
}
