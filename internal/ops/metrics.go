// Package ops holds what a long-running sitrep process needs to be
// operated: Prometheus metrics in the text exposition format, health and
// readiness endpoints, structured logging set-up, configuration from flags,
// environment and a file, and process figures (peak memory).
//
// The metrics are written by hand rather than with client_golang: sitrep
// needs counters, gauges and histograms with a few labels, and the text
// format (version 0.0.4) is small.
package ops

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Registry holds metrics and writes them in the Prometheus text format.
// It is safe for concurrent use.
type Registry struct {
	mu      sync.Mutex
	metrics []metric
	names   map[string]bool
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{names: map[string]bool{}}
}

type metric interface {
	header() (name, help, typ string)
	write(w *bufio.Writer)
}

// register adds m; a name used twice is a programming error.
func (r *Registry) register(m metric) {
	name, _, _ := m.header()
	if !validName(name) {
		panic(fmt.Sprintf("ops: invalid metric name %q", name))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.names[name] {
		panic(fmt.Sprintf("ops: metric %q registered twice", name))
	}
	r.names[name] = true
	r.metrics = append(r.metrics, m)
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		ok := c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// ContentType is the media type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// WriteTo writes every metric, sorted by name.
func (r *Registry) WriteTo(w *bufio.Writer) {
	r.mu.Lock()
	ms := slices.Clone(r.metrics)
	r.mu.Unlock()
	sort.Slice(ms, func(i, j int) bool {
		a, _, _ := ms[i].header()
		b, _, _ := ms[j].header()
		return a < b
	})
	for _, m := range ms {
		name, help, typ := m.header()
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, escapeHelp(help), name, typ)
		m.write(w)
	}
}

// Handler serves the metrics (mount it on /metrics).
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		bw := bufio.NewWriter(w)
		r.WriteTo(bw)
		bw.Flush()
	})
}

func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`).Replace(s)
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// labelString renders {a="x",b="y"} (with extra pairs appended), or "".
func labelString(names, values []string, extra ...string) string {
	if len(names) == 0 && len(extra) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	n := 0
	add := func(k, v string) {
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		b.WriteString(k)
		b.WriteString(`="`)
		b.WriteString(escapeLabel(v))
		b.WriteByte('"')
	}
	for i, k := range names {
		add(k, values[i])
	}
	for i := 0; i+1 < len(extra); i += 2 {
		add(extra[i], extra[i+1])
	}
	b.WriteByte('}')
	return b.String()
}

// value is a float64 updated atomically.
type value struct{ bits atomic.Uint64 }

