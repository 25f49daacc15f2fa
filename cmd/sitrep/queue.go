package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/ops"
	"github.com/sitrep/sitrep/internal/queue"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loadConfig(fs, "queue", nil); err != nil {
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loadConfig(fs, "queue", nil); err != nil {
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
	return publishToQueue(ctx, e, q.config(""), fs.Args(), opts, fetcher, f.quiet, f.json)
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
// inputs instead of storing them (see queueIngest).
type ingestQueueFlags struct{ q queueFlags }

// addIngestQueueFlags adds --queue, --stream and --consumer to the
// ingest command's flags.
func addIngestQueueFlags(fs *flag.FlagSet) *ingestQueueFlags {
	f := &ingestQueueFlags{}
	fs.StringVar(&f.q.url, "queue", "", "queue the documents on this NATS `URL` for 'sitrep worker' instead of storing them here")
	fs.StringVar(&f.q.stream, "stream", queue.DefaultStream, "with --queue: JetStream stream `NAME`")
	fs.StringVar(&f.q.consumer, "consumer", queue.DefaultConsumer, "with --queue: durable consumer `NAME` of the workers")
	return f
}

// enabled reports whether --queue was given.
func (f *ingestQueueFlags) enabled() bool { return f != nil && f.q.url != "" }

// run queues the ingest inputs; fetcher may be nil (URLs then fail).
func (f *ingestQueueFlags) run(ctx context.Context, e *env, inputs []string, opts ingest.Options, fetcher *corpus.Fetcher, quiet, asJSON bool) error {
	return publishToQueue(ctx, e, f.q.config(""), inputs, opts, fetcher, quiet, asJSON)
}

// publishSummary is the --json summary of a publish.
type publishSummary struct {
	queue.PublishStats
	Stream  string  `json:"stream"`
	Subject string  `json:"subject"`
	Seconds float64 `json:"seconds"`
}

// publishToQueue queues the inputs and prints a summary; the exit code is
// 1 when an input failed.
func publishToQueue(ctx context.Context, e *env, cfg queue.Config, inputs []string, opts ingest.Options, fetcher *corpus.Fetcher, quiet, asJSON bool) error {
	if cfg.Name == "" {
		cfg.Name = "sitrep publisher"
	}
	if err := cfg.Validate(); err != nil {
		return usageErr("%v", err)
	}
	p, err := queue.NewPublisher(ctx, cfg, e.log)
	if err != nil {
		return err
	}
	defer p.Close()
	start := time.Now()
	stats, err := queue.PublishSources(ctx, p, corpus.Expand(inputs), queue.SourceOptions{Options: opts, Stdin: e.stdin, Fetcher: fetcher},
		func(r queue.SourceResult) {
			if r.Err != nil && !quiet {
				fmt.Fprintf(e.stderr, "sitrep: %s: %v\n", r.Name, r.Err)
			}
		})
	if cerr := p.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("flush the queue connection: %w", cerr)
	}
	el := time.Since(start)
	if asJSON {
		if jerr := json.NewEncoder(e.stdout).Encode(publishSummary{stats, cfg.Stream, queue.Config{Stream: cfg.Stream}.JobSubject(), el.Seconds()}); jerr != nil {
			return jerr
		}
	} else {
		fmt.Fprintf(e.stdout, "%d jobs queued on %s, %d already queued, %d inputs failed (%.1f s)\n",
			stats.Queued, queue.Config{Stream: cfg.Stream}.JobSubject(), stats.Duplicates, stats.Failed, el.Seconds())
	}
	if err != nil {
		return err
	}
	if stats.Failed > 0 {
		return errSilent
	}
	return nil
}

func runQueueDead(ctx context.Context, e *env, args []string) error {
	fs, q := queueCommandFlags(e, "dead", "[--queue URL] [flags]", `
List the dead-lettered jobs, oldest first: their sequence number in the
dead-letter stream, the job's name, the number of deliveries and the error.
--data prints each job's body as well (one JSON object per line).`)
	limit := fs.Int("limit", 100, "list at most `N` jobs (0 for all)")
	asJSON := fs.Bool("json", false, "print JSON lines")
	data := fs.Bool("data", false, "with --json, include each job's body")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loadConfig(fs, "queue", nil); err != nil {
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loadConfig(fs, "queue", nil); err != nil {
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
