package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/ops"
	"github.com/sitrep/sitrep/internal/queue"
	"github.com/sitrep/sitrep/internal/store"
)

func runQueue(ctx context.Context, e *env, args []string) error {
	subs := map[string]func(context.Context, *env, []string) error{
		"status":  runQueueStatus,
		"publish": runQueuePublish,
		"dead":    runQueueDead,
		"requeue": runQueueRequeue,
	}
	help := func(w io.Writer) {
		fmt.Fprint(w, `Usage: sitrep queue <subcommand> [flags]

Subcommands:
  status    jobs pending, in flight, redelivered and dead-lettered
  publish   queue documents for the workers (same inputs as ingest)
  dead      list dead-lettered jobs with their errors
  requeue   put dead-lettered jobs back on the queue

Run 'sitrep queue <subcommand> --help' for its flags.
`)
	}
	if len(args) == 0 {
		help(e.stderr)
		return usageErr("missing subcommand")
	}
	if a := args[0]; a == "-h" || a == "--help" || a == "help" {
		help(e.stdout)
		return nil
	}
	fn, ok := subs[args[0]]
	if !ok {
		help(e.stderr)
		return usageErr("unknown subcommand %q", args[0])
	}
	return fn(ctx, e, args[1:])
}

// connectQueue connects for a one-off command and sets the queue up.
func connectQueue(ctx context.Context, q *queueFlags, e *env) (jetstream.JetStream, func(), error) {
	cfg := q.config("sitrep queue")
	if err := cfg.Validate(); err != nil {
		return nil, nil, usageErr("%v", err)
	}
	nc, err := queue.Connect(ctx, cfg, false, e.log)
	if err != nil {
		return nil, nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("jetstream: %w", err)
	}
	return js, nc.Close, nil
}

// parseQueueFlags parses a queue command's flags and then its
// configuration file and environment.
func parseQueueFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	return loadConfig(fs, "queue", nil)
}

func queueCommandFlags(e *env, name, synopsis, description string) (*flag.FlagSet, *queueFlags) {
	fs := newFlags(e, "queue "+name, synopsis, description)
	q := &queueFlags{}
	q.add(fs)
	fs.String(ops.ConfigFlag, "", "configuration `FILE` (YAML or JSON)")
	return fs, q
}

func runQueueStatus(ctx context.Context, e *env, args []string) error {
	fs, q := queueCommandFlags(e, "status", "[--queue URL] [flags]", `
Show the state of the job queue: jobs pending (queued, not yet delivered),
in flight (delivered and not yet acknowledged, including jobs a worker gave
back that wait for their next delivery), redelivered (in flight and
delivered more than once), dead-lettered, and the age of the oldest job.
The queue is created when missing.`)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseQueueFlags(fs, args); err != nil {
		return err
	}
	js, closeConn, err := connectQueue(ctx, q, e)
	if err != nil {
		return err
	}
	defer closeConn()
	cfg := q.config("")
	if _, err := queue.Ensure(ctx, js, cfg); err != nil {
		return err
	}
	st, err := queue.ReadStatus(ctx, js, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "stream\t%s (subject %s)\n", st.Stream, cfg.JobSubject())
	fmt.Fprintf(tw, "consumer\t%s (ack wait %s)\n", st.Consumer, st.AckWait)
	fmt.Fprintf(tw, "pending\t%d\n", st.Pending)
	fmt.Fprintf(tw, "in flight\t%d\n", st.InFlight)
	fmt.Fprintf(tw, "redelivered\t%d\n", st.Redelivered)
	fmt.Fprintf(tw, "dead-lettered\t%d (subject %s)\n", st.DeadLettered, cfg.DeadSubject())
	fmt.Fprintf(tw, "waiting pulls\t%d\n", st.Waiting)
	if !st.Oldest.IsZero() {
		fmt.Fprintf(tw, "oldest job\t%s (%s ago)\n", st.Oldest.UTC().Format(time.RFC3339), st.OldestAge.Round(time.Second))
	}
	return tw.Flush()
}

