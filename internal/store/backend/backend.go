// Package backend opens the store a DSN names: a PostgreSQL URL
// (postgres://...) or an SQLite file path (optionally sqlite:PATH).
package backend

import (
	"context"
	"strings"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/store/sqlite"
	"github.com/sitrep/sitrep/internal/tracking"
)

// EnvDB is the environment variable that names the store when --db is not given.
const EnvDB = "SITREP_DB"

// Options configure Open.
type Options struct {
	// Tracker folds agreements and commitments into canonical ones;
	// the tracking library's (tracking.StoreTracker) when nil.
	Tracker store.Tracker
	// DictDirs are user dictionary directories overlaid on the embedded
	// dictionaries: the default Tracker reads its word lists
	// (tracking.tsv) from them.
	DictDirs []string
}

// DSN picks the store: flag when set, else $SITREP_DB, else ./sitrep.db.
func DSN(flag string, getenv func(string) string) string {
	if flag != "" {
		return flag
	}
	if getenv != nil {
		if v := strings.TrimSpace(getenv(EnvDB)); v != "" {
			return v
		}
	}
	return sqlite.DefaultPath
}

// Open opens the store named by dsn, creating it on first use.
func Open(ctx context.Context, dsn string, opts Options) (store.Store, error) {
	if opts.Tracker == nil {
		ds, err := dict.New(opts.DictDirs...)
		if err != nil {
			return nil, err
		}
		tr, err := tracking.NewStoreTracker(ds)
		if err != nil {
			return nil, err
		}
		opts.Tracker = tr
	}
	if postgres.IsDSN(dsn) {
		return postgres.Open(ctx, dsn, postgres.Options{Tracker: opts.Tracker})
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	path = strings.TrimPrefix(path, "file:")
	return sqlite.Open(ctx, path, sqlite.Options{Tracker: opts.Tracker})
}
