package events

import (
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/actors"
)

// side is an actor found for an event, with where it was found.
type side struct {
	m        actors.Mention
	ok       bool
	inferred bool   // from a pronoun, a reporter or the context
	via      string // the preposition that introduced it ("from", "by")
	pair     bool   // "the two": m is the second of two actors
}

var beForms = map[string]bool{"was": true, "were": true, "is": true, "are": true, "been": true, "be": true, "being": true, "has": false}

var prepositions = map[string]bool{"of": true, "in": true, "at": true, "to": true, "with": true, "for": true, "from": true, "on": true, "against": true, "by": true, "near": true, "into": true, "over": true, "about": true, "between": true, "among": true, "across": true, "under": true, "toward": true, "towards": true, "after": true, "before": true, "during": true, "amid": true, "including": true, "like": true, "than": true, "via": true, "through": true, "outside": true, "inside": true, "around": true, "since": true, "until": true, "within": true, "without": true, "behind": true, "alongside": true}

var subordinators = map[string]bool{"after": true, "before": true, "when": true, "because": true, "while": true, "since": true, "until": true, "although": true, "though": true, "unless": true, "whereas": true, "where": true, "amid": true, "once": true, "whether": true}

var quantity = map[string]bool{"hundreds": true, "thousands": true, "tens": true, "dozens": true, "scores": true, "millions": true, "number": true, "some": true, "many": true, "most": true, "one": true, "two": true, "three": true, "several": true, "all": true, "majority": true, "crowds": true, "groups": true, "members": true, "units": true, "contingent": true, "delegation": true, "team": true, "teams": true, "batch": true}

var targetPreps = map[string]bool{"by": true, "to": true, "with": true, "on": true, "against": true, "toward": true, "towards": true, "at": true, "for": true, "into": true, "over": true, "from": true}

var pronouns = map[string]string{"he": "person", "she": "person", "him": "person", "her": "person", "it": "thing", "its": "thing", "they": "thing", "them": "thing", "their": "thing"}

// usable reports whether a mention can be an event actor.
func usable(m actors.Mention) bool {
	switch m.Kind {
	case actors.MPerson, actors.MOrg, actors.MGroup, actors.MCountry, actors.MMetonym:
		return m.Country != "" || international(m.Code)
	case actors.MPlace:
		return m.Country != ""
	}
	return false
}

// international reports whether a code names an actor with no country of
// its own: an intergovernmental organisation, an international militant
// group or an international NGO.
func international(code string) bool {
	return strings.HasPrefix(code, "IGO") || strings.HasPrefix(code, "IMG") || strings.HasPrefix(code, "NGO")
}

// prepBefore returns the preposition governing the mention, if any.
func prepBefore(s *sentence, m actors.Mention) string {
	i := m.Tok0 - 1
	for i >= 0 && (s.toks[i].Key == "the" || s.toks[i].Key == "a" || s.toks[i].Key == "an" || s.toks[i].Kind == 'w' && strings.Contains(s.toks[i].Key, "-") && s.byTok[i] < 0) {
		i--
	}
	if i >= 0 && prepositions[s.toks[i].Key] {
		// "thousands of people", "one of the rebels": a quantity, not a preposition
		if s.toks[i].Key == "of" && i > 0 && quantity[s.toks[i-1].Key] {
			return ""
		}
		return s.toks[i].Key
	}
	return ""
}

// passive reports whether the verb at i is in the passive voice.
func passive(s *sentence, i int) bool {
	k := s.toks[i].Key
	if !(strings.HasSuffix(k, "ed") || strings.HasSuffix(k, "en") || strings.HasSuffix(k, "t") || strings.HasSuffix(k, "n")) {
		return false
	}
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		w := s.toks[j].Key
		if beForms[w] {
			return true
		}
		if w != "not" && w != "reportedly" && w != "also" && w != "allegedly" && w != "being" && w != "already" && !strings.HasSuffix(w, "ly") {
			return false
		}
	}
	return false
}

// passiveAux returns the index of the form of "be" of the passive verb at
// i, or -1.
func passiveAux(s *sentence, i int) int {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if beForms[s.toks[j].Key] {
			return j
		}
	}
	return -1
}

// clauseStart is the first token of the clause holding token i: after a
// semicolon, a colon or a quotation mark.
func clauseStart(s *sentence, i int) int {
	for j := i - 1; j >= 0; j-- {
		switch s.toks[j].Key {
		case ";", ":":
			return j + 1
		case "-", "—", "–":
			// a dateline: "KHARTOUM, April 15 (Reuters) -"
			if j > 0 && s.toks[j-1].Key == ")" {
				return j + 1
			}
		}
	}
	return 0
}

func clauseEnd(s *sentence, i int) int {
	for j := i; j < len(s.toks); j++ {
		switch s.toks[j].Key {
		case ";", ":", ".", "?", "!":
			return j
		case "”", "»":
			// a closing quote ends the clause when the attribution follows
			if j+1 >= len(s.toks) || s.toks[j+1].Kind == 'p' || j > 0 && s.toks[j-1].Kind == 'p' {
				return j
			}
		case "\"":
			// a straight quote mark after punctuation closes a quote
			if j > 0 && s.toks[j-1].Kind == 'p' {
				return j
			}
		}
	}
	return len(s.toks)
}

