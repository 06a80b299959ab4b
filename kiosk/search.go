package kiosk

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Hit is one search result.
type Hit struct {
	// Procedure points into the slice given to NewIndex.
	Procedure *Procedure
	// Score orders the hits of one search, highest first. Its scale is not
	// part of the API: compare scores of the same query only.
	Score float64
}

// Index finds procedures by what a citizen types: with or without tones,
// in any case, half-typed (the last word is a prefix) or with a one-letter
// typo. Build it once per catalog with NewIndex.
//
// Search is safe for concurrent use, and so is SetBoost.
type Index struct {
	procs    []Procedure
	tokens   []string           // every distinct folded word, sorted for prefix search
	ids      map[string]int32   // word → its index in tokens
	postings [][]posting        // by token index: the procedures that hold the word
	typos    map[string][]int32 // word, or word minus one letter → tokens (SymSpell)
	nameLen  []uint8            // words in each procedure's Vietnamese name
	boost    atomic.Pointer[[]float64]
	scratch  sync.Pool // *scratch, so that a search allocates next to nothing
}

// field is where in a procedure a word was found.
type field uint8

const (
	fieldName field = iota
	fieldNameEN
	fieldKeyword
	fieldCode
	fieldSummary
)

// fieldWeight ranks a match by where it is: the name says what the
// procedure is, the summary merely mentions words.
var fieldWeight = [...]float64{
	fieldName:    1.0,
	fieldNameEN:  0.9,
	fieldKeyword: 0.6,
	fieldCode:    0.6,
	fieldSummary: 0.3,
}

// How sure a word match is. A typo in the name (0.65) still beats an exact
// keyword (0.6): the name is what the citizen looks for.
const (
	exactWeight  = 1.0
	prefixWeight = 0.7 // plus up to prefixCover for how much of the word is typed
	prefixCover  = 0.1
	typoWeight   = 0.65
)

// The score is lexicographic in practice: every query word found outweighs
// any difference in match quality, quality outweighs the popularity boost,
// and position and name length only break ties.
const (
	coverageScore = 1000.0 // per query word found
	qualityScore  = 10.0   // per unit of field × match weight
	adjacentBonus = 0.05   // quality units per query word right after the previous one in the name
	boostScore    = 0.4    // for the most used procedure
	posScore      = 0.05   // for a name match at the first word
	lengthScore   = 0.04   // for a one-word name
)

const (
	maxQueryWords = 16 // a kiosk query is a few words; the rest is ignored
	minTypoLen    = 4  // shorter words have too many neighbours to guess a typo
	maxTypoLen    = 32 // longer "words" are not words; skip them
	noPos         = math.MaxUint8
)

// posting says that a procedure holds a word, in its strongest field. The
// position (word number in the name) is noPos outside the name.
type posting struct {
	doc   int32
	field field
	pos   uint8
}

// NewIndex indexes procs: their names in both languages, keywords, code and
// summaries. The index keeps procs and hits point into it, so procs must not
// change while the index is in use.
func NewIndex(procs []Procedure) *Index {
	b := builder{ids: make(map[string]int32)}
	ix := &Index{procs: procs, nameLen: make([]uint8, len(procs))}
	for d := range procs {
		ix.nameLen[d] = b.addProcedure(int32(d), &procs[d])
	}
	ix.tokens, ix.ids, ix.postings = b.sorted()
	ix.typos = deletionNeighbourhood(ix.tokens)
	ix.scratch.New = func() any { return newScratch(len(procs)) }
	return ix
}

// SetBoost tells the index how much each procedure is used at this kiosk,
// by procedure ID: counts or weights, scaled so that the largest is 1;
// negative and missing values count as 0; nil removes the boost. The boost
// orders hits that match about equally well ("đăng ký" matches a dozen
// names): at most it outweighs a slightly longer typed prefix, never a
// better field, a better kind of match, or one more query word found.
func (ix *Index) SetBoost(use map[string]float64) {
	b := make([]float64, len(ix.procs))
	top := 0.0
	for d := range ix.procs {
		if v := use[ix.procs[d].ID]; v > 0 && !math.IsInf(v, 1) {
			b[d] = v
			top = max(top, v)
		}
	}
	if top == 0 {
		ix.boost.Store(nil)
		return
	}
	for d := range b {
		b[d] /= top
	}
	ix.boost.Store(&b)
}

