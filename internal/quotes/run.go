package quotes

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/text"
)

// speaker is a resolved speaker with what pronouns and role nouns need.
type speaker struct {
	a      sitrep.Actor
	kind   string // person, group, org, country
	plural bool
	roles  []string // folded role words ("spokesman", "minister")
}

func (s speaker) person() bool { return s.kind == actors.MPerson }

// salient is a candidate antecedent at a byte position.
type salient struct {
	pos     int
	sp      speaker
	subject bool
}

// act is one reporting cue with its speaker.
type act struct {
	si, t0, t1 int
	pos        int
	kind       cueKind
	cue        string
	sp         speaker
	ok         bool
	used       bool
	inverted   bool
	// commaSubj: the subject stands after a comma that ends a clause
	// ("Turkish troops entered the town, the army said").
	commaSubj bool
	comma     int // token index of that comma
	// phraseEnd: for "according to X", the token after X's phrase.
	phraseEnd int
}

// run is the state of one Apply call.
type run struct {
	lx    *lexicon
	text  string
	sents []sitrep.Sentence
	doc   *actors.Doc
	toks  [][]text.Token
	keys  [][]string
	ms    [][]actors.Mention
	spans []span
	inq   [][]int // per token: the quote span containing it, or -1
	acts  [][]*act
	subj  []*speaker // per sentence: the subject of its main clause
	sal   []salient
	kept  map[int]bool // quote spans kept as direct quotes
}

func (f *Finder) newRun(x *sitrep.Extraction, doc *actors.Doc) *run {
	r := &run{lx: f.lx, text: x.Document.Text, sents: x.Sentences, doc: doc}
	n := len(r.sents)
	r.toks = make([][]text.Token, n)
	r.keys = make([][]string, n)
	r.ms = make([][]actors.Mention, n)
	useDoc := doc != nil && len(doc.Tokens) == n && len(doc.Mentions) == n
	if !useDoc {
		r.doc = &actors.Doc{}
	}
	for si, s := range r.sents {
		if s.Start < 0 || s.End > len(r.text) || s.Start > s.End {
			continue
		}
		if useDoc {
			r.toks[si] = doc.Tokens[si]
			r.ms[si] = doc.Mentions[si]
		} else {
			r.toks[si] = f.seg.Tokenize(r.text[s.Start:s.End], s.Start)
		}
		ks := make([]string, len(r.toks[si]))
		for i, t := range r.toks[si] {
			ks[i] = t.Key
		}
		r.keys[si] = ks
	}
	r.spans = findSpans(r.text)
	r.inq = make([][]int, n)
	for si, ts := range r.toks {
		r.inq[si] = make([]int, len(ts))
		for i, t := range ts {
			r.inq[si][i] = r.spanOf(t.Start, t.End)
		}
	}
	r.acts = make([][]*act, n)
	r.subj = make([]*speaker, n)
	return r
}

// spanOf returns the index of the quote span (marks included) that
// contains [a, b), or -1.
func (r *run) spanOf(a, b int) int {
	k := sort.Search(len(r.spans), func(i int) bool { return r.spans[i].closeEnd > a })
	if k < len(r.spans) && r.spans[k].open <= a && b <= max(r.spans[k].closeEnd, r.spans[k].close) {
		return k
	}
	return -1
}

// sentenceOf returns the sentence that contains byte pos (or the last one
// that starts before it).
func (r *run) sentenceOf(pos int) int {
	k := sort.Search(len(r.sents), func(i int) bool { return r.sents[i].Start > pos })
	if k == 0 {
		return 0
	}
	return k - 1
}

// tokenAt returns the index of the first token of sentence si that ends
// after pos.
func (r *run) tokenAt(si, pos int) int {
	ts := r.toks[si]
	return sort.Search(len(ts), func(i int) bool { return ts[i].End > pos })
}

func isWord(t text.Token) bool { return t.Kind == text.Word || t.Kind == text.Number }

func hasNamePrefix(s string) bool {
	for _, p := range []string{"al-", "el-", "as-", "ad-", "ash-", "bin-", "ibn-", "abu-"} {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			r, _ := utf8.DecodeRuneInString(s[len(p):])
			return unicode.IsUpper(r)
		}
	}
	return false
}

