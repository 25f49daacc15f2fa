// Package sqlstore implements store.Store over database/sql. The SQL is
// shared by the SQLite and PostgreSQL backends; what differs (placeholders,
// full-text search, write locking, error messages) is in a Dialect.
//
// Concurrent writers (PostgreSQL) take transaction-scoped locks on what
// they merge across documents, in three sorted steps, and row locks on
// shared rows in a fixed order, so that they overlap without deadlocks:
// see lock.go.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sitrep/sitrep/internal/store"
)

// Dialect is what one database does its own way.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// Numbered placeholders ($1, $2...) instead of ?.
	Numbered bool
	// Lock is the statement that takes transaction-scoped locks on a
	// sorted array of 64-bit keys, its one parameter ("" for none):
	// PostgreSQL takes advisory locks so that concurrent writers of the
	// same document, of a near duplicate and its original, of one event
	// or of the canonical agreements and commitments wait for each other
	// (see lock.go). SQLite has one writer (BEGIN IMMEDIATE) and none.
	Lock string
	// Retry reports whether a write transaction that failed with err is
	// to be run again (a deadlock, a serialisation failure); nil for never.
	Retry func(err error) bool
	// Search returns the query of store.Search for a parsed query. The
	// query must return: document id, title, outlet, published, url,
	// sentence index (-1 for a title), start, end, snippet.
	Search func(q store.SearchQuery, terms []Term) (string, []any)
	// Explain turns a driver error into one a person understands (disk
	// full, read-only database); nil keeps errors as they are.
	Explain func(err error) error
}

// Term is one element of a full-text query: a word or a phrase.
type Term struct {
	Words  []string
	Phrase bool
}

// DB is a store.Store over a *sql.DB.
type DB struct {
	db      *sql.DB
	d       Dialect
	tracker store.Tracker
	name    string
	// lockSpace tells the lock keys of this store from those of other
	// stores sharing the same lock table (a database's other schemas).
	lockSpace string

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// Options configure a DB.
type Options struct {
	// Tracker folds agreements and commitments into canonical ones;
	// store.GroupingTracker when nil.
	Tracker store.Tracker
	// Name describes the database in error messages (a file, a host).
	Name string
	// LockSpace names the store among those that share a lock table (for
	// PostgreSQL, the database and schema); see Dialect.Lock.
	LockSpace string
}

// New wraps an open, migrated database.
func New(db *sql.DB, d Dialect, opts Options) *DB {
	t := opts.Tracker
	if t == nil {
		t = store.GroupingTracker{}
	}
	return &DB{db: db, d: d, tracker: t, name: opts.Name, lockSpace: opts.LockSpace, stmts: map[string]*sql.Stmt{}}
}

// SQL returns the underlying database (for tests and benchmarks).
func (s *DB) SQL() *sql.DB { return s.db }

// Close implements store.Store.
func (s *DB) Close() error {
	s.mu.Lock()
	stmts := s.stmts
	s.stmts = map[string]*sql.Stmt{}
	s.mu.Unlock()
	for _, st := range stmts {
		st.Close()
	}
	return s.db.Close()
}

// rebind turns ? placeholders into $n for PostgreSQL. The queries of this
// package hold no ? inside string literals.
func (s *DB) rebind(q string) string {
	if !s.d.Numbered || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Rebind is rebind for dialect code outside this package.
func Rebind(q string, numbered bool) string {
	s := DB{d: Dialect{Numbered: numbered}}
	return s.rebind(q)
}

// cached returns the prepared statement of q, or nil when q was not
// prepared yet.
func (s *DB) cached(q string) *sql.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stmts[q]
}

// prepare prepares the statements used for the first time by a write
// transaction, once it is over: preparing them during the transaction
// would take a second connection from the pool, which other writers
// waiting for a lock this transaction holds may all hold.
func (s *DB) prepare(ctx context.Context, qs []string) {
	for _, q := range qs {
		if s.cached(q) != nil {
			continue
		}
		st, err := s.db.PrepareContext(ctx, s.rebind(q))
		if err != nil {
			continue // prepared again next time; the error showed in the transaction
		}
		s.mu.Lock()
		_, dup := s.stmts[q]
		if !dup {
			s.stmts[q] = st
		}
		s.mu.Unlock()
		if dup {
			// Closed outside s.mu: Close waits for the connections the
			// statement was prepared on, which a transaction may hold
			// while it waits for a lock whose holder wants s.mu.
			st.Close()
		}
	}
}

func firstLine(q string) string {
	q = strings.TrimSpace(q)
	if i := strings.IndexByte(q, '\n'); i > 0 {
		q = q[:i]
	}
	if len(q) > 60 {
		q = q[:60] + "..."
	}
	return q
}

// txn is one write transaction with prepared statements.
type txn struct {
	s   *DB
	ctx context.Context
	tx  *sql.Tx
	// fresh lists the queries to prepare once the transaction is over.
	fresh []string
}

// stmt returns q as a statement of the transaction.
func (t *txn) stmt(q string) (*sql.Stmt, error) {
	if st := t.s.cached(q); st != nil {
		return t.tx.StmtContext(t.ctx, st), nil
	}
	st, err := t.tx.PrepareContext(t.ctx, t.s.rebind(q))
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", firstLine(q), err)
	}
	t.fresh = append(t.fresh, q)
	return st, nil
}

func (t *txn) exec(q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(t.ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", firstLine(q), err)
	}
	return res, nil
}

func (t *txn) query(q string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(t.ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", firstLine(q), err)
	}
	return rows, nil
}

func (t *txn) queryRow(q string, args ...any) *sql.Row {
	st, err := t.stmt(q)
	if err != nil {
		// The failed prepare shows again through Scan.
		return t.tx.QueryRowContext(t.ctx, t.s.rebind(q), args...)
	}
	return st.QueryRowContext(t.ctx, args...)
}

// maxAttempts bounds the runs of a write transaction that keeps failing
// with errors Dialect.Retry accepts.
const maxAttempts = 6

// write runs fn in one write transaction, again (after a short, random
// pause) when it fails with an error the dialect retries.
func (s *DB) write(ctx context.Context, fn func(t *txn) error) error {
	for attempt := 1; ; attempt++ {
		err := s.writeOnce(ctx, fn)
		if err == nil || s.d.Retry == nil || attempt == maxAttempts || !s.d.Retry(err) || ctx.Err() != nil {
			return err
		}
		pause := time.Duration(attempt) * (5*time.Millisecond + rand.N(10*time.Millisecond))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

func (s *DB) writeOnce(ctx context.Context, fn func(t *txn) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.explain(fmt.Errorf("begin transaction: %w", err))
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	t := &txn{s: s, ctx: ctx, tx: tx}
	if err = fn(t); err != nil {
		return s.explain(err)
	}
	if err = tx.Commit(); err != nil {
		return s.explain(fmt.Errorf("commit: %w", err))
	}
	if len(t.fresh) > 0 {
		s.prepare(ctx, t.fresh)
	}
	return nil
}

func (s *DB) explain(err error) error {
	if err == nil || s.d.Explain == nil {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return s.d.Explain(err)
}

// queryRows runs a read query outside any transaction.
func (s *DB) queryRows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return nil, s.explain(fmt.Errorf("%s: %w", firstLine(q), err))
	}
	return rows, nil
}

// splitList and joinList store short lists (sectors, contexts) as a|b|c.
func joinList(l []string) string { return strings.Join(l, "|") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nullStr is NULL for "".
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
