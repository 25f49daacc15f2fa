// Package sqlite is the embedded store backend: one SQLite file (pure Go
// driver modernc.org/sqlite) in WAL mode, with FTS5 over sentences and
// titles. Write transactions begin IMMEDIATE and wait up to BusyTimeout for
// another writer, so two processes can ingest into one file at once.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pressly/goose/v3"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DefaultPath is the database file used when none is given.
const DefaultPath = "sitrep.db"

// BusyTimeout is how long a writer waits for another one.
const BusyTimeout = 30 * time.Second

// Options configure Open.
type Options struct {
	// Tracker folds agreements and commitments into canonical ones.
	Tracker store.Tracker
}

// Store is the SQLite store.
type Store struct {
	*sqlstore.DB
	path string

	mu      sync.Mutex
	pending int       // documents stored since the last index batch
	indexed time.Time // time of the last index batch
}

// Open opens (creating it and its schema when missing) the database file
// at path.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		path = DefaultPath
	}
	if err := checkPath(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("_txlock", "immediate")
	q.Set("_busy_timeout", fmt.Sprint(BusyTimeout.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	// 8 KB pages: a document's transaction touches fewer pages (about 15%
	// less time per document than 4 KB); applies to new files only.
	q.Add("_pragma", "page_size(8192)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "cache_size(-65536)")
	// Checkpoint every 64 MB of WAL rather than every 8 MB: each
	// checkpoint syncs twice, and a page written by many documents is
	// copied back once.
	q.Add("_pragma", "wal_autocheckpoint(8192)")
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, explain(path, err))
	}
	d := Dialect(path)
	s := &Store{DB: sqlstore.New(db, d, sqlstore.Options{Tracker: opts.Tracker, Name: path}), path: path, indexed: time.Now()}
	// Index what an interrupted run left unindexed; a read-only or busy
	// database is searched without it (Search scans the rest).
	_ = s.Index(ctx)
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// checkPath gives a clear error when the database file cannot be created
// or written: a missing directory, a file where a directory should be, a
// directory where the file should be, no permission.
func checkPath(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot create database %s: directory %s does not exist", path, dir)
	case errors.Is(err, syscall.ENOTDIR) || (err == nil && !st.IsDir()):
		return fmt.Errorf("cannot create database %s: %s is not a directory", path, dir)
	case err != nil:
		return fmt.Errorf("cannot create database %s: %w", path, err)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("cannot open database %s: it is a directory", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("cannot write database %s: permission denied (choose another file with --db or SITREP_DB)", path)
		}
		return fmt.Errorf("cannot open database %s: %w", path, err)
	}
	return f.Close()
}

// migrate creates or upgrades the schema. The migrations are idempotent,
// and a run that loses a race with another process creating the same file
// is retried.
func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	var last error
	for attempt := 0; attempt < 5; attempt++ {
		p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithDisableGlobalRegistry(true))
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		if _, err = p.Up(ctx); err == nil {
			return nil
		}
		last = err
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
	}
	return fmt.Errorf("create schema: %w", last)
}

// Dialect is the SQLite dialect of the shared SQL.
func Dialect(path string) sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:    "sqlite",
		Search:  search,
		Explain: func(err error) error { return explain(path, err) },
	}
}

// ftsQuery turns terms into an FTS5 query: each word and phrase quoted,
// all of them required.
func ftsQuery(terms []sqlstore.Term) string {
	var parts []string
	for _, t := range terms {
		parts = append(parts, `"`+strings.ReplaceAll(strings.Join(t.Words, " "), `"`, `""`)+`"`)
	}
	return strings.Join(parts, " ")
}

func search(q store.SearchQuery, terms []sqlstore.Term) (string, []any) {
	m := ftsQuery(terms)
	var dateCond string
	var dateArgs []any
	if q.Since != "" {
		dateCond += " AND d.published >= ?"
		dateArgs = append(dateArgs, q.Since)
	}
	if q.Until != "" {
		dateCond += " AND d.published <> '' AND d.published <= ?"
		dateArgs = append(dateArgs, q.Until)
	}
	sqlq := `SELECT * FROM (
		SELECT d.seq, d.id, d.title, d.outlet, d.published, d.url, s.idx, s.start_off, s.end_off,
			snippet(sentences_fts, 0, ?, ?, '…', 24)
		FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid JOIN documents d ON d.seq = s.seq
		WHERE sentences_fts MATCH ?` + dateCond + `
		ORDER BY sentences_fts.rowid DESC LIMIT ?) a
	UNION ALL SELECT * FROM (
		SELECT d.seq, d.id, d.title, d.outlet, d.published, d.url, -1, 0, 0, highlight(titles_fts, 0, ?, ?)
		FROM titles_fts JOIN documents d ON d.seq = titles_fts.rowid
		WHERE titles_fts MATCH ?` + dateCond + `
		ORDER BY titles_fts.rowid DESC LIMIT ?) b`
	args := []any{q.Mark[0], q.Mark[1], m}
	args = append(args, dateArgs...)
	args = append(args, q.Limit, q.Mark[0], q.Mark[1], m)
	args = append(args, dateArgs...)
	args = append(args, q.Limit)
	return sqlq, args
}

// explain turns SQLite result codes into messages a person can act on.
func explain(path string, err error) error {
	var se *sqlite3.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3lib.SQLITE_FULL:
		return fmt.Errorf("disk full while writing database %s (free some space and run again; nothing half-written was kept): %w", path, err)
	case sqlite3lib.SQLITE_READONLY:
		return fmt.Errorf("database %s is read-only (check the permissions of the file and its directory): %w", path, err)
	case sqlite3lib.SQLITE_CANTOPEN:
		return fmt.Errorf("cannot open database %s (check that its directory exists and is writable): %w", path, err)
	case sqlite3lib.SQLITE_IOERR:
		return fmt.Errorf("I/O error on database %s (disk full or failing?): %w", path, err)
	case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
		return fmt.Errorf("database %s stayed locked by another writer for more than %s: %w", path, BusyTimeout, err)
	case sqlite3lib.SQLITE_CORRUPT, sqlite3lib.SQLITE_NOTADB:
		return fmt.Errorf("%s is not a sitrep database or is damaged: %w", path, err)
	}
	return err
}
