package actors

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/text"
)

// Mention kinds.
const (
	MPerson  = "person"
	MOrg     = "org"
	MGroup   = "group"
	MCountry = "country"
	MPlace   = "place"
	// MMetonym is a capital standing for its government ("Ankara said").
	MMetonym = "metonym"
	MOther   = "other"
)

// Mention is one actor or place mention in a sentence.
type Mention struct {
	Start, End int // byte offsets into the document
	Tok0, Tok1 int // token range in the sentence
	Sentence   int
	Entity     int // index into Doc.Entities, -1 when none
	Kind       string
	Country    string
	Sectors    []string
	Code       string
	Text       string
	// Role is the office or generic role word of the mention ("spokesman", "troops").
	Role string
	// Locative is true when the mention follows a locative preposition (in Ankara).
	Locative bool
	// Possessive is true when followed by 's.
	Possessive bool
	// HeadTok is the token index of the head of the phrase.
	HeadTok int
	// Affiliation is the organisation a person speaks for, as written.
	Affiliation string
	// Matched lists the dictionary entries (file:line) that resolved it.
	Matched string
	// ExplicitCountry is true when the phrase itself names the country
	// (a demonym, a country name or a capital), not the context.
	ExplicitCountry bool
	// NP0 is the first token of the whole noun phrase (determiners, country
	// modifiers, roles and titles included) that the mention heads.
	NP0 int
}

// Actor converts the mention into an event/quote actor.
func (m Mention) Actor(doc *Doc) sitrep.Actor {
	a := sitrep.Actor{Name: m.Text, Code: m.Code, Country: m.Country, Sectors: m.Sectors}
	if m.Entity >= 0 && m.Entity < len(doc.Entities) {
		e := doc.Entities[m.Entity]
		a.Entity = e.ID
		a.Name = e.Name
		if e.Type == sitrep.TypePlace && m.Kind != MMetonym {
			a.Code = ""
		}
	}
	return a
}

// Doc is the recognised actors of one document.
type Doc struct {
	Entities []sitrep.Entity
	// Mentions per sentence, ordered by position.
	Mentions [][]Mention
	Tokens   [][]text.Token
	// Countries are the document's countries, most mentioned first.
	Countries []string
	entityKey map[string]int
	blocked   map[int]bool
	// capsMid holds the words seen capitalised inside a sentence: a word
	// capitalised only at sentence starts is no name.
	capsMid map[string]bool
	// extra are items found for the current sentence outside the automaton
	extra []item
}

// findSequence finds every occurrence of a key sequence among tokens.
func (d *Dictionary) findSequence(toks []text.Token, keys []string, e *Entry) []item {
	var out []item
	for i := 0; i+len(keys) <= len(toks); i++ {
		ok := true
		for j, k := range keys {
			if d.canon(toks[i+j].Key) != k {
				ok = false
				break
			}
		}
		if ok && toks[i].Cap {
			out = append(out, item{t0: i, t1: i + len(keys), e: e})
			i += len(keys) - 1
		}
	}
	return out
}

// MentionAt returns the mention of sentence s that covers token i.
func (doc *Doc) MentionAt(s, i int) (Mention, bool) {
	for _, m := range doc.Mentions[s] {
		if m.Tok0 <= i && i < m.Tok1 {
			return m, true
		}
	}
	return Mention{}, false
}

type item struct {
	t0, t1 int
	e      *Entry
}

var determiners = map[string]bool{"a": true, "an": true, "the": true, "one": true, "two": true, "three": true, "several": true, "some": true, "many": true, "both": true, "other": true, "senior": true, "top": true, "former": true, "unnamed": true, "anonymous": true, "local": true, "its": true, "his": true, "her": true, "their": true}

var placeAdjectives = map[string]bool{"central": true, "northern": true, "southern": true, "eastern": true, "western": true, "downtown": true, "greater": true, "north": true, "south": true, "east": true, "west": true, "besieged": true, "occupied": true, "northwestern": true, "northeastern": true, "southwestern": true, "southeastern": true, "coastal": true, "rural": true}

// metonymPreps are the locative prepositions after which a capital stands
// for its government.
var metonymPreps = map[string]bool{"at": true, "toward": true, "towards": true, "from-asked": true}

// aimedAt are the words before "at" that aim a political act at a
// government: "lashed out at", "a swipe at", "anger at", "directed at".
var aimedAt = map[string]bool{"out": true, "aimed": true, "directed": true, "swipe": true, "jab": true, "dig": true, "anger": true, "angry": true, "fury": true, "furious": true, "frustration": true, "frustrated": true, "criticism": true, "pointed": true, "fingers": true, "finger": true, "shots": true, "potshots": true}

// askedFrom are the nouns before "from" that ask something of a
// government: "demanded guarantees from Moscow", "sought assurances from
// Washington". After them a capital is the government asked, not the place
// the act starts from ("flew from Moscow").
var askedFrom = map[string]bool{"guarantee": true, "guarantees": true, "assurance": true, "assurances": true, "concession": true, "concessions": true, "commitment": true, "commitments": true, "pledge": true, "pledges": true, "apology": true, "explanation": true, "explanations": true, "clarification": true, "clarifications": true, "answers": true, "compensation": true, "reparations": true, "support": true, "backing": true, "help": true, "assistance": true, "cooperation": true, "approval": true, "permission": true, "consent": true, "response": true, "reply": true}

var locativePreps = map[string]bool{"through": true, "in": true, "at": true, "near": true, "to": true, "from": true, "outside": true, "around": true, "across": true, "inside": true, "into": true, "on": true, "towards": true, "toward": true, "within": true, "throughout": true, "via": true, "over": true}

// Recognize finds and resolves every actor and place in the document.
// date (YYYY-MM-DD, may be empty) selects people's roles.
//
// blocked lists byte ranges that are not names (temporal expressions such
// as "Wednesday" or "10 March").
func (d *Dictionary) Recognize(docText string, sents []sitrep.Sentence, date string, blocked []sitrep.DateExpr) *Doc {
	return d.RecognizeDocument(docText, sents, date, blocked, "")
}

