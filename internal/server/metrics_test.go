package server

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// metricValue returns the value of the sample line that starts with
// series (name and labels, exactly as exposed), or -1.
func metricValue(t *testing.T, text, series string) float64 {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	return -1
}

// TestMetrics makes API and page requests, then reads /metrics: the
// request counter and the latency histogram carry the route pattern (not
// the path, so that ids do not make new series), the store's record
// counts are there, and /healthz and /readyz answer.
func TestMetrics(t *testing.T) {
	f := newFixture(t, fixtureOpts{empty: true})
	for _, p := range []string{"/api/v1/counts", "/api/v1/counts", "/api/v1/documents/a", "/api/v1/documents/b", "/api/v1/no/such/thing", "/search"} {
		f.get(t, p)
	}
	ingested, _, body := f.do(t, "POST", APIPrefix+"/ingest", "application/json", `{"text":"ANKARA — Turkey and Syria signed a trade agreement in Ankara on Monday, officials said.","published":"2025-12-01","id":"metrics-1"}`, nil)
	if ingested != http.StatusCreated && ingested != http.StatusOK {
		t.Fatalf("ingest: %d %s", ingested, body)
	}

	code, ctype, text := f.get(t, "/metrics")
	if code != http.StatusOK || !strings.HasPrefix(ctype, "text/plain; version=0.0.4") {
		t.Fatalf("/metrics: %d %q", code, ctype)
	}
	for series, want := range map[string]float64{
		`sitrep_http_requests_total{route="GET /api/v1/counts",code="200"}`:                             2,
		`sitrep_http_requests_total{route="GET /api/v1/documents/{id}",code="404"}`:                     2,
		`sitrep_http_requests_total{route="POST /api/v1/ingest",code="` + strconv.Itoa(ingested) + `"}`: 1,
		`sitrep_http_requests_total{route="/api/v1/",code="404"}`:                                       1,
		`sitrep_http_requests_total{route="GET /search",code="400"}`:                                    -1, // a page: any code, checked below
		`sitrep_http_request_duration_seconds_count{route="GET /api/v1/counts"}`:                        2,
		`sitrep_http_request_duration_seconds_bucket{route="GET /api/v1/counts",le="+Inf"}`:             2,
		`sitrep_store_records{kind="documents"}`:                                                        1,
	} {
		if got := metricValue(t, text, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	for _, want := range []string{
		"# TYPE sitrep_http_requests_total counter",
		"# TYPE sitrep_http_request_duration_seconds histogram",
		`sitrep_http_request_duration_seconds_bucket{route="GET /api/v1/documents/{id}",le="0.005"}`,
		`sitrep_http_requests_total{route="GET /search",code=`,
		"# TYPE sitrep_store_records gauge",
		"process_resident_memory_bytes ",
		"sitrep_build_info{",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// no series per raw path
	if regexp.MustCompile(`route="[^"]*/documents/(a|b)"`).MatchString(text) {
		t.Errorf("a raw path became a route label:\n%s", text)
	}

	code, ctype, body = f.get(t, "/healthz")
	if code != http.StatusOK || !strings.HasPrefix(ctype, "text/plain") || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz: %d %q %q", code, ctype, body)
	}
	if code, _, body = f.get(t, "/readyz"); code != http.StatusOK || strings.TrimSpace(body) != "ready" {
		t.Errorf("/readyz: %d %q", code, body)
	}
	// the scrapes themselves are counted
	_, _, text = f.get(t, "/metrics")
	if got := metricValue(t, text, `sitrep_http_requests_total{route="GET /healthz",code="200"}`); got != 1 {
		t.Errorf("healthz requests = %v", got)
	}
	// a store that no longer answers makes the server unready
	f.st.Close()
	if code, _, body = f.get(t, "/readyz"); code != http.StatusServiceUnavailable || !strings.HasPrefix(body, "store: ") {
		t.Errorf("/readyz with the store closed: %d %q", code, body)
	}
}

// TestOperationRoutes checks that the operations endpoints are routes of
// their own outside the API, so that the OpenAPI document (which covers
// /api/v1) need not list them.
func TestOperationRoutes(t *testing.T) {
	f := newFixture(t, fixtureOpts{empty: true})
	found := map[string]bool{}
	for _, r := range f.srv.Routes() {
		if r.Pattern == "/metrics" || r.Pattern == "/healthz" || r.Pattern == "/readyz" {
			if r.API || r.Method != "GET" {
				t.Errorf("route %+v", r)
			}
			found[r.Pattern] = true
		}
	}
	if len(found) != 3 {
		t.Errorf("operations routes %v", found)
	}
	if code, _, _ := f.do(t, "POST", "/metrics", "", "", nil); code == http.StatusOK {
		t.Errorf("POST /metrics: %d", code)
	}
}
