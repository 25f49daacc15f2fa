package quotes

import (
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/text"
)

// sentenceSubject finds the subject of sentence si's main clause and
// records it, and the people named in the sentence, as antecedents for
// later pronouns and role nouns.
func (r *run) sentenceSubject(si int) {
	toks, keys := r.toks[si], r.keys[si]
	i := 0
	for i < len(toks) && (r.quoted(si, i) || toks[i].Kind == text.Punct) {
		i++
	}
	// a leading adverbial ends with a comma: "On Wednesday, …", "Later, …"
	if i < len(toks) && (r.lx.is("prep", keys[i]) || r.lx.is("adverbial", keys[i]) || r.lx.is("skip", keys[i]) ||
		toks[i].Kind == text.Number || (strings.HasSuffix(keys[i], "ing") && len(keys[i]) > 5)) {
		for c := i + 1; c < len(toks) && c <= i+12; c++ {
			if r.quoted(si, c) || r.punct(si, c, ".;:") {
				break
			}
			if r.punct(si, c, ",") {
				i = c + 1
				break
			}
		}
	}
	j := r.npEnd(si, i)
	if j > i {
		if sp, ok := r.resolvePhrase(si, i, j, r.appositive(si, j), toks[i].Start, true); ok {
			s := sp
			r.subj[si] = &s
			r.sal = append(r.sal, salient{pos: toks[i].Start, sp: sp, subject: true})
		}
	}
	// every named person of the sentence is a weaker antecedent
	for _, m := range r.ms[si] {
		if m.Kind == actors.MPerson && !r.quoted(si, m.Tok0) && !m.Locative && capWord(toks[m.Tok1-1]) {
			r.sal = append(r.sal, salient{pos: m.Start, sp: r.mentionSpeaker(m)})
		}
	}
	for _, rn := range r.nameRuns(si, 0, len(toks)) {
		sp := r.runSpeaker(si, rn, toks[rn.x].Start)
		if sp.person() {
			r.sal = append(r.sal, salient{pos: toks[rn.x].Start, sp: sp})
		}
	}
}

// npEnd returns the end of the noun phrase that starts at token i.
func (r *run) npEnd(si, i int) int {
	toks, keys := r.toks[si], r.keys[si]
	j := i
	for j < len(toks) && !r.quoted(si, j) {
		t := toks[j]
		if t.Kind == text.Punct {
			break
		}
		if m, ok := r.mentionAt(si, j); ok && !m.Locative {
			j++
			continue
		}
		k := keys[j]
		if capWord(t) || t.Kind == text.Number || k == "'s" || r.lx.is("det", k) || r.lx.is("indef", k) ||
			r.lx.is("role", k) || r.lx.is("source", k) || r.lx.is("particle", k) || r.lx.is("mod", k) {
			j++
			continue
		}
		break
	}
	return j
}

// prepositional reports whether the phrase at token k (inside [a, …)) is
// the object of a preposition.
func (r *run) prepositional(si, a, k int) bool {
	keys := r.keys[si]
	p := k - 1
	for p >= a && (keys[p] == "the" || keys[p] == "a" || keys[p] == "an") {
		p--
	}
	return p >= a && r.lx.is("prep", keys[p])
}