// RecognizeDocument is Recognize for a document whose outlet is known: the
// outlet's name in the text ("... told Meridian Wire") is that outlet, a
// media organisation, even when no dictionary lists it.
func (d *Dictionary) RecognizeDocument(docText string, sents []sitrep.Sentence, date string, blocked []sitrep.DateExpr, outlet string) *Doc {
	doc := &Doc{Mentions: make([][]Mention, len(sents)), Tokens: make([][]text.Token, len(sents)), entityKey: map[string]int{}, blocked: map[int]bool{}}
	for _, b := range blocked {
		doc.blocked[b.Start] = true
		for i := b.Start; i < b.End; i++ {
			if docText[i] == ' ' && i+1 < b.End {
				doc.blocked[i+1] = true
			}
		}
	}
	capsMid := map[string]bool{} // capitalised words seen mid-sentence
	doc.capsMid = capsMid
	for si, s := range sents {
		toks := d.seg.Tokenize(docText[s.Start:s.End], s.Start)
		doc.Tokens[si] = toks
		for i, t := range toks {
			if i > 0 && t.Cap && toks[i-1].Kind != text.Punct {
				capsMid[t.Key] = true
			}
		}
	}
	var outletKeys []string
	var outletEntry *Entry
	if outlet != "" {
		outletKeys, _ = d.keys(outlet)
		outletEntry = &Entry{Kind: KindOrg, Name: outlet, Sectors: []string{"MED"}, OrgKind: "MEDIA", Source: "document outlet"}
		if e := d.lookupKind(outlet, KindOrg); e != nil {
			outletEntry = nil // the dictionary knows it already
		}
	}
	countryCount := map[string]int{}
	for si := range sents {
		doc.extra = nil
		if outletEntry != nil && len(outletKeys) > 0 {
			doc.extra = d.findSequence(doc.Tokens[si], outletKeys, outletEntry)
		}
		ms := d.sentenceMentions(doc, si, capsMid, date)
		for _, m := range ms {
			if m.Country != "" {
				countryCount[m.Country]++
			}
		}
		doc.Mentions[si] = ms
	}
	for c := range countryCount {
		doc.Countries = append(doc.Countries, c)
	}
	sort.Slice(doc.Countries, func(i, j int) bool {
		a, b := doc.Countries[i], doc.Countries[j]
		if countryCount[a] != countryCount[b] {
			return countryCount[a] > countryCount[b]
		}
		return a < b
	})
	d.inferCountries(doc, date)
	d.buildEntities(doc, docText)
	return doc
}

// items matches the automaton over a sentence and returns leftmost-longest
// non-overlapping dictionary items.
func (d *Dictionary) items(docText string, toks []text.Token) []item {
	keys := make([]string, len(toks))
	for i, t := range toks {
		keys[i] = d.canon(t.Key)
	}
	best := make([]item, len(toks)) // best item starting at each token
	d.auto.scan(keys, func(m match) {
		p := d.patterns[m.Pattern]
		start := m.End - p.n
		e := d.pickEntry(docText, toks, start, m.End, p.entries)
		if e == nil {
			return
		}
		if cur := best[start]; cur.e == nil || m.End > cur.t1 {
			best[start] = item{t0: start, t1: m.End, e: e}
		}
	})
	var out []item
	for i := 0; i < len(toks); {
		if it := best[i]; it.e != nil {
			if !d.adjectival(toks, it) {
				out = append(out, it)
			}
			i = it.t1
			continue
		}
		i++
	}
	return out
}

// adjectival reports whether an agent item is used as an adjective: a
// word such as "military" or "security" followed by a plain lower-case noun
// ("military sites") names no actor.
func (d *Dictionary) adjectival(toks []text.Token, it item) bool {
	if it.e.Kind != KindAgent || (it.e.AgentKind != AgentOrg && it.e.AgentKind != AgentGroup) {
		return false
	}
	if !d.adjective[d.keyOf(toks, it)] || it.t1 >= len(toks) {
		return false
	}
	next := toks[it.t1]
	return next.Kind == text.Word && !next.Cap && !d.verbal[next.Key] && !strings.HasSuffix(next.Key, "ed")
}

func (d *Dictionary) keyOf(toks []text.Token, it item) string {
	var parts []string
	for i := it.t0; i < it.t1; i++ {
		parts = append(parts, toks[i].Key)
	}
	return strings.Join(parts, " ")
}

var kindRank = map[string]int{KindPerson: 0, KindOrg: 1, KindCountry: 2, KindCapital: 3, KindDemonym: 4, KindPlace: 5, KindAgent: 6}

// pickEntry chooses the entry a match stands for, honouring case rules.
func (d *Dictionary) pickEntry(docText string, toks []text.Token, t0, t1 int, entries []*Entry) *Entry {
	surface := docText[toks[t0].Start:toks[t1-1].End]
	first := toks[t0]
	named := first.Cap || hasNamePrefix(first.Text)
	var best *Entry
	for _, e := range entries {
		if e.Exact != "" && surface != e.Exact {
			continue
		}
		if e.Exact == "" && t1-t0 == 1 && first.AllCaps && utf8.RuneCountInString(first.Text) <= 4 && e.Kind != KindAgent && !isAllCaps(e.Name) {
			continue
		}
		if e.Kind != KindAgent && !named {
			continue
		}
		if e.Kind == KindPlace && t1-t0 == 1 && first.Kind != text.Word {
			continue
		}
		if best == nil || kindRank[e.Kind] < kindRank[best.Kind] {
			best = e
		}
	}
	return best
}

func hasNamePrefix(s string) bool {
	for _, p := range []string{"al-", "el-", "as-", "ad-", "ash-", "bin-", "ibn-", "abu-"} {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			r, _ := utf8.DecodeRuneInString(s[len(p):])
			return unicode.IsUpper(r)
		}
	}
	return false
}

// np is a noun phrase assembled from items and tokens.
type np struct {
	t0, t1     int
	country    string // from a modifier
	countryTok int
	org        *Entry // named organisation
	orgText    string
	agentOrg   *Entry // institution agent (ministry, army)
	agentOrgT  [2]int
	group      *Entry // plural group agent
	role       *Entry
	roleT      [2]int
	titles     []*Entry
	titleT     [2]int
	person     *Entry
	name       [2]int // unknown capitalised name span
	place      *Entry
	capital    *Entry
	countryE   *Entry
	demonym    *Entry
	possessive bool
	locative   bool
	locPrep    string // the preposition that made the phrase locative
	sentStart  bool
	former     bool
}

func (d *Dictionary) sentenceMentions(doc *Doc, si int, capsMid map[string]bool, date string) []Mention {
	toks := doc.Tokens[si]
	if len(toks) == 0 {
		return nil
	}
	items := d.itemsFor(doc, si)
	itemAt := map[int]item{}
	for _, it := range items {
		itemAt[it.t0] = it
	}
	var out []Mention
	i := 0
	for i < len(toks) {
		p, next := d.parseNP(doc, toks, itemAt, i, capsMid)
		if next <= i {
			i++
			continue
		}
		if p != nil {
			out = append(out, d.interpret(doc, si, toks, p, date)...)
		}
		i = next
	}
	return crowds(toks, si, out, d)
}

// crowdWords are quantities that stand for people when they head a noun
// phrase of their own ("Thousands marched", "tens of thousands rallied").
var crowdWords = map[string]bool{"thousands": true, "hundreds": true, "millions": true, "dozens": true, "scores": true, "tens": true}

