package tracking

import (
	"fmt"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/text"
)

// agreementMention is one noun phrase naming an agreement.
type agreementMention struct {
	sentence   int
	t0, t1     int // token range of the phrase
	head0      int // first token of the head noun
	definite   bool
	date       *sitrep.DateExpr
	name       string
	kind       string
	namedParty []sitrep.Actor
}

var determiners = map[string]bool{"the": true, "a": true, "an": true, "this": true, "that": true, "its": true, "their": true, "his": true, "her": true, "our": true, "new": true, "latest": true, "landmark": true, "proposed": true, "earlier": true, "previous": true, "first": true, "second": true}

// findMentions finds agreement noun phrases in every sentence.
func (t *Tracker) findMentions(x *sitrep.Extraction, doc *actors.Doc) []agreementMention {
	var out []agreementMention
	for si, toks := range doc.Tokens {
		for i := 0; i < len(toks); i++ {
			n := t.at("agreement", toks, i)
			weak := false
			if n == 0 {
				n = t.at("agreement-weak", toks, i)
				weak = n > 0
			}
			if n == 0 {
				continue
			}
			// consecutive agreement nouns form one head: "ceasefire agreement"
			end := i + n
			for end < len(toks) {
				if m := t.at("agreement", toks, end); m > 0 {
					end += m
					continue
				}
				break
			}
			// a verb use: "agreed" is not in the list; "deal with" is a verb
			if toks[i].Key == "deal" && end < len(toks) && toks[end].Key == "with" && (i == 0 || !determiners[toks[i-1].Key]) {
				continue
			}
			am := agreementMention{sentence: si, head0: i, t0: i, t1: end}
			// modifiers on the left: a date, names, hyphenated party pairs
			j := i - 1
			named := false
			for j >= 0 {
				tk := toks[j]
				if d := dateEndingAt(x, si, tk.End); d != nil {
					am.date = d
					named = true
					// move j to the first token of the date
					for j >= 0 && toks[j].Start >= d.Start {
						j--
					}
					continue
				}
				if tk.Cap && tk.Kind == text.Word && !determiners[tk.Key] {
					named = true
					j--
					continue
				}
				if tk.Key == "peace" || tk.Key == "military" || tk.Key == "security" || tk.Key == "trade" || tk.Key == "defence" || tk.Key == "defense" || tk.Key == "integration" || tk.Key == "prisoner" || tk.Key == "exchange" || tk.Key == "normalisation" || tk.Key == "normalization" || tk.Key == "training" || tk.Key == "formal" || tk.Key == "bilateral" {
					j--
					continue
				}
				break
			}
			am.t0 = j + 1
			if j >= 0 && determiners[toks[j].Key] {
				am.definite = toks[j].Key != "a" && toks[j].Key != "an"
				am.t0 = j
			}
			if weak && !named {
				continue
			}
			// parties named in the phrase: "Turkey-Syria", "between X and Y", "with X"
			for _, m := range doc.Mentions[si] {
				if m.Tok0 >= am.t0 && m.Tok1 <= i && (m.Kind == actors.MCountry || m.Kind == "demonym" || m.Kind == actors.MOrg) && !media(m.Sectors) {
					am.namedParty = addActor(am.namedParty, actorOf(doc, m))
				}
			}
			k := end
			// "the integration agreement of March 10"
			if am.date == nil && k+1 < len(toks) && toks[k].Key == "of" {
				for i := range x.Dates {
					if d := &x.Dates[i]; d.Sentence == si && d.Start == toks[k+1].Start && d.Value != nil {
						am.date = d
						for k < len(toks) && toks[k].End <= d.End {
							k++
						}
						break
					}
				}
			}
			// "of understanding on military training", "on ..." qualifier, kept short
			if k < len(toks) && (toks[k].Key == "on" || toks[k].Key == "for") {
				q := k + 1
				for q < len(toks) && q < k+7 && toks[q].Kind == text.Word && !isClauseWord(toks[q].Key) {
					q++
				}
				if q > k+1 {
					k = q
				}
			}
			if k < len(toks) && toks[k].Key == "between" {
				for _, m := range doc.Mentions[si] {
					if m.Tok0 > k && m.Tok0 <= k+8 && usableParty(m) {
						am.namedParty = addActor(am.namedParty, actorOf(doc, m))
					}
				}
			}
			am.t1 = k
			am.name = phrase(toks, am.t0, am.t1)
			am.kind = t.kindOf(toks, i, end)
			out = append(out, am)
			i = end - 1
		}
	}
	return out
}

