// Package telex turns Telex keystrokes into Vietnamese letters, the way
// Unikey does, for the kiosk's on-screen keyboard. It is pure Go: the
// keyboard asks Type what the word before the cursor becomes when one more
// key is typed, and the tone palette asks ApplyTone and ApplyMark.
//
// # Keys
//
//	aa â   aw ă   ee ê   oo ô   ow ơ   uw ư   uow ươ   dd đ
//	s sắc  f huyền  r hỏi  x ngã  j nặng  z removes the tone
//
// Marks and tones may be typed anywhere after their vowel, also after the
// final consonant ("Tuaans" and "Tuaasn" both give "Tuấn"). Typing the same
// key again undoes it and types the letter, as Unikey does: "tass" gives
// "tas", "aaa" gives "aa", "ddd" gives "dd", so every letter stays
// typeable. A key that cannot apply (a tone with no vowel, "w" after "e",
// a word that is not a Vietnamese syllable such as "Chris") is just a
// letter. A lone "w" is a "w", not "ư": the kiosk also takes foreign names
// and e-mail addresses, and "uw" is the Telex spelling of ư.
//
// # Where the tone goes
//
// The kiosk uses the modern ("kiểu mới") placement that the Ministry of
// Education's 2018 spelling rules and most current keyboards follow:
//
//   - a vowel with its own mark (â ă ê ô ơ ư) takes the tone; in ươ the ơ
//     ("người", "được"), in ưu the ư ("cứu");
//   - otherwise, with a final consonant, the last vowel ("hoàn", "toán",
//     "huỳnh");
//   - without one, the second vowel of oa, oe, uy ("hoà", "khoẻ", "thuý"),
//     the middle one of three ("ngoài", "khuỷu"), and the first of any
//     other pair ("mái", "của", "mía");
//   - the u of qu and the i of gi before another vowel belong to the
//     consonant ("quý", "quà", "giá", "giữ"), but gi alone is a vowel
//     ("gì", "gìn").
//
// ươ with no final letter becomes uơ as soon as it carries a tone, which is
// how "thuở" is written; a later final letter turns it back ("đuờ" then
// "n" gives "đườn").
//
// All output is NFC, the form the kiosk stores and searches.
package telex

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tone is one of the six Vietnamese tones (thanh điệu). None is the level
// tone, written without a mark.
type Tone int

// The tones, in the order the keyboard's palette shows them after None.
const (
	None  Tone = iota // ngang: a
	Sac               // sắc: á (Telex s)
	Huyen             // huyền: à (Telex f)
	Hoi               // hỏi: ả (Telex r)
	Nga               // ngã: ã (Telex x)
	Nang              // nặng: ạ (Telex j)
)

var toneNames = [...]string{None: "ngang", Sac: "sắc", Huyen: "huyền", Hoi: "hỏi", Nga: "ngã", Nang: "nặng"}

// String returns the tone's Vietnamese name, "sắc" for Sac.
func (t Tone) String() string {
	if t < None || t > Nang {
		return "Tone(" + strconv.Itoa(int(t)) + ")"
	}
	return toneNames[t]
}

// Mark is a mark that makes a letter of its own: â ê ô (Circumflex), ă
// (Breve), ơ ư (Horn) and đ (Stroke). Unlike a tone it stays with its letter.
type Mark int

// The letter marks. NoMark is a plain letter.
const (
	NoMark     Mark = iota
	Circumflex      // â ê ô (Telex aa ee oo)
	Breve           // ă (Telex aw)
	Horn            // ơ ư (Telex ow uw)
	Stroke          // đ (Telex dd)
)

// letter is one letter of a word taken apart: its plain lower-case base,
// its own mark and its case. The word's tone is kept apart (syllable.tone)
// and put back on the right vowel when the word is written out, so typing
// more letters can move it ("hoà" + "n" = "hoàn").
type letter struct {
	base  rune
	mark  Mark
	upper bool
}

type syllable struct {
	letters []letter
	tone    Tone
}

// parts says where a syllable's initial consonant ends and its final
// consonant starts: letters[:nucleus] is the initial, [nucleus:final] the
// vowels, [final:] the final consonant.
type parts struct{ nucleus, final int }

