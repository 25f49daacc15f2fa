package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
