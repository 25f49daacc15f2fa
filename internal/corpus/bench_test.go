package corpus_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// BenchmarkIngest ingests a synthetic corpus (10,000 documents unless
// SITREP_BENCH_DOCS says otherwise) into a fresh SQLite store with the
// real pipeline, extraction included, and reports documents per second.
func BenchmarkIngest(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("SITREP_BENCH_DOCS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	g, err := corpus.Generate(corpus.GenOptions{N: n, Seed: 42, Duplicates: 0.1})
	if err != nil {
		b.Fatal(err)
	}
	p, err := pipeline.New(pipeline.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		switch os.Getenv("SITREP_BENCH_VARIANT") {
		case "nofts":
			st.SQL().Exec("DROP TRIGGER sentences_ai")
			st.SQL().Exec("DROP TRIGGER documents_ai")
		case "nobands":
			st.SQL().Exec("DROP TABLE minhash_bands")
			st.SQL().Exec("CREATE TABLE minhash_bands (band INTEGER, value INTEGER, seq INTEGER)")
		}
		items := make(chan corpus.Item, 64)
		go func() {
			defer close(items)
			for _, r := range g.Records {
				doc, err := ingest.FromRecord(ctx, r, ingest.Options{})
				items <- corpus.Item{Name: r.ID, Doc: doc, Err: err}
			}
		}()
		b.StartTimer()
		start := time.Now()
		in := &corpus.Ingester{Store: st, Extractor: p}
		stats, err := in.Run(ctx, items, n)
		if err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		b.StopTimer()
		if stats.Failed > 0 || stats.Stored+stats.Duplicates+stats.Exists != n {
			b.Fatalf("stats %+v", stats)
		}
		b.ReportMetric(float64(n)/el.Seconds(), "docs/s")
		st.Close()
		b.StartTimer()
	}
}
