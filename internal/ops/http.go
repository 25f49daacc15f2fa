package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Health answers /healthz (the process is alive and serving) and /readyz
// (it can do its work: every readiness check passes).
type Health struct {
	mu     sync.Mutex
	checks []check
}

type check struct {
	name string
	fn   func(ctx context.Context) error
}

// AddCheck adds a readiness check; fn should answer within a second or two.
func (h *Health) AddCheck(name string, fn func(ctx context.Context) error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.checks = append(h.checks, check{name, fn})
}

// Ready runs the checks and returns the failures by check name.
func (h *Health) Ready(ctx context.Context) map[string]error {
	h.mu.Lock()
	cs := append([]check(nil), h.checks...)
	h.mu.Unlock()
	failed := map[string]error{}
	for _, c := range cs {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := c.fn(cctx)
		cancel()
		if err != nil {
			failed[c.name] = err
		}
	}
	return failed
}

// Healthz answers 200 "ok" while the process serves HTTP.
func (h *Health) Healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
}

// Readyz answers 200 "ready" when every check passes, else 503 with one
// line per failing check.
func (h *Health) Readyz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		failed := h.Ready(r.Context())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if len(failed) == 0 {
			fmt.Fprintln(w, "ready")
			return
		}
		names := make([]string, 0, len(failed))
		for n := range failed {
			names = append(names, n)
		}
		sort.Strings(names)
		w.WriteHeader(http.StatusServiceUnavailable)
		for _, n := range names {
			fmt.Fprintf(w, "%s: %v\n", n, failed[n])
		}
	})
}

// Mount adds /metrics, /healthz and /readyz to mux.
func Mount(mux *http.ServeMux, reg *Registry, h *Health) {
	mux.Handle("GET /metrics", reg.Handler())
	mux.Handle("GET /healthz", h.Healthz())
	mux.Handle("GET /readyz", h.Readyz())
}

// HTTPMetrics counts and times the requests of an HTTP server.
type HTTPMetrics struct {
	requests *CounterVec
	latency  *HistogramVec
}

// NewHTTPMetrics registers sitrep_http_requests_total{route,code} and
// sitrep_http_request_duration_seconds{route}.
func NewHTTPMetrics(r *Registry) *HTTPMetrics {
	return &HTTPMetrics{
		requests: r.CounterVec("sitrep_http_requests_total", "HTTP requests by route pattern and status code.", "route", "code"),
		latency:  r.HistogramVec("sitrep_http_request_duration_seconds", "HTTP request latency by route pattern.", nil, "route"),
	}
}

// Wrap instruments next. The route label is the pattern of the
// http.ServeMux that served the request ("GET /events"), or "other", so
// that the label set stays small.
func (m *HTTPMetrics) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		m.requests.With(route, strconv.Itoa(sw.code)).Inc()
		m.latency.With(route).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.code, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Serve serves h on ln until ctx ends, then shuts down gracefully
// (waiting at most grace for open requests). Open the listener first
// (net.Listen) so that a busy port is reported at start.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, grace time.Duration) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if log != nil {
		srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shut down %s: %w", ln.Addr(), err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// HostPort makes a listen address of a bare port (":9464" from "9464").
func HostPort(addr string) string {
	if addr != "" && !strings.Contains(addr, ":") {
		return ":" + addr
	}
	return addr
}
