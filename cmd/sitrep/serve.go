package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/ops"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/server"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/watch"
)

// EnvToken names the server token when --token is not given.
const envToken = "SITREP_TOKEN"

// serveFlags are the flags shared by serve and demo.
type serveFlags struct {
	addr, token, watchFile string
	dicts                  stringList
	allowPrivate, noWatch  bool
	maxBytes               int64
	watchEvery             time.Duration
}

func (f *serveFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`; an address other than loopback needs --token")
	fs.StringVar(&f.token, "token", "", "`TOKEN` required by every write (ingest, watchlists); default $"+envToken)
	fs.Var(&f.dicts, "dict", "user dictionary `DIR` for ingested documents (repeatable)")
	fs.BoolVar(&f.allowPrivate, "allow-private", false, "let URL ingest and webhooks reach loopback, private and link-local addresses")
	fs.Int64Var(&f.maxBytes, "max-bytes", ingest.DefaultMaxBytes, "largest accepted document in bytes")
	fs.StringVar(&f.watchFile, "watch-file", "", "`FILE` keeping watchlists and alerts (default: next to the SQLite store, DB.watch.json)")
	fs.BoolVar(&f.noWatch, "no-watch", false, "disable watchlists")
	fs.DurationVar(&f.watchEvery, "watch-every", time.Minute, "look for new events of the watchlists every `DURATION`")
}

// isLoopback reports whether a listen address binds loopback only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "[flags]", `
Serve the store over HTTP: the JSON API under /api/v1 (documented at
/api/v1/openapi.json) and the web UI (search, documents with their
highlights, actors, dyads, the network, the map, agreements, commitments,
watchlists, ingest). It binds 127.0.0.1 by default. Binding any other
address needs a token (--token or $SITREP_TOKEN), which every write then
requires: API calls as "Authorization: Bearer TOKEN", UI forms in their
token field.

Beside the API, the server answers /metrics (Prometheus text: requests
and latency by route pattern, the store's record counts, process
figures), /healthz (200 while it serves) and /readyz (200 when the store
answers, else 503), readable without the token like the rest of the
API's reads.`)
	db := dbFlag(fs)
	var f serveFlags
	f.add(fs)
	if err := f.parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db, f.dicts...)
	if err != nil {
		return err
	}
	defer st.Close()
	dsn := storeDSN(*db)
	return serveStore(ctx, e, st, dsn, f, nil, nil)
}

// parse parses the flags of serve and demo (no arguments), takes the
// token from the environment when the flag is empty and checks the lot.
func (f *serveFlags) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if f.token == "" {
		f.token = strings.TrimSpace(os.Getenv(envToken))
	}
	return checkServeFlags(f)
}

func checkServeFlags(f *serveFlags) error {
	if _, _, err := net.SplitHostPort(f.addr); err != nil {
		return usageErr("--addr %q: want HOST:PORT", f.addr)
	}
	if !isLoopback(f.addr) && f.token == "" {
		return usageErr("--addr %s is not a loopback address: set --token or $%s so that writes need it", f.addr, envToken)
	}
	if f.watchEvery <= 0 {
		return usageErr("--watch-every must be positive")
	}
	return nil
}

// storeDSN is the DSN --db names (as openStore resolves it).
func storeDSN(db string) string {
	if db != "" {
		return db
	}
	if v := strings.TrimSpace(os.Getenv("SITREP_DB")); v != "" {
		return v
	}
	return "sitrep.db"
}

// watchPath is where the watchlists of a store are kept.
func watchPath(dsn, flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if postgres.IsDSN(dsn) {
		return "sitrep-watch.json"
	}
	p := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	return p + ".watch.json"
}

// serveStore runs the server until ctx ends, extracting ingested documents
// with p (a new pipeline when nil). ready, when set, gets the address
// listened on.
func serveStore(ctx context.Context, e *env, st store.Store, dsn string, f serveFlags, p *pipeline.Pipeline, ready func(addr string)) error {
	if p == nil {
		var err error
		if p, err = pipeline.New(pipeline.Options{DictDirs: f.dicts}); err != nil {
			return err
		}
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	reg := ops.NewRegistry()
	ops.RegisterProcess(reg)
	opts := server.Options{
		Metrics:     reg,
		Health:      &ops.Health{},
		Store:       st,
		Extractor:   p,
		Fetcher:     corpus.NewFetcher(corpus.FetchOptions{AllowPrivate: f.allowPrivate, MaxBytes: f.maxBytes}),
		Token:       f.token,
		MaxDocBytes: f.maxBytes,
		Logger:      logger,
	}
	if !f.noWatch {
		w, err := watch.New(st, watch.Options{Path: watchPath(dsn, f.watchFile), AllowPrivate: f.allowPrivate, Logger: logger})
		if err != nil {
			return err
		}
		defer w.Close()
		opts.Watch = w
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go w.Run(wctx, f.watchEvery)
	}
	srv, err := server.New(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	addr := ln.Addr().String()
	fmt.Fprintf(e.stdout, "sitrep: serving http://%s/ (API at http://%s/api/v1/openapi.json, metrics at http://%s/metrics)\n", addr, addr, addr)
	if f.token != "" {
		fmt.Fprintln(e.stdout, "sitrep: writes need the token")
	}
	if ready != nil {
		ready(addr)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
		return nil
	}
}
