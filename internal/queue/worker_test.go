package queue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/ops"
	"github.com/sitrep/sitrep/internal/store"
)

// fakeMsg records what the worker does with a message.
type fakeMsg struct {
	data      []byte
	hdr       nats.Header
	delivered uint64

	mu         sync.Mutex
	acks, naks int
	nakDelays  []time.Duration
	progress   int
	terms      int
}

func (m *fakeMsg) Data() []byte         { return m.data }
func (m *fakeMsg) Headers() nats.Header { return m.hdr }
func (m *fakeMsg) Metadata() (*jetstream.MsgMetadata, error) {
	return &jetstream.MsgMetadata{NumDelivered: m.delivered, Sequence: jetstream.SequencePair{Stream: 7, Consumer: 7}}, nil
}
func (m *fakeMsg) DoubleAck(context.Context) error { m.mu.Lock(); m.acks++; m.mu.Unlock(); return nil }
func (m *fakeMsg) Nak() error                      { m.mu.Lock(); m.naks++; m.mu.Unlock(); return nil }
func (m *fakeMsg) NakWithDelay(d time.Duration) error {
	m.mu.Lock()
	m.nakDelays = append(m.nakDelays, d)
	m.mu.Unlock()
	return nil
}
func (m *fakeMsg) InProgress() error { m.mu.Lock(); m.progress++; m.mu.Unlock(); return nil }
func (m *fakeMsg) Term() error       { m.mu.Lock(); m.terms++; m.mu.Unlock(); return nil }

// fakeStore answers Lookup and Put; the rest of store.Store is unused.
type fakeStore struct {
	store.Store
	mu      sync.Mutex
	found   bool
	putErrs []error // returned by successive Puts before success
	puts    int
	stored  []string
}

func (s *fakeStore) Lookup(ctx context.Context, d *sitrep.Document) (string, bool, error) {
	if s.found {
		return d.ID, true, nil
	}
	return "", false, nil
}

func (s *fakeStore) Put(ctx context.Context, x *sitrep.Extraction, _ store.PutOptions) (store.PutResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts++
	if len(s.putErrs) > 0 {
		err := s.putErrs[0]
		s.putErrs = s.putErrs[1:]
		return store.PutResult{}, err
	}
	s.stored = append(s.stored, x.Document.ID)
	return store.PutResult{Status: store.StatusStored, ID: x.Document.ID, NewEvents: 2, Mentions: 2}, nil
}

type fakeExtractor struct{ calls int }

func (f *fakeExtractor) Extract(ctx context.Context, d *sitrep.Document) (*sitrep.Extraction, error) {
	f.calls++
	return &sitrep.Extraction{Document: *d}, nil
}

type harness struct {
	w     *Worker
	st    *fakeStore
	ex    *fakeExtractor
	dead  []*nats.Msg
	reg   *ops.Registry
	deadE error
}

func newHarness(t *testing.T) *harness {
	h := &harness{st: &fakeStore{}, ex: &fakeExtractor{}, reg: ops.NewRegistry()}
	h.w = &Worker{
		Config:    Config{Stream: "T", MaxAttempts: 3},
		Store:     h.st,
		Extractor: h.ex,
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics:   NewMetrics(h.reg),
		RetryBase: time.Millisecond,
		RetryMax:  5 * time.Millisecond,
	}
	h.w.defaults()
	h.w.publishDead = func(ctx context.Context, m *nats.Msg) error {
		if h.deadE != nil {
			return h.deadE
		}
		h.dead = append(h.dead, m)
		return nil
	}
	return h
}

func jobMsg(t *testing.T, j Job, delivered uint64) *fakeMsg {
	t.Helper()
	b, err := j.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return &fakeMsg{data: b, hdr: nats.Header{HeaderJob: []string{j.Name}}, delivered: delivered}
}

func goodJob(id string) Job {
	return Job{Name: id, Record: &ingest.Record{ID: id, Text: "Turkey and Syria signed an agreement in Ankara on Monday.", Published: "2025-08-14"}}
}

