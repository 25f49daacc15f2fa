package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
	"github.com/sitrep/sitrep/internal/store/postgres"
)

// Ingest is the rate of `sitrep ingest` (extraction and storage, each
// document in its own transaction) into a fresh store. Into SQLite, which
// has one writer, the workers extract and one goroutine stores, in input
// order, as `sitrep ingest` does; into PostgreSQL each worker also stores
// what it extracted, so that N workers are N concurrent writers, as N
// `sitrep worker` processes are.
type Ingest struct {
	Store   string `json:"store"`
	Workers int    `json:"workers"`
	// Writers is the number of transactions that may run at once: 1, or
	// Workers (PostgreSQL).
	Writers    int     `json:"writers"`
	Documents  int     `json:"documents"`
	Stored     int     `json:"stored"`
	Duplicates int     `json:"duplicates"`
	Events     int     `json:"events"`
	Seconds    float64 `json:"seconds"`
	DocsPerSec float64 `json:"docs_per_second"`
	// StoreMsPerDoc is the mean time of one document's transaction
	// (Put), waits for other writers included.
	StoreMsPerDoc float64 `json:"store_ms_per_document"`
	// Bytes is the size of the store afterwards (tables and indexes).
	Bytes       int64   `json:"bytes"`
	BytesPerDoc float64 `json:"bytes_per_document"`
}

// freshStore opens an empty store of the kind; done closes and removes it.
func freshStore(ctx context.Context, o *Options, kind, label string) (st store.Store, done func(), err error) {
	b := make([]byte, 4)
	rand.Read(b)
	suffix := hex.EncodeToString(b)
	switch kind {
	case "sqlite":
		path := filepath.Join(o.Dir, fmt.Sprintf("%s-%s.db", label, suffix))
		st, err := backend.Open(ctx, path, backend.Options{})
		if err != nil {
			return nil, nil, err
		}
		return st, func() { st.Close() }, nil
	case "postgres":
		schema := "sitrep_bench_" + suffix
		if err := postgres.CreateSchema(ctx, o.Postgres, schema); err != nil {
			return nil, nil, err
		}
		drop := func() {
			if err := postgres.DropSchema(context.WithoutCancel(ctx), o.Postgres, schema); err != nil {
				o.Progress("warning: drop schema %s: %v", schema, err)
			}
		}
		dsn, err := postgres.WithSearchPath(o.Postgres, schema)
		if err != nil {
			drop()
			return nil, nil, err
		}
		st, err := backend.Open(ctx, dsn, backend.Options{})
		if err != nil {
			drop()
			return nil, nil, err
		}
		return st, func() { st.Close(); drop() }, nil
	}
	return nil, nil, fmt.Errorf("unknown store kind %q", kind)
}

// timedStore times Put, called from several goroutines.
type timedStore struct {
	store.Store
	mu  sync.Mutex
	put time.Duration
	n   int
}

func (t *timedStore) Put(ctx context.Context, x *sitrep.Extraction, o store.PutOptions) (store.PutResult, error) {
	start := time.Now()
	r, err := t.Store.Put(ctx, x, o)
	el := time.Since(start)
	t.mu.Lock()
	t.put += el
	t.n++
	t.mu.Unlock()
	return r, err
}

func measureIngest(ctx context.Context, o *Options, kind string, workers int, p *pipeline.Pipeline, c *benchCorpus) (*Ingest, error) {
	st, done, err := freshStore(ctx, o, kind, fmt.Sprintf("ingest-%d", workers))
	if err != nil {
		return nil, err
	}
	defer done()
	ts := &timedStore{Store: st}
	items := make(chan corpus.Item, 64)
	go func() {
		defer close(items)
		for _, d := range c.docs[:min(o.IngestDocs, len(c.docs))] {
			select {
			case items <- corpus.Item{Name: d.ID, Doc: d}:
			case <-ctx.Done():
				return
			}
		}
	}()
	// PostgreSQL writers overlap: there, every worker stores.
	concurrent := kind == "postgres"
	in := &corpus.Ingester{Store: ts, Extractor: p, Workers: workers, ConcurrentPuts: concurrent}
	writers := 1
	if concurrent {
		writers = workers
	}
	start := time.Now()
	stats, err := in.Run(ctx, items, min(o.IngestDocs, len(c.docs)))
	el := time.Since(start).Seconds()
	if err != nil {
		return nil, err
	}
	if stats.Failed > 0 {
		return nil, fmt.Errorf("%d documents failed", stats.Failed)
	}
	r := &Ingest{Store: kind, Workers: workers, Writers: writers, Documents: stats.Done, Stored: stats.Stored, Duplicates: stats.Duplicates,
		Events: stats.NewEvents, Seconds: el, DocsPerSec: float64(stats.Done) / el}
	if ts.n > 0 {
		r.StoreMsPerDoc = ts.put.Seconds() * 1000 / float64(ts.n)
	}
	if b, err := storeBytes(ctx, st, kind); err == nil && b > 0 {
		r.Bytes, r.BytesPerDoc = b, float64(b)/float64(max(1, stats.Stored+stats.Duplicates))
	}
	return r, nil
}

// storeBytes is the size of a store: the SQLite file and its WAL, or the
// PostgreSQL schema's tables with their indexes and TOAST.
func storeBytes(ctx context.Context, st store.Store, kind string) (int64, error) {
	if kind == "postgres" {
		s, ok := st.(sqlDB)
		if !ok {
			return 0, fmt.Errorf("no SQL access")
		}
		var n sql.NullInt64
		err := s.SQL().QueryRowContext(ctx, `SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'`).Scan(&n)
		return n.Int64, err
	}
	p, ok := st.(interface{ Path() string })
	if !ok {
		return 0, fmt.Errorf("no path")
	}
	if i, ok := st.(indexer); ok {
		if err := i.Index(ctx); err != nil {
			return 0, err
		}
	}
	// the WAL holds up to 64 MB of pages not yet in the file
	if s, ok := st.(sqlDB); ok {
		if _, err := s.SQL().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			return 0, err
		}
	}
	var total int64
	for _, f := range []string{p.Path(), p.Path() + "-wal"} {
		if fi, err := os.Stat(f); err == nil {
			total += fi.Size()
		}
	}
	return total, nil
}
