package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/sitrep/sitrep/internal/store"
)

// TestMigrateFromV1 upgrades a store made with the first schema (FTS by
// triggers): what it indexed stays searchable and new documents are added.
func TestMigrateFromV1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO documents (id, sha256, ingested_at, text, extraction, title) VALUES ('old', 'x', '2025-01-01T00:00:00Z', 'Old text.', '{}', 'An old report on the crossing')`,
		`INSERT INTO sentences (seq, idx, start_off, end_off, text) VALUES (1, 0, 0, 40, 'Convoys crossed the old bridge at dawn.')`,
		`INSERT INTO actors (id, name, name_fold, type, code, country, sectors, known, num_docs, num_mentions, first_seen, last_seen) VALUES ('a1', 'Turkey', 'turkey', 'COUNTRY', 'TUR', 'TUR', '', 1, 1, 1, '', '')`,
		`INSERT INTO entities (seq, ref, actor_id, name, type, code, country, known, mentions) VALUES (1, 't1', 'a1', 'Turkey', 'COUNTRY', 'TUR', 'TUR', 1, 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.Close()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hits, err := s.Search(ctx, store.SearchQuery{Text: "bridge"})
	if err != nil || len(hits) != 1 || hits[0].Document != "old" {
		t.Fatalf("search after the upgrade: %+v %v", hits, err)
	}
	if err := s.Index(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.SQL().QueryRow(`SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH 'bridge'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the old sentence is indexed %d times (%v), want once", n, err)
	}
	as, err := s.Actors(ctx, store.ActorFilter{Name: "Turkey"})
	if err != nil || len(as) != 1 {
		t.Fatalf("actor names not backfilled: %+v %v", as, err)
	}
}
