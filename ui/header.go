package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
)

var appIcon = fyne.NewStaticResource("icon.png", assets.Icon())

// headerBar is the band on top of every screen: who we are, where the
// kiosk stands, the sync status, read-aloud, the call for help, the text
// size and the language switch.
// It is built once and updated in place: rebuilt with every screen, it
// cost more than the screen under it. It always keeps the normal text
// size, so it fits the screen's width in large-text mode too.
type headerBar struct {
	view       *normalSize // the header, kept at the normal text size
	title      *widget.Label
	unit       *widget.Label
	sync       *widget.Label
	textSize   *widget.Button
	langSwitch *widget.Button
	help       *widget.Button // calls the digital-tech team; says where the call stands
	readAloud  *widget.Button // reads the screen's instruction aloud
	saveBanner *widget.Label  // shown while autosaves fail
}

func (k *Kiosk) newHeader() *headerBar {
	icon := canvas.NewImageFromResource(appIcon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(48))
	h := &headerBar{
		title:      widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		unit:       widget.NewLabel(k.unit),
		sync:       widget.NewLabel(""),
		textSize:   &widget.Button{Icon: theme.ZoomInIcon(), OnTapped: k.toggleTextSize},
		langSwitch: &widget.Button{OnTapped: k.switchLang},
		help:       &widget.Button{Icon: theme.HelpIcon(), Importance: widget.WarningImportance, OnTapped: k.onHelp},
		readAloud:  &widget.Button{Icon: theme.VolumeUpIcon(), OnTapped: k.onReadAloud},
		saveBanner: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
	}
	h.title.SizeName = theme.SizeNameSubHeadingText
	h.saveBanner.Wrapping, h.saveBanner.Importance = fyne.TextWrapWord, widget.DangerImportance
	band := canvas.NewRectangle(goldAccent)
	band.SetMinSize(fyne.NewSize(0, 4))
	corner := newHoldCorner(adminHold, func() time.Time { return k.opts.Now() }, k.openAdminPad)
	// The unit's name takes the room the buttons leave, cut short with an
	// ellipsis rather than pushing the buttons off a narrow screen.
	h.unit.Alignment, h.unit.Truncation = fyne.TextAlignTrailing, fyne.TextTruncateEllipsis
	row := container.NewBorder(nil, nil, container.NewHBox(container.NewStack(icon, corner), h.title),
		container.NewHBox(h.sync, h.readAloud, h.help, h.textSize, h.langSwitch), h.unit)
	h.view = newNormalSize(container.NewVBox(container.NewPadded(row), band, h.saveBanner))
	return h
}

// refreshHeader puts the header in the current language and state. The
// language switch is labelled in the language it switches to, so a
// citizen who cannot read the current one finds it.
func (k *Kiosk) refreshHeader() {
	h := k.head
	h.title.SetText(k.tr.T("app.title"))
	unit := k.unit
	if a := k.assistant; a != nil {
		unit = k.tr.T("assist.by", "name", a.name) // the counter is known: who helps is news
	}
	h.unit.SetText(unit)
	h.sync.SetText(k.syncText())
	sizeKey := "text.large"
	if k.largeText {
		sizeKey = "text.normal"
	}
	h.textSize.SetText(k.tr.T(sizeKey))
	h.langSwitch.SetText(k.tr.T("lang.switch"))
	h.help.SetText(k.helpButtonText())
	h.help.Hidden = k.opts.HelpDesk == nil || k.screen == screenAdmin || k.screen == screenEnroll
	h.help.Refresh()
	h.readAloud.SetText(k.tr.T("speak.button"))
	h.readAloud.Hidden = !k.canSpeak() || k.instruction() == ""
	h.readAloud.Refresh()
	h.saveBanner.SetText(k.tr.T("save.failed"))
	h.saveBanner.Hidden = !k.saveFailed
	h.saveBanner.Refresh()
}

// switchLang shows the kiosk in the other language.
func (k *Kiosk) switchLang() {
	if k.tr.lang == kiosk.EN {
		k.setLang(kiosk.VI)
	} else {
		k.setLang(kiosk.EN)
	}
}

// normalSize holds content that keeps the normal text size whatever the
// app's theme: the header and the keyboard, which must fit the screen's
// width in large-text mode too. It wraps the content in a theme override
// only while the app's theme is the large one. An override is not free:
// Fyne parses the font files again for every overridden scope, and the two
// overrides, built at start for a mode few citizens choose, took a fifth
// of the kiosk's start-up.
//
// Place the Container in a screen, not the normalSize itself: Fyne draws
// and walks a *fyne.Container, not a type that embeds one.
type normalSize struct {
	*fyne.Container // a stack holding the content, or its override
	content         fyne.CanvasObject
	override        fyne.CanvasObject // built the first time large type is on
}

func newNormalSize(content fyne.CanvasObject) *normalSize {
	return &normalSize{Container: container.NewStack(content), content: content}
}

// fit shows the content as it is under the normal theme, and inside an
// override to the normal theme under the large one.
func (n *normalSize) fit(large bool) {
	show := n.content
	if large {
		if n.override == nil {
			n.override = container.NewThemeOverride(n.content, counter)
		}
		show = n.override
	}
	if n.Objects[0] != show {
		n.Objects[0] = show
		n.Refresh()
	}
}