func (v *value) add(d float64) {
	for {
		old := v.bits.Load()
		if v.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}

func (v *value) set(x float64) { v.bits.Store(math.Float64bits(x)) }
func (v *value) get() float64  { return math.Float64frombits(v.bits.Load()) }

// family is the labelled series of one metric.
type family[T any] struct {
	name, help, typ string
	labels          []string
	mu              sync.Mutex
	series          map[string]*T
	values          map[string][]string
	make            func() *T
}

func newFamily[T any](name, help, typ string, labels []string, mk func() *T) *family[T] {
	return &family[T]{name: name, help: help, typ: typ, labels: labels, series: map[string]*T{}, values: map[string][]string{}, make: mk}
}

func (f *family[T]) header() (string, string, string) { return f.name, f.help, f.typ }

func (f *family[T]) with(values []string) *T {
	if len(values) != len(f.labels) {
		panic(fmt.Sprintf("ops: metric %s takes %d label values, got %d", f.name, len(f.labels), len(values)))
	}
	key := strings.Join(values, "\xff")
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.series[key]
	if !ok {
		s = f.make()
		f.series[key] = s
		f.values[key] = slices.Clone(values)
	}
	return s
}

// each calls fn with the series in label order.
func (f *family[T]) each(fn func(values []string, s *T)) {
	f.mu.Lock()
	keys := make([]string, 0, len(f.series))
	for k := range f.series {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	type pair struct {
		v []string
		s *T
	}
	ps := make([]pair, len(keys))
	for i, k := range keys {
		ps[i] = pair{f.values[k], f.series[k]}
	}
	f.mu.Unlock()
	for _, p := range ps {
		fn(p.v, p.s)
	}
}

// Counter is a value that only goes up.
type Counter struct{ v value }

// Inc adds one.
func (c *Counter) Inc() { c.v.add(1) }

// Add adds d (which must not be negative).
func (c *Counter) Add(d float64) {
	if d < 0 {
		panic("ops: counter decreased")
	}
	c.v.add(d)
}

// Value is the current count.
func (c *Counter) Value() float64 { return c.v.get() }

// CounterVec is a counter with labels.
type CounterVec struct{ f *family[Counter] }

// With returns the counter of the label values, in the order of the
// label names.
func (c *CounterVec) With(values ...string) *Counter { return c.f.with(values) }

func (c *CounterVec) header() (string, string, string) { return c.f.header() }

func (c *CounterVec) write(w *bufio.Writer) {
	c.f.each(func(values []string, s *Counter) {
		fmt.Fprintf(w, "%s%s %s\n", c.f.name, labelString(c.f.labels, values), formatFloat(s.Value()))
	})
}

// Counter registers a counter without labels.
func (r *Registry) Counter(name, help string) *Counter {
	return r.CounterVec(name, help).With()
}

// CounterVec registers a counter with labels.
func (r *Registry) CounterVec(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{newFamily(name, help, "counter", labels, func() *Counter { return &Counter{} })}
	r.register(c)
	return c
}

// Gauge is a value that goes up and down.
type Gauge struct{ v value }

// Set sets the value.
func (g *Gauge) Set(x float64) { g.v.set(x) }

// Add adds d (negative to subtract).
func (g *Gauge) Add(d float64) { g.v.add(d) }

// Value is the current value.
func (g *Gauge) Value() float64 { return g.v.get() }

// GaugeVec is a gauge with labels.
type GaugeVec struct{ f *family[Gauge] }

// With returns the gauge of the label values.
func (g *GaugeVec) With(values ...string) *Gauge { return g.f.with(values) }

func (g *GaugeVec) header() (string, string, string) { return g.f.header() }

func (g *GaugeVec) write(w *bufio.Writer) {
	g.f.each(func(values []string, s *Gauge) {
		fmt.Fprintf(w, "%s%s %s\n", g.f.name, labelString(g.f.labels, values), formatFloat(s.Value()))
	})
}

// Gauge registers a gauge without labels.
func (r *Registry) Gauge(name, help string) *Gauge {
	return r.GaugeVec(name, help).With()
}

// GaugeVec registers a gauge with labels.
func (r *Registry) GaugeVec(name, help string, labels ...string) *GaugeVec {
	g := &GaugeVec{newFamily(name, help, "gauge", labels, func() *Gauge { return &Gauge{} })}
	r.register(g)
	return g
}

// gaugeFunc is a gauge read when the metrics are written.
type gaugeFunc struct {
	name, help string
	fn         func() float64
}

func (g *gaugeFunc) header() (string, string, string) { return g.name, g.help, "gauge" }
func (g *gaugeFunc) write(w *bufio.Writer) {
	fmt.Fprintf(w, "%s %s\n", g.name, formatFloat(g.fn()))
}

// GaugeFunc registers a gauge whose value fn gives at each scrape. fn
// must be quick and safe for concurrent use.
func (r *Registry) GaugeFunc(name, help string, fn func() float64) {
	r.register(&gaugeFunc{name, help, fn})
}

// DefBuckets are latency buckets in seconds, from 1 ms to 60 s.
var DefBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// Histogram counts observations in buckets.
type Histogram struct {
	upper  []float64
	counts []atomic.Uint64
	count  atomic.Uint64
	sum    value
}

// Observe records one observation.
func (h *Histogram) Observe(x float64) {
	i := sort.SearchFloat64s(h.upper, x)
	if i < len(h.counts) {
		h.counts[i].Add(1)
	}
	h.sum.add(x)
	h.count.Add(1)
}

// Count is the number of observations.
func (h *Histogram) Count() uint64 { return h.count.Load() }

// Sum is the sum of the observations.
func (h *Histogram) Sum() float64 { return h.sum.get() }

// HistogramVec is a histogram with labels.
type HistogramVec struct{ f *family[Histogram] }

// With returns the histogram of the label values.
func (h *HistogramVec) With(values ...string) *Histogram { return h.f.with(values) }

func (h *HistogramVec) header() (string, string, string) { return h.f.header() }

func (h *HistogramVec) write(w *bufio.Writer) {
	h.f.each(func(values []string, s *Histogram) {
		var cum uint64
		for i, up := range s.upper {
			cum += s.counts[i].Load()
			fmt.Fprintf(w, "%s_bucket%s %d\n", h.f.name, labelString(h.f.labels, values, "le", formatFloat(up)), cum)
		}
		n := s.count.Load()
		fmt.Fprintf(w, "%s_bucket%s %d\n", h.f.name, labelString(h.f.labels, values, "le", "+Inf"), n)
		fmt.Fprintf(w, "%s_sum%s %s\n", h.f.name, labelString(h.f.labels, values), formatFloat(s.sum.get()))
		fmt.Fprintf(w, "%s_count%s %d\n", h.f.name, labelString(h.f.labels, values), n)
	})
}

// Histogram registers a histogram without labels; nil buckets are DefBuckets.
func (r *Registry) Histogram(name, help string, buckets []float64) *Histogram {
	return r.HistogramVec(name, help, buckets).With()
}

// HistogramVec registers a histogram with labels; nil buckets are DefBuckets.
func (r *Registry) HistogramVec(name, help string, buckets []float64, labels ...string) *HistogramVec {
	if buckets == nil {
		buckets = DefBuckets
	}
	up := slices.Clone(buckets)
	sort.Float64s(up)
	up = slices.Compact(up)
	if len(up) > 0 && math.IsInf(up[len(up)-1], 1) {
		up = up[:len(up)-1]
	}
	h := &HistogramVec{newFamily(name, help, "histogram", labels, func() *Histogram {
		return &Histogram{upper: up, counts: make([]atomic.Uint64, len(up))}
	})}
	r.register(h)
	return h
}
