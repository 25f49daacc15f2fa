package main

// Tests of 'sitrep ingest --queue': the command path publishes jobs to a
// real NATS JetStream server and the real worker command drains them
// into a temporary SQLite store.
//
// NATS: $SITREP_TEST_NATS when set (CI), else a server embedded in the
// test process, as in internal/queue; the tests skip, saying why, when
// neither is available. Every test uses its own stream and consumer
// names and deletes its streams at the end, so runs in parallel on one
// server do not collide.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/queue"
	"github.com/sitrep/sitrep/internal/queue/queuetest"
)

func queueArgs(cfg queue.Config) []string {
	return []string{"--queue", cfg.URL, "--stream", cfg.Stream, "--consumer", cfg.Consumer}
}

// lockedBuffer is a bytes.Buffer written by several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testWorker is 'sitrep worker' running in the test process.
type testWorker struct {
	cancel context.CancelFunc
	done   chan error
	log    *lockedBuffer
}

// startTestWorker runs the worker command on the queue and the store
// until the test ends (or stop).
func startTestWorker(t *testing.T, cfg queue.Config, db string) *testWorker {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &testWorker{cancel: cancel, done: make(chan error, 1), log: &lockedBuffer{}}
	e := &env{stdin: strings.NewReader(""), stdout: w.log, stderr: w.log}
	args := append(queueArgs(cfg), "--db", db, "--concurrency", "2", "--log-level", "warn", "--shutdown-grace", "5s")
	go func() { w.done <- runWorker(ctx, e, args) }()
	t.Cleanup(func() { w.stop(t) })
	return w
}

