package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/sitrep/sitrep/internal/ops"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/queue"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
)

// queueFlags name the queue.
type queueFlags struct {
	url, stream, consumer string
	ackWait               time.Duration
	maxAttempts, replicas int
}

func (q *queueFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&q.url, "queue", "", "NATS server `URL` of the job queue, e.g. nats://127.0.0.1:4222 (several comma-separated)")
	fs.StringVar(&q.stream, "stream", queue.DefaultStream, "JetStream stream `NAME` of the jobs (dead letters go to NAME.dead)")
	fs.StringVar(&q.consumer, "consumer", queue.DefaultConsumer, "durable consumer `NAME` the workers share")
	fs.IntVar(&q.replicas, "replicas", 1, "copies of the streams on a NATS cluster, when they are created (1 or 3)")
}

func (q *queueFlags) addDelivery(fs *flag.FlagSet) {
	fs.DurationVar(&q.ackWait, "ack-wait", queue.DefaultAckWait, "redeliver a job after this long without news from its worker (when the consumer is created)")
	fs.IntVar(&q.maxAttempts, "max-attempts", queue.DefaultMaxAttempts, "dead-letter a failing job after `N` deliveries")
}

func (q *queueFlags) config(name string) queue.Config {
	return queue.Config{URL: q.url, Stream: q.stream, Consumer: q.consumer, AckWait: q.ackWait, MaxAttempts: q.maxAttempts, Replicas: q.replicas, Name: name}
}

// logFlags configure logging.
type logFlags struct{ format, level string }

func (l *logFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&l.format, "log-format", "text", "log format: text or json")
	fs.StringVar(&l.level, "log-level", "info", "log level: debug, info, warn or error")
}

func (l *logFlags) logger(e *env) (*slog.Logger, error) {
	lg, err := ops.NewLogger(e.stderr, l.format, l.level)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return lg, nil
}

// loadConfig completes parsed flags from SITREP_* variables and the
// configuration file.
func loadConfig(fs *flag.FlagSet, command string, log *slog.Logger) error {
	ld, err := ops.LoadConfig(fs, ops.ConfigOptions{Command: command})
	if err != nil {
		return usageErr("%v", err)
	}
	if log != nil && len(ld.Unknown) > 0 {
		log.Debug("configuration keys not used by this command", "file", ld.File, "keys", ld.Unknown)
	}
	return nil
}

