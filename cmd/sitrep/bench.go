package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sitrep/sitrep/internal/bench"
	"github.com/sitrep/sitrep/internal/ops"
)

// intList is a comma-separated list of integers (1,2 or 100000,1000000).
type intList []int

func (l *intList) String() string {
	var s []string
	for _, v := range *l {
		s = append(s, strconv.Itoa(v))
	}
	return strings.Join(s, ",")
}

func (l *intList) Set(v string) error {
	var out []int
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(strings.ReplaceAll(f, "_", ""))
		if f == "" {
			continue
		}
		mult := 1
		switch {
		case strings.HasSuffix(f, "k"):
			mult, f = 1000, strings.TrimSuffix(f, "k")
		case strings.HasSuffix(f, "M"):
			mult, f = 1_000_000, strings.TrimSuffix(f, "M")
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n*mult)
	}
	*l = out
	return nil
}

func runBench(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bench", "[flags]", `
Measure sitrep on this machine and write a JSON report (--out) with a
summary on stdout:

  extraction   sentences/s and MB/s of the pipeline, one core and all cores,
               on the project's generated corpus (--docs documents)
  ingest       documents/s into a fresh SQLite store and, with --postgres,
               a fresh PostgreSQL schema, with each --workers count
  queries      p50/p95/p99 latency of event listings and full-text search
               after filling a store with synthetic documents up to each
               --events size (PostgreSQL: --pg-events)
  memory       peak resident memory of the run (VmHWM)

The defaults run in about 8 minutes on two cores (a kind of query gets at
most --query-budget per size); --quick takes about a minute. PostgreSQL work happens in schemas of its own, dropped at
the end. See docs/BENCH.md for how to read the report.`)
	var o bench.Options
	docs := fs.Int("docs", 1000, "generated documents for the extraction and ingest measures")
	seed := fs.Uint64("seed", 1, "seed of the generated corpus")
	fs.StringVar(&o.Corpus, "corpus", "", "measure the documents of this JSON-lines `FILE` ({\"id\",\"text\",...}) instead of the generated corpus")
	workers := intList{1, 2}
	fs.Var(&workers, "workers", "ingest worker `COUNTS`, comma-separated")
	events := intList{100_000, 1_000_000}
	fs.Var(&events, "events", "store `SIZES` in events at which queries are timed (100k,1M)")
	pgEvents := intList{100_000, 1_000_000}
	fs.Var(&pgEvents, "pg-events", "the same for PostgreSQL")
	fs.StringVar(&o.Postgres, "postgres", "", "PostgreSQL `DSN` to measure as well (postgres://user@host/db); schemas are created and dropped")
	fs.IntVar(&o.Queries, "queries", 200, "queries of each kind timed at each size")
	fs.DurationVar(&o.QueryBudget, "query-budget", 8*time.Second, "at most this long on one kind of query at one size (at least 10 queries)")
	fs.DurationVar(&o.MaxTime, "max-time", 9*time.Minute+30*time.Second, "stop measuring after this long and write what was measured")
	fs.IntVar(&o.IngestDocs, "ingest-docs", 500, "documents of the ingest measures (at most --docs)")
	fs.IntVar(&o.EventsPerDoc, "events-per-doc", 40, "events in each synthetic document of the query measures")
	var skip stringList
	fs.Var(&skip, "skip", "leave out a part: extract, ingest, query, sqlite or postgres (repeatable)")
	out := fs.String("out", "sitrep-bench.json", "write the JSON report to `FILE` (- for stdout, then no summary)")
	quick := fs.Bool("quick", false, "small sizes: 300 documents (200 ingested), 10k and 50k events, 50 queries")
	fs.StringVar(&o.Dir, "dir", "", "directory for the SQLite files (a temporary one when empty)")
	var dicts stringList
	fs.Var(&dicts, "dict", "user dictionary `DIR` overlaid on the embedded dictionaries (repeatable)")
	fs.String(ops.ConfigFlag, "", "configuration `FILE` (YAML or JSON)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments %q", fs.Args())
	}
	if err := loadConfig(fs, "bench", nil); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if *quick {
		if !given["docs"] {
			*docs = 300
		}
		if !given["events"] {
			events = intList{10_000, 50_000}
		}
		if !given["pg-events"] {
			pgEvents = intList{10_000, 50_000}
		}
		if !given["ingest-docs"] {
			o.IngestDocs = 200
		}
		if !given["queries"] {
			o.Queries = 50
		}
	}
	o.Docs, o.Seed, o.Workers, o.EventSizes, o.PostgresEventSizes, o.Skip, o.DictDirs = *docs, *seed, workers, events, pgEvents, skip, dicts
	progress := e.stderr
	o.Progress = func(format string, a ...any) {
		fmt.Fprintf(progress, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
	}
	r, runErr := bench.Run(ctx, o)
	if r == nil {
		return runErr
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if *out == "-" {
		if _, err := e.stdout.Write(b); err != nil {
			return err
		}
	} else {
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
		printBenchSummary(e.stdout, r)
		fmt.Fprintf(e.stdout, "\nreport written to %s\n", *out)
	}
	return runErr
}

func printBenchSummary(w io.Writer, r *bench.Report) {
	fmt.Fprintf(w, "sitrep %s, %s, %d CPUs (%s), %.0f s, peak RSS %s\n", r.Version, r.GoVersion, r.CPUs, r.CPUModel, r.Seconds, ops.FormatBytes(r.PeakRSSBytes))
	if x := r.Extraction; x != nil {
		fmt.Fprintf(w, "\nextraction: %d documents, %d sentences, %.2f MB, %d events\n", x.Documents, x.Sentences, float64(x.Bytes)/1e6, x.Events)
		fmt.Fprintf(w, "  1 core:    %8.0f sentences/s  %6.2f MB/s  %6.0f docs/s  (%.0f µs/doc)\n", x.SentencesPerSecond1, x.MBPerSecond1, x.DocumentsPerSecond1, x.MicrosecondsPerDoc1)
		fmt.Fprintf(w, "  %d cores:   %8.0f sentences/s  %6.2f MB/s  (per core %.0f sentences/s, %.2f MB/s)\n", x.ParallelGoroutines, x.SentencesPerSecondAll, x.MBPerSecondAll, x.SentencesPerSecondPerCore, x.MBPerSecondPerCore)
		fmt.Fprintf(w, "  reading (decode, format, language): %.2f MB/s on one core\n", x.ReadMBPerSecond)
	}
	if len(r.Ingest) > 0 {
		fmt.Fprintln(w, "\ningest (extract + store, one transaction per document):")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "  store\tworkers\tdocs\tseconds\tdocs/s\tstore ms/doc\tbytes/doc\t")
		for _, in := range r.Ingest {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%.1f\t%.0f\t%.2f\t%.0f\t\n", in.Store, in.Workers, in.Documents, in.Seconds, in.DocsPerSec, in.StoreMsPerDoc, in.BytesPerDoc)
		}
		tw.Flush()
	}
	if len(r.Loads) > 0 {
		fmt.Fprintln(w, "\nsynthetic loads for the query measures:")
		for _, l := range r.Loads {
			fmt.Fprintf(w, "  %-8s %9d events %8d documents %9d sentences %9s  %6.0f events/s  (%s)\n", l.Store, l.Events, l.Documents, l.Sentences, ops.FormatBytes(l.Bytes), l.EventsPerSec, l.Method)
		}
	}
	if len(r.Latency) > 0 {
		fmt.Fprintln(w, "\nquery latency (ms):")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "  store\tevents\tquery\tn\tp50\tp95\tp99\trows\t")
		for _, q := range r.Latency {
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%d\t%.2f\t%.2f\t%.2f\t%.0f\t\n", q.Store, q.Events, q.Kind, q.N, q.P50Ms, q.P95Ms, q.P99Ms, q.MeanRows)
		}
		tw.Flush()
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}
