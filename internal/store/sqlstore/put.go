package sqlstore

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/corpus/fingerprint"
	"github.com/sitrep/sitrep/internal/store"
)

// Lookup implements store.Store.
func (s *DB) Lookup(ctx context.Context, doc *sitrep.Document) (string, bool, error) {
	sha := doc.SHA256
	if sha == "" {
		sha = hashText(doc.Text)
	}
	curl := store.CanonicalURL(doc.URL)
	rows, err := s.queryRows(ctx, `SELECT id FROM documents WHERE id = ? OR sha256 = ? OR canonical_url = ? LIMIT 1`, doc.ID, sha, nullStr(curl))
	if err != nil {
		return "", false, err
	}
	defer rows.Close()
	if rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", false, err
		}
		return id, true, rows.Err()
	}
	return "", false, rows.Err()
}

func hashText(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// Put implements store.Store.
func (s *DB) Put(ctx context.Context, x *sitrep.Extraction, opts store.PutOptions) (store.PutResult, error) {
	if x == nil || strings.TrimSpace(x.Document.ID) == "" {
		return store.PutResult{}, fmt.Errorf("%w: no document id", store.ErrInvalid)
	}
	if x.Document.Text == "" {
		return store.PutResult{}, fmt.Errorf("%w: document %q has no text", store.ErrInvalid, x.Document.ID)
	}
	at := opts.IngestedAt
	if at.IsZero() {
		at = time.Now()
	}
	var res store.PutResult
	err := s.write(ctx, func(t *txn) error {
		var err error
		res, err = t.put(x, at.UTC())
		return err
	})
	if err != nil {
		return store.PutResult{}, fmt.Errorf("store document %q: %w", x.Document.ID, err)
	}
	return res, nil
}

// docRow is what put needs to know about the document being stored.
type docRow struct {
	seq       int64
	id        string
	outlet    string
	url       string
	source    string
	published string
	dupOf     string
	dupSeq    int64
}

func (t *txn) put(x *sitrep.Extraction, at time.Time) (store.PutResult, error) {
	x = withRefs(x)
	d := x.Document
	if d.SHA256 == "" {
		d.SHA256 = hashText(d.Text)
	}
	curl := store.CanonicalURL(d.URL)
	sig, signed := fingerprint.Sign(d.Text)
	if err := t.lock(documentLocks(&d, curl, sig, signed)); err != nil {
		return store.PutResult{}, err
	}

	// Already stored?
	rows, err := t.query(`SELECT id, sha256 FROM documents WHERE id = ? OR sha256 = ? OR canonical_url = ?`, d.ID, d.SHA256, nullStr(curl))
	if err != nil {
		return store.PutResult{}, err
	}
	var existing, conflict string
	for rows.Next() {
		var id, sha string
		if err := rows.Scan(&id, &sha); err != nil {
			rows.Close()
			return store.PutResult{}, err
		}
		if id == d.ID && sha != d.SHA256 {
			conflict = id
		}
		if existing == "" || id == d.ID {
			existing = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return store.PutResult{}, err
	}
	if conflict != "" {
		return store.PutResult{}, store.ErrConflict
	}
	if existing != "" {
		return store.PutResult{Status: store.StatusExists, ID: existing}, nil
	}

	// Near duplicate?
	var sigBytes []byte
	if signed {
		sigBytes = sig.Bytes()
	}
	row := docRow{id: d.ID, outlet: d.Outlet, url: d.URL, source: store.SourceName(&d), published: deref(d.Published)}
	similarity := 0.0
	if d.DuplicateOf != nil && *d.DuplicateOf != "" {
		var seq int64
		err := t.queryRow(`SELECT seq FROM documents WHERE id = ?`, *d.DuplicateOf).Scan(&seq)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return store.PutResult{}, err
		default:
			row.dupOf, row.dupSeq = *d.DuplicateOf, seq
		}
	} else if signed {
		row.dupOf, row.dupSeq, similarity, err = t.nearest(sig)
		if err != nil {
			return store.PutResult{}, err
		}
	}
	if row.dupOf != "" {
		d.DuplicateOf = sitrep.StrPtr(row.dupOf)
	} else {
		d.DuplicateOf = nil
	}

	// The extraction as stored: the document text lives in its own column.
	stored := *x
	stored.Document = d
	stored.Document.Text = ""
	blob, err := json.Marshal(&stored)
	if err != nil {
		return store.PutResult{}, fmt.Errorf("encode extraction: %w", err)
	}

	err = t.queryRow(`INSERT INTO documents (id, sha256, canonical_url, url, title, outlet, source, published, language,
		duplicate_of, similarity, minhash, num_sentences, num_events, ingested_at, text, extraction)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		d.ID, d.SHA256, nullStr(curl), d.URL, d.Title, d.Outlet, row.source, row.published, d.Language,
		nullStr(row.dupOf), similarity, sigBytes, len(x.Sentences), len(x.Events), at.Format(time.RFC3339Nano), x.Document.Text, string(blob)).Scan(&row.seq)
	if err != nil {
		return store.PutResult{}, fmt.Errorf("insert document: %w", err)
	}
	if row.dupOf == "" && signed {
		var bands [][]any
		for b, key := range sig.BandKeys() {
			bands = append(bands, []any{b, key, row.seq})
		}
		if err := t.insertRows(`INSERT INTO minhash_bands (band, value, seq)`, bands, `ON CONFLICT DO NOTHING`); err != nil {
			return store.PutResult{}, err
		}
	}
	sents := make([][]any, 0, len(x.Sentences))
	for _, sn := range x.Sentences {
		txt := sn.Text
		if txt == "" && sn.Start >= 0 && sn.End <= len(x.Document.Text) && sn.Start <= sn.End {
			txt = x.Document.Text[sn.Start:sn.End]
		}
		sents = append(sents, []any{row.seq, sn.Index, sn.Start, sn.End, txt})
	}
	if err := t.insertRows(`INSERT INTO sentences (seq, idx, start_off, end_off, text)`, sents, ""); err != nil {
		return store.PutResult{}, err
	}
	entityActor, err := t.putEntities(x, &row)
	if err != nil {
		return store.PutResult{}, err
	}
	quotes := make([][]any, 0, len(x.Quotes))
	qrefs := map[string]bool{}
	for i, q := range x.Quotes {
		ref := q.ID
		if ref == "" || qrefs[ref] {
			ref = fmt.Sprintf("%s#%d", q.ID, i+1)
		}
		qrefs[ref] = true
		start, end, sent := -1, -1, -1
		if q.Span != nil {
			start, end, sent = q.Span.Start, q.Span.End, q.Span.Sentence
		}
		quotes = append(quotes, []any{row.seq, ref, actorIDOf(q.Speaker, entityActor), q.Speaker.Name, q.Speaker.Code, q.Speaker.Country, q.Text, boolInt(q.Direct), q.Cue, sent, start, end})
	}
	if err := t.insertRows(`INSERT INTO quotes (seq, ref, speaker_actor, speaker_name, speaker_code, speaker_country, text, direct, cue, sentence, start_off, end_off)`, quotes, ""); err != nil {
		return store.PutResult{}, err
	}

	// What other documents share, under the locks of step 2 and 3 (see
	// lock.go), the rows most documents share last.
	if err := t.lock(mergeLocks(x)); err != nil {
		return store.PutResult{}, err
	}
	res := store.PutResult{Status: store.StatusStored, ID: d.ID, DuplicateOf: row.dupOf}
	if row.dupOf != "" {
		res.Status = store.StatusDuplicate
	}
	counts, err := t.putEvents(x, &row, entityActor, &res, at)
	if err != nil {
		return store.PutResult{}, err
	}
	if err := t.countEvents(counts, row.source); err != nil {
		return store.PutResult{}, err
	}
	if err := t.putTracking(x, &row); err != nil {
		return store.PutResult{}, err
	}
	if err := t.putActorNames(x, entityActor); err != nil {
		return store.PutResult{}, err
	}
	if err := t.putActors(x, &row, entityActor); err != nil {
		return store.PutResult{}, err
	}
	return res, nil
}

// withRefs returns x, or a copy of it whose agreements and commitments
// all have an id (a1, a2..., c1, c2...), so that the canonical records
// can link them.
func withRefs(x *sitrep.Extraction) *sitrep.Extraction {
	missing := false
	for _, a := range x.Agreements {
		missing = missing || a.ID == ""
	}
	for _, c := range x.Commitments {
		missing = missing || c.ID == ""
	}
	if !missing {
		return x
	}
	c := *x
	c.Agreements = append([]sitrep.Agreement(nil), x.Agreements...)
	for i := range c.Agreements {
		if c.Agreements[i].ID == "" {
			c.Agreements[i].ID = fmt.Sprintf("a%d", i+1)
		}
	}
	c.Commitments = append([]sitrep.Commitment(nil), x.Commitments...)
	for i := range c.Commitments {
		if c.Commitments[i].ID == "" {
			c.Commitments[i].ID = fmt.Sprintf("c%d", i+1)
		}
	}
	return &c
}

// nearest finds the stored original most similar to signature sig
// through the band index: its id, seq and estimated similarity ("" when
// none reaches fingerprint.Threshold). Ties go to the earliest stored.
func (t *txn) nearest(sig fingerprint.Signature) (string, int64, float64, error) {
	keys := sig.BandKeys()
	var conds []string
	args := make([]any, 0, 2*len(keys))
	for b, k := range keys {
		conds = append(conds, "(b.band = ? AND b.value = ?)")
		args = append(args, b, k)
	}
	rows, err := t.query(`SELECT DISTINCT d.id, d.seq, d.minhash FROM minhash_bands b JOIN documents d ON d.seq = b.seq WHERE `+strings.Join(conds, " OR "), args...)
	if err != nil {
		return "", 0, 0, err
	}
	defer rows.Close()
	bestID, bestSeq, best := "", int64(0), 0.0
	for rows.Next() {
		var id string
		var seq int64
		var blob []byte
		if err := rows.Scan(&id, &seq, &blob); err != nil {
			return "", 0, 0, err
		}
		other, err := fingerprint.Parse(blob)
		if err != nil {
			return "", 0, 0, fmt.Errorf("document %s: %w", id, err)
		}
		sim := fingerprint.Similarity(sig, other)
		if sim < fingerprint.Threshold {
			continue
		}
		if sim > best || (sim == best && seq < bestSeq) {
			bestID, bestSeq, best = id, seq, sim
		}
	}
	if err := rows.Err(); err != nil {
		return "", 0, 0, err
	}
	return bestID, bestSeq, best, nil
}

// putEntities stores the document's entities and returns the actor id of
// each.
func (t *txn) putEntities(x *sitrep.Extraction, row *docRow) (map[string]string, error) {
	ids := make(map[string]string, len(x.Entities))
	rows := make([][]any, 0, len(x.Entities))
	refs := map[string]bool{}
	for i := range x.Entities {
		e := &x.Entities[i]
		aid := store.ActorID(e.Name, e.Code)
		ids[e.ID] = aid
		ref := entityRef(e, i)
		if refs[ref] {
			continue
		}
		refs[ref] = true
		rows = append(rows, []any{row.seq, ref, aid, e.Name, e.Type, e.Code, e.Country, boolInt(e.Known), len(e.Mentions)})
	}
	if err := t.insertRows(`INSERT INTO entities (seq, ref, actor_id, name, type, code, country, known, mentions)`, rows, ""); err != nil {
		return nil, err
	}
	return ids, nil
}

// putActorNames records every name the document's actors were seen
// under, sorted (a name new to the store is a row other writers may be
// inserting too).
func (t *txn) putActorNames(x *sitrep.Extraction, ids map[string]string) error {
	var keys [][2]string
	names := map[[2]string]bool{}
	for i := range x.Entities {
		e := &x.Entities[i]
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			k := [2]string{store.FoldName(n), ids[e.ID]}
			if k[0] != "" && !names[k] {
				names[k] = true
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	rows := make([][]any, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, []any{k[0], k[1]})
	}
	return t.insertRows(`INSERT INTO actor_names (name_fold, actor_id)`, rows, `ON CONFLICT DO NOTHING`)
}

// putActors folds the document's entities into the corpus-wide actors, in
// actor id order: the rows of common actors are shared by most
// documents, so this comes last in the transaction.
func (t *txn) putActors(x *sitrep.Extraction, row *docRow, ids map[string]string) error {
	type agg struct {
		e        *sitrep.Entity
		mentions int
	}
	actors := map[string]*agg{}
	var order []string
	refs := map[string]bool{}
	for i := range x.Entities {
		e := &x.Entities[i]
		ref := entityRef(e, i)
		if refs[ref] {
			continue
		}
		refs[ref] = true
		aid := ids[e.ID]
		a := actors[aid]
		if a == nil {
			a = &agg{e: e}
			actors[aid] = a
			order = append(order, aid)
		}
		a.mentions += len(e.Mentions)
	}
	slices.Sort(order)
	seen := row.published
	rows := make([][]any, 0, len(order))
	for _, aid := range order {
		a := actors[aid]
		e := a.e
		rows = append(rows, []any{aid, e.Name, store.FoldName(e.Name), e.Type, e.Code, e.Country, joinList(e.Sectors), boolInt(e.Known), 1, a.mentions, seen, seen})
	}
	return t.insertRows(`INSERT INTO actors (id, name, name_fold, type, code, country, sectors, known, num_docs, num_mentions, first_seen, last_seen)`, rows,
		`ON CONFLICT (id) DO UPDATE SET
				num_docs = actors.num_docs + 1,
				num_mentions = actors.num_mentions + excluded.num_mentions,
				known = CASE WHEN excluded.known > actors.known THEN excluded.known ELSE actors.known END,
				first_seen = CASE WHEN excluded.first_seen <> '' AND (actors.first_seen = '' OR excluded.first_seen < actors.first_seen) THEN excluded.first_seen ELSE actors.first_seen END,
				last_seen = CASE WHEN excluded.last_seen > actors.last_seen THEN excluded.last_seen ELSE actors.last_seen END`)
}

func entityRef(e *sitrep.Entity, i int) string {
	if e.ID != "" {
		return e.ID
	}
	return fmt.Sprintf("t%d", i+1)
}

// insertRows inserts rows with one statement per chunk of rows:
// "prefix VALUES (?, ...), (?, ...) suffix".
func (t *txn) insertRows(prefix string, rows [][]any, suffix string) error {
	return t.insertReturning(prefix, rows, suffix, nil)
}

// insertReturning is insertRows for a suffix with a RETURNING clause:
// scan is called with each row returned.
func (t *txn) insertReturning(prefix string, rows [][]any, suffix string, scan func(*sql.Rows) error) error {
	const chunk = 64
	for len(rows) > 0 {
		n := min(len(rows), chunk)
		var b strings.Builder
		b.WriteString(prefix)
		b.WriteString(" VALUES ")
		args := make([]any, 0, n*len(rows[0]))
		one := "(" + placeholders(len(rows[0])) + ")"
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, rows[i]...)
		}
		if suffix != "" {
			b.WriteString(" ")
			b.WriteString(suffix)
		}
		if scan == nil {
			if _, err := t.exec(b.String(), args...); err != nil {
				return err
			}
		} else if err := t.scanAll(b.String(), args, scan); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// scanAll runs q and calls scan with each row.
func (t *txn) scanAll(q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := t.query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", firstLine(q), err)
	}
	return nil
}

// actorIDOf is the corpus actor id of an event side or speaker: the
// actor of the entity it refers to, else one derived from its name and code.
func actorIDOf(a sitrep.Actor, entityActor map[string]string) string {
	if a.Entity != "" {
		if id, ok := entityActor[a.Entity]; ok {
			return id
		}
	}
	if a.Name == "" && a.Code == "" {
		return ""
	}
	return store.ActorID(a.Name, a.Code)
}

// candidate is a stored event an event mention may belong to.
type candidate struct {
	id   int64
	date string
	key  string
}

// putEvents merges the document's events into the cross-document events:
// it creates the new ones and stores every mention. It returns the number
// of mentions the document adds to each event, for countEvents.
func (t *txn) putEvents(x *sitrep.Extraction, row *docRow, entityActor map[string]string, res *store.PutResult, at time.Time) (map[int64]int, error) {
	if len(x.Events) == 0 {
		return nil, nil
	}
	var origEvents []candidate
	if row.dupOf != "" {
		rows, err := t.query(`SELECT DISTINCT e.id, e.date, e.merge_key FROM event_mentions m JOIN events e ON e.id = m.event_id WHERE m.seq = ?`, row.dupSeq)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c candidate
			if err := rows.Scan(&c.id, &c.date, &c.key); err != nil {
				rows.Close()
				return nil, err
			}
			origEvents = append(origEvents, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		sort.Slice(origEvents, func(i, j int) bool { return origEvents[i].id < origEvents[j].id })
	}
	counts := map[int64]int{}
	refs := map[string]bool{}
	for i := range x.Events {
		ev := &x.Events[i]
		ref := ev.ID
		if ref == "" || refs[ref] {
			ref = fmt.Sprintf("%s#%d", ev.ID, i+1)
		}
		refs[ref] = true
		key := store.MergeKey(ev)
		date := deref(ev.Date)
		var id int64
		if row.dupOf != "" {
			id = pick(origEvents, key, date, true)
		}
		if id == 0 {
			var err error
			if id, err = t.matchEvent(key, date); err != nil {
				return nil, err
			}
		}
		if id == 0 {
			id = store.EventID(row.id, ref)
			if err := t.insertEvent(id, key, ev, x, row, entityActor, at); err != nil {
				return nil, err
			}
			res.NewEvents++
		}
		sent, start, end := ev.Sentence, -1, -1
		if ev.Trigger != nil {
			start, end = ev.Trigger.Start, ev.Trigger.End
		} else if ev.Sentence >= 0 && ev.Sentence < len(x.Sentences) {
			start, end = x.Sentences[ev.Sentence].Start, x.Sentences[ev.Sentence].End
		}
		if _, err := t.exec(`INSERT INTO event_mentions (event_id, seq, doc_id, ref, sentence, start_off, end_off, text, modality, confidence, duplicate)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, row.seq, row.id, ref, sent, start, end, ev.Text, ev.Modality, ev.Confidence, boolInt(row.dupOf != "")); err != nil {
			return nil, err
		}
		counts[id]++
		res.Mentions++
	}
	return counts, nil
}

