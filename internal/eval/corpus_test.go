package eval_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/eval"
	"github.com/sitrep/sitrep/internal/pipeline"
)

// TestEventCorpus codes the project's own sentence corpus
// (testdata/events/sentences.jsonl) and guards the coder against
// regressions. The floors below are the scores the coder reached when they
// were last raised; they now meet the targets of the event-coder issue
// (micro F1 0.85 for the PLOVER type and 0.75 for the (source country,
// target country, type) triple). Raise the floors as the coder improves;
// never lower them to make a change pass.
const (
	floorTypeF1   = 0.85
	floorTripleF1 = 0.78
	floorNoEvent  = 0.97
)

func TestEventCorpus(t *testing.T) {
	f, err := os.Open("../../testdata/events/sentences.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := pipeline.New(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := &eval.Report{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var s eval.Sentence
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		x, err := eval.Extract(context.Background(), p, s)
		if err != nil {
			t.Fatalf("%s: %v", s.ID, err)
		}
		rep.Score(s, x.Events)
		n++
	}
	if n < 400 {
		t.Fatalf("corpus has %d sentences, want at least 400", n)
	}
	var sb strings.Builder
	rep.Print(&sb)
	t.Log("\n" + sb.String())
	if testing.Verbose() {
		for _, m := range rep.Misses {
			t.Log(m)
		}
	}
	if f1 := rep.Type.F1(); f1 < floorTypeF1 {
		t.Errorf("PLOVER type micro F1 %.3f < %.2f", f1, floorTypeF1)
	}
	if f1 := rep.Triple.F1(); f1 < floorTripleF1 {
		t.Errorf("(source, target, type) micro F1 %.3f < %.2f", f1, floorTripleF1)
	}
	if r := rep.NoEventRate(); r < floorNoEvent {
		t.Errorf("event-free sentences left empty %.3f < %.2f", r, floorNoEvent)
	}
}
