package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store/backend"
)

// demoDB is the store `sitrep demo` builds.
const demoDB = "sitrep-demo.db"

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", "[flags]", `
Build a demo store from the sample corpus embedded in the binary (short
reports on Turkey-Syria relations in 2025, written for sitrep) by
ingesting it through the real pipeline and store, then serve the web UI
on it and print its address. Run again, it reuses the store (documents
already stored are skipped).`)
	db := fs.String("db", demoDB, "demo store `FILE`")
	noServe := fs.Bool("no-serve", false, "build the store and exit")
	var f serveFlags
	f.add(fs)
	if err := f.parse(fs, args); err != nil {
		return err
	}
	st, err := backend.Open(ctx, *db, backend.Options{DictDirs: f.dicts})
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := pipeline.New(pipeline.Options{DictDirs: f.dicts})
	if err != nil {
		return err
	}
	start := time.Now()
	s, err := demo.Load(ctx, st, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "sitrep demo: %s: %d reports (%d stored, %d near duplicates, %d already there), %d events, %.1f s\n",
		*db, s.Documents, s.Stored, s.Duplicates, s.Exists, s.NewEvents, time.Since(start).Seconds())
	if *noServe {
		return nil
	}
	return serveStore(ctx, e, st, *db, f, p, nil)
}
