package events

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/text"
)

// Coder codes events from recognised documents. It is safe for concurrent use.
type Coder struct {
	table    Table
	patterns *Patterns
	cues     *Cues
	intents  Intents
}

// New loads the CAMEO table, the patterns and the cues.
func New(ds *dict.Set) (*Coder, error) {
	t, err := LoadTable(ds)
	if err != nil {
		return nil, fmt.Errorf("cameo table: %w", err)
	}
	p, err := LoadPatterns(ds)
	if err != nil {
		return nil, fmt.Errorf("event patterns: %w", err)
	}
	for _, pat := range p.list {
		if _, ok := t.Lookup(pat.Code); !ok {
			return nil, fmt.Errorf("event pattern %s: code %s is not in cameo.tsv", pat.Source, pat.Code)
		}
	}
	c, err := LoadCues(ds)
	if err != nil {
		return nil, fmt.Errorf("cues: %w", err)
	}
	in, err := LoadIntents(ds)
	if err != nil {
		return nil, fmt.Errorf("intents: %w", err)
	}
	for from, to := range in {
		if _, ok := t.Lookup(to); !ok {
			return nil, fmt.Errorf("intent.tsv: %s -> %s: code not in cameo.tsv", from, to)
		}
	}
	return &Coder{table: t, patterns: p, cues: c, intents: in}, nil
}

// Table returns the CAMEO table.
func (c *Coder) Table() Table { return c.table }

// Patterns returns the compiled patterns.
func (c *Coder) Patterns() *Patterns { return c.patterns }

// Apply is the pipeline stage: it codes the events of the extraction.
func (c *Coder) Apply(ctx context.Context, x *sitrep.Extraction, doc *actors.Doc) error {
	x.Events = c.Code(x, doc)
	if x.Events == nil {
		x.Events = []sitrep.Event{}
	}
	return ctx.Err()
}

// sentence is the coder's view of one sentence.
type sentence struct {
	index    int
	toks     []text.Token
	keys     []string // matching keys (hyphenated words split)
	keyTok   []int    // key index -> token index
	tokKey   []int    // token index -> first key index
	mentions []actors.Mention
	byTok    []int // token index -> mention index or -1
	inDate   []bool
	// verbs are the triggers of the verb hits, in order: the verbs whose
	// subject a coordinated verb or a participle shares
	verbs []int
}

func (c *Coder) prepare(si int, doc *actors.Doc, dates []sitrep.DateExpr) *sentence {
	s := &sentence{index: si, toks: doc.Tokens[si], mentions: doc.Mentions[si]}
	s.inDate = make([]bool, len(s.toks))
	for _, d := range dates {
		if d.Sentence != si {
			continue
		}
		for ti, t := range s.toks {
			if t.Start >= d.Start && t.End <= d.End {
				s.inDate[ti] = true
			}
		}
	}
	s.tokKey = make([]int, len(s.toks))
	for ti, t := range s.toks {
		s.tokKey[ti] = len(s.keys)
		parts := []string{t.Key}
		if t.Kind == text.Word && strings.Contains(t.Key, "-") {
			parts = strings.FieldsFunc(t.Key, func(r rune) bool { return r == '-' })
		}
		for _, p := range parts {
			s.keys = append(s.keys, p)
			s.keyTok = append(s.keyTok, ti)
		}
	}
	s.byTok = make([]int, len(s.toks))
	for i := range s.byTok {
		s.byTok[i] = -1
	}
	for mi, m := range s.mentions {
		for t := m.Tok0; t < m.Tok1 && t < len(s.byTok); t++ {
			s.byTok[t] = mi
		}
	}
	return s
}

// hit is one pattern matched in a sentence.
type hit struct {
	pat      *Pattern
	k0, k1   int // key range
	t0, t1   int // token range
	trigger  int // token index of the trigger
	targetAt int // token index marked by +, or -1
	matched  int // keys matched by words and synsets (not gaps)
	// pred marks a noun hit that ends in the noun's own verb ("troops
	// withdrew", "sanctions could be eased", "drones struck")
	pred bool
	// adjunct marks a participle clause that elaborates the verb before
	// it ("launched strikes on Iran, killing several commanders")
	adjunct bool
}

