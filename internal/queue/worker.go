package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/store"
)

// Worker pulls jobs and stores their extractions.
type Worker struct {
	// Conn is the connection to NATS (see Connect).
	Conn   *nats.Conn
	Config Config
	Store  store.Store
	// Extractor reads documents; *pipeline.Pipeline is one.
	Extractor corpus.Extractor
	// Concurrency is the number of jobs processed at once (GOMAXPROCS
	// when 0).
	Concurrency int
	Log         *slog.Logger
	// Metrics, when set, are updated, and the queue's state is polled
	// into them.
	Metrics *Metrics
	// ShutdownGrace is how long Run lets the jobs in flight finish once
	// its context ends; the unfinished ones are then returned to the
	// queue. 25 s when 0.
	ShutdownGrace time.Duration
	// RetryBase and RetryMax bound the backoff between two tries of an
	// unreachable store and the delay before a failed job is delivered
	// again (250 ms and 30 s when 0).
	RetryBase, RetryMax time.Duration
	// RetryFor is how long a job waits for an unreachable store before
	// it counts as a failed attempt (10 min when 0).
	RetryFor time.Duration
	// StoreTimeout bounds one store operation (a lookup, a transaction),
	// so that a connection that hangs rather than fails is retried (2 min
	// when 0).
	StoreTimeout time.Duration
	// Hold pauses each job between extraction and storage (failure tests
	// and demonstrations).
	Hold time.Duration

	// publishDead publishes a dead letter (the JetStream publish when nil).
	publishDead func(ctx context.Context, m *nats.Msg) error
	storeDown   atomic.Bool
	lastErr     atomic.Pointer[string]
}

// message is what the worker needs of a JetStream message.
type message interface {
	Data() []byte
	Headers() nats.Header
	Metadata() (*jetstream.MsgMetadata, error)
	DoubleAck(ctx context.Context) error
	Nak() error
	NakWithDelay(delay time.Duration) error
	InProgress() error
	Term() error
}