// Convert turns Telex-typed text into Vietnamese, word by word, keeping
// everything between words (spaces, digits, punctuation) as it is. It gives
// the same result as typing s one key at a time with Type.
func Convert(s string) string {
	s = clean(s)
	var out strings.Builder
	out.Grow(len(s) + len(s)/2)
	word, foreign := "", false
	for _, r := range s {
		switch {
		case !unicode.IsLetter(r):
			out.WriteString(word)
			out.WriteRune(r)
			word, foreign = "", false
		case foreign:
			out.WriteRune(r)
		default:
			word = typeWord(word, r)
			if foreign = isForeign(word); foreign {
				out.WriteString(word)
				word = ""
			}
		}
	}
	out.WriteString(word)
	return norm.NFC.String(out.String())
}

// isForeign reports whether word has stopped being a Vietnamese syllable
// for good: no key can change it any more, so Convert copies the rest of it
// as it comes instead of retyping it, which keeps long input linear.
func isForeign(word string) bool {
	return !isSyllable(word) && !isSyllable(applyMarkKeys(word))
}

func isSyllable(word string) bool {
	s, ok := decode(word)
	if ok {
		_, ok = s.parse()
	}
	return ok
}

// Type returns what text becomes when the key r is typed at its end. Only
// the last word (the letters after the last non-letter) can change, so the
// keyboard may pass the whole text before the cursor or just that word.
// Type("Nguyên", 'x') is "Nguyễn"; Type("tá", 's') is "tas".
//
// A word that still holds mark keys (typed while Telex was off, or pasted)
// has them applied when a tone key comes, if that makes a Vietnamese
// syllable of it: Type("Nguyeen", 'x') is "Nguyễn" too. Tone keys in it
// stay letters, so an undone tone stays undone: Type("tas", 's') is "tass".
func Type(text string, r rune) string {
	prefix, word := splitWord(clean(text))
	if !unicode.IsLetter(r) {
		return norm.NFC.String(prefix + word + string(r))
	}
	return norm.NFC.String(prefix + typeWord(word, r))
}

// clean makes text valid UTF-8 in NFC, the only text the rest works on.
func clean(text string) string {
	return norm.NFC.String(strings.ToValidUTF8(text, "\uFFFD"))
}

// applyMarkKeys types word again with only the mark keys (aa, aw, ee, oo,
// ow, uw, dd) working. Once the result stops being a syllable no key can
// change it, so the rest is copied: that keeps a long pasted word linear.
func applyMarkKeys(word string) string {
	out := ""
	for i, r := range word {
		if !isSyllable(out) {
			return out + word[i:]
		}
		out = typeKey(out, r, false)
	}
	return out
}

// ApplyTone puts tone on the last word of text, replacing its tone (None
// removes it), for the tone palette: a citizen who does not know Telex types
// "a" and taps "á". Text whose last word has no vowel or is not a Vietnamese
// syllable comes back unchanged.
func ApplyTone(text string, tone Tone) string {
	prefix, word := splitWord(clean(text))
	s, ok := decode(word)
	if !ok || tone < None || tone > Nang {
		return prefix + word
	}
	if p, ok := s.parse(); !ok || p.nucleus == p.final {
		return prefix + word
	}
	s.tone = tone
	return prefix + s.encode()
}

// ApplyMark adds mark to the last word of text, where Telex would put it:
// Circumflex on its a, e or o, Breve on its a, Horn on its o or u (both
// of uo), Stroke on an initial d. Tapping the same mark again takes it off,
// so a wrong tap is undone by a second one. NoMark removes every letter
// mark, đ included. Text with no letter for the mark comes back unchanged.
func ApplyMark(text string, mark Mark) string {
	prefix, word := splitWord(clean(text))
	s, ok := decode(word)
	if !ok {
		return prefix + word
	}
	p, ok := s.parse()
	if !ok || !s.toggleMark(p, mark) {
		return prefix + word
	}
	return prefix + s.encode()
}

// splitWord cuts text before its trailing run of letters.
func splitWord(text string) (prefix, word string) {
	i := strings.LastIndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	if i < 0 {
		return "", text
	}
	_, size := utf8.DecodeRuneInString(text[i:])
	return text[:i+size], text[i+size:]
}