var boundaryKeys = map[string]bool{";": true, ":": true, ".": true, "?": true, "!": true}

// possible reports whether every word and synset of the pattern after its
// trigger has a form somewhere in the sentence: a cheap test that spares
// most of the patterns a full match.
// memo values: 0 unknown, 1 present, 2 absent
func possible(pat *Pattern, keys []string, memo []int8) bool {
	for i := 1; i < len(pat.Elements); i++ {
		e := &pat.Elements[i]
		if e.kind != elWord && e.kind != elSynset {
			continue
		}
		m := memo[e.id]
		if m == 0 {
			m = 2
			for _, k := range keys {
				if e.kind == elWord && e.forms[k] || e.kind == elSynset && e.byFirst[k] != nil {
					m = 1
					break
				}
			}
			memo[e.id] = m
		}
		if m == 2 {
			return false
		}
	}
	return true
}

func (c *Coder) match(s *sentence) []hit {
	var hits []hit
	memo := make([]int8, len(c.patterns.ids))
	for ki := range s.keys {
		ids := c.patterns.trigger[s.keys[ki]]
		var best *hit
		aux := -1 // the auxiliary of a passive trigger
		if len(ids) > 0 && passive(s, s.keyTok[ki]) {
			aux = passiveAux(s, s.keyTok[ki])
		}
		// a trigger inside an actor mention ("Ukrainian drones struck", "the
		// last U.S. troops left") counts only for patterns that go on past
		// the mention: the mention is then the actor of the event
		inside := -1
		if len(ids) > 0 {
			if mi := s.byTok[s.keyTok[ki]]; mi >= 0 && s.mentions[mi].Kind != "demonym" {
				inside = mi
			}
		}
		for _, id := range ids {
			pat := c.patterns.list[id]
			if len(pat.Elements) > 1 && !possible(pat, s.keys, memo) {
				continue
			}
			target := -1
			gaps, gapAt := 0, -1
			end, ok := c.matchFrom(s, pat.Elements, 0, ki, &target, &gaps, &gapAt)
			if !ok && aux >= 0 && pat.Kind == 'V' {
				// "The first F-16 fighter jets have been delivered": the
				// object of a passive verb stands before it
				end, ok = ki+1, c.matchPassive(s, pat, s.tokKey[aux])
			}
			if !ok {
				continue
			}
			if pat.subject != nil && (aux >= 0 || !subjectIs(s, ki, pat.subject)) {
				continue
			}
			h := hit{pat: pat, k0: ki, k1: end, t0: s.keyTok[ki], t1: s.keyTok[end-1] + 1, trigger: s.keyTok[ki], targetAt: target, matched: end - ki - gaps}
			h.pred = pat.Kind == 'N' && (pat.pastLast || pat.predicate && gapAt >= 0 && c.verbGroup(s.keys[gapAt:gapAt+gaps], s.keys[end-1]))
			if pat.Kind == 'V' && !c.verbal(s, h.trigger) {
				continue
			}
			if inside >= 0 && !c.extendsMention(s, h, s.mentions[inside]) {
				continue
			}
			if pat.Kind == 'N' && (c.patterns.verbForm(pat, s.keys[ki]) || !h.pred && c.patterns.verbForm(pat, s.keys[end-1])) {
				continue
			}
			if best == nil || pat.spec > best.pat.spec || (pat.spec == best.pat.spec && (h.matched > best.matched || h.matched == best.matched && h.k1-h.k0 < best.k1-best.k0)) {
				hh := h
				best = &hh
			}
		}
		if best != nil && best.pat.Kind == 'N' && describesAgreement(s, best.trigger) {
			// "a memorandum of understanding on military training" names no act
			continue
		}
		if best != nil && s.inDate[best.trigger] {
			// "the 10 March agreement": a month name is no verb
			continue
		}
		if best != nil {
			hits = append(hits, *best)
		}
	}
	hits = dropNounVerbs(s, hits)
	// overlapping hits: the more specific wins
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].pat.spec != hits[j].pat.spec {
			return hits[i].pat.spec > hits[j].pat.spec
		}
		return hits[i].k0 < hits[j].k0
	})
	return hits
}