// countEvents adds the document's mentions to the counters of the events
// (one article per event, one source when source is new to it), in event
// id order: other writers may be counting mentions of the same events.
func (t *txn) countEvents(counts map[int64]int, source string) error {
	if len(counts) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rows := make([][]any, 0, len(ids))
	for _, id := range ids {
		rows = append(rows, []any{id, source})
	}
	newSource := map[int64]bool{}
	err := t.insertReturning(`INSERT INTO event_sources (event_id, source)`, rows, `ON CONFLICT DO NOTHING RETURNING event_id`, func(r *sql.Rows) error {
		var id int64
		if err := r.Scan(&id); err != nil {
			return err
		}
		newSource[id] = true
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := t.exec(`UPDATE events SET num_mentions = num_mentions + ?, num_articles = num_articles + 1, num_sources = num_sources + ? WHERE id = ?`,
			counts[id], boolInt(newSource[id]), id); err != nil {
			return err
		}
	}
	return nil
}

// pick chooses among cands the event of merge key key closest in date to
// date (same day first, then the day before, then the day after). With
// anyDate, the dates of a near duplicate and its original may differ.
func pick(cands []candidate, key, date string, anyDate bool) int64 {
	best, bestRank := int64(0), 1<<30
	for _, c := range cands {
		if c.key != key {
			continue
		}
		rank := dateRank(c.date, date)
		if rank < 0 {
			if !anyDate {
				continue
			}
			rank = 100
		}
		if rank < bestRank {
			best, bestRank = c.id, rank
		}
	}
	return best
}

// dateRank orders the stored date have against the new date want: 0 same,
// 1 the day before, 2 the day after, -1 outside the window.
func dateRank(have, want string) int {
	switch {
	case have == want:
		return 0
	case store.IsDay(want) && have == store.AddDays(want, -1):
		return 1
	case store.IsDay(want) && have == store.AddDays(want, 1):
		return 2
	}
	return -1
}

// matchEvent finds a stored event of merge key key within a day of date.
// Events without a date, or with a month or year date, match the same
// date only; undated events never merge across documents.
func (t *txn) matchEvent(key, date string) (int64, error) {
	if date == "" {
		return 0, nil
	}
	lo, hi := date, date
	if store.IsDay(date) {
		lo, hi = store.AddDays(date, -1), store.AddDays(date, 1)
	}
	rows, err := t.query(`SELECT id, date FROM events WHERE merge_key = ? AND date >= ? AND date <= ? ORDER BY id`, key, lo, hi)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var cands []candidate
	for rows.Next() {
		c := candidate{key: key}
		if err := rows.Scan(&c.id, &c.date); err != nil {
			return 0, err
		}
		cands = append(cands, c)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return pick(cands, key, date, false), nil
}

func (t *txn) insertEvent(id int64, key string, ev *sitrep.Event, x *sitrep.Extraction, row *docRow, entityActor map[string]string, at time.Time) error {
	var placeName, placeCountry string
	var lat, lon any
	hasLoc := 0
	if ev.Location != nil {
		hasLoc = 1
		placeName, placeCountry = ev.Location.Name, ev.Location.Country
		lat, lon = ev.Location.Lat, ev.Location.Lon
	}
	root, base := cameoRoot(ev.CAMEO), cameoBase(ev.CAMEO)
	_, err := t.exec(`INSERT INTO events (id, merge_key, date, date_precision,
		source_actor, source_name, source_code, source_country, source_sectors,
		target_actor, target_name, target_code, target_country, target_sectors,
		cameo, cameo_base, cameo_root, cameo_name, plover, plover_mode, plover_context, goldstein, quad_class,
		has_location, place_name, place_country, lat, lon, modality,
		first_doc, first_url, first_outlet, text, confidence, first_seen, num_mentions, num_sources, num_articles)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)`,
		id, key, deref(ev.Date), ev.DatePrecision,
		actorIDOf(ev.Source, entityActor), ev.Source.Name, ev.Source.Code, ev.Source.Country, joinList(ev.Source.Sectors),
		actorIDOf(ev.Target, entityActor), ev.Target.Name, ev.Target.Code, ev.Target.Country, joinList(ev.Target.Sectors),
		ev.CAMEO, base, root, ev.CAMEOName, ev.PLOVER, ev.PLOVERMode, joinList(ev.PLOVERContext), ev.Goldstein, ev.QuadClass,
		hasLoc, placeName, placeCountry, lat, lon, ev.Modality,
		row.id, row.url, row.outlet, ev.Text, ev.Confidence, at.Format(time.RFC3339Nano))
	return err
}

func cameoRoot(c string) string {
	if len(c) >= 2 {
		return c[:2]
	}
	return c
}

func cameoBase(c string) string {
	if len(c) >= 3 {
		return c[:3]
	}
	return c
}

// putTracking asks the tracker to fold the document's agreements and
// commitments into the canonical ones, then stores them per document
// (linked to their canonical records) and the canonical records.
func (t *txn) putTracking(x *sitrep.Extraction, row *docRow) error {
	if len(x.Agreements) == 0 && len(x.Commitments) == 0 {
		return nil
	}
	tx := *x
	tx.Document.DuplicateOf = nil
	if row.dupOf != "" {
		tx.Document.DuplicateOf = sitrep.StrPtr(row.dupOf)
	}
	// The Tracker may read and rewrite any canonical record: one writer
	// at a time, as late in the transaction as it can be (step 3 in
	// lock.go).
	var k lockKeys
	k.add("tracking")
	if err := t.lock(k); err != nil {
		return err
	}
	keyer, keyed := t.s.tracker.(store.Keyer)
	if keyed {
		if err := t.ensureKeys(keyer); err != nil {
			return err
		}
	}
	view := &trackingView{t: t, agreementSteps: map[string][]sitrep.StatusStep{}, commitmentSteps: map[string][]sitrep.StatusStep{},
		agreementKeys: map[string][]string{}, commitmentKeys: map[string][]string{}}
	if keyed {
		view.keyer = keyer
	}
	up, err := t.s.tracker.Track(t.ctx, view, &tx)
	if err != nil {
		return fmt.Errorf("track agreements and commitments: %w", err)
	}
	if up == nil {
		up = &store.TrackingUpdate{}
	}
	var rows [][]any
	for _, a := range x.Agreements {
		data, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("encode agreement: %w", err)
		}
		var codes []string
		for _, p := range a.Parties {
			codes = append(codes, p.Code, p.Country)
		}
		rows = append(rows, []any{row.seq, a.ID, nullStr(up.AgreementLinks[a.ID]), a.Name, a.Kind, deref(a.Date), a.Status, codeList(codes), string(data)})
	}
	if err := t.insertRows(`INSERT INTO agreements (seq, ref, canonical_id, name, kind, date, status, party_codes, data)`, rows, `ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	rows = rows[:0]
	for _, c := range x.Commitments {
		data, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encode commitment: %w", err)
		}
		rows = append(rows, []any{row.seq, c.ID, nullStr(up.CommitmentLinks[c.ID]), c.Kind, c.Status, c.By.Code, c.By.Country, store.FoldName(c.By.Name),
			c.To.Code, c.To.Country, store.FoldName(c.To.Name), deref(c.Date), string(data)})
	}
	if err := t.insertRows(`INSERT INTO commitments (seq, ref, canonical_id, kind, status, by_code, by_country, by_name, to_code, to_country, to_name, date, data)`, rows, `ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	for _, a := range up.Agreements {
		prev, read := view.agreementSteps[a.ID]
		if err := t.saveCanonicalAgreement(a, prev, read); err != nil {
			return err
		}
		if keyed {
			if err := t.saveKeys("agreement_keys", "agreement_id", a.ID, keyer.AgreementKeys(a), view.agreementKeys); err != nil {
				return err
			}
		}
	}
	for _, c := range up.Commitments {
		prev, read := view.commitmentSteps[c.ID]
		if err := t.saveCanonicalCommitment(c, prev, read); err != nil {
			return err
		}
		if keyed {
			if err := t.saveKeys("commitment_keys", "commitment_id", c.ID, keyer.CommitmentKeys(c), view.commitmentKeys); err != nil {
				return err
			}
		}
	}
	return nil
}

// codeList stores codes as |A|B| so that a LIKE '%|A|%' finds one.
func codeList(codes []string) string {
	var out []string
	seen := map[string]bool{}
	for _, c := range codes {
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return ""
	}
	return "|" + strings.Join(out, "|") + "|"
}

func (t *txn) saveCanonicalAgreement(a store.CanonicalAgreement, prev []sitrep.StatusStep, read bool) error {
	parties, err := json.Marshal(nonNilActors(a.Parties))
	if err != nil {
		return fmt.Errorf("encode parties: %w", err)
	}
	var codes []string
	for _, p := range a.Parties {
		codes = append(codes, p.Code, p.Country)
	}
	aliases, err := json.Marshal(nonNilStrings(a.Aliases))
	if err != nil {
		return fmt.Errorf("encode aliases: %w", err)
	}
	first, last := stepDates(a.Steps)
	if _, err := t.exec(`INSERT INTO canonical_agreements (id, name, kind, date, party_codes, parties, aliases, status, score, first_date, last_date)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, date = excluded.date, party_codes = excluded.party_codes,
			parties = excluded.parties, aliases = excluded.aliases, status = excluded.status, score = excluded.score, first_date = excluded.first_date, last_date = excluded.last_date`,
		a.ID, a.Name, a.Kind, a.Date, codeList(codes), string(parties), string(aliases), a.Status, a.Score, first, last); err != nil {
		return err
	}
	return t.saveSteps("agreement_steps", "agreement_id", a.ID, a.Steps, prev, read)
}

// saveSteps writes the timeline of one canonical record. When the stored
// timeline (prev, as the tracker read it) is a prefix of the new one, only
// the new steps are inserted; otherwise the timeline is rewritten.
func (t *txn) saveSteps(table, col, id string, steps, prev []sitrep.StatusStep, read bool) error {
	from := 0
	if read && len(prev) <= len(steps) && equalSteps(prev, steps[:len(prev)]) {
		from = len(prev)
	} else if _, err := t.exec(`DELETE FROM `+table+` WHERE `+col+` = ?`, id); err != nil {
		return err
	}
	var rows [][]any
	for i := from; i < len(steps); i++ {
		st := steps[i]
		rows = append(rows, []any{id, i, deref(st.Date), st.Status, st.Score, st.Document, st.Sentence, st.Outlet, st.Evidence, st.Start, st.End, st.Contradicts})
	}
	return t.insertRows(`INSERT INTO `+table+` (`+col+`, step, date, status, score, doc_id, sentence, outlet, evidence, start_off, end_off, contradicts)`, rows, "")
}

// equalSteps compares timelines as stored (a nil date as "").
func equalSteps(a, b []sitrep.StatusStep) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if deref(x.Date) != deref(y.Date) || x.Status != y.Status || x.Score != y.Score || x.Document != y.Document ||
			x.Sentence != y.Sentence || x.Outlet != y.Outlet || x.Evidence != y.Evidence || x.Start != y.Start || x.End != y.End || x.Contradicts != y.Contradicts {
			return false
		}
	}
	return true
}

