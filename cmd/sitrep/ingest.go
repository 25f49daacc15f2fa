package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
)

// dbFlag adds --db to a command.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "store: an SQLite `FILE` or a postgres:// URL (default $SITREP_DB, else ./sitrep.db)")
}

// pollEvery runs poll again every interval (never when every is 0)
// until it fails or ctx ends, whose error it then returns.
func pollEvery(ctx context.Context, every time.Duration, logger *slog.Logger, poll func() error) error {
	for every > 0 {
		if logger != nil {
			logger.Info("waiting for the next poll", "every", every.String())
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
			if err := poll(); err != nil {
				return err
			}
		}
	}
	return nil
}

// openStore opens the store the --db flag or $SITREP_DB names; dicts
// (the --dict directories of a command that stores documents) give the
// tracker its word lists.
func openStore(ctx context.Context, db string, dicts ...string) (store.Store, error) {
	return backend.Open(ctx, backend.DSN(db, os.Getenv), backend.Options{DictDirs: dicts})
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

type ingestFlags struct {
	db                        *string
	feeds                     stringList
	every                     time.Duration
	feedContent, allowPrivate bool
	rate, timeout             time.Duration
	workers                   int
	dicts                     stringList
	published, outlet, lang   string
	maxBytes                  int64
	quiet, json               bool
}

func runIngest(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "ingest", "[flags] INPUT... | --feed URL", `
Read documents, extract them and store the result: each document in one
transaction, so that an interrupted run loses nothing and a second run
changes nothing. INPUT is a file, a directory (its .txt, .md, .html and
.jsonl files, recursively), a glob, - for JSON lines on stdin
({"id","text","published","title","url","outlet","language"}), or an
http(s) URL. --feed polls an RSS or Atom feed (conditional GET, the
ETag/Last-Modified kept in the store) and ingests its new entries;
--every keeps polling.

A document already stored (same id, same content or same canonical URL)
is skipped; a near duplicate (a wire copy with small edits) is stored
with duplicate_of, and its events count as mentions of the original's.
Progress shows on a terminal; a summary is printed at the end. The exit
code is 1 when a document failed.

With --queue nats://HOST:4222 nothing is extracted or stored here: each
document becomes a job on the NATS JetStream work queue that 'sitrep
worker' processes. --stream names the stream (subject STREAM.jobs, dead
letters on STREAM.dead) and --consumer the durable consumer the workers
share; both are created when missing, and must match the workers' flags.
A file is queued as its raw bytes, a JSON line as its record, a URL and a
feed entry as the document fetched here. --feed and --every poll as they
do without --queue: the entries of each poll are queued, and a feed's
ETag/Last-Modified are kept in memory, or in the store when --db or
$SITREP_DB names one (whose stored documents are then not fetched again).
A job identical to one queued in the last two minutes is not queued
again, and a worker stores a document once. The summary (--json:
{"queued","already_queued","failed","stream","subject","seconds"})
counts jobs. --dict is refused and --workers ignored: they are the
workers' flags.`)
	var f ingestFlags
	f.db = dbFlag(fs)
	fs.Var(&f.feeds, "feed", "RSS/Atom feed `URL` to poll (repeatable)")
	fs.DurationVar(&f.every, "every", 0, "poll the feeds again every `DURATION` (e.g. 10m) until interrupted")
	fs.BoolVar(&f.feedContent, "feed-content", false, "use a feed entry's own content when it carries the full text instead of fetching its link")
	fs.BoolVar(&f.allowPrivate, "allow-private", false, "allow fetching from loopback, private and link-local addresses")
	fs.DurationVar(&f.rate, "rate", time.Second, "least time between two requests to one host")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "time limit of one HTTP request")
	fs.IntVar(&f.workers, "workers", runtime.GOMAXPROCS(0), "documents extracted in parallel")
	fs.Var(&f.dicts, "dict", "user dictionary `DIR` overlaid on the embedded dictionaries (repeatable)")
	fs.StringVar(&f.published, "published", "", "publication date `YYYY-MM-DD` of documents that give none")
	fs.StringVar(&f.outlet, "outlet", "", "outlet `NAME` of documents that give none")
	fs.StringVar(&f.lang, "language", "", "language (ISO 639-1); detected when empty")
	fs.Int64Var(&f.maxBytes, "max-bytes", ingest.DefaultMaxBytes, "largest accepted document in bytes")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress, only the summary and errors")
	fs.BoolVar(&f.json, "json", false, "print the summary as JSON")
	qf := addIngestQueueFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := qf.check(fs); err != nil {
		return err
	}
	inputs := fs.Args()
	if len(inputs) == 0 && len(f.feeds) == 0 {
		fs.Usage()
		return usageErr("nothing to ingest: give FILE, DIR, GLOB, -, URL or --feed URL")
	}
	if f.every > 0 && len(f.feeds) == 0 {
		return usageErr("--every needs --feed")
	}
	if f.published != "" {
		if _, err := ingestCheckDate(f.published); err != nil {
			return usageErr("--published %q: %v", f.published, err)
		}
	}
	if qf.enabled() {
		return ingestToQueue(ctx, e, qf, &f, inputs)
	}
	st, err := openStore(ctx, *f.db, f.dicts...)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := ingest.Options{MaxBytes: f.maxBytes, Published: f.published, Outlet: f.outlet, Language: f.lang}
	rd := &corpus.Reader{Options: opts, Stdin: e.stdin}
	srcs := corpus.Expand(inputs)
	needFetch := len(f.feeds) > 0
	for _, s := range srcs {
		needFetch = needFetch || s.Kind == corpus.SourceURL
	}
	if needFetch {
		rd.Fetcher = corpus.NewFetcher(corpus.FetchOptions{AllowPrivate: f.allowPrivate, MaxBytes: f.maxBytes, Timeout: f.timeout, PerHost: f.rate})
	}
	tty := !f.quiet && isTerminal(e.stderr)
	var logger *slog.Logger
	if !f.quiet {
		logger = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	in := &corpus.Ingester{Store: st, Extractor: &lazyPipeline{opts: pipeline.Options{DictDirs: f.dicts}}, Workers: f.workers}

	var total corpus.Stats
	failed := 0
	cycle := func(srcs []corpus.Source, feeds []string) error {
		n, known := corpus.Count(srcs)
		if !known || len(feeds) > 0 {
			n = 0
		}
		prog := corpus.NewProgress(e.stderr, tty, logger)
		in.OnResult = func(r corpus.Result, s corpus.Stats) {
			if r.Err != nil {
				if tty {
					fmt.Fprint(e.stderr, "\r\033[K")
				}
				fmt.Fprintf(e.stderr, "sitrep ingest: %s: %v\n", r.Name, r.Err)
			}
			prog.Update(s)
		}
		items := make(chan corpus.Item, 64)
		states := make(chan []store.FeedState, 1)
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			defer close(items)
			var saved []store.FeedState
			defer func() { states <- saved }()
			if err := rd.Send(rctx, srcs, items); err != nil {
				return
			}
			for _, u := range feeds {
				state, _, err := rd.PollFeed(rctx, st, u, f.feedContent, items)
				if err != nil {
					if rctx.Err() != nil {
						return
					}
					select {
					case items <- corpus.Item{Name: u, Err: err}:
					case <-rctx.Done():
						return
					}
					continue
				}
				saved = append(saved, state)
			}
		}()
		stats, err := in.Run(ctx, items, n)
		cancel()
		saved := <-states
		prog.Finish(stats)
		total = addStats(total, stats)
		failed += stats.Failed
		if err != nil {
			return err
		}
		// Feed states are saved once their entries are stored, so that a
		// crash before makes the next poll fetch them again.
		for _, s := range saved {
			if err := st.SaveFeed(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}
	start := time.Now()
	runErr := cycle(srcs, f.feeds)
	if runErr == nil {
		runErr = pollEvery(ctx, f.every, logger, func() error { return cycle(nil, f.feeds) })
	}
	elapsed := time.Since(start)
	if errors.Is(runErr, context.Canceled) && f.every > 0 {
		runErr = nil // interrupting a poller is how it stops
	}
	if err := printIngestSummary(e.stdout, total, elapsed, f.json); err != nil {
		return err
	}
	if errors.Is(runErr, context.Canceled) {
		return errors.New("interrupted: what was stored is complete; run the same command again to go on")
	}
	if runErr != nil {
		return runErr
	}
	if failed > 0 {
		return errSilent
	}
	return nil
}

// ingestToQueue queues the inputs and the feed entries of 'sitrep ingest
// --queue' for the workers.
func ingestToQueue(ctx context.Context, e *env, qf *ingestQueueFlags, f *ingestFlags, inputs []string) error {
	if len(f.dicts) > 0 {
		return usageErr("--dict is read by the workers that extract the documents: give it to 'sitrep worker', not with --queue")
	}
	opts := ingest.Options{MaxBytes: f.maxBytes, Published: f.published, Outlet: f.outlet, Language: f.lang}
	in := queueInputs{command: "sitrep ingest", inputs: inputs, feeds: f.feeds, every: f.every, feedContent: f.feedContent,
		opts: opts, quiet: f.quiet, json: f.json}
	needFetch := len(f.feeds) > 0
	for _, s := range corpus.Expand(inputs) {
		needFetch = needFetch || s.Kind == corpus.SourceURL
	}
	if needFetch {
		in.fetcher = corpus.NewFetcher(corpus.FetchOptions{AllowPrivate: f.allowPrivate, MaxBytes: f.maxBytes, Timeout: f.timeout, PerHost: f.rate})
	}
	// The feed states live in the store only when one is named: the
	// workers' store is often not this machine's ./sitrep.db.
	if len(f.feeds) > 0 && (*f.db != "" || strings.TrimSpace(os.Getenv("SITREP_DB")) != "") {
		st, err := openStore(ctx, *f.db)
		if err != nil {
			return err
		}
		defer st.Close()
		in.feedStore = st
	}
	return qf.run(ctx, e, in)
}

// lazyPipeline loads the dictionaries on the first document that needs
// reading, so that a run over documents already stored starts at once.
type lazyPipeline struct {
	opts pipeline.Options
	once sync.Once
	p    *pipeline.Pipeline
	err  error
}

func (l *lazyPipeline) Extract(ctx context.Context, doc *sitrep.Document) (*sitrep.Extraction, error) {
	l.once.Do(func() {
		l.p, l.err = pipeline.New(l.opts)
		if l.err != nil {
			l.err = corpus.Fatal(l.err)
		}
	})
	if l.err != nil {
		return nil, l.err
	}
	return l.p.Extract(ctx, doc)
}

func addStats(a, b corpus.Stats) corpus.Stats {
	a.Total += b.Total
	a.Done += b.Done
	a.Stored += b.Stored
	a.Duplicates += b.Duplicates
	a.Exists += b.Exists
	a.Failed += b.Failed
	a.NewEvents += b.NewEvents
	a.Mentions += b.Mentions
	return a
}

// ingestSummary is the --json summary of ingest and import.
type ingestSummary struct {
	Documents  int     `json:"documents"`
	Stored     int     `json:"stored"`
	Duplicates int     `json:"duplicates"`
	Exists     int     `json:"exists"`
	Failed     int     `json:"failed"`
	NewEvents  int     `json:"new_events"`
	Mentions   int     `json:"mentions"`
	Seconds    float64 `json:"seconds"`
	DocsPerSec float64 `json:"docs_per_second"`
}

func printIngestSummary(w io.Writer, s corpus.Stats, elapsed time.Duration, asJSON bool) error {
	rate := 0.0
	if elapsed > 0 {
		rate = float64(s.Done) / elapsed.Seconds()
	}
	if asJSON {
		enc := json.NewEncoder(w)
		return enc.Encode(ingestSummary{s.Done, s.Stored, s.Duplicates, s.Exists, s.Failed, s.NewEvents, s.Mentions, elapsed.Seconds(), rate})
	}
	_, err := fmt.Fprintf(w, "%d documents: %d stored, %d near duplicates, %d already stored, %d failed; %d new events, %d event mentions (%.1f s, %.0f docs/s)\n",
		s.Done, s.Stored, s.Duplicates, s.Exists, s.Failed, s.NewEvents, s.Mentions, elapsed.Seconds(), rate)
	return err
}

func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import", "[flags] FILE... | -", `
Load a dump written by 'sitrep export --format jsonl' into a store: the
documents are stored again in their order (with their extractions, so
nothing is re-read), which rebuilds the same events, actors, agreements and
commitments; feed states are restored. This is also how a store moves
between SQLite and PostgreSQL. Documents already in the store are skipped.`)
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageErr("no input: give FILE... or - for stdin")
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	var s corpus.Stats
	for _, name := range fs.Args() {
		var r io.Reader
		if name == "-" {
			r = e.stdin
		} else {
			fh, err := os.Open(name)
			if err != nil {
				return unwrapPathErr(fmt.Errorf("%s: %w", name, err))
			}
			defer fh.Close()
			r = fh
		}
		if err := importDump(ctx, st, displayName(name), r, &s); err != nil {
			return err
		}
	}
	if err := printIngestSummary(e.stdout, s, time.Since(start), *asJSON); err != nil {
		return err
	}
	return nil
}

// importDump stores the records of one dump.
func importDump(ctx context.Context, st store.Store, name string, r io.Reader, s *corpus.Stats) error {
	br := bufio.NewReaderSize(r, 1<<20)
	for line := 1; ; line++ {
		data, err := br.ReadBytes('\n')
		if len(data) > 0 {
			var rec store.DumpRecord
			if jerr := json.Unmarshal(data, &rec); jerr != nil {
				return fmt.Errorf("%s:%d: not a sitrep dump record: %v", name, line, jerr)
			}
			switch rec.Kind {
			case store.KindDocument:
				if rec.Extraction == nil {
					return fmt.Errorf("%s:%d: document record without extraction", name, line)
				}
				res, perr := st.Put(ctx, rec.Extraction, store.PutOptions{IngestedAt: rec.IngestedAt})
				if perr != nil {
					return fmt.Errorf("%s:%d: %w", name, line, perr)
				}
				s.Done++
				switch res.Status {
				case store.StatusStored:
					s.Stored++
				case store.StatusDuplicate:
					s.Duplicates++
				case store.StatusExists:
					s.Exists++
				}
				s.NewEvents += res.NewEvents
				s.Mentions += res.Mentions
			case store.KindFeed:
				if rec.Feed == nil {
					return fmt.Errorf("%s:%d: feed record without feed", name, line)
				}
				if ferr := st.SaveFeed(ctx, *rec.Feed); ferr != nil {
					return fmt.Errorf("%s:%d: %w", name, line, ferr)
				}
			default:
				return fmt.Errorf("%s:%d: unknown record kind %q", name, line, rec.Kind)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
	}
}