// subject finds the actor left of token i: the nearest usable mention that
// is not the object of a preposition, with relative pronouns and personal
// pronouns resolved.
func (c *Coder) subject(st *docState, s *sentence, i int, allowPrep map[string]bool) side {
	start := clauseStart(s, i)
	if v := c.sharedSubjectVerb(s, i, start); v >= 0 {
		// "Thailand recalled its ambassador and expelled Cambodia's envoy",
		// "Israeli troops opened fire ..., killing 22 people": the verb
		// shares the subject of the verb before it
		if sub := c.subject(st, s, v, allowPrep); sub.ok {
			return sub
		}
	} else if i > start+1 && s.toks[i-1].Key == "," && opensParticiple(s.keys, s.tokKey[i]) {
		// "Abiy ordered an offensive against Tigray, accusing it of ...":
		// a participle clause after a comma shares the subject of the main
		// clause even when its verb is not an event
		if m, ok := mainSubject(s, start, i-1); ok {
			return side{m: m, ok: true}
		}
		if accidentSubject(s, start, i-1) {
			// "an earthquake struck ..., killing hundreds", "a bus plunged
			// into a ravine, killing 24": the main subject is no actor, so
			// the participle has none
			return side{}
		}
	}
	if conflictHead(s, i, start) {
		// "Sudan's war has displaced millions", "the fighting killed 20":
		// a situation, not an actor, is the subject
		return side{}
	}
	for j := i - 1; j >= start; j-- {
		t := s.toks[j]
		if t.Key == "," {
			// "Mazloum Abdi, commander of the SDF, signed": skip the apposition
			if k := appositionStart(s, j); k >= 0 {
				j = k
				continue
			}
		}
		if subordinators[t.Key] || subordinatingAs(s, j) {
			// "... after a massive earthquake struck", "as fighting raged":
			// the subject of a subordinate clause stands between the
			// conjunction and the verb
			return side{}
		}
		if t.Key == "that" && relativeThat(s, j, i) {
			// "the agreement that seeks to merge ...": the antecedent is the subject
			k := j - 1
			for k >= start && s.toks[k].Key == "," {
				k--
			}
			if k >= start {
				if mi := s.byTok[k]; mi >= 0 && usable(s.mentions[mi]) {
					return side{m: s.mentions[mi], ok: true}
				}
			}
			return side{}
		}
		if t.Key == "which" || t.Key == "who" {
			// the antecedent of a relative clause
			for k := j - 1; k >= start; k-- {
				if mi := s.byTok[k]; mi >= 0 && usable(s.mentions[mi]) {
					return side{m: s.mentions[mi], ok: true}
				}
				if s.toks[k].Key != "," {
					break
				}
			}
			continue
		}
		if (t.Key == "two" || t.Key == "both") && j+1 <= i {
			// "the two signed", "both sides agreed": the last two actors of
			// different countries, paired by the caller
			if m, ok := c.lastPair(st, s, j); ok {
				return side{m: m, ok: true, inferred: true, pair: true}
			}
		}
		if kind, ok := pronouns[t.Key]; ok && t.Key != "her" && t.Key != "its" && t.Key != "their" {
			if m, ok := c.resolvePronoun(st, s, j, kind); ok {
				return side{m: m, ok: true, inferred: true}
			}
			continue
		}
		mi := s.byTok[j]
		if mi < 0 {
			continue
		}
		m := s.mentions[mi]
		j = m.Tok0
		if m.Kind == "demonym" && m.Country != "" && vehicleSubject(s, m, i) && prepBefore(s, m) == "" {
			// "Jordanian aircraft dropped food over Gaza": the vehicle of
			// the act stands for the state the adjective names
			return side{m: m, ok: true}
		}
		if !usable(m) || m.Kind == actors.MPlace {
			continue
		}
		if p := prepBefore(s, m); p != "" && !allowPrep[p] && !(subordinators[p] && clauseSubject(s, m, i)) {
			continue
		}
		if contextual(m) && namesPair(s, m) {
			// "the two leaders agreed": the last two actors named
			if pm, ok := c.lastPair(st, s, m.NP0); ok {
				return side{m: pm, ok: true, inferred: true, pair: true}
			}
		}
		return side{m: m, ok: true}
	}
	return side{}
}

// vehicles carry out acts for the state whose adjective they bear.
var vehicles = map[string]bool{"aircraft": true, "plane": true, "planes": true, "jet": true, "jets": true, "warplane": true, "warplanes": true, "helicopter": true, "helicopters": true, "ship": true, "ships": true, "warship": true, "warships": true, "vessel": true, "vessels": true, "boat": true, "boats": true, "drone": true, "drones": true, "truck": true, "trucks": true, "lorries": true, "convoy": true, "convoys": true, "tank": true, "tanks": true, "frigate": true, "frigates": true, "destroyer": true, "destroyers": true, "submarine": true, "bomber": true, "bombers": true, "fighter": true}

// vehicleSubject reports whether demonym m heads a subject whose noun is a
// vehicle right before the verb at i ("Jordanian military aircraft
// dropped", "Turkish warships have entered").
func vehicleSubject(s *sentence, m actors.Mention, i int) bool {
	j := i - 1
	for j >= m.Tok1 && (auxiliaries[s.toks[j].Key] || modals[s.toks[j].Key] || strings.HasSuffix(s.toks[j].Key, "ly")) {
		j--
	}
	if j < m.Tok1 || j > m.Tok1+2 || !vehicles[s.toks[j].Key] {
		return false
	}
	for k := m.Tok1; k < j; k++ {
		if t := s.toks[k]; t.Kind != 'w' || prepositions[t.Key] || s.byTok[k] >= 0 {
			return false
		}
	}
	return true
}