// media reports whether sectors are those of an outlet or journalist,
// which report agreements but are not parties to them.
func media(sectors []string) bool {
	return len(sectors) > 0 && (sectors[0] == "MED" || sectors[0] == "JRN")
}

func isClauseWord(k string) bool {
	switch k {
	case "that", "which", "who", "with", "between", "and", "signed", "was", "is", "were", "has", "had", "in", "on", "by", "to":
		return true
	}
	return false
}

func usableParty(m actors.Mention) bool {
	switch m.Kind {
	case actors.MPerson, actors.MOrg, actors.MGroup, actors.MCountry, actors.MMetonym, "demonym":
		return m.Country != "" || m.Code != ""
	}
	return false
}

func (t *Tracker) kindOf(toks []text.Token, i, end int) string {
	for k := i; k < end; k++ {
		for _, list := range []string{"kind-ceasefire", "kind-memorandum", "kind-treaty"} {
			if t.at(list, toks, k) > 0 {
				return strings.TrimPrefix(list, "kind-")
			}
		}
	}
	return "agreement"
}

func dateEndingAt(x *sitrep.Extraction, si, end int) *sitrep.DateExpr {
	for i := range x.Dates {
		d := &x.Dates[i]
		if d.Sentence == si && d.End == end && d.Value != nil {
			return d
		}
	}
	return nil
}

func phrase(toks []text.Token, a, b int) string {
	var sb strings.Builder
	for i := a; i < b; i++ {
		if i > a && toks[i].Start > toks[i-1].End {
			sb.WriteByte(' ')
		}
		sb.WriteString(toks[i].Text)
	}
	return trimDet(sb.String())
}

// Agreements finds the agreements of a document, with coreferent mentions merged.
func (t *Tracker) Agreements(x *sitrep.Extraction, doc *actors.Doc) []sitrep.Agreement {
	ms := t.findMentions(x, doc)
	var out []sitrep.Agreement
	var owner []int // mention -> agreement
	for _, am := range ms {
		idx := -1
		var date string
		if am.date != nil {
			date = *am.date.Value
		}
		for ai := len(out) - 1; ai >= 0; ai-- {
			a := &out[ai]
			ad := ""
			if a.Date != nil {
				ad = *a.Date
			}
			switch {
			case date != "" && ad != "" && date == ad:
				idx = ai
			case date != "" && ad != "" && date != ad:
				continue
			case am.definite && (a.Kind == am.kind || am.kind == "agreement" || a.Kind == "agreement"):
				idx = ai
			}
			if idx >= 0 {
				break
			}
		}
		if idx < 0 {
			idx = len(out)
			out = append(out, sitrep.Agreement{ID: fmt.Sprintf("A%d", idx+1), Name: am.name, Kind: am.kind, Parties: []sitrep.Actor{}, Monitors: []sitrep.Actor{}, Provisions: []string{}, Status: StatusUnknown})
		}
		a := &out[idx]
		if a.Date == nil && date != "" {
			v := date
			a.Date = &v
		}
		if am.date != nil && !strings.Contains(a.Name, am.date.Text) {
			a.Name = am.name // a dated name is the better canonical name
		}
		if a.Kind == "agreement" && am.kind != "agreement" {
			a.Kind = am.kind
		}
		toks := doc.Tokens[am.sentence]
		a.Mentions = append(a.Mentions, sitrep.Span{Start: toks[am.t0].Start, End: toks[am.t1-1].End, Text: x.Document.Text[toks[am.t0].Start:toks[am.t1-1].End], Sentence: am.sentence})
		for _, p := range am.namedParty {
			a.Parties = addActor(a.Parties, p)
		}
		owner = append(owner, idx)
	}
	for mi, am := range ms {
		t.describe(x, doc, &out[owner[mi]], am)
	}
	// provisions given in a following sentence: "Under its terms, ..."
	for si, toks := range doc.Tokens {
		if len(out) == 0 {
			break
		}
		if p, ok := t.has("provision-sentence", toks, 0, 3); ok {
			a := nearestAgreement(out, si)
			if a == nil {
				continue
			}
			start := p + t.at("provision-sentence", toks, p)
			for start < len(toks) && toks[start].Kind == text.Punct {
				start++
			}
			if start < len(toks) {
				a.Provisions = appendUnique(a.Provisions, clauseText(x, toks, start, len(toks)))
			}
		}
	}
	for i := range out {
		finish(&out[i])
	}
	return out
}

