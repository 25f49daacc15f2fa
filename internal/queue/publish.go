package queue

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
)

// Publisher queues jobs. It is safe for concurrent use.
type Publisher struct {
	nc   *nats.Conn
	js   jetstream.JetStream
	cfg  Config
	own  bool
	sent atomic.Int64
	dups atomic.Int64
}

// NewPublisher connects to cfg.URL and makes sure the streams and the
// consumer exist.
func NewPublisher(ctx context.Context, cfg Config, log *slog.Logger) (*Publisher, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		cfg.Name = "sitrep publisher"
	}
	nc, err := Connect(ctx, cfg, false, log)
	if err != nil {
		return nil, err
	}
	p, err := PublisherOn(ctx, nc, cfg)
	if err != nil {
		nc.Close()
		return nil, err
	}
	p.own = true
	return p, nil
}

// PublisherOn makes a publisher on an open connection (not closed by
// Close).
func PublisherOn(ctx context.Context, nc *nats.Conn, cfg Config) (*Publisher, error) {
	cfg = cfg.withDefaults()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	if _, err := Ensure(ctx, js, cfg); err != nil {
		return nil, err
	}
	return &Publisher{nc: nc, js: js, cfg: cfg}, nil
}

// ErrTooLarge: the job is larger than the server accepts in one message.
var ErrTooLarge = errors.New("job larger than the queue's message limit")

// Publish queues one job and waits for the server to have stored it. A
// job identical to one queued within the last two minutes is dropped by
// the server (and counted in Duplicates): republishing after a failure
// is safe.
func (p *Publisher) Publish(ctx context.Context, job Job) error {
	b, err := job.Encode()
	if err != nil {
		return err
	}
	if max := p.nc.MaxPayload(); max > 0 && int64(len(b))+1024 > max {
		return fmt.Errorf("%s: %w (%d bytes, limit %d)", job.label(), ErrTooLarge, len(b), max)
	}
	id, err := job.ID()
	if err != nil {
		return err
	}
	m := newJobMsg(p.cfg, b, id)
	m.Header.Set(HeaderJob, headerSafe(job.label()))
	ack, err := p.js.PublishMsg(ctx, m, jetstream.WithRetryAttempts(20))
	if err != nil {
		return fmt.Errorf("queue %s: %w", job.label(), err)
	}
	if ack.Duplicate {
		p.dups.Add(1)
	} else {
		p.sent.Add(1)
	}
	return nil
}

// Published is the number of jobs queued; Duplicates the number dropped
// as already queued.
func (p *Publisher) Published() (queued, duplicates int64) { return p.sent.Load(), p.dups.Load() }

// Close closes the connection opened by NewPublisher, after flushing.
func (p *Publisher) Close() error {
	if !p.own {
		return nil
	}
	err := p.nc.Drain()
	if err != nil {
		p.nc.Close()
	}
	return err
}

// newJobMsg makes the message of a job body, with its id for the
// server's duplicate detection when id is not empty.
func newJobMsg(cfg Config, body []byte, id string) *nats.Msg {
	m := nats.NewMsg(cfg.JobSubject())
	m.Data = body
	if id != "" {
		m.Header.Set(jetstream.MsgIDHeader, id)
	}
	return m
}

// headerSafe keeps a header value on one line.
func headerSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
	if len(s) > 512 {
		s = s[:512]
	}
	return s
}

// SourceOptions say how PublishSources reads inputs.
type SourceOptions struct {
	// Options are the ingest options every job carries.
	Options ingest.Options
	// Stdin is read for the "-" source (JSON lines).
	Stdin io.Reader
	// Fetcher fetches URL sources (they fail when nil); the page is read
	// here and queued as a document.
	Fetcher *corpus.Fetcher
}

// SourceResult is what happened to one input.
type SourceResult struct {
	Name string
	Err  error
}

// PublishStats count the inputs of PublishSources.
type PublishStats struct {
	Queued     int `json:"queued"`
	Duplicates int `json:"already_queued"`
	Failed     int `json:"failed"`
}

// publishRun counts the inputs of one PublishSources or PublishItems.
type publishRun struct {
	p        *Publisher
	so       SourceOptions
	opts     Options
	st       PublishStats
	onResult func(SourceResult)
}

func newPublishRun(p *Publisher, so SourceOptions, onResult func(SourceResult)) *publishRun {
	return &publishRun{p: p, so: so, opts: OptionsOf(so.Options), onResult: onResult}
}

// report records what happened to one input.
func (r *publishRun) report(name string, err error) {
	if err != nil {
		r.st.Failed++
	}
	if r.onResult != nil {
		r.onResult(SourceResult{Name: name, Err: err})
	}
}

// publish queues one job. A job too large for one message or malformed
// is reported and skipped; an error of the queue itself is returned.
func (r *publishRun) publish(ctx context.Context, name string, job Job) error {
	q0, d0 := r.p.Published()
	err := r.p.Publish(ctx, job)
	if errors.Is(err, ErrTooLarge) && job.Raw != nil {
		// a file is smaller once read: markup and front matter are gone
		doc, rerr := ingest.Read(ctx, job.Name, bytes.NewReader(job.Raw), r.so.Options)
		if rerr != nil {
			r.report(name, rerr)
			return nil
		}
		job = Job{Name: job.Name, Document: doc, Options: r.opts}
		err = r.p.Publish(ctx, job)
	}
	switch {
	case errors.Is(err, ErrTooLarge) || errors.Is(err, ErrMalformed):
		r.report(name, err)
		return nil
	case err != nil:
		return err
	}
	q1, d1 := r.p.Published()
	r.st.Queued += int(q1 - q0)
	r.st.Duplicates += int(d1 - d0)
	r.report(name, nil)
	return nil
}

