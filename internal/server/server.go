// Package server is sitrep's HTTP face: a JSON API under /api/v1
// (documented by the hand-written OpenAPI 3 document it serves at
// /api/v1/openapi.json) and a server-rendered web UI (html/template, a
// little htmx, cytoscape for the network, uPlot for time series and an
// SVG map), with every template and static asset embedded.
//
// Reading needs nothing; writing (ingest, watchlists) needs the server's
// token when one is set, and the UI's forms carry CSRF tokens. Article
// text is only ever written through html/template or html.EscapeString.
package server

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/ops"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/watch"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed openapi.json
var openapiJSON []byte

// APIPrefix is the path prefix of the JSON API.
const APIPrefix = "/api/v1"

// DefaultMaxBody bounds a request body: a document of
// ingest.DefaultMaxBytes plus room for the form or JSON around it.
const DefaultMaxBody = ingest.DefaultMaxBytes + 1<<20

// Extractor reads one document; *pipeline.Pipeline is one.
type Extractor interface {
	Extract(ctx context.Context, doc *sitrep.Document) (*sitrep.Extraction, error)
}

// Fetcher fetches a page as a document; *corpus.Fetcher is one.
type Fetcher interface {
	Document(ctx context.Context, u string, opts ingest.Options) (*sitrep.Document, error)
}

// Options configure a Server.
type Options struct {
	// Store is read by every page and written by ingest. Required.
	Store store.Store
	// Extractor reads ingested documents; ingest answers 503 without it.
	Extractor Extractor
	// Fetcher gets ingested URLs; adding a URL answers 503 without it.
	Fetcher Fetcher
	// Watch runs watchlists; the watchlist endpoints answer 503 without it.
	Watch *watch.Service
	// Token, when set, is required by every write: as "Authorization:
	// Bearer TOKEN" or "X-Sitrep-Token: TOKEN" on the API, as the token
	// field of the UI's forms.
	Token string
	// MaxBody bounds request bodies; DefaultMaxBody when 0.
	MaxBody int64
	// MaxDocBytes bounds one ingested document; ingest.DefaultMaxBytes when 0.
	MaxDocBytes int64
	// Logger gets one line per failed request; slog.Default() when nil.
	Logger *slog.Logger
	// Metrics is the registry served at /metrics. The server adds to it
	// a request counter and a latency histogram by route pattern and the
	// store's record counts; when nil it makes its own, with the process
	// metrics. A registry serves one Server (metric names are unique).
	Metrics *ops.Registry
	// Health answers /healthz and /readyz; the server adds a readiness
	// check of its store. A new one when nil.
	Health *ops.Health
}

// Route is one registered method and path pattern.
type Route struct {
	Method  string
	Pattern string
	// API is true for routes under /api/v1 (JSON, documented in the
	// OpenAPI document), false for pages, static assets and the
	// operations endpoints (/metrics, /healthz, /readyz).
	API bool
}

// Server serves the API and the UI. It is an http.Handler.
type Server struct {
	opts    Options
	log     *slog.Logger
	mux     *http.ServeMux
	routes  []Route
	pages   map[string]*pageTemplate
	csrfKey []byte
	static  http.Handler
	// handler is the mux with the request metrics around it.
	handler http.Handler
	metrics *ops.Registry
	health  *ops.Health
	counts  *storeCounts
}

