package corpus_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
)

// BenchmarkIngest ingests a synthetic corpus (10,000 documents unless
// SITREP_BENCH_DOCS says otherwise) into a fresh SQLite store with the
// real pipeline, extraction included, and reports documents per second
// and CPU milliseconds per document (steadier on a shared machine).
//
//	go test -run XXX -bench Ingest -benchtime 1x ./internal/corpus/
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
		// backend.Open, as the ingest command: the tracking library folds
		// agreements and commitments.
		// SITREP_BENCH_TRACKER=grouping uses store.GroupingTracker instead.
		var tr store.Tracker
		if os.Getenv("SITREP_BENCH_TRACKER") == "grouping" {
			tr = store.GroupingTracker{}
		}
		st, err := backend.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), backend.Options{Tracker: tr})
		if err != nil {
			b.Fatal(err)
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
		start, cpu0 := time.Now(), cpuTime()
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
		// CPU per document tells more than docs/s on a shared machine.
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n)/1000, "cpu-ms/doc")
		st.Close()
		b.StartTimer()
	}
}

// cpuTime is the user and system time of the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