func (w *Worker) defaults() {
	w.Config = w.Config.withDefaults()
	if w.Concurrency <= 0 {
		w.Concurrency = runtime.GOMAXPROCS(0)
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.ShutdownGrace <= 0 {
		w.ShutdownGrace = 25 * time.Second
	}
	if w.RetryBase <= 0 {
		w.RetryBase = 250 * time.Millisecond
	}
	if w.RetryMax <= 0 {
		w.RetryMax = 30 * time.Second
	}
	if w.RetryFor <= 0 {
		w.RetryFor = 10 * time.Minute
	}
	if w.StoreTimeout <= 0 {
		w.StoreTimeout = 2 * time.Minute
	}
}

// Ready reports whether the worker can work: connected to NATS, and the
// store answering.
func (w *Worker) Ready(ctx context.Context) error {
	if w.Conn == nil || !w.Conn.IsConnected() {
		return errors.New("not connected to the queue")
	}
	if w.storeDown.Load() {
		msg := "unreachable"
		if p := w.lastErr.Load(); p != nil {
			msg = *p
		}
		return fmt.Errorf("store: %s", msg)
	}
	return nil
}

// Run processes jobs until ctx ends, then stops taking jobs, lets the
// ones in flight finish for at most ShutdownGrace and returns the others
// to the queue. It returns nil after a shutdown, an error when the queue
// cannot be used.
func (w *Worker) Run(ctx context.Context) error {
	w.defaults()
	if w.Conn == nil || w.Store == nil || w.Extractor == nil {
		return errors.New("worker: Conn, Store and Extractor are required")
	}
	js, err := jetstream.New(w.Conn)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	if w.publishDead == nil {
		w.publishDead = func(ctx context.Context, m *nats.Msg) error {
			_, err := js.PublishMsg(ctx, m, jetstream.WithRetryAttempts(10))
			return err
		}
	}
	cons, err := w.ensure(ctx, js)
	if err != nil || cons == nil {
		return err
	}
	ackWait := w.Config.AckWait
	if ci := cons.CachedInfo(); ci != nil && ci.Config.AckWait > 0 {
		ackWait = ci.Config.AckWait
	}
	w.Log.Info("worker started", "stream", w.Config.Stream, "consumer", w.Config.Consumer,
		"concurrency", w.Concurrency, "ack_wait", ackWait.String(), "max_attempts", w.Config.MaxAttempts)
	if w.Metrics != nil {
		go w.pollStatus(ctx, js)
	}

	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	slots := make(chan struct{}, w.Concurrency)
	var wg sync.WaitGroup
	failures := 0
	for ctx.Err() == nil {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		k := 1
	more:
		for k < w.Concurrency {
			select {
			case slots <- struct{}{}:
				k++
			default:
				break more
			}
		}
		batch, err := cons.Fetch(k, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			for range k {
				<-slots
			}
			cons = w.fetchFailed(ctx, js, cons, err, &failures)
			continue
		}
		got := 0
		for m := range batch.Messages() {
			got++
			if ctx.Err() != nil {
				// received while stopping: give it back at once
				_ = m.Nak()
				<-slots
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				w.handle(jobCtx, m, ackWait)
			}()
		}
		for range k - got {
			<-slots
		}
		if err := batch.Error(); err != nil && ctx.Err() == nil {
			cons = w.fetchFailed(ctx, js, cons, err, &failures)
			continue
		}
		failures = 0
	}

	w.Log.Info("stopping: finishing the jobs in flight", "grace", w.ShutdownGrace.String())
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(w.ShutdownGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		w.Log.Warn("grace period over: returning the unfinished jobs to the queue")
		cancelJobs()
		<-done
	}
	w.Log.Info("worker stopped")
	return nil
}

// ensure sets the queue up, retrying while the server is unreachable.
// It returns a nil consumer when ctx ends first.
func (w *Worker) ensure(ctx context.Context, js jetstream.JetStream) (jetstream.Consumer, error) {
	for attempt := 0; ; attempt++ {
		cons, err := Ensure(ctx, js, w.Config)
		if err == nil {
			return cons, nil
		}
		if ctx.Err() != nil {
			return nil, nil
		}
		if errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) {
			return nil, fmt.Errorf("queue %s: %w", redact(w.Config.URL), err)
		}
		w.Log.Warn("queue not ready, retrying", "err", err)
		if !sleep(ctx, w.backoff(attempt)) {
			return nil, nil
		}
	}
}

// fetchFailed logs a failed fetch, waits, and sets the queue up again
// when it is gone (a server restarted without its storage).
func (w *Worker) fetchFailed(ctx context.Context, js jetstream.JetStream, cons jetstream.Consumer, err error, failures *int) jetstream.Consumer {
	*failures++
	if w.Metrics != nil {
		w.Metrics.Errors.With("fetch").Inc()
	}
	lvl := slog.LevelDebug
	if *failures == 3 || *failures%30 == 0 {
		lvl = slog.LevelWarn
	}
	w.Log.Log(ctx, lvl, "cannot fetch jobs", "err", err, "failures", *failures)
	sleep(ctx, w.backoff(min(*failures, 4)))
	if errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) || errors.Is(err, jetstream.ErrConsumerDeleted) {
		if c, err := w.ensure(ctx, js); err == nil && c != nil {
			w.Log.Warn("queue set up again", "stream", w.Config.Stream, "consumer", w.Config.Consumer)
			return c
		}
	}
	return cons
}