// typeWord types the letter r at the end of word, a run of letters.
func typeWord(word string, r rune) string {
	if _, ok := toneKeys[unicode.ToLower(r)]; ok {
		// Only when that makes a syllable of it: a word that stays foreign
		// must stay exactly as typed.
		if marked := applyMarkKeys(word); marked != word && isSyllable(marked) {
			word = marked
		}
	}
	return typeKey(word, r, true)
}

// typeKey is typeWord; with tones false, tone keys and z are letters.
func typeKey(word string, r rune, tones bool) string {
	s, ok := decode(word)
	if !ok {
		return word + string(r)
	}
	if p, ok := s.parse(); ok {
		if out, done := s.key(p, r, tones); done {
			return out
		}
	}
	return appendLetter(word, r)
}

// appendLetter types r as a plain letter. The word is rewritten when it is
// still a syllable, so a tone typed early moves to where it belongs
// ("hoà" + "n" = "hoàn"); otherwise r just goes on the end.
func appendLetter(word string, r rune) string {
	s, ok := decode(word + string(r))
	if !ok {
		return word + string(r)
	}
	if _, ok := s.parse(); !ok {
		return word + string(r)
	}
	return s.encode()
}

// key applies r as a Telex key to a word that is a syllable. done is false
// when r is not a Telex key or cannot apply here; the caller then types it
// as a letter.
func (s *syllable) key(p parts, r rune, tones bool) (out string, done bool) {
	k := unicode.ToLower(r)
	if _, ok := toneKeys[k]; !tones && (ok || k == 'z') {
		return "", false
	}
	switch k {
	case 's', 'f', 'r', 'x', 'j':
		return s.toneKey(p, toneKeys[k], r)
	case 'z':
		if p.nucleus == p.final || s.tone == None {
			return "", false
		}
		s.tone = None
		return s.encode(), true
	case 'a', 'e', 'o':
		return s.markKey(p, r, func() bool { return s.circumflex(p, k) }, k, Circumflex)
	case 'w':
		return s.wKey(p, r)
	case 'd':
		return s.strokeKey(p, r)
	}
	return "", false
}

var toneKeys = map[rune]Tone{'s': Sac, 'f': Huyen, 'r': Hoi, 'x': Nga, 'j': Nang}

func (s *syllable) toneKey(p parts, t Tone, r rune) (string, bool) {
	if p.nucleus == p.final {
		return "", false // no vowel yet: "s" is an s
	}
	if s.tone == t {
		s.tone = None
		return s.encode() + string(r), true
	}
	// After c, ch, p, t (and k in Đắk Lắk) Vietnamese has only sắc and
	// nặng, so "cacf" is a word the citizen is spelling, not "càc".
	if isStopFinal(s.letters[p.final:]) && t != Sac && t != Nang {
		return "", false
	}
	s.tone = t
	return s.encode(), true
}

// markKey handles a/e/o and w: the same key on a letter that already has
// the key's mark undoes it and types the key ("aaa" = "aa", "aww" = "aw");
// otherwise apply tries to add the mark.
func (s *syllable) markKey(p parts, r rune, apply func() bool, base rune, marks ...Mark) (string, bool) {
	if i := s.findMark(p, base, marks...); i >= 0 {
		s.clearMarks(p, i, marks...)
		return s.encode() + string(r), true
	}
	if p.nucleus == p.final || !apply() {
		return "", false
	}
	return s.encode(), true
}

// wKey is w: it first completes a half-made ươ ("đưo" + "w" = "đươ"),
// then works as a mark key for ă, ơ, ư.
func (s *syllable) wKey(p parts, r rune) (string, bool) {
	if i := s.halfUO(p); i >= 0 {
		if !s.tryMarks(p, []int{i, i + 1}, Horn) {
			return "", false
		}
		return s.encode(), true
	}
	return s.markKey(p, r, func() bool { return s.hornOrBreve(p) }, 0, Horn, Breve)
}

// halfUO returns the index of the u of a uo pair that lacks a horn on
// either letter, or -1.
func (s *syllable) halfUO(p parts) int {
	i := s.uoPair(p)
	if i < 0 || s.letters[i].mark == Horn && s.letters[i+1].mark == Horn {
		return -1
	}
	return i
}

func (s *syllable) strokeKey(p parts, r rune) (string, bool) {
	if p.nucleus != 1 || s.letters[0].base != 'd' {
		return "", false // dd works on the initial d only
	}
	if s.letters[0].mark == Stroke {
		s.letters[0].mark = NoMark
		return s.encode() + string(r), true
	}
	s.letters[0].mark = Stroke
	return s.encode(), true
}

