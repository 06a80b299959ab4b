// Package assets holds the files the kiosk embeds: the sample procedure
// catalog, the practice set, the interface translations and the icon.
// Each file is embedded by name, never a whole folder, so no stray file
// ships by accident.
package assets

import _ "embed"

var (
	//go:embed catalog.json
	sampleCatalog []byte
	//go:embed i18n/vi.json
	translationsVI []byte
	//go:embed i18n/en.json
	translationsEN []byte
	//go:embed i18n/fyne.vi.json
	fyneVI []byte
	//go:embed icon.png
	icon []byte
	//go:embed practice.json
	practice []byte
)

// SampleCatalog returns the embedded sample catalog (JSON, see kiosk.Catalog).
// The kiosk uses it until the central API has served one.
func SampleCatalog() []byte { return sampleCatalog }

// Translations returns the interface strings for a language ("vi" or "en")
// as a JSON object of key → text, or nil for a language the kiosk lacks.
func Translations(lang string) []byte {
	switch lang {
	case "vi":
		return translationsVI
	case "en":
		return translationsEN
	}
	return nil
}

// FyneVietnamese returns Vietnamese for Fyne's own strings (OK, Cancel,
// the days of the week…), which Fyne does not ship.
func FyneVietnamese() []byte { return fyneVI }

// Icon returns the application icon, a 512 × 512 PNG.
func Icon() []byte { return icon }

// Practice returns the embedded practice set (JSON, see kiosk/practice):
// practice procedures in the catalog schema, with a made-up person's
// sample answer to every question.
func Practice() []byte { return practice }
