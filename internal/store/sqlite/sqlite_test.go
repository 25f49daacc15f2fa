package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlite"
	"github.com/sitrep/sitrep/internal/store/storetest"
)

func open(t *testing.T, tr store.Tracker) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), sqlite.Options{Tracker: tr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStoreConformance(t *testing.T) {
	storetest.Run(t, open)
}

// indexed indexes every document for full-text search as soon as it is
// stored, so that the suite's searches go through FTS5 rather than the
// scan of the unindexed tail.
type indexed struct{ *sqlite.Store }

func (s indexed) Put(ctx context.Context, x *sitrep.Extraction, o store.PutOptions) (store.PutResult, error) {
	r, err := s.Store.Put(ctx, x, o)
	if err == nil {
		err = s.Index(ctx)
	}
	return r, err
}

func TestStoreConformanceIndexed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tr store.Tracker) store.Store {
		return indexed{open(t, tr).(*sqlite.Store)}
	})
}

// TestCheckFindsDamage breaks a store behind its back and expects Check
// to notice.
func TestCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "test.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	x := storetest.Doc("d1", "Levant Wire", "2025-07-16", "Warplanes struck a depot near the capital on Wednesday.", "Nobody was hurt, officials said.")
	storetest.AddEvent(x, 0, storetest.ISR, storetest.SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
	if _, err := s.Put(ctx, x, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Check(ctx); err != nil || len(p) != 0 {
		t.Fatalf("fresh store: %v %v", p, err)
	}
	if _, err := s.SQL().Exec(`DELETE FROM sentences WHERE idx = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SQL().Exec(`UPDATE events SET num_mentions = 5`); err != nil {
		t.Fatal(err)
	}
	p, err := s.Check(ctx)
	if err != nil || len(p) != 2 {
		t.Fatalf("damaged store: %v %v", p, err)
	}
}

// TestOpenErrors gives clear messages for paths that cannot hold a database.
func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte(strings.Repeat("not a database\n", 400)), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ path, want string }{
		{filepath.Join(dir, "missing", "x.db"), "does not exist"},
		{filepath.Join(file, "x.db"), "is not a directory"},
		{dir, "is a directory"},
		{file, "not a sitrep database"},
	}
	for _, c := range cases {
		_, err := sqlite.Open(ctx, c.path, sqlite.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("open %s: %v, want an error saying %q", c.path, err, c.want)
		}
	}
}

// TestDiskFull fills the database up to a page limit (SQLite's way of
// simulating a full disk): the failing document is not stored at all, the
// error says what happened, and the store stays consistent.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "full.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.SQL()
	db.SetMaxOpenConns(1) // the page limit is a setting of the connection
	var pages int
	if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+40)); err != nil {
		t.Fatal(err)
	}
	var full error
	stored := 0
	for i := 0; i < 500 && full == nil; i++ {
		x := storetest.Doc(fmt.Sprintf("d%03d", i), "Levant Wire", "2025-07-16",
			fmt.Sprintf("Report %d: %s", i, strings.Repeat(fmt.Sprintf("Delegation %d met officials in the capital to discuss the crossing. ", i), 40)))
		if _, err := s.Put(ctx, x, store.PutOptions{}); err != nil {
			full = err
			break
		}
		stored++
	}
	t.Log(full)
	if full == nil || !strings.Contains(full.Error(), "disk full") {
		t.Fatalf("after %d documents: %v, want a disk full error", stored, full)
	}
	if _, err := db.Exec(`PRAGMA max_page_count = 1000000`); err != nil {
		t.Fatal(err)
	}
	c, err := s.Counts(ctx)
	if err != nil || c.Documents != stored {
		t.Fatalf("counts %+v %v, want the %d documents stored before the disk filled", c, err, stored)
	}
	if p, err := s.Check(ctx); err != nil || len(p) > 0 {
		t.Fatalf("store after a full disk: %v %v", p, err)
	}
}
