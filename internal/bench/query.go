package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
)

// Load is the filling of a store with synthetic documents up to a size.
type Load struct {
	Store        string  `json:"store"`
	TargetEvents int     `json:"target_events"`
	Events       int     `json:"events"`
	Documents    int     `json:"documents"`
	Sentences    int     `json:"sentences"`
	Seconds      float64 `json:"seconds"`
	EventsPerSec float64 `json:"events_per_second"`
	// Method is how the rows were made: "store" (Put of synthetic
	// documents) or copies of those rows in SQL.
	Method string `json:"method"`
	// Bytes is the size of the store (tables and indexes).
	Bytes int64 `json:"bytes"`
}

// QueryStats are the latencies of one kind of query at one store size.
type QueryStats struct {
	Store     string  `json:"store"`
	Events    int     `json:"events"`
	Documents int     `json:"documents"`
	Kind      string  `json:"kind"`
	N         int     `json:"n"`
	P50Ms     float64 `json:"p50_ms"`
	P95Ms     float64 `json:"p95_ms"`
	P99Ms     float64 `json:"p99_ms"`
	MeanMs    float64 `json:"mean_ms"`
	MaxMs     float64 `json:"max_ms"`
	MeanRows  float64 `json:"mean_rows"`
}

// pool is what synthetic documents are made of: the sentences and events
// the pipeline found in the generated corpus.
type pool struct {
	sentences []string
	events    []sitrep.Event
	titles    []string
	outlets   []string
	words     []string // for search: words of 5+ letters seen 3+ times
	pairs     [][2]string
	countries []string
	plovers   []string
	roots     []string
}

