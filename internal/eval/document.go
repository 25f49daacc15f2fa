package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/text"
)

// Extract reads one corpus sentence with the pipeline.
func Extract(ctx context.Context, p *pipeline.Pipeline, s Sentence) (*sitrep.Extraction, error) {
	doc, err := ingest.FromRecord(ctx, ingest.Record{ID: s.ID, Text: s.Text, Published: s.Published, Language: "en"}, ingest.Options{})
	if err != nil {
		return nil, err
	}
	return p.Extract(ctx, doc)
}

// Gold is a whole-document gold annotation in the shared format.
type Gold struct {
	Document struct {
		File      string `json:"file"`
		Published string `json:"published"`
	} `json:"document"`
	Entities []struct {
		Name     string   `json:"name"`
		Type     string   `json:"type"`
		Aliases  []string `json:"aliases"`
		Country  string   `json:"country"`
		Required *bool    `json:"required"`
	} `json:"entities"`
	Events []struct {
		ID       string   `json:"id"`
		What     string   `json:"what"`
		Source   string   `json:"source"`
		Target   string   `json:"target"`
		Directed *bool    `json:"directed"`
		PLOVER   []string `json:"plover"`
		CAMEO    []string `json:"cameo"`
		Date     *string  `json:"date"`
		Required *bool    `json:"required"`
	} `json:"events"`
	Quotes []struct {
		ID         string   `json:"id"`
		Text       string   `json:"text"`
		SpeakerAny []string `json:"speaker_any"`
		Country    string   `json:"speaker_country"`
		Required   *bool    `json:"required"`
	} `json:"quotes"`
	Agreements []struct {
		ID       string  `json:"id"`
		Name     string  `json:"name"`
		Date     *string `json:"date"`
		Required *bool   `json:"required"`
	} `json:"agreements"`
	Commitments []struct {
		ID       string   `json:"id"`
		By       string   `json:"by"`
		To       string   `json:"to"`
		Keywords []string `json:"keywords"`
		Required *bool    `json:"required"`
	} `json:"commitments"`
}

// LoadGold reads a gold file.
func LoadGold(path string) (*Gold, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var g Gold
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &g, nil
}

func req(b *bool) bool { return b == nil || *b }

var nonWord = regexp.MustCompile(`[^a-z0-9' -]+`)

func fold(s string) string {
	s = text.Fold(s)
	s = nonWord.ReplaceAllString(s, " ")
	s = strings.Join(strings.Fields(s), " ")
	for _, a := range []string{"the ", "a ", "an "} {
		s = strings.TrimPrefix(s, a)
	}
	return s
}

// EventsP is event precision as the shared scorer counts it: predicted
// events (statements aside) that match any gold event.
func (r *DocResult) EventsP() float64 {
	n := r.EventsMatched + r.Events.FP
	if n == 0 {
		return 0
	}
	return float64(r.EventsMatched) / float64(n)
}

// DocResult is the score of one document.
type DocResult struct {
	Entities map[string]Counts
	Events   Counts
	// EventsMatched counts predicted events matched to any gold event,
	// required or optional.
	EventsMatched   int
	DateOK, DateN   int
	CAMEOOK, CAMEON int
	PerType         map[string]*Counts
	Quotes          Counts
	SpeakerOK       int
	Agreements      Counts
	Commitments     Counts
	Notes           []string
}