// conflictNouns name situations that do things in news text without
// being actors: "the war has displaced", "fighting killed", "the
// earthquake destroyed".
var conflictNouns = map[string]bool{"war": true, "wars": true, "conflict": true, "conflicts": true, "fighting": true, "violence": true, "crisis": true, "unrest": true, "clashes": true, "hostilities": true, "insurgency": true, "turmoil": true, "famine": true, "drought": true, "floods": true, "flooding": true, "earthquake": true, "storm": true, "hurricane": true, "cyclone": true, "epidemic": true, "pandemic": true, "disease": true, "shortages": true, "blockade": true}

// accidentNouns name natural disasters, accidents and the vehicles or
// structures that have them: subjects of a main clause that are no actor.
var accidentNouns = map[string]bool{"earthquake": true, "quake": true, "tremor": true, "aftershock": true, "storm": true, "hurricane": true, "cyclone": true, "typhoon": true, "tornado": true, "tsunami": true, "flood": true, "floods": true, "flooding": true, "rains": true, "downpour": true, "landslide": true, "landslides": true, "mudslide": true, "avalanche": true, "eruption": true, "volcano": true, "wildfire": true, "wildfires": true, "fire": true, "blaze": true, "heatwave": true, "drought": true, "crash": true, "collision": true, "accident": true, "derailment": true, "collapse": true, "explosion": true, "blast": true, "stampede": true, "leak": true, "bus": true, "minibus": true, "train": true, "truck": true, "lorry": true, "car": true, "tanker": true, "ferry": true, "boat": true, "vessel": true, "plane": true, "airliner": true, "jetliner": true, "building": true, "bridge": true, "dam": true, "mine": true, "roof": true}

// accidentSubject reports whether the clause between start and end opens
// with a noun phrase headed by an accident noun, before any actor,
// preposition or subordinate clause: "A powerful earthquake struck",
// "A bus plunged into".
func accidentSubject(s *sentence, start, end int) bool {
	for j := start; j < end && j < start+6; j++ {
		t := s.toks[j]
		if s.byTok[j] >= 0 && s.mentions[s.byTok[j]].Kind != "demonym" || t.Kind == 'p' || prepositions[t.Key] || subordinators[t.Key] {
			return false
		}
		if accidentNouns[t.Key] || conflictNouns[t.Key] {
			return true
		}
	}
	return false
}

// conflictHead reports whether the word before the verb at i (past
// auxiliaries and adverbs) is a situation noun heading its subject.
func conflictHead(s *sentence, i, start int) bool {
	j := i - 1
	for j >= start && (auxiliaries[s.toks[j].Key] || modals[s.toks[j].Key] || strings.HasSuffix(s.toks[j].Key, "ly") && s.byTok[j] < 0) {
		j--
	}
	return j >= start && conflictNouns[s.toks[j].Key] && s.byTok[j] < 0
}

// mainSubject is the subject of the main clause between tokens start and
// end: the first actor that no preposition governs, when no subordinate
// clause or comma stands before it.
func mainSubject(s *sentence, start, end int) (actors.Mention, bool) {
	for j := start; j < end; j++ {
		if subordinators[s.toks[j].Key] || s.toks[j].Key == "," || s.toks[j].Key == "as" {
			return actors.Mention{}, false
		}
		mi := s.byTok[j]
		if mi < 0 {
			continue
		}
		m := s.mentions[mi]
		j = m.Tok1 - 1
		if m.Role == "modifier" {
			continue
		}
		if !usable(m) || m.Kind == actors.MPlace || m.Locative || prepBefore(s, m) != "" {
			return actors.Mention{}, false
		}
		// "opened an investigation after a missile landed ..., killing two
		// people": the participle goes with the subordinate clause
		for k := m.Tok1; k < end; k++ {
			if subordinators[s.toks[k].Key] || subordinatingAs(s, k) || s.toks[k].Key == "that" || s.toks[k].Key == "which" || s.toks[k].Key == "who" {
				return actors.Mention{}, false
			}
		}
		return m, true
	}
	return actors.Mention{}, false
}

// clauseSubject reports whether a mention that a word like "after" or
// "before" governs is the subject of a clause whose verb is the trigger
// at i ("after police killed 19 people", "before the rebels had
// withdrawn"): nothing but auxiliaries and adverbs stand between them.
func clauseSubject(s *sentence, m actors.Mention, i int) bool {
	if m.Tok1 > i {
		return false
	}
	for k := m.Tok1; k < i; k++ {
		w := s.toks[k].Key
		if !auxiliaries[w] && !strings.HasSuffix(w, "ly") {
			return false
		}
	}
	return true
}

var auxiliaries = map[string]bool{"had": true, "has": true, "have": true, "was": true, "were": true, "is": true, "are": true, "did": true, "would": true, "could": true, "will": true, "not": true, "also": true, "then": true}

// subordinatingAs reports whether "as" at j opens a clause ("as fighting
// raged"), not a comparison or a list ("as well as", "such as").
func subordinatingAs(s *sentence, j int) bool {
	if s.toks[j].Key != "as" {
		return false
	}
	if j > 0 {
		switch s.toks[j-1].Key {
		case "such", "well", "same", "so", "just":
			return false
		}
	}
	if j+1 < len(s.toks) {
		switch s.toks[j+1].Key {
		case "well", "part", "a", "an", "many", "much", "long", "soon", "far", "of", "to":
			return false
		}
	}
	return true
}