// crowds adds a civilian group for each quantity that heads a subject or
// object without a noun ("Thousands demonstrated across France"): "of"
// after it leads to the noun that names the people ("thousands of
// Georgians"), which the dictionaries read.
func crowds(toks []text.Token, si int, ms []Mention, d *Dictionary) []Mention {
	covered := func(i int) bool {
		for _, m := range ms {
			if m.NP0 <= i && i < m.Tok1 || m.Tok0 <= i && i < m.Tok1 {
				return true
			}
		}
		return false
	}
	var add []Mention
	for i := 0; i < len(toks); i++ {
		if !crowdWords[toks[i].Key] || covered(i) {
			continue
		}
		j := i + 1
		// "tens of thousands", "hundreds of thousands"
		if j+1 < len(toks) && toks[j].Key == "of" && crowdWords[toks[j+1].Key] {
			j += 2
		}
		if j < len(toks) && (toks[j].Key == "of" || toks[j].Cap || toks[j].Kind != text.Word && toks[j].Key != ",") {
			continue
		}
		if i > 0 {
			switch prev := toks[i-1]; {
			case prev.Kind == text.Punct && prev.Key != "-":
			case prev.Key == "and" || prev.Key == "but" || prev.Key == "as" || prev.Key == "while" || prev.Key == "when" || prev.Key == "after" || prev.Key == "where" || prev.Key == "than" || prev.Key == "some" || prev.Key == "about" || prev.Key == "around" || prev.Key == "nearly" || prev.Key == "almost" || prev.Key == "over":
			default:
				continue
			}
		}
		s, e := d.span(toks, i, j)
		add = append(add, Mention{Start: s, End: e, Tok0: i, Tok1: j, NP0: i, Sentence: si, Entity: -1, Kind: MGroup, Text: joinText(toks, i, j), Role: "people", Sectors: []string{"CVL"}, HeadTok: j - 1})
		i = j - 1
	}
	if len(add) == 0 {
		return ms
	}
	out := append(ms, add...)
	sort.SliceStable(out, func(a, b int) bool { return out[a].Tok0 < out[b].Tok0 })
	return out
}

func (d *Dictionary) itemsFor(doc *Doc, si int) []item {
	toks := doc.Tokens[si]
	items := d.items(doc.sourceText(toks), toks)
	if len(doc.extra) == 0 {
		return items
	}
	// the outlet's name wins over what the automaton found inside it
	var out []item
	for _, it := range items {
		clash := false
		for _, x := range doc.extra {
			if it.t0 < x.t1 && x.t0 < it.t1 {
				clash = true
				break
			}
		}
		if !clash {
			out = append(out, it)
		}
	}
	out = append(out, doc.extra...)
	sort.Slice(out, func(i, j int) bool { return out[i].t0 < out[j].t0 })
	return out
}

// sourceText rebuilds enough of the document to slice tokens: tokens carry
// their own text, so a sparse buffer is enough for case checks.
func (doc *Doc) sourceText(toks []text.Token) string {
	if len(toks) == 0 {
		return ""
	}
	end := toks[len(toks)-1].End
	b := make([]byte, end)
	for i := range b {
		b[i] = ' '
	}
	for _, t := range toks {
		copy(b[t.Start:t.End], t.Text)
	}
	return string(b)
}

// isNounLike: a lower-case word that may head a noun phrase after an
// adjective ("Syrians fled" has a verb next; "Swiss banks" a noun).
func isNounLike(t text.Token) bool {
	return t.Kind == text.Word && !t.Cap && strings.HasSuffix(t.Key, "s") && !strings.HasSuffix(t.Key, "ss")
}

func (d *Dictionary) isAffixed(t text.Token) bool {
	k := strings.LastIndexByte(t.Key, '-')
	return t.Kind == text.Word && k > 0 && d.affix[t.Key[k+1:]]
}

func (doc *Doc) sourceName(toks []text.Token, a, b int) string { return joinText(toks, a, b) }

func isNameToken(t text.Token) bool {
	return t.Kind == text.Word && (t.Cap || hasNamePrefix(t.Text))
}