// resolvePhrase finds the speaker a subject phrase (tokens [a, b) of
// sentence si, with an optional appositive) stands for. pos is where the
// phrase is read, for pronouns and role nouns. last prefers the last name
// of the phrase (a subject before its cue), otherwise the first.
func (r *run) resolvePhrase(si, a, b int, appo [2]int, pos int, last bool) (speaker, bool) {
	toks, keys := r.toks[si], r.keys[si]
	if a < 0 || b > len(toks) {
		return speaker{}, false
	}
	for k := b - 1; k >= a; k-- {
		if r.quoted(si, k) {
			a = k + 1
			break
		}
	}
	for a < b && (toks[a].Kind == text.Punct || r.lx.is("conj", keys[a]) || r.lx.is("skip", keys[a])) {
		a++
	}
	for b > a && (toks[b-1].Kind == text.Punct || r.lx.is("skip", keys[b-1])) {
		b--
	}
	if a >= b {
		return speaker{}, false
	}
	if b-a == 1 && r.lx.is("pronoun", keys[a]) {
		return r.pronoun(keys[a], pos)
	}
	head := -1
	for k := a; k < b; k++ {
		if head >= 0 && (r.lx.is("prep", keys[k]) || r.lx.is("postmod", keys[k])) {
			break
		}
		if isWord(toks[k]) && !r.lx.is("prep", keys[k]) {
			head = k
		}
	}
	coreEnd := b
	if head >= 0 {
		coreEnd = head + 1
	}
	indefinite := r.lx.is("indef", keys[a]) || toks[a].Kind == text.Number
	// only "the", "this" and "that" point back; "its minister" is a new actor
	definite := keys[a] == "the" || keys[a] == "this" || keys[a] == "that"
	roles := r.rolesIn(si, a, b, appo)
	ranges := [][2]int{{a, b}}
	if appo[0] >= 0 && appo[1] <= len(toks) {
		ranges = append(ranges, appo)
	}
	// 1. a named person; 2. a name the recogniser did not resolve
	for ri, rg := range ranges {
		for _, m := range r.ms[si] {
			if m.Kind != actors.MPerson || m.Tok0 < rg[0] || m.Tok1 > rg[1] || r.quoted(si, m.Tok0) || r.prepositional(si, rg[0], m.Tok0) {
				continue
			}
			named := capWord(toks[m.Tok1-1])
			if !named && indefinite && ri == 0 {
				continue
			}
			sp := r.mentionSpeaker(m)
			sp.roles = append(sp.roles, roles...)
			r.fillCountry(&sp, si, a, b, appo)
			return sp, true
		}
		if runs := r.nameRuns(si, rg[0], rg[1]); len(runs) > 0 {
			rn := runs[0]
			if last && ri == 0 {
				rn = runs[len(runs)-1]
			}
			sp := r.runSpeaker(si, rn, pos)
			sp.roles = append(sp.roles, roles...)
			r.fillCountry(&sp, si, a, b, appo)
			return sp, true
		}
	}
	if head >= 0 {
		h := keys[head]
		// 3. an unnamed source: "a Defense Ministry source", "officials"
		if r.lx.is("source", h) && !definite {
			return r.unnamed(si, a, b, head), true
		}
		// 4. a definite role noun or text: "the spokesman", "the statement"
		if definite && r.lx.is("docnoun", h) {
			if sp, ok := r.latest(pos, func(s salient) bool { return s.subject && s.sp.kind != "" }); ok {
				return sp, true
			}
		}
		if definite && (r.lx.is("role", h) || r.lx.is("source", h)) {
			if sp, ok := r.latest(pos, func(s salient) bool { return s.sp.person() && hasRole(s.sp.roles, h) }); ok {
				return sp, true
			}
			if !r.lx.is("source", h) {
				if sp, ok := r.salientPerson(pos); ok {
					return sp, true
				}
			}
			if sp, ok := r.earlierGroup(si, h, pos); ok {
				return sp, true
			}
			if r.lx.is("source", h) {
				return r.unnamed(si, a, b, head), true
			}
		}
	}
	// 5. an organisation, a capital, a country or a group
	var best *actors.Mention
	for k := range r.ms[si] {
		m := &r.ms[si][k]
		if m.Tok0 < a || m.Tok0 >= coreEnd || m.Tok1 > b || r.quoted(si, m.Tok0) || r.prepositional(si, a, m.Tok0) {
			continue
		}
		switch m.Kind {
		case actors.MOrg, actors.MMetonym, actors.MCountry, actors.MGroup:
		default:
			continue
		}
		if m.Tok0 <= head && head < m.Tok1 {
			best = m
			break
		}
		if best == nil {
			best = m
		}
	}
	if best != nil && head >= 0 && !(best.Tok0 <= head && head < best.Tok1) && toks[head].Kind == text.Word && !toks[head].Cap &&
		(best.Kind == actors.MCountry || best.Kind == actors.MMetonym) {
		// a country or capital that modifies an unknown head: "Russia's aviation agency"
		sp := speaker{a: sitrep.Actor{Name: r.text[toks[a].Start:toks[coreEnd-1].End], Country: best.Country}, kind: actors.MOrg}
		return sp, true
	}
	if best != nil {
		sp := r.mentionSpeaker(*best)
		r.fillCountry(&sp, si, a, b, appo)
		return sp, true
	}
	return speaker{}, false
}

func hasRole(roles []string, h string) bool {
	for _, x := range roles {
		if x == h {
			return true
		}
	}
	return false
}

