package ops

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func scrape(t *testing.T, r *Registry) string {
	t.Helper()
	var b strings.Builder
	w := bufio.NewWriter(&b)
	r.WriteTo(w)
	w.Flush()
	return b.String()
}

func TestExposition(t *testing.T) {
	r := NewRegistry()
	docs := r.CounterVec("sitrep_documents_total", "Documents by status.", "status")
	docs.With("stored").Add(3)
	docs.With("exists").Inc()
	g := r.Gauge("sitrep_queue_lag_messages", "Messages not yet acknowledged.")
	g.Set(7)
	g.Add(-2)
	r.GaugeFunc("sitrep_answer", "A constant.", func() float64 { return 42 })
	h := r.HistogramVec("sitrep_job_duration_seconds", "Job latency.", []float64{0.1, 1}, "stage")
	h.With("store").Observe(0.05)
	h.With("store").Observe(0.1) // on a bucket's bound: counted in it (le)
	h.With("store").Observe(5)
	odd := r.CounterVec("sitrep_odd_total", "Help with a \\ and\na newline.", "v")
	odd.With(`a "quoted" \ value`).Inc()

	got := scrape(t, r)
	want := `# HELP sitrep_answer A constant.
# TYPE sitrep_answer gauge
sitrep_answer 42
# HELP sitrep_documents_total Documents by status.
# TYPE sitrep_documents_total counter
sitrep_documents_total{status="exists"} 1
sitrep_documents_total{status="stored"} 3
# HELP sitrep_job_duration_seconds Job latency.
# TYPE sitrep_job_duration_seconds histogram
sitrep_job_duration_seconds_bucket{stage="store",le="0.1"} 2
sitrep_job_duration_seconds_bucket{stage="store",le="1"} 2
sitrep_job_duration_seconds_bucket{stage="store",le="+Inf"} 3
sitrep_job_duration_seconds_sum{stage="store"} 5.15
sitrep_job_duration_seconds_count{stage="store"} 3
# HELP sitrep_odd_total Help with a \\ and\na newline.
# TYPE sitrep_odd_total counter
sitrep_odd_total{v="a \"quoted\" \\ value"} 1
# HELP sitrep_queue_lag_messages Messages not yet acknowledged.
# TYPE sitrep_queue_lag_messages gauge
sitrep_queue_lag_messages 5
`
	if got != want {
		t.Errorf("exposition:\n%s\nwant:\n%s", got, want)
	}
}

func TestRegistryRejects(t *testing.T) {
	for name, fn := range map[string]func(r *Registry){
		"twice":       func(r *Registry) { r.Counter("a_total", ""); r.Gauge("a_total", "") },
		"bad name":    func(r *Registry) { r.Counter("1bad", "") },
		"label count": func(r *Registry) { r.CounterVec("b_total", "", "x").With("1", "2") },
		"negative":    func(r *Registry) { r.Counter("c_total", "").Add(-1) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			fn(NewRegistry())
		})
	}
}

func TestHandlers(t *testing.T) {
	r := NewRegistry()
	RegisterProcess(r)
	var h Health
	broken := errors.New("nats: disconnected")
	var fail atomic.Bool
	h.AddCheck("queue", func(ctx context.Context) error {
		if fail.Load() {
			return broken
		}
		return nil
	})
	mux := http.NewServeMux()
	Mount(mux, r, &h)
	m := NewHTTPMetrics(r)
	srv := httptest.NewServer(m.Wrap(mux))
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
		}
		return resp.StatusCode, b.String()
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d while ready", code)
	}
	fail.Store(true)
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "queue: nats: disconnected") {
		t.Errorf("/readyz = %d %q while the queue is down", code, body)
	}
	code, body := get("/metrics")
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		"# TYPE sitrep_build_info gauge",
		"process_resident_memory_bytes ",
		`sitrep_http_requests_total{route="GET /readyz",code="503"} 1`,
		`sitrep_http_requests_total{route="GET /healthz",code="200"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestParseProcStatus(t *testing.T) {
	status := []byte("Name:\tsitrep\nVmPeak:\t  200 kB\nVmHWM:\t   1234 kB\nVmRSS:\t  1000 kB\n")
	if n, ok := parseProcStatus(status, "VmHWM"); !ok || n != 1234*1024 {
		t.Errorf("VmHWM = %d %v", n, ok)
	}
	if _, ok := parseProcStatus(status, "VmSwap"); ok {
		t.Errorf("absent field found")
	}
}

func TestNewLogger(t *testing.T) {
	var b strings.Builder
	l, err := NewLogger(&b, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	l.Debug("hidden")
	l.Info("shown", "k", 1)
	if strings.Contains(b.String(), "hidden") || !strings.Contains(b.String(), `"msg":"shown","k":1`) {
		t.Errorf("log = %q", b.String())
	}
	if _, err := NewLogger(&b, "xml", "info"); err == nil {
		t.Errorf("xml format accepted")
	}
	if _, err := NewLogger(&b, "text", "loud"); err == nil {
		t.Errorf("level loud accepted")
	}
}