// namesPair reports whether a generic noun phrase counts two sides ("the
// two leaders", "both governments").
func namesPair(s *sentence, m actors.Mention) bool {
	for k := m.NP0; k < m.Tok1 && k < len(s.toks); k++ {
		if s.toks[k].Key == "two" || s.toks[k].Key == "both" {
			return true
		}
	}
	return false
}

// sharedSubjectVerb returns the trigger of the verb whose subject the verb
// at i shares, or -1: the verb at i follows "and" (a coordinated predicate)
// or opens a participle clause after a comma ("..., killing 22 people"),
// and a coded verb stands before it in the clause.
func (c *Coder) sharedSubjectVerb(s *sentence, i, start int) int {
	j := i - 1
	for j > start && strings.HasSuffix(s.toks[j].Key, "ly") {
		j-- // "and then", "and also", "and quickly"
	}
	if j <= start {
		return -1
	}
	first := false
	switch k := s.toks[j].Key; {
	case k == "and" || k == "then" && s.toks[j-1].Key == "and":
	case k == "," && strings.HasSuffix(s.toks[i].Key, "ing"):
		// a participle clause goes with the main verb, the first of the
		// clause ("demanded that NATO impose ..., accusing the alliance")
		first = true
	default:
		return -1
	}
	v := -1
	for _, t := range s.verbs {
		if t >= start && t < j && (v < 0 || !first) {
			v = t
		}
	}
	// "opened an investigation after a missile landed ..., killing two
	// people": a subordinate clause between them has its own subject
	for k := v + 1; v >= 0 && k < j; k++ {
		if subordinators[s.toks[k].Key] {
			return -1
		}
	}
	return v
}

// appositionStart: when the comma at j closes an apposition ("X, commander
// of Y,"), the index of the comma that opens it; else -1.
func appositionStart(s *sentence, j int) int {
	for k := j - 1; k >= 0 && k >= j-12; k-- {
		if s.toks[k].Key != "," {
			continue
		}
		h := k + 1
		for h < j && (s.toks[h].Key == "a" || s.toks[h].Key == "an" || s.toks[h].Key == "the" || s.toks[h].Key == "one" || s.toks[h].Key == "its" || s.toks[h].Key == "his" || s.toks[h].Key == "her") {
			h++
		}
		if h < j {
			if mi := s.byTok[h]; mi >= 0 && s.mentions[mi].Kind == actors.MGroup && k > 0 && s.byTok[k-1] >= 0 {
				return k
			}
		}
		// "Sheikh X, one of the community's spiritual leaders,": a phrase
		// that ends in a role noun right before the closing comma
		if mi := s.byTok[j-1]; mi >= 0 && s.mentions[mi].Kind == actors.MGroup && s.mentions[mi].Tok1 == j && k > 0 && s.byTok[k-1] >= 0 && s.mentions[s.byTok[k-1]].Kind == actors.MPerson {
			return k
		}
		return -1
	}
	return -1
}

// relativeThat reports whether "that" at j introduces a relative clause
// whose verb is the trigger at i: nothing but verbs, adverbs and particles
// stand between them (a complementizer "that" is followed by a subject).
func relativeThat(s *sentence, j, i int) bool {
	for k := j + 1; k < i; k++ {
		if s.byTok[k] >= 0 {
			return false
		}
		if _, ok := pronouns[s.toks[k].Key]; ok {
			return false
		}
		switch s.toks[k].Key {
		case "the", "a", "an", "this", "these", "those":
			return false
		}
	}
	return true
}

// lastPair finds the two most recent actors of different countries before
// token j (in this sentence or the one before) and returns the later one;
// coordinated() is not used, the caller asks pairOf for the other.
func (c *Coder) lastPair(st *docState, s *sentence, j int) (actors.Mention, bool) {
	var found []actors.Mention
	collect := func(ms []actors.Mention, limit int) {
		for k := len(ms) - 1; k >= 0 && len(found) < 2; k-- {
			m := ms[k]
			if limit >= 0 && m.Tok0 >= limit {
				continue
			}
			if !usable(m) || m.Kind == actors.MPlace || m.Kind == actors.MGroup {
				continue
			}
			if len(found) == 1 && found[0].Country == m.Country {
				continue
			}
			found = append(found, m)
		}
	}
	collect(s.mentions, j)
	if len(found) < 2 && s.index > 0 {
		collect(st.doc.Mentions[s.index-1], -1)
	}
	if len(found) < 2 {
		return actors.Mention{}, false
	}
	st.pairFirst = found[1]
	return found[0], true
}

// resolvePronoun finds the antecedent of a pronoun at token j.
func (c *Coder) resolvePronoun(st *docState, s *sentence, j int, kind string) (actors.Mention, bool) {
	want := func(m actors.Mention) bool {
		if !usable(m) || m.Kind == actors.MPlace {
			return false
		}
		if kind == "person" {
			return m.Kind == actors.MPerson
		}
		return m.Kind != actors.MPerson
	}
	for k := j - 1; k >= 0; k-- {
		if mi := s.byTok[k]; mi >= 0 && want(s.mentions[mi]) {
			if prepBefore(s, s.mentions[mi]) == "" {
				return s.mentions[mi], true
			}
		}
	}
	for si := s.index - 1; si >= 0 && si >= s.index-2; si-- {
		ms := st.doc.Mentions[si]
		// the first (subject-like) mention of the previous sentence that fits
		for _, m := range ms {
			if want(m) && !m.Locative {
				return m, true
			}
		}
	}
	return actors.Mention{}, false
}