// subjectIs reports whether the head of the subject of the verb at key k
// belongs to synset e: the words right before the verb group ("rioters
// attacked", "protesters had stormed"), or, for a verb coordinated with an
// earlier one or set off by commas ("rioters set fire to cars and looted
// shops"), a head earlier in the clause with no subordinate clause between.
func subjectIs(s *sentence, k int, e *element) bool {
	j := k - 1
	for j >= 0 && groupWord(s.keys[j]) {
		j--
	}
	if j < 0 {
		return false
	}
	if s.keys[j] != "and" && s.keys[j] != "," {
		return endsAlt(s, e, j)
	}
	start := s.tokKey[clauseStart(s, s.keyTok[k])]
	for p := j - 1; p >= start; p-- {
		w := s.keys[p]
		if subordinators[w] || w == "that" || w == "which" || w == "who" {
			return false
		}
		if endsAlt(s, e, p) {
			return true
		}
	}
	return false
}

// endsAlt reports whether an alternative of synset e ends at key p.
func endsAlt(s *sentence, e *element, p int) bool {
	for _, a := range e.alts {
		if q := p - len(a) + 1; q >= 0 {
			if _, ok := matchAlt(s, a, q); ok {
				return true
			}
		}
	}
	return false
}

// verbGroup reports whether the keys a gap skipped between a noun and the
// word last are a prepositional phrase of the noun followed by the
// auxiliaries and adverbs of a verb group ("on Syria could be", "have",
// "finally"), and last a verb form: the noun's own predicate.
func (c *Coder) verbGroup(keys []string, last string) bool {
	aux := false
	i := len(keys)
	for i > 0 && groupWord(keys[i-1]) {
		i--
		aux = aux || !strings.HasSuffix(keys[i], "ly")
	}
	if i > 0 && !nounPreps[keys[0]] {
		return false
	}
	for _, k := range keys[:i] {
		if _, pron := pronouns[k]; pron || boundaryKeys[k] || subordinators[k] || k == "," || k == "that" || k == "which" || k == "who" {
			return false
		}
	}
	return aux || c.patterns.past[last] || strings.HasSuffix(last, "ed")
}

// nounPreps open a prepositional phrase that qualifies a noun ("sanctions
// on Syria", "troops from France"), unlike "until" or "after".
var nounPreps = map[string]bool{"of": true, "in": true, "on": true, "from": true, "against": true, "at": true, "near": true, "to": true, "with": true, "across": true, "inside": true, "along": true, "around": true, "for": true, "into": true, "over": true, "outside": true}

// groupWord: an auxiliary or an adverb of a verb group.
func groupWord(k string) bool {
	if auxiliaries[k] || modals[k] || beForms[k] || strings.HasSuffix(k, "ly") {
		return true
	}
	switch k {
	case "already", "now", "finally", "have", "did", "do", "does", "n't", "never", "soon", "still":
		return true
	}
	return false
}

// extendsMention reports whether a hit whose trigger lies inside mention m
// reads the mention's words as part of a longer pattern: a noun pattern
// that goes on past the mention ("drones * struck"), on a mention that is
// no proper name of a person or place. A trigger inside an actor name is
// otherwise no event ("Arab League").
func (c *Coder) extendsMention(s *sentence, h hit, m actors.Mention) bool {
	if h.pat.Kind != 'N' || h.t1 <= m.Tok1 || m.Kind == actors.MPerson || m.Kind == actors.MPlace {
		return false
	}
	// the first element covers the mention's head: the trigger is the head
	// or starts a compound that ends the mention ("air force"), not a
	// modifier ("riot police") or a word of a name ("World Food Programme")
	end := s.tokKey[m.Tok1-1] + 1 // key after the head
	e := h.pat.Elements[0]
	switch e.kind {
	case elWord:
		return h.k0+1 == end
	case elSynset:
		for _, a := range e.byFirst[s.keys[h.k0]] {
			if n, ok := matchAlt(s, a, h.k0); ok && h.k0+n == end {
				return true
			}
		}
	}
	return false
}

