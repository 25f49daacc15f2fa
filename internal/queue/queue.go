// Package queue spreads ingestion over machines with a NATS JetStream
// work queue. A Publisher (`sitrep ingest --queue`, `sitrep queue
// publish`) turns inputs into jobs, each carrying one raw document;
// Workers (`sitrep worker`) pull jobs, extract them with the pipeline and
// store each in one transaction, acknowledging a job only after its
// transaction committed.
//
// Delivery is at least once: a job whose worker dies, or whose
// acknowledgement is lost, is delivered again, and storing it again
// changes nothing (the store recognises a document by id, content hash
// and canonical URL). A job that cannot succeed (malformed, unreadable,
// conflicting with a stored document) goes at once to the dead-letter
// subject <stream>.dead with the error in a header; a job that keeps
// failing otherwise goes there after Config.MaxAttempts deliveries. A
// worker that cannot reach the store retries the same job with backoff
// instead of spending its attempts: the store is down, not the job.
//
// Layout on the server, for the stream name S (default SITREP):
//
//	stream S        subject S.jobs, work-queue retention (a job is removed when acknowledged)
//	consumer C      durable pull consumer on S.jobs shared by every worker (default sitrep-workers)
//	stream S_DEAD   subject S.dead, dead letters kept until removed
//
// Everything is created when missing, by the first publisher, worker or
// status call.
package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Defaults.
const (
	DefaultStream      = "SITREP"
	DefaultConsumer    = "sitrep-workers"
	DefaultAckWait     = 30 * time.Second
	DefaultMaxAttempts = 5
)

// Headers of a dead letter.
const (
	HeaderError    = "Sitrep-Error"
	HeaderAttempts = "Sitrep-Attempts"
	HeaderJob      = "Sitrep-Job"
	HeaderSeq      = "Sitrep-Stream-Seq"
	HeaderFailedAt = "Sitrep-Failed-At"
)

// Config names the queue and sets its delivery rules.
type Config struct {
	// URL of the NATS server(s), comma-separated (nats://host:4222).
	URL string
	// Stream is the JetStream stream of jobs; DefaultStream when empty.
	Stream string
	// Consumer is the durable consumer the workers share;
	// DefaultConsumer when empty.
	Consumer string
	// AckWait is how long a job may go without news from its worker
	// before it is delivered again. Workers report progress every third
	// of it, so a long job is not redelivered while its worker lives.
	AckWait time.Duration
	// MaxAttempts is the number of deliveries after which a failing job
	// is dead-lettered.
	MaxAttempts int
	// MaxAckPending bounds the jobs in flight across all workers (1000
	// when 0).
	MaxAckPending int
	// Replicas of the streams on a clustered server (1 when 0).
	Replicas int
	// Name identifies the connection on the server (monitoring).
	Name string
}