func (t *txn) saveCanonicalCommitment(c store.CanonicalCommitment, prev []sitrep.StatusStep, read bool) error {
	by, err := json.Marshal(c.By)
	if err != nil {
		return fmt.Errorf("encode commitment: %w", err)
	}
	to, err := json.Marshal(c.To)
	if err != nil {
		return fmt.Errorf("encode commitment: %w", err)
	}
	if _, err := t.exec(`INSERT INTO canonical_commitments (id, kind, by_actor, to_actor, by_code, to_code, what, status, agreement_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, by_actor = excluded.by_actor, to_actor = excluded.to_actor, by_code = excluded.by_code,
			to_code = excluded.to_code, what = excluded.what, status = excluded.status, agreement_id = excluded.agreement_id`,
		c.ID, c.Kind, string(by), string(to), codeList([]string{c.By.Code, c.By.Country}), codeList([]string{c.To.Code, c.To.Country}), c.What, c.Status, c.Agreement); err != nil {
		return err
	}
	return t.saveSteps("commitment_steps", "commitment_id", c.ID, c.Steps, prev, read)
}

func stepDates(steps []sitrep.StatusStep) (string, string) {
	first, last := "", ""
	for _, st := range steps {
		d := deref(st.Date)
		if d == "" {
			continue
		}
		if first == "" || d < first {
			first = d
		}
		if d > last {
			last = d
		}
	}
	return first, last
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilActors(a []sitrep.Actor) []sitrep.Actor {
	if a == nil {
		return []sitrep.Actor{}
	}
	return a
}

// trackingView reads canonical records inside the write transaction and
// remembers the timelines it returned, so that saving them back can
// append rather than rewrite.
type trackingView struct {
	t               *txn
	agreementSteps  map[string][]sitrep.StatusStep
	commitmentSteps map[string][]sitrep.StatusStep
	// With a Keyer, the look-up keys of the records as read (the stored
	// ones), so that a record whose keys stay the same keeps them.
	keyer          store.Keyer
	agreementKeys  map[string][]string
	commitmentKeys map[string][]string
}

// keySet is a record's look-up keys as saveKeys stores them: sorted,
// distinct, none empty.
func keySet(keys []string) []string {
	out := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == "" })
	slices.Sort(out)
	return slices.Compact(out)
}