func (w *testWorker) stop(t *testing.T) {
	t.Helper()
	if w.cancel == nil {
		return
	}
	w.cancel()
	w.cancel = nil
	select {
	case err := <-w.done:
		if err != nil {
			t.Errorf("worker: %v\n%s", err, w.log.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("worker did not stop\n%s", w.log.String())
	}
}

// waitDrained waits until the queue holds no job and the store has want
// documents.
func waitDrained(t *testing.T, cfg queue.Config, db string, want int, w *testWorker) {
	t.Helper()
	nc, err := nats.Connect(cfg.URL, nats.Timeout(3*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	var st *queue.Status
	docs := -1
	for time.Now().Before(deadline) {
		select {
		case err := <-w.done:
			t.Fatalf("worker stopped: %v\n%s", err, w.log.String())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		st, err = queue.ReadStatus(ctx, js, cfg)
		cancel()
		if err != nil {
			t.Fatalf("queue status: %v", err)
		}
		if st.DeadLettered > 0 {
			t.Fatalf("%d jobs dead-lettered\n%s", st.DeadLettered, w.log.String())
		}
		if st.Messages == 0 && st.InFlight == 0 {
			if docs = storeCounts(t, db).Documents; docs == want {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("queue not drained into %d documents: status %+v, %d documents\n%s", want, st, docs, w.log.String())
}

// TestIngestQueue queues a directory of files and JSON lines on stdin
// with 'sitrep ingest --queue', drains the jobs with 'sitrep worker' into a fresh SQLite
// store, and queues the same documents again: as the same files (not
// queued again: already queued) and as copies under other names (queued,
// and stored as already there). The store has exactly one document per
// input throughout.
func TestIngestQueue(t *testing.T) {
	url := queuetest.URL(t)
	cfg := queuetest.Config(t, url, "SITREPCMD")
	const n = 12
	g, err := corpus.Generate(corpus.GenOptions{N: n, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := corpus.WriteFiles(dir, g.Records); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "queued.db")

	args := append([]string{"ingest"}, queueArgs(cfg)...)
	out, errOut, code := runCLI(t, "", append(args, "--quiet", "--json", dir)...)
	if code != 0 {
		t.Fatalf("ingest --queue: exit %d: %s", code, errOut)
	}
	s := jsonOf[publishSummary](t, out)
	if s.Queued != n || s.Duplicates != 0 || s.Failed != 0 || s.Stream != cfg.Stream || s.Subject != cfg.Stream+".jobs" {
		t.Fatalf("first publish %+v", s)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("ingest --queue wrote the store itself")
	}
	// JSON lines on stdin are queued as records.
	stdin := `{"id":"q-stdin-1","text":"Turkish and Syrian officials met in Damascus on Sunday to discuss water sharing on the Euphrates.","published":"2025-06-01","outlet":"Test"}
{"id":"q-stdin-2","text":"A Turkish drone struck a position held by Kurdish fighters near Kobani on Thursday, local sources said.","published":"2025-06-05","outlet":"Test"}

{"id":"q-stdin-3","text":"Syria asked Turkey for help in rebuilding the power grid of Aleppo, the energy minister said on Friday.","published":"2025-06-06","outlet":"Test"}
`
	out, errOut, code = runCLI(t, stdin, append(args, "--quiet", "--json", "-")...)
	if code != 0 {
		t.Fatalf("ingest --queue -: exit %d: %s", code, errOut)
	}
	if s := jsonOf[publishSummary](t, out); s.Queued != 3 || s.Failed != 0 {
		t.Fatalf("publish of stdin %+v", s)
	}
	const total = n + 3

	w := startTestWorker(t, cfg, db)
	waitDrained(t, cfg, db, total, w)
	before := storeCounts(t, db)
	if before.Documents != total || before.Events == 0 {
		t.Fatalf("counts after the workers %+v", before)
	}

	// The same files again: the server drops them as already queued.
	out, errOut, code = runCLI(t, "", append(args, "--quiet", "--json", dir)...)
	if code != 0 {
		t.Fatalf("second ingest --queue: exit %d: %s", code, errOut)
	}
	if s := jsonOf[publishSummary](t, out); s.Queued != 0 || s.Duplicates != n || s.Failed != 0 {
		t.Fatalf("second publish %+v", s)
	}
	// Copies under other names are other jobs, which the workers find
	// stored already; the plain-text summary names the subject.
	copies := t.TempDir()
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(copies, fmt.Sprintf("copy-%02d.md", i)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code = runCLI(t, "", append(args, "--quiet", filepath.Join(copies, "*.md"))...)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d jobs queued on %s.jobs, 0 already queued, 0 inputs failed", n, cfg.Stream)) {
		t.Fatalf("publish of the copies: exit %d: %q %s", code, out, errOut)
	}
	waitDrained(t, cfg, db, total, w)
	if after := storeCounts(t, db); after != before {
		t.Fatalf("republishing changed the store:\n%+v\n%+v", before, after)
	}
	w.stop(t)
	checkStore(t, db)
}

// TestIngestQueueFeed polls a feed with 'sitrep ingest --queue --feed
// --every': the entries of the first poll are queued as jobs, the later
// polls are conditional GETs that queue nothing, and an interrupt ends
// the poller cleanly. The worker stores the two entries. A second poller
// given --db keeps the feed state in that store.
func TestIngestQueueFeed(t *testing.T) {
	url := queuetest.URL(t)
	cfg := queuetest.Config(t, url, "SITREPCMD")
	srv := newETagFeed(t)
	feed := srv.URL + "/feed.xml"
	t.Setenv("SITREP_DB", "")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb lockedBuffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	done := make(chan error, 1)
	args := append(queueArgs(cfg), "--quiet", "--json", "--allow-private", "--rate", "1ms", "--every", "50ms", "--feed", feed)
	go func() { done <- runIngest(ctx, e, args) }()
	deadline := time.Now().Add(30 * time.Second)
	for srv.notModified.Load() < 2 && time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("poller stopped: %v: %s", err, errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("poller interrupted: %v: %s", err, errb.String())
	}
	if srv.notModified.Load() < 2 || srv.pages.Load() != 2 {
		t.Fatalf("%d polls, %d answered 304, %d pages fetched", srv.polls.Load(), srv.notModified.Load(), srv.pages.Load())
	}
	if s := jsonOf[publishSummary](t, out.String()); s.Queued != 2 || s.Duplicates != 0 || s.Failed != 0 {
		t.Fatalf("poller summary %+v (%s)", s, errb.String())
	}

	db := filepath.Join(t.TempDir(), "feed.db")
	w := startTestWorker(t, cfg, db)
	waitDrained(t, cfg, db, 2, w)
	w.stop(t)
	st := openTestStore(t, db)
	x, err := st.Document(context.Background(), mustLookup(t, st, srv.URL+"/b.html"))
	if err != nil {
		t.Fatal(err)
	}
	if x.Document.Outlet != "Test Wire" || deref(x.Document.Published) != "2025-07-15" {
		t.Errorf("feed entry metadata: outlet %q published %q", x.Document.Outlet, deref(x.Document.Published))
	}

	// With --db the feed state is read from and saved to that store: the
	// worker's store knows both entries, so a poll of a fresh process
	// fetches no page, and its state makes the next poll a 304.
	srv.pages.Store(0)
	srv.notModified.Store(0)
	pargs := append([]string{"ingest"}, queueArgs(cfg)...)
	pargs = append(pargs, "--db", db, "--quiet", "--json", "--allow-private", "--rate", "1ms", "--feed", feed)
	o, errOut, code := runCLI(t, "", pargs...)
	if code != 0 {
		t.Fatalf("poll with --db: exit %d: %s", code, errOut)
	}
	if s := jsonOf[publishSummary](t, o); s.Queued != 0 || s.Failed != 0 || srv.pages.Load() != 0 {
		t.Fatalf("poll with --db: %+v, %d pages fetched", s, srv.pages.Load())
	}
	fs, ok, err := st.Feed(context.Background(), feed)
	if err != nil || !ok || fs.ETag != `"v1"` {
		t.Fatalf("feed state in the store: %+v %v %v", fs, ok, err)
	}
	if o, errOut, code = runCLI(t, "", pargs...); code != 0 || srv.notModified.Load() != 1 {
		t.Fatalf("second poll with --db: exit %d, %d answered 304: %s %s", code, srv.notModified.Load(), o, errOut)
	}
}

// TestIngestQueueFlags checks the flag combinations refused before any
// connection is made.
func TestIngestQueueFlags(t *testing.T) {
	f := filepath.Join(t.TempDir(), "a.txt")
	if err := os.WriteFile(f, []byte("Turkey and Syria signed an agreement in Ankara on Monday."), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ingest", "--stream", "X", f}, "--stream needs --queue"},
		{[]string{"ingest", "--stream", "X", "--consumer", "c", f}, "--consumer and --stream need --queue"},
		{[]string{"ingest", "--queue", "nats://127.0.0.1:1", "--dict", t.TempDir(), f}, "--dict"},
		{[]string{"ingest", "--queue", "nats://127.0.0.1:1", "--stream", "a.b", f}, "stream name"},
		{[]string{"ingest", "--queue", "nats://127.0.0.1:1", "--every", "1m", f}, "--every needs --feed"},
	} {
		_, errOut, code := runCLI(t, "", c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stderr %q (want %q)", c.args, code, errOut, c.want)
		}
	}
	out, _, code := runCLI(t, "", "ingest", "--help")
	_, errOut, _ := runCLI(t, "", "ingest", "--help")
	help := out + errOut
	if code != 0 {
		t.Fatalf("ingest --help: exit %d", code)
	}
	for _, want := range []string{"-queue URL", "-stream NAME", "-consumer NAME", "sitrep worker", "STREAM.jobs"} {
		if !strings.Contains(help, want) {
			t.Errorf("ingest --help does not mention %q", want)
		}
	}
}