// parseNP parses a noun phrase starting at token i; it returns nil when the
// tokens there start none, and the index after what it consumed.
func (d *Dictionary) parseNP(doc *Doc, toks []text.Token, itemAt map[int]item, i int, capsMid map[string]bool) (*np, int) {
	p := &np{t0: i, countryTok: -1, name: [2]int{-1, -1}, roleT: [2]int{-1, -1}, titleT: [2]int{-1, -1}, agentOrgT: [2]int{-1, -1}}
	start := i
	// locative: "in Ankara", "in central Damascus", "near the southern city of"
	for back := 1; back <= 3 && i-back >= 0; back++ {
		w := toks[i-back].Key
		if locativePreps[w] {
			p.locative = true
			if back == 1 && toks[i].Key != "the" && (w != "at" || i >= 2 && aimedAt[toks[i-2].Key]) {
				// "hit out at Washington", not "at the White House" or
				// "arrived at Moscow"
				p.locPrep = w
				if w == "from" && i >= 2 && askedFrom[toks[i-2].Key] {
					// "sought assurances from Washington": the government asked
					p.locPrep = "from-asked"
				}
			}
			break
		}
		if w != "the" && !placeAdjectives[w] {
			break
		}
	}
	// a dateline in capitals: "DAMASCUS, July 17 —"
	if toks[i].AllCaps && utf8.RuneCountInString(toks[i].Text) > 4 && (i == 0 || toks[i-1].Kind == text.Punct) {
		p.locative = true
	}
	// determiners
	for i < len(toks) && (determiners[toks[i].Key] || toks[i].Key == "retired" || toks[i].Key == "ex") {
		if _, ok := itemAt[i]; ok {
			break
		}
		if toks[i].Key == "former" || toks[i].Key == "retired" || toks[i].Key == "ex" {
			p.former = true
		}
		i++
	}
	if i > start {
		p.t0 = start
	}
	// "Iranian-backed", "Kurdish-led": a modifier that gives no country
	for i < len(toks) && d.isAffixed(toks[i]) {
		i++
	}
	p.sentStart = i == 0 || (i > 0 && toks[i-1].Kind == text.Punct && strings.ContainsAny(toks[i-1].Text, "“\"‘'(—–-:"))
	consumed := false
	// modifiers: demonym, country's, capital's
	for i < len(toks) {
		it, ok := itemAt[i]
		if !ok {
			break
		}
		e := it.e
		poss := it.t1 < len(toks) && (toks[it.t1].Key == "'s" || toks[it.t1].Key == "'")
		if e.Kind == KindDemonym || (e.Kind == KindDemonym && poss) {
			p.country, p.countryTok, p.demonym = e.Country, i, e
			i = it.t1
			consumed = true
			// "Kurdish-led", "Iranian-backed" are handled by the tokenizer as one token; skip joiners
			continue
		}
		if (e.Kind == KindCountry || e.Kind == KindCapital || e.Kind == KindPlace) && !poss {
			// "UK troops", "U.S. Marines", "Istanbul police": a name used as a modifier
			if nx, ok := itemAt[it.t1]; ok && nx.e.Kind == KindAgent && nx.e.AgentKind != AgentTitle {
				c := e.Country
				if e.Kind == KindPlace {
					if pl, ok := d.resolvePlace(doc.sourceName(toks, it.t0, it.t1), nil); ok {
						c = pl.Country
					}
				}
				if c != "" {
					p.country, p.countryTok = c, i
					i = it.t1
					consumed = true
					continue
				}
			}
		}
		if (e.Kind == KindCountry || e.Kind == KindCapital) && poss {
			// Turkey's defence ministry / Damascus's appeal / Libya's rival
			// military factions: a modifier if a head follows
			head := it.t1 + 1
			for skip := 0; skip < 2 && head < len(toks); skip++ {
				if _, ok := itemAt[head]; ok || toks[head].Kind != text.Word || toks[head].Cap {
					break
				}
				if nx, ok := itemAt[head+1]; ok && nx.e.Kind == KindAgent && nx.e.AgentKind != AgentTitle {
					head++
					break
				}
				break
			}
			if nx, ok := itemAt[head]; ok && (nx.e.Kind == KindAgent || nx.e.Kind == KindOrg) {
				p.country, p.countryTok = e.Country, i
				if e.Kind == KindCapital {
					p.capital = e
				} else {
					p.countryE = e
				}
				i = head
				consumed = true
				continue
			}
		}
		break
	}
	// "Yemeni tribal gunmen", "Syrian wheat growers": up to two plain words
	// between a country modifier and the agent that heads the phrase
	if p.country != "" {
		for skip := 1; skip <= 2 && i+skip < len(toks); skip++ {
			w := toks[i+skip-1]
			if _, ok := itemAt[i+skip-1]; ok || w.Kind != text.Word || w.Cap && !strings.ContainsAny(w.Text, "0123456789") {
				break
			}
			if nx, ok := itemAt[i+skip]; ok && nx.e.Kind == KindAgent && (nx.e.AgentKind == AgentGroup || nx.e.AgentKind == AgentRole) {
				i += skip
				break
			}
		}
	}
	headStart := i
	// heads
	for i < len(toks) {
		if it, ok := itemAt[i]; ok {
			e := it.e
			switch e.Kind {
			case KindAgent:
				switch e.AgentKind {
				case AgentOrg:
					if p.agentOrg == nil && p.role == nil && p.person == nil && p.name[0] < 0 {
						p.agentOrg, p.agentOrgT = e, [2]int{it.t0, it.t1}
					} else if p.role == nil && p.person == nil && p.name[0] < 0 {
						p.agentOrgT[1] = it.t1
					} else {
						goto done
					}
				case AgentGroup:
					if p.person != nil || p.name[0] >= 0 {
						goto done
					}
					p.group = e
				case AgentRole:
					if p.person != nil || p.name[0] >= 0 {
						goto done
					}
					if p.role == nil {
						p.roleT = [2]int{it.t0, it.t1}
					} else {
						p.roleT[1] = it.t1
					}
					p.role = e
				case AgentTitle:
					if p.person != nil || p.name[0] >= 0 {
						goto done
					}
					if len(p.titles) == 0 {
						p.titleT = [2]int{it.t0, it.t1}
					} else {
						p.titleT[1] = it.t1
					}
					p.titles = append(p.titles, e)
				}
			case KindPerson:
				if p.person != nil || p.name[0] >= 0 {
					goto done
				}
				p.person = e
				p.name = [2]int{it.t0, it.t1}
				// a surname continuation not in the dictionary
			case KindOrg:
				if p.org != nil || p.person != nil || p.name[0] >= 0 || p.role != nil {
					goto done
				}
				p.org = e
				p.agentOrgT = [2]int{it.t0, it.t1}
			case KindCountry, KindCapital, KindPlace, KindDemonym:
				if p.name[0] >= 0 && p.person == nil && p.role == nil && len(p.titles) == 0 && p.name[1] == i && i > 0 && !toks[i-1].Is("and") && it.t1 < len(toks) && isNameToken(toks[it.t1]) {
					// Center for Middle East Studies: a place inside an organisation's name
					p.name[1] = it.t1
					i = it.t1
					continue
				}
				if i != headStart || consumed {
					goto done
				}
				switch e.Kind {
				case KindCountry:
					p.countryE = e
				case KindCapital:
					p.capital = e
				case KindPlace:
					p.place = e
				case KindDemonym:
					p.demonym = e
				}
				p.country = e.Country
				i = it.t1
				consumed = true
				goto done
			}
			i = it.t1
			consumed = true
			continue
		}
		t := toks[i]
		if doc.blocked[t.Start] {
			break
		}
		if isNameToken(t) && p.person == nil {
			// an unknown capitalised name
			if p.name[0] < 0 {
				p.name = [2]int{i, i + 1}
			} else {
				p.name[1] = i + 1
			}
			i++
			consumed = true
			// connectors inside organisation names: Center for Middle East Studies
			for i+1 < len(toks) && toks[i].Is("for", "of", "and", "on") && isNameToken(toks[i+1]) && p.role == nil && len(p.titles) == 0 && p.agentOrg == nil {
				if _, ok := itemAt[i+1]; ok {
					if nx := itemAt[i+1]; nx.e.Kind != KindPlace && nx.e.Kind != KindCountry {
						break
					}
				}
				if toks[i].Is("and") {
					break
				}
				i++
			}
			continue
		}
		if p.person != nil && isNameToken(t) {
			p.name[1] = i + 1
			i++
			continue
		}
		break
	}
done:
	if !consumed {
		return nil, start + 1
	}
	p.t1 = i
	if p.t1 < len(toks) && (toks[p.t1].Key == "'s" || toks[p.t1].Key == "'") {
		p.possessive = true
	}
	return p, i
}

func (d *Dictionary) span(toks []text.Token, a, b int) (int, int) {
	return toks[a].Start, toks[b-1].End
}

func joinText(toks []text.Token, a, b int) string {
	if a < 0 || b <= a {
		return ""
	}
	var sb strings.Builder
	for i := a; i < b; i++ {
		if i > a && toks[i].Start > toks[i-1].End {
			sb.WriteByte(' ')
		}
		sb.WriteString(toks[i].Text)
	}
	return sb.String()
}

func (d *Dictionary) interpret(doc *Doc, si int, toks []text.Token, p *np, date string) []Mention {
	out := d.interpretNP(doc, si, toks, p, date)
	if p.former {
		for i := range out {
			if out[i].Kind == MPerson || out[i].Kind == MGroup {
				out[i].Sectors = []string{"ELI"}
				out[i].Code = code(out[i].Country, out[i].Sectors)
			}
		}
	}
	var srcs []string
	for _, e := range []*Entry{p.person, p.org, p.agentOrg, p.role, p.group, p.countryE, p.demonym, p.capital, p.place} {
		if e != nil && e.Source != "" {
			srcs = append(srcs, e.Source)
		}
	}
	for _, t := range p.titles {
		srcs = append(srcs, t.Source)
	}
	if p.countryE != nil && p.countryTok >= 0 && (p.agentOrg != nil || p.org != nil || p.role != nil || p.group != nil) {
		// "Turkey's foreign ministry" also mentions Turkey
		if it := p.countryTok; it < len(toks) {
			end := it + 1
			for end < len(toks) && toks[end].Key != "'s" && toks[end].Key != "'" && end < p.t1 {
				end++
			}
			s0, e0 := d.span(toks, it, end)
			out = append(out, Mention{Start: s0, End: e0, Tok0: it, Tok1: end, Sentence: si, Entity: -1, Kind: MCountry, Text: joinText(toks, it, end), Country: p.countryE.Country, Sectors: []string{"GOV"}, Code: p.countryE.Country + "GOV", HeadTok: end - 1, Role: "modifier"})
		}
	}
	for i := range out {
		out[i].ExplicitCountry = p.country != "" || p.org != nil || p.person != nil
		out[i].Matched = strings.Join(srcs, " + ")
		out[i].NP0 = p.t0
		if out[i].Tok0 < p.t0 {
			out[i].NP0 = out[i].Tok0
		}
	}
	return out
}

