package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/eval"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
)

// TestSharedGold scores the shared gold reports (read from ../shared at
// test time, never copied) against the acceptance figures of the reading
// issues. It skips when ../shared is absent.
func TestSharedGold(t *testing.T) {
	golds, _ := filepath.Glob("../../../shared/gold/*.gold.json")
	if len(golds) == 0 {
		t.Skip("../shared/gold not present")
	}
	p, err := pipeline.New(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, gp := range golds {
		g, err := eval.LoadGold(gp)
		if err != nil {
			t.Fatal(err)
		}
		txt := strings.TrimSuffix(gp, ".gold.json") + ".txt"
		f, err := os.Open(txt)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := ingest.Read(context.Background(), txt, f, ingest.Options{Published: g.Document.Published})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		x, err := p.Extract(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		r := eval.ScoreDocument(g, x)
		var sb strings.Builder
		r.Print(&sb, true)
		t.Logf("%s\n%s", filepath.Base(txt), sb.String())
		check := func(what string, got, min float64) {
			if got < min {
				t.Errorf("%s: %s = %.2f, want at least %.2f", filepath.Base(txt), what, got, min)
			}
		}
		for typ, min := range map[string]float64{"PERSON": 0.95, "ORG": 0.85, "PLACE": 0.95, "COUNTRY": 0.95} {
			check("entities "+typ+" F1", r.Entities[typ].F1(), min)
		}
		check("events precision", r.EventsP(), 0.80)
		check("events recall", r.Events.R(), 0.90)
		check("event date accuracy", float64(r.DateOK)/float64(max(r.DateN, 1)), 0.90)
		check("CAMEO accuracy", float64(r.CAMEOOK)/float64(max(r.CAMEON, 1)), 0.80)
		check("quote recall", r.Quotes.R(), 0.90)
		check("speaker accuracy", float64(r.SpeakerOK)/float64(max(r.Quotes.TP+r.Quotes.FN, 1)), 0.90)
		check("agreement recall", r.Agreements.R(), 1.0)
		check("commitments F1", r.Commitments.F1(), 0.60)
	}
}