func capWord(t text.Token) bool {
	return t.Kind == text.Word && (t.Cap || hasNamePrefix(t.Text))
}

func (r *run) quoted(si, i int) bool { return r.inq[si][i] >= 0 }

func (r *run) punct(si, i int, marks string) bool {
	t := r.toks[si][i]
	return t.Kind == text.Punct && strings.Contains(marks, t.Text)
}

// find runs every step and returns the quotes.
func (r *run) find() []sitrep.Quote {
	for si := range r.sents {
		r.sentenceSubject(si)
		r.findActs(si)
	}
	qs := r.direct()
	qs = append(qs, r.indirect(qs)...)
	if qs == nil {
		qs = []sitrep.Quote{}
	}
	number(qs)
	return qs
}

// mentionAt returns the mention of sentence si that covers token i.
func (r *run) mentionAt(si, i int) (actors.Mention, bool) {
	for _, m := range r.ms[si] {
		if m.Tok0 <= i && i < m.Tok1 {
			return m, true
		}
	}
	return actors.Mention{}, false
}

// findActs finds the reporting cues of sentence si and resolves their speakers.
func (r *run) findActs(si int) {
	toks, keys := r.toks[si], r.keys[si]
	for i := 0; i < len(toks); {
		if r.quoted(si, i) {
			i++
			continue
		}
		n, k := r.lx.cueAt(keys, i)
		if n == 0 {
			i++
			continue
		}
		inQuote := false
		for j := i; j < i+n; j++ {
			inQuote = inQuote || r.quoted(si, j)
		}
		// a capitalised cue inside a sentence is a name (Tamer Said)
		capMid := toks[i].Cap && i > 0 && toks[i-1].Kind != text.Punct
		if m, ok := r.mentionAt(si, i); ok && (m.Kind == actors.MPerson || m.Kind == actors.MOther || m.Kind == actors.MOrg) && toks[i].Cap {
			capMid = true
		}
		if inQuote || capMid || (k != cueAccording && r.passiveBefore(si, i)) {
			i++
			continue
		}
		a := &act{si: si, t0: i, t1: i + n, pos: toks[i].Start, kind: k, cue: r.text[toks[i].Start:toks[i+n-1].End], comma: -1, phraseEnd: -1}
		r.resolveAct(a)
		r.acts[si] = append(r.acts[si], a)
		if a.ok {
			r.sal = append(r.sal, salient{pos: a.pos, sp: a.sp, subject: true})
		}
		i += n
	}
}

// passiveBefore reports whether the cue at i is passive ("was told").
func (r *run) passiveBefore(si, i int) bool {
	keys := r.keys[si]
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if r.lx.is("passive", keys[j]) {
			return true
		}
		if !r.lx.is("skip", keys[j]) && !strings.HasSuffix(keys[j], "ly") {
			return false
		}
	}
	return false
}

// prevAct returns the last act of sentence si before token i that has a speaker.
func (r *run) prevAct(si, i int) *act {
	for k := len(r.acts[si]) - 1; k >= 0; k-- {
		if a := r.acts[si][k]; a.t0 < i && a.ok {
			return a
		}
	}
	return nil
}

// inherit gives a the speaker of the main clause: the last cue before it
// in the sentence, or the sentence's subject.
func (r *run) inherit(a *act) {
	if p := r.prevAct(a.si, a.t0); p != nil {
		a.sp, a.ok = p.sp, true
		return
	}
	if s := r.subj[a.si]; s != nil {
		a.sp, a.ok = *s, true
	}
}

