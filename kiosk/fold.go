package kiosk

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold reduces text to the form search compares: Unicode NFD, combining
// marks dropped, đ/Đ turned into d, lower case, and every run of characters
// that are neither letters nor digits collapsed into one space, trimmed.
//
// "Đăng ký  KHAI-SINH!" and its decomposed (NFD) spelling both fold to
// "dang ky khai sinh", so a citizen may type with or without tones, in any
// case, on any keyboard. The UI reuses Fold to highlight and compare text.
func Fold(s string) string {
	return string(appendFold(make([]byte, 0, len(s)), s))
}

// appendFold appends the folded form of s to dst, so that Search and
// NewIndex can fold into a reused buffer.
func appendFold(dst []byte, s string) []byte {
	if !latinOnly(s) {
		s = norm.NFD.String(s)
	}
	return appendFoldNFD(dst, s)
}

// appendFoldNFD folds s, which must be NFD or latinOnly. NFD splits "ế"
// into e + circumflex + acute, so the marks can be dropped one by one:
// composed and decomposed input end up the same.
func appendFoldNFD(dst []byte, s string) []byte {
	space := false // a separator is pending; written only before a letter
	for _, r := range s {
		f, ok := foldRune(r)
		switch {
		case !ok:
			space = len(dst) > 0
			continue
		case f == "":
			continue
		case space:
			dst = append(dst, ' ')
			space = false
		}
		dst = append(dst, f...)
	}
	return dst
}

// foldRune returns what r folds to, "" for a mark to drop, and false for
// a separator.
func foldRune(r rune) (string, bool) {
	if r < utf8.RuneSelf {
		return asciiFold[r], asciiFold[r] != ""
	}
	if f, ok := latinFold(r); ok {
		return f, f != " "
	}
	return foldOther(r)
}

// foldOther folds a rune that is not in the tables: one from an NFD string.
func foldOther(r rune) (string, bool) {
	switch {
	case isDee(r):
		return "d", true
	case unicode.Is(unicode.Mn, r):
		// Tone and vowel marks. Only nonspacing marks: spacing marks
		// (Mc) carry vowels in Indic scripts and must stay.
		return "", true
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return string(unicode.ToLower(r)), true
	}
	return "", false
}

// isDee reports whether r is a d with a stroke. Đ has no Unicode
// decomposition, so NFD leaves it alone. The Icelandic eth (Ð, ð) looks the
// same and turns up in text converted from the old TCVN3 and VNI fonts.
func isDee(r rune) bool {
	switch r {
	case 'đ', 'Đ', 'ð', 'Ð':
		return true
	}
	return false
}

// The precomposed Latin letters, Vietnamese's among them, fold through
// tables computed once with NFD: text in Latin script then skips the
// normaliser, which is most of the time NewIndex spends.
const (
	latinLo, latinHi       = 0x00C0, 0x0250 // Latin-1 letters to Latin Extended-B: ă đ ơ ư…
	extendedLo, extendedHi = 0x1E00, 0x1F00 // Latin Extended Additional: ạ ả ấ ầ ẩ ẫ ậ…
	marksLo, marksHi       = 0x0300, 0x0370 // combining diacritical marks, as in NFD text
)

var (
	asciiFold [utf8.RuneSelf]string
	// latinTable holds latinLo…latinHi, then extendedLo…extendedHi; " "
	// marks a separator (× and ÷ sit among the letters).
	latinTable [latinHi - latinLo + extendedHi - extendedLo]string
)

func init() {
	for r := range rune(utf8.RuneSelf) {
		if f, ok := foldOther(r); ok {
			asciiFold[r] = f
		}
	}
	for i := range latinTable {
		r := rune(latinLo + i)
		if i >= latinHi-latinLo {
			r = rune(extendedLo + i - (latinHi - latinLo))
		}
		latinTable[i] = foldSlow(r)
	}
}

// foldSlow folds one rune the long way, through NFD.
func foldSlow(r rune) string {
	var b []byte
	sep := false
	for _, d := range norm.NFD.String(string(r)) {
		f, ok := foldOther(d)
		sep = sep || !ok
		b = append(b, f...)
	}
	if sep || len(b) == 0 {
		return " "
	}
	return string(b)
}

func latinFold(r rune) (string, bool) {
	switch {
	case latinLo <= r && r < latinHi:
		return latinTable[r-latinLo], true
	case extendedLo <= r && r < extendedHi:
		return latinTable[latinHi-latinLo+r-extendedLo], true
	}
	return "", false
}

// latinOnly reports whether s folds without the normaliser: ASCII, the
// tabled Latin letters, đ, and loose combining marks.
func latinOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return latinOnlyRunes(s[i:])
		}
	}
	return true
}

func latinOnlyRunes(s string) bool {
	for _, r := range s {
		if _, ok := latinFold(r); !ok && r >= utf8.RuneSelf && (r < marksLo || r >= marksHi) {
			return false
		}
	}
	return true
}