// withDefaults fills the empty fields.
func (c Config) withDefaults() Config {
	if c.Stream == "" {
		c.Stream = DefaultStream
	}
	if c.Consumer == "" {
		c.Consumer = DefaultConsumer
	}
	if c.AckWait <= 0 {
		c.AckWait = DefaultAckWait
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.MaxAckPending <= 0 {
		c.MaxAckPending = 1000
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	return c
}

// Validate checks the names.
func (c Config) Validate() error {
	c = c.withDefaults()
	if strings.TrimSpace(c.URL) == "" {
		return errors.New("no queue URL (--queue nats://host:4222 or SITREP_QUEUE)")
	}
	if strings.ContainsAny(c.Stream, ".*> \t/\\") {
		return fmt.Errorf("stream name %q: no dots, spaces, slashes or wildcards", c.Stream)
	}
	if strings.ContainsAny(c.Consumer, ".*> \t/\\") {
		return fmt.Errorf("consumer name %q: no dots, spaces, slashes or wildcards", c.Consumer)
	}
	return nil
}

// JobSubject is the subject jobs are published on.
func (c Config) JobSubject() string { return c.withDefaults().Stream + ".jobs" }

// DeadSubject is the subject dead letters are published on.
func (c Config) DeadSubject() string { return c.withDefaults().Stream + ".dead" }

// DeadStream is the stream that keeps dead letters.
func (c Config) DeadStream() string { return c.withDefaults().Stream + "_DEAD" }

// Connect connects to the NATS server of cfg.URL. It reconnects for ever
// after a lost connection (publishes are buffered meanwhile). With
// retry, a server not yet reachable is retried in the background instead
// of failing (workers start before the server).
func Connect(ctx context.Context, cfg Config, retry bool, log *slog.Logger) (*nats.Conn, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	name := cfg.Name
	if name == "" {
		name = "sitrep"
	}
	opts := []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
		nats.ReconnectJitter(250*time.Millisecond, time.Second),
		nats.ReconnectBufSize(32 << 20),
		nats.Timeout(5 * time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil { // nil when closed on purpose
				log.Warn("queue connection lost", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("queue connection restored", "server", nc.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			log.Warn("queue error", "err", err)
		}),
	}
	if retry {
		opts = append(opts, nats.RetryOnFailedConnect(true))
	}
	nc, err := nats.Connect(cfg.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to the queue %s: %w", redact(cfg.URL), err)
	}
	return nc, nil
}

// redact hides a password in a URL list.
func redact(u string) string {
	parts := strings.Split(u, ",")
	for i, p := range parts {
		if at := strings.LastIndex(p, "@"); at > 0 {
			if s := strings.Index(p, "://"); s >= 0 && s < at {
				parts[i] = p[:s+3] + "***" + p[at:]
			}
		}
	}
	return strings.Join(parts, ",")
}

// Ensure creates the job stream, the dead-letter stream and the consumer
// when missing and returns the consumer. Existing ones are used as they
// are (an operator may have tuned them).
func Ensure(ctx context.Context, js jetstream.JetStream, cfg Config) (jetstream.Consumer, error) {
	cfg = cfg.withDefaults()
	if err := ensureStream(ctx, js, jetstream.StreamConfig{
		Name:        cfg.Stream,
		Description: "sitrep document jobs",
		Subjects:    []string{cfg.JobSubject()},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    cfg.Replicas,
		Duplicates:  2 * time.Minute,
	}); err != nil {
		return nil, err
	}
	if err := ensureStream(ctx, js, jetstream.StreamConfig{
		Name:        cfg.DeadStream(),
		Description: "sitrep jobs that failed",
		Subjects:    []string{cfg.DeadSubject()},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    cfg.Replicas,
		Duplicates:  2 * time.Minute,
	}); err != nil {
		return nil, err
	}
	cons, err := js.Consumer(ctx, cfg.Stream, cfg.Consumer)
	if err == nil {
		return cons, nil
	}
	if !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil, fmt.Errorf("consumer %s: %w", cfg.Consumer, err)
	}
	cons, err = js.CreateConsumer(ctx, cfg.Stream, jetstream.ConsumerConfig{
		Durable:       cfg.Consumer,
		Description:   "sitrep workers",
		FilterSubject: cfg.JobSubject(),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.AckWait,
		// Workers count deliveries themselves and dead-letter; the
		// server never drops a job on its own.
		MaxDeliver:    -1,
		MaxAckPending: cfg.MaxAckPending,
		Replicas:      cfg.Replicas,
	})
	if errors.Is(err, jetstream.ErrConsumerExists) {
		cons, err = js.Consumer(ctx, cfg.Stream, cfg.Consumer)
	}
	if err != nil {
		return nil, fmt.Errorf("create consumer %s: %w", cfg.Consumer, err)
	}
	return cons, nil
}

func ensureStream(ctx context.Context, js jetstream.JetStream, sc jetstream.StreamConfig) error {
	_, err := js.Stream(ctx, sc.Name)
	if err == nil {
		return nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("stream %s: %w", sc.Name, err)
	}
	_, err = js.CreateStream(ctx, sc)
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return nil // created meanwhile by another process
	}
	if err != nil {
		return fmt.Errorf("create stream %s: %w", sc.Name, err)
	}
	return nil
}

// Delete removes the streams (and so the consumer) of cfg: every queued
// job and dead letter is lost. Tests clean up with it.
func Delete(ctx context.Context, js jetstream.JetStream, cfg Config) error {
	cfg = cfg.withDefaults()
	var errs []error
	for _, s := range []string{cfg.Stream, cfg.DeadStream()} {
		if err := js.DeleteStream(ctx, s); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			errs = append(errs, fmt.Errorf("delete stream %s: %w", s, err))
		}
	}
	return errors.Join(errs...)
}

// DeleteAt connects to the server of cfg.URL and deletes the streams of
// cfg, as Delete does (tests tearing down their queues). A server that
// cannot be reached is not an error: an embedded one ends with its test.
func DeleteAt(cfg Config) error {
	nc, err := nats.Connect(cfg.URL, nats.Timeout(3*time.Second))
	if err != nil {
		return nil
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream on %s: %w", cfg.URL, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return Delete(ctx, js, cfg)
}
