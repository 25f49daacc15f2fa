package bench

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	lat := make([]float64, 200)
	for i := range lat {
		lat[i] = float64(200 - i) // 200 .. 1, unsorted
	}
	q := summarize(lat)
	if q.N != 200 || q.P50Ms != 100 || q.P95Ms != 190 || q.P99Ms != 198 || q.MaxMs != 200 || q.MeanMs != 100.5 {
		t.Errorf("summary %+v", q)
	}
	if q := summarize([]float64{7}); q.P50Ms != 7 || q.P99Ms != 7 {
		t.Errorf("one value: %+v", q)
	}
	if q := summarize(nil); q.N != 0 {
		t.Errorf("empty: %+v", q)
	}
}

// TestRunSmall runs every part at toy sizes on SQLite (and PostgreSQL when
// SITREP_TEST_POSTGRES is set) and checks that the report holds what the
// stores hold.
func TestRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the pipeline and two stores")
	}
	var lines []string
	o := Options{
		Docs: 40, Workers: []int{1, 2}, EventSizes: []int{400, 1200}, PostgresEventSizes: []int{400, 800},
		Queries: 3, EventsPerDoc: 20, Dir: t.TempDir(), Postgres: os.Getenv("SITREP_TEST_POSTGRES"),
		Progress: func(f string, a ...any) { lines = append(lines, f) },
	}
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	x := r.Extraction
	if x == nil || x.Documents < 35 || x.Sentences < x.Documents || x.SentencesPerSecond1 <= 0 || x.MBPerSecondAll <= 0 {
		t.Fatalf("extraction %+v", x)
	}
	stores := 1
	if o.Postgres != "" {
		stores = 2
	}
	if len(r.Ingest) != 2*stores {
		t.Fatalf("%d ingest results, want %d", len(r.Ingest), 2*stores)
	}
	for _, in := range r.Ingest {
		if in.Documents != x.Documents || in.Stored+in.Duplicates != in.Documents || in.DocsPerSec <= 0 {
			t.Errorf("ingest %+v: want every one of %d documents stored", in, x.Documents)
		}
	}
	if len(r.Loads) != 2*stores {
		t.Fatalf("loads %+v", r.Loads)
	}
	for i := 0; i < len(r.Loads); i += 2 {
		base, big := r.Loads[i], r.Loads[i+1]
		if base.Events < base.TargetEvents || base.Method != "store" {
			t.Errorf("base load %+v", base)
		}
		factor := (big.TargetEvents + base.Events - 1) / base.Events
		if big.Events != factor*base.Events || big.Documents != factor*base.Documents || big.Sentences != factor*base.Sentences {
			t.Errorf("copied load %+v from %+v: want exactly %d times the rows", big, base, factor)
		}
	}
	if len(r.Latency) != len(r.Loads)*len(queryKinds) {
		t.Fatalf("%d latency results, want %d", len(r.Latency), len(r.Loads)*len(queryKinds))
	}
	for _, q := range r.Latency {
		if q.N != 3 || q.P50Ms <= 0 || q.P50Ms > q.P95Ms || q.P95Ms > q.P99Ms {
			t.Errorf("latency %+v", q)
		}
		if strings.HasPrefix(q.Kind, "events:") && q.MeanRows == 0 && q.Kind == "events: latest" {
			t.Errorf("%s found nothing", q.Kind)
		}
	}
	if r.PeakRSSBytes <= 0 {
		t.Errorf("peak RSS %d", r.PeakRSSBytes)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatal(err)
	}
}
