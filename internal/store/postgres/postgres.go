// Package postgres is the PostgreSQL store backend (pgx/v5 through
// database/sql), for a store shared by several processes or machines.
// Full-text search uses generated tsvector columns with GIN indexes.
// Concurrent writers overlap: each takes transaction-scoped advisory locks
// only on what it merges with other documents (its identity and MinHash
// bands, the merge windows of its events, the canonical agreements and
// commitments), with keys derived from the database and schema, and
// deadlocks or serialisation failures are retried (see sqlstore/lock.go).
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configure Open.
type Options struct {
	Tracker store.Tracker
}

// Store is the PostgreSQL store.
type Store struct {
	*sqlstore.DB
}

// IsDSN reports whether s names a PostgreSQL database.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database of dsn (postgres://user@host:port/db?...)
// and creates or upgrades the schema. A search_path parameter in the DSN
// selects the schema.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres DSN: %w", err)
	}
	name := fmt.Sprintf("postgres://%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	// Plan every query with its values: a cached generic plan cannot tell
	// a full-text query for a common word (read the newest rows until
	// enough match) from one for a rare word (use the GIN index).
	if _, ok := cfg.RuntimeParams["plan_cache_mode"]; !ok {
		cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", name, explain(name, err))
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", name, explain(name, err))
	}
	space, err := lockSpace(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", name, explain(name, err))
	}
	return &Store{DB: sqlstore.New(db, Dialect(name), sqlstore.Options{Tracker: opts.Tracker, Name: name, LockSpace: space})}, nil
}

// lockSpace names the store among those of the server: its database and
// schema. The advisory lock keys of its writers are derived from it, so
// that stores in other schemas or databases never wait for each other.
func lockSpace(ctx context.Context, db *sql.DB) (string, error) {
	var dbName, schema string
	err := db.QueryRowContext(ctx, `SELECT current_database(), coalesce(current_schema(), current_setting('search_path'))`).Scan(&dbName, &schema)
	if err != nil {
		return "", fmt.Errorf("read the current schema: %w", err)
	}
	return "postgres\x00" + dbName + "\x00" + schema, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithDisableGlobalRegistry(true), goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	return nil
}

// Dialect is the PostgreSQL dialect of the shared SQL.
func Dialect(name string) sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:     "postgres",
		Numbered: true,
		// The keys come sorted; unnest returns them in order.
		Lock:    `SELECT count(pg_advisory_xact_lock(k)) FROM unnest(?::bigint[]) AS u(k)`,
		Retry:   retryable,
		Search:  search,
		Explain: func(err error) error { return explain(name, err) },
	}
}

// retryable reports whether a transaction failed because of others
// running at the same time: a deadlock or a serialisation failure.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// webQuery rebuilds the terms as websearch_to_tsquery input.
func webQuery(terms []sqlstore.Term) string {
	var parts []string
	for _, t := range terms {
		w := strings.Join(t.Words, " ")
		if t.Phrase {
			w = `"` + w + `"`
		}
		parts = append(parts, w)
	}
	return strings.Join(parts, " ")
}

func search(q store.SearchQuery, terms []sqlstore.Term) (string, []any) {
	clean := func(s string) string { return strings.ReplaceAll(s, `"`, "") }
	opts := fmt.Sprintf(`StartSel="%s", StopSel="%s", MaxWords=24, MinWords=10`, clean(q.Mark[0]), clean(q.Mark[1]))
	wq := webQuery(terms)
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
	// Sentences: the newest that match (the planner reads the newest rows
	// back for a common word, the GIN index for a rare one). Titles only
	// when fewer sentences than the limit match: the matching documents
	// first (GIN), then the newest of them; left to itself the planner may
	// read every document backwards looking for a word no title has.
	sqlq := `WITH a AS MATERIALIZED (
		SELECT d.seq, d.id, d.title, d.outlet, d.published, d.url, s.idx, s.start_off, s.end_off, ts_headline('english', s.text, w.q, ?)
		FROM sentences s JOIN documents d ON d.seq = s.seq, (SELECT websearch_to_tsquery('english', ?) AS q) w
		WHERE s.tsv @@ w.q` + dateCond + `
		ORDER BY s.id DESC LIMIT ?)
	SELECT * FROM a
	UNION ALL SELECT * FROM (
		WITH t AS MATERIALIZED (SELECT d.seq FROM documents d WHERE d.title_tsv @@ websearch_to_tsquery('english', ?))
		SELECT d.seq, d.id, d.title, d.outlet, d.published, d.url, -1, 0, 0, ts_headline('english', d.title, websearch_to_tsquery('english', ?), ?)
		FROM t JOIN documents d ON d.seq = t.seq
		WHERE true` + dateCond + `
		ORDER BY d.seq DESC LIMIT ?) b
	WHERE (SELECT count(*) FROM a) < ?`
	args := []any{opts, wq}
	args = append(args, dateArgs...)
	args = append(args, q.Limit, wq, wq, opts)
	args = append(args, dateArgs...)
	args = append(args, q.Limit, q.Limit)
	return sqlq, args
}

// explain turns PostgreSQL errors into messages a person can act on.
func explain(name string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100":
			return fmt.Errorf("disk full on the database server %s (nothing half-written was kept): %w", name, err)
		case pe.Code == "25006":
			return fmt.Errorf("database %s is read-only: %w", name, err)
		case pe.Code == "42501":
			return fmt.Errorf("permission denied on database %s (the user needs CREATE on the schema): %w", name, err)
		case pe.Code == "3D000":
			return fmt.Errorf("database %s does not exist (create it with createdb): %w", name, err)
		case strings.HasPrefix(pe.Code, "28"):
			return fmt.Errorf("authentication to %s failed: %w", name, err)
		}
		return err
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return fmt.Errorf("cannot reach the database server %s (is it running?): %w", name, err)
	}
	return err
}

// WithSearchPath returns dsn with its search_path set to schema.
func WithSearchPath(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("postgres DSN: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// CreateSchema creates schema (and drops it first when it exists).
func CreateSchema(ctx context.Context, dsn, schema string) error {
	return execOnce(ctx, dsn, fmt.Sprintf("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", pgx.Identifier{schema}.Sanitize(), pgx.Identifier{schema}.Sanitize()))
}

// DropSchema drops schema and everything in it.
func DropSchema(ctx context.Context, dsn, schema string) error {
	return execOnce(ctx, dsn, fmt.Sprintf("DROP SCHEMA IF EXISTS %s CASCADE", pgx.Identifier{schema}.Sanitize()))
}

func execOnce(ctx context.Context, dsn, q string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, q); err != nil {
		return fmt.Errorf("%s: %w", q, err)
	}
	return nil
}