func (d *Dictionary) interpretNP(doc *Doc, si int, toks []text.Token, p *np, date string) []Mention {
	var out []Mention
	mk := func(kind string, a, b int) Mention {
		s, e := d.span(toks, a, b)
		return Mention{Start: s, End: e, Tok0: a, Tok1: b, Sentence: si, Entity: -1, Kind: kind, Text: joinText(toks, a, b), Locative: p.locative, Possessive: p.possessive, HeadTok: b - 1}
	}
	nameText := joinText(toks, p.name[0], p.name[1])
	headStart := p.t0
	for headStart < p.t1 && (determiners[toks[headStart].Key] || d.isAffixed(toks[headStart]) || toks[headStart].Key == "retired" || toks[headStart].Key == "ex") {
		headStart++
	}
	sectorsOf := func(e *Entry) []string {
		if e == nil {
			return nil
		}
		return e.Sectors
	}
	switch {
	case p.person != nil || (p.name[0] >= 0 && (p.role != nil || len(p.titles) > 0)):
		m := mk(MPerson, p.name[0], p.name[1])
		m.Country = p.country
		if p.person != nil {
			per := p.person.Person
			m.Text = nameText
			if r, ok := per.RoleAt(date); ok {
				m.Country, m.Sectors = r.Country, r.Sectors
				m.Role = r.Role
			} else if len(per.Roles) > 0 {
				m.Country = per.Roles[0].Country
				m.Sectors = []string{"ELI"}
				m.Role = "former " + per.Roles[len(per.Roles)-1].Role
			}
		}
		if len(m.Sectors) == 0 {
			switch {
			case p.role != nil:
				m.Sectors = p.role.Sectors
			case p.agentOrg != nil:
				m.Sectors = p.agentOrg.Sectors
			default:
				for _, t := range p.titles {
					if len(t.Sectors) > 0 {
						m.Sectors = t.Sectors
						break
					}
				}
			}
		}
		if m.Role == "" && p.role != nil {
			a := p.roleT[0]
			if p.agentOrgT[0] >= 0 && p.agentOrgT[1] == p.roleT[0] {
				a = p.agentOrgT[0]
			}
			m.Role = joinText(toks, a, p.roleT[1])
		}
		if p.agentOrg != nil && p.role != nil && p.agentOrgT[0] >= 0 {
			om := mk(MOrg, p.agentOrgT[0], p.agentOrgT[1])
			if p.countryTok >= 0 && p.countryTok < p.agentOrgT[0] {
				om = mk(MOrg, p.countryTok, p.agentOrgT[1])
			}
			om.Country, om.Sectors = p.country, p.agentOrg.Sectors
			om.Role = "affiliation"
			out = append(out, om)
		}
		if len(p.titles) > 0 {
			m.Role = strings.TrimSpace(m.Role)
		}
		m.Code = code(m.Country, m.Sectors)
		pm := m
		pm.Role = m.Role
		out = append(out, withPersonMeta(pm, joinText(toks, p.titleT[0], p.titleT[1]), p))
	case p.org != nil:
		m := mk(MOrg, p.agentOrgT[0], p.agentOrgT[1])
		m.Country, m.Sectors, m.Code = p.org.Country, p.org.Sectors, p.org.Code
		if m.Country == "" && p.country != "" && p.org.OrgKind != "IGO" {
			m.Country = p.country
		}
		out = append(out, m)
	case p.agentOrg != nil && p.role == nil && p.group == nil:
		a := p.agentOrgT[0]
		if p.countryTok >= 0 {
			a = p.countryTok
		}
		m := mk(MOrg, a, p.agentOrgT[1])
		if p.name[0] >= 0 && p.name[1] > p.agentOrgT[1] {
			m = mk(MOrg, a, p.name[1])
		}
		m.Country, m.Sectors = p.country, p.agentOrg.Sectors
		m.Role = p.agentOrg.Name
		out = append(out, m)
	case p.role != nil || p.group != nil:
		a := headStart
		m := mk(MGroup, a, p.t1)
		e := p.group
		if e == nil {
			e = p.role
			m.Kind = MGroup
		}
		m.Role = e.Name
		m.Country, m.Sectors = p.country, e.Sectors
		if p.agentOrg != nil {
			// "a Defense Ministry source": the institution is the affiliation
			m.Sectors = p.agentOrg.Sectors
			om := mk(MOrg, p.agentOrgT[0], p.agentOrgT[1])
			if p.countryTok >= 0 && p.countryTok < p.agentOrgT[0] {
				om = mk(MOrg, p.countryTok, p.agentOrgT[1])
			}
			om.Country, om.Sectors, om.Role = p.country, p.agentOrg.Sectors, p.agentOrg.Name
			out = append(out, om)
		}
		if p.org != nil {
			m.Country, m.Sectors = p.org.Country, p.org.Sectors
		}
		if p.role != nil && p.group == nil {
			m.Kind = MGroup
		}
		if len(m.Sectors) == 0 {
			m.Sectors = sectorsOf(p.role)
		}
		out = append(out, m)
	case p.countryE != nil && p.name[0] < 0:
		m := mk(MCountry, headStart, p.t1)
		if p.possessive {
			m = mk(MCountry, headStart, p.t1)
		}
		// a country standing alone as an actor is its government, as ICEWS codes it
		m.Country, m.Sectors, m.Code = p.countryE.Country, []string{"GOV"}, p.countryE.Country+"GOV"
		out = append(out, m)
	case p.capital != nil && p.name[0] < 0:
		kind := MMetonym
		// "hit out at Washington", "anger towards Beijing": after "at" or
		// "towards" a capital is the government a political act aims at,
		// not where it happens
		if p.locative && !p.possessive && !metonymPreps[p.locPrep] {
			kind = MPlace
		}
		m := mk(kind, headStart, p.t1)
		m.Country = p.capital.Country
		if kind == MMetonym && metonymPreps[p.locPrep] {
			m.Locative = false
		}
		if kind == MMetonym {
			m.Sectors, m.Code = []string{"GOV"}, p.capital.Country+"GOV"
		}
		out = append(out, m)
	case p.place != nil && p.name[0] < 0:
		m := mk(MPlace, headStart, p.t1)
		m.Text = joinText(toks, headStart, p.t1)
		out = append(out, m)
	case p.demonym != nil && p.name[0] < 0:
		// an adjective alone: "Turkish priorities" – no actor, but a country signal
		m := mk(MCountry, headStart, p.t1)
		m.Country, m.Code = p.demonym.Country, p.demonym.Country
		m.Kind = "demonym"
		if last := toks[p.t1-1]; strings.HasSuffix(last.Text, "s") && (p.t1 >= len(toks) || toks[p.t1].Kind != text.Word || d.verbal[toks[p.t1].Key] || toks[p.t1].Cap == false && !d.adjective[toks[p.t1].Key]) && !strings.HasSuffix(last.Key, "ss") {
			// "Thousands of Cubans took to the streets": the people of a country
			if p.t1 >= len(toks) || toks[p.t1].Kind != text.Word || !isNounLike(toks[p.t1]) {
				m.Kind = MGroup
				m.Sectors = []string{"CVL"}
				m.Code = m.Country + "CVL"
				m.Role = last.Text
			}
		}
		out = append(out, m)
	case p.name[0] >= 0:
		// an unknown capitalised span
		a, b := p.name[0], p.name[1]
		if p.sentStart && b-a == 1 && !doc.capsMidHas(toks[a].Key) {
			return nil
		}
		if p.sentStart && d.common[toks[a].Key] {
			a++
			if a >= b {
				return nil
			}
		}
		m := mk(MOther, a, b)
		for _, k := range []string{toks[b-1].Key, toks[a].Key} {
			if sec, ok := d.orgHeads[k]; ok {
				m.Kind = MOrg
				if sec != "" {
					m.Sectors = []string{sec}
				}
				m.Role = "unknown-org"
				break
			}
		}
		out = append(out, m)
	}
	return out
}

