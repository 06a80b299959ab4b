package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
)

var appIcon = fyne.NewStaticResource("icon.png", assets.Icon())

// header is the band on top of every screen: who we are, where the kiosk
// stands, and the language switch. The switch is labelled in the language
// it switches to, so a citizen who cannot read the current one finds it.
func (k *Kiosk) header() fyne.CanvasObject {
	icon := canvas.NewImageFromResource(appIcon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(48))

	title := widget.NewLabelWithStyle(k.tr.T("app.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	unit := widget.NewLabel(k.unit)
	k.syncLabel = widget.NewLabel(k.syncText())

	other := kiosk.EN
	if k.tr.lang == kiosk.EN {
		other = kiosk.VI
	}
	langSwitch := &widget.Button{
		Text:     k.tr.T("lang.switch"),
		OnTapped: func() { k.setLang(other) },
	}
	sizeKey := "text.large"
	if k.largeText {
		sizeKey = "text.normal"
	}
	textSize := &widget.Button{Text: k.tr.T(sizeKey), Icon: theme.ZoomInIcon(), OnTapped: k.toggleTextSize}
	band := canvas.NewRectangle(goldAccent)
	band.SetMinSize(fyne.NewSize(0, 4))
	row := container.NewHBox(icon, title, layout.NewSpacer(), k.syncLabel, unit, textSize, langSwitch)
	k.saveBanner = widget.NewLabelWithStyle(k.tr.T("save.failed"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	k.saveBanner.Wrapping = fyne.TextWrapWord
	k.saveBanner.Importance = widget.DangerImportance
	k.saveBanner.Hidden = !k.saveFailed
	return container.NewVBox(container.NewPadded(row), band, k.saveBanner)
}