// padArgs fills size arguments with list, repeating its last element: a
// fixed number of placeholders keeps one prepared statement per query.
func padArgs(list []string, size int) []any {
	args := make([]any, size)
	for i := range args {
		args[i] = list[min(i, len(list)-1)]
	}
	return args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func strArgs(l []string) []any {
	out := make([]any, len(l))
	for i, v := range l {
		out[i] = v
	}
	return out
}

func (v *trackingView) AgreementsByID(ctx context.Context, ids []string) ([]store.CanonicalAgreement, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return v.agreements(ctx, "id IN ("+placeholders(len(ids))+")", strArgs(ids))
}

func (v *trackingView) AgreementsByKey(ctx context.Context, keys []string) ([]store.CanonicalAgreement, error) {
	ids, err := v.t.idsByKey("agreement_keys", "agreement_id", keys)
	if err != nil {
		return nil, err
	}
	return v.AgreementsByID(ctx, ids)
}

func (v *trackingView) agreements(ctx context.Context, where string, args []any) ([]store.CanonicalAgreement, error) {
	out, err := v.t.agreementHeads(where, args)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	steps, err := v.t.timelines("agreement_steps", "agreement_id", ids, v.agreementSteps)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Steps = steps[out[i].ID]
		if v.keyer != nil {
			v.agreementKeys[out[i].ID] = keySet(v.keyer.AgreementKeys(out[i]))
		}
	}
	return out, nil
}

