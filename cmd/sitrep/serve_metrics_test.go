package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeMetrics runs 'sitrep serve' (serveStore, as runServe calls it)
// on an empty store and reads its operations endpoints: /metrics has the
// process figures and the requests by route pattern, /healthz and
// /readyz answer 200.
func TestServeMetrics(t *testing.T) {
	db := filepath.Join(t.TempDir(), "serve.db")
	st := openTestStore(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb lockedBuffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- serveStore(ctx, e, st, db, serveFlags{addr: "127.0.0.1:0", noWatch: true, watchEvery: time.Minute}, nil, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("serve: %v: %s", err, errb.String())
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	get("/api/v1/events?limit=5")
	get("/api/v1/actors/XYZ")
	if code, body := get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get("/readyz"); code != 200 || strings.TrimSpace(body) != "ready" {
		t.Errorf("/readyz: %d %q", code, body)
	}
	code, text := get("/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`sitrep_http_requests_total{route="GET /api/v1/events",code="200"} 1`,
		`sitrep_http_requests_total{route="GET /api/v1/actors/{id}",code="404"} 1`,
		`sitrep_http_requests_total{route="GET /healthz",code="200"} 1`,
		`sitrep_http_request_duration_seconds_count{route="GET /api/v1/events"} 1`,
		`# TYPE sitrep_http_request_duration_seconds histogram`,
		`sitrep_store_records{kind="documents"} 0`,
		`sitrep_build_info{version=`,
		`process_start_time_seconds `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(out.String(), "/metrics") {
		t.Errorf("start message %q does not give the metrics address", out.String())
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