func runWorker(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "worker", "--queue nats://HOST:4222 [--db DSN] [flags]", `
Pull document jobs from the JetStream queue, extract each with the
pipeline and store it in one transaction; a job is acknowledged only after
its transaction committed. Run as many workers as you like, on as many
machines, on one queue and one store (PostgreSQL for several machines).

A job whose worker dies is delivered again after --ack-wait; storing a
document twice changes nothing. A job that cannot succeed (malformed,
unreadable, conflicting) goes to the dead-letter subject STREAM.dead with
the error in a header; one that keeps failing goes there after
--max-attempts deliveries. When the store is unreachable the worker
retries with backoff and /readyz reports it.

SIGTERM or Ctrl-C stops taking jobs, lets the jobs in flight finish for
--shutdown-grace and returns the others to the queue.

--metrics-addr serves /metrics (Prometheus), /healthz and /readyz.
Every flag can also be set by SITREP_<FLAG> (SITREP_METRICS_ADDR) or in a
YAML/JSON file (--config or SITREP_CONFIG); a flag wins over the
environment, which wins over the file.`)
	var q queueFlags
	var lf logFlags
	q.add(fs)
	q.addDelivery(fs)
	lf.add(fs)
	db := dbFlag(fs)
	fs.String(ops.ConfigFlag, "", "configuration `FILE` (YAML or JSON)")
	concurrency := fs.Int("concurrency", runtime.GOMAXPROCS(0), "jobs processed at once")
	metricsAddr := fs.String("metrics-addr", "", "serve /metrics, /healthz and /readyz on `ADDR` (e.g. :9464)")
	grace := fs.Duration("shutdown-grace", 25*time.Second, "on SIGTERM, time left to the jobs in flight before they are returned to the queue")
	retryFor := fs.Duration("retry-for", 10*time.Minute, "how long a job waits for an unreachable store before counting as a failed attempt")
	retryBase := fs.Duration("retry-base", 250*time.Millisecond, "first delay of the exponential backoff (store retries, failed jobs)")
	storeTimeout := fs.Duration("store-timeout", 2*time.Minute, "time limit of one store operation; one that hangs is retried")
	hold := fs.Duration("hold", 0, "pause each job between extraction and storage (failure tests, demonstrations)")
	var dicts stringList
	fs.Var(&dicts, "dict", "user dictionary `DIR` overlaid on the embedded dictionaries (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments %q", fs.Args())
	}
	if err := loadConfig(fs, "worker", nil); err != nil {
		return err
	}
	log, err := lf.logger(e)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	cfg := q.config(fmt.Sprintf("sitrep worker %s/%d", host, os.Getpid()))
	if err := cfg.Validate(); err != nil {
		return usageErr("%v", err)
	}
	if *concurrency < 1 {
		return usageErr("--concurrency must be at least 1")
	}

	reg := ops.NewRegistry()
	ops.RegisterProcess(reg)
	metrics := queue.NewMetrics(reg)
	var health ops.Health
	w := &queue.Worker{Config: cfg, Concurrency: *concurrency, Log: log, Metrics: metrics,
		ShutdownGrace: *grace, RetryBase: *retryBase, RetryFor: *retryFor, StoreTimeout: *storeTimeout, Hold: *hold}
	health.AddCheck("worker", w.Ready)

	// The HTTP endpoints live from start to exit, past the context's end,
	// so that a shutdown can be watched.
	srvCtx, stopSrv := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSrv()
	srvErr := make(chan error, 1)
	if *metricsAddr != "" {
		ln, err := net.Listen("tcp", ops.HostPort(*metricsAddr))
		if err != nil {
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		log.Info("serving metrics", "addr", ln.Addr().String())
		mux := http.NewServeMux()
		ops.Mount(mux, reg, &health)
		go func() { srvErr <- ops.Serve(srvCtx, ln, mux, log, 5*time.Second) }()
	} else {
		close(srvErr)
	}

	dsn := backend.DSN(*db, os.Getenv)
	st, err := openStoreWaiting(ctx, dsn, dicts, log)
	if err != nil || st == nil {
		return err
	}
	defer st.Close()
	p, err := pipeline.New(pipeline.Options{DictDirs: dicts})
	if err != nil {
		return err
	}
	nc, err := queue.Connect(ctx, cfg, true, log)
	if err != nil {
		return err
	}
	defer nc.Close()
	w.Conn, w.Store, w.Extractor = nc, st, p
	runErr := w.Run(ctx)
	// the last acknowledgements and naks must reach the server
	if err := nc.FlushTimeout(5 * time.Second); err != nil {
		log.Warn("flush the queue connection", "err", err)
	}
	nc.Close()
	stopSrv()
	if err, ok := <-srvErr; ok && err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// openStoreWaiting opens the store, waiting while it is unreachable (a
// worker may start before its database). It returns nil, nil when ctx
// ends first.
func openStoreWaiting(ctx context.Context, dsn string, dicts []string, log *slog.Logger) (store.Store, error) {
	delay := 250 * time.Millisecond
	for tries := 1; ; tries++ {
		st, err := backend.Open(ctx, dsn, backend.Options{DictDirs: dicts})
		if err == nil {
			return st, nil
		}
		if ctx.Err() != nil {
			return nil, nil
		}
		if !queue.Transient(err) {
			return nil, err
		}
		if tries == 1 || tries%10 == 0 {
			log.Warn("store unreachable, waiting", "err", err)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil
		case <-t.C:
		}
		delay = min(2*delay, 10*time.Second)
	}
}
