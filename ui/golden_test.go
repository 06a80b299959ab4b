package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestScreensMatchTheirGoldenImages renders every screen of a khai sinh
// with the test driver's real software painter and compares it with the
// picture in testdata/ (the README shows them). After a deliberate change,
// the new picture is in testdata/failed/: look at it, then move it over.
func TestScreensMatchTheirGoldenImages(t *testing.T) {
	visitScreens(t, func(name string, w fyne.Window) {
		test.AssertImageMatches(t, "screens/"+strings.ReplaceAll(name, " ", "-")+".png", w.Canvas().Capture())
	})
}
