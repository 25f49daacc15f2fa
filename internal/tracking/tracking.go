// Package tracking follows agreements and commitments: inside one document
// (Tracker, a pipeline stage) and across documents (Ledger), where every
// change of status keeps the evidence it came from, in the manner of the
// Peace Accords Matrix.
package tracking

import (
	"context"
	"fmt"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/text"
	"github.com/sitrep/sitrep/internal/tsv"
)

// Agreement statuses, and the Peace Accords Matrix implementation scores.
const (
	StatusSigned       = "signed"
	StatusImplementing = "implementing"
	StatusDemanded     = "compliance_demanded"
	StatusViolated     = "violated"
	StatusStalled      = "stalled"
	StatusCompleted    = "completed"
	StatusUnknown      = "unknown"
)

// Score is the Peace Accords Matrix score of an agreement status: 0 not
// started, 1 minimal, 2 intermediate, 3 full.
func Score(status string) int {
	switch status {
	case StatusImplementing, StatusDemanded, StatusViolated, StatusStalled:
		return 1
	case StatusCompleted:
		return 3
	}
	return 0
}

// ScoreWord names a score.
func ScoreWord(score int) string {
	return [...]string{"not started", "minimal", "intermediate", "full"}[max(0, min(3, score))]
}

// Tracker finds agreements and commitments in one document.
type Tracker struct {
	lists  map[string][][]string
	first  map[string]map[string][][]string // list -> first word -> phrases
	topics *Topics
}

// New loads the tracker's word lists from tracking.tsv of ds (the
// embedded one when ds is nil).
func New(ds *dict.Set) (*Tracker, error) {
	raw, err := loadLists(ds)
	if err != nil {
		return nil, err
	}
	t := &Tracker{lists: map[string][][]string{}, first: map[string]map[string][][]string{}}
	for name, phrases := range raw {
		for _, p := range phrases {
			words := strings.Fields(text.Fold(p))
			if len(words) == 0 {
				continue
			}
			t.lists[name] = append(t.lists[name], words)
			if t.first[name] == nil {
				t.first[name] = map[string][][]string{}
			}
			t.first[name][words[0]] = append(t.first[name][words[0]], words)
		}
	}
	for _, need := range []string{"agreement", "monitor", "provision", "split", "topic-stop"} {
		if len(t.lists[need]) == 0 {
			return nil, fmt.Errorf("tracking.tsv: list %q is empty", need)
		}
	}
	t.topics = newTopics(raw["topic-stop"])
	return t, nil
}

// Topics returns the topic words rule of the word lists, for a Ledger or
// a StoreTracker.
func (t *Tracker) Topics() *Topics { return t.topics }

// loadLists reads every version of tracking.tsv; a list in a later file
// replaces the list of the same name in earlier ones.
func loadLists(ds *dict.Set) (map[string][]string, error) {
	srcs, err := ds.Files("tracking.tsv")
	if err != nil {
		return nil, fmt.Errorf("tracking words: %w", err)
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("tracking words: no tracking.tsv")
	}
	out := map[string][]string{}
	for _, src := range srcs {
		seen := map[string]bool{}
		err := tsv.Parse(src.Data, func(r tsv.Row) error {
			name := r.Field(0)
			if !seen[name] {
				seen[name] = true
				out[name] = nil
			}
			out[name] = append(out[name], r.List(1)...)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("tracking words: %s: %w", src.Name, err)
		}
	}
	return out, nil
}

// at returns the length of the longest phrase of list starting at token i.
func (t *Tracker) at(list string, toks []text.Token, i int) int {
	best := 0
	for _, ph := range t.first[list][toks[i].Key] {
		if i+len(ph) > len(toks) || len(ph) <= best {
			continue
		}
		ok := true
		for j, w := range ph {
			if toks[i+j].Key != w {
				ok = false
				break
			}
		}
		if ok {
			best = len(ph)
		}
	}
	return best
}

// has reports whether any phrase of list occurs in toks[from:to].
func (t *Tracker) has(list string, toks []text.Token, from, to int) (int, bool) {
	for i := max(0, from); i < to && i < len(toks); i++ {
		if n := t.at(list, toks, i); n > 0 {
			return i, true
		}
	}
	return -1, false
}

// Apply is the pipeline stage: agreements first, then commitments.
func (t *Tracker) Apply(ctx context.Context, x *sitrep.Extraction, doc *actors.Doc) error {
	x.Agreements = t.Agreements(x, doc)
	if x.Agreements == nil {
		x.Agreements = []sitrep.Agreement{}
	}
	x.Commitments = t.Commitments(x, doc)
	return ctx.Err()
}

func actorOf(doc *actors.Doc, m actors.Mention) sitrep.Actor {
	a := m.Actor(doc)
	if m.Kind == actors.MCountry || m.Kind == actors.MMetonym {
		return a
	}
	// the party as the evidence names it: "SDF" rather than the canonical name
	if t := trimDet(m.Text); t != "" && m.Kind != actors.MPerson {
		a.Name = t
	}
	return a
}

func trimDet(s string) string {
	for _, d := range []string{"the ", "The ", "a ", "A ", "an ", "An "} {
		s = strings.TrimPrefix(s, d)
	}
	return s
}

func sameActor(a, b sitrep.Actor) bool {
	if a.Entity != "" && a.Entity == b.Entity {
		return true
	}
	return a.Country == b.Country && a.Code == b.Code && a.Name == b.Name
}

func addActor(list []sitrep.Actor, a sitrep.Actor) []sitrep.Actor {
	if a.Country == "" && a.Code == "" || media(a.Sectors) {
		return list
	}
	for _, o := range list {
		if sameActor(o, a) {
			return list
		}
	}
	return append(list, a)
}