// findMark returns the index of a vowel that has one of marks (and base,
// unless base is 0), or -1.
func (s *syllable) findMark(p parts, base rune, marks ...Mark) int {
	for i := p.nucleus; i < p.final; i++ {
		l := s.letters[i]
		if (base == 0 || l.base == base) && hasMark(l.mark, marks) {
			return i
		}
	}
	return -1
}

// clearMarks undoes a mark at i; a horn on ơ of ươ goes with the ư's, since
// "uow" made both.
func (s *syllable) clearMarks(p parts, i int, marks ...Mark) {
	s.letters[i].mark = NoMark
	if !hasMark(Horn, marks) {
		return
	}
	for j := p.nucleus; j < p.final; j++ {
		if s.letters[j].mark == Horn {
			s.letters[j].mark = NoMark
		}
	}
}

func hasMark(m Mark, marks []Mark) bool {
	for _, x := range marks {
		if m == x {
			return true
		}
	}
	return false
}

// circumflex puts a circumflex on the vowel base (a, e or o), trying the
// last one first, if the result is a Vietnamese vowel group.
func (s *syllable) circumflex(p parts, base rune) bool {
	for i := p.final - 1; i >= p.nucleus; i-- {
		if s.letters[i].base == base && s.tryMark(p, i, Circumflex) {
			return true
		}
	}
	return false
}

// hornOrBreve is the w key: ươ when the vowels hold u then o, else the
// first of a→ă, o→ơ, u→ư that gives a Vietnamese vowel group ("ua" gives
// "ưa", "oa" gives "oă").
func (s *syllable) hornOrBreve(p parts) bool {
	if i := s.uoPair(p); i >= 0 {
		return s.tryMarks(p, []int{i, i + 1}, Horn)
	}
	for i := p.nucleus; i < p.final; i++ {
		m := Horn
		switch s.letters[i].base {
		case 'a':
			m = Breve
		case 'o', 'u':
		default:
			continue
		}
		if s.tryMark(p, i, m) {
			return true
		}
	}
	return false
}

// uoPair returns the index of the u of a "uo" in the vowels, or -1.
func (s *syllable) uoPair(p parts) int {
	for i := p.nucleus; i+1 < p.final; i++ {
		if s.letters[i].base == 'u' && s.letters[i+1].base == 'o' {
			return i
		}
	}
	return -1
}

func (s *syllable) tryMark(p parts, i int, m Mark) bool {
	return s.tryMarks(p, []int{i}, m)
}

// tryMarks sets mark m on the letters at idx and keeps the change only if
// the vowels still form a Vietnamese vowel group; a circumflex on the o of
// ươ also takes the horn off its u ("ươ" + "o" = "uô").
func (s *syllable) tryMarks(p parts, idx []int, m Mark) bool {
	saved := append([]letter(nil), s.letters[p.nucleus:p.final]...)
	for _, i := range idx {
		s.letters[i].mark = m
		if m == Circumflex && i > p.nucleus && s.letters[i-1].base == 'u' {
			s.letters[i-1].mark = NoMark
		}
	}
	if validNuclei[s.nucleusKey(p)] {
		return true
	}
	copy(s.letters[p.nucleus:p.final], saved)
	return false
}

// toggleMark is ApplyMark on a parsed syllable: it completes a half-made
// ươ, takes off a mark that is there, or adds it.
func (s *syllable) toggleMark(p parts, m Mark) bool {
	switch m {
	case NoMark:
		for i := range s.letters {
			s.letters[i].mark = NoMark
		}
		return true
	case Stroke:
		_, ok := s.strokeKey(p, 'd')
		return ok
	case Horn:
		if i := s.halfUO(p); i >= 0 {
			return s.tryMarks(p, []int{i, i + 1}, Horn)
		}
	}
	if i := s.findMark(p, 0, m); i >= 0 {
		s.clearMarks(p, i, m)
		return true
	}
	switch m {
	case Circumflex:
		return s.circumflex(p, 'a') || s.circumflex(p, 'e') || s.circumflex(p, 'o')
	case Breve:
		return s.breve(p)
	case Horn:
		return s.horn(p)
	}
	return false
}