// Search returns at most limit procedures matching query, best first;
// limit ≤ 0 means all of them. A query with no letters or digits returns
// nil: the UI then shows the whole catalog.
//
// Every word of the query is matched exactly or, if no procedure has it and
// it has four letters or more, with a one-letter typo; the last word also
// matches as a prefix because the citizen may still be typing it.
func (ix *Index) Search(query string, limit int) []Hit {
	s := ix.scratch.Get().(*scratch)
	defer ix.release(s)
	s.query = appendFold(s.query[:0], query)
	var buf [maxQueryWords]string
	words := splitWords(buf[:0], string(s.query))
	for i, w := range words {
		ix.matchWord(s, w, i == len(words)-1)
		s.endWord(i)
	}
	if len(s.hits) == 0 {
		return nil
	}
	return ix.rank(s, limit)
}

// splitWords splits folded text into at most cap(dst) words.
func splitWords(dst []string, s string) []string {
	for s != "" && len(dst) < cap(dst) {
		w, rest, _ := strings.Cut(s, " ")
		dst = append(dst, w)
		s = rest
	}
	return dst
}

// matchWord offers every procedure that holds query word w. Only a word
// the catalog does not know is taken for a typo: "sinh" is a word, and
// guessing "tình" from it would rank noise over summary matches.
func (ix *Index) matchWord(s *scratch, w string, last bool) {
	id, known := ix.ids[w]
	if known {
		ix.offerToken(s, id, exactWeight)
	}
	if last {
		ix.matchPrefix(s, w)
	}
	if !known && typoable(w) {
		ix.matchTypos(s, w)
	}
}

func (ix *Index) offerToken(s *scratch, id int32, kind float64) {
	for _, p := range ix.postings[id] {
		s.offer(p, fieldWeight[p.field]*kind)
	}
}

// matchPrefix offers the words that start with w: the sorted token list
// holds them side by side.
func (ix *Index) matchPrefix(s *scratch, w string) {
	i, _ := slices.BinarySearch(ix.tokens, w)
	for ; i < len(ix.tokens) && strings.HasPrefix(ix.tokens[i], w); i++ {
		t := ix.tokens[i]
		if len(t) == len(w) {
			continue // w itself, matched exactly already
		}
		// The more of the word is typed, the surer: "sin" for "sinh"
		// beats "s".
		ix.offerToken(s, int32(i), prefixWeight+prefixCover*float64(len(w))/float64(len(t)))
	}
}

// matchTypos offers the words one edit away from w. Looking up w and w
// minus each letter in the deletion neighbourhood finds every candidate
// (insertion, deletion, substitution, transposition) in len(w)+1 map
// lookups instead of a scan of the vocabulary; isTypo then drops the false
// candidates the neighbourhood also yields (two substitutions apart).
func (ix *Index) matchTypos(s *scratch, w string) {
	s.seen = s.seen[:0]
	var key [maxTypoLen]byte
	n := copy(key[:], w)
	ix.offerTypos(s, w, key[:n])
	for i := range len(w) {
		n := copy(key[:], w[:i])
		n += copy(key[n:], w[i+1:])
		ix.offerTypos(s, w, key[:n])
	}
}

func (ix *Index) offerTypos(s *scratch, w string, key []byte) {
	for _, id := range ix.typos[string(key)] { // no allocation: Go looks up []byte keys in place
		if slices.Contains(s.seen, id) {
			continue
		}
		s.seen = append(s.seen, id)
		if t := ix.tokens[id]; t != w && isTypo(w, t) {
			ix.offerToken(s, id, typoWeight)
		}
	}
}