// object finds the actor right of token i within the clause.
func (c *Coder) object(s *sentence, from int, assault, aid bool, exclude actors.Mention) side {
	// an actor of the source's own country is kept only when no other is found
	first := c.object1(s, from, assault, aid, exclude, "")
	if !first.ok || exclude.Country == "" || first.m.Country != exclude.Country {
		return first
	}
	if other := c.object1(s, from, assault, aid, exclude, exclude.Country); other.ok {
		return other
	}
	return first
}

func (c *Coder) object1(s *sentence, from int, assault, aid bool, exclude actors.Mention, skipCountry string) side {
	end := clauseEnd(s, from)
	var generic side
	// the window counts words; a name counts as one ("29 cartel figures,
	// including drug lord Rafael Caro Quintero, to the United States")
	cost := 0
	for j := from; j < end && cost < 14; j, cost = j+1, cost+1 {
		t := s.toks[j]
		if j > from && (t.Key == "that" || t.Key == "which" || t.Key == "who" || t.Key == "because" || t.Key == "while" || t.Key == "after" || t.Key == "as" || t.Key == "according") {
			// "according to X" names a source, never a recipient
			break
		}
		mi := s.byTok[j]
		if mi < 0 {
			if m, ok := pronounObject(s, from, j, exclude); ok {
				return side{m: m, ok: true, inferred: true}
			}
			continue
		}
		m := s.mentions[mi]
		if skipCountry != "" && m.Country == skipCountry {
			j = m.Tok1 - 1
			continue
		}
		if m.Kind == "demonym" && m.Country != "" && (m.Country != exclude.Country || contextual(exclude) && !m.Locative) {
			// "condemned the Israeli attacks": the adjective's country is the
			// target; "militants ambushed a Nigerien convoy": also a group
			// that took its country from the context acts at home
			return side{m: m, ok: true}
		}
		if !usable(m) || (m.Entity >= 0 && m.Entity == exclude.Entity) {
			j = m.Tok1 - 1
			continue
		}
		p := prepBefore(s, m)
		if p == "of" && locativeHead(s, m) {
			// "in the Sea of Japan", "in the city of Nara": a place
			p = "in"
			m.Locative = true
		}
		if p == "by" {
			// "a ceasefire brokered by Washington": "by" marks the agent of
			// a participle, never the recipient of an act
			j = m.Tok1 - 1
			continue
		}
		if (m.Kind == actors.MMetonym || m.Kind == actors.MCountry || m.Kind == actors.MPlace && m.Country != "") && (p == "to" || p == "with") {
			// "a trip to Beijing", "talks with Moscow"
			return side{m: m, ok: true}
		}
		if m.Kind == actors.MPlace || (m.Locative && m.Kind == actors.MMetonym) || p == "in" || p == "across" || p == "into" {
			if aid && (p == "in" || p == "into" || p == "to" || p == "over" || p == "across") {
				// "aid dropped over Gaza", "food distributed across Darfur"
				return side{m: m, ok: true}
			}
			if assault && (p == "on" || p == "in" || p == "at" || p == "" || p == "across" || p == "into" || p == "against" || p == "near" || p == "over") {
				return side{m: m, ok: true}
			}
			j = m.Tok1 - 1
			continue
		}
		if p != "" && !targetPreps[p] && p != "of" {
			j = m.Tok1 - 1
			continue
		}
		if contextual(m) && m.Country == exclude.Country {
			// "The United States imposed sanctions on dozens of companies":
			// a generic noun took its country from the subject; an actor
			// the text names after it is the better target
			if !generic.ok {
				generic = side{m: m, ok: true}
			}
			j = m.Tok1 - 1
			continue
		}
		return side{m: m, ok: true}
	}
	return generic
}

// pronounObject resolves a pronoun in the object of a verb to an actor
// named before it in the sentence other than the subject: "accusing it of
// ...", "fired a water cannon at it", "strikes on its territory". The
// pronoun must stand right after the verb or after a preposition that
// marks a recipient; a pronoun that opens a clause ("said it would") is
// the subject of that clause.
func pronounObject(s *sentence, from, j int, exclude actors.Mention) (actors.Mention, bool) {
	k := s.toks[j].Key
	possessive := k == "its" || k == "their"
	if !possessive && k != "it" && k != "them" && k != "him" {
		return actors.Mention{}, false
	}
	prev := ""
	if j > 0 {
		prev = s.toks[j-1].Key
	}
	switch {
	case possessive:
		// "its" after the verb is the subject's own ("recalled its envoy")
		if prev != "on" && prev != "against" && prev != "into" && prev != "at" {
			return actors.Mention{}, false
		}
	case j != from && prev != "at" && prev != "on" && prev != "against" && prev != "to" && prev != "with":
		return actors.Mention{}, false
	}
	if j+1 < len(s.toks) && (auxiliaries[s.toks[j+1].Key] || modals[s.toks[j+1].Key]) {
		return actors.Mention{}, false
	}
	for i := j - 1; i >= 0; i-- {
		mi := s.byTok[i]
		if mi < 0 {
			continue
		}
		m := s.mentions[mi]
		i = m.Tok0
		if !usable(m) || m.Kind == actors.MPlace || m.Locative && possessive || (m.Entity >= 0 && m.Entity == exclude.Entity) || m.Tok0 == exclude.Tok0 && m.Text == exclude.Text {
			continue
		}
		if (k == "him") != (m.Kind == actors.MPerson) || k != "him" && m.Kind == actors.MPerson {
			continue
		}
		// "its territory" belongs to a subject-like actor; "it" may be any
		// actor named before ("wrote to Kenya, accusing it of ...")
		if possessive && (contextual(m) || prepBefore(s, m) != "") || prepBefore(s, m) == "by" {
			continue
		}
		return m, true
	}
	return actors.Mention{}, false
}

