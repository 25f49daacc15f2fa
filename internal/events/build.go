package events

import (
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/actors"
)

// domestic event types whose recipient, when the text names none, is the
// country where the act happens
var domestic = map[string]bool{"PROTEST": true, "CONCEDE": true, "MOBILIZE": true, "COERCE": true, "ASSAULT": true, "RETREAT": true}

// inwardCodes are acts a state or its institutions do at home: promising
// or demanding political reform, and investigating. With no target in the
// text their recipient is the actor's own country ("the junta promised to
// hold elections", "French prosecutors are investigating a bribery
// scheme"), whatever place the sentence names.
var inwardCodes = []string{"024", "034", "09", "104"}

func inward(code string) bool {
	for _, p := range inwardCodes {
		if strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}

// nominalSource finds the actor of a nominal event: a possessive or
// adjectival modifier just before the noun, or the object of "from"/"by".
func (c *Coder) nominalSource(st *docState, s *sentence, h hit) side {
	if p := h.pat.Flags["source"]; p != "" && p != "poss" && !strings.HasPrefix(p, "&") {
		if sd := c.afterPrep(s, h, p, nil); sd.ok {
			sd.via = p
			return sd
		}
	}
	if mi := s.byTok[h.trigger]; mi >= 0 && s.mentions[mi].Tok0 < h.trigger && usable(s.mentions[mi]) {
		// "Ukrainian drones struck": the trigger is the head of the actor
		return side{m: s.mentions[mi], ok: true}
	}
	for _, p := range []string{"by", "from"} {
		if sd := c.afterPrep(s, h, p, nil); sd.ok {
			sd.via = p
			return sd
		}
	}
	// "deliveries of Turkish air-defence equipment": the maker or supplier
	if code, ok := c.table.Lookup(h.pat.Code); ok && (code.PLOVER == "AID" || code.PLOVER == "COOPERATE") {
		for j := h.trigger + 1; j < len(s.toks) && j <= h.trigger+3; j++ {
			if s.toks[j].Key != "of" {
				continue
			}
			for k := j + 1; k < len(s.toks) && k <= j+2; k++ {
				if mi := s.byTok[k]; mi >= 0 && s.mentions[mi].Kind == "demonym" && s.mentions[mi].Country != "" {
					return side{m: s.mentions[mi], ok: true}
				}
			}
		}
	}
	// a possessive or demonym modifier within five tokens to the left
	for j := h.trigger - 1; j >= 0 && j >= h.trigger-6; j-- {
		t := s.toks[j]
		if t.Kind == 'p' && t.Key != "'s" && t.Key != "'" && t.Key != "-" {
			break
		}
		if prepositions[t.Key] && t.Key != "of" {
			break
		}
		if kind, ok := possessivePronouns[t.Key]; ok {
			// "its air strike that killed seven aid workers": the
			// pronoun's antecedent made the strike; "his arrest" names
			// the one who suffers it
			if code, ok := c.table.Lookup(h.pat.Code); ok && code.PLOVER == "COERCE" {
				break
			}
			if m, ok := c.resolvePronoun(st, s, j, kind); ok {
				return side{m: m, ok: true, inferred: true}
			}
			break
		}
		mi := s.byTok[j]
		if mi < 0 {
			continue
		}
		m := s.mentions[mi]
		if m.Kind == "demonym" || m.Possessive || (usable(m) && m.Tok1 == h.trigger) {
			// an international body before a noun that has its own verb
			// ("EU sanctions on Syria could be eased") is the noun's actor
			if m.Country != "" || h.pred && international(m.Code) && usable(m) {
				return side{m: m, ok: true}
			}
		}
		j = m.Tok0
	}
	return side{}
}

// giver finds the source of a verb pattern flagged {source=from}: the
// actor after "from", "through" or "via" ("received loans from the IMF",
// "obtained drones through Iran").
func (c *Coder) giver(s *sentence, h hit) side {
	if h.pat.Kind != 'V' || h.pat.Flags["source"] != "from" {
		return side{}
	}
	for _, p := range []string{"from", "through", "via"} {
		if sd := c.afterPrep(s, h, p, nil); sd.ok {
			sd.via = p
			return sd
		}
	}
	return side{}
}

// hypothetical reports whether the noun at i is quantified by "any" ("any
// incursion", "any further attacks"): an act that may never happen.
func hypothetical(s *sentence, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		k := s.toks[j].Key
		if k == "any" {
			return true
		}
		if s.toks[j].Kind == 'p' || s.byTok[j] >= 0 && s.mentions[s.byTok[j]].Kind != "demonym" || prepositions[k] || determinerOrAdj(k) {
			return false
		}
	}
	return false
}

// judgement are the acts whose object may be another act, judged by the
// subject: its agent is the target.
var judgement = map[string]bool{"ACCUSE": true, "REJECT": true, "THREATEN": true, "SUPPORT": true, "DEMAND": true}

// objectAgent finds the agent of a "by" phrase inside the object noun
// phrase of the verb hit h: the "by" follows the object's noun, or a
// participle after it, with no clause boundary between.
func (c *Coder) objectAgent(s *sentence, h hit, exclude actors.Mention) side {
	end := clauseEnd(s, h.trigger)
	for j := h.t1; j < end && j < h.t1+8; j++ {
		k := s.toks[j].Key
		if k == "," || k == "that" || k == "which" || k == "who" || subordinators[k] || s.inDate[j] {
			return side{}
		}
		if s.byTok[j] >= 0 && k != "by" {
			// an actor before the "by" is the object itself
			return side{}
		}
		if k != "by" || j == h.t1 {
			continue
		}
		for q := j + 1; q < end && q < j+5; q++ {
			if mi := s.byTok[q]; mi >= 0 {
				m := s.mentions[mi]
				if usable(m) && m.Kind != actors.MPlace && m.Country != exclude.Country {
					return side{m: m, ok: true, via: "by"}
				}
				return side{}
			}
			if s.toks[q].Kind == 'p' {
				return side{}
			}
		}
		return side{}
	}
	return side{}
}