func newPool(ctx context.Context, p *pipeline.Pipeline, c *benchCorpus) (*pool, error) {
	pl := &pool{}
	freq := map[string]int{}
	seen := map[string]bool{}
	add := func(l *[]string, v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			*l = append(*l, v)
		}
	}
	for _, d := range c.docs[:min(600, len(c.docs))] {
		x, err := p.Extract(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("extract %s: %w", d.ID, err)
		}
		for _, s := range x.Sentences {
			t := d.Text[s.Start:s.End]
			pl.sentences = append(pl.sentences, t)
			ws := strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) })
			for i, w := range ws {
				w = strings.ToLower(w)
				if len(w) >= 5 {
					freq[w]++
				}
				if i > 0 && len(w) >= 4 && len(ws[i-1]) >= 4 {
					pl.pairs = append(pl.pairs, [2]string{strings.ToLower(ws[i-1]), w})
				}
			}
		}
		pl.events = append(pl.events, x.Events...)
		add(&pl.titles, d.Title)
		add(&pl.outlets, "outlet:"+d.Outlet)
		for _, e := range x.Events {
			add(&pl.countries, "c:"+e.Source.Country)
			add(&pl.countries, "c:"+e.Target.Country)
			add(&pl.plovers, "p:"+e.PLOVER)
			if len(e.CAMEO) >= 2 {
				add(&pl.roots, "r:"+e.CAMEO[:2])
			}
		}
	}
	strip := func(l []string) []string {
		out := l[:0]
		for _, v := range l {
			_, v, _ = strings.Cut(v, ":")
			if v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	pl.outlets, pl.countries, pl.plovers, pl.roots = strip(pl.outlets), strip(pl.countries), strip(pl.plovers), strip(pl.roots)
	for w, n := range freq {
		if n >= 3 {
			pl.words = append(pl.words, w)
		}
	}
	sort.Strings(pl.words)
	if len(pl.sentences) == 0 || len(pl.events) == 0 || len(pl.words) == 0 || len(pl.countries) == 0 {
		return nil, fmt.Errorf("the corpus gave no sentences or events to build synthetic documents from")
	}
	return pl, nil
}

var day0 = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

const days = 3 * 365

// synthetic makes document k: sentences drawn at random from the pool
// (so that no two documents are near duplicates) and events copied from
// the pool's, each at a date around the publication date and a place of
// its own, so that few of them merge across documents.
func (pl *pool) synthetic(rng *rand.Rand, k, nSent, nEvents int) *sitrep.Extraction {
	pub := day0.AddDate(0, 0, rng.IntN(days))
	pubs := pub.Format("2006-01-02")
	var b strings.Builder
	sents := make([]sitrep.Sentence, 0, nSent)
	for i := range nSent {
		if i > 0 {
			b.WriteByte(' ')
		}
		start := b.Len()
		b.WriteString(pl.sentences[rng.IntN(len(pl.sentences))])
		sents = append(sents, sitrep.Sentence{Index: i, Start: start, End: b.Len()})
	}
	text := b.String()
	x := &sitrep.Extraction{
		Document: sitrep.Document{
			ID: fmt.Sprintf("synthetic-%08d", k), Title: pl.titles[rng.IntN(len(pl.titles))],
			Outlet: pl.outlets[rng.IntN(len(pl.outlets))], Published: &pubs, PublishedSource: sitrep.PublishedInput,
			Language: "en", Offsets: "bytes", Text: text,
		},
		Sentences: sents, Dates: []sitrep.DateExpr{}, Entities: []sitrep.Entity{}, Quotes: []sitrep.Quote{},
		Agreements: []sitrep.Agreement{}, Commitments: []sitrep.Commitment{},
	}
	for i := range nEvents {
		e := pl.events[rng.IntN(len(pl.events))]
		s := sents[rng.IntN(len(sents))]
		d := pub.AddDate(0, 0, -rng.IntN(3)).Format("2006-01-02")
		country := e.Target.Country
		if country == "" {
			country = e.Source.Country
		}
		ev := sitrep.Event{
			ID: fmt.Sprintf("E%d", i+1), Source: e.Source, Target: e.Target,
			CAMEO: e.CAMEO, CAMEOName: e.CAMEOName, PLOVER: e.PLOVER, PLOVERMode: e.PLOVERMode,
			Goldstein: e.Goldstein, QuadClass: e.QuadClass, Date: &d, DatePrecision: sitrep.PrecisionDay,
			DateSource: "sentence", Modality: sitrep.ModalityAsserted, Sentence: s.Index,
			Text: text[s.Start:s.End], Confidence: 0.8,
			Location: &sitrep.Location{Name: fmt.Sprintf("Sector %d", 1+rng.IntN(5000)), Country: country},
		}
		ev.Source.Entity, ev.Target.Entity = "", ""
		x.Events = append(x.Events, ev)
	}
	return x
}

// measureQueries fills a fresh store of the kind up to each size in turn
// and times queries at each.
func measureQueries(ctx context.Context, o *Options, kind string, sizes []int, p *pipeline.Pipeline, c *benchCorpus) ([]Load, []QueryStats, error) {
	o.Progress("query measures on %s: building the synthetic pool", kind)
	pl, err := newPool(ctx, p, c)
	if err != nil {
		return nil, nil, err
	}
	st, done, err := freshStore(ctx, o, kind, "query")
	if err != nil {
		return nil, nil, err
	}
	defer done()
	sizes = slices.Clone(sizes)
	sort.Ints(sizes)
	rng := rand.New(rand.NewPCG(o.Seed, 0xbe7c4))
	var loads []Load
	var stats []QueryStats
	events, k := 0, 0
	var baseEvents, copies int
	var baseSeq int64
	const nSent = 20
	for i, size := range sizes {
		start := time.Now()
		from := events
		method := "store"
		if i == 0 {
			o.Progress("loading %s up to %d events through the store", kind, size)
			last := time.Now()
			for events < size {
				if err := ctx.Err(); err != nil {
					return loads, stats, err
				}
				k++
				x := pl.synthetic(rng, k, nSent, o.EventsPerDoc)
				res, err := st.Put(ctx, x, store.PutOptions{})
				if err != nil {
					return loads, stats, fmt.Errorf("load: %w", err)
				}
				events += res.NewEvents
				if time.Since(last) > 15*time.Second {
					last = time.Now()
					o.Progress("  %s: %d events, %.0f events/s", kind, events, float64(events-from)/time.Since(start).Seconds())
				}
			}
			if baseSeq, err = maxSeq(ctx, st); err != nil {
				return loads, stats, err
			}
			cnt, err := st.Counts(ctx)
			if err != nil {
				return loads, stats, err
			}
			baseEvents, copies = cnt.Events, 1
		} else {
			factor := (size + baseEvents - 1) / baseEvents
			method = fmt.Sprintf("copies of the first %d events (x%d)", baseEvents, factor)
			o.Progress("copying rows of %s up to %d events (x%d)", kind, size, factor)
			if err := amplify(ctx, st, kind, baseSeq, copies, factor); err != nil {
				return loads, stats, err
			}
			copies = factor
		}
		el := time.Since(start).Seconds()
		cnt, err := st.Counts(ctx)
		if err != nil {
			return loads, stats, err
		}
		events = cnt.Events
		ld := Load{Store: kind, TargetEvents: size, Events: cnt.Events, Documents: cnt.Documents,
			Sentences: cnt.Sentences, Seconds: el, EventsPerSec: float64(events-from) / el, Method: method}
		if b, err := storeBytes(ctx, st, kind); err == nil {
			ld.Bytes = b
		}
		loads = append(loads, ld)
		o.Progress("timing queries on %s at %d events (%d documents)", kind, cnt.Events, cnt.Documents)
		qs, err := timeQueries(ctx, st, pl, rng, o.Queries, o.QueryBudget)
		for i := range qs {
			qs[i].Store, qs[i].Events, qs[i].Documents = kind, cnt.Events, cnt.Documents
		}
		stats = append(stats, qs...)
		if err != nil {
			return loads, stats, err
		}
	}
	return loads, stats, nil
}

// queryKind is one kind of query, made at random from the pool.
type queryKind struct {
	name string
	run  func(ctx context.Context, st store.Store, pl *pool, rng *rand.Rand) (int, error)
}

var queryKinds = []queryKind{
	{"events: latest", func(ctx context.Context, st store.Store, pl *pool, rng *rand.Rand) (int, error) {
		r, err := st.Events(ctx, store.EventFilter{Limit: 50})
		return len(r), err
	}},
	{"events: actor (country)", func(ctx context.Context, st store.Store, pl *pool, rng *rand.Rand) (int, error) {
		r, err := st.Events(ctx, store.EventFilter{Actor: pick(rng, pl.countries), Limit: 50})
		return len(r), err
	}},
	{"events: dyad", func(ctx context.Context, st store.Store, pl *pool, rng *rand.Rand) (int, error) {
		e := pl.events[rng.IntN(len(pl.events))]
		a, b := e.Source.Country, e.Target.Country
		if a == "" || b == "" {
			a, b = pick(rng, pl.countries), pick(rng, pl.countries)
		}
		r, err := st.Events(ctx, store.EventFilter{Source: a, Target: b, Either: true, Limit: 50})
		return len(r), err
	}},
	{"events: type in a month", func(ctx context.Context, st store.Store, pl *pool, rng *rand.Rand) (int, error) {
		from := day0.AddDate(0, 0, rng.IntN(days-30))
		r, err := st.Events(ctx, store.EventFilter{Type: pick(rng, pl.plovers), Since: from.Format("2006-01-02"),
			Until: from.AddDate(0, 0, 30).Format("2006-01-02"), Limit: 50})
		return len(r), err
	}},
	{"events: CAMEO root", func(ctx context.Context, st store.Store, pl *pool, rng *rand.Rand) (int, error) {
		r, err := st.Events(ctx, store.EventFilter{CAMEO: pick(rng, pl.roots), Limit: 50})
		return len(r), err
	}},
	{"search: word", func(ctx context.Context, st store.Store, pl *pool, rng *rand.Rand) (int, error) {
		r, err := st.Search(ctx, store.SearchQuery{Text: pick(rng, pl.words), Limit: 20})
		return len(r), err
	}},
	{"search: two words", func(ctx context.Context, st store.Store, pl *pool, rng *rand.Rand) (int, error) {
		r, err := st.Search(ctx, store.SearchQuery{Text: pick(rng, pl.words) + " " + pick(rng, pl.words), Limit: 20})
		return len(r), err
	}},
	{"search: phrase", func(ctx context.Context, st store.Store, pl *pool, rng *rand.Rand) (int, error) {
		pr := pl.pairs[rng.IntN(len(pl.pairs))]
		r, err := st.Search(ctx, store.SearchQuery{Text: `"` + pr[0] + " " + pr[1] + `"`, Limit: 20})
		return len(r), err
	}},
}

func pick(rng *rand.Rand, l []string) string { return l[rng.IntN(len(l))] }

// timeQueries times n queries of each kind, or as many as fit in budget
// (the slow kinds of a large store would otherwise take minutes).
func timeQueries(ctx context.Context, st store.Store, pl *pool, rng *rand.Rand, n int, budget time.Duration) ([]QueryStats, error) {
	var out []QueryStats
	for _, k := range queryKinds {
		for range min(10, n) { // warm up
			if _, err := k.run(ctx, st, pl, rng); err != nil {
				return out, fmt.Errorf("%s: %w", k.name, err)
			}
		}
		lat := make([]float64, 0, n)
		rows := 0
		began := time.Now()
		for i := 0; i < n && (i < 10 || time.Since(began) < budget); i++ {
			start := time.Now()
			r, err := k.run(ctx, st, pl, rng)
			if err != nil {
				return out, fmt.Errorf("%s: %w", k.name, err)
			}
			lat = append(lat, float64(time.Since(start).Microseconds())/1000)
			rows += r
		}
		q := summarize(lat)
		q.Kind, q.MeanRows = k.name, float64(rows)/float64(len(lat))
		out = append(out, q)
	}
	return out, nil
}

// summarize computes nearest-rank percentiles of latencies in ms.
func summarize(lat []float64) QueryStats {
	q := QueryStats{N: len(lat)}
	if len(lat) == 0 {
		return q
	}
	s := slices.Clone(lat)
	sort.Float64s(s)
	rank := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	sum := 0.0
	for _, v := range s {
		sum += v
	}
	q.P50Ms, q.P95Ms, q.P99Ms, q.MaxMs, q.MeanMs = rank(0.50), rank(0.95), rank(0.99), s[len(s)-1], sum/float64(len(s))
	return q
}