// matchPassive matches the object of a "verb * OBJECT" pattern in the
// subject of a passive clause: the object's words must end before the
// auxiliary at key a and start at most eight keys before it.
func (c *Coder) matchPassive(s *sentence, pat *Pattern, a int) bool {
	rest := pat.Elements[1:]
	for len(rest) > 0 && rest[0].kind == elGap {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return false
	}
	for _, e := range rest {
		if e.kind != elWord && e.kind != elSynset {
			return false
		}
	}
	start := s.tokKey[clauseStart(s, s.keyTok[a])]
	for p := a - 1; p >= start && p >= a-8; p-- {
		if boundaryKeys[s.keys[p]] || s.keys[p] == "," {
			break
		}
		target, gaps, gapAt := -1, 0, -1
		if end, ok := c.matchFrom(s, rest, 0, p, &target, &gaps, &gapAt); ok && end <= a {
			return true
		}
	}
	return false
}

// dropNounVerbs drops verb hits whose trigger is the head of a compound a
// noun pattern matched ("border clashes escalated", "the largest aerial
// attack"): the word is a noun there, whether or not the noun pattern finds
// its actors.
func dropNounVerbs(s *sentence, hits []hit) []hit {
	out := make([]hit, 0, len(hits))
	for _, h := range hits {
		noun := false
		// "militants attacked": a past form is a verb whatever pattern matched it
		if h.pat.Kind == 'V' && !strings.HasSuffix(s.toks[h.trigger].Key, "ed") {
			for _, n := range hits {
				if n.pat.Kind == 'N' && n.t0 < h.trigger && h.trigger < n.t1 && (h.trigger == n.t1-1 || !n.pat.gapped()) {
					noun = true
					break
				}
			}
		}
		if !noun {
			out = append(out, h)
		}
	}
	return out
}

var agreementNouns = map[string]bool{"agreement": true, "accord": true, "memorandum": true, "understanding": true, "deal": true, "pact": true, "treaty": true, "protocol": true, "framework": true, "talks": true, "negotiations": true, "programme": true, "program": true, "plan": true, "conference": true, "summit": true}

// describesAgreement reports whether the noun at i qualifies an agreement
// or a meeting named just before it ("memorandum ... on military training").
func describesAgreement(s *sentence, i int) bool {
	for j := i - 1; j >= 0 && j >= i-4; j-- {
		k := s.toks[j].Key
		if k == "on" || k == "for" || k == "of" {
			if j > 0 && agreementNouns[s.toks[j-1].Key] {
				return true
			}
			continue
		}
		if s.toks[j].Kind == 'p' {
			return false
		}
	}
	return false
}

// verbal reports whether the token at i can be a verb here: a determiner,
// possessive or adjective-like word just before it makes it a noun.
func (c *Coder) verbal(s *sentence, i int) bool {
	if i == 0 {
		return true
	}
	prev := s.toks[i-1]
	if strings.HasPrefix(prev.Key, "anti-") || strings.HasPrefix(prev.Key, "pro-") {
		// "anti-government protests"
		return false
	}
	switch prev.Key {
	case "the", "a", "an", "'s", "'", "its", "their", "his", "her", "this", "that", "these", "those", "of", "any", "no", "new", "recent", "further", "such", "our",
		"heavy", "intense", "sporadic", "fierce", "renewed":
		return false
	}

	if mi := s.byTok[i-1]; mi >= 0 {
		m := s.mentions[mi]
		if m.Kind == "demonym" {
			return false
		}
		// "hundreds of Hezbollah targets": a noun after a name governed by "of"
		if strings.HasSuffix(s.toks[i].Key, "s") && m.Tok0 > 0 && s.toks[m.Tok0-1].Key == "of" {
			return false
		}
	}
	return true
}

