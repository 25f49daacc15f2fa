package tracking

import (
	"fmt"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/text"
)

// Commitment kinds.
const (
	KindRequest  = "request"
	KindOffer    = "offer"
	KindPledge   = "pledge"
	KindPlan     = "plan"
	KindDemand   = "demand"
	KindDelivery = "delivery"
)

// kindOf derives the commitment kind and status from an event's CAMEO code
// and modality: 02x is a request, 10x a demand, 03x an intent or offer,
// 06x/07x material help (a delivery, or a plan when it is only planned).
// ok is false for events that commit nobody to anything.
func kindOf(ev sitrep.Event) (kind, status string, ok bool) {
	c := ev.CAMEO
	switch {
	case strings.HasPrefix(c, "02"):
		kind, status = KindRequest, "requested"
	case strings.HasPrefix(c, "10"):
		kind, status = KindDemand, "requested"
	case strings.HasPrefix(c, "03"):
		kind, status = KindOffer, "offered"
		if ev.Modality == sitrep.ModalityPlanned {
			kind, status = KindPlan, "planned"
		}
	case strings.HasPrefix(c, "08"):
		// yielding: a withdrawal, a release, an easing
		kind, status = KindDelivery, "delivered"
		if ev.Modality == sitrep.ModalityPlanned {
			kind, status = KindPlan, "planned"
		}
	case strings.HasPrefix(c, "07"), strings.HasPrefix(c, "06"):
		kind, status = KindDelivery, "delivered"
		if ev.Modality == sitrep.ModalityPlanned {
			kind, status = KindPlan, "planned"
		}
	default:
		return "", "", false
	}
	switch ev.Modality {
	case sitrep.ModalityNegated:
		status = "refused"
	case sitrep.ModalityHypothetical:
		return "", "", false
	}
	return kind, status, true
}

// Commitments derives the commitments of a document from its events: who
// asked, offered, planned or delivered what to whom, with the status the
// text gives.
func (t *Tracker) Commitments(x *sitrep.Extraction, doc *actors.Doc) []sitrep.Commitment {
	var out []sitrep.Commitment
	for _, ev := range x.Events {
		kind, status, ok := kindOf(ev)
		if !ok || ev.Trigger == nil || ev.Sentence >= len(doc.Tokens) {
			continue
		}
		toks := doc.Tokens[ev.Sentence]
		trig := tokenIndexAt(toks, ev.Trigger.Start)
		end := tokenIndexAt(toks, ev.Trigger.End)
		// status words in the clause before the trigger
		if status == "delivered" {
			if _, ok := t.has("commit-progress", toks, max(0, trig-4), end); ok {
				status = "in_progress"
			} else if strings.HasSuffix(toks[trig].Key, "ing") {
				status = "in_progress"
			}
		}
		if _, ok := t.has("commit-stalled", toks, 0, len(toks)); ok && status != "refused" {
			status = "stalled"
		}
		if _, ok := t.has("commit-discussed", toks, max(0, trig-1), min(len(toks), end+2)); ok && kind != KindRequest {
			status = "discussed"
		}
		whats := t.whatOf(x, doc, ev, trig, end)
		if strings.HasPrefix(ev.CAMEO, "08") && len(whats) > 0 {
			// "withdraw from the province": for a yielding act the verb is the commitment
			whats[0] = strings.TrimSpace(toks[trig].Text + " " + whats[0])
		}
		for _, what := range whats {
			c := sitrep.Commitment{Kind: kind, By: ev.Source, To: ev.Target, What: what, Status: status, Date: ev.Date, Sentence: ev.Sentence, Event: ev.ID}
			s := x.Sentences[ev.Sentence]
			c.Evidence = &sitrep.Span{Start: s.Start, End: s.End, Text: s.Text, Sentence: ev.Sentence}
			for _, a := range x.Agreements {
				for _, m := range a.Mentions {
					if m.Sentence == ev.Sentence {
						c.Agreement = a.ID
					}
				}
			}
			out = append(out, c)
		}
	}
	for i := range out {
		out[i].ID = fmt.Sprintf("C%d", i+1)
	}
	if out == nil {
		out = []sitrep.Commitment{}
	}
	return out
}

// whatOf is the object of the commitment: the words after the trigger up to
// the end of the clause, without the target actor, split where the text
// joins two things with "alongside" or "as well as".
func (t *Tracker) whatOf(x *sitrep.Extraction, doc *actors.Doc, ev sitrep.Event, trig, end int) []string {
	toks := doc.Tokens[ev.Sentence]
	// a trigger phrase that already names the object: "mobilizing training ... teams"
	start := end
	stop := len(toks)
	for k := start; k < len(toks); k++ {
		switch toks[k].Key {
		case ";", ".", "“", "”", "\"", "?", "!":
			stop = k
		}
		if stop != len(toks) {
			break
		}
		if k > start+2 && (toks[k].Key == "in" && k+2 < len(toks) && toks[k+1].Key == "response") {
			stop = k
			break
		}
		if toks[k].Key == "," && k+1 < len(toks) && (toks[k+1].Key == "which" || toks[k+1].Key == "who" || toks[k+1].Key == "warning" || toks[k+1].Key == "saying" || toks[k+1].Key == "adding" || toks[k+1].Key == "the") {
			stop = k
			break
		}
		if toks[k].Key == "said" || toks[k].Key == "told" {
			stop = k
			break
		}
	}
	skip := func(k, limit int) int {
		for k < limit {
			tk := toks[k]
			if isActorTok(doc, ev.Sentence, k) || determiners[tk.Key] || t.at("light", toks, k) > 0 || tk.Kind == text.Punct {
				k++
				continue
			}
			if (tk.Key == "from" || tk.Key == "to" || tk.Key == "with" || tk.Key == "for" || tk.Key == "'s" || tk.Key == "by") && k+1 < limit {
				k++
				continue
			}
			break
		}
		return k
	}
	// inside the trigger phrase, after its head ("mobilizing training teams")
	inner := ""
	if end-trig > 1 {
		if k := skip(trig+1, end); k < end {
			inner = strings.TrimSpace(x.Document.Text[toks[k].Start:toks[end-1].End])
		}
	}
	k := skip(start, stop)
	var parts []string
	segStart := k
	for q := k; q <= stop; q++ {
		n := 0
		if q < stop {
			n = t.at("split", toks, q)
		}
		if q == stop || n > 0 {
			if seg := segText(x, toks, segStart, q); seg != "" {
				parts = append(parts, seg)
			}
			segStart = q + n
			if n > 0 {
				q += n - 1
			}
		}
	}
	switch {
	case len(parts) == 0 && inner != "":
		parts = []string{inner}
	case len(parts) == 0:
		parts = []string{strings.TrimSpace(ev.Trigger.Text)}
	case inner != "":
		parts[0] = inner + " " + parts[0]
	}
	return parts
}

func segText(x *sitrep.Extraction, toks []text.Token, a, b int) string {
	for a < b && (toks[a].Kind == text.Punct || toks[a].Key == "and") {
		a++
	}
	for b > a && (toks[b-1].Kind == text.Punct || toks[b-1].Key == "and") {
		b--
	}
	if b <= a {
		return ""
	}
	return strings.TrimSpace(x.Document.Text[toks[a].Start:toks[b-1].End])
}

func isActorTok(doc *actors.Doc, si, k int) bool {
	for _, m := range doc.Mentions[si] {
		if m.Tok0 <= k && k < m.Tok1 && m.Kind != "demonym" && m.Kind != actors.MOther {
			return true
		}
	}
	return false
}
