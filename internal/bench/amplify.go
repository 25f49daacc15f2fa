package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The largest sizes are reached by copying rows rather than by storing
// documents one by one (which runs at 1,000 to 2,200 events/s in SQLite
// and 600 to 1,300 in PostgreSQL on two cores: a million events would
// take 8 to 30 minutes). amplify copies the documents stored through the store, with their
// sentences and events, factor-1 times, in SQL: each copy of a document
// gets a new id, hash and sequence number, each copy of an event a new id.
// Event mentions, entities and fingerprint bands are not copied: the
// event listings read only the events table, and search only the
// sentences and titles. The columns are read from the database, so that
// the copy follows the store's schema.

// sqlDB is what a store backed by database/sql offers.
type sqlDB interface{ SQL() *sql.DB }

// indexer is the SQLite store's batch full-text indexing.
type indexer interface {
	Index(ctx context.Context) error
}

// idBand separates the ids of the copies: copy r of event id gets
// -((id mod 2^58) + r*2^58), apart from the stored ids (positive).
const idBand = int64(1) << 58

// baseSeq is the largest document sequence number stored through the
// store; copies fromRound to factor-1 are made.
func amplify(ctx context.Context, st any, kind string, baseSeq int64, fromRound, factor int) error {
	s, ok := st.(sqlDB)
	if !ok {
		return fmt.Errorf("the %s store gives no SQL access: cannot copy rows", kind)
	}
	db := s.SQL()
	maxSeq := baseSeq
	cols := map[string][]string{}
	var idx []index
	for _, t := range []string{"documents", "sentences", "events"} {
		c, err := columns(ctx, db, kind, t)
		if err != nil {
			return err
		}
		cols[t] = c
		ix, err := secondaryIndexes(ctx, db, kind, t)
		if err != nil {
			return err
		}
		idx = append(idx, ix...)
	}
	// Building an index once over all rows is many times faster than
	// updating it row by row: drop the secondary indexes, copy, rebuild.
	for _, ix := range idx {
		if _, err := db.ExecContext(ctx, "DROP INDEX "+ix.name); err != nil {
			return fmt.Errorf("amplify: drop index %s: %w", ix.name, err)
		}
	}
	rebuilt := false
	defer func() {
		if !rebuilt { // leave the store usable after a failure
			for _, ix := range idx {
				db.ExecContext(context.WithoutCancel(ctx), ix.sql)
			}
		}
	}()
	for r := max(1, fromRound); r < factor; r++ {
		// All values are numbers and a suffix made here: literals are safe.
		suffix := fmt.Sprintf("'~%d'", r)
		off := int64(r) * (maxSeq + 1)
		copies := []struct {
			table string
			omit  string
			over  map[string]string
			where string
		}{
			{"documents", "", map[string]string{
				"seq": fmt.Sprintf("seq + %d", off), "id": "id || " + suffix, "sha256": "sha256 || " + suffix,
				"canonical_url": "NULL", "duplicate_of": "NULL",
			}, fmt.Sprintf("seq <= %d", maxSeq)},
			{"sentences", "id", map[string]string{"seq": fmt.Sprintf("seq + %d", off)}, fmt.Sprintf("seq <= %d", maxSeq)},
			{"events", "", map[string]string{
				"id": fmt.Sprintf("-((id %% %d) + %d)", idBand, int64(r)*idBand), "first_doc": "first_doc || " + suffix,
			}, "id > 0"},
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("amplify: %w", err)
		}
		for _, c := range copies {
			var names, sel []string
			for _, col := range cols[c.table] {
				if col == c.omit {
					continue
				}
				names = append(names, col)
				if e, ok := c.over[col]; ok {
					sel = append(sel, e)
				} else {
					sel = append(sel, col)
				}
			}
			stmt := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s ON CONFLICT DO NOTHING",
				c.table, strings.Join(names, ", "), strings.Join(sel, ", "), c.table, c.where)
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("amplify %s: %w", c.table, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("amplify: %w", err)
		}
	}
	rebuilt = true
	for _, ix := range idx {
		if _, err := db.ExecContext(ctx, ix.sql); err != nil {
			return fmt.Errorf("amplify: rebuild index %s: %w", ix.name, err)
		}
	}
	if ix, ok := st.(indexer); ok {
		if err := ix.Index(ctx); err != nil {
			return fmt.Errorf("amplify: full-text index: %w", err)
		}
	}
	if kind == "postgres" {
		// autovacuum would soon do the same after such a bulk insert
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("amplify: analyze: %w", err)
		}
	}
	return nil
}

// columns lists the stored (not generated) columns of a table in order.
func columns(ctx context.Context, db *sql.DB, kind, table string) ([]string, error) {
	var q string
	var args []any
	switch kind {
	case "postgres":
		q = `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
			ORDER BY ordinal_position`
		args = []any{table}
	default:
		// hidden: 0 a column, 1 hidden, 2 and 3 generated
		q = `SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid`
		args = []any{table}
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("columns of %s: table not found", table)
	}
	return out, nil
}

// maxSeq is the largest document sequence number.
func maxSeq(ctx context.Context, st any) (int64, error) {
	s, ok := st.(sqlDB)
	if !ok {
		return 0, fmt.Errorf("the store gives no SQL access")
	}
	var n int64
	if err := s.SQL().QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM documents`).Scan(&n); err != nil {
		return 0, fmt.Errorf("amplify: %w", err)
	}
	return n, nil
}

// index is a secondary index and the statement that creates it.
type index struct{ name, sql string }

// secondaryIndexes lists the indexes of a table that back no primary key
// or unique constraint.
func secondaryIndexes(ctx context.Context, db *sql.DB, kind, table string) ([]index, error) {
	var q string
	switch kind {
	case "postgres":
		q = `SELECT indexname, indexdef FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename = $1 AND indexdef NOT LIKE 'CREATE UNIQUE%'`
	default:
		q = `SELECT name, sql FROM sqlite_master
			WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%'`
	}
	rows, err := db.QueryContext(ctx, q, table)
	if err != nil {
		return nil, fmt.Errorf("indexes of %s: %w", table, err)
	}
	defer rows.Close()
	var out []index
	for rows.Next() {
		var ix index
		if err := rows.Scan(&ix.name, &ix.sql); err != nil {
			return nil, err
		}
		out = append(out, ix)
	}
	return out, rows.Err()
}
