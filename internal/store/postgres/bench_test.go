package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/store/storetest"
)

// BenchmarkQueries1M is the SQLite benchmark of the same name on
// PostgreSQL (SITREP_TEST_POSTGRES). The filled schema sitrep_bench_N is
// kept and reused by the next run; drop it to start over.
func BenchmarkQueries1M(b *testing.B) {
	dsn := os.Getenv(envTest)
	if dsn == "" {
		b.Skip(envTest + " is not set")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SITREP_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	schema := fmt.Sprintf("sitrep_bench_%d_v3", n)
	sdsn, err := postgres.WithSearchPath(dsn, schema)
	if err != nil {
		b.Fatal(err)
	}
	s, err := postgres.Open(ctx, sdsn, postgres.Options{})
	if err != nil {
		// The schema does not exist yet.
		if err := postgres.CreateSchema(ctx, dsn, schema); err != nil {
			b.Fatal(err)
		}
		if s, err = postgres.Open(ctx, sdsn, postgres.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	defer s.Close()
	var have int
	if err := s.SQL().QueryRowContext(ctx, "SELECT count(*) FROM events").Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have < n {
		t0 := time.Now()
		if err := storetest.Fill(ctx, s.SQL(), true, n); err != nil {
			b.Fatal(err)
		}
		if _, err := s.SQL().ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
		b.Logf("filled schema %s with %d events in %s", schema, n, time.Since(t0).Round(time.Second))
	}
	storetest.BenchQueries(b, s)
}