// rolesIn collects the role words of a phrase and its appositive.
func (r *run) rolesIn(si, a, b int, appo [2]int) []string {
	var out []string
	add := func(x, y int) {
		for k := x; k < y && k < len(r.toks[si]); k++ {
			if r.lx.is("role", r.keys[si][k]) || r.lx.is("source", r.keys[si][k]) {
				out = append(out, r.keys[si][k])
			}
		}
		for _, m := range r.ms[si] {
			if m.Tok0 >= x && m.Tok1 <= y && m.Kind == actors.MGroup {
				out = append(out, strings.Fields(text.Fold(m.Role))...)
			}
		}
	}
	add(a, b)
	if appo[0] >= 0 {
		add(appo[0], appo[1])
	}
	return out
}

// mentionSpeaker turns a recognised mention into a speaker.
func (r *run) mentionSpeaker(m actors.Mention) speaker {
	sp := speaker{a: m.Actor(r.doc)}
	if sp.a.Sectors != nil {
		sp.a.Sectors = append([]string(nil), sp.a.Sectors...)
	}
	switch m.Kind {
	case actors.MPerson:
		sp.kind = actors.MPerson
	case actors.MGroup:
		sp.kind = actors.MGroup
		role := text.Fold(m.Role)
		sp.plural = strings.HasSuffix(role, "s") || role == "people"
		if !sp.plural && r.lx.is("source", lastWord(role)) {
			sp.kind = actors.MPerson
		}
	case actors.MCountry:
		sp.kind = actors.MCountry
	case actors.MOther:
		if strings.Contains(strings.TrimSpace(m.Text), " ") {
			sp.kind = actors.MPerson
		} else {
			sp.kind = actors.MOrg
		}
	default:
		sp.kind = actors.MOrg
	}
	sp.roles = strings.Fields(text.Fold(m.Role))
	if m.Entity >= 0 && m.Entity < len(r.doc.Entities) {
		e := r.doc.Entities[m.Entity]
		sp.roles = append(sp.roles, strings.Fields(text.Fold(e.Role+" "+e.Title))...)
	}
	return sp
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// unnamed keeps an unnamed source as written: the recogniser's mention for
// it when it made one, otherwise the phrase itself, with the country its
// own words give (a demonym, a country, an institution, a place after
// "in"), or none.
func (r *run) unnamed(si, a, b, head int) speaker {
	toks, keys := r.toks[si], r.keys[si]
	h := keys[head]
	plural := (strings.HasSuffix(h, "s") && !strings.HasSuffix(h, "ss")) || h == "people" || h == "men" || h == "women"
	kind := actors.MPerson
	if plural {
		kind = actors.MGroup
	}
	if m, ok := r.mentionAt(si, head); ok && (m.Kind == actors.MGroup || m.Kind == actors.MOrg) {
		sp := r.mentionSpeaker(m)
		sp.kind, sp.plural = kind, plural
		r.fillCountry(&sp, si, a, b, [2]int{-1, -1})
		return sp
	}
	sp := speaker{a: sitrep.Actor{Name: r.text[toks[a].Start:toks[b-1].End]}, kind: kind, plural: plural}
	sp.roles = []string{h}
	var org *actors.Mention
	for k := range r.ms[si] {
		m := &r.ms[si][k]
		if m.Tok0 < a || m.Tok1 > b || r.quoted(si, m.Tok0) {
			continue
		}
		if m.Kind == actors.MOrg && org == nil && !m.Locative {
			org = m
		}
		if m.Kind == actors.MPerson && m.Tok0 <= head && head < m.Tok1 && sp.a.Country == "" {
			// a role noun the recogniser tied to a named person: keep only its country
			sp.a.Country = m.Country
		}
	}
	if org != nil {
		sp.a.Country, sp.a.Code = org.Country, org.Code
		sp.a.Sectors = append([]string(nil), org.Sectors...)
	}
	r.fillCountry(&sp, si, a, b, [2]int{-1, -1})
	return sp
}

// fillCountry gives a speaker without a country the one its phrase or
// appositive states: a group or institution, a demonym, a capital, a
// country, or a place after a locative preposition.
func (r *run) fillCountry(sp *speaker, si, a, b int, appo [2]int) {
	if sp.a.Country != "" {
		return
	}
	inRange := func(m actors.Mention) bool {
		if r.quoted(si, m.Tok0) {
			return false
		}
		return (m.Tok0 >= a && m.Tok1 <= b) || (appo[0] >= 0 && m.Tok0 >= appo[0] && m.Tok1 <= appo[1])
	}
	order := []func(m actors.Mention) bool{
		func(m actors.Mention) bool {
			return (m.Kind == actors.MGroup || m.Kind == actors.MOrg) && !m.Locative && m.Country != ""
		},
		func(m actors.Mention) bool { return m.Kind == "demonym" },
		func(m actors.Mention) bool { return m.Kind == actors.MMetonym },
		func(m actors.Mention) bool { return m.Kind == actors.MCountry },
		func(m actors.Mention) bool { return m.Kind == actors.MPlace && m.Locative },
	}
	for _, ok := range order {
		for _, m := range r.ms[si] {
			if inRange(m) && ok(m) && m.Country != "" {
				sp.a.Country = m.Country
				if len(sp.a.Sectors) > 0 && (sp.a.Code == "" || sp.a.Code == sp.a.Sectors[0]) {
					sp.a.Code = m.Country + sp.a.Sectors[0]
				}
				return
			}
		}
	}
}

// nameRun is a capitalised name the recogniser did not resolve; org is
// set when the name contains an organisation or group it did recognise
// ("African Union Commission" around "African Union").
type nameRun struct {
	x, y int
	org  *actors.Mention
}

// nameRuns returns the capitalised names of tokens [a, b) that the
// recogniser did not take as exactly an organisation, a country, a
// capital or a group: runs of capitalised words at the end of their
// phrase, not after a preposition, without a leading title or determiner.
func (r *run) nameRuns(si, a, b int) []nameRun {
	toks, keys := r.toks[si], r.keys[si]
	var out []nameRun
	for i := a; i < b; {
		if !capWord(toks[i]) || r.quoted(si, i) {
			i++
			continue
		}
		j := i
		for j < b && !r.quoted(si, j) {
			if capWord(toks[j]) {
				j++
				continue
			}
			if r.lx.is("particle", keys[j]) && j+1 < b && capWord(toks[j+1]) {
				j++
				continue
			}
			break
		}
		x, y := i, j
		for x < y && (r.lx.is("notname", keys[x]) || (strings.HasSuffix(keys[x], ".") && x+1 < y)) {
			x++
		}
		for y > x && r.lx.is("notname", keys[y-1]) {
			y--
		}
		if x < y {
			if rn, ok := r.validRun(si, a, b, x, y, j); ok {
				out = append(out, rn)
			}
		}
		i = j
	}
	return out
}

func (r *run) validRun(si, a, b, x, y, j int) (nameRun, bool) {
	toks, keys := r.toks[si], r.keys[si]
	rn := nameRun{x: x, y: y}
	// the run must end its phrase: "Defense Ministry source" is not a name
	if j < b {
		t := toks[j]
		if t.Kind != text.Punct && !r.lx.is("prep", keys[j]) && !r.lx.is("postmod", keys[j]) && !r.lx.is("skip", keys[j]) && !r.lx.is("conj", keys[j]) {
			if n, _ := r.lx.cueAt(keys, j); n == 0 {
				return rn, false
			}
		}
	}
	if r.prepositional(si, a, x) {
		return rn, false
	}
	for k := range r.ms[si] {
		m := &r.ms[si][k]
		if m.Tok1 <= x || m.Tok0 >= y {
			continue
		}
		exact := m.Tok0 == x && m.Tok1 == y
		inside := m.Tok0 >= x && m.Tok1 <= y
		switch m.Kind {
		case actors.MOrg, actors.MCountry, actors.MMetonym, actors.MGroup, "demonym":
			if exact || (m.Tok0 >= x && m.Tok1 > y) {
				// the entity itself, or a modifier of what follows ("Israel's military")
				return rn, false
			}
			if inside && rn.org == nil {
				rn.org = m
			}
		case actors.MPlace:
			if exact {
				return rn, false
			}
		}
	}
	if rn.org != nil && y-x < 2 {
		return rn, false
	}
	return rn, true
}

// runSpeaker turns a name run into a speaker: the recogniser's mention of
// exactly that name, an earlier person with that name or surname, or the
// name as written with what its role phrase says.
func (r *run) runSpeaker(si int, rn nameRun, pos int) speaker {
	toks := r.toks[si]
	x, y := rn.x, rn.y
	name := r.text[toks[x].Start:toks[y-1].End]
	if rn.org != nil {
		m := rn.org
		sp := speaker{a: sitrep.Actor{Name: name, Country: m.Country, Code: m.Code}, kind: actors.MOrg}
		if len(m.Sectors) > 0 {
			sp.a.Sectors = append([]string(nil), m.Sectors...)
		}
		return sp
	}
	for _, m := range r.ms[si] {
		if m.Tok0 == x && m.Tok1 == y && (m.Kind == actors.MOther || m.Kind == actors.MPerson) {
			if y-x == 1 {
				if sp, ok := r.lookupName(name, pos); ok {
					return sp
				}
			}
			sp := r.mentionSpeaker(m)
			if y-x == 1 && toks[x].AllCaps {
				sp.kind = actors.MOrg
			} else if y-x == 1 {
				sp.kind = actors.MPerson
			}
			return sp
		}
	}
	if sp, ok := r.lookupName(name, pos); ok {
		return sp
	}
	sp := speaker{a: sitrep.Actor{Name: name}, kind: actors.MPerson}
	if y-x == 1 && toks[x].AllCaps {
		sp.kind = actors.MOrg
	}
	for _, m := range r.ms[si] {
		if m.Tok0 < x && m.Tok1 > x && (m.Kind == actors.MGroup || m.Kind == actors.MOrg) {
			// a role phrase that took the name in: "Israeli negotiator Dana Levi"
			a := m.Actor(r.doc)
			if m.Tok1 == y {
				sp.a.Entity = a.Entity
			}
			sp.a.Country, sp.a.Code = m.Country, m.Code
			sp.a.Sectors = append([]string(nil), m.Sectors...)
			sp.roles = strings.Fields(text.Fold(m.Role))
			break
		}
	}
	return sp
}

// lookupName finds an earlier person with the given name or surname.
func (r *run) lookupName(name string, pos int) (speaker, bool) {
	want := strings.Fields(text.Fold(name))
	if len(want) == 0 {
		return speaker{}, false
	}
	match := func(full string) bool {
		have := strings.Fields(text.Fold(full))
		if len(have) < len(want) {
			return false
		}
		for i := range want {
			if have[len(have)-len(want)+i] != want[i] {
				return false
			}
		}
		return true
	}
	if sp, ok := r.latest(pos, func(s salient) bool { return s.sp.person() && match(s.sp.a.Name) }); ok {
		return sp, true
	}
	for _, e := range r.doc.Entities {
		if e.Type != sitrep.TypePerson {
			continue
		}
		ok := match(e.Name)
		for _, al := range e.Aliases {
			ok = ok || match(al)
		}
		if ok {
			sp := speaker{a: sitrep.Actor{Entity: e.ID, Name: e.Name, Code: e.Code, Country: e.Country}, kind: actors.MPerson}
			if len(e.Sectors) > 0 {
				sp.a.Sectors = append([]string(nil), e.Sectors...)
			}
			sp.roles = strings.Fields(text.Fold(e.Role + " " + e.Title))
			return sp, true
		}
	}
	return speaker{}, false
}

// latest returns the antecedent closest before pos that satisfies ok.
func (r *run) latest(pos int, ok func(salient) bool) (speaker, bool) {
	best := -1
	for i, s := range r.sal {
		if s.pos < pos && ok(s) && (best < 0 || s.pos >= r.sal[best].pos) {
			best = i
		}
	}
	if best < 0 {
		return speaker{}, false
	}
	return r.sal[best].sp, true
}

// salientPerson is the person a "he", "she" or "the spokesman" most
// likely means: the last person who spoke or was a subject, else the last
// person named.
func (r *run) salientPerson(pos int) (speaker, bool) {
	if sp, ok := r.latest(pos, func(s salient) bool { return s.subject && s.sp.person() }); ok {
		return sp, true
	}
	return r.latest(pos, func(s salient) bool { return s.sp.person() })
}

func (r *run) pronoun(w string, pos int) (speaker, bool) {
	switch w {
	case "he", "she":
		return r.salientPerson(pos)
	case "they":
		if sp, ok := r.latest(pos, func(s salient) bool { return s.subject && (s.sp.plural || s.sp.kind == actors.MOrg) }); ok {
			return sp, true
		}
		return r.latest(pos, func(s salient) bool { return s.subject && !s.sp.person() })
	case "it":
		return r.latest(pos, func(s salient) bool {
			return s.subject && (s.sp.kind == actors.MOrg || s.sp.kind == actors.MCountry)
		})
	}
	return speaker{}, false
}

// earlierGroup finds the last group mention before pos with the same head
// noun ("an official briefed reporters … said the official").
func (r *run) earlierGroup(si int, h string, pos int) (speaker, bool) {
	for s := si; s >= 0; s-- {
		ms := r.ms[s]
		for k := len(ms) - 1; k >= 0; k-- {
			m := ms[k]
			if m.Start >= pos || m.Kind != actors.MGroup || r.quoted(s, m.Tok0) {
				continue
			}
			if lastWord(text.Fold(m.Role)) == h || r.keys[s][m.Tok1-1] == h {
				return r.mentionSpeaker(m), true
			}
		}
	}
	return speaker{}, false
}
