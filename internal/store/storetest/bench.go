package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlstore"
)

// benchCountries are the countries of the synthetic events.
var benchCountries = []string{"TUR", "SYR", "ISR", "IRQ", "IRN", "LBN", "JOR", "EGY", "SAU", "QAT", "RUS", "USA", "FRA", "DEU", "UKR", "AZE", "ARM", "GRC"}

var benchSectors = []string{"", "GOV", "MIL", "REB", "COP", "CVL"}

var benchCAMEO = []struct {
	code, plover string
	quad         int
	g            float64
}{{"010", "STATEMENT", 1, 0}, {"036", "CONSULT", 1, 4}, {"042", "CONSULT", 1, 1.9}, {"057", "AGREE", 1, 8}, {"070", "AID", 2, 7},
	{"111", "ACCUSE", 3, -2}, {"130", "THREATEN", 3, -4.4}, {"173", "COERCE", 4, -5}, {"190", "ASSAULT", 4, -10}, {"195", "ASSAULT", 4, -10}}

// Fill inserts n synthetic events (and one document of four sentences per
// four events, for full-text search) straight into the tables of an empty
// store, in batches. It is for benchmarks: the rows are plausible, not
// produced by Put.
func Fill(ctx context.Context, db *sql.DB, numbered bool, n int) error {
	rng := rand.New(rand.NewPCG(7, 7))
	g, err := corpus.Generate(corpus.GenOptions{N: 2000, Seed: 7})
	if err != nil {
		return err
	}
	var sentences, titles []string
	for _, r := range g.Records {
		titles = append(titles, r.Title)
		for _, s := range strings.SplitAfter(r.Text, ". ") {
			if s = strings.TrimSpace(s); s != "" {
				sentences = append(sentences, s)
			}
		}
	}
	const batch = 500
	insert := func(tx *sql.Tx, prefix string, cols int, rows [][]any) error {
		if len(rows) == 0 {
			return nil
		}
		one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
		q := prefix + " VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", len(rows)), ", ")
		args := make([]any, 0, cols*len(rows))
		for _, r := range rows {
			args = append(args, r...)
		}
		_, err := tx.ExecContext(ctx, sqlstore.Rebind(q, numbered), args...)
		return err
	}
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	now := time.Now().UTC().Format(time.RFC3339Nano)
	for done := 0; done < n; {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for k := 0; k < 100 && done < n; k++ {
			var evs, docs, sents [][]any
			for i := 0; i < batch && done < n; i, done = i+1, done+1 {
				src := benchCountries[rng.IntN(len(benchCountries))]
				tgt := benchCountries[rng.IntN(len(benchCountries))]
				ss, ts := benchSectors[rng.IntN(len(benchSectors))], benchSectors[rng.IntN(len(benchSectors))]
				c := benchCAMEO[rng.IntN(len(benchCAMEO))]
				date := start.AddDate(0, 0, rng.IntN(3650)).Format("2006-01-02")
				docID := fmt.Sprintf("bench-%07d", done/4)
				srcName, tgtName := "Actor "+src+ss, "Actor "+tgt+ts
				key := src + ss + "|" + tgt + ts + "|" + c.code + "||"
				evs = append(evs, []any{int64(done + 1), key, date, "day",
					store.ActorID(srcName, src+ss), srcName, src + ss, src, ss,
					store.ActorID(tgtName, tgt+ts), tgtName, tgt + ts, tgt, ts,
					c.code, c.code[:3], c.code[:2], "", c.plover, "", "", c.g, c.quad,
					0, "", "", nil, nil, "asserted", docID, "", "Bench Wire", sentences[done%len(sentences)], 0.8, now, 1, 1, 1})
				if done%4 == 0 {
					seq := int64(done/4 + 1)
					docs = append(docs, []any{seq, docID, docID, titles[done/4%len(titles)], "Bench Wire", date, now, "", "{}", 4, 4})
					for j := 0; j < 4; j++ {
						s := sentences[(done+j*7919)%len(sentences)]
						sents = append(sents, []any{seq, j, 0, len(s), s})
					}
				}
			}
			if err := insert(tx, `INSERT INTO events (id, merge_key, date, date_precision,
				source_actor, source_name, source_code, source_country, source_sectors,
				target_actor, target_name, target_code, target_country, target_sectors,
				cameo, cameo_base, cameo_root, cameo_name, plover, plover_mode, plover_context, goldstein, quad_class,
				has_location, place_name, place_country, lat, lon, modality,
				first_doc, first_url, first_outlet, text, confidence, first_seen, num_mentions, num_sources, num_articles)`, 38, evs); err != nil {
				tx.Rollback()
				return fmt.Errorf("fill events: %w", err)
			}
			if err := insert(tx, `INSERT INTO documents (seq, id, sha256, title, outlet, published, ingested_at, text, extraction, num_sentences, num_events)`, 11, docs); err != nil {
				tx.Rollback()
				return fmt.Errorf("fill documents: %w", err)
			}
			for len(sents) > 0 {
				m := min(len(sents), batch)
				if err := insert(tx, `INSERT INTO sentences (seq, idx, start_off, end_off, text)`, 5, sents[:m]); err != nil {
					tx.Rollback()
					return fmt.Errorf("fill sentences: %w", err)
				}
				sents = sents[m:]
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	for _, name := range []string{"Actor TURMIL", "Actor SYRGOV"} {
		code := strings.TrimPrefix(name, "Actor ")
		if _, err := db.ExecContext(ctx, sqlstore.Rebind(`INSERT INTO actors (id, name, name_fold, type, code, country, sectors, known, num_docs, num_mentions, first_seen, last_seen)
			VALUES (?, ?, ?, 'ORG', ?, ?, '', 1, 1, 1, '', '')`, numbered), store.ActorID(name, code), name, store.FoldName(name), code, code[:3]); err != nil {
			return fmt.Errorf("fill actors: %w", err)
		}
		if _, err := db.ExecContext(ctx, sqlstore.Rebind(`INSERT INTO actor_names (name_fold, actor_id) VALUES (?, ?)`, numbered), store.FoldName(name), store.ActorID(name, code)); err != nil {
			return fmt.Errorf("fill actor names: %w", err)
		}
	}
	return nil
}

// BenchQueries measures the latency of event and search queries on a
// store filled by Fill, reporting the 95th percentile in milliseconds.
func BenchQueries(b *testing.B, s store.Store) {
	ctx := context.Background()
	type q struct {
		name string
		run  func(i int) error
	}
	ev := func(f func(i int) store.EventFilter) func(int) error {
		return func(i int) error {
			evs, err := s.Events(ctx, f(i))
			if err == nil && len(evs) == 0 {
				err = fmt.Errorf("no events for %+v", f(i))
			}
			return err
		}
	}
	search := func(words []string) func(int) error {
		return func(i int) error {
			hits, err := s.Search(ctx, store.SearchQuery{Text: words[i%len(words)], Limit: 20})
			if err == nil && len(hits) == 0 {
				err = fmt.Errorf("no hits for %q", words[i%len(words)])
			}
			return err
		}
	}
	queries := []q{
		{"events-actor-country", ev(func(i int) store.EventFilter {
			return store.EventFilter{Actor: benchCountries[i%len(benchCountries)], Limit: 50}
		})},
		{"events-actor-code", ev(func(i int) store.EventFilter {
			return store.EventFilter{Actor: benchCountries[i%len(benchCountries)] + "MIL", Limit: 50}
		})},
		{"events-actor-name", ev(func(i int) store.EventFilter {
			return store.EventFilter{Actor: []string{"Actor TURMIL", "actor syrgov"}[i%2], Limit: 50}
		})},
		{"events-actor-since-type", ev(func(i int) store.EventFilter {
			return store.EventFilter{Actor: benchCountries[i%len(benchCountries)], Since: "2024-01-01", Type: "ASSAULT", Limit: 50}
		})},
		{"events-dyad", ev(func(i int) store.EventFilter {
			return store.EventFilter{Source: benchCountries[i%len(benchCountries)], Target: benchCountries[(i+1)%len(benchCountries)], Either: true, Limit: 50}
		})},
		{"search-common", search([]string{"officials", "border", "ministry said", "minister"})},
		{"search-phrase", search([]string{`"air defences"`, `"defence ministry"`, `"joint patrol"`})},
		{"search-rare", search([]string{"Thessaloniki", "Gyumri convoy", "Aqaba drone"})},
	}
	for _, qq := range queries {
		b.Run(qq.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if err := qq.run(i); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			p95 := lat[(len(lat)*95)/100]
			if len(lat) < 20 {
				p95 = lat[len(lat)-1]
			}
			b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		})
	}
}