// ScoreDocument scores an extraction against a gold file: entities by type,
// events (with dates and CAMEO codes) per PLOVER type, quotes and speakers,
// agreements and commitments.
func ScoreDocument(g *Gold, x *sitrep.Extraction) *DocResult {
	r := &DocResult{Entities: map[string]Counts{}, PerType: map[string]*Counts{}}
	names := func(name string, aliases []string) map[string]bool {
		m := map[string]bool{fold(name): true}
		for _, a := range aliases {
			m[fold(a)] = true
		}
		delete(m, "")
		return m
	}
	overlap := func(a, b map[string]bool) bool {
		for k := range a {
			if b[k] {
				return true
			}
		}
		return false
	}
	for _, typ := range []string{sitrep.TypePerson, sitrep.TypeOrg, sitrep.TypePlace, sitrep.TypeCountry} {
		var c Counts
		for _, ge := range g.Entities {
			if ge.Type != typ || !req(ge.Required) {
				continue
			}
			gn := names(ge.Name, ge.Aliases)
			hit := false
			for _, oe := range x.Entities {
				if oe.Type == typ && overlap(gn, names(oe.Name, oe.Aliases)) {
					hit = true
					break
				}
			}
			if hit {
				c.TP++
			} else {
				c.FN++
				r.Notes = append(r.Notes, "missed "+typ+": "+ge.Name)
			}
		}
		for _, oe := range x.Entities {
			if oe.Type != typ {
				continue
			}
			on := names(oe.Name, oe.Aliases)
			ok := false
			for _, ge := range g.Entities {
				if overlap(on, names(ge.Name, ge.Aliases)) {
					ok = true
					break
				}
			}
			if !ok {
				c.FP++
				r.Notes = append(r.Notes, "extra "+typ+": "+oe.Name)
			}
		}
		r.Entities[typ] = c
	}
	// events
	used := map[int]bool{}
	for _, ge := range g.Events {
		found := -1
		for i, oe := range x.Events {
			if used[i] || !contains(ge.PLOVER, oe.PLOVER) {
				continue
			}
			s, t := ActorKey(oe.Source), ActorKey(oe.Target)
			directed := ge.Directed == nil || *ge.Directed
			if (s == ge.Source && t == ge.Target) || (!directed && s == ge.Target && t == ge.Source) {
				found = i
				break
			}
		}
		typ := ge.PLOVER[0]
		pc := r.per(typ)
		if found < 0 {
			if req(ge.Required) {
				r.Events.FN++
				pc.FN++
				r.Notes = append(r.Notes, fmt.Sprintf("missed event %s: %s", ge.ID, ge.What))
			}
			continue
		}
		used[found] = true
		r.EventsMatched++
		oe := x.Events[found]
		if req(ge.Required) {
			r.Events.TP++
			r.per(oe.PLOVER).TP++
		}
		if ge.Date != nil {
			r.DateN++
			if oe.Date != nil && strings.HasPrefix(*oe.Date, *ge.Date) {
				r.DateOK++
			}
		}
		r.CAMEON++
		for _, gc := range ge.CAMEO {
			if strings.HasPrefix(oe.CAMEO, gc) || (strings.HasPrefix(gc, oe.CAMEO) && len(oe.CAMEO) >= 3) {
				r.CAMEOOK++
				break
			}
		}
	}
	for i, oe := range x.Events {
		if oe.PLOVER == "STATEMENT" || used[i] {
			continue
		}
		r.Events.FP++
		r.per(oe.PLOVER).FP++
		r.Notes = append(r.Notes, fmt.Sprintf("extra event: %s->%s %s %s :: %s", ActorKey(oe.Source), ActorKey(oe.Target), oe.PLOVER, oe.CAMEO, clip(oe.Text, 80)))
	}
	// quotes
	for _, gq := range g.Quotes {
		if !req(gq.Required) {
			continue
		}
		gt := tokenSet(gq.Text)
		hit := -1
		for i, q := range x.Quotes {
			ot := tokenSet(q.Text)
			n := 0
			for k := range gt {
				if ot[k] {
					n++
				}
			}
			if len(gt) > 0 && float64(n)/float64(len(gt)) >= 0.6 && float64(n)/float64(max(len(ot), 1)) >= 0.3 {
				hit = i
				break
			}
		}
		if hit < 0 {
			r.Quotes.FN++
			r.Notes = append(r.Notes, "missed quote "+gq.ID+": "+clip(gq.Text, 60))
			continue
		}
		r.Quotes.TP++
		sp := x.Quotes[hit].Speaker
		ok := false
		for _, w := range gq.SpeakerAny {
			if fw, fn := fold(w), fold(sp.Name); fw == fn || (len(fn) > 3 && (strings.Contains(fw, fn) || strings.Contains(fn, fw))) {
				ok = true
			}
		}
		if !ok && gq.Country != "" && sp.Country == gq.Country {
			ok = true
		}
		if ok {
			r.SpeakerOK++
		} else {
			r.Notes = append(r.Notes, "wrong speaker for "+gq.ID+": "+sp.Name)
		}
	}
	r.Quotes.FP = max(0, len(x.Quotes)-r.Quotes.TP)
	// agreements: by date
	for _, ga := range g.Agreements {
		if !req(ga.Required) {
			continue
		}
		hit := false
		for _, a := range x.Agreements {
			if ga.Date != nil && a.Date != nil && strings.HasPrefix(*a.Date, *ga.Date) {
				hit = true
			}
		}
		if hit {
			r.Agreements.TP++
		} else {
			r.Agreements.FN++
			r.Notes = append(r.Notes, "missed agreement "+ga.ID+": "+ga.Name)
		}
	}
	// commitments
	usedC := map[int]bool{}
	for _, gc := range g.Commitments {
		hit := false
		for i, c := range x.Commitments {
			if usedC[i] || ActorKey(c.By) != gc.By || ActorKey(c.To) != gc.To {
				continue
			}
			w := fold(c.What)
			for _, k := range gc.Keywords {
				if strings.Contains(w, fold(k)) {
					hit = true
					break
				}
			}
			if hit {
				usedC[i] = true
				break
			}
		}
		switch {
		case hit && req(gc.Required):
			r.Commitments.TP++
		case !hit && req(gc.Required):
			r.Commitments.FN++
			r.Notes = append(r.Notes, fmt.Sprintf("missed commitment %s: %v", gc.ID, gc.Keywords))
		}
	}
	r.Commitments.FP = len(x.Commitments) - len(usedC)
	return r
}

