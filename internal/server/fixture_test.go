package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
	"github.com/sitrep/sitrep/internal/watch"
)

// The pipeline is loaded once per test binary: it is safe for concurrent
// use and keeps no state between documents.
var (
	pipeOnce sync.Once
	pipe     *pipeline.Pipeline
	pipeErr  error
)

func testPipeline(t testing.TB) *pipeline.Pipeline {
	t.Helper()
	pipeOnce.Do(func() { pipe, pipeErr = pipeline.New(pipeline.Options{}) })
	if pipeErr != nil {
		t.Fatal(pipeErr)
	}
	return pipe
}

// fixture is a server over a real SQLite store holding the demo corpus.
type fixture struct {
	st    store.Store
	srv   *Server
	watch *watch.Service
	ts    *httptest.Server
}

type fixtureOpts struct {
	token        string
	maxBody      int64
	allowPrivate bool
	empty        bool
}

func newFixture(t testing.TB, o fixtureOpts) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := backend.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p := testPipeline(t)
	if !o.empty {
		if _, err := demo.Load(ctx, st, p); err != nil {
			t.Fatal(err)
		}
	}
	w, err := watch.New(st, watch.Options{AllowPrivate: o.allowPrivate, Backoff: 10 * time.Millisecond, Attempts: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	srv, err := New(Options{Store: st, Extractor: p, Watch: w, Token: o.token, MaxBody: o.maxBody})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &fixture{st: st, srv: srv, watch: w, ts: ts}
}

// get fetches a path and returns status, content type and body.
func (f *fixture) get(t testing.TB, path string) (int, string, string) {
	t.Helper()
	return f.do(t, "GET", path, "", "", nil)
}

func (f *fixture) do(t testing.TB, method, path, ctype, body string, hdr map[string]string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// getJSON fetches a path that must answer 200 JSON and decodes it.
func (f *fixture) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	code, ct, body := f.get(t, path)
	if code != http.StatusOK || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: %d %s: %.300s", path, code, ct, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// checkErrorBody checks the JSON error envelope of a response.
func checkErrorBody(t testing.TB, what string, code int, ctype, body string) {
	t.Helper()
	if !strings.HasPrefix(ctype, "application/json") {
		t.Errorf("%s: error content type %q, want JSON", what, ctype)
		return
	}
	var e errorBody
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Errorf("%s: error body %q: %v", what, body, err)
		return
	}
	if e.Error.Status != code || e.Error.Message == "" {
		t.Errorf("%s: error body %q does not give status %d and a message", what, body, code)
	}
}