// agreementHeads reads canonical agreements without their steps.
func (t *txn) agreementHeads(where string, args []any) ([]store.CanonicalAgreement, error) {
	q := `SELECT id, name, kind, date, parties, aliases, status, score FROM canonical_agreements`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := t.query(q+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("read canonical agreements: %w", err)
	}
	var out []store.CanonicalAgreement
	for rows.Next() {
		var a store.CanonicalAgreement
		var parties, aliases string
		if err := rows.Scan(&a.ID, &a.Name, &a.Kind, &a.Date, &parties, &aliases, &a.Status, &a.Score); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(parties), &a.Parties); err != nil {
			rows.Close()
			return nil, fmt.Errorf("canonical agreement %s: %w", a.ID, err)
		}
		if err := json.Unmarshal([]byte(aliases), &a.Aliases); err != nil {
			rows.Close()
			return nil, fmt.Errorf("canonical agreement %s aliases: %w", a.ID, err)
		}
		out = append(out, a)
	}
	rows.Close()
	return out, rows.Err()
}

func (v *trackingView) CommitmentsByID(ctx context.Context, ids []string) ([]store.CanonicalCommitment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return v.commitments(ctx, "id IN ("+placeholders(len(ids))+")", strArgs(ids))
}

func (v *trackingView) CommitmentsByKey(ctx context.Context, keys []string) ([]store.CanonicalCommitment, error) {
	ids, err := v.t.idsByKey("commitment_keys", "commitment_id", keys)
	if err != nil {
		return nil, err
	}
	return v.CommitmentsByID(ctx, ids)
}