func (r *DocResult) per(k string) *Counts {
	c := r.PerType[k]
	if c == nil {
		c = &Counts{}
		r.PerType[k] = c
	}
	return c
}

func tokenSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.FieldsFunc(fold(s), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		m[t] = true
	}
	return m
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Print writes the document score.
func (r *DocResult) Print(w io.Writer, verbose bool) {
	for _, t := range []string{sitrep.TypePerson, sitrep.TypeOrg, sitrep.TypePlace, sitrep.TypeCountry} {
		c := r.Entities[t]
		fmt.Fprintf(w, "entities.%-8s P=%.2f R=%.2f F1=%.2f\n", t, c.P(), c.R(), c.F1())
	}
	p, rc := r.EventsP(), r.Events.R()
	f1 := 0.0
	if p+rc > 0 {
		f1 = 2 * p * rc / (p + rc)
	}
	fmt.Fprintf(w, "events            P=%.2f R=%.2f F1=%.2f date-accuracy=%.2f cameo-accuracy=%.2f\n", p, rc, f1, ratio(r.DateOK, r.DateN), ratio(r.CAMEOOK, r.CAMEON))
	fmt.Fprintf(w, "quotes            P=%.2f R=%.2f speaker-accuracy=%.2f\n", r.Quotes.P(), r.Quotes.R(), ratio(r.SpeakerOK, r.Quotes.TP+r.Quotes.FN))
	fmt.Fprintf(w, "agreements        R=%.2f\n", r.Agreements.R())
	fmt.Fprintf(w, "commitments       P=%.2f R=%.2f F1=%.2f\n", r.Commitments.P(), r.Commitments.R(), r.Commitments.F1())
	fmt.Fprintf(w, "\n%-10s %6s %6s %6s\n", "PLOVER", "P", "R", "F1")
	var ks []string
	for k := range r.PerType {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		c := r.PerType[k]
		fmt.Fprintf(w, "%-10s %6.2f %6.2f %6.2f\n", k, c.P(), c.R(), c.F1())
	}
	if verbose {
		fmt.Fprintln(w)
		for _, n := range r.Notes {
			fmt.Fprintln(w, "  "+n)
		}
	}
}