// nearestAgreement is the agreement last mentioned at or before sentence si.
func nearestAgreement(as []sitrep.Agreement, si int) *sitrep.Agreement {
	var best *sitrep.Agreement
	bestS := -1
	for i := range as {
		for _, m := range as[i].Mentions {
			if m.Sentence <= si && m.Sentence >= bestS && si-m.Sentence <= 2 {
				best, bestS = &as[i], m.Sentence
			}
		}
	}
	return best
}

// describe reads one mention's sentence for parties, monitors, provisions,
// dates and status evidence.
func (t *Tracker) describe(x *sitrep.Extraction, doc *actors.Doc, a *sitrep.Agreement, am agreementMention) {
	si := am.sentence
	toks := doc.Tokens[si]
	sent := x.Sentences[si]
	// signing events in the sentence give parties and the date
	for _, ev := range x.Events {
		if ev.Sentence != si || !(strings.HasPrefix(ev.CAMEO, "057") || ev.PLOVER == "AGREE" && strings.HasPrefix(ev.CAMEO, "03") == false) {
			continue
		}
		if !strings.HasPrefix(ev.CAMEO, "057") && !strings.HasPrefix(ev.CAMEO, "05") && ev.PLOVER != "AGREE" {
			continue
		}
		if ev.Trigger != nil && abs(tokenIndexAt(toks, ev.Trigger.Start)-am.head0) > 12 {
			continue
		}
		if strings.HasPrefix(ev.CAMEO, "057") && ev.DateSource != "sentence" && a.Date != nil {
			// "the accord it signed": the signature is the agreement's own date
			for k := range x.Events {
				if x.Events[k].ID == ev.ID {
					v := *a.Date
					x.Events[k].Date, x.Events[k].DateSource = &v, "agreement"
					x.Events[k].DatePrecision = precisionOf(v)
				}
			}
		}
		a.Parties = addActor(a.Parties, partyFromEvent(doc, si, ev.Source))
		a.Parties = addActor(a.Parties, partyFromEvent(doc, si, ev.Target))
		if a.Date == nil && ev.Date != nil && ev.DateSource == "sentence" && strings.HasPrefix(ev.CAMEO, "057") && concludes(ev, toks, am) {
			v := *ev.Date
			a.Date = &v
		}
		if ev.Modality == sitrep.ModalityAsserted || ev.Modality == sitrep.ModalityReported {
			a.Evidence = append(a.Evidence, step(x, si, StatusSigned, ev.Date))
		}
	}
	// "The memorandum, signed in Ankara on Aug. 13, ...": the signature's date
	if a.Date == nil {
		if p, ok := t.has("status-signed", toks, am.t1, min(len(toks), am.t1+4)); ok {
			for i := range x.Dates {
				d := x.Dates[i]
				if d.Sentence == si && d.Value != nil && d.Start > toks[p].Start && d.Start-toks[p].End < 40 {
					v := *d.Value
					a.Date = &v
					break
				}
			}
		}
	}
	// monitors: the subject of "monitor", "guarantee", ... in the sentence
	if p, ok := t.has("monitor", toks, 0, am.head0); ok {
		if m, ok := subjectBefore(doc, si, p); ok {
			a.Monitors = addActor(a.Monitors, m.Actor(doc))
		}
	}
	// provisions: a clause after the phrase
	for k := am.t1; k < len(toks) && k < am.t1+4; k++ {
		if n := t.at("provision", toks, k); n > 0 {
			start := k + n
			if toks[k].Key == "to" { // "to merge": keep the verb
				start = k + 1
			}
			if strings.HasPrefix(toks[k].Key, "to") && n == 2 {
				start = k + 1
			}
			a.Provisions = appendUnique(a.Provisions, clauseText(x, toks, start, len(toks)))
			break
		}
	}
	// status evidence
	for _, st := range []struct{ list, status string }{
		{"status-completed", StatusCompleted},
		{"status-violated", StatusViolated},
		{"status-stalled", StatusStalled},
		{"status-demanded", StatusDemanded},
		{"status-implementing", StatusImplementing},
		{"status-signed", StatusSigned},
	} {
		if _, ok := t.has(st.list, toks, 0, len(toks)); ok {
			if st.status == StatusSigned && hasStatus(a.Evidence, si, StatusSigned) {
				break
			}
			var d *string
			if a.Date != nil && st.status == StatusSigned {
				d = a.Date
			} else if x.Document.Published != nil {
				d = x.Document.Published
			}
			a.Evidence = append(a.Evidence, step(x, si, st.status, d))
			break
		}
	}
	_ = sent
}

