package ui

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// BenchmarkTapToNextScreen measures, in the test driver, the time from a
// tap to the next screen built and laid out, for each kind of step a
// citizen takes. The budget is 30 ms median (make bench prints it).
func BenchmarkTapToNextScreen(b *testing.B) {
	steps := []struct {
		name string
		// setup puts the kiosk before the tap and returns what to tap; it
		// is not timed.
		setup func(b *testing.B, k *Kiosk, w fyne.Window) fyne.Tappable
	}{
		{"home_to_catalog", func(b *testing.B, k *Kiosk, w fyne.Window) fyne.Tappable {
			return findShown(b, w, "the submit choice", func(c *tapCard) bool { return c.name == "Nộp hồ sơ" }).button
		}},
		{"catalog_to_procedure", func(b *testing.B, k *Kiosk, w fyne.Window) fyne.Tappable {
			k.goTo(screenCatalog)
			return cardOf(b, w, "dang-ky-khai-sinh")
		}},
		{"answer_to_next_question", func(b *testing.B, k *Kiosk, w fyne.Window) fyne.Tappable {
			k.current, _ = k.catalog.Procedure("dang-ky-khai-sinh")
			k.onConsent()
			k.goTo(screenWizard)
			findShown(b, w, "the answer box", func(*widget.Entry) bool { return true }).SetText("Trần Minh An")
			return findButton(b, w, "Tiếp tục")
		}},
		{"answer_to_next_question_large_text", func(b *testing.B, k *Kiosk, w fyne.Window) fyne.Tappable {
			k.largeText = true
			k.current, _ = k.catalog.Procedure("dang-ky-khai-sinh")
			k.onConsent()
			k.goTo(screenWizard)
			findShown(b, w, "the answer box", func(*widget.Entry) bool { return true }).SetText("Trần Minh An")
			return findButton(b, w, "Tiếp tục")
		}},
	}
	for _, st := range steps {
		b.Run(st.name, func(b *testing.B) {
			k, w := newHomeKiosk(b, Options{Submitter: &recordingSubmitter{}})
			took := make([]time.Duration, 0, b.N)
			for range b.N {
				b.StopTimer()
				k.goHome()
				target := st.setup(b, k, w)
				b.StartTimer()
				start := time.Now()
				test.Tap(target)
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
