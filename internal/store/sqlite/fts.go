package sqlite

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlstore"
	"github.com/sitrep/sitrep/internal/text"
)

// The full-text index is filled in batches: after indexEvery documents or
// indexAfter since the last batch, and when the store closes or opens.
const (
	indexEvery = 256
	indexAfter = 2 * time.Second
)

// Put implements store.Store: it stores the document, then indexes the
// documents stored since the last batch when one is due.
func (s *Store) Put(ctx context.Context, x *sitrep.Extraction, opts store.PutOptions) (store.PutResult, error) {
	res, err := s.DB.Put(ctx, x, opts)
	if err != nil || res.Status == store.StatusExists {
		return res, err
	}
	s.mu.Lock()
	s.pending++
	due := s.pending >= indexEvery || time.Since(s.indexed) >= indexAfter
	s.mu.Unlock()
	if due {
		if err := s.Index(ctx); err != nil {
			return res, err
		}
	}
	return res, nil
}

// Close indexes what is left, then closes the database.
func (s *Store) Close() error {
	ierr := s.Index(context.Background())
	cerr := s.DB.Close()
	if cerr != nil {
		return cerr
	}
	if ierr != nil {
		return fmt.Errorf("full-text index: %w", ierr)
	}
	return nil
}

// Index adds the sentences and titles stored since the last batch to the
// full-text index, in one transaction.
func (s *Store) Index(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.index(ctx); err != nil {
		return explain(s.path, err)
	}
	s.pending = 0
	s.indexed = time.Now()
	return nil
}

func (s *Store) index(ctx context.Context) (err error) {
	db := s.SQL()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	for _, q := range []string{
		`INSERT INTO sentences_fts (rowid, text) SELECT id, text FROM sentences WHERE id > (SELECT last FROM fts_state WHERE name = 'sentences') ORDER BY id`,
		`INSERT INTO titles_fts (rowid, title) SELECT seq, title FROM documents WHERE seq > (SELECT last FROM fts_state WHERE name = 'titles') ORDER BY seq`,
		`UPDATE fts_state SET last = (SELECT coalesce(max(id), last) FROM sentences) WHERE name = 'sentences'`,
		`UPDATE fts_state SET last = (SELECT coalesce(max(seq), last) FROM documents) WHERE name = 'titles'`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("index: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// Search implements store.Store: the full-text index, plus a scan of the
// sentences and titles stored since its last batch (at most a few hundred
// documents), which match when they hold every word of the query.
func (s *Store) Search(ctx context.Context, q store.SearchQuery) ([]store.Hit, error) {
	hits, err := s.DB.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	tail, err := s.searchTail(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(tail) == 0 {
		return hits, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	out := append(tail, hits...)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (s *Store) searchTail(ctx context.Context, q store.SearchQuery) ([]store.Hit, error) {
	terms := sqlstore.ParseQuery(q.Text)
	if len(terms) == 0 {
		return nil, nil
	}
	mark := q.Mark
	if mark[0] == "" && mark[1] == "" {
		mark = [2]string{"[", "]"}
	}
	dateCond, args := "", []any{}
	if q.Since != "" {
		dateCond += " AND d.published >= ?"
		args = append(args, q.Since)
	}
	if q.Until != "" {
		dateCond += " AND d.published <> '' AND d.published <= ?"
		args = append(args, q.Until)
	}
	rows, err := s.SQL().QueryContext(ctx, `SELECT * FROM (
		SELECT d.seq, d.id, d.title, d.outlet, d.published, d.url, s.idx, s.start_off, s.end_off, s.text
		FROM sentences s JOIN documents d ON d.seq = s.seq
		WHERE s.id > (SELECT last FROM fts_state WHERE name = 'sentences')`+dateCond+`
	UNION ALL
		SELECT d.seq, d.id, d.title, d.outlet, d.published, d.url, -1, 0, 0, d.title
		FROM documents d WHERE d.seq > (SELECT last FROM fts_state WHERE name = 'titles')`+dateCond+`)`, append(args, args...)...)
	if err != nil {
		return nil, explain(s.path, fmt.Errorf("search: %w", err))
	}
	defer rows.Close()
	type hit struct {
		seq int64
		h   store.Hit
	}
	var found []hit
	for rows.Next() {
		var x hit
		var body string
		if err := rows.Scan(&x.seq, &x.h.Document, &x.h.Title, &x.h.Outlet, &x.h.Published, &x.h.URL, &x.h.Sentence, &x.h.Start, &x.h.End, &body); err != nil {
			return nil, err
		}
		if snippet, ok := matchTerms(body, terms, mark); ok {
			x.h.Snippet = snippet
			found = append(found, x)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].seq != found[j].seq {
			return found[i].seq > found[j].seq
		}
		return found[i].h.Sentence < found[j].h.Sentence
	})
	out := make([]store.Hit, len(found))
	for i, x := range found {
		out[i] = x.h
	}
	return out, nil
}

// word is a word of a text with its byte range.
type word struct {
	fold       string
	start, end int
}

func splitWords(s string) []word {
	var out []word
	start := -1
	for i, r := range s + " " {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, word{text.Fold(s[start:i]), start, i})
			start = -1
		}
	}
	return out
}

// matchTerms reports whether body holds every term (words anywhere,
// phrases as consecutive words, ignoring case and diacritics) and returns
// it with the matches marked.
func matchTerms(body string, terms []sqlstore.Term, mark [2]string) (string, bool) {
	ws := splitWords(body)
	marked := make([]bool, len(ws))
	for _, t := range terms {
		want := make([]string, len(t.Words))
		for i, w := range t.Words {
			want[i] = text.Fold(w)
		}
		ok := false
		for i := 0; i+len(want) <= len(ws); i++ {
			match := true
			for j, w := range want {
				if ws[i+j].fold != w {
					match = false
					break
				}
			}
			if match {
				ok = true
				for j := range want {
					marked[i+j] = true
				}
			}
		}
		if !ok {
			return "", false
		}
	}
	var b strings.Builder
	last := 0
	for i, w := range ws {
		if marked[i] {
			b.WriteString(body[last:w.start])
			b.WriteString(mark[0] + body[w.start:w.end] + mark[1])
			last = w.end
		}
	}
	b.WriteString(body[last:])
	return b.String(), true
}