func (doc *Doc) capsMidHas(k string) bool { return doc.capsMid[k] }

// personMeta carries title and affiliation text through Mention.Text fields.
func withPersonMeta(m Mention, title string, p *np) Mention {
	if title != "" {
		m.Role = strings.TrimSpace(m.Role + "\x00" + title)
	}
	return m
}

func code(country string, sectors []string) string {
	if country == "" && len(sectors) == 0 {
		return ""
	}
	return country + first(sectors)
}

// inferCountries gives a country to mentions that have none, from the
// document: an earlier institution of the same kind, an affiliation, a
// place in the same sentence, the document's main country.
func (d *Dictionary) inferCountries(doc *Doc, date string) {
	lastInst := map[string]string{}  // sectors key -> country
	lastGroup := map[string]string{} // group role -> country
	var lastOrg *Mention
	dateline := datelineCountry(doc)
	for si := range doc.Mentions {
		ms := doc.Mentions[si]
		for i := range ms {
			m := &ms[i]
			switch m.Kind {
			case MOrg:
				key := strings.Join(m.Sectors, "|")
				if m.Country == "" && m.Code == "" {
					if c, ok := lastInst[key]; ok {
						m.Country = c
					} else if c := sentenceCountry(ms, i); c != "" && len(m.Sectors) > 0 {
						m.Country = c
					} else if len(m.Sectors) > 0 && homeSectors[m.Sectors[0]] {
						// "Police beat protesters outside the parliament":
						// a domestic body acts where the sentence or the
						// report is set
						if m.Country = d.sentencePlaceCountry(doc, si); m.Country == "" {
							if m.Country = d.anyPlaceCountry(doc, si); m.Country == "" {
								m.Country = dateline
							}
						}
					}
				}
				if m.Country != "" && key != "" {
					lastInst[key] = m.Country
				}
				if m.Code == "" {
					m.Code = code(m.Country, m.Sectors)
				}
				if len(m.Sectors) > 0 && m.Country != "" {
					lastOrg = m
				}
			case MPerson, MGroup:
				if i > 0 && ms[i-1].Kind == MOrg && ms[i-1].Role == "affiliation" && ms[i-1].Tok1 <= m.Tok0 {
					m.Affiliation = ms[i-1].Text
				}
				if i+1 < len(ms) && (ms[i+1].Kind == MOrg) && ms[i+1].Tok0-m.Tok1 <= 2 && ms[i+1].Tok0 > m.Tok1 {
					prep := doc.Tokens[si][m.Tok1].Key
					if prep == "of" || prep == "at" || prep == "from" {
						o := &ms[i+1]
						m.Affiliation = trimDet(o.Text)
						if o.Country == "" {
							o.Country = followingPlaceCountry(doc, si, o)
						}
						if m.Country == "" {
							m.Country = o.Country
						}
						if len(m.Sectors) == 0 {
							m.Sectors = o.Sectors
						}
					}
				}
				if m.Country == "" && m.Kind == MGroup && i+1 < len(ms) && ms[i+1].Tok0 > m.Tok1 && min(ms[i+1].Tok0, ms[i+1].NP0+1)-m.Tok1 <= 3 && m.Tok1 < len(doc.Tokens[si]) {
					// "residents of Aleppo", "refugees from Syria", "troops from the CSTO"
					if prep := doc.Tokens[si][m.Tok1].Key; prep == "of" || prep == "from" {
						o := ms[i+1]
						c := o.Country
						if c == "" && o.Kind == MPlace {
							if pl, ok := d.resolvePlace(o.Text, nil); ok {
								c = pl.Country
							}
						}
						m.Country = c
						if c == "" && o.Kind == MOrg && len(o.Code) >= 3 && (strings.HasPrefix(o.Code, "IGO") || strings.HasPrefix(o.Code, "IMG")) {
							m.Code = o.Code
						}
					}
				}
				if m.Country == "" {
					if i > 0 && ms[i-1].Kind == MOrg && ms[i-1].Role == "affiliation" {
						m.Country = ms[i-1].Country
					} else if c := followingPlaceCountry(doc, si, m); c != "" {
						m.Country = c
					} else if m.Kind == MPerson && lastOrg != nil && si-lastOrg.Sentence <= 1 {
						m.Country = lastOrg.Country
						if len(m.Sectors) == 0 || strings.Contains(m.Role, "spokes") {
							m.Sectors = unionSectors(lastOrg.Sectors, m.Sectors)
						}
					} else if m.Kind == MGroup {
						if c, ok := lastGroup[d.nameKey(m.Role)]; ok {
							m.Country = c
						}
					}
				}
				if m.Country == "" && m.Kind == MGroup {
					// "Rioters set fire to cars across France": the country where it happens
					m.Country = d.sentencePlaceCountry(doc, si)
				}
				if m.Country == "" && m.Kind == MGroup && irregular(m.Sectors) && !strings.HasPrefix(m.Code, "IGO") && !strings.HasPrefix(m.Code, "IMG") && !strings.HasPrefix(m.Code, "NGO") && (i == 0 || !ms[i-1].Possessive) {
					// "Militants ambushed a Nigerien army convoy": a group
					// with no country fights where the forces it meets belong
					m.Country = demonymCountry(doc, si)
				}
				if m.Country == "" && m.Kind == MGroup && len(m.Sectors) > 0 && homeSectors[m.Sectors[0]] {
					// protesters, police, strikers act at home: the place the
					// sentence names, else the place the report is filed from
					if m.Country = d.anyPlaceCountry(doc, si); m.Country == "" {
						m.Country = dateline
					}
				}
				if m.Code == "" || len(m.Code) == 3 {
					m.Code = code(m.Country, m.Sectors)
				}
				if m.Kind == MGroup && m.Country != "" && m.Role != "" {
					lastGroup[d.nameKey(m.Role)] = m.Country
				}
			}
		}
	}
}

// sentencePlaceCountry is the country of the first locative place or
// country of a sentence.
func (d *Dictionary) sentencePlaceCountry(doc *Doc, si int) string {
	for _, o := range doc.Mentions[si] {
		if !o.Locative {
			continue
		}
		switch o.Kind {
		case MCountry, MMetonym:
			return o.Country
		case "demonym":
			// "in French cities", not "near the Malian border"
			if o.Country != "" && !borderAfter(doc.Tokens[si], o.Tok1) {
				return o.Country
			}
		case MPlace, MOther:
			if o.Country != "" {
				return o.Country
			}
			if pl, ok := d.resolvePlace(o.Text, nil); ok {
				return pl.Country
			}
		}
	}
	return ""
}