func runQueuePublish(ctx context.Context, e *env, args []string) error {
	fs, q := queueCommandFlags(e, "publish", "--queue URL [flags] INPUT...", `
Queue documents for the workers instead of extracting them here: INPUT is
what 'sitrep ingest' takes (files, directories, globs, - for JSON lines on
stdin, http(s) URLs). A file is queued as its raw bytes and read by the
worker; a JSON line as its record; a URL is fetched here. A job identical
to one queued in the last two minutes is not queued again.`)
	var f queuePublishFlags
	f.add(fs)
	if err := parseQueueFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageErr("nothing to queue: give FILE, DIR, GLOB, - or URL")
	}
	if f.published != "" {
		if _, err := ingest.ParsePublished(f.published); err != nil {
			return usageErr("--published %q: %v", f.published, err)
		}
	}
	opts := ingest.Options{MaxBytes: f.maxBytes, Published: f.published, Outlet: f.outlet, Language: f.lang}
	fetcher := corpus.NewFetcher(corpus.FetchOptions{AllowPrivate: f.allowPrivate, MaxBytes: f.maxBytes, Timeout: f.timeout, PerHost: f.rate})
	return publishToQueue(ctx, e, q.config(""), queueInputs{command: "sitrep queue publish", inputs: fs.Args(), opts: opts, fetcher: fetcher, quiet: f.quiet, json: f.json})
}

type queuePublishFlags struct {
	published, outlet, lang string
	maxBytes                int64
	allowPrivate            bool
	rate, timeout           time.Duration
	quiet, json             bool
}

func (f *queuePublishFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&f.published, "published", "", "publication date `YYYY-MM-DD` of documents that give none")
	fs.StringVar(&f.outlet, "outlet", "", "outlet `NAME` of documents that give none")
	fs.StringVar(&f.lang, "language", "", "language (ISO 639-1); detected when empty")
	fs.Int64Var(&f.maxBytes, "max-bytes", ingest.DefaultMaxBytes, "largest accepted document in bytes")
	fs.BoolVar(&f.allowPrivate, "allow-private", false, "allow fetching from loopback, private and link-local addresses")
	fs.DurationVar(&f.rate, "rate", time.Second, "least time between two requests to one host")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "time limit of one HTTP request")
	fs.BoolVar(&f.quiet, "quiet", false, "no per-document messages, only the summary and errors")
	fs.BoolVar(&f.json, "json", false, "print the summary as JSON")
}

// ingestQueueFlags are the flags 'sitrep ingest' takes to queue its
// inputs instead of storing them.
type ingestQueueFlags struct{ q queueFlags }

// addIngestQueueFlags adds --queue, --stream and --consumer to the
// ingest command's flags.
func addIngestQueueFlags(fs *flag.FlagSet) *ingestQueueFlags {
	f := &ingestQueueFlags{}
	fs.StringVar(&f.q.url, "queue", "", "queue the documents as jobs on this NATS `URL` (nats://HOST:4222) for 'sitrep worker' instead of storing them here")
	fs.StringVar(&f.q.stream, "stream", queue.DefaultStream, "with --queue: JetStream stream `NAME` of the jobs (subject NAME.jobs; created when missing)")
	fs.StringVar(&f.q.consumer, "consumer", queue.DefaultConsumer, "with --queue: durable consumer `NAME` the workers share (created with the stream when missing)")
	return f
}

// enabled reports whether --queue was given.
func (f *ingestQueueFlags) enabled() bool { return f != nil && f.q.url != "" }

// check rejects --stream and --consumer without --queue: they would
// silently do nothing.
func (f *ingestQueueFlags) check(fs *flag.FlagSet) error {
	if f.enabled() {
		return nil
	}
	var bad []string
	fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "stream" || fl.Name == "consumer" {
			bad = append(bad, "--"+fl.Name)
		}
	})
	switch len(bad) {
	case 0:
		return nil
	case 1:
		return usageErr("%s needs --queue", bad[0])
	}
	return usageErr("%s need --queue", strings.Join(bad, " and "))
}

// run queues what 'sitrep ingest' was given.
func (f *ingestQueueFlags) run(ctx context.Context, e *env, in queueInputs) error {
	return publishToQueue(ctx, e, f.q.config(""), in)
}

// queueInputs is what a publishing command queues: its inputs once, and
// its feeds on every poll.
type queueInputs struct {
	// command names the command in messages ("sitrep ingest").
	command string
	// inputs are files, directories, globs, - and URLs.
	inputs []string
	// feeds are RSS/Atom feeds polled for new entries, again every
	// every when it is positive, until ctx ends.
	feeds       []string
	every       time.Duration
	feedContent bool
	// feedStore keeps the feed states and tells the entries already
	// stored; when nil they are kept in memory for the life of the
	// process.
	feedStore store.Store
	opts      ingest.Options
	// fetcher fetches URLs and feeds (they fail when nil).
	fetcher     *corpus.Fetcher
	quiet, json bool
}

// publishSummary is the --json summary of a publish.
type publishSummary struct {
	queue.PublishStats
	Stream  string  `json:"stream"`
	Subject string  `json:"subject"`
	Seconds float64 `json:"seconds"`
}

