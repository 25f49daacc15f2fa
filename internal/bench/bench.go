// Package bench measures sitrep on the machine it runs on: extraction
// throughput on the project's generated corpus, ingest rate into SQLite
// and PostgreSQL, query latency over stores of 100,000 and 1,000,000
// events, and peak memory. `sitrep bench` runs it and writes the report
// as JSON; docs/BENCH.md explains how to read it.
package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ops"
	"github.com/sitrep/sitrep/internal/pipeline"
)

// Options size a run. Zero values take the defaults noted.
type Options struct {
	// Docs is the number of generated documents for the extraction and
	// ingest measures (1000).
	Docs int
	// Seed of the generated corpus (1).
	Seed uint64
	// Corpus is a JSON-lines file of real documents ({"id","text",...})
	// to measure instead of the generated corpus (its first Docs records).
	Corpus string
	// Workers are the ingest worker counts to measure (1 and 2).
	Workers []int
	// Postgres is a PostgreSQL DSN; PostgreSQL is skipped when empty.
	// The bench works in schemas of its own, dropped at the end.
	Postgres string
	// Dir holds the SQLite files (a temporary directory when empty).
	Dir string
	// EventSizes are the store sizes, in events, at which queries are
	// timed (100,000 and 1,000,000), per store.
	EventSizes []int
	// PostgresEventSizes overrides EventSizes for PostgreSQL.
	PostgresEventSizes []int
	// Queries is the number of queries of each kind timed per size (200).
	Queries int
	// QueryBudget caps the time spent on one kind of query at one size
	// (8 s): fewer queries are then timed (at least 10), as QueryStats.N
	// says.
	QueryBudget time.Duration
	// MaxTime bounds the whole run (9 min 30 s): what is not done by
	// then is left out of the report, with a note.
	MaxTime time.Duration
	// IngestDocs is the number of documents of the ingest measures (500,
	// at most Docs).
	IngestDocs int
	// EventsPerDoc is the number of events of each synthetic document
	// loaded for the query measures (40).
	EventsPerDoc int
	// DictDirs are user dictionaries for the pipeline.
	DictDirs []string
	// Skip names parts to leave out: extract, ingest, query, sqlite,
	// postgres.
	Skip []string
	// Progress, when set, gets a line at each step.
	Progress func(format string, args ...any)
}

