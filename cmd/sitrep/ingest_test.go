package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
)

// writeCorpus writes n synthetic documents as JSON lines and returns the path.
func writeCorpus(t *testing.T, n int, seed uint64) (string, *corpus.Generated) {
	t.Helper()
	g, err := corpus.Generate(corpus.GenOptions{N: n, Seed: seed, Duplicates: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "corpus.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := corpus.WriteJSONL(f, g.Records); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, g
}

// openTestStore opens a store the test reads directly.
func openTestStore(t *testing.T, dsn string) store.Store {
	t.Helper()
	st, err := backend.Open(context.Background(), dsn, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func storeCounts(t *testing.T, dsn string) store.Counts {
	t.Helper()
	st, err := backend.Open(context.Background(), dsn, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkStore fails the test when the store's invariants do not hold.
func checkStore(t *testing.T, dsn string) {
	t.Helper()
	st, err := backend.Open(context.Background(), dsn, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	problems, err := st.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("inconsistent store %s: %s", dsn, p)
	}
}

// jsonOf decodes a command's JSON output.
func jsonOf[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("JSON output %q: %v", out, err)
	}
	return v
}

// TestIngestTwice ingests 1,000 synthetic documents twice: the second run
// stores nothing and leaves every count unchanged.
func TestIngestTwice(t *testing.T) {
	path, g := writeCorpus(t, 1000, 1)
	db := filepath.Join(t.TempDir(), "s.db")
	out, errOut, code := runCLI(t, "", "ingest", "--db", db, "--quiet", "--json", path)
	if code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	first := jsonOf[ingestSummary](t, out)
	if first.Documents != 1000 || first.Failed != 0 || first.Stored+first.Duplicates+first.Exists != 1000 {
		t.Fatalf("first run %+v", first)
	}
	// Every wire copy of the generator is found as a near duplicate (or,
	// when two copies came out identical, as already stored).
	if first.Duplicates+first.Exists != len(g.CopyOf) {
		t.Errorf("%d duplicates + %d identical, want the %d wire copies", first.Duplicates, first.Exists, len(g.CopyOf))
	}
	before := storeCounts(t, db)
	if before.Documents != first.Stored+first.Duplicates || before.Events == 0 || before.Sentences == 0 {
		t.Fatalf("counts after the first run %+v", before)
	}
	out, errOut, code = runCLI(t, "", "ingest", "--db", db, "--quiet", "--json", path)
	if code != 0 {
		t.Fatalf("second ingest: exit %d: %s", code, errOut)
	}
	second := jsonOf[ingestSummary](t, out)
	if second.Stored != 0 || second.Duplicates != 0 || second.Exists != 1000 || second.NewEvents != 0 {
		t.Fatalf("second run %+v", second)
	}
	if after := storeCounts(t, db); after != before {
		t.Fatalf("counts changed:\n%+v\n%+v", before, after)
	}
	checkStore(t, db)
}

// TestIngestInputs reads files, directories, globs and stdin, and reports
// a missing input without stopping.
func TestIngestInputs(t *testing.T) {
	g, err := corpus.Generate(corpus.GenOptions{N: 30, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := corpus.WriteFiles(filepath.Join(dir, "tree"), g.Records[:20]); err != nil {
		t.Fatal(err)
	}
	// Hidden files and other extensions are not picked up from a directory.
	os.WriteFile(filepath.Join(dir, "tree", ".hidden.md"), []byte("hidden text that must not be read at all"), 0o644)
	os.WriteFile(filepath.Join(dir, "tree", "notes.csv"), []byte("a,b\n1,2\n"), 0o644)
	flat := filepath.Join(dir, "flat")
	if err := corpus.WriteFiles(flat, g.Records[20:25]); err != nil {
		t.Fatal(err)
	}
	var stdin strings.Builder
	if err := corpus.WriteJSONL(&stdin, g.Records[25:]); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "s.db")
	out, errOut, code := runCLI(t, stdin.String(), "ingest", "--db", db, "--json",
		filepath.Join(dir, "tree"), filepath.Join(flat, "000", "*.md"), "-", filepath.Join(dir, "missing.md"))
	if code != 1 {
		t.Fatalf("exit %d, want 1 for the missing file: %s", code, errOut)
	}
	if !strings.Contains(errOut, "missing.md") {
		t.Errorf("the missing input is not named: %s", errOut)
	}
	s := jsonOf[ingestSummary](t, out)
	if s.Documents != 31 || s.Stored != 30 || s.Failed != 1 {
		t.Fatalf("summary %+v", s)
	}
	st := openTestStore(t, db)
	x, err := st.Document(context.Background(), g.Records[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	if x.Document.Outlet != g.Records[3].Outlet || x.Document.Title != g.Records[3].Title || *x.Document.Published != g.Records[3].Published {
		t.Errorf("front matter not kept: %+v", x.Document)
	}
	// --every without --feed, and no input at all, are usage errors.
	if _, _, code := runCLI(t, "", "ingest", "--db", db, "--every", "1m", "x"); code != 2 {
		t.Errorf("--every without --feed: exit %d", code)
	}
	if _, _, code := runCLI(t, "", "ingest", "--db", db); code != 2 {
		t.Errorf("no input: exit %d", code)
	}
}

// TestIngestStoreErrors gives clear messages when the database cannot be
// created (we run as root, so a read-only directory would not stop us: a
// missing directory and a file in place of a directory stand for it).
func TestIngestStoreErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain")
	os.WriteFile(file, []byte("x"), 0o644)
	doc := filepath.Join(dir, "doc.txt")
	os.WriteFile(doc, []byte("Turkey and Syria held talks in Ankara on Monday about border security and trade."), 0o644)
	for _, c := range []struct{ db, want string }{
		{filepath.Join(dir, "nope", "s.db"), "does not exist"},
		{filepath.Join(file, "s.db"), "is not a directory"},
	} {
		_, errOut, code := runCLI(t, "", "ingest", "--db", c.db, doc)
		if code != 1 || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("--db %s: exit %d, stderr %q; want one line saying %q", c.db, code, errOut, c.want)
		}
	}
	t.Setenv("SITREP_DB", filepath.Join(dir, "nope2", "s.db"))
	if _, errOut, code := runCLI(t, "", "docs"); code != 1 || !strings.Contains(errOut, "nope2") {
		t.Errorf("SITREP_DB not used: exit %d %q", code, errOut)
	}
}

const testFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Wire</title><link>%[1]s</link><description>test</description>
<item><title>Talks in Ankara</title><link>%[1]s/a.html</link><pubDate>Mon, 14 Jul 2025 09:00:00 GMT</pubDate></item>
<item><title>Aid convoy</title><link>%[1]s/b.html</link><pubDate>Tue, 15 Jul 2025 09:00:00 GMT</pubDate></item>
</channel></rss>`

const testPage = `<!DOCTYPE html><html><head><title>%s</title></head><body><article><h1>%s</h1>
<p>%s</p><p>Officials said the next round of meetings would take place in the autumn, after a review of the first results.</p>
</article></body></html>`

// TestIngestURLAndFeed fetches pages and a feed from a local server: refused
// without --allow-private, read with it; a second poll is a conditional GET
// answered 304 and stores nothing.
func TestIngestURLAndFeed(t *testing.T) {
	var feedHits, notModified, pageHits atomic.Int32
	var agents sync.Map
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		agents.Store(r.UserAgent(), true)
		switch r.URL.Path {
		case "/feed.xml":
			feedHits.Add(1)
			if r.Header.Get("If-None-Match") == `"v1"` {
				notModified.Add(1)
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, testFeed, srv.URL)
		case "/a.html":
			pageHits.Add(1)
			fmt.Fprintf(w, testPage, "Talks in Ankara", "Talks in Ankara", "Turkish and Syrian officials met in Ankara on Monday to discuss border security, trade and the return of refugees.")
		case "/b.html":
			pageHits.Add(1)
			fmt.Fprintf(w, testPage, "Aid convoy", "Aid convoy", "A convoy of forty trucks carrying food and medicine crossed into northern Syria from Turkey on Tuesday morning.")
		case "/redirect":
			http.Redirect(w, r, "/a.html", http.StatusFound)
		case "/big":
			w.Write([]byte(strings.Repeat("word ", 2000)))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "s.db")

	_, errOut, code := runCLI(t, "", "ingest", "--db", db, "--quiet", srv.URL+"/a.html")
	if code != 1 || !strings.Contains(errOut, "--allow-private") {
		t.Fatalf("loopback URL without --allow-private: exit %d, %q", code, errOut)
	}
	if pageHits.Load() != 0 {
		t.Fatal("the guard let a request through")
	}
	out, errOut, code := runCLI(t, "", "ingest", "--db", db, "--quiet", "--json", "--allow-private", "--rate", "1ms", "--max-bytes", "4000", srv.URL+"/redirect", srv.URL+"/missing", srv.URL+"/big")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if s := jsonOf[ingestSummary](t, out); s.Stored != 1 || s.Failed != 2 {
		t.Fatalf("summary %+v (%s)", s, errOut)
	}
	if !strings.Contains(errOut, "404") || !strings.Contains(errOut, "too large") {
		t.Errorf("errors not explained: %s", errOut)
	}
	st := openTestStore(t, db)
	x, err := st.Document(context.Background(), mustLookup(t, st, srv.URL+"/a.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(x.Document.Text, "border security") {
		t.Errorf("page text %q", x.Document.Text)
	}

	// The feed: its first entry was stored through the redirect already.
	out, errOut, code = runCLI(t, "", "ingest", "--db", db, "--quiet", "--json", "--allow-private", "--rate", "1ms", "--feed", srv.URL+"/feed.xml")
	if code != 0 {
		t.Fatalf("feed: exit %d: %s", code, errOut)
	}
	if s := jsonOf[ingestSummary](t, out); s.Stored != 1 {
		t.Fatalf("feed summary %+v", s)
	}
	x, err = st.Document(context.Background(), mustLookup(t, st, srv.URL+"/b.html"))
	if err != nil {
		t.Fatal(err)
	}
	if x.Document.Outlet != "Test Wire" || deref(x.Document.Published) != "2025-07-15" {
		t.Errorf("feed entry metadata: outlet %q published %q", x.Document.Outlet, deref(x.Document.Published))
	}
	fs, ok, err := st.Feed(context.Background(), srv.URL+"/feed.xml")
	if err != nil || !ok || fs.ETag != `"v1"` {
		t.Fatalf("feed state %+v %v %v", fs, ok, err)
	}
	hits := pageHits.Load()
	out, _, code = runCLI(t, "", "ingest", "--db", db, "--quiet", "--json", "--allow-private", "--feed", srv.URL+"/feed.xml")
	if code != 0 || notModified.Load() != 1 || pageHits.Load() != hits {
		t.Fatalf("second poll: exit %d, 304s %d, page hits %d (was %d)", code, notModified.Load(), pageHits.Load(), hits)
	}
	if s := jsonOf[ingestSummary](t, out); s.Documents != 0 {
		t.Fatalf("second poll stored %+v", s)
	}
	agents.Range(func(k, _ any) bool {
		if !strings.HasPrefix(k.(string), "sitrep/") {
			t.Errorf("User-Agent %q", k)
		}
		return true
	})
}

func mustLookup(t *testing.T, st store.Store, url string) string {
	t.Helper()
	docs, err := st.Documents(context.Background(), store.DocFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.URL == url {
			return d.ID
		}
	}
	t.Fatalf("no document with URL %s", url)
	return ""
}

// TestIngestSubprocess runs the sitrep binary (built once for both subtests).
func TestIngestSubprocess(t *testing.T) {
	if testing.Short() && os.Getenv("SITREP_KILL_ROUNDS") == "" {
		t.Log("-short: 5 kill rounds")
	}
	bin := filepath.Join(t.TempDir(), "sitrep")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	t.Run("KillRounds", func(t *testing.T) { testKillRounds(t, bin) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrentIngest(t, bin) })
	t.Run("FeedEvery", func(t *testing.T) { testFeedEvery(t, bin) })
}

// etagFeed serves a feed of two entries with an ETag, answering a
// conditional GET with 304, and the two pages it links to; it counts the
// polls, the 304 answers and the pages served.
type etagFeed struct {
	*httptest.Server
	polls, notModified, pages atomic.Int32
}

func newETagFeed(t *testing.T) *etagFeed {
	t.Helper()
	f := &etagFeed{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml":
			f.polls.Add(1)
			if r.Header.Get("If-None-Match") == `"v1"` {
				f.notModified.Add(1)
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			fmt.Fprintf(w, testFeed, f.URL)
		case "/a.html":
			f.pages.Add(1)
			fmt.Fprintf(w, testPage, "Talks", "Talks", "Turkish and Syrian officials met in Ankara on Monday to discuss border security, trade and the return of refugees.")
		case "/b.html":
			f.pages.Add(1)
			fmt.Fprintf(w, testPage, "Convoy", "Convoy", "A convoy of forty trucks carrying food and medicine crossed into northern Syria from Turkey on Tuesday morning.")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// testFeedEvery polls a feed with --every until interrupted: every poll
// after the first is a conditional GET, and SIGINT ends the poller cleanly.
func testFeedEvery(t *testing.T, bin string) {
	srv := newETagFeed(t)
	db := filepath.Join(t.TempDir(), "feed.db")
	cmd := exec.Command(bin, "ingest", "--db", db, "--quiet", "--json", "--allow-private", "--rate", "1ms", "--every", "100ms", "--feed", srv.URL+"/feed.xml")
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for srv.notModified.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("poller interrupted: %v", err)
	}
	if srv.notModified.Load() < 3 {
		t.Fatalf("%d polls, %d answered 304", srv.polls.Load(), srv.notModified.Load())
	}
	if s := jsonOf[ingestSummary](t, out.String()); s.Stored != 2 || s.Failed != 0 {
		t.Fatalf("summary %+v", s)
	}
}

// testKillRounds SIGKILLs `sitrep ingest` at random points, checking the
// store after each kill (no half-written document, counts equal to the
// mentions), then lets a last run finish: the store must equal one made by
// a single uninterrupted run.
func testKillRounds(t *testing.T, bin string) {
	rounds := 20
	if testing.Short() {
		rounds = 5
	}
	path, _ := writeCorpus(t, 400, 11)
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.db")
	if _, errOut, code := runCLI(t, "", "ingest", "--db", clean, "--quiet", path); code != 0 {
		t.Fatalf("clean run: exit %d: %s", code, errOut)
	}
	want := storeCounts(t, clean)

	// Each round starts the ingest over the same store and kills it; a
	// run that finishes before its kill is checked against the clean run
	// and the next round starts from an empty store again.
	gen := 0
	db := filepath.Join(dir, "killed-0.db")
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d", seed)
	killed, partial, completed := 0, 0, 0
	for round := 0; round < rounds; round++ {
		before := storeCounts(t, db).Documents
		cmd := exec.Command(bin, "ingest", "--db", db, "--quiet", path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		delay := time.Duration(200+rng.IntN(2300)) * time.Millisecond
		finished := false
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("round %d: ingest failed before the kill: %v", round, err)
			}
			finished = true
		case <-time.After(delay):
			if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
				killed++
			}
			<-done
		}
		checkStore(t, db)
		if t.Failed() {
			t.Fatalf("round %d (kill after %s) left an inconsistent store", round, delay)
		}
		after := storeCounts(t, db)
		if !finished && after.Documents > before && after.Documents < want.Documents {
			partial++ // killed while storing documents
		}
		if finished {
			if after != want {
				t.Fatalf("round %d: after kills and a finished run the store differs from a clean run:\n got %+v\nwant %+v", round, after, want)
			}
			completed++
			gen++
			db = filepath.Join(dir, fmt.Sprintf("killed-%d.db", gen))
		}
	}
	out, err := exec.Command(bin, "ingest", "--db", db, "--quiet", path).CombinedOutput()
	if err != nil {
		t.Fatalf("last run: %v: %s", err, out)
	}
	got := storeCounts(t, db)
	if got != want {
		t.Fatalf("after %d kills the store differs from a clean run:\n got %+v\nwant %+v", killed, got, want)
	}
	if ea, eb := eventList(t, clean), eventList(t, db); !reflect.DeepEqual(ea, eb) {
		t.Fatalf("after %d kills the events differ from a clean run", killed)
	}
	t.Logf("%d rounds: %d kills, %d of them while documents were being stored; %d stores completed and compared", rounds, killed, partial, completed)
}

// eventList returns every event without its ingestion time.
func eventList(t *testing.T, dsn string) []store.EventRecord {
	t.Helper()
	st := openTestStore(t, dsn)
	var out []store.EventRecord
	err := st.EachEvent(context.Background(), store.EventFilter{}, true, func(e store.EventRecord) error {
		e.FirstSeen = time.Time{}
		out = append(out, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testConcurrentIngest runs two ingests of overlapping corpora into one
// fresh SQLite file at once: both succeed, and every document is stored once.
func testConcurrentIngest(t *testing.T, bin string) {
	path, g := writeCorpus(t, 300, 12)
	dir := t.TempDir()
	// Split into two overlapping halves: 0-199 and 100-299.
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	for _, x := range []struct {
		file     string
		from, to int
	}{{a, 0, 200}, {b, 100, 300}} {
		f, err := os.Create(x.file)
		if err != nil {
			t.Fatal(err)
		}
		corpus.WriteJSONL(f, g.Records[x.from:x.to])
		f.Close()
	}
	_ = path
	db := filepath.Join(dir, "shared.db")
	var wg sync.WaitGroup
	outs := make([][]byte, 2)
	errs := make([]error, 2)
	for i, in := range []string{a, b} {
		wg.Add(1)
		go func(i int, in string) {
			defer wg.Done()
			outs[i], errs[i] = exec.Command(bin, "ingest", "--db", db, "--quiet", "--json", "--workers", "1", in).Output()
		}(i, in)
	}
	wg.Wait()
	total := 0
	for i := range outs {
		if errs[i] != nil {
			t.Fatalf("ingest %d: %v", i, errs[i])
		}
		s := jsonOf[ingestSummary](t, string(outs[i]))
		if s.Failed != 0 || s.Documents != 200 {
			t.Fatalf("ingest %d: %+v", i, s)
		}
		total += s.Stored + s.Duplicates
	}
	c := storeCounts(t, db)
	clean := filepath.Join(dir, "clean.db")
	if _, errOut, code := runCLI(t, "", "ingest", "--db", clean, "--quiet", path); code != 0 {
		t.Fatalf("clean run: %s", errOut)
	}
	want := storeCounts(t, clean)
	if c.Documents != want.Documents || total != want.Documents {
		t.Fatalf("documents stored %d (runs stored %d), want %d", c.Documents, total, want.Documents)
	}
	checkStore(t, db)
}