// typoable reports whether w takes part in typo matching: plain letters
// (a typo in a number changes its meaning), minTypoLen to maxTypoLen long.
func typoable(w string) bool {
	if len(w) < minTypoLen || len(w) > maxTypoLen {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// isTypo reports whether a and b, two different words, are one insertion,
// deletion, substitution or transposition of neighbours apart: a
// Damerau–Levenshtein distance of 1.
func isTypo(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	switch {
	case len(b) == len(a)+1:
		return a[i:] == b[i+1:]
	case len(b) != len(a) || i == len(a):
		return false
	case a[i+1:] == b[i+1:]:
		return true
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// rank scores the procedures the query found and returns the best limit.
func (ix *Index) rank(s *scratch, limit int) []Hit {
	var boost []float64
	if p := ix.boost.Load(); p != nil {
		boost = *p
	}
	k := len(s.hits)
	if limit > 0 && limit < k {
		k = limit
	}
	for _, d := range s.hits {
		s.keep(cand{doc: d, score: ix.score(&s.acc[d], d, boost)}, k)
	}
	s.finish(k)
	hits := make([]Hit, len(s.top))
	for i, c := range s.top {
		hits[i] = Hit{Procedure: &ix.procs[c.doc], Score: c.score}
	}
	return hits
}

func (ix *Index) score(a *docScore, d int32, boost []float64) float64 {
	sc := float64(a.matched)*coverageScore +
		(a.quality+adjacentBonus*float64(a.adjacent))*qualityScore
	if boost != nil {
		sc += boostScore * boost[d]
	}
	return sc + posScore/float64(1+int(a.pos)) + lengthScore/float64(1+int(ix.nameLen[d]))
}

// scratch is the per-search state, pooled: arrays indexed by procedure
// cost an allocation each per search otherwise.
type scratch struct {
	query    []byte
	word     []float64 // best match quality of the current query word, by procedure
	wordPos  []uint8   // name position of that best match
	acc      []docScore
	wordHits []int32 // procedures the current query word matched
	hits     []int32 // procedures any query word matched
	seen     []int32 // typo candidates already tried for the current word
	top      []cand
}

// docScore adds up how well one procedure matches the query.
type docScore struct {
	matched  int     // query words found
	quality  float64 // the sum of their best match weights
	adjacent int     // query words found right after the previous one in the name
	pos      uint8   // earliest name position of a match
	lastWord int     // the previous query word found
	lastPos  uint8   // where it was found in the name
}

type cand struct {
	score float64
	doc   int32
}

// cmpCand orders candidates best first; equal scores keep catalog order so
// that results never depend on map iteration or pool state.
func cmpCand(a, b cand) int {
	if a.score != b.score {
		return cmp.Compare(b.score, a.score)
	}
	return cmp.Compare(a.doc, b.doc)
}

func newScratch(n int) *scratch {
	return &scratch{
		word:    make([]float64, n),
		wordPos: make([]uint8, n),
		acc:     make([]docScore, n),
	}
}

// offer records that the current query word matches procedure p.doc with
// quality q, keeping the best match of the word per procedure.
func (s *scratch) offer(p posting, q float64) {
	d := p.doc
	if s.word[d] == 0 {
		s.wordHits = append(s.wordHits, d)
	}
	if q > s.word[d] {
		s.word[d] = q
		s.wordPos[d] = p.pos
	}
}

// endWord adds the best matches of query word i to the procedures' totals.
func (s *scratch) endWord(i int) {
	for _, d := range s.wordHits {
		a := &s.acc[d]
		if a.matched == 0 {
			s.hits = append(s.hits, d)
			a.pos, a.lastWord = noPos, -1
		}
		pos := s.wordPos[d]
		if pos != noPos && a.lastWord == i-1 && a.lastPos != noPos && pos == a.lastPos+1 {
			a.adjacent++
		}
		a.matched++
		a.quality += s.word[d]
		a.pos = min(a.pos, pos)
		a.lastWord, a.lastPos = i, pos
		s.word[d] = 0
	}
	s.wordHits = s.wordHits[:0]
}

// topSortMin is the limit from which sorting every candidate beats keeping
// a sorted top list by insertion.
const topSortMin = 64

// keep adds c to the top list if it is among the best k.
func (s *scratch) keep(c cand, k int) {
	if k >= topSortMin {
		s.top = append(s.top, c)
		return
	}
	n := len(s.top)
	if n == k && cmpCand(c, s.top[n-1]) > 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(s.top, c, cmpCand)
	if n < k {
		s.top = append(s.top, cand{})
	}
	copy(s.top[i+1:], s.top[i:]) // drops the last one when full
	s.top[i] = c
}

func (s *scratch) finish(k int) {
	if k >= topSortMin {
		slices.SortFunc(s.top, cmpCand)
		s.top = s.top[:k]
	}
}

func (ix *Index) release(s *scratch) {
	for _, d := range s.hits {
		s.acc[d] = docScore{}
	}
	s.hits, s.top = s.hits[:0], s.top[:0]
	ix.scratch.Put(s)
}

// builder collects the words of a catalog.
type builder struct {
	ids      map[string]int32
	tokens   []string
	postings [][]posting
	buf      []byte // the folded text being added, reused
}

// addProcedure indexes procedure d and returns the length of its name.
func (b *builder) addProcedure(d int32, p *Procedure) uint8 {
	n := b.addText(d, fieldName, p.Name.VI)
	b.addText(d, fieldNameEN, p.Name.EN)
	for _, k := range p.Keywords {
		b.addText(d, fieldKeyword, k)
	}
	b.addText(d, fieldCode, p.Code)
	b.addText(d, fieldSummary, p.Summary.VI)
	b.addText(d, fieldSummary, p.Summary.EN)
	return clampPos(n)
}

// addText indexes the words of text and returns how many there are.
func (b *builder) addText(d int32, f field, text string) int {
	b.buf = appendFold(b.buf[:0], text)
	n := 0
	for rest := b.buf; len(rest) > 0; n++ {
		w := rest
		if i := bytes.IndexByte(rest, ' '); i >= 0 {
			w, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		pos := uint8(noPos)
		if f == fieldName || f == fieldNameEN {
			pos = clampPos(n)
		}
		b.add(posting{doc: d, field: f, pos: pos}, w)
	}
	return n
}

func (b *builder) add(p posting, w []byte) {
	id, ok := b.ids[string(w)] // no allocation for a known word
	if !ok {
		id = int32(len(b.tokens))
		t := string(w)
		b.ids[t] = id
		b.tokens = append(b.tokens, t)
		b.postings = append(b.postings, nil)
	}
	ps := b.postings[id]
	// One posting per procedure and word, from its strongest field: a word
	// repeated in the summary says nothing more. Procedures are added one
	// after the other, so the procedure's posting, if any, is the last.
	if n := len(ps); n > 0 && ps[n-1].doc == p.doc {
		if fieldWeight[p.field] > fieldWeight[ps[n-1].field] {
			ps[n-1] = p
		}
		return
	}
	b.postings[id] = append(ps, p)
}

// sorted returns the words in order, for prefix search by binary search,
// with the map and postings renumbered to match.
func (b *builder) sorted() ([]string, map[string]int32, [][]posting) {
	order := make([]int32, len(b.tokens))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return strings.Compare(b.tokens[x], b.tokens[y]) })
	tokens := make([]string, len(order))
	postings := make([][]posting, len(order))
	for i, old := range order {
		tokens[i], postings[i] = b.tokens[old], b.postings[old]
		b.ids[tokens[i]] = int32(i)
	}
	return tokens, b.ids, postings
}

// deletionNeighbourhood maps every typo-matchable word, and that word
// minus each one of its letters, to the word (SymSpell with distance 1).
// Two words one edit apart share a key: the longer one minus a letter is
// the shorter, or both minus one letter are the same.
func deletionNeighbourhood(tokens []string) map[string][]int32 {
	m := make(map[string][]int32)
	add := func(key string, id int32) {
		ids := m[key]
		if n := len(ids); n > 0 && ids[n-1] == id {
			return // "thuoong" minus either o
		}
		m[key] = append(ids, id)
	}
	for id, t := range tokens {
		if !typoable(t) {
			continue
		}
		add(t, int32(id))
		for i := range len(t) {
			add(t[:i]+t[i+1:], int32(id))
		}
	}
	return m
}

func clampPos(i int) uint8 {
	return uint8(min(i, noPos-1))
}
