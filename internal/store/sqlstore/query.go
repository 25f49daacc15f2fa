package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
)

const defaultLimit = 50

// Document implements store.Store.
func (s *DB) Document(ctx context.Context, id string) (*sitrep.Extraction, error) {
	rows, err := s.queryRows(ctx, `SELECT text, extraction FROM documents WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("document %q: %w", id, store.ErrNotFound)
	}
	var text, blob string
	if err := rows.Scan(&text, &blob); err != nil {
		return nil, err
	}
	return decodeExtraction(id, text, blob)
}

func decodeExtraction(id, text, blob string) (*sitrep.Extraction, error) {
	var x sitrep.Extraction
	if err := json.Unmarshal([]byte(blob), &x); err != nil {
		return nil, fmt.Errorf("document %q: stored extraction: %w", id, err)
	}
	x.Document.Text = text
	return &x, nil
}

// Documents implements store.Store.
func (s *DB) Documents(ctx context.Context, f store.DocFilter) ([]store.DocInfo, error) {
	var conds []string
	var args []any
	if f.Duplicates {
		conds = append(conds, "duplicate_of IS NOT NULL")
	}
	if f.Since != "" {
		conds = append(conds, "published >= ?")
		args = append(args, f.Since)
	}
	if f.Until != "" {
		conds = append(conds, "published <> '' AND published <= ?")
		args = append(args, f.Until)
	}
	q := `SELECT seq, id, title, url, outlet, published, language, sha256, duplicate_of, similarity, num_sentences, num_events, ingested_at FROM documents`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, limitOf(f.Limit))
	rows, err := s.queryRows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.DocInfo{}
	for rows.Next() {
		var d store.DocInfo
		var dup sql.NullString
		var at string
		if err := rows.Scan(&d.Seq, &d.ID, &d.Title, &d.URL, &d.Outlet, &d.Published, &d.Language, &d.SHA256, &dup, &d.Similarity, &d.Sentences, &d.Events, &at); err != nil {
			return nil, err
		}
		d.DuplicateOf = dup.String
		d.IngestedAt = parseTime(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

func limitOf(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return n
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// cond is one SQL condition with its arguments.
type cond struct {
	sql  string
	args []any
}

func and(cs ...cond) cond {
	var parts []string
	var args []any
	for _, c := range cs {
		if c.sql == "" {
			continue
		}
		parts = append(parts, "("+c.sql+")")
		args = append(args, c.args...)
	}
	return cond{strings.Join(parts, " AND "), args}
}

func or(cs ...cond) cond {
	var parts []string
	var args []any
	for _, c := range cs {
		parts = append(parts, "("+c.sql+")")
		args = append(args, c.args...)
	}
	if len(parts) == 0 {
		return cond{"1 = 0", nil}
	}
	return cond{strings.Join(parts, " OR "), args}
}

// sideConds returns the alternative ways an event side (source or target)
// matches v: one condition per indexed column, so that each can be read
// in date order from its own index.
func (s *DB) sideConds(ctx context.Context, side, v string) ([]cond, error) {
	v = strings.TrimSpace(v)
	var out []cond
	if store.LooksLikeCode(v) {
		out = append(out,
			cond{side + "_code = ?", []any{v}},
			cond{side + "_country = ?", []any{v}})
	}
	ids, err := s.actorIDs(ctx, v)
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		out = append(out, cond{side + "_actor IN (" + ph + ")", args})
	}
	if len(out) == 0 {
		out = append(out, cond{"1 = 0", nil})
	}
	return out, nil
}

// actorIDs returns the ids of the actors named or also named v (folded),
// the 20 most mentioned.
func (s *DB) actorIDs(ctx context.Context, v string) ([]string, error) {
	rows, err := s.queryRows(ctx, `SELECT a.id FROM actor_names n JOIN actors a ON a.id = n.actor_id WHERE n.name_fold = ? ORDER BY a.num_mentions DESC, a.id LIMIT 20`, store.FoldName(v))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// eventQuery turns a filter into branches (alternatives, each readable in
// date order from one index) and conditions common to all of them.
func (s *DB) eventQuery(ctx context.Context, f store.EventFilter) ([]cond, cond, error) {
	var common []cond
	if f.Type != "" {
		common = append(common, cond{"plover = ?", []any{strings.ToUpper(f.Type)}})
	}
	if f.CAMEO != "" {
		common = append(common, cond{"cameo >= ? AND cameo < ?", []any{f.CAMEO, prefixEnd(f.CAMEO)}})
	}
	if f.Since != "" {
		common = append(common, cond{"date >= ?", []any{f.Since}})
	}
	if f.Until != "" {
		common = append(common, cond{"date <> '' AND date <= ?", []any{f.Until}})
	}
	if f.Place != "" {
		common = append(common, cond{"lower(place_name) = lower(?) OR place_country = ?", []any{f.Place, f.Place}})
	}
	if f.MinSources > 0 {
		common = append(common, cond{"num_sources >= ?", []any{f.MinSources}})
	}
	var branches []cond
	switch {
	case f.Actor != "":
		for _, side := range []string{"source", "target"} {
			cs, err := s.sideConds(ctx, side, f.Actor)
			if err != nil {
				return nil, cond{}, err
			}
			branches = append(branches, cs...)
		}
		for _, x := range []struct{ side, v string }{{"source", f.Source}, {"target", f.Target}} {
			if x.v == "" {
				continue
			}
			cs, err := s.sideConds(ctx, x.side, x.v)
			if err != nil {
				return nil, cond{}, err
			}
			common = append(common, or(cs...))
		}
	case f.Source != "" && f.Target != "":
		// One branch per indexed column of the source side, the target
		// side as a filter: each branch reads its index in date order.
		dir := func(a, b string) error {
			sc, err := s.sideConds(ctx, "source", a)
			if err != nil {
				return err
			}
			tc, err := s.sideConds(ctx, "target", b)
			if err != nil {
				return err
			}
			for _, c := range sc {
				branches = append(branches, and(c, or(tc...)))
			}
			return nil
		}
		if err := dir(f.Source, f.Target); err != nil {
			return nil, cond{}, err
		}
		if f.Either {
			if err := dir(f.Target, f.Source); err != nil {
				return nil, cond{}, err
			}
		}
	case f.Source != "" || f.Target != "":
		sides := []struct{ side, v string }{{"source", f.Source}, {"target", f.Target}}
		for _, x := range sides {
			if x.v == "" {
				continue
			}
			cs, err := s.sideConds(ctx, x.side, x.v)
			if err != nil {
				return nil, cond{}, err
			}
			branches = append(branches, cs...)
			if f.Either {
				other := "target"
				if x.side == "target" {
					other = "source"
				}
				cs, err := s.sideConds(ctx, other, x.v)
				if err != nil {
					return nil, cond{}, err
				}
				branches = append(branches, cs...)
			}
		}
	}
	return branches, and(common...), nil
}

// prefixEnd is the smallest string greater than every string starting
// with p.
func prefixEnd(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return p + "\xff"
}

const eventCols = `id, date, date_precision,
	source_actor, source_name, source_code, source_country, source_sectors,
	target_actor, target_name, target_code, target_country, target_sectors,
	cameo, cameo_name, plover, plover_mode, plover_context, goldstein, quad_class,
	has_location, place_name, place_country, lat, lon, modality,
	first_doc, first_url, first_outlet, text, confidence, first_seen, num_mentions, num_sources, num_articles`

func scanEvent(rows *sql.Rows) (store.EventRecord, error) {
	var e store.EventRecord
	var srcSec, tgtSec, ctxs, placeName, placeCountry, firstSeen string
	var hasLoc int
	var lat, lon sql.NullFloat64
	err := rows.Scan(&e.ID, &e.Date, &e.DatePrecision,
		&e.Source.ID, &e.Source.Name, &e.Source.Code, &e.Source.Country, &srcSec,
		&e.Target.ID, &e.Target.Name, &e.Target.Code, &e.Target.Country, &tgtSec,
		&e.CAMEO, &e.CAMEOName, &e.PLOVER, &e.PLOVERMode, &ctxs, &e.Goldstein, &e.QuadClass,
		&hasLoc, &placeName, &placeCountry, &lat, &lon, &e.Modality,
		&e.FirstDocument, &e.FirstURL, &e.FirstOutlet, &e.Text, &e.Confidence, &firstSeen, &e.NumMentions, &e.NumSources, &e.NumArticles)
	if err != nil {
		return e, err
	}
	e.Source.Sectors, e.Target.Sectors, e.PLOVERContext = splitList(srcSec), splitList(tgtSec), splitList(ctxs)
	if hasLoc != 0 {
		e.Location = &sitrep.Location{Name: placeName, Country: placeCountry, Lat: lat.Float64, Lon: lon.Float64}
	}
	e.FirstSeen = parseTime(firstSeen)
	return e, nil
}

// Events implements store.Store.
func (s *DB) Events(ctx context.Context, f store.EventFilter) ([]store.EventRecord, error) {
	branches, common, err := s.eventQuery(ctx, f)
	if err != nil {
		return nil, err
	}
	limit := limitOf(f.Limit)
	var q string
	var args []any
	if len(branches) == 0 {
		q = `SELECT ` + eventCols + ` FROM events`
		if common.sql != "" {
			q += " WHERE " + common.sql
			args = append(args, common.args...)
		}
		q += " ORDER BY date DESC, id DESC LIMIT ?"
		args = append(args, limit)
	} else {
		// Each branch reads its own index in date order and stops at the
		// limit; the union of the branches is sorted once more.
		var parts []string
		for i, b := range branches {
			c := and(b, common)
			parts = append(parts, fmt.Sprintf("SELECT id FROM (SELECT id FROM events WHERE %s ORDER BY date DESC, id DESC LIMIT ?) b%d", c.sql, i))
			args = append(args, c.args...)
			args = append(args, limit)
		}
		q = `SELECT ` + eventCols + ` FROM events WHERE id IN (` + strings.Join(parts, " UNION ALL ") + `) ORDER BY date DESC, id DESC LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.queryRows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.EventRecord{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EachEvent implements store.Store.
func (s *DB) EachEvent(ctx context.Context, f store.EventFilter, withMentions bool, fn func(store.EventRecord) error) error {
	branches, common, err := s.eventQuery(ctx, f)
	if err != nil {
		return err
	}
	c := common
	if len(branches) > 0 {
		c = and(or(branches...), common)
	}
	const page = 1000
	last := int64(-1 << 63)
	for {
		q := `SELECT ` + eventCols + ` FROM events WHERE id > ?`
		args := []any{last}
		if c.sql != "" {
			q += " AND (" + c.sql + ")"
			args = append(args, c.args...)
		}
		q += " ORDER BY id LIMIT ?"
		args = append(args, page)
		rows, err := s.queryRows(ctx, q, args...)
		if err != nil {
			return err
		}
		var evs []store.EventRecord
		for rows.Next() {
			e, err := scanEvent(rows)
			if err != nil {
				rows.Close()
				return err
			}
			evs = append(evs, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		last = evs[len(evs)-1].ID
		if withMentions {
			if err := s.attachMentions(ctx, evs); err != nil {
				return err
			}
		}
		for _, e := range evs {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(evs) < page {
			return nil
		}
	}
}

const mentionCols = `m.event_id, m.doc_id, m.ref, d.outlet, d.url, d.published, m.sentence, m.start_off, m.end_off, m.text, m.modality, m.duplicate, m.confidence`

func scanMention(rows *sql.Rows) (store.Mention, error) {
	var m store.Mention
	var dup int
	err := rows.Scan(&m.EventID, &m.Document, &m.EventRef, &m.Outlet, &m.URL, &m.Published, &m.Sentence, &m.Start, &m.End, &m.Text, &m.Modality, &dup, &m.Confidence)
	m.Duplicate = dup != 0
	return m, err
}

// attachMentions reads the mentions of a page of events in one query.
func (s *DB) attachMentions(ctx context.Context, evs []store.EventRecord) error {
	idx := make(map[int64]int, len(evs))
	args := make([]any, len(evs))
	for i, e := range evs {
		idx[e.ID] = i
		args[i] = e.ID
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(evs)), ", ")
	rows, err := s.queryRows(ctx, `SELECT `+mentionCols+` FROM event_mentions m JOIN documents d ON d.seq = m.seq WHERE m.event_id IN (`+ph+`) ORDER BY m.seq, m.ref`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMention(rows)
		if err != nil {
			return err
		}
		i := idx[m.EventID]
		evs[i].Mentions = append(evs[i].Mentions, m)
	}
	return rows.Err()
}

// Mentions implements store.Store.
func (s *DB) Mentions(ctx context.Context, eventID int64) ([]store.Mention, error) {
	rows, err := s.queryRows(ctx, `SELECT `+mentionCols+` FROM event_mentions m JOIN documents d ON d.seq = m.seq WHERE m.event_id = ? ORDER BY m.seq, m.ref`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Mention{}
	for rows.Next() {
		m, err := scanMention(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Periods implements store.Store.
func (s *DB) Periods(ctx context.Context, f store.EventFilter, by string) ([]store.Period, error) {
	switch by {
	case "":
		by = store.ByMonth
	case store.ByDay, store.ByWeek, store.ByMonth:
	default:
		return nil, fmt.Errorf("period %q: want day, week or month", by)
	}
	branches, common, err := s.eventQuery(ctx, f)
	if err != nil {
		return nil, err
	}
	c := common
	if len(branches) > 0 {
		c = and(or(branches...), common)
	}
	q := `SELECT date, goldstein, quad_class, num_mentions FROM events`
	if c.sql != "" {
		q += " WHERE " + c.sql
	}
	rows, err := s.queryRows(ctx, q, c.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	buckets := map[string]*store.Period{}
	for rows.Next() {
		var date string
		var g float64
		var quad, mentions int
		if err := rows.Scan(&date, &g, &quad, &mentions); err != nil {
			return nil, err
		}
		start := store.PeriodStart(date, by)
		p := buckets[start]
		if p == nil {
			p = &store.Period{Start: start}
			buckets[start] = p
		}
		p.Events++
		p.Mentions += mentions
		p.Goldstein += g
		if quad >= 1 && quad <= 4 {
			p.Quad[quad]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]store.Period, 0, len(buckets))
	for _, p := range buckets {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out, nil
}

// ParseQuery splits a full-text query into words and "quoted phrases".
func ParseQuery(q string) []Term {
	var terms []Term
	words := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	for {
		i := strings.IndexByte(q, '"')
		if i < 0 {
			break
		}
		for _, w := range words(q[:i]) {
			terms = append(terms, Term{Words: []string{w}})
		}
		rest := q[i+1:]
		j := strings.IndexByte(rest, '"')
		if j < 0 {
			q = rest
			break
		}
		if ws := words(rest[:j]); len(ws) > 0 {
			terms = append(terms, Term{Words: ws, Phrase: len(ws) > 1})
		}
		q = rest[j+1:]
	}
	for _, w := range words(q) {
		terms = append(terms, Term{Words: []string{w}})
	}
	return terms
}

// Search implements store.Store.
func (s *DB) Search(ctx context.Context, q store.SearchQuery) ([]store.Hit, error) {
	terms := ParseQuery(q.Text)
	if len(terms) == 0 {
		return nil, errors.New("search: no words in the query")
	}
	if q.Mark[0] == "" && q.Mark[1] == "" {
		q.Mark = [2]string{"[", "]"}
	}
	q.Limit = limitOf(q.Limit)
	sqlq, args := s.d.Search(q, terms)
	rows, err := s.queryRows(ctx, sqlq, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type hit struct {
		seq int64
		h   store.Hit
	}
	var hits []hit
	for rows.Next() {
		var x hit
		if err := rows.Scan(&x.seq, &x.h.Document, &x.h.Title, &x.h.Outlet, &x.h.Published, &x.h.URL, &x.h.Sentence, &x.h.Start, &x.h.End, &x.h.Snippet); err != nil {
			return nil, err
		}
		hits = append(hits, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].seq != hits[j].seq {
			return hits[i].seq > hits[j].seq
		}
		return hits[i].h.Sentence < hits[j].h.Sentence
	})
	out := []store.Hit{}
	for _, x := range hits {
		if len(out) == q.Limit {
			break
		}
		out = append(out, x.h)
	}
	return out, nil
}

// Actors implements store.Store.
func (s *DB) Actors(ctx context.Context, f store.ActorFilter) ([]store.ActorRecord, error) {
	var cs []cond
	if f.Name != "" {
		cs = append(cs, cond{"id IN (SELECT actor_id FROM actor_names WHERE name_fold = ?)", []any{store.FoldName(f.Name)}})
	}
	if f.Code != "" {
		cs = append(cs, cond{"code = ? OR country = ?", []any{f.Code, f.Code}})
	}
	if f.Unknown {
		cs = append(cs, cond{"known = 0", nil})
	}
	if f.Type != "" {
		cs = append(cs, cond{"type = ?", []any{strings.ToUpper(f.Type)}})
	}
	c := and(cs...)
	q := `SELECT id, name, type, code, country, sectors, known, num_docs, num_mentions, first_seen, last_seen FROM actors`
	if c.sql != "" {
		q += " WHERE " + c.sql
	}
	q += " ORDER BY num_mentions DESC, num_docs DESC, id LIMIT ?"
	rows, err := s.queryRows(ctx, q, append(c.args, limitOf(f.Limit))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.ActorRecord{}
	for rows.Next() {
		var a store.ActorRecord
		var sectors string
		var known int
		if err := rows.Scan(&a.ID, &a.Name, &a.Type, &a.Code, &a.Country, &sectors, &known, &a.NumDocs, &a.NumMentions, &a.FirstSeen, &a.LastSeen); err != nil {
			return nil, err
		}
		a.Sectors = splitList(sectors)
		a.Known = known != 0
		out = append(out, a)
	}
	return out, rows.Err()
}

// Agreements implements store.Store.
func (s *DB) Agreements(ctx context.Context, f store.AgreementFilter) ([]store.AgreementRecord, error) {
	q := `SELECT id, name, kind, date, parties, status, score FROM canonical_agreements`
	var args []any
	if f.Party != "" {
		q += " WHERE party_codes LIKE ?"
		args = append(args, "%|"+f.Party+"|%")
	}
	q += " ORDER BY first_date, id LIMIT ?"
	args = append(args, limitOf(f.Limit))
	rows, err := s.queryRows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	out := []store.AgreementRecord{}
	for rows.Next() {
		a := store.AgreementRecord{Canonical: true}
		var parties string
		if err := rows.Scan(&a.ID, &a.Name, &a.Kind, &a.Date, &parties, &a.Status, &a.Score); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(parties), &a.Parties); err != nil {
			rows.Close()
			return nil, fmt.Errorf("canonical agreement %s: %w", a.ID, err)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		steps, err := readSteps(ctx, s.db, s, "agreement_steps", "agreement_id", out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Steps = steps
		per, err := s.docAgreements(ctx, "a.canonical_id = ?", out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Documents = []string{}
		seen := map[string]bool{}
		for _, p := range per {
			if !seen[p.Document] {
				seen[p.Document] = true
				out[i].Documents = append(out[i].Documents, p.Document)
			}
		}
		if f.PerDocument {
			out[i].PerDoc = per
		}
	}
	if f.PerDocument {
		cond := "a.canonical_id IS NULL"
		var args []any
		if f.Party != "" {
			cond += " AND a.party_codes LIKE ?"
			args = append(args, "%|"+f.Party+"|%")
		}
		per, err := s.docAgreements(ctx, cond, args...)
		if err != nil {
			return nil, err
		}
		for _, p := range per {
			a := p.Agreement
			r := store.AgreementRecord{ID: p.Document + "/" + a.ID, Name: a.Name, Kind: a.Kind, Date: deref(a.Date), Parties: nonNilActors(a.Parties),
				Status: a.Status, Steps: a.Evidence, Documents: []string{p.Document}, PerDoc: []store.DocAgreement{p}}
			if r.Steps == nil {
				r.Steps = []sitrep.StatusStep{}
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *DB) docAgreements(ctx context.Context, where string, args ...any) ([]store.DocAgreement, error) {
	rows, err := s.queryRows(ctx, `SELECT d.id, a.data, a.canonical_id FROM agreements a JOIN documents d ON d.seq = a.seq WHERE `+where+` ORDER BY a.seq, a.ref`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.DocAgreement
	for rows.Next() {
		var p store.DocAgreement
		var data string
		var canon sql.NullString
		if err := rows.Scan(&p.Document, &data, &canon); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &p.Agreement); err != nil {
			return nil, fmt.Errorf("agreement of %s: %w", p.Document, err)
		}
		p.Canonical = canon.String
		out = append(out, p)
	}
	return out, rows.Err()
}

// Commitments implements store.Store.
func (s *DB) Commitments(ctx context.Context, f store.CommitmentFilter) ([]store.CommitmentRecord, error) {
	var cs []cond
	side := func(prefix, v string) cond {
		return cond{prefix + "_code = ? OR " + prefix + "_country = ? OR " + prefix + "_name = ?", []any{v, v, store.FoldName(v)}}
	}
	if f.By != "" {
		cs = append(cs, side("c.by", f.By))
	}
	if f.To != "" {
		cs = append(cs, side("c.to", f.To))
	}
	if f.Status != "" {
		cs = append(cs, cond{"c.status = ?", []any{f.Status}})
	}
	if f.Kind != "" {
		cs = append(cs, cond{"c.kind = ?", []any{f.Kind}})
	}
	c := and(cs...)
	q := `SELECT d.id, d.published, d.outlet, c.data, c.canonical_id FROM commitments c JOIN documents d ON d.seq = c.seq`
	if c.sql != "" {
		q += " WHERE " + c.sql
	}
	q += " ORDER BY c.seq, c.ref LIMIT ?"
	rows, err := s.queryRows(ctx, q, append(c.args, limitOf(f.Limit))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.CommitmentRecord{}
	for rows.Next() {
		var r store.CommitmentRecord
		var data string
		var canon sql.NullString
		if err := rows.Scan(&r.Document, &r.Published, &r.Outlet, &data, &canon); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &r.Commitment); err != nil {
			return nil, fmt.Errorf("commitment of %s: %w", r.Document, err)
		}
		r.Canonical = canon.String
		out = append(out, r)
	}
	return out, rows.Err()
}

// Feed implements store.Store.
func (s *DB) Feed(ctx context.Context, url string) (store.FeedState, bool, error) {
	rows, err := s.queryRows(ctx, `SELECT url, etag, last_modified, checked_at, status FROM feeds WHERE url = ?`, url)
	if err != nil {
		return store.FeedState{}, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return store.FeedState{URL: url}, false, rows.Err()
	}
	var st store.FeedState
	var at string
	if err := rows.Scan(&st.URL, &st.ETag, &st.LastModified, &at, &st.Status); err != nil {
		return store.FeedState{}, false, err
	}
	st.CheckedAt = parseTime(at)
	return st, true, nil
}

// SaveFeed implements store.Store.
func (s *DB) SaveFeed(ctx context.Context, st store.FeedState) error {
	return s.write(ctx, func(t *txn) error {
		_, err := t.exec(`INSERT INTO feeds (url, etag, last_modified, checked_at, status) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, checked_at = excluded.checked_at, status = excluded.status`,
			st.URL, st.ETag, st.LastModified, st.CheckedAt.UTC().Format(time.RFC3339Nano), st.Status)
		return err
	})
}

// Dump implements store.Store.
func (s *DB) Dump(ctx context.Context, f store.DumpFilter, fn func(store.DumpRecord) error) error {
	var conds []string
	var args []any
	if f.Since != "" {
		conds = append(conds, "published >= ?")
		args = append(args, f.Since)
	}
	if f.Until != "" {
		conds = append(conds, "published <> '' AND published <= ?")
		args = append(args, f.Until)
	}
	// Read in pages so that no read transaction stays open for the whole dump.
	const page = 500
	last := int64(0)
	for {
		q := `SELECT seq, id, ingested_at, text, extraction FROM documents WHERE seq > ?`
		for _, c := range conds {
			q += " AND " + c
		}
		q += " ORDER BY seq LIMIT ?"
		rows, err := s.queryRows(ctx, q, append(append([]any{last}, args...), page)...)
		if err != nil {
			return err
		}
		var recs []store.DumpRecord
		for rows.Next() {
			var seq int64
			var id, at, text, blob string
			if err := rows.Scan(&seq, &id, &at, &text, &blob); err != nil {
				rows.Close()
				return err
			}
			x, err := decodeExtraction(id, text, blob)
			if err != nil {
				rows.Close()
				return err
			}
			recs = append(recs, store.DumpRecord{Kind: store.KindDocument, Seq: seq, IngestedAt: parseTime(at), Extraction: x})
			last = seq
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(recs) < page {
			break
		}
	}
	rows, err := s.queryRows(ctx, `SELECT url, etag, last_modified, checked_at, status FROM feeds ORDER BY url`)
	if err != nil {
		return err
	}
	var feeds []store.FeedState
	for rows.Next() {
		var st store.FeedState
		var at string
		if err := rows.Scan(&st.URL, &st.ETag, &st.LastModified, &at, &st.Status); err != nil {
			rows.Close()
			return err
		}
		st.CheckedAt = parseTime(at)
		feeds = append(feeds, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range feeds {
		if err := fn(store.DumpRecord{Kind: store.KindFeed, Feed: &feeds[i]}); err != nil {
			return err
		}
	}
	return nil
}

// Counts implements store.Store.
func (s *DB) Counts(ctx context.Context) (store.Counts, error) {
	var c store.Counts
	for _, x := range []struct {
		q string
		n *int
	}{
		{`SELECT count(*) FROM documents`, &c.Documents},
		{`SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL`, &c.Duplicates},
		{`SELECT count(*) FROM sentences`, &c.Sentences},
		{`SELECT count(*) FROM entities`, &c.Entities},
		{`SELECT count(*) FROM actors`, &c.Actors},
		{`SELECT count(*) FROM events`, &c.Events},
		{`SELECT count(*) FROM event_mentions`, &c.Mentions},
		{`SELECT count(*) FROM quotes`, &c.Quotes},
		{`SELECT count(*) FROM agreements`, &c.Agreements},
		{`SELECT count(*) FROM commitments`, &c.Commitments},
		{`SELECT count(*) FROM canonical_agreements`, &c.CanonicalAgreements},
		{`SELECT count(*) FROM canonical_commitments`, &c.CanonicalCommitments},
		{`SELECT count(*) FROM feeds`, &c.Feeds},
	} {
		if err := s.db.QueryRowContext(ctx, x.q).Scan(x.n); err != nil {
			return c, s.explain(fmt.Errorf("count: %w", err))
		}
	}
	return c, nil
}

// checks are the invariants of a store: each query counts violations.
var checks = []struct{ what, q string }{
	{"documents whose sentences are missing", `SELECT count(*) FROM documents d WHERE d.num_sentences <> (SELECT count(*) FROM sentences s WHERE s.seq = d.seq)`},
	{"documents whose event mentions are missing", `SELECT count(*) FROM documents d WHERE d.num_events <> (SELECT count(*) FROM event_mentions m WHERE m.seq = d.seq)`},
	{"events whose num_mentions is wrong", `SELECT count(*) FROM events e WHERE e.num_mentions <> (SELECT count(*) FROM event_mentions m WHERE m.event_id = e.id)`},
	{"events whose num_articles is wrong", `SELECT count(*) FROM events e WHERE e.num_articles <> (SELECT count(DISTINCT m.seq) FROM event_mentions m WHERE m.event_id = e.id)`},
	{"events whose num_sources is wrong", `SELECT count(*) FROM events e WHERE e.num_sources <> (SELECT count(*) FROM event_sources x WHERE x.event_id = e.id)`},
	{"actors whose num_docs is wrong", `SELECT count(*) FROM actors a WHERE a.num_docs <> (SELECT count(DISTINCT n.seq) FROM entities n WHERE n.actor_id = a.id)`},
	{"mentions of missing events", `SELECT count(*) FROM event_mentions m WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = m.event_id)`},
	{"duplicates of missing documents", `SELECT count(*) FROM documents d WHERE d.duplicate_of IS NOT NULL AND NOT EXISTS (SELECT 1 FROM documents o WHERE o.id = d.duplicate_of)`},
	{"actors without a name entry", `SELECT count(*) FROM actors a WHERE NOT EXISTS (SELECT 1 FROM actor_names n WHERE n.actor_id = a.id)`},
	{"orphan sentences", `SELECT count(*) FROM sentences x WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.seq = x.seq)`},
	{"orphan entities", `SELECT count(*) FROM entities x WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.seq = x.seq)`},
	{"orphan event mentions", `SELECT count(*) FROM event_mentions x WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.seq = x.seq)`},
	{"orphan quotes", `SELECT count(*) FROM quotes x WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.seq = x.seq)`},
	{"orphan agreements", `SELECT count(*) FROM agreements x WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.seq = x.seq)`},
	{"orphan commitments", `SELECT count(*) FROM commitments x WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.seq = x.seq)`},
	{"orphan fingerprint bands", `SELECT count(*) FROM minhash_bands x WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.seq = x.seq)`},
	{"agreement links to missing canonical agreements", `SELECT count(*) FROM agreements a WHERE a.canonical_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM canonical_agreements c WHERE c.id = a.canonical_id)`},
}

// Check implements store.Store.
func (s *DB) Check(ctx context.Context) ([]string, error) {
	var problems []string
	for _, c := range checks {
		var n int
		if err := s.db.QueryRowContext(ctx, c.q).Scan(&n); err != nil {
			return nil, s.explain(fmt.Errorf("check %s: %w", c.what, err))
		}
		if n > 0 {
			problems = append(problems, fmt.Sprintf("%d %s", n, c.what))
		}
	}
	return problems, nil
}
