package queue_test

// Failure tests: real worker processes (the sitrep binary, built once)
// against a real NATS server and a real store, with workers killed with
// SIGKILL, NATS restarted, PostgreSQL cut off and restarted.
//
// NATS: $SITREP_TEST_NATS when set (CI), else a server embedded in the
// test process. Tests that restart NATS always use an embedded server
// they control, with its JetStream storage in t.TempDir().
// Store: PostgreSQL at $SITREP_TEST_POSTGRES when set (each test in its
// own schema), else SQLite files; the tests that cut PostgreSQL are
// skipped without it. Restarting the machine's PostgreSQL cluster
// (pg_ctlcluster) happens only with SITREP_TEST_PG_RESTART=1.
//
// Sizes: SITREP_TEST_DOCS sets the document count of the headline test;
// by default 5,000 (about 2 minutes on two cores), 300 with -short.

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/queue"
	"github.com/sitrep/sitrep/internal/queue/queuetest"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
	"github.com/sitrep/sitrep/internal/store/postgres"
)

var (
	binDir   string
	binOnce  sync.Once
	binPath  string
	binError error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sitrep-queue-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sitrepBin builds the sitrep binary once per test run.
func sitrepBin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binPath = filepath.Join(binDir, "sitrep")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/sitrep/sitrep/cmd/sitrep")
		out, err := cmd.CombinedOutput()
		if err != nil {
			binError = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binError != nil {
		t.Fatal(binError)
	}
	return binPath
}

// ---- NATS ----

// queueConfig names a queue for this test only and deletes it at the end.
func queueConfig(t *testing.T, url string) queue.Config {
	t.Helper()
	cfg := queuetest.Config(t, url, "SITREPTEST")
	cfg.Consumer, cfg.AckWait, cfg.MaxAttempts = "workers", 2*time.Second, 5
	return cfg
}

func jetStream(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// ---- store ----

type testStore struct {
	dsn    string // what workers use
	direct string // what the test reads (the same unless behind a proxy)
	pg     bool
}

// newStore makes an empty store: a PostgreSQL schema of its own when
// $SITREP_TEST_POSTGRES is set, else an SQLite file.
func newStore(t *testing.T) testStore {
	t.Helper()
	if dsn := os.Getenv("SITREP_TEST_POSTGRES"); dsn != "" {
		return pgSchema(t, dsn)
	}
	p := filepath.Join(t.TempDir(), "sitrep.db")
	return testStore{dsn: p, direct: p}
}

func pgSchema(t *testing.T, dsn string) testStore {
	t.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	schema := "qtest_" + hex.EncodeToString(b)
	ctx := context.Background()
	if err := postgres.CreateSchema(ctx, dsn, schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := postgres.DropSchema(context.Background(), dsn, schema); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	d, err := postgres.WithSearchPath(dsn, schema)
	if err != nil {
		t.Fatal(err)
	}
	// create the tables now, so that workers starting together do not race
	st, err := backend.Open(ctx, d, backend.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", schema, err)
	}
	st.Close()
	return testStore{dsn: d, direct: d, pg: true}
}

func requirePostgres(t *testing.T) string {
	dsn := os.Getenv("SITREP_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("SITREP_TEST_POSTGRES is not set: skipping the PostgreSQL failure test")
	}
	return dsn
}

func (ts testStore) open(t *testing.T) store.Store {
	t.Helper()
	st, err := backend.Open(context.Background(), ts.direct, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// ---- documents ----

// corpusRecords generates n distinct reports (about a tenth wire copies,
// stored as near duplicates). The generator may make the same wire copy
// twice; the second is left out, so that each record is one document.
func corpusRecords(t *testing.T, n int, seed uint64) []ingest.Record {
	t.Helper()
	g, err := corpus.Generate(corpus.GenOptions{N: 2 * n, Seed: seed, Duplicates: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []ingest.Record
	for _, r := range g.Records {
		if len(out) == n {
			break
		}
		if !seen[r.Text] {
			seen[r.Text] = true
			out = append(out, r)
		}
	}
	return out
}

func publish(t *testing.T, cfg queue.Config, recs []ingest.Record) {
	t.Helper()
	ctx := context.Background()
	p, err := queue.NewPublisher(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i := range recs {
		r := recs[i]
		if err := p.Publish(ctx, queue.Job{Name: r.ID, Record: &r}); err != nil {
			t.Fatal(err)
		}
	}
	if q, d := p.Published(); q != int64(len(recs)) || d != 0 {
		t.Fatalf("published %d (%d duplicates), want %d", q, d, len(recs))
	}
}

// ---- workers ----

type worker struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// startWorker runs `sitrep worker` as a child process, logging JSON at
// debug level into a file of the test.
func startWorker(t *testing.T, name string, cfg queue.Config, ts testStore, extra ...string) *worker {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"worker", "--queue", cfg.URL, "--stream", cfg.Stream, "--consumer", cfg.Consumer,
		"--db", ts.dsn, "--ack-wait", cfg.AckWait.String(), "--max-attempts", strconv.Itoa(cfg.MaxAttempts),
		"--log-format", "json", "--log-level", "debug", "--retry-base", "100ms", "--concurrency", "2"}
	args = append(args, extra...)
	cmd := exec.Command(sitrepBin(t), args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), "SITREP_CONFIG=", "SITREP_DB=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &worker{t: t, name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		w.err = cmd.Wait()
		f.Close()
		close(w.done)
	}()
	t.Cleanup(func() {
		w.kill()
		if t.Failed() {
			t.Logf("--- last lines of %s ---\n%s", name, tail(logPath, 25))
		}
	})
	return w
}

func (w *worker) kill() {
	select {
	case <-w.done:
		return
	default:
	}
	_ = w.cmd.Process.Signal(syscall.SIGKILL)
	<-w.done
}

func (w *worker) alive() bool {
	select {
	case <-w.done:
		return false
	default:
		return true
	}
}

func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// logEntry is one JSON log line of a worker.
type logEntry struct {
	Msg      string `json:"msg"`
	Level    string `json:"level"`
	Seq      uint64 `json:"seq"`
	Attempt  int    `json:"attempt"`
	Job      string `json:"job"`
	Status   string `json:"status"`
	Document string `json:"document"`
	Err      string `json:"err"`
}

func readLog(t *testing.T, path string) []logEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []logEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e logEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

func countMsg(t *testing.T, path, msg string) int {
	n := 0
	for _, e := range readLog(t, path) {
		if e.Msg == msg {
			n++
		}
	}
	return n
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func documents(t *testing.T, st store.Store) int {
	c, err := st.Counts(context.Background())
	if err != nil {
		return -1 // the store may be cut off
	}
	return c.Documents
}

func status(t *testing.T, js jetstream.JetStream, cfg queue.Config) *queue.Status {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	s, err := queue.ReadStatus(ctx, js, cfg)
	if err != nil {
		return nil
	}
	return s
}

// waitDrained waits until the queue is empty and want documents are stored.
func waitDrained(t *testing.T, js jetstream.JetStream, cfg queue.Config, st store.Store, want int, timeout time.Duration) {
	t.Helper()
	var last string
	deadline := time.Now().Add(timeout)
	for {
		s := status(t, js, cfg)
		n := documents(t, st)
		if s != nil {
			last = fmt.Sprintf("pending %d, in flight %d, dead %d, stored %d of %d", s.Pending, s.InFlight, s.DeadLettered, n, want)
			if s.Pending == 0 && s.InFlight == 0 && n == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue not drained after %s: %s", timeout, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// verify checks that the store holds exactly the records, each document
// whole: its sentences and event mentions all there, once.
func verify(t *testing.T, st store.Store, recs []ingest.Record) {
	t.Helper()
	ctx := context.Background()
	c, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Documents != len(recs) {
		t.Errorf("%d documents stored, want %d", c.Documents, len(recs))
	}
	docs, err := st.Documents(ctx, store.DocFilter{Limit: len(recs) + 100})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range recs {
		want[r.ID] = true
	}
	sents, events := 0, 0
	for _, d := range docs {
		if !want[d.ID] {
			t.Errorf("unexpected document %s", d.ID)
		}
		delete(want, d.ID)
		sents += d.Sentences
		events += d.Events
	}
	if len(want) > 0 {
		t.Errorf("%d documents missing", len(want))
	}
	if sents != c.Sentences || events != c.Mentions {
		t.Errorf("half-written or doubled documents: %d sentences and %d mentions stored, the documents have %d and %d", c.Sentences, c.Mentions, sents, events)
	}
	if ch, ok := st.(interface {
		Check(context.Context) ([]string, error)
	}); ok {
		problems, err := ch.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("store check: %s", p)
		}
	}
}

// storedOnce checks from the workers' logs that no document was stored
// (status stored or duplicate) by two jobs.
func storedOnce(t *testing.T, logs ...string) (stored int) {
	t.Helper()
	by := map[string]int{}
	for _, l := range logs {
		for _, e := range readLog(t, l) {
			if e.Msg == "job done" && (e.Status == store.StatusStored || e.Status == store.StatusDuplicate) {
				by[e.Document]++
				stored++
			}
		}
	}
	for id, n := range by {
		if n > 1 {
			t.Errorf("document %s stored %d times", id, n)
		}
	}
	return stored
}

func docCount(short, normal int) int {
	if testing.Short() {
		return short
	}
	return normal
}

// ---- the tests ----

// A worker killed with SIGKILL while holding two extracted jobs: the jobs
// are delivered again after the ack wait and stored once.
func TestKillWorkerMidJob(t *testing.T) {
	t.Parallel()
	url := queuetest.URL(t)
	cfg := queueConfig(t, url)
	ts := newStore(t)
	recs := corpusRecords(t, 20, 11)
	publish(t, cfg, recs)
	js := jetStream(t, url)
	st := ts.open(t)

	a := startWorker(t, "a", cfg, ts, "--hold", "30s")
	waitFor(t, 30*time.Second, "worker a to start two jobs", func() bool { return countMsg(t, a.log, "job started") >= 2 })
	var started []uint64
	for _, e := range readLog(t, a.log) {
		if e.Msg == "job started" {
			started = append(started, e.Seq)
		}
	}
	a.kill()
	if n := documents(t, st); n != 0 {
		t.Fatalf("%d documents stored before the kill; the jobs were meant to be mid-way", n)
	}
	if s := status(t, js, cfg); s == nil || s.InFlight != 2 {
		t.Fatalf("status after the kill %+v: want 2 jobs in flight", s)
	}
	start := time.Now()
	b := startWorker(t, "b", cfg, ts)
	waitDrained(t, js, cfg, st, len(recs), 60*time.Second)
	t.Logf("drained %s after the kill", time.Since(start).Round(time.Millisecond))
	verify(t, st, recs)
	storedOnce(t, a.log, b.log)
	redelivered := map[uint64]bool{}
	for _, e := range readLog(t, b.log) {
		if e.Msg == "job done" && e.Attempt >= 2 {
			redelivered[e.Seq] = true
		}
	}
	for _, seq := range started {
		if !redelivered[seq] {
			t.Errorf("job %d, killed mid-way, was not redelivered to worker b", seq)
		}
	}
	if s := status(t, js, cfg); s == nil || s.DeadLettered != 0 {
		t.Errorf("dead letters: %+v", s)
	}
}

// NATS stops while jobs are queued and in flight, and starts again on the
// same storage: the workers reconnect and drain the queue.
func TestRestartNATS(t *testing.T) {
	t.Parallel()
	ns := queuetest.Start(t)
	cfg := queueConfig(t, ns.URL())
	ts := newStore(t)
	recs := corpusRecords(t, docCount(60, 200), 12)
	publish(t, cfg, recs)
	st := ts.open(t)
	w1 := startWorker(t, "w1", cfg, ts, "--hold", "40ms")
	w2 := startWorker(t, "w2", cfg, ts, "--hold", "40ms")
	waitFor(t, 60*time.Second, "a quarter of the documents", func() bool { return documents(t, st) >= len(recs)/4 })
	before := documents(t, st)
	ns.Restart(2 * time.Second)
	t.Logf("NATS restarted with %d of %d documents stored", before, len(recs))
	js := jetStream(t, ns.URL())
	waitDrained(t, js, cfg, st, len(recs), 120*time.Second)
	verify(t, st, recs)
	storedOnce(t, w1.log, w2.log)
	if before >= len(recs) {
		t.Errorf("all documents were stored before the restart; the test proves nothing")
	}
	for _, w := range []*worker{w1, w2} {
		if !w.alive() {
			t.Errorf("worker %s exited", w.name)
		}
	}
	if s := status(t, js, cfg); s == nil || s.DeadLettered != 0 {
		t.Errorf("dead letters: %+v", s)
	}
}

// proxy is a TCP proxy that can cut every connection and refuse new ones.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  map[net.Conn]bool
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.setCut(true) })
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.DialTimeout("tcp", p.target, 3*time.Second)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

func (p *proxy) pipe(dst, src net.Conn) {
	io.Copy(dst, src)
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// setCut cuts (closing every open connection) or restores the proxy.
func (p *proxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			c.Close()
		}
	}
}

// viaProxy rewrites a PostgreSQL DSN to go through addr.
func viaProxy(t *testing.T, dsn, addr string) (string, string) {
	t.Helper()
	i := strings.Index(dsn, "@")
	j := strings.Index(dsn[i+1:], "/")
	if i < 0 || j < 0 {
		t.Fatalf("cannot rewrite DSN %q", dsn)
	}
	target := dsn[i+1 : i+1+j]
	if !strings.Contains(target, ":") {
		target += ":5432"
	}
	return dsn[:i+1] + addr + dsn[i+1+j:], target
}

func pgTarget(t *testing.T, dsn string) string {
	_, target := viaProxy(t, dsn, "x")
	return target
}

// PostgreSQL becomes unreachable mid-run (every connection cut, new ones
// refused) and comes back: the workers retry with backoff and complete,
// and no document is half-written.
func TestPostgresCut(t *testing.T) {
	t.Parallel()
	base := requirePostgres(t)
	url := queuetest.URL(t)
	cfg := queueConfig(t, url)
	ts := pgSchema(t, base)
	px := startProxy(t, pgTarget(t, base))
	ts.dsn, _ = viaProxy(t, ts.direct, px.addr())
	recs := corpusRecords(t, docCount(60, 200), 13)
	publish(t, cfg, recs)
	js := jetStream(t, url)
	st := ts.open(t)
	w1 := startWorker(t, "w1", cfg, ts, "--hold", "30ms")
	w2 := startWorker(t, "w2", cfg, ts, "--hold", "30ms")
	waitFor(t, 60*time.Second, "a quarter of the documents", func() bool { return documents(t, st) >= len(recs)/4 })
	px.setCut(true)
	// A commit the server received just before the cut still becomes
	// visible after it: count once those have settled.
	time.Sleep(500 * time.Millisecond)
	cutAt := documents(t, st)
	time.Sleep(4 * time.Second)
	during := documents(t, st)
	px.setCut(false)
	t.Logf("PostgreSQL cut off for 4 s at %d of %d documents (%d during the cut)", cutAt, len(recs), during)
	waitDrained(t, js, cfg, st, len(recs), 120*time.Second)
	verify(t, st, recs)
	storedOnce(t, w1.log, w2.log)
	if during != cutAt {
		t.Errorf("documents stored while the database was cut off: %d -> %d", cutAt, during)
	}
	if n := countMsg(t, w1.log, "store unavailable, retrying") + countMsg(t, w2.log, "store unavailable, retrying"); n == 0 {
		t.Errorf("no worker noticed the cut")
	}
	if s := status(t, js, cfg); s == nil || s.DeadLettered != 0 {
		t.Errorf("dead letters: %+v", s)
	}
}

// The machine's PostgreSQL cluster restarts mid-run (only with
// SITREP_TEST_PG_RESTART=1: it disturbs every user of the server).
func TestPostgresRestart(t *testing.T) {
	base := requirePostgres(t)
	if os.Getenv("SITREP_TEST_PG_RESTART") != "1" {
		t.Skip("SITREP_TEST_PG_RESTART=1 is not set: not restarting the PostgreSQL cluster")
	}
	out, err := exec.Command("pg_lsclusters", "--no-header").Output()
	if err != nil {
		t.Skipf("pg_lsclusters: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		t.Skipf("no PostgreSQL cluster listed")
	}
	version, cluster := f[0], f[1]
	url := queuetest.URL(t)
	cfg := queueConfig(t, url)
	ts := pgSchema(t, base)
	recs := corpusRecords(t, docCount(60, 200), 14)
	publish(t, cfg, recs)
	js := jetStream(t, url)
	w1 := startWorker(t, "w1", cfg, ts, "--hold", "30ms")
	w2 := startWorker(t, "w2", cfg, ts, "--hold", "30ms")
	st := ts.open(t)
	waitFor(t, 60*time.Second, "a quarter of the documents", func() bool { return documents(t, st) >= len(recs)/4 })
	start := time.Now()
	if out, err := exec.Command("pg_ctlcluster", version, cluster, "restart").CombinedOutput(); err != nil {
		t.Fatalf("pg_ctlcluster restart: %v\n%s", err, out)
	}
	t.Logf("PostgreSQL %s/%s restarted in %s", version, cluster, time.Since(start).Round(time.Millisecond))
	waitDrained(t, js, cfg, st, len(recs), 120*time.Second)
	verify(t, st, recs)
	storedOnce(t, w1.log, w2.log)
	t.Logf("the workers retried the store %d times", countMsg(t, w1.log, "store unavailable, retrying")+countMsg(t, w2.log, "store unavailable, retrying"))
}

// Three workers on one queue: every document stored exactly once.
func TestThreeWorkers(t *testing.T) {
	t.Parallel()
	url := queuetest.URL(t)
	cfg := queueConfig(t, url)
	ts := newStore(t)
	recs := corpusRecords(t, docCount(90, 300), 15)
	publish(t, cfg, recs)
	js := jetStream(t, url)
	st := ts.open(t)
	var logs []string
	for i := range 3 {
		logs = append(logs, startWorker(t, fmt.Sprintf("w%d", i+1), cfg, ts).log)
	}
	waitDrained(t, js, cfg, st, len(recs), 120*time.Second)
	verify(t, st, recs)
	if n := storedOnce(t, logs...); n != len(recs) {
		t.Errorf("%d jobs stored a document, want %d", n, len(recs))
	}
	busy := 0
	for _, l := range logs {
		if countMsg(t, l, "job done") > 0 {
			busy++
		}
	}
	if busy < 2 {
		t.Errorf("only %d of 3 workers did any job", busy)
	}
}

// Malformed and conflicting jobs go to the dead-letter subject with their
// error; the others are stored.
func TestMalformedJobs(t *testing.T) {
	t.Parallel()
	url := queuetest.URL(t)
	cfg := queueConfig(t, url)
	ts := newStore(t)
	recs := corpusRecords(t, 30, 16)
	publish(t, cfg, recs[:15])
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bad := map[string]string{
		"garbage": "not a sitrep job",
		"nothing": "exactly one",
		"binary":  "binary",
		"empty":   "empty",
		"baddate": "invalid option",
	}
	// A job of a stored document's id with other text is not stored (the
	// worker, like 'sitrep ingest', finds the id and skips it).
	conflict := recs[0]
	conflict.Text = "A different text under the same id. Turkey and Syria met in Ankara."
	bodies := map[string][]byte{
		"garbage": []byte("\x00\xffnot json at all"),
		"nothing": []byte(`{"name":"nothing"}`),
	}
	for name, j := range map[string]queue.Job{
		"binary":   {Name: "binary", Raw: []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00")},
		"empty":    {Name: "empty", Record: &ingest.Record{ID: "empty", Text: " \n\t "}},
		"baddate":  {Name: "baddate", Record: &ingest.Record{ID: "baddate", Text: "Turkey and Syria met.", Published: "the other day"}},
		"conflict": {Name: "conflict", Record: &conflict},
	} {
		b, err := j.Encode()
		if err != nil {
			t.Fatal(err)
		}
		bodies[name] = b
	}
	for _, name := range []string{"garbage", "nothing", "binary", "empty", "baddate", "conflict"} {
		m := nats.NewMsg(cfg.JobSubject())
		m.Data = bodies[name]
		m.Header.Set(queue.HeaderJob, name)
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	publish(t, cfg, recs[15:])
	st := ts.open(t)
	w := startWorker(t, "w", cfg, ts, "--concurrency", "1")
	waitDrained(t, js, cfg, st, len(recs), 60*time.Second)
	verify(t, st, recs)
	s := status(t, js, cfg)
	if s == nil || s.DeadLettered != uint64(len(bad)) {
		t.Fatalf("status %+v: want %d dead letters", s, len(bad))
	}
	stored, err := st.Document(ctx, conflict.ID)
	if err != nil || strings.Contains(stored.Document.Text, "A different text") {
		t.Errorf("the conflicting job replaced the stored document (%v)", err)
	}
	// the CLI lists them with their errors
	out, err := exec.Command(sitrepBin(t), "queue", "dead", "--json", "--queue", url, "--stream", cfg.Stream, "--consumer", cfg.Consumer).Output()
	if err != nil {
		t.Fatalf("queue dead: %v", err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var d queue.DeadLetter
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("queue dead --json: %v in %q", err, line)
		}
		want, ok := bad[d.Job]
		if !ok {
			t.Errorf("unexpected dead letter %+v", d)
			continue
		}
		seen[d.Job] = true
		if !strings.Contains(d.Error, want) {
			t.Errorf("dead letter %s: error %q lacks %q", d.Job, d.Error, want)
		}
		if d.Attempts != "1" {
			t.Errorf("dead letter %s after %s deliveries, want 1", d.Job, d.Attempts)
		}
	}
	if len(seen) != len(bad) {
		t.Errorf("dead letters listed: %v", seen)
	}
	if n := countMsg(t, w.log, "job dead-lettered"); n != len(bad) {
		t.Errorf("%d dead-lettered jobs logged, want %d", n, len(bad))
	}
	// the CLI status agrees
	out, err = exec.Command(sitrepBin(t), "queue", "status", "--json", "--queue", url, "--stream", cfg.Stream, "--consumer", cfg.Consumer).Output()
	if err != nil {
		t.Fatalf("queue status: %v", err)
	}
	var cs queue.Status
	if err := json.Unmarshal(out, &cs); err != nil || cs.DeadLettered != uint64(len(bad)) || cs.Pending != 0 || cs.InFlight != 0 {
		t.Errorf("queue status --json: %s (%v)", out, err)
	}
}

// SIGTERM: the jobs in flight finish (or, past the grace period, go back
// to the queue) and the worker exits 0.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	url := queuetest.URL(t)
	for _, c := range []struct {
		name       string
		hold       string
		grace      string
		wantStored int
	}{
		{"finish", "1500ms", "20s", 2},
		{"return", "30s", "300ms", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := queueConfig(t, url)
			cfg.AckWait = time.Minute // a returned job must come back by its nak, not by a timeout
			ts := newStore(t)
			recs := corpusRecords(t, 10, 17)
			publish(t, cfg, recs)
			js := jetStream(t, url)
			st := ts.open(t)
			w := startWorker(t, "w", cfg, ts, "--hold", c.hold, "--shutdown-grace", c.grace)
			waitFor(t, 30*time.Second, "two jobs started", func() bool { return countMsg(t, w.log, "job started") >= 2 })
			start := time.Now()
			if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case <-w.done:
			case <-time.After(30 * time.Second):
				t.Fatal("worker still running 30 s after SIGTERM")
			}
			if w.err != nil {
				t.Errorf("worker exit: %v", w.err)
			}
			t.Logf("stopped in %s", time.Since(start).Round(time.Millisecond))
			if n := documents(t, st); n != c.wantStored {
				t.Errorf("%d documents stored, want %d", n, c.wantStored)
			}
			if c.wantStored > 0 {
				var s *queue.Status
				waitFor(t, 10*time.Second, "no job in flight", func() bool {
					s = status(t, js, cfg)
					return s != nil && s.InFlight == 0
				})
				if int(s.Pending) != len(recs)-c.wantStored {
					t.Errorf("%d jobs pending after shutdown, want %d", s.Pending, len(recs)-c.wantStored)
				}
			} else {
				// The returned jobs go to the next worker at once, not
				// after the ack wait (a minute).
				b := startWorker(t, "b", cfg, ts)
				waitDrained(t, js, cfg, st, len(recs), 30*time.Second)
				again := 0
				for _, e := range readLog(t, b.log) {
					if e.Msg == "job done" && e.Attempt == 2 {
						again++
					}
				}
				if again != 2 {
					t.Errorf("%d jobs came back for a second attempt, want the 2 returned", again)
				}
			}
			if countMsg(t, w.log, "worker stopped") != 1 {
				t.Errorf("no 'worker stopped' in the log")
			}
		})
	}
}

// The headline: three workers, 5,000 documents (SITREP_TEST_DOCS),
// workers killed with SIGKILL and restarted, NATS restarted, PostgreSQL
// cut off (when available): exactly N documents stored, none lost, none
// doubled, none half-written.
func TestChaos(t *testing.T) {
	n := docCount(300, 5000)
	if v, err := strconv.Atoi(os.Getenv("SITREP_TEST_DOCS")); err == nil && v > 0 {
		n = v
	}
	ns := queuetest.Start(t)
	cfg := queueConfig(t, ns.URL())
	cfg.AckWait = 3 * time.Second
	cfg.MaxAttempts = 10
	ts := newStore(t)
	var px *proxy
	if ts.pg {
		px = startProxy(t, pgTarget(t, os.Getenv("SITREP_TEST_POSTGRES")))
		ts.dsn, _ = viaProxy(t, ts.direct, px.addr())
	}
	recs := corpusRecords(t, n, 18)
	start := time.Now()
	publish(t, cfg, recs)
	t.Logf("%d jobs published in %s (store: %s)", n, time.Since(start).Round(time.Millisecond), map[bool]string{true: "PostgreSQL", false: "SQLite"}[ts.pg])
	st := ts.open(t)
	workers := make([]*worker, 3)
	var logs []string
	// Small runs are slowed down so that every kind of failure strikes
	// while jobs are in flight (about 20 s of work in all).
	hold := (6 * 20 * time.Second / time.Duration(n)).Round(time.Millisecond)
	spawn := func(i int) {
		name := fmt.Sprintf("w%d-%d", i+1, len(logs))
		workers[i] = startWorker(t, name, cfg, ts, "--hold", hold.String())
		logs = append(logs, workers[i].log)
	}
	for i := range workers {
		spawn(i)
	}
	js := jetStream(t, ns.URL())
	rounds := map[string]int{}
	for round := 0; ; round++ {
		time.Sleep(time.Duration(3000+round%3*1000) * time.Millisecond)
		stored := documents(t, st)
		if stored >= n || time.Since(start) > 10*time.Minute {
			break
		}
		switch {
		case round%4 == 1:
			ns.Restart(time.Second)
			rounds["nats restart"]++
		case round%4 == 2 && px != nil:
			px.setCut(true)
			time.Sleep(2 * time.Second)
			px.setCut(false)
			rounds["postgres cut"]++
		default:
			i := round % 3
			workers[i].kill()
			spawn(i)
			rounds["worker SIGKILL"]++
		}
	}
	chaos := time.Since(start)
	waitDrained(t, js, cfg, st, n, 5*time.Minute)
	elapsed := time.Since(start)
	verify(t, st, recs)
	storedOnce(t, logs...)
	s := status(t, js, cfg)
	if s == nil || s.DeadLettered != 0 {
		t.Errorf("dead letters: %+v", s)
	}
	redelivered := 0
	for _, l := range logs {
		for _, e := range readLog(t, l) {
			if e.Msg == "job started" && e.Attempt > 1 {
				redelivered++
			}
		}
	}
	t.Logf("%d documents stored exactly once in %s (%.0f docs/s, hold %s) with %d worker processes; chaos for %s: %v; %d redeliveries",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), hold, len(logs), chaos.Round(time.Millisecond), rounds, redelivered)
	if rounds["worker SIGKILL"] == 0 || rounds["nats restart"] == 0 || (px != nil && rounds["postgres cut"] == 0) {
		t.Errorf("chaos rounds %v: the run ended before every kind of failure struck", rounds)
	}
}