func addPublishStats(a, b queue.PublishStats) queue.PublishStats {
	a.Queued += b.Queued
	a.Duplicates += b.Duplicates
	a.Failed += b.Failed
	return a
}

// publishToQueue queues the inputs, polls the feeds and prints a summary;
// the exit code is 1 when an input failed.
func publishToQueue(ctx context.Context, e *env, cfg queue.Config, in queueInputs) error {
	if cfg.Name == "" {
		cfg.Name = "sitrep publisher"
	}
	if in.command == "" {
		in.command = "sitrep"
	}
	if err := cfg.Validate(); err != nil {
		return usageErr("%v", err)
	}
	var logger *slog.Logger
	if !in.quiet {
		logger = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	p, err := queue.NewPublisher(ctx, cfg, e.log)
	if err != nil {
		return err
	}
	defer p.Close()
	so := queue.SourceOptions{Options: in.opts, Stdin: e.stdin, Fetcher: in.fetcher}
	onResult := func(r queue.SourceResult) {
		if r.Err != nil {
			fmt.Fprintf(e.stderr, "%s: %s: %v\n", in.command, r.Name, r.Err)
		}
	}
	start := time.Now()
	total, err := queue.PublishSources(ctx, p, corpus.Expand(in.inputs), so, onResult)
	if err == nil && len(in.feeds) > 0 {
		fp := &feedPublisher{p: p, so: so, onResult: onResult, feeds: in.feeds, useContent: in.feedContent,
			known: &feedMemory{Store: in.feedStore, states: map[string]store.FeedState{}, queued: map[string]bool{}}}
		poll := func() error {
			st, err := fp.poll(ctx)
			total = addPublishStats(total, st)
			if err == nil && in.every > 0 && logger != nil {
				logger.Info("feeds polled", "queued", st.Queued, "already_queued", st.Duplicates, "failed", st.Failed)
			}
			return err
		}
		if err = poll(); err == nil {
			err = pollEvery(ctx, in.every, logger, poll)
		}
		if errors.Is(err, context.Canceled) && in.every > 0 {
			err = nil // interrupting a poller is how it stops
		}
	}
	if cerr := p.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("flush the queue connection: %w", cerr)
	}
	el := time.Since(start)
	subject := queue.Config{Stream: cfg.Stream}.JobSubject()
	if in.json {
		if jerr := json.NewEncoder(e.stdout).Encode(publishSummary{total, cfg.Stream, subject, el.Seconds()}); jerr != nil {
			return fmt.Errorf("write the summary: %w", jerr)
		}
	} else {
		fmt.Fprintf(e.stdout, "%d jobs queued on %s, %d already queued, %d inputs failed (%.1f s)\n",
			total.Queued, subject, total.Duplicates, total.Failed, el.Seconds())
	}
	if errors.Is(err, context.Canceled) {
		return errors.New("interrupted: the jobs queued stay queued; run the same command again to queue the rest (a job queued again within two minutes is dropped, and the workers store a document once)")
	}
	if err != nil {
		return err
	}
	if total.Failed > 0 {
		return errSilent
	}
	return nil
}

// feedPublisher polls feeds and queues their new entries as jobs.
type feedPublisher struct {
	p          *queue.Publisher
	so         queue.SourceOptions
	onResult   func(queue.SourceResult)
	feeds      []string
	useContent bool
	known      *feedMemory
}

// poll polls every feed once. A feed's state (ETag, Last-Modified) is
// saved once its entries are queued, so that a feed whose entries could
// not all be queued is read again at the next poll.
func (fp *feedPublisher) poll(ctx context.Context) (queue.PublishStats, error) {
	var total queue.PublishStats
	rd := &corpus.Reader{Options: fp.so.Options, Fetcher: fp.so.Fetcher}
	for _, u := range fp.feeds {
		items := make(chan corpus.Item, 16)
		pctx, cancel := context.WithCancel(ctx)
		var state store.FeedState
		var pollErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer close(items)
			state, _, pollErr = rd.PollFeed(pctx, fp.known, u, fp.useContent, items)
			if pollErr != nil && pctx.Err() == nil {
				select {
				case items <- corpus.Item{Name: u, Err: pollErr}:
				case <-pctx.Done():
				}
			}
		}()
		st, err := queue.PublishItems(pctx, fp.p, items, fp.so, func(r queue.SourceResult) {
			if r.Err == nil {
				fp.known.markQueued(r.Name)
			}
			fp.onResult(r)
		})
		cancel()
		<-done
		total = addPublishStats(total, st)
		if err != nil {
			return total, err
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
		if pollErr != nil {
			continue // reported as a failed input
		}
		if err := fp.known.SaveFeed(ctx, state); err != nil {
			return total, fmt.Errorf("feed %s: save its state: %w", u, err)
		}
	}
	return total, nil
}

