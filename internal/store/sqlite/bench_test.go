package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/store/sqlite"
	"github.com/sitrep/sitrep/internal/store/storetest"
)

// BenchmarkQueries1M measures `events --actor` and `search` on a store of
// 1,000,000 events (SITREP_BENCH_EVENTS to change) and 250,000 documents
// of four sentences. The filled database is kept in the temporary
// directory (or SITREP_BENCH_DB) and reused by the next run.
//
//	go test -run XXX -bench Queries1M -benchtime 200x ./internal/store/sqlite/
func BenchmarkQueries1M(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SITREP_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	path := os.Getenv("SITREP_BENCH_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), fmt.Sprintf("sitrep-bench-events-%d-v4.db", n))
	}
	ctx := context.Background()
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".tmp"
		os.Remove(tmp)
		s, err := sqlite.Open(ctx, tmp, sqlite.Options{})
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		if err := storetest.Fill(ctx, s.SQL(), false, n); err != nil {
			b.Fatal(err)
		}
		if err := s.Index(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := s.SQL().ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
		s.Close()
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		os.Remove(tmp + "-wal")
		os.Remove(tmp + "-shm")
		b.Logf("filled %s with %d events in %s", path, n, time.Since(t0).Round(time.Second))
	}
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchQueries(b, s)
}