func (s *syllable) breve(p parts) bool {
	for i := p.nucleus; i < p.final; i++ {
		if s.letters[i].base == 'a' && s.tryMark(p, i, Breve) {
			return true
		}
	}
	return false
}

// horn is the w key without its a→ă.
func (s *syllable) horn(p parts) bool {
	if i := s.uoPair(p); i >= 0 {
		return s.tryMarks(p, []int{i, i + 1}, Horn)
	}
	for i := p.nucleus; i < p.final; i++ {
		if b := s.letters[i].base; (b == 'o' || b == 'u') && s.tryMark(p, i, Horn) {
			return true
		}
	}
	return false
}

// decode takes a word apart into letters and its tone. It fails on a rune
// that is not a Vietnamese or ASCII letter and on a second tone, since no
// Vietnamese syllable has either.
func decode(word string) (syllable, bool) {
	s := syllable{letters: make([]letter, 0, len(word))}
	for _, r := range word {
		lower := unicode.ToLower(r)
		l := letter{base: lower, upper: lower != r}
		switch v, ok := vowels[lower]; {
		case ok:
			l.base, l.mark = v.base, v.mark
			if v.tone != None && s.tone != None {
				return s, false
			}
			if v.tone != None {
				s.tone = v.tone
			}
		case lower == 'đ':
			l.base, l.mark = 'd', Stroke
		case lower < 'a' || lower > 'z':
			return s, false
		}
		s.letters = append(s.letters, l)
	}
	return s, true
}

// parse splits the letters into initial consonant, vowels and final
// consonant. ok is false when the word is not shaped like a Vietnamese
// syllable (an unknown initial such as "chr" or "j", a final other than
// c ch k m n ng nh p t, a vowel after the final); Telex then leaves it be.
func (s *syllable) parse() (p parts, ok bool) {
	ls := s.letters
	i := 0
	for i < len(ls) && !isVowel(ls[i].base) {
		i++
	}
	if i == 1 && i+1 < len(ls) && isVowel(ls[i+1].base) && clusterVowel(ls[0], ls[1]) {
		i++ // the u of qu, the i of gi belong to the consonant
	}
	j := i
	for j < len(ls) && isVowel(ls[j].base) {
		j++
	}
	p = parts{nucleus: i, final: j}
	// No Vietnamese vowel group is longer than three ("uyê", "ươi"); the
	// limit also keeps every word Telex works on short.
	return p, j-i <= 3 && validInitials[consonants(ls[:i])] && validFinals[consonants(ls[j:])]
}

func clusterVowel(c, v letter) bool {
	return v.mark == NoMark && (c.base == 'q' && v.base == 'u' || c.base == 'g' && v.base == 'i')
}

// consonants spells letters in lower case; a marked vowel (an "ư" where a
// consonant should be) spells as "?" so it matches no table entry.
func consonants(ls []letter) string {
	var b strings.Builder
	for _, l := range ls {
		switch {
		case l.mark == Stroke:
			b.WriteRune('đ')
		case l.mark != NoMark:
			b.WriteByte('?')
		default:
			b.WriteRune(l.base)
		}
	}
	return b.String()
}