var modals = map[string]bool{"would": true, "will": true, "could": true, "should": true, "may": true, "might": true, "can": true, "must": true, "had": true, "was": true, "would've": true}

// locativeHead reports whether the "of" before m follows a noun phrase a
// locative preposition opens ("in the southern province of Sweida").
func locativeHead(s *sentence, m actors.Mention) bool {
	of := m.Tok0 - 1
	for of >= 0 && s.toks[of].Key != "of" {
		of--
	}
	for j := of - 1; j >= 0 && j >= of-4; j-- {
		k := s.toks[j].Key
		if k == "in" || k == "at" || k == "near" || k == "across" || k == "over" || k == "around" {
			return true
		}
		if s.toks[j].Kind == 'p' || prepositions[k] {
			return false
		}
	}
	return false
}

// contextual reports whether the mention is a generic group or
// institution ("companies", "prisoners") whose country the recogniser
// inferred from the context rather than read in the phrase.
func contextual(m actors.Mention) bool {
	return (m.Kind == actors.MGroup || m.Kind == actors.MOrg) && !m.ExplicitCountry
}

// objectAcross looks for the first actor of another country after token
// from, up to the end of the sentence, across relative clauses.
func (c *Coder) objectAcross(s *sentence, from int, exclude actors.Mention) side {
	end := clauseEnd(s, from)
	for j := from; j < end && j < from+24; j++ {
		if k := s.toks[j].Key; k == "," || subordinators[k] {
			break
		}
		mi := s.byTok[j]
		if mi < 0 {
			continue
		}
		m := s.mentions[mi]
		if usable(m) && m.Kind != actors.MPlace && m.Country != "" && m.Country != exclude.Country {
			return side{m: m, ok: true, inferred: true}
		}
		j = m.Tok1 - 1
	}
	return side{}
}

// coordinated returns the mentions joined to m by "and" or commas on its
// left ("Spain, Ireland and Norway", "Russian and Ukrainian delegations").
func coordinated(s *sentence, m actors.Mention) []actors.Mention {
	var out []actors.Mention
	j := min(m.Tok0, m.NP0) - 1
	for j >= 0 && (s.toks[j].Key == "the" || s.toks[j].Kind == 'w' && strings.Contains(s.toks[j].Key, "-") && s.byTok[j] < 0) {
		j--
	}
	for j >= 1 && (s.toks[j].Key == "and" || s.toks[j].Key == ",") {
		k := j - 1
		for k >= 0 && s.toks[k].Key == "the" {
			k--
		}
		if k < 0 {
			break
		}
		mi := s.byTok[k]
		if mi < 0 {
			break
		}
		o := s.mentions[mi]
		if !usable(o) && !(o.Kind == "demonym" && o.Country != "") {
			break
		}
		out = append([]actors.Mention{o}, out...)
		j = min(o.Tok0, o.NP0) - 1
		for j >= 0 && s.toks[j].Key == "the" {
			j--
		}
	}
	return out
}

// coordinatedRight returns the mentions joined to m by "and" or commas on
// its right ("Argentina, Chile and Peru").
func coordinatedRight(s *sentence, m actors.Mention) []actors.Mention {
	var out []actors.Mention
	j := m.Tok1
	for j+1 < len(s.toks) && (s.toks[j].Key == "and" || s.toks[j].Key == ",") {
		k := j + 1
		if s.toks[k].Key == "and" {
			k++
		}
		for k < len(s.toks) && s.toks[k].Key == "the" {
			k++
		}
		// "13 soldiers and scores of civilians"
		if k+1 < len(s.toks) && quantity[s.toks[k].Key] && s.toks[k+1].Key == "of" {
			k += 2
		}
		if k >= len(s.toks) {
			break
		}
		mi := mentionFrom(s, k, s.toks[k-1].Key == "and")
		if mi < 0 {
			break
		}
		o := s.mentions[mi]
		if !usable(o) || o.Kind == actors.MPlace || o.Kind != m.Kind && !(isState(o) && isState(m)) && !nationsOf(o, m) {
			break
		}
		out = append(out, o)
		j = o.Tok1
	}
	return out
}

// mentionFrom returns the mention that starts at token k, or -1; when
// titled, one whose noun phrase starts there ("and Philippine President
// Ferdinand Marcos": the title is part of it).
func mentionFrom(s *sentence, k int, titled bool) int {
	if mi := s.byTok[k]; mi >= 0 {
		if s.mentions[mi].Tok0 == k {
			return mi
		}
		return -1
	}
	if !titled {
		return -1
	}
	for mi, m := range s.mentions {
		if m.NP0 <= k && k < m.Tok0 {
			for j := k; j < m.Tok0; j++ {
				if s.toks[j].Kind == 'p' || s.byTok[j] >= 0 {
					return -1
				}
			}
			return mi
		}
	}
	return -1
}

