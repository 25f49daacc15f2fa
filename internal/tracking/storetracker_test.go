package tracking_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
	"github.com/sitrep/sitrep/internal/tracking"
)

// TestStoreTrackerFollowsTheStory stores the cross-document story in a
// real SQLite store with the tracking rules and reads the canonical
// memorandum back: one agreement, its timeline in order, every step with
// its evidence.
func TestStoreTrackerFollowsTheStory(t *testing.T) {
	xs, texts := readStory(t)
	ctx := context.Background()
	st, err := backend.Open(ctx, filepath.Join(t.TempDir(), "story.db"), backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, x := range xs {
		x.Document.DuplicateOf = nil // the store finds the reprint itself
		if _, err := st.Put(ctx, x, store.PutOptions{}); err != nil {
			t.Fatalf("put %s: %v", x.Document.ID, err)
		}
	}
	agrs, err := st.Agreements(ctx, store.AgreementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var mou *store.AgreementRecord
	for i, a := range agrs {
		t.Logf("%s %q %s %s steps=%d docs=%v", a.ID, a.Name, a.Date, a.Status, len(a.Steps), a.Documents)
		if a.Date == "2025-08-13" {
			mou = &agrs[i]
		}
	}
	if mou == nil {
		t.Fatal("no canonical agreement dated 2025-08-13")
	}
	if len(mou.Steps) < 4 || mou.Steps[0].Status != tracking.StatusSigned || mou.Status != tracking.StatusStalled {
		t.Errorf("memorandum timeline %d steps, first %v, status %s; want signed ... stalled over at least 4 steps", len(mou.Steps), mou.Steps, mou.Status)
	}
	for i, s := range mou.Steps {
		if s.Document == "trk-08" {
			t.Errorf("the reprint trk-08 added step %d", i)
		}
		if !strings.Contains(texts[s.Document], s.Evidence) {
			t.Errorf("step %d: evidence %q not in %s", i, s.Evidence, s.Document)
		}
	}
}

// TestStoreTrackerMatchesTheLedger checks that the store's key look-ups
// lose no match: a generated corpus goes through the real pipeline into a
// SQLite store with StoreTracker (which reads only the canonical records
// found by key) and into an in-memory Ledger (which sees every record),
// and both must group the documents' agreements and commitments into the
// same canonical records.
func TestStoreTrackerMatchesTheLedger(t *testing.T) {
	if testing.Short() {
		t.Skip("extracts 600 documents")
	}
	ctx := context.Background()
	g, err := corpus.Generate(corpus.GenOptions{N: 600, Seed: 7, Duplicates: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := backend.Open(ctx, filepath.Join(t.TempDir(), "keys.db"), backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := tracking.Ledger{NewID: tracking.HashID, Topics: topics(t)}
	memA, memC := map[string][]string{}, map[string][]string{}
	for _, r := range g.Records {
		doc, err := ingest.FromRecord(ctx, r, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		x, err := p.Extract(ctx, doc)
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.Put(ctx, x, store.PutOptions{})
		if err != nil {
			t.Fatalf("put %s: %v", r.ID, err)
		}
		if res.Status == store.StatusExists {
			continue
		}
		x.Document.DuplicateOf = nil
		if res.DuplicateOf != "" {
			x.Document.DuplicateOf = sitrep.StrPtr(res.DuplicateOf)
		}
		links := l.Add(x)
		for local, canon := range links.Agreements {
			memA[canon] = append(memA[canon], x.Document.ID+"/"+local)
		}
		for local, canon := range links.Commitments {
			memC[canon] = append(memC[canon], x.Document.ID+"/"+local)
		}
	}
	ags, err := st.Agreements(ctx, store.AgreementFilter{PerDocument: true, Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	storeA := map[string][]string{}
	for _, a := range ags {
		for _, d := range a.PerDoc {
			if d.Canonical != "" {
				storeA[d.Canonical] = append(storeA[d.Canonical], d.Document+"/"+d.Agreement.ID)
			}
		}
	}
	cs, err := st.Commitments(ctx, store.CommitmentFilter{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	storeC := map[string][]string{}
	for _, c := range cs {
		if c.Canonical != "" {
			storeC[c.Canonical] = append(storeC[c.Canonical], c.Document+"/"+c.Commitment.ID)
		}
	}
	if len(memA) < 10 || len(memC) < 10 {
		t.Fatalf("the corpus gave %d canonical agreements and %d commitments; too few to test matching", len(memA), len(memC))
	}
	for name, pair := range map[string][2]map[string][]string{"agreements": {memA, storeA}, "commitments": {memC, storeC}} {
		want, got := groups(pair[0]), groups(pair[1])
		if !reflect.DeepEqual(want, got) {
			for _, gr := range got {
				if strings.Contains(gr, "gen-000286") {
					t.Logf("store group %q", gr)
				}
			}
			t.Errorf("%s: the store grouped %d canonical records, the ledger %d; first difference: %s", name, len(got), len(want), firstDiff(want, got))
		}
	}
}

// groups turns canonical id -> members into the sorted list of sorted
// member lists, so that two groupings compare whatever their ids.
func groups(m map[string][]string) []string {
	var out []string
	for _, members := range m {
		sort.Strings(members)
		out = append(out, strings.Join(members, " "))
	}
	sort.Strings(out)
	return out
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("ledger %q, store %q", a[i], b[i])
		}
	}
	return "one is a prefix of the other"
}