// concludes reports whether the event concludes the agreement of the
// mention (its object: "signed a memorandum", "announced a ceasefire
// agreement"), so that its date is the agreement's own; "the timetable
// agreed under the memorandum" does not.
func concludes(ev sitrep.Event, toks []text.Token, am agreementMention) bool {
	if ev.Trigger == nil || toks[am.t0].Start < ev.Trigger.Start {
		return false
	}
	// "under the two countries' memorandum": a preposition before the phrase
	for k := am.t0 - 1; k >= 0 && k >= am.t0-5 && toks[k].Start >= ev.Trigger.Start; k-- {
		switch toks[k].Key {
		case "under", "in", "within", "by", "of":
			return false
		}
	}
	return true
}

func precisionOf(v string) string {
	switch len(v) {
	case 4:
		return sitrep.PrecisionYear
	case 7:
		return sitrep.PrecisionMonth
	}
	return sitrep.PrecisionDay
}

func hasStatus(steps []sitrep.StatusStep, si int, st string) bool {
	for _, s := range steps {
		if s.Sentence == si && s.Status == st {
			return true
		}
	}
	return false
}

func step(x *sitrep.Extraction, si int, status string, date *string) sitrep.StatusStep {
	s := x.Sentences[si]
	var d *string
	if date != nil {
		v := *date
		d = &v
	}
	return sitrep.StatusStep{Date: d, Status: status, Score: Score(status), Document: x.Document.ID, Outlet: x.Document.Outlet, Sentence: si, Evidence: s.Text, Start: s.Start, End: s.End}
}

// finish sets the status from the evidence: the latest step wins.
func finish(a *sitrep.Agreement) {
	// a sentence may have produced a signing step twice
	var steps []sitrep.StatusStep
	for _, s := range a.Evidence {
		dup := false
		for _, o := range steps {
			if o.Sentence == s.Sentence && o.Status == s.Status {
				dup = true
			}
		}
		if !dup {
			steps = append(steps, s)
		}
	}
	a.Evidence = steps
	a.Status = StatusUnknown
	for _, s := range steps {
		st := s.Status
		if st == StatusDemanded {
			st = StatusImplementing
		}
		a.Status = st
	}
	if a.Parties == nil {
		a.Parties = []sitrep.Actor{}
	}
	if a.Monitors == nil {
		a.Monitors = []sitrep.Actor{}
	}
	if a.Provisions == nil {
		a.Provisions = []string{}
	}
}

func partyFromEvent(doc *actors.Doc, si int, a sitrep.Actor) sitrep.Actor {
	// name the party as the sentence does
	for _, m := range doc.Mentions[si] {
		if m.Entity >= 0 && m.Entity < len(doc.Entities) && doc.Entities[m.Entity].ID == a.Entity && m.Kind != actors.MPerson {
			return actorOf(doc, m)
		}
	}
	return a
}

func tokenIndexAt(toks []text.Token, start int) int {
	for i, t := range toks {
		if t.Start >= start {
			return i
		}
	}
	return len(toks)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// subjectBefore is the nearest actor mention before token p that is not
// the object of a preposition.
func subjectBefore(doc *actors.Doc, si, p int) (actors.Mention, bool) {
	ms := doc.Mentions[si]
	toks := doc.Tokens[si]
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		if m.Tok1 > p || !usableParty(m) || m.Kind == "demonym" {
			continue
		}
		if m.Tok0 > 0 {
			switch toks[m.Tok0-1].Key {
			case "of", "in", "to", "with", "from", "on", "at", "for", "by":
				continue
			}
		}
		return m, true
	}
	return actors.Mention{}, false
}

// clauseText is the text of toks[a:b] without a final full stop or quote.
func clauseText(x *sitrep.Extraction, toks []text.Token, a, b int) string {
	// drop a trailing attribution: "..., the ministry said in a statement"
	for k := a + 1; k < b; k++ {
		if toks[k].Key != "," {
			continue
		}
		for q := k + 1; q < b && q <= k+6; q++ {
			if toks[q].Key == "said" || toks[q].Key == "says" || toks[q].Key == "told" || toks[q].Key == "according" {
				b = k
				break
			}
		}
	}
	for b > a && toks[b-1].Kind == text.Punct {
		b--
	}
	if b <= a {
		return ""
	}
	return strings.TrimSpace(x.Document.Text[toks[a].Start:toks[b-1].End])
}

func appendUnique(xs []string, s string) []string {
	if s == "" {
		return xs
	}
	for _, x := range xs {
		if x == s {
			return xs
		}
	}
	return append(xs, s)
}