func (o *Options) defaults() {
	if o.Docs <= 0 {
		o.Docs = 1000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if len(o.Workers) == 0 {
		o.Workers = []int{1, 2}
	}
	if len(o.EventSizes) == 0 {
		o.EventSizes = []int{100_000, 1_000_000}
	}
	if len(o.PostgresEventSizes) == 0 {
		o.PostgresEventSizes = o.EventSizes
	}
	if o.Queries <= 0 {
		o.Queries = 200
	}
	if o.QueryBudget <= 0 {
		o.QueryBudget = 8 * time.Second
	}
	if o.MaxTime <= 0 {
		o.MaxTime = 9*time.Minute + 30*time.Second
	}
	if o.IngestDocs <= 0 {
		o.IngestDocs = 500
	}
	o.IngestDocs = min(o.IngestDocs, o.Docs)
	if o.EventsPerDoc <= 0 {
		o.EventsPerDoc = 40
	}
	if o.Progress == nil {
		o.Progress = func(string, ...any) {}
	}
}

func (o *Options) skip(part string) bool {
	for _, s := range o.Skip {
		if strings.EqualFold(strings.TrimSpace(s), part) {
			return true
		}
	}
	return false
}

// Report is the result of a run.
type Report struct {
	Version   string    `json:"version"`
	GoVersion string    `json:"go_version"`
	OS        string    `json:"os"`
	Arch      string    `json:"arch"`
	CPUs      int       `json:"cpus"`
	CPUModel  string    `json:"cpu_model,omitempty"`
	Started   time.Time `json:"started"`
	Seconds   float64   `json:"seconds"`
	// Options as run.
	Docs         int    `json:"docs"`
	Corpus       string `json:"corpus"`
	Seed         uint64 `json:"seed"`
	EventsPerDoc int    `json:"events_per_doc"`
	Queries      int    `json:"queries_per_kind"`

	Extraction *Extraction  `json:"extraction,omitempty"`
	Ingest     []Ingest     `json:"ingest,omitempty"`
	Loads      []Load       `json:"loads,omitempty"`
	Latency    []QueryStats `json:"query_latency,omitempty"`
	// PeakRSSBytes is the peak resident memory of the process (VmHWM).
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
	// Notes say what was skipped and why.
	Notes []string `json:"notes,omitempty"`
}

// Run measures and returns the report. It stops early when ctx ends,
// returning what was measured so far with the error.
func Run(ctx context.Context, opts Options) (*Report, error) {
	opts.defaults()
	start := time.Now()
	r := &Report{
		Version: sitrep.Version, GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		CPUs: runtime.GOMAXPROCS(0), CPUModel: cpuModel(), Started: start.UTC(),
		Docs: opts.Docs, Corpus: cmp.Or(opts.Corpus, "generated"), Seed: opts.Seed, EventsPerDoc: opts.EventsPerDoc, Queries: opts.Queries,
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, opts.MaxTime)
	defer cancel()
	finish := func(err error) (*Report, error) {
		r.Seconds = time.Since(start).Seconds()
		r.PeakRSSBytes = ops.PeakRSS()
		if err != nil && parent.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			r.Notes = append(r.Notes, fmt.Sprintf("stopped after --max-time %s: %v; the rest was not measured", opts.MaxTime, err))
			err = nil
		}
		return r, err
	}
	if opts.Dir == "" {
		dir, err := os.MkdirTemp("", "sitrep-bench-")
		if err != nil {
			return finish(err)
		}
		defer os.RemoveAll(dir)
		opts.Dir = dir
	}
	opts.Progress("loading the dictionaries")
	p, err := pipeline.New(pipeline.Options{DictDirs: opts.DictDirs})
	if err != nil {
		return finish(err)
	}
	c, err := newCorpus(ctx, opts.Docs, opts.Seed, opts.Corpus)
	if err != nil {
		return finish(err)
	}
	if !opts.skip("extract") {
		opts.Progress("extraction: %d documents, %.1f MB", len(c.docs), float64(c.bytes)/1e6)
		x, err := measureExtraction(ctx, p, c)
		r.Extraction = x
		if err != nil {
			return finish(err)
		}
	}
	stores := []string{"sqlite"}
	if opts.Postgres != "" {
		stores = append(stores, "postgres")
	} else {
		r.Notes = append(r.Notes, "PostgreSQL skipped: no --postgres DSN (or SITREP_POSTGRES)")
	}
	var live []string
	for _, s := range stores {
		if !opts.skip(s) {
			live = append(live, s)
		}
	}
	if !opts.skip("ingest") {
		for _, s := range live {
			for _, w := range opts.Workers {
				opts.Progress("ingest into %s with %d worker(s): %d documents", s, w, opts.IngestDocs)
				in, err := measureIngest(ctx, &opts, s, w, p, c)
				if err != nil {
					return finish(fmt.Errorf("ingest into %s: %w", s, err))
				}
				r.Ingest = append(r.Ingest, *in)
			}
		}
	}
	if !opts.skip("query") {
		for _, s := range live {
			sizes := opts.EventSizes
			if s == "postgres" {
				sizes = opts.PostgresEventSizes
			}
			loads, lat, err := measureQueries(ctx, &opts, s, sizes, p, c)
			r.Loads = append(r.Loads, loads...)
			r.Latency = append(r.Latency, lat...)
			if err != nil {
				return finish(fmt.Errorf("queries on %s: %w", s, err))
			}
		}
	}
	return finish(nil)
}

// cpuModel reads the processor name from /proc/cpuinfo.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