func (h *harness) run(ctx context.Context, m *fakeMsg) {
	h.w.handle(ctx, m, time.Minute)
}

func TestHandleStores(t *testing.T) {
	h := newHarness(t)
	m := jobMsg(t, goodJob("doc-1"), 1)
	h.run(context.Background(), m)
	if m.acks != 1 || m.naks != 0 || len(m.nakDelays) != 0 || len(h.dead) != 0 {
		t.Fatalf("acks %d naks %d delayed %v dead %d: want one ack", m.acks, m.naks, m.nakDelays, len(h.dead))
	}
	if len(h.st.stored) != 1 || h.st.stored[0] != "doc-1" {
		t.Errorf("stored %v", h.st.stored)
	}
	if got := h.w.Metrics.Documents.With("stored").Value(); got != 1 {
		t.Errorf("documents stored metric = %v", got)
	}
	if got := h.w.Metrics.Events.Value(); got != 2 {
		t.Errorf("events metric = %v", got)
	}
}

func TestHandleExistsSkipsExtraction(t *testing.T) {
	h := newHarness(t)
	h.st.found = true
	m := jobMsg(t, goodJob("doc-1"), 2)
	h.run(context.Background(), m)
	if m.acks != 1 || h.ex.calls != 0 || h.st.puts != 0 {
		t.Fatalf("acks %d, extractions %d, puts %d: want an ack without work", m.acks, h.ex.calls, h.st.puts)
	}
	if h.w.Metrics.Documents.With("exists").Value() != 1 || h.w.Metrics.Redelivered.Value() != 1 {
		t.Errorf("metrics: exists %v redelivered %v", h.w.Metrics.Documents.With("exists").Value(), h.w.Metrics.Redelivered.Value())
	}
}

func TestHandleDeadLettersAtOnce(t *testing.T) {
	cases := []struct {
		name string
		msg  func(t *testing.T) *fakeMsg
		err  error // from Put
		want string
	}{
		{name: "not json", msg: func(t *testing.T) *fakeMsg {
			return &fakeMsg{data: []byte("{not a job"), hdr: nats.Header{}, delivered: 1}
		}, want: "not a sitrep job"},
		{name: "empty job", msg: func(t *testing.T) *fakeMsg {
			return &fakeMsg{data: []byte(`{"name":"x"}`), hdr: nats.Header{}, delivered: 1}
		}, want: "exactly one"},
		{name: "binary", msg: func(t *testing.T) *fakeMsg {
			return jobMsg(t, Job{Name: "x.txt", Raw: []byte("\x00\x01\x02\x03ELF\x00\x00binary")}, 1)
		}, want: "binary"},
		{name: "bad date", msg: func(t *testing.T) *fakeMsg {
			return jobMsg(t, Job{Name: "r", Record: &ingest.Record{ID: "r", Text: "Some text.", Published: "yesterday-ish"}}, 1)
		}, want: "malformed"},
		{name: "conflict", msg: func(t *testing.T) *fakeMsg { return jobMsg(t, goodJob("doc-2"), 1) },
			err: fmt.Errorf("store document: %w", store.ErrConflict), want: "other content"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			if c.err != nil {
				h.st.putErrs = []error{c.err}
			}
			m := c.msg(t)
			h.run(context.Background(), m)
			if len(h.dead) != 1 {
				t.Fatalf("dead letters = %d, want 1", len(h.dead))
			}
			d := h.dead[0]
			if d.Subject != "T.dead" {
				t.Errorf("dead subject %q", d.Subject)
			}
			if e := d.Header.Get(HeaderError); !strings.Contains(e, c.want) {
				t.Errorf("error header %q lacks %q", e, c.want)
			}
			if d.Header.Get(HeaderAttempts) != "1" || d.Header.Get(jetstream.MsgIDHeader) != "dead-T-7" {
				t.Errorf("headers %v", d.Header)
			}
			if string(d.Data) != string(m.data) {
				t.Errorf("dead letter body differs from the job")
			}
			if m.acks != 1 || m.naks+len(m.nakDelays) != 0 {
				t.Errorf("acks %d naks %d/%v: want the job acknowledged once dead-lettered", m.acks, m.naks, m.nakDelays)
			}
			if h.w.Metrics.DeadLettered.Value() != 1 {
				t.Errorf("dead-letter metric %v", h.w.Metrics.DeadLettered.Value())
			}
		})
	}
}