// PublishSources queues one job per document of the sources (as
// corpus.Expand makes them from command-line inputs): a file as its raw
// bytes (a file too large for one message is read here and queued as a
// document, which is smaller once markup is gone), each JSON line as a
// record, a URL as the document fetched. An input that cannot be read is
// reported through onResult and counted, and the others go on; an error
// of the queue itself stops the run.
func PublishSources(ctx context.Context, p *Publisher, srcs []corpus.Source, so SourceOptions, onResult func(SourceResult)) (PublishStats, error) {
	r := newPublishRun(p, so, onResult)
	limit := so.Options.MaxBytes
	if limit <= 0 {
		limit = ingest.DefaultMaxBytes
	}
	for _, s := range srcs {
		if err := ctx.Err(); err != nil {
			return r.st, err
		}
		switch s.Kind {
		case corpus.SourceError:
			r.report(s.Name, s.Err)
		case corpus.SourceFile:
			raw, err := readFile(s.Name, limit)
			if err != nil {
				r.report(s.Name, err)
				continue
			}
			if err := r.publish(ctx, s.Name, Job{Name: s.Name, Raw: raw, Options: r.opts}); err != nil {
				return r.st, err
			}
		case corpus.SourceURL:
			if so.Fetcher == nil {
				r.report(s.Name, errors.New("fetching URLs is not enabled"))
				continue
			}
			doc, err := so.Fetcher.Document(ctx, s.Name, so.Options)
			if err != nil {
				r.report(s.Name, err)
				continue
			}
			if err := r.publish(ctx, s.Name, Job{Name: s.Name, Document: doc, Options: r.opts}); err != nil {
				return r.st, err
			}
		case corpus.SourceJSONL, corpus.SourceStdin:
			var in io.Reader
			var closer io.Closer
			name := s.Name
			if s.Kind == corpus.SourceStdin {
				in, name = so.Stdin, "<stdin>"
				if in == nil {
					in = strings.NewReader("")
				}
			} else {
				f, err := os.Open(s.Name)
				if err != nil {
					r.report(s.Name, err)
					continue
				}
				in, closer = f, f
			}
			err := publishLines(ctx, name, in, limit, r.opts, func(label string, job Job) error {
				return r.publish(ctx, label, job)
			}, r.report)
			if closer != nil {
				closer.Close()
			}
			if err != nil {
				return r.st, err
			}
		default:
			r.report(s.Name, fmt.Errorf("unknown source kind %q", s.Kind))
		}
	}
	return r.st, nil
}

// PublishItems queues one job per document read elsewhere (the entries
// of a feed, as corpus.Reader.PollFeed sends them) until items is closed:
// an item with an error is reported through onResult and counted, a
// document is queued as it is. It returns at the first error of the
// queue itself or when ctx ends, without draining items: the caller then
// stops the sender (by cancelling its context).
func PublishItems(ctx context.Context, p *Publisher, items <-chan corpus.Item, so SourceOptions, onResult func(SourceResult)) (PublishStats, error) {
	r := newPublishRun(p, so, onResult)
	for {
		var it corpus.Item
		var ok bool
		select {
		case it, ok = <-items:
		case <-ctx.Done():
			return r.st, ctx.Err()
		}
		if !ok {
			return r.st, nil
		}
		switch {
		case it.Err != nil:
			r.report(it.Name, it.Err)
		case it.Doc == nil:
			r.report(it.Name, errors.New("no document"))
		default:
			if err := r.publish(ctx, it.Name, Job{Name: it.Name, Document: it.Doc, Options: r.opts}); err != nil {
				return r.st, err
			}
		}
	}
}

// publishLines queues one record per non-blank JSON line.
func publishLines(ctx context.Context, name string, in io.Reader, limit int64, opts Options, publish func(string, Job) error, report func(string, error)) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), int(limit)+1)
	jobOpts := opts
	jobOpts.ID = ""
	for line := 1; sc.Scan(); line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		data := bytes.TrimSpace(sc.Bytes())
		if len(data) == 0 {
			continue
		}
		label := fmt.Sprintf("%s:%d", name, line)
		var rec ingest.Record
		if err := json.Unmarshal(data, &rec); err != nil {
			report(label, fmt.Errorf("invalid JSON: %v", err))
			continue
		}
		if rec.ID != "" {
			label = fmt.Sprintf("%s (id %s)", label, rec.ID)
		}
		if err := publish(label, Job{Name: label, Record: &rec, Options: jobOpts}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			report(name, fmt.Errorf("a line is longer than %d bytes; the rest of the file is skipped", limit))
			return nil
		}
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// readFile reads a regular file of at most limit bytes.
func readFile(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, ingest.ErrNotRegular)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %w (%d bytes, limit %d)", path, ingest.ErrTooLarge, st.Size(), limit)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ingest.ErrEmpty)
	}
	return b, nil
}
