package eval_test

import (
	"strings"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/eval"
)

func ev(src, tgt, plover, cameo, mod string) sitrep.Event {
	return sitrep.Event{Source: sitrep.Actor{Country: src}, Target: sitrep.Actor{Country: tgt}, PLOVER: plover, CAMEO: cameo, Modality: mod}
}

// TestModalityScore builds a small report by hand: modality is scored only
// on events matched on (source, target, type), a negated or hypothetical
// gold event coded as asserted is counted on its own, and Print shows it.
func TestModalityScore(t *testing.T) {
	var r eval.Report
	// matched, same modality
	r.Score(eval.Sentence{ID: "a", Text: "A", Events: []eval.GoldEvent{
		{Source: "AAA", Target: "BBB", PLOVER: "ASSAULT", CAMEO: "190", Modality: "asserted"},
	}}, []sitrep.Event{ev("AAA", "BBB", "ASSAULT", "190", "asserted")})
	// matched, negated coded as asserted
	r.Score(eval.Sentence{ID: "b", Text: "B", Events: []eval.GoldEvent{
		{Source: "AAA", Target: "BBB", PLOVER: "ASSAULT", CAMEO: "190", Modality: "negated"},
	}}, []sitrep.Event{ev("AAA", "BBB", "ASSAULT", "190", "asserted")})
	// matched, hypothetical coded as planned: wrong but not a fact
	r.Score(eval.Sentence{ID: "c", Text: "C", Events: []eval.GoldEvent{
		{Source: "CCC", Target: "BBB", PLOVER: "COERCE", CAMEO: "163", Modality: "hypothetical"},
	}}, []sitrep.Event{ev("CCC", "BBB", "COERCE", "163", "planned")})
	// not matched (wrong target): not scored for modality
	r.Score(eval.Sentence{ID: "d", Text: "D", Events: []eval.GoldEvent{
		{Source: "AAA", Target: "BBB", PLOVER: "ASSAULT", CAMEO: "190", Modality: "negated"},
	}}, []sitrep.Event{ev("AAA", "CCC", "ASSAULT", "190", "asserted")})
	// two events of one triple: the pairing prefers the same modality,
	// whatever the order of the coded events
	r.Score(eval.Sentence{ID: "e", Text: "E", Events: []eval.GoldEvent{
		{Source: "AAA", Target: "BBB", PLOVER: "CONSULT", CAMEO: "040", Modality: "asserted"},
		{Source: "AAA", Target: "BBB", PLOVER: "CONSULT", CAMEO: "036", Modality: "planned"},
	}}, []sitrep.Event{ev("BBB", "AAA", "CONSULT", "036", "planned"), ev("AAA", "BBB", "CONSULT", "040", "")})

	if r.ModN != 5 || r.ModOK != 3 {
		t.Errorf("modality %d/%d, want 3/5", r.ModOK, r.ModN)
	}
	if r.FactN != 2 || r.FactErr != 1 {
		t.Errorf("negated or hypothetical coded as asserted %d/%d, want 1/2", r.FactErr, r.FactN)
	}
	if got := r.ModConfusion["negated"]["asserted"]; got != 1 {
		t.Errorf("confusion negated>asserted = %d, want 1", got)
	}
	if got := r.ModConfusion["hypothetical"]["planned"]; got != 1 {
		t.Errorf("confusion hypothetical>planned = %d, want 1", got)
	}
	if got := r.ModConfusion["asserted"]["asserted"]; got != 2 {
		t.Errorf("confusion asserted>asserted = %d, want 2", got)
	}
	if len(r.ModMisses) != 2 {
		t.Errorf("modality misses %q, want 2", r.ModMisses)
	}
	var sb strings.Builder
	r.Print(&sb)
	out := sb.String()
	for _, want := range []string{
		"micro (source, target, type)      P=",
		"modality accuracy (matched source, target, type) 3/5 (60.0%)",
		"modality negated or hypothetical coded as asserted: 1/2",
		"modality confusion (rows gold, columns coded)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Print lacks %q:\n%s", want, out)
		}
	}
	var empty eval.Report
	if empty.ModalityAccuracy() != 1 {
		t.Errorf("empty report modality accuracy %v, want 1", empty.ModalityAccuracy())
	}
}
