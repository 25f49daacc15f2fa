package tracking_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/tracking"
)

// readStory extracts the project's own cross-document story
// (testdata/tracking): eight reports on one memorandum and two
// commitments, in publication order.
func readStory(t *testing.T) ([]*sitrep.Extraction, map[string]string) {
	t.Helper()
	var exp struct {
		Documents []struct {
			ID          string  `json:"id"`
			File        string  `json:"file"`
			DuplicateOf *string `json:"duplicate_of"`
		} `json:"documents"`
	}
	b, err := os.ReadFile("../../testdata/tracking/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	var xs []*sitrep.Extraction
	for _, d := range exp.Documents {
		path := filepath.Join("../../testdata/tracking", d.File)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := ingest.Read(context.Background(), path, f, ingest.Options{})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		// near-duplicate detection belongs to the store; the story says which copy is a reprint
		doc.DuplicateOf = d.DuplicateOf
		x, err := p.Extract(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		texts[x.Document.ID] = x.Document.Text
		xs = append(xs, x)
	}
	sort.SliceStable(xs, func(i, j int) bool { return *xs[i].Document.Published < *xs[j].Document.Published })
	return xs, texts
}

func TestLedgerFollowsOneAgreementAcrossReports(t *testing.T) {
	xs, texts := readStory(t)
	l := tracking.Ledger{Topics: topics(t)}
	for _, x := range xs {
		l.Add(x)
	}
	var mou *tracking.CanonAgreement
	for _, a := range l.Agreements {
		if a.Date != nil && *a.Date == "2025-08-13" {
			mou = a
		}
	}
	if mou == nil {
		for _, a := range l.Agreements {
			t.Logf("agreement %s %q date=%v docs=%v", a.ID, a.Name, a.Date, a.Documents)
		}
		t.Fatal("the memorandum signed on 2025-08-13 was not found")
	}
	parties := map[string]bool{}
	for _, p := range mou.Parties {
		parties[p.Country] = true
	}
	if !parties["TUR"] || !parties["SYR"] {
		t.Errorf("parties %+v, want TUR and SYR", mou.Parties)
	}
	if len(mou.Documents) < 4 {
		t.Errorf("the memorandum is followed by %d documents, want at least 4: %v", len(mou.Documents), mou.Documents)
	}
	for _, d := range mou.Documents {
		if d == "trk-08" {
			t.Errorf("the reprint trk-08 must add no step")
		}
	}
	tl := mou.Timeline
	for i, st := range tl {
		t.Logf("step %d: %v %s (score %d) %s %s contradicts=%q", i, deref(st.Date), st.Status, st.Score, st.Document, st.Outlet, st.Contradicts)
		if !strings.Contains(texts[st.Document], st.Evidence) || st.Evidence == "" {
			t.Errorf("step %d: evidence %q is not in %s", i, st.Evidence, st.Document)
		}
		if i > 0 && deref(tl[i-1].Date) > deref(st.Date) {
			t.Errorf("timeline out of order at step %d", i)
		}
	}
	if len(tl) == 0 || tl[0].Status != tracking.StatusSigned || tl[0].Document != "trk-02" {
		t.Fatalf("the first step must be the signature in trk-02")
	}
	seen := map[string]bool{}
	for _, st := range tl {
		seen[st.Status] = true
	}
	for _, want := range []string{tracking.StatusImplementing, tracking.StatusStalled} {
		if !seen[want] {
			t.Errorf("no %s step in the timeline", want)
		}
	}
	if last := tl[len(tl)-1]; last.Status != tracking.StatusStalled || mou.Status != tracking.StatusStalled {
		t.Errorf("the story ends stalled; last step %s, status %s", last.Status, mou.Status)
	}
}

func TestLedgerKeepsContradictions(t *testing.T) {
	xs, texts := readStory(t)
	l := tracking.Ledger{Topics: topics(t)}
	for _, x := range xs {
		l.Add(x)
	}
	found := false
	for _, c := range l.Commitments {
		var steps []string
		for _, st := range c.Timeline {
			steps = append(steps, st.Status+"@"+st.Document)
			if !strings.Contains(texts[st.Document], st.Evidence) {
				t.Errorf("commitment %s: evidence %q not in %s", c.ID, st.Evidence, st.Document)
			}
			if st.Contradicts != "" {
				found = true
				// the contradicted step is still there
				kept := false
				for _, o := range c.Timeline {
					if o.Document == st.Contradicts {
						kept = true
					}
				}
				if !kept {
					t.Errorf("commitment %s: step from %s contradicts %s, which was erased", c.ID, st.Document, st.Contradicts)
				}
			}
		}
		t.Logf("commitment %s %s %s->%s %q: %s", c.ID, c.Kind, c.By.Country, c.To.Country, c.What, strings.Join(steps, ", "))
	}
	for _, a := range l.Agreements {
		for _, st := range a.Timeline {
			if st.Contradicts != "" {
				found = true
			}
		}
	}
	if !found {
		t.Error("the October reports disagree (delayed vs delivered); no step records the contradiction")
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// topics is the topic words rule of the embedded word lists.
func topics(t *testing.T) *tracking.Topics {
	t.Helper()
	tr, err := tracking.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return tr.Topics()
}