// anyPlaceCountry is the country of the first place a sentence names at
// all ("took to the streets of Tel Aviv").
func (d *Dictionary) anyPlaceCountry(doc *Doc, si int) string {
	for _, o := range doc.Mentions[si] {
		if o.Kind == MMetonym && o.Country != "" && placePrep(doc.Tokens[si], o.NP0) {
			// "the streets of Nairobi": a capital named as a place
			return o.Country
		}
		if o.Kind != MPlace || o.Possessive {
			continue
		}
		if o.Country != "" {
			return o.Country
		}
		if pl, ok := d.resolvePlace(o.Text, nil); ok {
			return pl.Country
		}
	}
	return ""
}

// irregular reports whether sectors name armed groups or crowds, which
// take their country from where they act.
func irregular(sectors []string) bool {
	return contains(sectors, "REB") || contains(sectors, "UAF") || contains(sectors, "CVL")
}

// demonymCountry is the country of the first demonym of a sentence that
// qualifies a noun of its own ("a Nigerien army convoy", not "the Malian
// border").
func demonymCountry(doc *Doc, si int) string {
	for _, o := range doc.Mentions[si] {
		if o.Kind == "demonym" && o.Country != "" && !borderAfter(doc.Tokens[si], o.Tok1) {
			return o.Country
		}
	}
	return ""
}

// borderAfter reports whether a border word follows token i ("the Malian
// border"): a demonym there names a neighbour, not the place of the act.
func borderAfter(toks []text.Token, i int) bool {
	if i < len(toks) {
		switch toks[i].Key {
		case "border", "borders", "frontier", "side", "boundary":
			return true
		}
	}
	return false
}

// placePrep reports whether the noun phrase at i is governed by a
// preposition of place ("the streets of Nairobi", "across Kabul").
func placePrep(toks []text.Token, i int) bool {
	j := i - 1
	for j >= 0 && toks[j].Key == "the" {
		j--
	}
	if j < 0 {
		return false
	}
	switch toks[j].Key {
	case "of", "in", "across", "through", "around", "throughout":
		// "the government of Kenya" is no place
		return j == 0 || toks[j].Key != "of" || streetNouns[toks[j-1].Key]
	}
	return false
}

// streetNouns name the parts of a city where crowds gather.
var streetNouns = map[string]bool{"streets": true, "street": true, "centre": true, "center": true, "squares": true, "square": true, "outskirts": true, "suburbs": true, "heart": true, "downtown": true, "parts": true}

// homeSectors are the sectors of people and bodies that act at home
// (protesters, police, courts, strikers): one the sentence gives
// no country takes the country the report is filed from.
var homeSectors = map[string]bool{"CVL": true, "COP": true, "JUD": true, "LEG": true, "EDU": true, "LAB": true, "AGR": true, "HLH": true, "BUS": true, "REL": true, "OPP": true, "PTY": true}

// datelineCountry is the country of the place a report opens with, in
// capitals before a comma or dash ("KHARTOUM, April 15 -").
func datelineCountry(doc *Doc) string {
	if len(doc.Mentions) == 0 || len(doc.Tokens) == 0 {
		return ""
	}
	for _, m := range doc.Mentions[0] {
		if m.Tok0 > 1 {
			break
		}
		toks := doc.Tokens[0]
		if m.Kind == MPlace || m.Kind == MMetonym || m.Kind == MCountry {
			if toks[m.Tok0].AllCaps && m.Tok1 < len(toks) && toks[m.Tok1].Kind == text.Punct && m.Country != "" {
				return m.Country
			}
		}
	}
	return ""
}