// nationsOf: two actors that each name their own, different country
// coordinate whatever their kinds ("by U.S. and Jordanian military aircraft").
func nationsOf(a, b actors.Mention) bool {
	return a.ExplicitCountry && b.ExplicitCountry && a.Country != "" && b.Country != "" && a.Country != b.Country
}

// isState: countries and capitals coordinate with each other.
func isState(m actors.Mention) bool {
	return m.Kind == actors.MCountry || m.Kind == actors.MMetonym || m.Kind == actors.MOrg
}

// modalityCommitted is what modality returns for an act that the subject
// committed itself to ("agreed to withdraw", "pledged to send"): the act is
// intended, so a planned act's intention code applies, but the commitment
// happened, so build codes it asserted.
const modalityCommitted = "committed"

// scopeBreak reports whether the key k opens a new clause or adjunct that a
// negation before it does not reach: a relative pronoun, a subordinator or
// a circumstantial preposition ("after", "during", "at"), or "and"/"but"
// before a verb ("denied shelling the town and blamed ...").
func (c *Coder) scopeBreak(s *sentence, h hit, k int) bool {
	if _, ok := c.cues.Is(s.keys, k, "scope"); !ok {
		return false
	}
	ti := s.keyTok[k]
	switch s.toks[ti].Key {
	case "and", "but":
	default:
		return true
	}
	j := ti + 1
	for j < h.trigger && (s.toks[j].Key == "then" || s.toks[j].Key == "later" || s.toks[j].Key == "also" || s.toks[j].Key == "instead") {
		j++
	}
	if j >= len(s.toks) || s.byTok[j] >= 0 || s.toks[j].Kind == 'p' {
		return false
	}
	if j == h.trigger {
		return h.pat.Kind == 'V'
	}
	return strings.HasSuffix(s.toks[j].Key, "ed")
}

// owned reports whether an owner governed by a preposition or by an
// infinitive stands between tokens i and j ("involved in Israel's strikes",
// "to condemn Russia's invasion"): the owned noun names an act the clause
// takes as given. A partitive "of" does not count ("one of its rockets had
// hit": the rockets are the subject of the denied clause).
func owned(s *sentence, i, j int) bool {
	for t := i; t < j && t < len(s.toks); t++ {
		o0 := -1
		switch s.toks[t].Key {
		case "his", "her", "its", "their":
			o0 = t
		}
		if mi := s.byTok[t]; mi >= 0 && s.mentions[mi].Possessive {
			o0 = s.mentions[mi].NP0
		}
		if o0 < 0 {
			continue
		}
		p := o0 - 1
		if p < i {
			return false
		}
		if k := s.toks[p].Key; k != "of" && prepositions[k] || p > 0 && s.toks[p-1].Key == "to" && s.byTok[p] < 0 {
			return true
		}
	}
	return false
}

// modality reads the cues between the clause start and the trigger.
// modalityKinds are the cue kinds that set an act's modality; among those
// starting at one word, the longest phrase wins.
var modalityKinds = map[string]bool{"negated": true, "hypothetical": true, "planned": true, "committed": true, "requested": true}