// matchFrom matches els[ei:] at key pos and returns the key after the
// match; target gets the token marked by "+", gaps the keys skipped and
// gapAt the key where the last gap began.
func (c *Coder) matchFrom(s *sentence, els []element, ei, pos int, target, gaps, gapAt *int) (int, bool) {
	if ei == len(els) {
		return pos, true
	}
	e := els[ei]
	switch e.kind {
	case elWord:
		if pos < len(s.keys) && e.forms[s.keys[pos]] {
			return c.matchFrom(s, els, ei+1, pos+1, target, gaps, gapAt)
		}
	case elSynset:
		if pos >= len(s.keys) {
			break
		}
		for _, a := range e.byFirst[s.keys[pos]] {
			if n, ok := matchAlt(s, a, pos); ok {
				if end, ok := c.matchFrom(s, els, ei+1, pos+n, target, gaps, gapAt); ok {
					return end, true
				}
			}
		}
	case elGap:
		// skip up to eight words; an actor name counts as one word
		cost := 0
		for skip := 0; pos+skip <= len(s.keys); skip++ {
			if skip > 0 {
				k := pos + skip - 1
				if boundaryKeys[s.keys[k]] || s.keys[k] == "," && opensParticiple(s.keys, k+1) {
					// "stopped drinking water, escalating his hunger strike"
					// is no "stop ... strike"; an apposition is crossed
					break
				}
				t := s.keyTok[k]
				if k == pos || s.byTok[t] < 0 || s.byTok[t] != s.byTok[s.keyTok[k-1]] {
					cost++
				}
				if cost > 8 {
					break
				}
			}
			if end, ok := c.matchFrom(s, els, ei+1, pos+skip, target, gaps, gapAt); ok {
				*gaps += skip
				if *gapAt < 0 {
					*gapAt = pos
				}
				return end, true
			}
		}
	case elTarget:
		if pos < len(s.keyTok) {
			*target = s.keyTok[pos]
		}
		return c.matchFrom(s, els, ei+1, pos, target, gaps, gapAt)
	}
	return 0, false
}

func matchAlt(s *sentence, a alt, pos int) (int, bool) {
	if pos+len(a) > len(s.keys) {
		return 0, false
	}
	for j, forms := range a {
		k := s.keys[pos+j]
		ok := false
		for _, f := range forms {
			if f == k {
				ok = true
				break
			}
		}
		if !ok {
			return 0, false
		}
	}
	return len(a), true
}

// Code codes every event of the extraction.
func (c *Coder) Code(x *sitrep.Extraction, doc *actors.Doc) []sitrep.Event {
	var out []sitrep.Event
	st := &docState{x: x, doc: doc}
	for si := range x.Sentences {
		if si >= len(doc.Tokens) {
			break
		}
		s := c.prepare(si, doc, x.Dates)
		// hits come most specific first; one that overlaps a hit which
		// gave events is dropped, one that gave none leaves the place to
		// the next ("declared a state of emergency": the verb pattern when
		// the noun pattern finds no actor)
		var coded []hit
		var evs []sitrep.Event
		adjuncts := map[int]bool{} // trigger offsets of participle clauses
		trigTok := map[int]int{}   // trigger offset -> trigger token
		purposes := map[int]bool{} // trigger offsets of purpose infinitives
		hits := c.match(s)
		s.verbs = verbTriggers(hits)
		for _, h := range hits {
			overlap := false
			for _, k := range coded {
				if h.k0 < k.k1 && k.k0 < h.k1 && !complementObject(s, k, h) && !complementObject(s, h, k) {
					overlap = true
					break
				}
			}
			if overlap {
				continue
			}
			if h.pat.Kind == 'V' && c.reducedRelative(s, h.trigger) {
				// "soldiers captured in Goma were paraded": the participle
				// describes the noun; the clause's own verb comes later
				continue
			}
			h.adjunct = c.participle(s, h.trigger)
			built := c.build(st, s, h)
			if len(built) == 0 {
				if c.blocker(h.pat) {
					// a root-01 pattern gives no event but holds its words
					// against every lower-ranked reading ("in protest at",
					// "the war has displaced", "intercepted drones")
					coded = append(coded, h)
				}
				continue
			}
			coded = append(coded, h)
			if purpose(s, h.trigger) {
				purposes[built[0].Trigger.Start] = true
			}
			if h.adjunct {
				adjuncts[built[0].Trigger.Start] = true
			}
			trigTok[built[0].Trigger.Start] = h.trigger
			evs = append(evs, built...)
		}
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].Trigger.Start < evs[j].Trigger.Start })
		evs = dropPurposes(evs, purposes)
		evs = dropGenericAgree(s, evs, trigTok)
		out = append(out, mergeAdjuncts(evs, adjuncts)...)
	}
	out = c.dedup(out)
	for i := range out {
		out[i].ID = fmt.Sprintf("E%d", i+1)
	}
	return out
}