func unionSectors(a, b []string) []string {
	out := append([]string{}, a...)
	for _, s := range b {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// sentenceCountry is the first country signal of the sentence other than mention i.
func sentenceCountry(ms []Mention, skip int) string {
	for j, m := range ms {
		if j == skip {
			continue
		}
		switch m.Kind {
		case MCountry, "demonym", MMetonym:
			return m.Country
		}
	}
	// else the country a person or organisation of the sentence names
	for j, m := range ms {
		// a news agency in a dateline ("(Reuters) -") reports from abroad
		if j != skip && m.ExplicitCountry && m.Country != "" && (m.Kind == MPerson || m.Kind == MOrg) && !contains(m.Sectors, "MED") {
			return m.Country
		}
	}
	return ""
}

// followingPlaceCountry: "Dr. X of the Center for Y in Ankara" – the
// country of a place that closely follows the mention in its sentence.
func followingPlaceCountry(doc *Doc, si int, m *Mention) string {
	for _, o := range doc.Mentions[si] {
		if o.Tok0 >= m.Tok1 && o.Tok0-m.Tok1 <= 8 && (o.Kind == MPlace || o.Kind == MOther || o.Kind == MOrg) {
			if o.Kind == MPlace && o.Country != "" {
				return o.Country
			}
		}
	}
	return ""
}

// buildEntities merges mentions into entities with coreference.
func (d *Dictionary) buildEntities(doc *Doc, docText string) {
	persons := []int{}
	for si := range doc.Mentions {
		ms := doc.Mentions[si]
		for i := range ms {
			m := &ms[i]
			if m.Kind == "demonym" {
				continue
			}
			var key, typ, name string
			title, role := "", m.Role
			if k := strings.Index(role, "\x00"); k >= 0 {
				role, title = role[:k], role[k+1:]
			}
			m.Role = role
			known := true
			matched := ""
			switch m.Kind {
			case MPerson:
				typ = sitrep.TypePerson
				name = m.Text
				key = "person:" + d.nameKey(name)
				if e := d.lookupPerson(name); e != nil {
					name = e.Name
					key = "person:" + e.Name
					matched = e.Source
				} else {
					known = false
				}
			case MOrg:
				typ = sitrep.TypeOrg
				name = trimDet(m.Text)
				if e := d.lookupKind(name, KindOrg); e != nil {
					name, matched = e.Name, e.Source
					key = "org:" + e.Name
				} else if len(m.Sectors) > 0 {
					key = "inst:" + m.Country + ":" + strings.Join(m.Sectors, "|")
					if _, seen := doc.entityKey[key]; !seen && !m.ExplicitCountry && m.Role != "unknown-org" {
						// "the army", "armored vehicles": a generic reference the
						// context gives a country to is no named organisation
						typ = sitrep.TypeOther
						key = "generic:" + m.Country + ":" + d.nameKey(name)
					}
				} else {
					key = "org:" + d.nameKey(name)
					known = false
				}
			case MMetonym:
				typ = sitrep.TypeOrg
				name = d.CountryDemonym(m.Country) + " government"
				key = "inst:" + m.Country + ":GOV"
			case MCountry:
				typ = sitrep.TypeCountry
				name = d.CountryName(m.Country)
				key = "country:" + m.Country
			case MPlace:
				typ = sitrep.TypePlace
				name = trimDet(m.Text)
				key = "place:" + d.nameKey(name)
			case MGroup:
				typ = sitrep.TypeOther
				name = trimDet(m.Text)
				key = "group:" + m.Country + ":" + d.nameKey(m.Role)
			case MOther:
				typ = sitrep.TypeOther
				name = m.Text
				key = "other:" + d.nameKey(name)
				known = false
				if d.gaz != nil && !d.common[text.Fold(name)] && d.gaz.Has(name) {
					typ = sitrep.TypePlace
					key = "place:" + d.nameKey(name)
					m.Kind = MPlace
					known = true
				}
			default:
				continue
			}
			// surname / partial name coreference for people
			if m.Kind == MPerson || (m.Kind == MOther && !strings.Contains(name, " ")) {
				for _, pi := range persons {
					pe := &doc.Entities[pi]
					if sameSurname(d, pe.Name, name) || sameSurname(d, pe.Name, m.Text) {
						key = doc.keyOf(pi)
						typ = sitrep.TypePerson
						m.Kind = MPerson
						if m.Country == "" {
							m.Country, m.Sectors, m.Code = pe.Country, pe.Sectors, pe.Code
						}
						break
					}
				}
			}
			if m.Kind == MPlace {
				if pl, ok := d.resolvePlace(name, doc.Countries); ok {
					m.Country = pl.Country
					_ = pl
				}
			}
			idx, ok := doc.entityKey[key]
			if !ok {
				idx = len(doc.Entities)
				doc.entityKey[key] = idx
				ent := sitrep.Entity{ID: fmt.Sprintf("T%d", idx+1), Name: name, Type: typ, Code: m.Code, Country: m.Country, Sectors: m.Sectors, Known: known, Matched: matched}
				if typ == sitrep.TypePlace {
					ent.Code = ""
					if pl, ok := d.resolvePlace(name, doc.Countries); ok {
						if isAllCaps(ent.Name) {
							ent.Name = pl.Name // a dateline: "ANKARA" is Ankara
						}
						ent.Country = pl.Country
						ent.Geo = &sitrep.Geo{Lat: pl.Lat, Lon: pl.Lon, Admin1: pl.Admin1, GeonamesID: pl.GeonamesID}
						ent.Known = true
					}
				}
				if typ == sitrep.TypePerson {
					ent.Title, ent.Role = title, role
					persons = append(persons, idx)
				}
				if ent.Sectors == nil {
					ent.Sectors = []string{}
				}
				doc.Entities = append(doc.Entities, ent)
			}
			ent := &doc.Entities[idx]
			if ent.Title == "" && title != "" && typ == sitrep.TypePerson {
				ent.Title = title
			}
			if ent.Role == "" && role != "" && typ == sitrep.TypePerson {
				ent.Role = role
			}
			if ent.Affiliation == "" && m.Affiliation != "" {
				ent.Affiliation = m.Affiliation
			}
			if len(ent.Sectors) == 0 && len(m.Sectors) > 0 {
				ent.Sectors = m.Sectors
				ent.Code = code(ent.Country, ent.Sectors)
			}
			if ent.Country == "" && m.Country != "" {
				ent.Country = m.Country
				ent.Code = code(m.Country, ent.Sectors)
			}
			if m.Kind == MOrg && m.Role != "affiliation" && ent.Name != name && len(name) > len(ent.Name) && strings.HasSuffix(key, strings.Join(m.Sectors, "|")) && !ok {
				ent.Name = name
			}
			m.Entity = idx
			if m.Country == "" {
				m.Country = ent.Country
			}
			if m.Code == "" {
				m.Code = ent.Code
			}
			ent.Mentions = append(ent.Mentions, sitrep.Span{Start: m.Start, End: m.End, Text: docText[m.Start:m.End], Sentence: si})
			alias := docText[m.Start:m.End]
			if alias != ent.Name && !contains(ent.Aliases, alias) {
				ent.Aliases = append(ent.Aliases, alias)
			}
		}
	}
	// role nouns ("the spokesman") refer back to the person with that role
	for si := range doc.Mentions {
		for i := range doc.Mentions[si] {
			m := &doc.Mentions[si][i]
			if m.Kind != MGroup || m.Role == "" || m.Entity < 0 || strings.HasSuffix(m.Role, "s") {
				continue
			}
			if m.NP0 >= len(doc.Tokens[si]) || !doc.Tokens[si][m.NP0].Is("the", "this", "that") {
				continue // "a resident", "one Turkish adviser" are new people
			}
			for _, pi := range persons {
				pe := &doc.Entities[pi]
				if pi < m.Entity && hasWords(text.Fold(pe.Role), text.Fold(m.Role)) {
					old := &doc.Entities[m.Entity]
					if len(old.Mentions) == 1 {
						pe.Mentions = append(pe.Mentions, old.Mentions...)
						old.Mentions = nil
						m.Entity = pi
						m.Kind = MPerson
						m.Country, m.Sectors, m.Code = pe.Country, pe.Sectors, pe.Code
					}
					break
				}
			}
		}
	}
	// drop entities that lost all mentions, renumber
	remap := make([]int, len(doc.Entities))
	var kept []sitrep.Entity
	for i, e := range doc.Entities {
		if len(e.Mentions) == 0 {
			remap[i] = -1
			continue
		}
		remap[i] = len(kept)
		e.ID = fmt.Sprintf("T%d", len(kept)+1)
		kept = append(kept, e)
	}
	doc.Entities = kept
	for si := range doc.Mentions {
		for i := range doc.Mentions[si] {
			if m := &doc.Mentions[si][i]; m.Entity >= 0 {
				m.Entity = remap[m.Entity]
			}
		}
	}
}

// hasWords reports whether phrase contains the words of part, whole.
func hasWords(phrase, part string) bool {
	return strings.Contains(" "+phrase+" ", " "+part+" ")
}

func (doc *Doc) keyOf(idx int) string {
	for k, v := range doc.entityKey {
		if v == idx {
			return k
		}
	}
	return ""
}

func trimDet(s string) string {
	for _, d := range []string{"the ", "The ", "a ", "A ", "an ", "An "} {
		if strings.HasPrefix(s, d) {
			return s[len(d):]
		}
	}
	return s
}

func (d *Dictionary) nameKey(s string) string {
	ks, _ := d.keys(s)
	return strings.Join(ks, " ")
}

// sameSurname reports whether short is the last name (or last names) of full.
func sameSurname(d *Dictionary, full, short string) bool {
	fk, _ := d.keys(full)
	sk, _ := d.keys(short)
	if len(sk) == 0 || len(sk) >= len(fk) {
		return false
	}
	for i := range sk {
		if fk[len(fk)-len(sk)+i] != sk[i] {
			return false
		}
	}
	return true
}

// lookupPerson finds a dictionary person by name or alias.
func (d *Dictionary) lookupPerson(name string) *Entry {
	return d.lookupKind(name, KindPerson)
}

func (d *Dictionary) lookupKind(name, kind string) *Entry {
	id, ok := d.byKey[d.nameKey(name)]
	if !ok {
		return nil
	}
	for _, e := range d.patterns[id].entries {
		if e.Kind == kind {
			return e
		}
	}
	return nil
}