func TestHandleRetriesUnreachableStore(t *testing.T) {
	h := newHarness(t)
	h.st.putErrs = []error{
		fmt.Errorf("insert: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}),
		fmt.Errorf("begin: %w", syscall.ECONNREFUSED),
		fmt.Errorf("commit: %w", io.ErrUnexpectedEOF),
	}
	m := jobMsg(t, goodJob("doc-3"), 1)
	h.run(context.Background(), m)
	if m.acks != 1 || len(m.nakDelays) != 0 || len(h.dead) != 0 {
		t.Fatalf("acks %d, naks %v, dead %d: want the job stored after retries", m.acks, m.nakDelays, len(h.dead))
	}
	if h.st.puts != 4 {
		t.Errorf("puts = %d, want 4", h.st.puts)
	}
	if got := h.w.Metrics.Errors.With("store_unavailable").Value(); got != 3 {
		t.Errorf("store_unavailable errors = %v, want 3", got)
	}
	if h.w.storeDown.Load() {
		t.Errorf("store still marked down after success")
	}
}

func TestHandleFailingJobRetriedThenDead(t *testing.T) {
	weird := errors.New("value too long for index row")
	h := newHarness(t)
	h.st.putErrs = []error{weird}
	m := jobMsg(t, goodJob("doc-4"), 1)
	h.run(context.Background(), m)
	if len(m.nakDelays) != 1 || m.acks != 0 || len(h.dead) != 0 {
		t.Fatalf("attempt 1: naks %v acks %d dead %d: want a delayed nak", m.nakDelays, m.acks, len(h.dead))
	}
	h.st.putErrs = []error{weird}
	m = jobMsg(t, goodJob("doc-4"), 3) // the last attempt
	h.run(context.Background(), m)
	if len(h.dead) != 1 || m.acks != 1 {
		t.Fatalf("attempt 3: dead %d acks %d: want dead-lettered", len(h.dead), m.acks)
	}
	if e := h.dead[0].Header.Get(HeaderError); !strings.Contains(e, "3 attempts failed") || !strings.Contains(e, "too long") {
		t.Errorf("error header %q", e)
	}
}

func TestHandleTooManyDeliveries(t *testing.T) {
	h := newHarness(t)
	m := jobMsg(t, goodJob("doc-5"), 4) // MaxAttempts is 3: workers died on it
	h.run(context.Background(), m)
	if len(h.dead) != 1 || h.ex.calls != 0 || h.st.puts != 0 {
		t.Fatalf("dead %d extractions %d puts %d: want dead-lettered untouched", len(h.dead), h.ex.calls, h.st.puts)
	}
	if e := h.dead[0].Header.Get(HeaderError); !strings.Contains(e, "delivered 3 times") {
		t.Errorf("error header %q", e)
	}
}

func TestHandleShutdownReturnsJob(t *testing.T) {
	h := newHarness(t)
	h.w.Hold = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	m := jobMsg(t, goodJob("doc-6"), 1)
	done := make(chan struct{})
	go func() { h.run(ctx, m); close(done) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	<-done
	if m.naks != 1 || m.acks != 0 || h.st.puts != 0 || len(h.dead) != 0 {
		t.Fatalf("naks %d acks %d puts %d dead %d: want the job returned unstored", m.naks, m.acks, h.st.puts, len(h.dead))
	}
}

func TestHandleDeadLetterFailureKeepsJob(t *testing.T) {
	h := newHarness(t)
	h.deadE = errors.New("nats: no responders")
	m := &fakeMsg{data: []byte("garbage"), hdr: nats.Header{}, delivered: 1}
	h.run(context.Background(), m)
	if m.acks != 0 || len(m.nakDelays) != 1 {
		t.Fatalf("acks %d naks %v: a job that cannot be dead-lettered must stay queued", m.acks, m.nakDelays)
	}
}

func TestHeartbeat(t *testing.T) {
	h := newHarness(t)
	h.w.Hold = 450 * time.Millisecond
	m := jobMsg(t, goodJob("doc-7"), 1)
	h.w.handle(context.Background(), m, 300*time.Millisecond)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.progress < 2 || m.acks != 1 {
		t.Errorf("in-progress reports %d, acks %d: want at least 2 reports during a job longer than the ack wait", m.progress, m.acks)
	}
}

func TestTransient(t *testing.T) {
	yes := []error{
		&pgconn.PgError{Code: "08006"},
		&pgconn.PgError{Code: "57P01"},
		&pgconn.PgError{Code: "40001"},
		&pgconn.PgError{Code: "53300"},
		fmt.Errorf("x: %w", syscall.ECONNRESET),
		io.ErrUnexpectedEOF,
		errors.New("database is locked (5) (SQLITE_BUSY)"),
		&pgconn.ConnectError{},
	}
	no := []error{
		&pgconn.PgError{Code: "23505"},
		&pgconn.PgError{Code: "22001"},
		store.ErrConflict,
		context.Canceled,
		errors.New("something else"),
	}
	for _, e := range yes {
		if !isTransient(e) {
			t.Errorf("isTransient(%v) = false", e)
		}
	}
	for _, e := range no {
		if isTransient(e) {
			t.Errorf("isTransient(%v) = true", e)
		}
	}
}

func TestJobRoundTrip(t *testing.T) {
	j := Job{Name: "dir/report.md", Raw: []byte("---\ntitle: T\n---\nAnkara, Aug 14 — Turkey and Syria met.\n"), Options: Options{Published: "2025-08-14", Outlet: "Desk"}}
	b, err := j.Encode()
	if err != nil {
		t.Fatal(err)
	}
	k, err := DecodeJob(b)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := k.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if doc.File != "report.md" || doc.Outlet != "Desk" || doc.Published == nil || *doc.Published != "2025-08-14" || !strings.Contains(doc.Text, "Turkey and Syria met") {
		t.Errorf("document %+v", doc)
	}
	id1, _ := j.ID()
	id2, _ := k.ID()
	if id1 != id2 || id1 == "" {
		t.Errorf("ids %q %q differ", id1, id2)
	}
	if _, err := DecodeJob([]byte(`{"name":"a","raw":"eA==","record":{"text":"x"}}`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("two payloads: err = %v", err)
	}
	if _, err := (&Job{Name: "d", Document: &sitrep.Document{ID: "d"}}).Read(context.Background()); !errors.Is(err, ErrMalformed) {
		t.Errorf("document without text: err = %v", err)
	}
}

func TestConfigNames(t *testing.T) {
	c := Config{URL: "nats://x", Stream: "JOBS"}
	if c.JobSubject() != "JOBS.jobs" || c.DeadSubject() != "JOBS.dead" || c.DeadStream() != "JOBS_DEAD" {
		t.Errorf("names %s %s %s", c.JobSubject(), c.DeadSubject(), c.DeadStream())
	}
	if err := (Config{URL: "nats://x", Stream: "a.b"}).Validate(); err == nil {
		t.Errorf("dotted stream name accepted")
	}
	if err := (Config{}).Validate(); err == nil {
		t.Errorf("missing URL accepted")
	}
	if got := redact("nats://user:secret@h:4222,nats://h2:4222"); got != "nats://***@h:4222,nats://h2:4222" {
		t.Errorf("redact = %q", got)
	}
}