// holdVerbs are the participles that name who holds people: "prisoners
// held by Israel", "hostages taken by Hamas".
var holdVerbs = map[string]bool{"held": true, "detained": true, "jailed": true, "imprisoned": true, "captured": true, "abducted": true, "kidnapped": true, "taken": true, "seized": true, "kept": true}

// heldBy finds the holder in "<people> held by X" between tokens from and
// end: the first usable actor, not a place, right after "held by".
func (c *Coder) heldBy(s *sentence, from, end int, exclude actors.Mention) side {
	for j := from; j+1 < end; j++ {
		if !holdVerbs[s.toks[j].Key] || s.toks[j+1].Key != "by" {
			continue
		}
		for q := j + 2; q < end && q < j+6; q++ {
			if mi := s.byTok[q]; mi >= 0 {
				m := s.mentions[mi]
				if usable(m) && m.Kind != actors.MPlace && (exclude.Country == "" || m.Country != exclude.Country) {
					return side{m: m, ok: true, via: "by"}
				}
				return side{}
			}
			if s.toks[q].Kind == 'p' {
				return side{}
			}
		}
	}
	return side{}
}

// judicial reports whether a hit finds someone guilty, sentences or
// charges them (CAMEO 116, and the accusations of crime a charge or an
// indictment makes): legal acts done at home when the defendant is unnamed.
func judicial(s *sentence, h hit, code string) bool {
	if h.pat.Kind != 'V' || !strings.HasPrefix(code, "116") && !strings.HasPrefix(code, "112") {
		return false
	}
	k := s.toks[h.trigger].Key
	for _, p := range []string{"charg", "indict", "prosecut", "convict", "sentenc", "jail", "imprison", "found", "find"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// passiveBefore returns the passive verb that governs the noun phrase at
// i through "on", "under" or "at" ("was put on high alert", "were placed
// under curfew"), or -1.
func passiveBefore(s *sentence, i int) int {
	for j := i - 1; j >= 0 && j >= i-4; j-- {
		k := s.toks[j].Key
		switch {
		case k == "on" || k == "under" || k == "at" || k == "a" || k == "the" || k == "full" || k == "maximum":
			continue
		case passive(s, j):
			return j
		}
		return -1
	}
	return -1
}

// claimedBy finds the actor a sentence says claimed an attack ("an attack
// claimed by Islamic State", "claimed by the Pakistani Taliban").
func (c *Coder) claimedBy(s *sentence) side {
	for j := 0; j+2 < len(s.toks); j++ {
		if s.toks[j].Key != "claimed" || s.toks[j+1].Key != "by" {
			continue
		}
		for k := j + 2; k < len(s.toks) && k < j+5; k++ {
			if mi := s.byTok[k]; mi >= 0 && usable(s.mentions[mi]) {
				return side{m: s.mentions[mi], ok: true, via: "by"}
			}
			if s.toks[k].Kind == 'p' {
				break
			}
		}
	}
	return side{}
}

var possessivePronouns = map[string]string{"its": "thing", "their": "thing", "his": "person", "her": "person"}

func determinerOrAdj(k string) bool {
	switch k {
	case "the", "a", "an", "its", "their", "his", "her", "both", "all", "several", "other", "neighbouring", "neighboring", "northern", "southern", "eastern", "western", "central":
		return true
	}
	return false
}

// between finds "between X and Y" right after a nominal trigger.
func (c *Coder) between(st *docState, s *sentence, h hit) (side, side, bool) {
	for j := h.trigger + 1; j < len(s.toks) && j <= h.t1+4; j++ {
		if s.toks[j].Key != "between" {
			continue
		}
		if a, b, ok := c.betweenAt(st, s, j); ok {
			return side{m: a, ok: true}, side{m: b, ok: true}, true
		}
	}
	return side{}, side{}, false
}

// betweenAt reads the two actors of "between X and Y" whose preposition is
// token j; "between the two countries" and "between both sides" name the
// last two actors of different countries.
func (c *Coder) betweenAt(st *docState, s *sentence, j int) (actors.Mention, actors.Mention, bool) {
	var found []actors.Mention
	for k := j + 1; k < len(s.toks) && k < j+12 && len(found) < 2; k++ {
		if s.toks[k].Kind == 'p' && s.toks[k].Key != "'s" && s.toks[k].Key != "-" {
			break
		}
		if mi := s.byTok[k]; mi >= 0 && usable(s.mentions[mi]) {
			found = append(found, s.mentions[mi])
			k = s.mentions[mi].Tok1 - 1
		}
	}
	if len(found) == 2 {
		return found[0], found[1], true
	}
	if len(found) == 0 && j+2 < len(s.toks) && (s.toks[j+1].Key == "the" && s.toks[j+2].Key == "two" || s.toks[j+1].Key == "both") {
		if m, ok := c.lastPair(st, s, j); ok {
			return st.pairFirst, m, true
		}
	}
	return actors.Mention{}, actors.Mention{}, false
}

// parties are the sides a mediator stands between (CAMEO 045): "between X
// and Y" anywhere in the sentence, else the subjects of the clause the
// mediated deal belongs to ("Israel and Iran agreed to a ceasefire
// brokered by Washington").
func (c *Coder) parties(st *docState, s *sentence, h hit, mediator actors.Mention) []actors.Mention {
	for j, t := range s.toks {
		if t.Key != "between" {
			continue
		}
		if a, b, ok := c.betweenAt(st, s, j); ok {
			return []actors.Mention{a, b}
		}
	}
	for _, m := range s.mentions {
		if m.Tok0 >= h.trigger {
			break
		}
		if !usable(m) || m.Kind == actors.MPlace || m.Locative || m.Role == "modifier" || prepBefore(s, m) != "" || m.Country == mediator.Country {
			continue
		}
		return append([]actors.Mention{m}, coordinatedRight(s, m)...)
	}
	return nil
}

// afterPrep finds the actor introduced by preposition p after the trigger.
func (c *Coder) afterPrep(s *sentence, h hit, p string, exclude *side) side {
	end := clauseEnd(s, h.trigger)
	for j := h.trigger + 1; j < end && j < h.trigger+14; j++ {
		if s.toks[j].Key == "," && j >= h.t1 {
			// "after days of fighting, under a truce brokered by Egypt": a
			// phrase after a comma belongs to another head
			break
		}
		if s.toks[j].Key != p {
			continue
		}
		for k := j + 1; k < end && k < j+5; k++ {
			if s.inDate[k] || s.toks[k].Kind == 'p' && s.toks[k].Key != "'s" && s.toks[k].Key != "-" {
				// "on Wednesday, the Israeli military said": a date or a
				// comma ends the phrase
				break
			}
			if exclude != nil && exclude.ok && s.toks[k].Key == "the" && k+1 < end && stateNouns[s.toks[k+1].Key] {
				// "a visit to the island by Pelosi": the state named before
				if m, ok := stateBefore(s, k, exclude.m); ok {
					return side{m: m, ok: true, inferred: true}
				}
			}
			if k == j+1 && exclude != nil && exclude.ok {
				// "Iran's missile attack on its territory": the territory
				// of another actor than the attacker
				if m, ok := pronounObject(s, j+1, k, exclude.m); ok && (p == "on" || p == "against") {
					return side{m: m, ok: true, inferred: true}
				}
			}
			if s.byTok[k] < 0 && s.toks[k].Kind == 'w' && !s.toks[k].Cap && !determinerOrAdj(s.toks[k].Key) {
				break
			}
			if mi := s.byTok[k]; mi >= 0 && usable(s.mentions[mi]) {
				return side{m: s.mentions[mi], ok: true}
			}
		}
	}
	return side{}
}

func (c *Coder) build(st *docState, s *sentence, h hit) []sitrep.Event {
	code, ok := c.table.Lookup(h.pat.Code)
	if !ok {
		return nil
	}
	if code.PLOVER == "STATEMENT" || code.PLOVER == "" {
		return nil
	}
	// a threat of force takes its target like the attack it threatens
	// ("threatened a nuclear strike on Kyiv")
	assault := code.Quad == 4 || strings.HasPrefix(code.Code, "138")
	aid := code.PLOVER == "AID"
	var src, tgt side
	var srcs []actors.Mention
	if h.pat.Kind == 'N' {
		src = c.nominalSource(st, s, h)
		if a, b, ok := c.between(st, s, h); ok {
			// "clashes between Druze fighters and Bedouin tribes"
			src, tgt = a, b
		}
		if p := h.pat.Flags["target"]; p != "" {
			tgt = c.afterPrep(s, h, p, &src)
		}
		if !tgt.ok {
			for _, p := range []string{"on", "against", "to", "with", "for", "in"} {
				if p == "in" && !assault {
					continue
				}
				if tgt = c.afterPrep(s, h, p, &src); tgt.ok {
					break
				}
			}
		}
		light := c.lightVerbBefore(s, h.trigger)
		switch {
		case !src.ok && light:
			// "Israel launched strikes", "Syria made a request": the subject of
			// the light verb is the actor of the nominal event
			if sub := c.subject(st, s, h.trigger, nil); sub.ok {
				src = sub
			}
		case src.ok && !tgt.ok && light && src.via != "":
			// "X received a request from Y": the clause subject is the other side
			if sub := c.subject(st, s, h.trigger, nil); sub.ok && sub.m.Country != src.m.Country {
				tgt = sub
			}
		case !src.ok && code.PLOVER == "MOBILIZE":
			// "Israel's military was put on high alert": the subject of a
			// passive verb that places it in the state the noun names
			if v := passiveBefore(s, h.trigger); v >= 0 {
				if sub := c.subject(st, s, v, nil); sub.ok {
					src = sub
				}
			}
		}
		if !src.ok && assault {
			// "a bombing ... in an attack claimed by Islamic State"
			src = c.claimedBy(s)
		}
		if code.PLOVER == "CONSULT" && !light {
			src, tgt = c.adjunctMeeting(s, h, src, tgt)
		}
		if !tgt.ok && h.pred {
			// "the last U.S. troops left Afghanistan": the noun's own verb
			// takes an object like any verb
			tgt = c.object(s, h.t1, assault, aid, src.m)
		}
		if !tgt.ok && (code.Quad == 4 || aid) {
			// "strikes across Syria": the object of the noun
			tgt = c.object(s, h.t1, assault, aid, src.m)
		}
	} else if passive(s, h.trigger) {
		src, tgt = c.passiveSides(st, s, h, code)
	} else if h.pat.Kind == 'V' && h.pat.Flags["source"] == "from" {
		// "Ukraine received weapons from the United States": the one named
		// after "from" gives, the subject receives ({source=from}); with no
		// giver named there is no source, and the subject is never made
		// the giver
		if giver := c.giver(s, h); giver.ok {
			src = giver
			if sub := c.subject(st, s, h.trigger, nil); sub.ok && sub.m.Country != giver.m.Country {
				tgt = sub
			}
		}
	} else {
		src = c.subject(st, s, h.trigger, nil)
		if h.targetAt >= 0 {
			tgt = c.object(s, h.targetAt, assault, aid, src.m)
		}
		if !tgt.ok {
			tgt = c.object(s, h.trigger+1, assault, aid, src.m)
		}
		if !tgt.ok && strings.HasPrefix(code.Code, "061") && h.t1 > h.trigger && (s.toks[h.t1-1].Key == "in" || s.toks[h.t1-1].Key == "into") {
			// "invested billions in Egypt": the country an economic act puts
			// money in is its recipient, not where it happens
			tgt = c.object(s, h.t1, false, true, src.m)
		}
		if !tgt.ok && (code.PLOVER == "REQUEST" || code.PLOVER == "DEMAND") {
			// "demanded the release of prisoners held by Israel": the holder
			// named in the object is the one the demand is made of
			tgt = c.heldBy(s, h.trigger+1, clauseEnd(s, h.trigger), src.m)
		}
		if !tgt.ok && judgement[code.PLOVER] {
			// "condemned the referendums held by Russia", "warned against
			// any incursion by Guyanese forces": the agent of the act the
			// object names is what the judgement is aimed at
			tgt = c.objectAgent(s, h, src.m)
		}
		if !tgt.ok && strings.HasPrefix(code.Code, "042") && src.ok && (src.m.Kind == actors.MPerson || strings.HasSuffix(src.m.Code, "GOV")) {
			// "Blinken arrived in Israel", "Scholz landed in Beijing": a
			// leader's visit is to the foreign place it reaches
			if t := c.object(s, h.trigger+1, false, true, src.m); t.ok && t.m.Country != src.m.Country {
				tgt = t
			}
		}
	}
	if !tgt.ok && src.ok && !src.pair && len(coordinated(s, src.m)) == 0 && h.pat.Kind == 'V' && (code.PLOVER == "AGREE" || code.PLOVER == "SUPPORT") {
		// "readiness to monitor the agreement that seeks to merge the SDF into ...":
		// the actors the agreement binds are the other side
		tgt = c.objectAcross(s, h.t1, src.m)
	}
	if !src.ok && strings.HasPrefix(code.Code, "084") {
		// "the release of prisoners held by Israel", "hostages held by
		// Hamas were freed": the holder releases them
		src = c.heldBy(s, clauseStart(s, h.trigger), clauseEnd(s, h.trigger), tgt.m)
	}
	if src.ok && src.pair {
		srcs = []actors.Mention{st.pairFirst, src.m}
	} else if src.ok {
		srcs = append(coordinated(s, src.m), src.m)
		if src.via == "by" {
			// "by Denmark and the Netherlands"
			srcs = append(srcs, coordinatedRight(s, src.m)...)
		}
	}
	// a mediator acts between the parties of the deal it brokers
	var tgts []actors.Mention
	if strings.HasPrefix(code.Code, "045") && len(srcs) > 0 {
		if ps := c.parties(st, s, h, srcs[0]); len(ps) > 0 && (!tgt.ok || sameCountry(ps, tgt.m)) {
			tgts = ps
		}
	}
	modality, _ := c.modality(s, h, 0)
	// reported speech: the announcer is the other side of a request or offer
	rep, hasRep := c.reporter(st, s, h.trigger)
	if len(srcs) == 1 && !tgt.ok && hasRep && rep.Country != "" && rep.Country != src.m.Country {
		switch code.PLOVER {
		case "REQUEST", "AGREE", "AID", "COOPERATE", "SUPPORT", "CONSULT":
			tgt = side{m: rep, ok: true, inferred: true}
		}
	}
	if len(srcs) == 0 {
		return nil
	}
	// PLOVER: a planned consultation, support, cooperation or aid is an
	// intention to do it (AGREE)
	// the act, not the intention to it, decides whether it is domestic
	// ("Cuba said it would release 553 prisoners")
	act := code.PLOVER
	if modality == sitrep.ModalityPlanned || modality == modalityCommitted {
		if to := c.intents.For(h.pat.Code); to != "" {
			if ic, ok := c.table.Lookup(to); ok {
				code = ic
			}
		}
	}
	if modality == modalityCommitted {
		// "agreed to withdraw": the commitment happened
		modality = sitrep.ModalityAsserted
	}
	var reportedBy *sitrep.Actor
	if hasRep {
		a := rep.Actor(st.doc)
		// media are never a party ("Iranian state media reported ...")
		third := rep.Country != "" && !sameCountry(srcs, rep) && (!tgt.ok || rep.Country != tgt.m.Country) || strings.HasSuffix(rep.Code, "MED")
		if third {
			reportedBy = &a
			if modality == sitrep.ModalityAsserted {
				modality = sitrep.ModalityReported
			}
		}
	} else if m, named, never, ok := c.trailingReporter(s, h.trigger); ok {
		// "..., a war monitor said.", "..., U.S. officials said.": an
		// announcer after the act that is not one of its sides reports it
		if named && tgt.ok && tgt.m.Tok0 == m.Tok0 {
			// "..., the British military said": the announcer that closes
			// the sentence is not what the act was aimed at
			tgt = side{}
		}
		third := never || m.Country != "" && !sameCountry(srcs, m) && (!tgt.ok || m.Country != tgt.m.Country)
		if third {
			if named {
				a := m.Actor(st.doc)
				reportedBy = &a
			}
			if modality == sitrep.ModalityAsserted {
				modality = sitrep.ModalityReported
			}
		}
	}
	// no target in the text: a domestic act happens to the country where the
	// sentence places it, else to the actor's own country (PLOVER codes the
	// recipient of "protesters rallied in Tbilisi" as Georgia)
	if !tgt.ok && h.adjunct {
		// "launched an invasion of Ukraine, striking cities across the
		// country", "cut ties with Morocco, accusing its neighbour of ...":
		// a participle without an object of its own acts on the object of
		// the verb before it, or elaborates that verb
		v := c.sharedSubjectVerb(s, h.trigger, clauseStart(s, h.trigger))
		if v < 0 || len(srcs) == 0 {
			return nil
		}
		if tgt = c.object(s, v+1, assault, aid, srcs[0]); !tgt.ok || tgt.m.Tok0 >= h.trigger || tgt.m.Country == srcs[0].Country {
			return nil
		}
		tgt.inferred = true
	}
	home := inward(h.pat.Code)
	if !tgt.ok && h.pat.Kind == 'N' && hypothetical(s, h.trigger) {
		// "warned against any incursion by Guyanese forces": an act that
		// may never happen has no place to happen in
		return nil
	}
	// sentencing and charging an unnamed defendant happen at home, like arrests
	jud := judicial(s, h, code.Code)
	if !tgt.ok && act == "ASSAULT" && c.openWaters(s) {
		// "fired a missile at a cargo ship in the Red Sea": an attack in an
		// area of no country has no known target country; it is not
		// domestic
		return nil
	}
	if !tgt.ok && len(srcs) == 1 && src.m.Country != "" && (modality == sitrep.ModalityAsserted || modality == sitrep.ModalityPlanned || modality == sitrep.ModalityReported) && (domestic[act] || home || jud) {
		if pl, ok := c.placeIn(s); ok && act != "CONCEDE" && !home {
			tgt = side{m: pl, ok: true, inferred: true}
		} else {
			own := src.m
			own.Entity = -1
			tgt = side{m: own, ok: true, inferred: true}
		}
	}
	if !tgt.ok && len(srcs) == 1 && src.m.Country == "" && international(src.m.Code) && (modality == sitrep.ModalityAsserted || modality == sitrep.ModalityPlanned || modality == sitrep.ModalityReported) && (domestic[act] || home || aid) {
		// "The ICC opened an investigation into war crimes in Ukraine",
		// "the OPCW launched a fact-finding mission in Syria": a body with
		// no country of its own acts on the country where the act happens
		if pl, ok := c.placeIn(s); ok {
			tgt = side{m: pl, ok: true, inferred: true}
		}
	}
	// "French and Indian navies conducted the Varuna exercise": exercises
	// held by several states together are military cooperation between them
	if code.Code == "150" && len(srcs) > 1 && distinctCountries(srcs) && (!tgt.ok || tgt.m.Kind == actors.MPlace || tgt.m.Locative || tgt.m.Kind == "demonym" || sameCountry(srcs, tgt.m)) {
		if jc, ok := c.table.Lookup("062"); ok {
			code = jc
		}
	}
	// "Russia and Ukraine agreed in Istanbul", "Chinese and Russian warships
	// held joint drills in the Sea of Japan": several subjects of a
	// two-sided act do it with each other, not with the place they meet
	// nor the occasion ("met on the margins of the SCO summit")
	if tgt.ok && len(srcs) > 1 && (twoSided[code.PLOVER] || reciprocal(s, h)) && (tgt.m.Kind == actors.MPlace || tgt.m.Locative || tgt.m.Kind == "demonym" || contextual(tgt.m) || occasion(s, tgt.m)) {
		tgt = side{}
	}
	// "Kyiv and Moscow blamed each other": each does it to the other
	mutual := len(srcs) > 1 && eachOther(s, h)
	// "The United States and Ukraine signed an agreement giving Washington ...":
	// an object that is one of several subjects is no target; the subjects pair up
	if tgt.ok && len(srcs) > 1 {
		for _, m := range srcs {
			if m.Country != "" && m.Country == tgt.m.Country {
				tgt = side{}
				break
			}
		}
	}
	var pairs [][2]actors.Mention
	switch {
	case len(tgts) > 0:
		for _, m := range srcs {
			for _, t := range tgts {
				if m.Country != t.Country {
					pairs = append(pairs, [2]actors.Mention{m, t})
				}
			}
		}
	case tgt.ok:
		// "recalled its ambassadors to the United States and Australia"
		if o, ok := ownerAfter(s, tgt.m); ok {
			tgt.m = o
		}
		tgts := append([]actors.Mention{tgt.m}, coordinatedRight(s, tgt.m)...)
		for _, m := range srcs {
			for i, t := range tgts {
				if i > 0 && t.Country != "" && t.Country == m.Country {
					// a coordinated target of the source's own country is
					// not one it acts on ("Ukraine and Britain ... during a
					// visit by Starmer")
					continue
				}
				pairs = append(pairs, [2]actors.Mention{m, t})
			}
		}
	case len(srcs) > 1:
		for i := 0; i < len(srcs); i++ {
			for j := i + 1; j < len(srcs); j++ {
				pairs = append(pairs, [2]actors.Mention{srcs[i], srcs[j]})
				if mutual {
					pairs = append(pairs, [2]actors.Mention{srcs[j], srcs[i]})
				}
			}
		}
	default:
		return nil
	}
	var out []sitrep.Event
	for _, p := range pairs {
		if p[0].Country == "" && !international(p[0].Code) || p[1].Country == "" && !international(p[1].Code) {
			continue
		}
		ev := sitrep.Event{
			Source:        p[0].Actor(st.doc),
			Target:        p[1].Actor(st.doc),
			CAMEO:         code.Code,
			CAMEOName:     code.Name,
			PLOVER:        code.PLOVER,
			PLOVERMode:    code.Mode,
			PLOVERContext: code.Context,
			Goldstein:     code.Goldstein,
			QuadClass:     code.Quad,
			Modality:      modality,
			ReportedBy:    reportedBy,
			Sentence:      s.index,
			Text:          st.x.Sentences[s.index].Text,
			Pattern:       h.pat.Source + ": " + h.pat.Text,
			Nominal:       h.pat.Kind == 'N',
		}
		if ev.Source.Country == "" && ev.Source.Code != "" {
			ev.Source.Country = ""
		}
		tr := s.toks[h.trigger]
		ev.Trigger = &sitrep.Span{Start: tr.Start, End: s.toks[h.t1-1].End, Text: st.x.Document.Text[tr.Start:s.toks[h.t1-1].End], Sentence: s.index}
		ev.Mentions = []sitrep.Span{*ev.Trigger}
		c.when(st, s, h, &ev)
		c.where(st, s, &ev)
		ev.Confidence = confidence(h, src, tgt)
		if ev.PLOVERContext == nil {
			ev.PLOVERContext = []string{}
		}
		out = append(out, ev)
	}
	return out
}

// adjunctMeeting fills the missing sides of a meeting named in an
// adverbial phrase of the clause ("asked Germany for weapons during a visit
// to Berlin", "urged Saied in a phone call", "signed an agreement during a
// visit by Starmer"): the subject of the main clause went to the meeting,
// and the actor it acted on, or the subject itself when the visitor is
// named, is the other side.
func (c *Coder) adjunctMeeting(s *sentence, h hit, src, tgt side) (side, side) {
	if src.ok && tgt.ok {
		return src, tgt
	}
	start := clauseStart(s, h.trigger)
	p := -1
	for j := h.trigger - 1; j >= start && j >= h.trigger-4; j-- {
		k := s.toks[j].Key
		if k == "during" || k == "in" {
			p = j
			break
		}
		// "agreed ... at talks in Malaysia", "after talks": the meeting
		// where the main act happened, or one before it, is not told apart
		if s.toks[j].Kind == 'p' || s.byTok[j] >= 0 || prepositions[k] {
			return src, tgt
		}
	}
	if p < 0 {
		return src, tgt
	}
	main, ok := mainSubject(s, start, p)
	if !ok {
		return src, tgt
	}
	switch {
	case !src.ok:
		src = side{m: main, ok: true, inferred: true}
		if !tgt.ok {
			// the actor the main verb acted on
			for j := main.Tok1; j < p; j++ {
				mi := s.byTok[j]
				if mi < 0 {
					continue
				}
				m := s.mentions[mi]
				j = m.Tok1 - 1
				if usable(m) && m.Kind != actors.MPlace && !m.Locative && m.Country != main.Country && prepBefore(s, m) == "" {
					tgt = side{m: m, ok: true, inferred: true}
					break
				}
			}
		}
	case src.via == "by" && main.Country != src.m.Country:
		tgt = side{m: main, ok: true, inferred: true}
	}
	return src, tgt
}

// stateNouns refer back to a state in "the country", "the island".
var stateNouns = map[string]bool{"country": true, "island": true, "nation": true, "kingdom": true, "republic": true}

// stateBefore finds the state "the country" at token k refers to: the
// nearest country named before it in the sentence, other than the actor's.
func stateBefore(s *sentence, k int, exclude actors.Mention) (actors.Mention, bool) {
	for j := k - 1; j >= 0; j-- {
		mi := s.byTok[j]
		if mi < 0 {
			continue
		}
		m := s.mentions[mi]
		j = m.Tok0
		if m.Kind == actors.MCountry && m.Role != "modifier" && m.Country != "" && m.Country != exclude.Country {
			return m, true
		}
	}
	return actors.Mention{}, false
}

// ownerAfter: a generic group or institution, named in the plural, that
// took its country from the actor named right after it ("its ambassadors to the United States
// and Australia", "rescue teams from Spain and Britain") stands for that
// actor, and for the actors coordinated with it.
func ownerAfter(s *sentence, m actors.Mention) (actors.Mention, bool) {
	// a singular noun names one body, not one for each owner ("a joint
	// delegation from ECOWAS, the AU and the UN")
	if !contextual(m) || !strings.HasSuffix(s.toks[m.Tok1-1].Key, "s") {
		return m, false
	}
	j := m.Tok1
	if j+1 >= len(s.toks) {
		return m, false
	}
	switch s.toks[j].Key {
	case "to", "from", "of", "in":
	default:
		return m, false
	}
	j++
	for j < len(s.toks) && s.toks[j].Key == "the" {
		j++
	}
	if j >= len(s.toks) {
		return m, false
	}
	mi := s.byTok[j]
	if mi < 0 {
		return m, false
	}
	o := s.mentions[mi]
	if o.Tok0 != j || !usable(o) || o.Country != m.Country || o.Kind == actors.MPlace || len(coordinatedRight(s, o)) == 0 {
		return m, false
	}
	return o, true
}

// reciprocal reports whether the words of the pattern name an exchange
// ("exchanged prisoners", "a prisoner swap", "traded fire"): several
// subjects do it with each other, whatever they exchange.
func reciprocal(s *sentence, h hit) bool {
	for k := h.k0; k < h.k1; k++ {
		switch s.keys[k] {
		case "exchange", "exchanged", "exchanges", "exchanging", "swap", "swaps", "swapped", "traded":
			return true
		}
	}
	return false
}

// eachOther reports whether "each other" or "one another" follows the
// trigger in its clause, when the act is not one the sides agreed to do
// together ("agreed to stop targeting each other" is one joint act).
func eachOther(s *sentence, h hit) bool {
	for j := max(h.trigger-4, 0); j < h.t1; j++ {
		if k := s.toks[j].Key; k == "agreed" || k == "agree" || k == "agreeing" || k == "pledged" || k == "promised" {
			return false
		}
	}
	end := clauseEnd(s, h.trigger)
	for j := h.trigger + 1; j+1 < end && j < h.t1+4; j++ {
		if (s.toks[j].Key == "each" && s.toks[j+1].Key == "other") || (s.toks[j].Key == "one" && s.toks[j+1].Key == "another") {
			return true
		}
	}
	return false
}

// twoSided are the acts PLOVER codes without a direction.
var twoSided = map[string]bool{"CONSULT": true, "AGREE": true, "COOPERATE": true}

// distinctCountries reports whether ms name more than one country.
func distinctCountries(ms []actors.Mention) bool {
	for _, m := range ms[1:] {
		if m.Country != ms[0].Country {
			return true
		}
	}
	return false
}

// occasion reports whether m names the occasion of a meeting rather than a
// party to it: "on the margins of the SCO summit", "at the G20".
func occasion(s *sentence, m actors.Mention) bool {
	switch prepBefore(s, m) {
	case "of", "at", "during":
		return m.Kind == actors.MOrg && international(m.Code)
	}
	return false
}

// sameCountry reports whether one of ms shares m's country.
func sameCountry(ms []actors.Mention, m actors.Mention) bool {
	for _, o := range ms {
		if o.Country != "" && o.Country == m.Country {
			return true
		}
	}
	return false
}

// passiveSides finds the actors of a passive verb: the subject suffers the
// act, the agent follows "by" ("Damascus was hit by Israeli air strikes").
func (c *Coder) passiveSides(st *docState, s *sentence, h hit, code *Code) (side, side) {
	assault, aid := code.Quad == 4, code.PLOVER == "AID"
	tgt := c.subject(st, s, h.trigger, nil)
	if !tgt.ok && !namedSubject(s, h.trigger) {
		// "jets have been delivered to Ukraine by Denmark": the recipient follows
		tgt = c.object(s, h.trigger+1, assault, aid, actors.Mention{Entity: -1})
		if tgt.ok && prepBefore(s, tgt.m) == "by" {
			// "supplies were dropped by Dutch aircraft over Gaza": the
			// agent is no recipient; one may follow it
			tgt = c.object1(s, h.trigger+1, assault, aid, actors.Mention{Entity: -1}, tgt.m.Country)
			if tgt.ok && prepBefore(s, tgt.m) == "by" {
				tgt = side{}
			}
		}
	}
	if src, by := c.passiveAgent(s, h); by {
		// an agent the text names but the dictionaries do not ("by a
		// war monitor") is not to be guessed
		return src, tgt
	}
	if !tgt.ok {
		return side{}, tgt
	}
	// no agent: who acted is read from the kind of act
	switch code.PLOVER {
	case "AID", "MOBILIZE":
		// "U.S. ground troops would be sent to Ukraine": what is sent
		// belongs to the sender; the destination is the recipient
		if k := tgt.m.Kind; k == actors.MGroup || k == actors.MOrg {
			return tgt, c.object(s, h.trigger+1, assault, aid, tgt.m)
		}
	case "SANCTION":
		// "Gabon was suspended from the African Union"
		if from := c.afterPrep(s, h, "from", nil); from.ok && from.m.Kind == actors.MOrg && from.m.Country != tgt.m.Country {
			return from, tgt
		}
	case "COERCE", "ACCUSE":
		// "X was placed under house arrest", "X was detained in
		// Yekaterinburg": the authorities of the place where it
		// happened, else of X's own country
		own := tgt.m
		if pl, ok := c.placeIn(s); ok {
			own = pl
		}
		own.Entity = -1
		return side{m: own, ok: true, inferred: true}, tgt
	}
	return side{}, tgt
}

// namedSubject reports whether the clause of the verb at i has a subject
// the recogniser read, usable or not ("Government troops ... were accused
// by residents"): a passive verb's object is then not to be looked for
// after it.
func namedSubject(s *sentence, i int) bool {
	start := clauseStart(s, i)
	for j := i - 1; j >= start; j-- {
		if s.toks[j].Key == "," || subordinators[s.toks[j].Key] {
			break
		}
		if mi := s.byTok[j]; mi >= 0 {
			m := s.mentions[mi]
			if m.Kind != actors.MPlace && !m.Locative && prepBefore(s, m) == "" {
				return true
			}
			j = m.Tok0
		}
	}
	return false
}

// passiveAgent finds the agent of a passive verb after "by"; by reports
// whether the clause has a "by" phrase at all.
func (c *Coder) passiveAgent(s *sentence, h hit) (agent side, by bool) {
	for j := h.trigger + 1; j < clauseEnd(s, h.trigger+1) && j < h.t1+8; j++ {
		if s.toks[j].Key != "by" {
			continue
		}
		for k := j + 1; k < len(s.toks) && k < j+7; k++ {
			if mi := s.byTok[k]; mi >= 0 {
				m := s.mentions[mi]
				if usable(m) || m.Kind == "demonym" {
					return side{m: m, ok: true, via: "by"}, true
				}
			}
		}
		return side{}, true
	}
	return side{}, false
}

// placeIn is the first place or locative mention of the sentence with a country.
// openWaters reports whether the sentence places itself only in areas of
// no country (seas, straits, regions across borders).
func (c *Coder) openWaters(s *sentence) bool {
	found := false
	for _, m := range s.mentions {
		if m.Kind != actors.MPlace {
			continue
		}
		if m.Country != "" {
			return false
		}
		found = true
	}
	return found
}

func (c *Coder) placeIn(s *sentence) (actors.Mention, bool) {
	for _, m := range s.mentions {
		if (m.Kind == actors.MPlace || m.Locative && (m.Kind == actors.MCountry || m.Kind == actors.MMetonym)) && m.Country != "" {
			return m, true
		}
	}
	return actors.Mention{}, false
}

// lightVerbBefore reports whether the noun phrase of the trigger is the
// object of a light verb ("launched strikes", "received a formal request").
func (c *Coder) lightVerbBefore(s *sentence, trig int) bool {
	k := s.tokKey[trig]
	for back := 1; back <= 6 && k-back >= 0; back++ {
		j := k - back
		w := s.keys[j]
		for _, cu := range c.cues.At(s.keys, j) {
			if cu.kind == "light" && j+len(cu.words) <= k {
				return true
			}
		}
		if boundaryKeys[w] || w == "," || w == "that" || w == "which" {
			return false
		}
		if mi := s.byTok[s.keyTok[j]]; mi >= 0 && s.mentions[mi].Kind != "demonym" && !s.mentions[mi].Possessive {
			return false
		}
	}
	return false
}

func confidence(h hit, src, tgt side) float64 {
	c := 0.9
	if h.pat.Kind == 'N' {
		c -= 0.1
	}
	if src.inferred {
		c -= 0.15
	}
	if tgt.inferred {
		c -= 0.15
	}
	if h.pat.spec == 1 {
		c -= 0.1
	}
	return float64(int(c*100+0.5)) / 100
}

// when gives the event the date of its own temporal expression: the one
// nearest the trigger in the sentence, skipping dates that name something
// ("the 10 March agreement"); else the document date.
func (c *Coder) when(st *docState, s *sentence, h hit, ev *sitrep.Event) {
	trig := s.toks[h.trigger].Start
	best := -1
	bestDist := 1 << 30
	for i, d := range st.x.Dates {
		if d.Sentence != s.index || d.Value == nil {
			continue
		}
		if namesSomething(st.x.Document.Text, d) {
			continue
		}
		dist := d.Start - trig
		if dist < 0 {
			dist = -dist
		}
		if dist < bestDist {
			best, bestDist = i, dist
		}
	}
	if best >= 0 {
		d := st.x.Dates[best]
		ev.Date = d.Value
		ev.DatePrecision = d.Precision
		ev.DateSource = "sentence"
		return
	}
	// a sentence without a date continues the one before it ("... agreed a
	// ceasefire on Wednesday. X rejected the deal.")
	if s.index > 0 && c.continues(s, h) {
		for i := len(st.x.Dates) - 1; i >= 0; i-- {
			d := st.x.Dates[i]
			if d.Sentence != s.index-1 || d.Value == nil || namesSomething(st.x.Document.Text, d) {
				continue
			}
			ev.Date = d.Value
			ev.DatePrecision = d.Precision
			ev.DateSource = "previous-sentence"
			return
		}
	}
	if p := st.x.Document.Published; p != nil && st.x.Document.PublishedSource != sitrep.PublishedUnknown {
		v := *p
		ev.Date = &v
		ev.DatePrecision = sitrep.PrecisionDay
		if len(v) == 7 {
			ev.DatePrecision = sitrep.PrecisionMonth
		} else if len(v) == 4 {
			ev.DatePrecision = sitrep.PrecisionYear
		}
		ev.DateSource = "document"
		return
	}
	ev.DatePrecision = sitrep.PrecisionUnknown
	ev.DateSource = "none"
}

// continues reports whether a sentence carries on the story of the one
// before: it opens with a personal pronoun ("He accused ...") or the event
// is about something already named ("rejected the deal").
func (c *Coder) continues(s *sentence, h hit) bool {
	if len(s.toks) > 0 {
		switch s.toks[0].Key {
		case "he", "she", "they", "it":
			return true
		}
	}
	for j := h.trigger + 1; j < len(s.toks) && j < h.t1+2; j++ {
		if s.toks[j].Key == "the" && j+1 < len(s.toks) && anaphoricNouns[s.toks[j+1].Key] {
			return true
		}
	}
	return false
}

var anaphoricNouns = map[string]bool{"deal": true, "agreement": true, "accord": true, "ceasefire": true, "truce": true, "pact": true, "plan": true, "proposal": true, "offer": true, "attack": true, "attacks": true, "strikes": true, "strike": true, "meeting": true, "talks": true, "visit": true, "decision": true, "move": true}

// namesSomething: "the 10 March agreement" – a date used as a modifier of a
// following noun names that thing and is not the time of this event.
func namesSomething(doc string, d sitrep.DateExpr) bool {
	// a dateline: "DAMASCUS, July 17 —" dates the report, not the event
	rest := strings.TrimLeft(doc[d.End:], " ")
	if strings.HasPrefix(rest, "—") || strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "- ") || strings.HasPrefix(rest, "(") {
		return true
	}
	before := strings.TrimRight(doc[:d.Start], " ")
	if !strings.HasSuffix(strings.ToLower(before), "the") && !strings.HasSuffix(before, "'s") && !strings.HasSuffix(before, "’s") {
		return false
	}
	after := doc[d.End:]
	if len(after) < 2 || after[0] != ' ' {
		return false
	}
	r := after[1]
	return r >= 'a' && r <= 'z' && !strings.HasPrefix(after[1:], "and ") && !strings.HasPrefix(after[1:], "to ") && !strings.HasPrefix(after[1:], "in ")
}

// where gives the event the place the sentence locates it at.
func (c *Coder) where(st *docState, s *sentence, ev *sitrep.Event) {
	for _, m := range s.mentions {
		if m.Entity < 0 || m.Entity >= len(st.doc.Entities) {
			continue
		}
		e := st.doc.Entities[m.Entity]
		if e.Type != sitrep.TypePlace || e.Geo == nil {
			continue
		}
		if !m.Locative && m.Kind != actors.MPlace {
			continue
		}
		ev.Location = &sitrep.Location{Name: e.Name, Country: e.Country, Lat: e.Geo.Lat, Lon: e.Geo.Lon, Entity: e.ID}
		return
	}
}

// dedup merges the same event told twice in one document: same source and
// target, same CAMEO root, same date. The first telling keeps the others
// as mentions.
func (c *Coder) dedup(evs []sitrep.Event) []sitrep.Event {
	var out []sitrep.Event
	for _, ev := range evs {
		merged := false
		for i := range out {
			o := &out[i]
			// a noun that names an event told before ("the Israeli attacks")
			// is the same event whatever date its sentence falls back to
			sameTime := datesEqual(o.Date, ev.Date) || ev.Nominal && ev.DateSource != "sentence"
			// two verbal clauses in different sentences are two assertions
			retold := o.Sentence == ev.Sentence || ev.Nominal || o.Nominal
			sameTime = sameTime && retold
			if actorKey(o.Source) == actorKey(ev.Source) && actorKey(o.Target) == actorKey(ev.Target) &&
				root(o.CAMEO) == root(ev.CAMEO) && sameTime && o.Modality == ev.Modality {
				o.Mentions = append(o.Mentions, ev.Mentions...)
				if len(ev.CAMEO) > len(o.CAMEO) && strings.HasPrefix(ev.CAMEO, o.CAMEO[:2]) {
					o.CAMEO, o.CAMEOName, o.Goldstein = ev.CAMEO, ev.CAMEOName, ev.Goldstein
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, ev)
		}
	}
	return out
}

// actorKey compares event sides inside one document: by country, so that
// "the Syrian government" and "Damascus" are one side; by code for
// international actors.
func actorKey(a sitrep.Actor) string {
	if a.Country != "" {
		return a.Country
	}
	return a.Code
}

func root(code string) string {
	if len(code) >= 2 {
		return code[:2]
	}
	return code
}

func datesEqual(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