// pollStatus copies the queue's state into the metrics every 5 s.
func (w *Worker) pollStatus(ctx context.Context, js jetstream.JetStream) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		st, err := ReadStatus(qctx, js, w.Config)
		cancel()
		if err == nil {
			m := w.Metrics
			m.Pending.Set(float64(st.Pending))
			m.AckPending.Set(float64(st.InFlight))
			m.Lag.Set(float64(st.Pending) + float64(st.InFlight))
			m.OldestAge.Set(st.OldestAge.Seconds())
			m.DeadQueue.Set(float64(st.DeadLettered))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// backoff is the delay before try attempt+1 (from 0): exponential from
// RetryBase, capped at RetryMax, with jitter.
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.RetryBase << min(attempt, 20)
	if d <= 0 || d > w.RetryMax {
		d = w.RetryMax
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// handle processes one job and acknowledges, returns or dead-letters it.
func (w *Worker) handle(ctx context.Context, m message, ackWait time.Duration) {
	start := time.Now()
	if w.Metrics != nil {
		w.Metrics.InFlight.Add(1)
		defer w.Metrics.InFlight.Add(-1)
	}
	md, err := m.Metadata()
	if err != nil {
		w.Log.Error("not a JetStream message; dropped", "err", err)
		_ = m.Term()
		return
	}
	attempt := int(md.NumDelivered)
	log := w.Log.With("seq", md.Sequence.Stream, "attempt", attempt)
	if name := m.Headers().Get(HeaderJob); name != "" {
		log = log.With("job", name)
	}
	if attempt > 1 && w.Metrics != nil {
		w.Metrics.Redelivered.Inc()
	}
	stop := heartbeat(m, ackWait)
	defer stop()
	if attempt > w.Config.MaxAttempts {
		w.deadLetter(ctx, log, m, md, fmt.Errorf("delivered %d times without finishing: the workers that took it died or lost contact", attempt-1))
		return
	}
	log.Debug("job started")
	res, err := w.process(ctx, log, m)
	if w.Metrics != nil {
		w.Metrics.Duration.With("total").Observe(time.Since(start).Seconds())
	}
	switch {
	case err == nil:
		if aerr := m.DoubleAck(w.ackCtx(ctx)); aerr != nil {
			// the job will come again and find its document stored
			log.Warn("acknowledgement not confirmed", "err", aerr, "status", res.Status)
			w.count("ack")
		}
		if w.Metrics != nil {
			w.Metrics.Documents.With(res.Status).Inc()
			w.Metrics.Events.Add(float64(res.NewEvents))
			w.Metrics.Mentions.Add(float64(res.Mentions))
		}
		log.Debug("job done", "status", res.Status, "document", res.ID, "new_events", res.NewEvents,
			"seconds", time.Since(start).Seconds())
	case ctx.Err() != nil:
		_ = m.Nak()
		if w.Metrics != nil {
			w.Metrics.Returned.Inc()
		}
		log.Info("job returned to the queue unfinished")
	case isPermanent(err):
		w.deadLetter(ctx, log, m, md, err)
	case attempt >= w.Config.MaxAttempts:
		w.deadLetter(ctx, log, m, md, fmt.Errorf("%d attempts failed, the last: %w", attempt, err))
	default:
		delay := w.backoff(attempt + 1)
		_ = m.NakWithDelay(delay)
		if w.Metrics != nil {
			w.Metrics.Retried.Inc()
		}
		log.Warn("job failed; it will be retried", "err", err, "retry_in", delay.Round(time.Millisecond).String())
	}
}

func (w *Worker) ackCtx(ctx context.Context) context.Context {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	context.AfterFunc(c, cancel)
	return c
}

func (w *Worker) count(kind string) {
	if w.Metrics != nil {
		w.Metrics.Errors.With(kind).Inc()
	}
}

// process reads, extracts and stores one job's document.
func (w *Worker) process(ctx context.Context, log *slog.Logger, m message) (store.PutResult, error) {
	job, err := DecodeJob(m.Data())
	if err != nil {
		w.count("malformed")
		return store.PutResult{}, err
	}
	doc, err := job.Read(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.count("malformed")
		}
		return store.PutResult{}, err
	}
	var id string
	var found bool
	err = w.retryStore(ctx, log, "look up", func(ctx context.Context) error {
		var err error
		id, found, err = w.Store.Lookup(ctx, doc)
		return err
	})
	if err != nil {
		return store.PutResult{}, err
	}
	if found {
		return store.PutResult{Status: store.StatusExists, ID: id}, nil
	}
	t0 := time.Now()
	x, err := w.Extractor.Extract(ctx, doc)
	if err != nil {
		if ctx.Err() != nil {
			return store.PutResult{}, ctx.Err()
		}
		w.count("extract")
		return store.PutResult{}, permanent(fmt.Errorf("extract %s: %w", doc.ID, err))
	}
	if w.Metrics != nil {
		w.Metrics.Duration.With("extract").Observe(time.Since(t0).Seconds())
	}
	if w.Hold > 0 && !sleep(ctx, w.Hold) {
		return store.PutResult{}, ctx.Err()
	}
	t1 := time.Now()
	var res store.PutResult
	err = w.retryStore(ctx, log, "store", func(ctx context.Context) error {
		var err error
		res, err = w.Store.Put(ctx, x, store.PutOptions{})
		return err
	})
	if err != nil {
		if ctx.Err() == nil && !isPermanent(err) {
			w.count("store")
		}
		return store.PutResult{}, err
	}
	if w.Metrics != nil {
		w.Metrics.Duration.With("store").Observe(time.Since(t1).Seconds())
	}
	return res, nil
}

// retryStore runs op (each run bounded by StoreTimeout) until it
// succeeds, fails for a reason other than the store being unreachable,
// ctx ends, or RetryFor has passed.
func (w *Worker) retryStore(ctx context.Context, log *slog.Logger, what string, op func(context.Context) error) error {
	start := time.Now()
	for attempt := 0; ; attempt++ {
		octx, cancel := context.WithTimeout(ctx, w.StoreTimeout)
		err := op(octx)
		cancel()
		if err == nil {
			if w.storeDown.Swap(false) {
				log.Info("store reachable again")
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !isTransient(err) {
			return err
		}
		w.count("store_unavailable")
		msg := err.Error()
		w.lastErr.Store(&msg)
		w.storeDown.Store(true)
		if time.Since(start) > w.RetryFor {
			return fmt.Errorf("%s: store unavailable for %s: %w", what, w.RetryFor, err)
		}
		d := w.backoff(attempt)
		if attempt == 0 || attempt%10 == 9 {
			log.Warn("store unavailable, retrying", "op", what, "err", err, "retry_in", d.Round(time.Millisecond).String(), "tries", attempt+1)
		}
		if !sleep(ctx, d) {
			return ctx.Err()
		}
	}
}

// deadLetter publishes the job to the dead-letter subject with the error,
// then acknowledges it. If the dead letter cannot be published, the job
// is returned to the queue instead: nothing is dropped.
func (w *Worker) deadLetter(ctx context.Context, log *slog.Logger, m message, md *jetstream.MsgMetadata, cause error) {
	dm := nats.NewMsg(w.Config.DeadSubject())
	dm.Data = m.Data()
	msg := cause.Error()
	if len(msg) > 2048 {
		msg = msg[:2048]
	}
	dm.Header.Set(HeaderError, headerSafe(msg))
	dm.Header.Set(HeaderAttempts, strconv.FormatUint(md.NumDelivered, 10))
	dm.Header.Set(HeaderSeq, strconv.FormatUint(md.Sequence.Stream, 10))
	dm.Header.Set(HeaderFailedAt, time.Now().UTC().Format(time.RFC3339))
	if name := m.Headers().Get(HeaderJob); name != "" {
		dm.Header.Set(HeaderJob, name)
	}
	// one dead letter per job even if this is done twice
	dm.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("dead-%s-%d", w.Config.Stream, md.Sequence.Stream))
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := w.publishDead(pctx, dm); err != nil {
		w.count("dead_letter")
		_ = m.NakWithDelay(w.backoff(int(md.NumDelivered)))
		log.Error("cannot dead-letter the job; returned to the queue", "err", err, "cause", cause)
		return
	}
	if err := m.DoubleAck(w.ackCtx(ctx)); err != nil {
		w.count("ack")
		log.Warn("acknowledgement of a dead-lettered job not confirmed", "err", err)
	}
	if w.Metrics != nil {
		w.Metrics.DeadLettered.Inc()
	}
	log.Warn("job dead-lettered", "err", cause, "subject", w.Config.DeadSubject())
}

// heartbeat tells the server the job is in progress every third of the
// ack wait until stop is called.
func heartbeat(m message, ackWait time.Duration) (stop func()) {
	every := ackWait / 3
	if every < 100*time.Millisecond {
		every = 100 * time.Millisecond
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = m.InProgress()
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}