// feedMemory is what corpus.Reader.PollFeed needs of a store when the
// entries are queued rather than stored here: each feed's state, and
// whether an entry is known. The entries queued by this process are
// known; with a store (--db), its feed states and documents count as well
// and the states are saved there too. Only Feed, SaveFeed and Lookup are
// used (the embedded store is nil without --db).
type feedMemory struct {
	store.Store
	mu     sync.Mutex
	states map[string]store.FeedState
	queued map[string]bool
}

func (m *feedMemory) Feed(ctx context.Context, url string) (store.FeedState, bool, error) {
	m.mu.Lock()
	st, ok := m.states[url]
	m.mu.Unlock()
	if ok || m.Store == nil {
		return st, ok, nil
	}
	st, ok, err := m.Store.Feed(ctx, url)
	if err != nil {
		return st, ok, fmt.Errorf("feed %s: read its state: %w", url, err)
	}
	return st, ok, nil
}

func (m *feedMemory) SaveFeed(ctx context.Context, st store.FeedState) error {
	m.mu.Lock()
	m.states[st.URL] = st
	m.mu.Unlock()
	if m.Store == nil {
		return nil
	}
	return m.Store.SaveFeed(ctx, st)
}

func (m *feedMemory) Lookup(ctx context.Context, d *sitrep.Document) (string, bool, error) {
	m.mu.Lock()
	q := d.URL != "" && m.queued[d.URL]
	m.mu.Unlock()
	if q {
		return d.URL, true, nil
	}
	if m.Store == nil {
		return "", false, nil
	}
	return m.Store.Lookup(ctx, d)
}

// markQueued remembers an entry link as queued.
func (m *feedMemory) markQueued(link string) {
	m.mu.Lock()
	m.queued[link] = true
	m.mu.Unlock()
}

func runQueueDead(ctx context.Context, e *env, args []string) error {
	fs, q := queueCommandFlags(e, "dead", "[--queue URL] [flags]", `
List the dead-lettered jobs, oldest first: their sequence number in the
dead-letter stream, the job's name, the number of deliveries and the error.
--data prints each job's body as well (one JSON object per line).`)
	limit := fs.Int("limit", 100, "list at most `N` jobs (0 for all)")
	asJSON := fs.Bool("json", false, "print JSON lines")
	data := fs.Bool("data", false, "with --json, include each job's body")
	if err := parseQueueFlags(fs, args); err != nil {
		return err
	}
	js, closeConn, err := connectQueue(ctx, q, e)
	if err != nil {
		return err
	}
	defer closeConn()
	enc := json.NewEncoder(e.stdout)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if !*asJSON {
		fmt.Fprintln(tw, "SEQ\tJOB\tDELIVERIES\tFAILED AT\tERROR")
	}
	n := 0
	err = queue.ListDead(ctx, js, q.config(""), *limit, func(d queue.DeadLetter, body []byte) error {
		n++
		if *asJSON {
			rec := struct {
				queue.DeadLetter
				Body json.RawMessage `json:"body,omitempty"`
			}{DeadLetter: d}
			if *data && json.Valid(body) {
				rec.Body = body
			}
			return enc.Encode(rec)
		}
		_, err := fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", d.Seq, d.Job, d.Attempts, d.FailedAt, d.Error)
		return err
	})
	if err != nil {
		return err
	}
	if !*asJSON {
		if n == 0 {
			fmt.Fprintln(e.stdout, "no dead-lettered jobs")
			return nil
		}
		return tw.Flush()
	}
	return nil
}

func runQueueRequeue(ctx context.Context, e *env, args []string) error {
	fs, q := queueCommandFlags(e, "requeue", "[--queue URL] [SEQ...]", `
Put dead-lettered jobs back on the job queue (after fixing what made them
fail) and remove them from the dead-letter stream: the jobs of the given
sequence numbers (see 'sitrep queue dead'), or all of them. A requeued job
starts again with a full set of attempts.`)
	if err := parseQueueFlags(fs, args); err != nil {
		return err
	}
	var seqs []uint64
	for _, a := range fs.Args() {
		n, err := strconv.ParseUint(a, 10, 64)
		if err != nil {
			return usageErr("%q is not a sequence number", a)
		}
		seqs = append(seqs, n)
	}
	js, closeConn, err := connectQueue(ctx, q, e)
	if err != nil {
		return err
	}
	defer closeConn()
	n, err := queue.Requeue(ctx, js, q.config(""), seqs)
	fmt.Fprintf(e.stdout, "%d jobs requeued\n", n)
	return err
}