// New builds a server.
func New(opts Options) (*Server, error) {
	if opts.Store == nil {
		return nil, errors.New("server: no store")
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxDocBytes <= 0 {
		opts.MaxDocBytes = ingest.DefaultMaxBytes
	}
	s := &Server{opts: opts, log: opts.Logger, mux: http.NewServeMux(), csrfKey: make([]byte, 32)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if _, err := rand.Read(s.csrfKey); err != nil {
		return nil, fmt.Errorf("server: csrf key: %w", err)
	}
	if !json.Valid(openapiJSON) {
		return nil, errors.New("server: embedded openapi.json is not valid JSON")
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("server: static files: %w", err)
	}
	s.static = http.StripPrefix("/static/", cacheStatic(http.FileServerFS(sub)))
	s.metrics, s.health = opts.Metrics, opts.Health
	if s.metrics == nil {
		s.metrics = ops.NewRegistry()
		ops.RegisterProcess(s.metrics)
	}
	if s.health == nil {
		s.health = &ops.Health{}
	}
	s.health.AddCheck("store", s.storeReady)
	s.counts = newStoreCounts(s.metrics, opts.Store, s.log)
	s.handler = ops.NewHTTPMetrics(s.metrics).Wrap(http.HandlerFunc(s.serve))
	s.register()
	return s, nil
}

// Routes lists the registered routes, API routes first, sorted.
func (s *Server) Routes() []Route {
	out := append([]Route(nil), s.routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].API != out[j].API {
			return out[i].API
		}
		if out[i].Pattern != out[j].Pattern {
			return out[i].Pattern < out[j].Pattern
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// OpenAPI returns the embedded OpenAPI document.
func OpenAPI() []byte { return append([]byte(nil), openapiJSON...) }

// ServeHTTP implements http.Handler: request metrics, security headers,
// then the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// serve sets the security headers and the body limit and routes. The
// mux records the matched pattern in r.Pattern, which the request
// metrics use as the route label.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBody)
	}
	s.mux.ServeHTTP(w, r)
}

type apiHandler func(w http.ResponseWriter, r *http.Request) error
type pageHandler func(w http.ResponseWriter, r *http.Request) error

// api registers a JSON route; errors become JSON error bodies.
func (s *Server) api(method, path string, h apiHandler) {
	s.routes = append(s.routes, Route{Method: method, Pattern: path, API: true})
	s.mux.HandleFunc(method+" "+path, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// page registers an HTML route; errors become an HTML error page.
func (s *Server) page(method, path string, h pageHandler) {
	s.routes = append(s.routes, Route{Method: method, Pattern: path})
	s.mux.HandleFunc(method+" "+path, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.pageError(w, r, err)
		}
	})
}

// operation registers an operations endpoint (plain text, no page).
func (s *Server) operation(method, path string, h http.Handler) {
	s.routes = append(s.routes, Route{Method: method, Pattern: path})
	s.mux.Handle(method+" "+path, h)
}

func (s *Server) register() {
	p := APIPrefix
	s.api("GET", p+"/openapi.json", s.apiOpenAPI)
	s.api("GET", p+"/counts", s.apiCounts)
	s.api("GET", p+"/documents", s.apiDocuments)
	s.api("GET", p+"/documents/{id}", s.apiDocument)
	s.api("GET", p+"/events", s.apiEvents)
	s.api("GET", p+"/events/{id}/mentions", s.apiMentions)
	s.api("GET", p+"/search", s.apiSearch)
	s.api("GET", p+"/actors", s.apiActors)
	s.api("GET", p+"/actors/{id}", s.apiActor)
	s.api("GET", p+"/timelines", s.apiTimeline)
	s.api("GET", p+"/dyads/{a}/{b}", s.apiDyad)
	s.api("GET", p+"/network", s.apiNetwork)
	s.api("GET", p+"/map", s.apiMap)
	s.api("GET", p+"/agreements", s.apiAgreements)
	s.api("GET", p+"/commitments", s.apiCommitments)
	s.api("GET", p+"/exports/{format}", s.apiExport)
	s.api("POST", p+"/ingest", s.apiIngest)
	s.api("GET", p+"/watchlists", s.apiWatchlists)
	s.api("POST", p+"/watchlists", s.apiCreateWatchlist)
	s.api("GET", p+"/watchlists/{id}", s.apiWatchlist)
	s.api("DELETE", p+"/watchlists/{id}", s.apiDeleteWatchlist)
	s.api("GET", p+"/watchlists/{id}/alerts", s.apiAlerts)
	s.api("GET", p+"/watchlists/{id}/deliveries", s.apiDeliveries)

	// Other methods on an API path, and unknown API paths, answer JSON.
	allowed := map[string][]string{}
	var paths []string
	for _, rt := range s.routes {
		if rt.API {
			if allowed[rt.Pattern] == nil {
				paths = append(paths, rt.Pattern)
			}
			allowed[rt.Pattern] = append(allowed[rt.Pattern], rt.Method)
		}
	}
	for _, path := range paths {
		allow := strings.Join(allowed[path], ", ")
		s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			s.writeError(w, r, errf(http.StatusMethodNotAllowed, "method %s not allowed; allowed: %s", r.Method, allow))
		})
	}
	s.mux.HandleFunc(p+"/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errf(http.StatusNotFound, "no such endpoint: %s", r.URL.Path))
	})

	s.page("GET", "/{$}", s.pageHome)
	s.page("GET", "/search", s.pageSearch)
	s.page("GET", "/documents", s.pageDocuments)
	s.page("GET", "/documents/{id}", s.pageDocument)
	s.page("GET", "/actors", s.pageActors)
	s.page("GET", "/actors/{id}", s.pageActor)
	s.page("GET", "/dyads/{a}/{b}", s.pageDyad)
	s.page("GET", "/network", s.pageNetwork)
	s.page("GET", "/map", s.pageMap)
	s.page("GET", "/agreements", s.pageAgreements)
	s.page("GET", "/commitments", s.pageCommitments)
	s.page("GET", "/ingest", s.pageIngest)
	s.page("POST", "/ingest", s.pageIngestPost)
	s.page("GET", "/watchlists", s.pageWatchlists)
	s.page("POST", "/watchlists", s.pageWatchlistCreate)
	s.page("GET", "/watchlists/{id}", s.pageWatchlist)
	s.page("POST", "/watchlists/{id}/delete", s.pageWatchlistDelete)
	s.page("GET", "/watchlists/{id}/feed.atom", s.pageWatchlistFeed)
	s.routes = append(s.routes, Route{Method: "GET", Pattern: "/static/"})
	s.mux.Handle("GET /static/", s.static)

	// Operations: outside the API (and its OpenAPI document), like the
	// worker's endpoints of the same names.
	s.operation("GET", "/metrics", s.counts.refreshing(s.metrics.Handler()))
	s.operation("GET", "/healthz", s.health.Healthz())
	s.operation("GET", "/readyz", s.health.Readyz())
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.pageError(w, r, errf(http.StatusNotFound, "page not found"))
	})
}

// cacheStatic lets browsers keep the embedded assets for a day.
func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

// httpError is an error with an HTTP status.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errf(status int, format string, a ...any) error {
	return &httpError{status: status, msg: fmt.Sprintf(format, a...)}
}

// statusOf maps an error to an HTTP status and a message for the client.
func statusOf(err error) (int, string) {
	var he *httpError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.status, he.msg
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", mbe.Limit)
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "not found"
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, err.Error()
	case errors.Is(err, store.ErrInvalid):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "request cancelled"
	}
	return http.StatusInternalServerError, "internal error"
}

// errorBody is the JSON error envelope.
type errorBody struct {
	Error struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"error"`
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var b errorBody
	b.Error.Status, b.Error.Message = status, msg
	writeJSON(w, status, b)
}

// writeJSON writes v with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// now is the time used for cookies and feeds.
func now() time.Time { return time.Now().UTC() }
