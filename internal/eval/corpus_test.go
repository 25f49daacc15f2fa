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
	floorTypeF1   = 0.86
	floorTripleF1 = 0.79
	floorNoEvent  = 0.98
)

func TestEventCorpus(t *testing.T) {
	rep, n := scoreCorpus(t, "../../testdata/events/sentences.jsonl")
	if n < 400 {
		t.Fatalf("corpus has %d sentences, want at least 400", n)
	}
	checkFloors(t, rep, floorTypeF1, floorTripleF1, floorNoEvent)
	checkModality(t, rep, 0.98, 1)
}

// TestHoldoutCorpus scores the held-out sentences
// (testdata/events/holdout.jsonl), written to measure how the coder
// generalises beyond the corpus it was tuned on; nothing is tuned to them.
// The floors sit just under the scores last measured (0.701, 0.608,
// 33 of 37), so a change that generalises worse fails. Raise them as the coder
// improves; never lower them.
func TestHoldoutCorpus(t *testing.T) {
	rep, n := scoreCorpus(t, "../../testdata/events/holdout.jsonl")
	if n < 200 {
		t.Fatalf("holdout has %d sentences, want at least 200", n)
	}
	checkFloors(t, rep, 0.70, 0.60, 0.88)
	checkModality(t, rep, 0.95, 1)
}

// scoreCorpus codes every sentence of a JSON-lines file and scores it.
func scoreCorpus(t *testing.T, path string) (*eval.Report, int) {
	t.Helper()
	f, err := os.Open(path)
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
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	rep.Print(&sb)
	t.Log("\n" + sb.String())
	if testing.Verbose() {
		for _, m := range rep.Misses {
			t.Log(m)
		}
	}
	return rep, n
}

func checkFloors(t *testing.T, rep *eval.Report, typeF1, tripleF1, noEvent float64) {
	t.Helper()
	if f1 := rep.Type.F1(); f1 < typeF1 {
		t.Errorf("PLOVER type micro F1 %.3f < %.2f", f1, typeF1)
	}
	if f1 := rep.Triple.F1(); f1 < tripleF1 {
		t.Errorf("(source, target, type) micro F1 %.3f < %.2f", f1, tripleF1)
	}
	if r := rep.NoEventRate(); r < noEvent {
		t.Errorf("event-free sentences left empty %.3f < %.2f", r, noEvent)
	}
}

// checkModality holds the modality accuracy of matched events to a floor,
// and the negated or hypothetical events coded as facts to at most
// maxFacts (the counts measured when the floors were set: lower them,
// never raise them).
func checkModality(t *testing.T, rep *eval.Report, floor float64, maxFacts int) {
	t.Helper()
	if a := rep.ModalityAccuracy(); a < floor {
		t.Errorf("modality accuracy %.3f < %.2f", a, floor)
	}
	if rep.FactErr > maxFacts {
		t.Errorf("%d of %d negated or hypothetical events coded as asserted", rep.FactErr, rep.FactN)
	}
}