func (v *trackingView) commitments(ctx context.Context, where string, args []any) ([]store.CanonicalCommitment, error) {
	out, err := v.t.commitmentHeads(where, args)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	steps, err := v.t.timelines("commitment_steps", "commitment_id", ids, v.commitmentSteps)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Steps = steps[out[i].ID]
		if v.keyer != nil {
			v.commitmentKeys[out[i].ID] = keySet(v.keyer.CommitmentKeys(out[i]))
		}
	}
	return out, nil
}

// commitmentHeads reads canonical commitments without their steps.
func (t *txn) commitmentHeads(where string, args []any) ([]store.CanonicalCommitment, error) {
	q := `SELECT id, kind, by_actor, to_actor, what, status, agreement_id FROM canonical_commitments`
	if where != "" {
		q += " WHERE " + where
	}
	rows, err := t.query(q+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("read canonical commitments: %w", err)
	}
	var out []store.CanonicalCommitment
	for rows.Next() {
		var c store.CanonicalCommitment
		var by, to string
		if err := rows.Scan(&c.ID, &c.Kind, &by, &to, &c.What, &c.Status, &c.Agreement); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(by), &c.By); err != nil {
			rows.Close()
			return nil, fmt.Errorf("canonical commitment %s: %w", c.ID, err)
		}
		if err := json.Unmarshal([]byte(to), &c.To); err != nil {
			rows.Close()
			return nil, fmt.Errorf("canonical commitment %s: %w", c.ID, err)
		}
		out = append(out, c)
	}
	rows.Close()
	return out, rows.Err()
}