// complementObject reports whether the nominal hit n is the object a
// verb pattern v skips on its way to a predicative complement: "termed the
// Israeli raid on Rafah a flagrant violation", "described the strike as a
// war crime". Both are events; unlike "rejected the ceasefire deal", where
// the skipped noun only qualifies the pattern's last word.
func complementObject(s *sentence, v, n hit) bool {
	if v.pat.Kind != 'V' || n.pat.Kind != 'N' || !v.pat.gapped() || n.k0 <= v.k0 || n.k1 >= v.k1 {
		return false
	}
	for k := n.k1; k < v.k1; k++ {
		switch s.keys[k] {
		case "a", "an", "as":
			return true
		case ",", "and", "that", "which":
			return false
		}
	}
	return false
}

// blocker reports whether a pattern's code gives no event by design (root
// 01, the statements): its match is kept to stop misreadings.
func (c *Coder) blocker(p *Pattern) bool {
	code, ok := c.table.Lookup(p.Code)
	return ok && (code.PLOVER == "STATEMENT" || code.PLOVER == "")
}

// participle reports whether the verb at i opens a participle clause after
// a comma that shares the subject of a coded verb before it.
func (c *Coder) participle(s *sentence, i int) bool {
	return i > 0 && s.toks[i-1].Key == "," && strings.HasSuffix(s.toks[i].Key, "ing") && c.sharedSubjectVerb(s, i, clauseStart(s, i)) >= 0
}

// reducedRelative reports whether the past form at i describes the plural
// noun before it rather than being the clause's verb: "soldiers captured in
// Goma were paraded". The form stands right after the noun with no
// auxiliary, a preposition of place or time follows it at once, and an
// auxiliary of the clause's own verb comes after, before any comma.
func (c *Coder) reducedRelative(s *sentence, i int) bool {
	if i < 1 || i+1 >= len(s.toks) {
		return false
	}
	k := s.toks[i].Key
	if !c.patterns.past[k] && !(strings.HasSuffix(k, "ed") && len(k) > 4) {
		return false
	}
	switch s.toks[i+1].Key {
	case "in", "during", "at":
	default:
		return false
	}
	n := i - 1
	if !pluralNoun(s, n) {
		return false
	}
	end := clauseEnd(s, i)
	for j := i + 2; j < end; j++ {
		kj := s.toks[j].Key
		if kj == "," || kj == "—" || kj == "(" {
			return false
		}
		switch kj {
		case "was", "were", "is", "are", "have", "has", "had", "will", "would":
			return true
		}
	}
	return false
}

// pluralNoun reports whether token n is a plural common noun or ends a
// group mention ("soldiers", "Ukrainian veterans").
func pluralNoun(s *sentence, n int) bool {
	t := s.toks[n]
	if t.Kind != text.Word || !strings.HasSuffix(t.Key, "s") || strings.HasSuffix(t.Key, "ss") || len(t.Key) < 4 || auxiliaries[t.Key] {
		return false
	}
	if mi := s.byTok[n]; mi >= 0 {
		m := s.mentions[mi]
		return m.Kind == actors.MGroup && m.Tok1 == n+1
	}
	return !t.Cap
}

// purpose reports whether the verb at i is an infinitive ("to support",
// "to help fight").
func purpose(s *sentence, i int) bool {
	if i > 1 && s.toks[i-1].Key == "help" {
		i--
	}
	return i > 0 && s.toks[i-1].Key == "to"
}

// movers are the acts whose purpose clause tells what was intended, not
// what happened: "visited Beirut to show support", "sent troops to Russia
// to support its war", "deployed troops to help fight an insurgency".
var movers = map[string]bool{"CONSULT": true, "AID": true, "MOBILIZE": true}

