// Package eval scores sitrep's output against gold annotations: a
// sentence corpus ({"id","text","events":[...]}) or a whole-document gold
// file in the shared format. It is what analysts run after changing a
// dictionary.
package eval

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sitrep/sitrep"
)

// GoldEvent is an expected event of a sentence.
type GoldEvent struct {
	Source   string `json:"source"`
	Target   string `json:"target"`
	PLOVER   string `json:"plover"`
	CAMEO    string `json:"cameo"`
	Modality string `json:"modality,omitempty"`
	// Directed false marks a two-sided event whose order does not matter.
	Directed *bool `json:"directed,omitempty"`
}

// Sentence is one line of a sentence corpus.
type Sentence struct {
	ID        string      `json:"id"`
	Text      string      `json:"text"`
	Published string      `json:"published,omitempty"`
	Events    []GoldEvent `json:"events"`
	Tags      []string    `json:"tags,omitempty"`
}

// Counts are true positives, false positives and false negatives.
type Counts struct{ TP, FP, FN int }

// P is precision.
func (c Counts) P() float64 {
	if c.TP+c.FP == 0 {
		return 0
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// R is recall.
func (c Counts) R() float64 {
	if c.TP+c.FN == 0 {
		return 0
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// F1 is the harmonic mean of P and R.
func (c Counts) F1() float64 {
	p, r := c.P(), c.R()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func (c *Counts) add(o Counts) { c.TP += o.TP; c.FP += o.FP; c.FN += o.FN }

// Report is the result of scoring a sentence corpus.
type Report struct {
	Sentences int
	// Type scores PLOVER types alone; Triple scores (source country,
	// target country, type); CAMEO scores the CAMEO root with the triple.
	Type, Triple, Root Counts
	PerType            map[string]*Counts
	// Confusion[gold][predicted], "-" for none.
	Confusion map[string]map[string]int
	// NoEvent counts sentences without gold events, and how many of them
	// got no predicted event.
	NoEvent, NoEventEmpty int
	// Misses lists sentences with an error, for --verbose.
	Misses []string
	// ModN counts gold events with a modality that were matched on
	// (source, target, type); ModOK how many of them got the gold
	// modality. ModConfusion[gold][coded] counts the matched pairs.
	ModN, ModOK  int
	ModConfusion map[string]map[string]int
	// FactN counts matched gold events that are negated or hypothetical;
	// FactErr how many of them were coded as asserted (a non-event
	// reported as a fact).
	FactN, FactErr int
	// ModMisses lists the matched events whose modality differs, for
	// --verbose.
	ModMisses []string
}

// ModalityAccuracy is the share of matched gold events coded with the gold
// modality (1 when none was matched).
func (r *Report) ModalityAccuracy() float64 {
	if r.ModN == 0 {
		return 1
	}
	return float64(r.ModOK) / float64(r.ModN)
}

// ActorKey is how an event side is compared: its country, or for
// international actors the first three letters of the code (IGO, IMG).
func ActorKey(a sitrep.Actor) string {
	if a.Country != "" {
		return a.Country
	}
	if len(a.Code) >= 3 {
		return a.Code[:3]
	}
	return ""
}

var undirected = map[string]bool{"CONSULT": true, "AGREE": true, "COOPERATE": true}

type triple struct {
	s, t, p, root string
	either        bool
}

func norm(t triple) triple {
	if (t.either || undirected[t.p]) && t.t < t.s {
		t.s, t.t = t.t, t.s
	}
	return t
}

// Score compares the predicted events of one sentence with its gold
// events and adds to the report.
func (r *Report) Score(s Sentence, pred []sitrep.Event) {
	if r.PerType == nil {
		r.PerType = map[string]*Counts{}
		r.Confusion = map[string]map[string]int{}
	}
	r.Sentences++
	var ps []sitrep.Event
	for _, e := range pred {
		if e.PLOVER != "" && e.PLOVER != "STATEMENT" {
			ps = append(ps, e)
		}
	}
	if len(s.Events) == 0 {
		r.NoEvent++
		if len(ps) == 0 {
			r.NoEventEmpty++
		}
	}
	// types as multisets
	gt := map[string]int{}
	for _, g := range s.Events {
		gt[strings.ToUpper(g.PLOVER)]++
	}
	pt := map[string]int{}
	for _, p := range ps {
		pt[p.PLOVER]++
	}
	var c Counts
	for k, n := range gt {
		m := pt[k]
		tp := min(n, m)
		c.TP += tp
		c.FN += n - tp
		pc := r.per(k)
		pc.TP += tp
		pc.FN += n - tp
	}
	for k, m := range pt {
		n := gt[k]
		if m > n {
			c.FP += m - n
			r.per(k).FP += m - n
		}
	}
	r.Type.add(c)
	// triples
	var gts, pts []triple
	for _, g := range s.Events {
		gts = append(gts, norm(triple{g.Source, g.Target, strings.ToUpper(g.PLOVER), rootOf(g.CAMEO), g.Directed != nil && !*g.Directed}))
	}
	for _, p := range ps {
		pts = append(pts, triple{s: ActorKey(p.Source), t: ActorKey(p.Target), p: p.PLOVER, root: rootOf(p.CAMEO)})
	}
	tc, rc := matchTriples(gts, pts)
	r.Triple.add(tc)
	r.Root.add(rc)
	r.scoreModality(s, gts, pts, ps)
	// confusion: pair gold and predicted in order
	used := make([]bool, len(ps))
	for _, g := range s.Events {
		gp := strings.ToUpper(g.PLOVER)
		best := -1
		for i, p := range ps {
			if used[i] {
				continue
			}
			if p.PLOVER == gp {
				best = i
				break
			}
			if best < 0 {
				best = i
			}
		}
		got := "-"
		if best >= 0 {
			used[best] = true
			got = ps[best].PLOVER
		}
		r.conf(gp, got)
	}
	for i, p := range ps {
		if !used[i] {
			r.conf("-", p.PLOVER)
		}
	}
	if tc.FP > 0 || tc.FN > 0 {
		var want, got []string
		for _, t := range gts {
			want = append(want, fmt.Sprintf("%s>%s %s", t.s, t.t, t.p))
		}
		for _, p := range ps {
			got = append(got, fmt.Sprintf("%s>%s %s %s", ActorKey(p.Source), ActorKey(p.Target), p.PLOVER, p.CAMEO))
		}
		r.Misses = append(r.Misses, fmt.Sprintf("%s: want [%s] got [%s] :: %s", s.ID, strings.Join(want, "; "), strings.Join(got, "; "), s.Text))
	}
}

// scoreModality pairs each gold event with a coded event of the same
// (source, target, type), preferring one of the same modality, and counts
// the modalities of the pairs.
func (r *Report) scoreModality(s Sentence, gts, pts []triple, ps []sitrep.Event) {
	if r.ModConfusion == nil {
		r.ModConfusion = map[string]map[string]int{}
	}
	gm := make([]string, len(gts))
	for i, g := range s.Events {
		gm[i] = strings.ToLower(strings.TrimSpace(g.Modality))
	}
	pm := make([]string, len(ps))
	for i, p := range ps {
		pm[i] = p.Modality
		if pm[i] == "" {
			pm[i] = sitrep.ModalityAsserted
		}
	}
	pair := make([]int, len(gts))
	used := make([]bool, len(pts))
	for i := range pair {
		pair[i] = -1
	}
	for pass := 0; pass < 2; pass++ {
		for i, g := range gts {
			if pair[i] >= 0 || gm[i] == "" {
				continue
			}
			for j, p := range pts {
				if !used[j] && sameSides(g, p) && p.p == g.p && (pass == 1 || pm[j] == gm[i]) {
					pair[i], used[j] = j, true
					break
				}
			}
		}
	}
	for i, j := range pair {
		if j < 0 {
			continue
		}
		g, got := gm[i], pm[j]
		r.ModN++
		if r.ModConfusion[g] == nil {
			r.ModConfusion[g] = map[string]int{}
		}
		r.ModConfusion[g][got]++
		if g == got {
			r.ModOK++
		} else {
			r.ModMisses = append(r.ModMisses, fmt.Sprintf("%s: %s>%s %s modality %s coded %s :: %s", s.ID, gts[i].s, gts[i].t, gts[i].p, g, got, s.Text))
		}
		if g == sitrep.ModalityNegated || g == sitrep.ModalityHypothetical {
			r.FactN++
			if got == sitrep.ModalityAsserted {
				r.FactErr++
			}
		}
	}
}

func rootOf(code string) string {
	if len(code) >= 2 {
		return code[:2]
	}
	return code
}

func matchTriples(gold, pred []triple) (Counts, Counts) {
	var tc, rc Counts
	used := make([]bool, len(pred))
	usedR := make([]bool, len(pred))
	for _, g := range gold {
		hit := false
		for i, p := range pred {
			if !used[i] && sameSides(g, p) && p.p == g.p {
				used[i], hit = true, true
				break
			}
		}
		if hit {
			tc.TP++
		} else {
			tc.FN++
		}
		hit = false
		for i, p := range pred {
			if !usedR[i] && sameSides(g, p) && p.p == g.p && p.root == g.root {
				usedR[i], hit = true, true
				break
			}
		}
		if hit {
			rc.TP++
		} else {
			rc.FN++
		}
	}
	for i := range pred {
		if !used[i] {
			tc.FP++
		}
		if !usedR[i] {
			rc.FP++
		}
	}
	return tc, rc
}

// sameSides compares the actors of a gold and a predicted event; a gold
// event that is undirected accepts either order.
func sameSides(g, p triple) bool {
	if p.s == g.s && p.t == g.t {
		return true
	}
	return (g.either || undirected[g.p]) && p.s == g.t && p.t == g.s
}

func (r *Report) per(k string) *Counts {
	c := r.PerType[k]
	if c == nil {
		c = &Counts{}
		r.PerType[k] = c
	}
	return c
}

func (r *Report) conf(gold, pred string) {
	if r.Confusion[gold] == nil {
		r.Confusion[gold] = map[string]int{}
	}
	r.Confusion[gold][pred]++
}

// NoEventRate is the share of event-free sentences that got no event.
func (r *Report) NoEventRate() float64 {
	if r.NoEvent == 0 {
		return 1
	}
	return float64(r.NoEventEmpty) / float64(r.NoEvent)
}

// Print writes the report: per-type P/R/F1, micro scores and a confusion table.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%d sentences\n\n%-10s %6s %6s %6s %5s %5s %5s\n", r.Sentences, "PLOVER", "P", "R", "F1", "TP", "FP", "FN")
	types := make([]string, 0, len(r.PerType))
	for k := range r.PerType {
		types = append(types, k)
	}
	sort.Strings(types)
	for _, k := range types {
		c := r.PerType[k]
		fmt.Fprintf(w, "%-10s %6.2f %6.2f %6.2f %5d %5d %5d\n", k, c.P(), c.R(), c.F1(), c.TP, c.FP, c.FN)
	}
	fmt.Fprintf(w, "\nmicro PLOVER type                 P=%.3f R=%.3f F1=%.3f\n", r.Type.P(), r.Type.R(), r.Type.F1())
	fmt.Fprintf(w, "micro (source, target, type)      P=%.3f R=%.3f F1=%.3f\n", r.Triple.P(), r.Triple.R(), r.Triple.F1())
	fmt.Fprintf(w, "micro (source, target, type, root) P=%.3f R=%.3f F1=%.3f\n", r.Root.P(), r.Root.R(), r.Root.F1())
	fmt.Fprintf(w, "sentences without events left empty: %d/%d (%.1f%%)\n", r.NoEventEmpty, r.NoEvent, 100*r.NoEventRate())
	// confusion
	labels := map[string]bool{"-": true}
	for g, row := range r.Confusion {
		labels[g] = true
		for p := range row {
			labels[p] = true
		}
	}
	var ls []string
	for l := range labels {
		ls = append(ls, l)
	}
	sort.Strings(ls)
	printConfusion(w, "\nconfusion (rows gold, columns predicted, - none)", 10, ls, r.Confusion)
	r.printModality(w)
}

// printConfusion prints a table of counts, rows gold and columns coded,
// under a title; labels are the rows and columns in order, the first
// column width wide.
func printConfusion(w io.Writer, title string, width int, labels []string, m map[string]map[string]int) {
	fmt.Fprintf(w, "%s\n%-*s", title, width, "")
	for _, l := range labels {
		fmt.Fprintf(w, " %5.5s", l)
	}
	fmt.Fprintln(w)
	for _, g := range labels {
		fmt.Fprintf(w, "%-*s", width, g)
		for _, p := range labels {
			if n := m[g][p]; n == 0 {
				fmt.Fprintf(w, " %5s", ".")
			} else {
				fmt.Fprintf(w, " %5d", n)
			}
		}
		fmt.Fprintln(w)
	}
}

var modalities = []string{sitrep.ModalityAsserted, sitrep.ModalityReported, sitrep.ModalityPlanned, sitrep.ModalityRequested, sitrep.ModalityHypothetical, sitrep.ModalityNegated}

// printModality writes the modality accuracy of the matched events, the
// negated or hypothetical events coded as asserted, and a confusion table
// of modalities. The lines come after the existing ones.
func (r *Report) printModality(w io.Writer) {
	fmt.Fprintf(w, "\nmodality accuracy (matched source, target, type) %d/%d (%.1f%%)\n", r.ModOK, r.ModN, 100*r.ModalityAccuracy())
	fmt.Fprintf(w, "modality negated or hypothetical coded as asserted: %d/%d\n", r.FactErr, r.FactN)
	// the known modalities in a fixed order, then any other label; only
	// labels that occur get a row and a column
	seen := map[string]bool{}
	for g, row := range r.ModConfusion {
		for p, n := range row {
			if n > 0 {
				seen[g], seen[p] = true, true
			}
		}
	}
	var used, other []string
	for _, l := range modalities {
		if seen[l] {
			used = append(used, l)
			delete(seen, l)
		}
	}
	for l := range seen {
		other = append(other, l)
	}
	sort.Strings(other)
	used = append(used, other...)
	if len(used) == 0 {
		return
	}
	printConfusion(w, "modality confusion (rows gold, columns coded)", 12, used, r.ModConfusion)
}