func (c *Coder) modality(s *sentence, h hit, from int) (string, *actors.Mention) {
	if m, ok := h.pat.Flags["modality"]; ok && m != "" {
		return m, nil
	}
	if h.pat.Kind == 'N' && strings.HasSuffix(s.toks[h.trigger].Key, "ed") {
		// "agreed to a ceasefire brokered by Washington": a participle
		// tells what was done; the cues before it govern another verb
		return sitrep.ModalityAsserted, nil
	}
	start := clauseStart(s, h.trigger)
	if from > start && from < h.trigger {
		start = from
	}
	k0 := s.tokKey[start]
	k1 := h.k0
	if h.pred {
		// "EU sanctions on Syria could be eased": the cues before the
		// noun's own verb govern it
		k1 = h.k1 - 1
	}
	mod := sitrep.ModalityAsserted
	nominal := h.pat.Kind == 'N' && !h.pred
	inCue := 0 // keys up to here belong to a longer cue already read
	for k := k0; k < k1; k++ {
		if k < inCue {
			// "did not rule out": the words of a longer cue are not cues of
			// their own ("not")
			continue
		}
		if mod == sitrep.ModalityNegated && c.scopeBreak(s, h, k) {
			// "denied shelling the town and blamed ...", "did not attend
			// the talks after the strikes": the negation stays in its clause
			mod = sitrep.ModalityAsserted
		}
		cues := c.cues.At(s.keys, k)
		longest := 0
		for _, cu := range cues {
			if k+len(cu.words) <= k1 && len(cu.words) > longest && modalityKinds[cu.kind] {
				longest = len(cu.words)
			}
		}
		for _, cu := range cues {
			if k+len(cu.words) > k1 {
				continue
			}
			if modalityKinds[cu.kind] && len(cu.words) < longest {
				// "did not rule out" (hypothetical), not "did not" (negated)
				continue
			}
			if s.byTok[s.keyTok[k]] >= 0 {
				// "the United States": a name is no cue
				continue
			}
			if nominal && cu.kind != "negated" && k+len(cu.words) < k1-4 {
				// "agreed to a ceasefire brokered by Washington": a cue governs
				// the verb after it; a noun only when it modifies its phrase
				// ("the planned talks")
				continue
			}
			if len(cu.words) > 1 && modalityKinds[cu.kind] {
				inCue = max(inCue, k+len(cu.words))
			}
			switch cu.kind {
			case "negated":
				if strings.Contains(s.toks[s.keyTok[k]].Key, "-") {
					// "a no-fly zone", "a non-aggression pact": part of a word
					continue
				}
				if nominal && owned(s, s.keyTok[k+len(cu.words)-1]+1, h.trigger) {
					// "was not involved in Israel's strikes": a noun with its
					// owner names an act the sentence takes as given
					continue
				}
				mod = sitrep.ModalityNegated
			case "hypothetical":
				if mod != sitrep.ModalityNegated {
					mod = sitrep.ModalityHypothetical
				}
			case "planned":
				if mod == sitrep.ModalityAsserted || mod == modalityCommitted {
					mod = sitrep.ModalityPlanned
				}
			case "committed":
				if mod == sitrep.ModalityAsserted {
					mod = modalityCommitted
				}
			case "requested":
				if mod == sitrep.ModalityAsserted && k+len(cu.words) >= k1-3 {
					mod = sitrep.ModalityRequested
				}
			}
		}
	}
	if h.pat.Kind == 'V' && mod == sitrep.ModalityAsserted {
		// "plans to station troops", "was ready to send aid": a pattern that
		// starts with a plan is a plan
		for k := h.k0; k < h.k0+2 && k < h.k1; k++ {
			for _, cu := range c.cues.At(s.keys, k) {
				if cu.kind == "planned" && k+len(cu.words) <= h.k1 {
					mod = sitrep.ModalityPlanned
				}
			}
		}
		// "made no commitment", "reached no agreement": the verb's object is
		// denied
		if t := h.trigger + 1; t < h.t1 && (s.toks[t].Key == "no" || s.toks[t].Key == "never") {
			mod = sitrep.ModalityNegated
		}
	}
	if mod == sitrep.ModalityAsserted {
		// "sending troops to Ukraine could not be ruled out": a
		// possibility stated after the act, in its clause
		for k, end := h.k1, s.tokKey[clauseEnd(s, h.trigger)-1]+1; k < end && k < len(s.keys); k++ {
			if _, ok := c.cues.Is(s.keys, k, "hypothetical-after"); ok {
				mod = sitrep.ModalityHypothetical
				break
			}
		}
	}
	if nominal && mod != sitrep.ModalityNegated && hypothetical(s, h.trigger) {
		// "any invasion would be met with sanctions": an act that may never
		// happen
		mod = sitrep.ModalityHypothetical
	}
	// a negation right after the trigger ("denied", "refused") is in the cue list too
	return mod, nil
}

// trailingReporter finds the announcer of an attribution that closes the
// clause of token i: ", a war monitor said." or ", according to local
// media.". It returns the announcer's mention when it has one, and whether
// the announcer is one that is never a party to the act (witnesses, media,
// monitors, sources).
func (c *Coder) trailingReporter(s *sentence, i int) (m actors.Mention, named, third, ok bool) {
	end := clauseEnd(s, i)
	comma := -1
	for j := i + 1; j < end; j++ {
		if s.toks[j].Key == "," {
			comma = j
			continue
		}
		if comma < 0 || j-comma > 9 {
			continue
		}
		k := s.tokKey[j]
		n, isCue := c.cues.Is(s.keys, k, "report")
		if !isCue || s.byTok[j] >= 0 {
			// "with the United States": a name is no cue
			continue
		}
		cueEnd := s.keyTok[min(k+n, len(s.keys))-1] + 1
		a0, a1 := comma+1, j
		if j == comma+1 {
			// ", according to X."; not ", citing X" (a reason, not a source)
			if s.toks[j].Key != "according" {
				return
			}
			a0, a1 = cueEnd, end
		} else if end-cueEnd > 5 {
			// ", the ministry said on Tuesday." and no more
			return
		}
		if a1-a0 < 1 || a1-a0 > 9 {
			return
		}
		for t := a0; t < a1; t++ {
			if s.toks[t].Kind == 'p' && s.toks[t].Key != "'s" && s.toks[t].Key != "’s" && s.toks[t].Key != "." && s.toks[t].Key != "-" {
				return
			}
			if k := s.toks[t].Key; prepositions[k] && k != "of" && k != "in" && k != "for" && k != "at" {
				// a clause, not a name: ", signed a charter with the ..."
				return
			}
			if _, th := c.cues.Is(s.keys, s.tokKey[t], "third"); th {
				third = true
			}
			if mi := s.byTok[t]; mi >= 0 && !named {
				m, named = s.mentions[mi], true
			}
		}
		if named && strings.HasSuffix(m.Code, "MED") {
			third = true
		}
		return m, named, third, named || third
	}
	return
}

// reporter finds the subject of a reporting verb that governs token i
// ("Turkey said Syria asked ..."): the actor left of the report cue.
func (c *Coder) reporter(st *docState, s *sentence, i int) (actors.Mention, bool) {
	start := clauseStart(s, i)
	for k := s.tokKey[i] - 1; k >= s.tokKey[start] && k >= 0; k-- {
		if _, ok := c.cues.Is(s.keys, k, "report"); ok && s.byTok[s.keyTok[k]] < 0 {
			sub := c.subject(st, s, s.keyTok[k], nil)
			if sub.ok {
				return sub.m, true
			}
			return actors.Mention{}, false
		}
	}
	return actors.Mention{}, false
}
