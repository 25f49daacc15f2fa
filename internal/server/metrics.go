package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/sitrep/sitrep/internal/ops"
	"github.com/sitrep/sitrep/internal/store"
)

// storeCountsEvery is how often a scrape of /metrics counts the store's
// records again: counting reads every table, so it is not done on every
// scrape.
const storeCountsEvery = time.Minute

// storeCountsTimeout bounds one count of the store's records.
const storeCountsTimeout = 10 * time.Second

// storeCounts keeps sitrep_store_records{kind} up to date, counting at
// most once every storeCountsEvery, when /metrics is scraped.
type storeCounts struct {
	st      store.Store
	log     *slog.Logger
	records *ops.GaugeVec
	errors  *ops.Counter

	mu   sync.Mutex
	last time.Time
}

func newStoreCounts(reg *ops.Registry, st store.Store, log *slog.Logger) *storeCounts {
	return &storeCounts{
		st:      st,
		log:     log,
		records: reg.GaugeVec("sitrep_store_records", "Records in the store by kind (as GET /api/v1/counts gives them), counted at most once a minute when /metrics is scraped.", "kind"),
		errors:  reg.Counter("sitrep_store_count_errors_total", "Failed counts of the store's records (the last counts are kept)."),
	}
}

// refresh counts the records when the last count is older than
// storeCountsEvery. Concurrent scrapes wait for one count.
func (c *storeCounts) refresh(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.last.IsZero() && time.Since(c.last) < storeCountsEvery {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, storeCountsTimeout)
	defer cancel()
	n, err := c.st.Counts(cctx)
	if err != nil {
		c.errors.Inc()
		c.log.Warn("metrics: count the store's records", "err", err)
		return
	}
	c.last = time.Now()
	for kind, v := range map[string]int{
		"documents":             n.Documents,
		"duplicates":            n.Duplicates,
		"sentences":             n.Sentences,
		"entities":              n.Entities,
		"actors":                n.Actors,
		"events":                n.Events,
		"mentions":              n.Mentions,
		"quotes":                n.Quotes,
		"agreements":            n.Agreements,
		"commitments":           n.Commitments,
		"canonical_agreements":  n.CanonicalAgreements,
		"canonical_commitments": n.CanonicalCommitments,
		"feeds":                 n.Feeds,
	} {
		c.records.With(kind).Set(float64(v))
	}
}

// refreshing counts the records (when due) before next writes the metrics.
func (c *storeCounts) refreshing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.refresh(r.Context())
		next.ServeHTTP(w, r)
	})
}

// storeReady is the readiness check of the store: it answers a query.
func (s *Server) storeReady(ctx context.Context) error {
	if _, err := s.opts.Store.Documents(ctx, store.DocFilter{Limit: 1}); err != nil {
		return fmt.Errorf("not answering: %w", err)
	}
	return nil
}
