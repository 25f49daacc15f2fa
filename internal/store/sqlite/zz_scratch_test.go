package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

func TestScratchFrames(t *testing.T) {
	ctx := context.Background()
	g, _ := corpus.Generate(corpus.GenOptions{N: 300, Seed: 42, Duplicates: 0.1})
	p, err := pipeline.New(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var xs []*sitrep.Extraction
	for _, r := range g.Records {
		d, _ := ingest.FromRecord(ctx, r, ingest.Options{})
		x, _ := p.Extract(ctx, d)
		xs = append(xs, x)
	}
	for _, variant := range []string{"full", "nofts", "nobands", "noevidx"} {
		s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "x.db"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		db := s.SQL()
		switch variant {
		case "nofts":
			db.Exec("DROP TRIGGER sentences_ai")
			db.Exec("DROP TRIGGER documents_ai")
		case "nobands":
			db.Exec("DROP TABLE minhash_bands")
			db.Exec("CREATE TABLE minhash_bands (band INTEGER, value INTEGER, seq INTEGER)")
		case "noevidx":
			for _, ix := range []string{"events_date", "events_source_code", "events_target_code", "events_source_country", "events_target_country", "events_source_actor", "events_target_actor", "events_cameo", "entities_actor"} {
				db.Exec("DROP INDEX " + ix)
			}
		}
		var pages0 int
		db.QueryRow("PRAGMA page_count").Scan(&pages0)
		frames := 0
		for _, x := range xs[:50] {
			s.Put(ctx, x, store.PutOptions{})
		}
		var a, b, c int
		db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&a, &b, &c)
		for _, x := range xs[50:] {
			if _, err := s.Put(ctx, x, store.PutOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&a, &frames, &c)
		fmt.Println(variant, "frames per doc", float64(frames)/250)
		s.Close()
	}
}