// idsByKey returns the sorted ids of the records that have one of keys in
// a key table, a fixed number of keys per query (one prepared statement).
func (t *txn) idsByKey(table, col string, keys []string) ([]string, error) {
	const chunk = 64
	seen := map[string]bool{}
	for len(keys) > 0 {
		n := min(len(keys), chunk)
		args := padArgs(keys[:n], chunk)
		rows, err := t.query(`SELECT `+col+` FROM `+table+` WHERE key IN (`+placeholders(chunk)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", table, err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			seen[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		keys = keys[n:]
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// saveKeys replaces the look-up keys of one canonical record, unless
// they are those it was read with (stored, in read; nil when the
// record was not read).
func (t *txn) saveKeys(table, col, id string, keys []string, stored map[string][]string) error {
	keys = keySet(keys)
	if old, ok := stored[id]; ok && slices.Equal(old, keys) {
		return nil
	}
	if _, err := t.exec(`DELETE FROM `+table+` WHERE `+col+` = ?`, id); err != nil {
		return err
	}
	rows := make([][]any, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, []any{k, id})
	}
	return t.insertRows(`INSERT INTO `+table+` (key, `+col+`)`, rows, `ON CONFLICT DO NOTHING`)
}

// keySchemeName is the store_meta row of the tracker's key scheme.
const keySchemeName = "tracking_keys"

// ensureKeys rebuilds the look-up keys of every canonical record when the
// Keyer's scheme is not the one they were made with: a store made before
// the keys existed, or a tracker whose rules changed.
func (t *txn) ensureKeys(k store.Keyer) error {
	var have string
	err := t.queryRow(`SELECT value FROM store_meta WHERE name = ?`, keySchemeName).Scan(&have)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read the tracking key scheme: %w", err)
	}
	if have == k.KeyScheme() {
		return nil
	}
	for _, q := range []string{`DELETE FROM agreement_keys`, `DELETE FROM commitment_keys`} {
		if _, err := t.exec(q); err != nil {
			return fmt.Errorf("rebuild tracking keys: %w", err)
		}
	}
	agrs, err := t.agreementHeads("", nil)
	if err != nil {
		return err
	}
	for _, a := range agrs {
		if err := t.saveKeys("agreement_keys", "agreement_id", a.ID, k.AgreementKeys(a), nil); err != nil {
			return fmt.Errorf("rebuild tracking keys: %w", err)
		}
	}
	coms, err := t.commitmentHeads("", nil)
	if err != nil {
		return err
	}
	for _, c := range coms {
		if err := t.saveKeys("commitment_keys", "commitment_id", c.ID, k.CommitmentKeys(c), nil); err != nil {
			return fmt.Errorf("rebuild tracking keys: %w", err)
		}
	}
	if _, err := t.exec(`INSERT INTO store_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, keySchemeName, k.KeyScheme()); err != nil {
		return fmt.Errorf("record the tracking key scheme: %w", err)
	}
	return nil
}

// timelines reads the steps of canonical records (an empty timeline for
// a record without steps) and remembers a copy of each in read.
func (t *txn) timelines(table, col string, ids []string, read map[string][]sitrep.StatusStep) (map[string][]sitrep.StatusStep, error) {
	steps, err := t.stepsOf(table, col, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if steps[id] == nil {
			steps[id] = []sitrep.StatusStep{}
		}
		read[id] = append([]sitrep.StatusStep(nil), steps[id]...)
	}
	return steps, nil
}

// stepsOf reads the status steps of canonical records in the
// transaction, a few hundred records per query.
func (t *txn) stepsOf(table, col string, ids []string) (map[string][]sitrep.StatusStep, error) {
	out := make(map[string][]sitrep.StatusStep, len(ids))
	const chunk = 256
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := padArgs(ids[:n], chunk)
		rows, err := t.query(`SELECT `+col+`, date, status, score, doc_id, sentence, outlet, evidence, start_off, end_off, contradicts FROM `+table+
			` WHERE `+col+` IN (`+placeholders(chunk)+`) ORDER BY `+col+`, step`, args...)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", table, err)
		}
		for rows.Next() {
			var id, date string
			var st sitrep.StatusStep
			if err := rows.Scan(&id, &date, &st.Status, &st.Score, &st.Document, &st.Sentence, &st.Outlet, &st.Evidence, &st.Start, &st.End, &st.Contradicts); err != nil {
				rows.Close()
				return nil, err
			}
			st.Date = sitrep.StrPtr(date)
			out[id] = append(out[id], st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func readSteps(ctx context.Context, q querier, s *DB, table, col, id string) ([]sitrep.StatusStep, error) {
	rows, err := q.QueryContext(ctx, s.rebind(`SELECT date, status, score, doc_id, sentence, outlet, evidence, start_off, end_off, contradicts FROM `+table+` WHERE `+col+` = ? ORDER BY step`), id)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	return scanSteps(rows)
}

func scanSteps(rows *sql.Rows) ([]sitrep.StatusStep, error) {
	defer rows.Close()
	steps := []sitrep.StatusStep{}
	for rows.Next() {
		var st sitrep.StatusStep
		var date string
		if err := rows.Scan(&date, &st.Status, &st.Score, &st.Document, &st.Sentence, &st.Outlet, &st.Evidence, &st.Start, &st.End, &st.Contradicts); err != nil {
			return nil, err
		}
		st.Date = sitrep.StrPtr(date)
		steps = append(steps, st)
	}
	return steps, rows.Err()
}
