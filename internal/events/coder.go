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
		for _, id := range ids {
			pat := c.patterns.list[id]
			if len(pat.Elements) > 1 && !possible(pat, s.keys, memo) {
				continue
			}
			target := -1
			gaps := 0
			end, ok := c.matchFrom(s, pat.Elements, 0, ki, &target, &gaps)
			if !ok {
				continue
			}
			h := hit{pat: pat, k0: ki, k1: end, t0: s.keyTok[ki], t1: s.keyTok[end-1] + 1, trigger: s.keyTok[ki], targetAt: target, matched: end - ki - gaps}
			if pat.Kind == 'V' && !c.verbal(s, h.trigger) {
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
			// a trigger inside an actor name is not an event ("Arab League")
			if mi := s.byTok[best.trigger]; mi >= 0 && s.mentions[mi].Kind != "demonym" {
				continue
			}
			hits = append(hits, *best)
		}
	}
	// overlapping hits: the more specific wins
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].pat.spec != hits[j].pat.spec {
			return hits[i].pat.spec > hits[j].pat.spec
		}
		return hits[i].k0 < hits[j].k0
	})
	return hits
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
	switch prev.Key {
	case "the", "a", "an", "'s", "'", "its", "their", "his", "her", "this", "that", "these", "those", "of", "any", "no", "new", "recent", "further", "such", "our":
		return false
	}
	if mi := s.byTok[i-1]; mi >= 0 && s.mentions[mi].Kind == "demonym" {
		return false
	}
	return true
}

func (c *Coder) matchFrom(s *sentence, els []element, ei, pos int, target, gaps *int) (int, bool) {
	if ei == len(els) {
		return pos, true
	}
	e := els[ei]
	switch e.kind {
	case elWord:
		if pos < len(s.keys) && e.forms[s.keys[pos]] {
			return c.matchFrom(s, els, ei+1, pos+1, target, gaps)
		}
	case elSynset:
		if pos >= len(s.keys) {
			break
		}
		for _, a := range e.byFirst[s.keys[pos]] {
			if n, ok := matchAlt(s, a, pos); ok {
				if end, ok := c.matchFrom(s, els, ei+1, pos+n, target, gaps); ok {
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
				if boundaryKeys[s.keys[k]] {
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
			if end, ok := c.matchFrom(s, els, ei+1, pos+skip, target, gaps); ok {
				*gaps += skip
				return end, true
			}
		}
	case elTarget:
		if pos < len(s.keyTok) {
			*target = s.keyTok[pos]
		}
		return c.matchFrom(s, els, ei+1, pos, target, gaps)
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
		consult := false
		for _, h := range c.match(s) {
			overlap := false
			for _, k := range coded {
				if h.k0 < k.k1 && k.k0 < h.k1 {
					overlap = true
					break
				}
			}
			if overlap {
				continue
			}
			if consult && h.trigger > 0 && s.toks[h.trigger-1].Key == "to" {
				// "visited Beirut to show support": the purpose of a visit
				continue
			}
			built := c.build(st, s, h)
			if len(built) == 0 {
				continue
			}
			coded = append(coded, h)
			if built[0].PLOVER == "CONSULT" {
				consult = true
			}
			evs = append(evs, built...)
		}
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].Trigger.Start < evs[j].Trigger.Start })
		out = append(out, evs...)
	}
	out = c.dedup(out)
	for i := range out {
		out[i].ID = fmt.Sprintf("E%d", i+1)
	}
	return out
}

type docState struct {
	x   *sitrep.Extraction
	doc *actors.Doc
	// pairFirst is the other actor of a "the two" subject
	pairFirst actors.Mention
}
