package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
)

var wordRe = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}'’.,-]*`)

// TestCorpusShape checks what the issue asks of the sample corpus: at
// least 40 reports of 80-200 words with full front matter, at least five
// outlets, example.org URLs, dates across 2025, unique ids.
func TestCorpusShape(t *testing.T) {
	fls, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	if len(fls) < 40 {
		t.Fatalf("%d reports, want at least 40", len(fls))
	}
	ids := map[string]string{}
	outlets := map[string]int{}
	months := map[string]bool{}
	for _, f := range fls {
		doc, err := ingest.Read(context.Background(), f.Name, bytes.NewReader(f.Data), ingest.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if doc.ID == "" || doc.Title == "" || doc.Outlet == "" || doc.URL == "" || doc.Published == nil {
			t.Errorf("%s: front matter incomplete: id %q title %q outlet %q url %q published %v", f.Name, doc.ID, doc.Title, doc.Outlet, doc.URL, doc.Published)
			continue
		}
		if prev, ok := ids[doc.ID]; ok {
			t.Errorf("%s: id %s already used by %s", f.Name, doc.ID, prev)
		}
		ids[doc.ID] = f.Name
		if !strings.HasPrefix(doc.URL, "https://example.org/") {
			t.Errorf("%s: url %s is not at example.org", f.Name, doc.URL)
		}
		if !strings.HasPrefix(f.Name, *doc.Published) || !strings.HasPrefix(*doc.Published, "2025-") {
			t.Errorf("%s: published %s does not match the file name or is not in 2025", f.Name, *doc.Published)
		}
		months[(*doc.Published)[:7]] = true
		outlets[doc.Outlet]++
		n := len(wordRe.FindAllString(doc.Text, -1))
		if n < 80 || n > 200 {
			t.Errorf("%s: %d words, want 80-200", f.Name, n)
		}
	}
	if len(outlets) < 5 {
		t.Errorf("%d outlets, want at least 5: %v", len(outlets), outlets)
	}
	if len(months) < 10 {
		t.Errorf("reports in %d months of 2025, want them spread across the year", len(months))
	}
}

// TestLoad loads the corpus into a real SQLite store and checks that it
// exercises what the web UI shows: a near duplicate, agreements with
// steps, commitments of several statuses, violent and cooperative events
// and direct and indirect quotes. Loading again changes nothing.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole corpus")
	}
	ctx := context.Background()
	st, err := backend.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := pipeline.New(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(ctx, st, p)
	if err != nil {
		t.Fatal(err)
	}
	fls, _ := Files()
	if s.Documents != len(fls) || s.Stored+s.Duplicates != len(fls) {
		t.Fatalf("load stats %+v for %d files", s, len(fls))
	}
	if s.Duplicates < 1 {
		t.Errorf("no near duplicate stored: %+v", s)
	}
	dups, err := st.Documents(ctx, store.DocFilter{Duplicates: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range dups {
		if d.ID == "demo-06-reprint-sharaa-ankara" && d.DuplicateOf == "demo-05-sharaa-erdogan-ankara" {
			found = true
		}
	}
	if !found {
		t.Errorf("the Harbour Gazette reprint is not a duplicate of the wire copy: %+v", dups)
	}
	evs, err := st.Events(ctx, store.EventFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	quads := map[int]int{}
	for _, e := range evs {
		quads[e.QuadClass]++
	}
	if quads[1]+quads[2] == 0 || quads[4] == 0 {
		t.Errorf("want cooperative and violent events, quad classes %v", quads)
	}
	ags, err := st.Agreements(ctx, store.AgreementFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	multi := 0
	for _, a := range ags {
		if len(a.Steps) >= 2 {
			multi++
		}
	}
	if multi == 0 {
		t.Errorf("no agreement followed over several steps (%d agreements)", len(ags))
	}
	cs, err := st.Commitments(ctx, store.CommitmentFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range cs {
		kinds[c.Commitment.Kind+"/"+c.Commitment.Status]++
	}
	t.Logf("stats %+v; quads %v; %d agreements; commitments %v", s, quads, len(ags), kinds)
	for _, want := range []string{"request/requested", "offer/offered", "delivery/delivered"} {
		if kinds[want] == 0 {
			t.Errorf("no commitment %s: %v", want, kinds)
		}
	}
	again, err := Load(ctx, st, p)
	if err != nil {
		t.Fatal(err)
	}
	if again.Exists != len(fls) {
		t.Errorf("second load: %+v, want every document to exist", again)
	}
}