func (r *run) resolveAct(a *act) {
	si := a.si
	toks, keys := r.toks[si], r.keys[si]
	switch a.kind {
	case cueAccording:
		b := r.chunkEnd(si, a.t1)
		a.phraseEnd = b
		a.sp, a.ok = r.resolvePhrase(si, a.t1, b, r.appositive(si, b), a.pos, false)
		return
	case cuePart, cuePartObj:
		// "Reuters quoted the minister as saying …": the one quoted speaks
		if a.t0 > 1 && keys[a.t0-1] == "as" {
			for k := a.t0 - 2; k >= 0 && k >= a.t0-10 && !r.quoted(si, k); k-- {
				if keys[k] == "quoted" || keys[k] == "cited" {
					a.sp, a.ok = r.resolvePhrase(si, k+1, a.t0-1, [2]int{-1, -1}, a.pos, false)
					return
				}
			}
		}
		r.inherit(a)
		return
	}
	end := a.t0
	for end > 0 && r.lx.is("skip", keys[end-1]) && !r.quoted(si, end-1) {
		end--
	}
	j := end - 1
	for ; j >= 0; j-- {
		if r.quoted(si, j) || r.punct(si, j, ":;()—–") || r.lx.is("boundary", keys[j]) {
			break
		}
		// "… after Oslo said": a clause with its own subject
		if r.lx.is("subord", keys[j]) && j+1 < end && (capWord(toks[j+1]) || r.lx.is("det", keys[j+1])) {
			break
		}
		if len(r.acts[si]) > 0 {
			if last := r.acts[si][len(r.acts[si])-1]; j < last.t1 {
				break
			}
		}
	}
	start := j + 1
	for start < end && toks[start].Kind == text.Punct {
		start++
	}
	// "… and said", "… but said": the subject of the first verb
	if (start < end && r.lx.is("conj", keys[end-1])) || (start >= end && j >= 0 && r.lx.is("conj", keys[j])) {
		r.inherit(a)
		return
	}
	if start >= end {
		// the cue comes first: "…,” said X" / "Said X: …"
		a.inverted = true
		b := r.chunkEnd(si, a.t1)
		a.sp, a.ok = r.resolvePhrase(si, a.t1, b, r.appositive(si, b), a.pos, false)
		return
	}
	// split the segment at commas: the subject is in the last chunk, or,
	// when a comma closes an appositive right before the cue, in the two
	// chunks before it ("Rami Khoury, a spokesman for …, said").
	var commas []int
	for k := start; k < end; k++ {
		if r.punct(si, k, ",") {
			commas = append(commas, k)
		}
	}
	if len(commas) == 0 {
		a.sp, a.ok = r.resolvePhrase(si, start, end, [2]int{-1, -1}, a.pos, true)
		return
	}
	last := commas[len(commas)-1]
	if last+1 < end {
		// ", which the government denied" is a relative clause, not a report
		a.commaSubj, a.comma = !r.lx.is("postmod", keys[last+1]), last
		a.sp, a.ok = r.resolvePhrase(si, last+1, end, [2]int{-1, -1}, a.pos, true)
		return
	}
	mainA := start
	if len(commas) >= 3 {
		mainA = commas[len(commas)-3] + 1
	}
	if len(commas) >= 2 {
		c1 := commas[len(commas)-2]
		a.sp, a.ok = r.resolvePhrase(si, mainA, c1, [2]int{c1 + 1, last}, a.pos, true)
		return
	}
	a.sp, a.ok = r.resolvePhrase(si, mainA, last, [2]int{-1, -1}, a.pos, true)
}

// chunkEnd returns the end of the phrase that starts at token i: the next
// comma, colon, semicolon, quote, or the end of the sentence.
func (r *run) chunkEnd(si, i int) int {
	toks := r.toks[si]
	j := i
	for j < len(toks) && !r.quoted(si, j) && !r.punct(si, j, ",;:.!?()—–") {
		j++
	}
	return j
}

// appositive returns the token range of an appositive that follows a
// comma at token c ("X, a spokesman for Y,"), or {-1,-1}.
func (r *run) appositive(si, c int) [2]int {
	toks := r.toks[si]
	if c >= len(toks) || !r.punct(si, c, ",") {
		return [2]int{-1, -1}
	}
	e := r.chunkEnd(si, c+1)
	if e <= c+1 || r.lx.is("postmod", r.keys[si][c+1]) {
		return [2]int{-1, -1}
	}
	return [2]int{c + 1, e}
}