// dropPurposes drops the events of purpose infinitives that follow a visit,
// a delivery or a deployment in the sentence.
func dropPurposes(evs []sitrep.Event, purposes map[int]bool) []sitrep.Event {
	if len(purposes) == 0 {
		return evs
	}
	out := evs[:0:0]
	for _, ev := range evs {
		if purposes[ev.Trigger.Start] && followsMover(evs, ev) {
			continue
		}
		out = append(out, ev)
	}
	return out
}

func followsMover(evs []sitrep.Event, ev sitrep.Event) bool {
	for _, o := range evs {
		if o.Trigger.Start < ev.Trigger.Start && movers[o.PLOVER] {
			return true
		}
	}
	return false
}

// dropGenericAgree drops a bare "agree" (030) whose clause goes on to
// name what was agreed as an event of its own with the same source:
// "Russia agreed to supply gas to China" is the supply, planned.
func dropGenericAgree(s *sentence, evs []sitrep.Event, trigTok map[int]int) []sitrep.Event {
	out := evs[:0:0]
	for _, ev := range evs {
		if ev.CAMEO == "030" {
			if i, ok := trigTok[ev.Trigger.Start]; ok && specificAfter(s, evs, ev, i, trigTok) {
				continue
			}
		}
		out = append(out, ev)
	}
	return out
}

// The act must be the infinitive the 030 word governs ("agreed to supply",
// "is ready to attack"), not an adjunct ("agreed in a phone call ... to a
// halt"); a promise keeps its own event ("promised to send troops").
func specificAfter(s *sentence, evs []sitrep.Event, ev sitrep.Event, i int, trigTok map[int]int) bool {
	k := s.toks[i].Key
	if strings.HasPrefix(k, "promis") || strings.HasPrefix(k, "pledg") || strings.HasPrefix(k, "vow") {
		return false
	}
	// "agreed to", "agreed on Monday to" is an adjunct; "be ready to"
	to := i + 1
	for to < len(s.toks) && to <= i+3 && s.toks[to].Key != "to" && s.toks[to].Kind == 'w' && s.byTok[to] < 0 && !prepositions[s.toks[to].Key] {
		to++
	}
	if to >= len(s.toks) || s.toks[to].Key != "to" {
		return false
	}
	for _, o := range evs {
		j, ok := trigTok[o.Trigger.Start]
		if !ok || o.CAMEO == "030" || j <= to || j > to+3 || actorKey(o.Source) != actorKey(ev.Source) {
			continue
		}
		return true
	}
	return false
}

// mergeAdjuncts folds the event of a participle clause into an earlier
// event of the sentence with the same sides and type: "Israel launched
// strikes on Iran, killing several commanders" is one assault.
func mergeAdjuncts(evs []sitrep.Event, adjuncts map[int]bool) []sitrep.Event {
	if len(adjuncts) == 0 {
		return evs
	}
	out := evs[:0:0]
	for _, ev := range evs {
		merged := false
		if adjuncts[ev.Trigger.Start] {
			for i := range out {
				o := &out[i]
				if o.PLOVER == ev.PLOVER && actorKey(o.Source) == actorKey(ev.Source) && actorKey(o.Target) == actorKey(ev.Target) {
					o.Mentions = append(o.Mentions, ev.Mentions...)
					merged = true
					break
				}
			}
		}
		if !merged {
			out = append(out, ev)
		}
	}
	return out
}

// opensParticiple reports whether key k starts a participle clause
// ("escalating", not "including").
func opensParticiple(keys []string, k int) bool {
	if k >= len(keys) {
		return false
	}
	w := keys[k]
	return strings.HasSuffix(w, "ing") && w != "including" && w != "according" && len(w) > 5
}

// verbTriggers lists the trigger tokens of the verb hits in order.
func verbTriggers(hits []hit) []int {
	var out []int
	for _, h := range hits {
		if h.pat.Kind == 'V' {
			out = append(out, h.trigger)
		}
	}
	sort.Ints(out)
	return out
}

type docState struct {
	x   *sitrep.Extraction
	doc *actors.Doc
	// pairFirst is the other actor of a "the two" subject
	pairFirst actors.Mention
}