// encode writes the syllable out, its tone on the vowel the modern rules
// choose. A word that does not parse keeps the tone on its last vowel.
func (s *syllable) encode() string {
	p, ok := s.parse()
	at := s.lastVowel()
	if ok {
		s.fixUO(p)
		at = s.toneIndex(p)
	}
	var b strings.Builder
	b.Grow(len(s.letters) * 3)
	for i, l := range s.letters {
		r := l.base
		switch {
		case isVowel(l.base):
			t := None
			if i == at {
				t = s.tone
			}
			if c, ok := composed[vowel{l.base, l.mark, t}]; ok {
				r = c
			}
		case l.mark == Stroke:
			r = 'đ'
		}
		if l.upper {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *syllable) lastVowel() int {
	for i := len(s.letters) - 1; i >= 0; i-- {
		if isVowel(s.letters[i].base) {
			return i
		}
	}
	return -1
}

// fixUO spells u+ơ as ươ when a letter follows ("đươ" + "ng") and as uơ
// when it ends the word with a tone ("thuở"): ươ never ends a syllable.
func (s *syllable) fixUO(p parts) {
	for i := p.nucleus; i+1 < p.final; i++ {
		u, o := &s.letters[i], s.letters[i+1]
		if u.base != 'u' || o.base != 'o' || o.mark != Horn {
			continue
		}
		switch {
		case i+2 < len(s.letters):
			u.mark = Horn
		case s.tone != None:
			u.mark = NoMark
		}
	}
}

// toneIndex returns the index of the letter that carries the tone, or -1
// for a word without vowels. See the package comment for the rules.
func (s *syllable) toneIndex(p parts) int {
	v := s.letters[p.nucleus:p.final]
	n := len(v)
	for i := n - 1; i >= 0; i-- {
		if v[i].mark != NoMark {
			return p.nucleus + i
		}
	}
	switch {
	case n == 0:
		return -1
	case n == 1:
		return p.nucleus
	case p.final < len(s.letters): // a final consonant: the last vowel
		return p.final - 1
	case n >= 3: // oai, uya, uyu, oeo: the middle one
		return p.final - 2
	case secondTakesTone[string([]rune{v[0].base, v[1].base})]:
		return p.nucleus + 1
	}
	return p.nucleus
}

// secondTakesTone lists the open vowel pairs whose second vowel takes the
// tone under the modern rule: hoà, khoẻ, thuý (the old style wrote hòa,
// khỏe, thúy).
var secondTakesTone = map[string]bool{"oa": true, "oe": true, "uy": true}

// nucleusKey spells the vowels in lower case without a tone.
func (s *syllable) nucleusKey(p parts) string {
	var b strings.Builder
	for _, l := range s.letters[p.nucleus:p.final] {
		b.WriteRune(composed[vowel{l.base, l.mark, None}])
	}
	return b.String()
}

func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

func isStopFinal(ls []letter) bool {
	switch consonants(ls) {
	case "c", "ch", "k", "p", "t":
		return true
	}
	return false
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

var (
	// validInitials are the Vietnamese initial consonants, plus kr and pl
	// for Central Highlands names (Krông Pắc, Pleiku). f, j, w and z are
	// left out on purpose: a word starting with them is foreign ("Jose"),
	// and Telex must not turn its s into a tone.
	validInitials = set("", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m",
		"n", "ng", "ngh", "nh", "p", "ph", "q", "qu", "r", "s", "t", "th", "tr", "v", "x", "kr", "pl")

	// validFinals are the final consonants, with k for Đắk Lắk.
	validFinals = set("", "c", "ch", "k", "m", "n", "ng", "nh", "p", "t")

	// validNuclei are the vowel groups of Vietnamese, without tones. A mark
	// is only added when the result is one of them: "oa" + "w" is "oă"
	// (xoăn), "ua" + "w" is "ưa" (mưa), and "oa" + "a" stays "oaa".
	validNuclei = set(
		"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
		"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi",
		"ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ưu", "ươ", "yê",
		"iêu", "oai", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu")
)

// vowel is a vowel taken apart: base letter, letter mark and tone.
type vowel struct {
	base rune
	mark Mark
	tone Tone
}

// vowels maps every lower-case Vietnamese vowel, plain or marked, to its
// parts; composed is the way back. Both are built from Unicode's own
// composition so no letter is typed in by hand.
var vowels, composed = vowelTables()

func vowelTables() (map[rune]vowel, map[vowel]rune) {
	marks := map[rune][]Mark{
		'a': {NoMark, Circumflex, Breve}, 'e': {NoMark, Circumflex}, 'i': {NoMark},
		'o': {NoMark, Circumflex, Horn}, 'u': {NoMark, Horn}, 'y': {NoMark},
	}
	markAccent := map[Mark]string{Circumflex: "\u0302", Breve: "\u0306", Horn: "\u031B"}
	toneAccent := [...]string{None: "", Sac: "\u0301", Huyen: "\u0300", Hoi: "\u0309", Nga: "\u0303", Nang: "\u0323"}
	dec, enc := map[rune]vowel{}, map[vowel]rune{}
	for base, ms := range marks {
		for _, m := range ms {
			for t, accent := range toneAccent {
				s := norm.NFC.String(string(base) + markAccent[m] + accent)
				r, size := utf8.DecodeRuneInString(s)
				if size != len(s) {
					panic("telex: no precomposed letter for " + s)
				}
				v := vowel{base, m, Tone(t)}
				dec[r], enc[v] = v, r
			}
		}
	}
	return dec, enc
}
