package corpus

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// fakeExtractor returns an empty extraction after a random pause; a text
// with FAIL fails, one with FATAL stops the run.
type fakeExtractor struct{}

func (fakeExtractor) Extract(ctx context.Context, d *sitrep.Document) (*sitrep.Extraction, error) {
	time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
	switch {
	case strings.Contains(d.Text, "FATAL"):
		return nil, Fatal(errors.New("dictionaries missing"))
	case strings.Contains(d.Text, "FAIL"):
		return nil, errors.New("cannot read")
	}
	return &sitrep.Extraction{Document: *d, Sentences: []sitrep.Sentence{{Index: 0, Start: 0, End: len(d.Text), Text: d.Text}}}, nil
}

func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func items(t *testing.T, texts []string) <-chan Item {
	t.Helper()
	ch := make(chan Item, len(texts))
	for i, txt := range texts {
		doc, err := ingest.FromRecord(context.Background(), ingest.Record{ID: fmt.Sprintf("d%03d", i), Text: txt}, ingest.Options{})
		ch <- Item{Name: fmt.Sprintf("d%03d", i), Doc: doc, Err: err}
	}
	close(ch)
	return ch
}

func TestIngesterOrderAndCounts(t *testing.T) {
	st := openStore(t)
	g, err := Generate(GenOptions{N: 60, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, r := range g.Records {
		texts = append(texts, r.Text)
	}
	texts[7] = "This one will FAIL to be read by the extractor, whatever it says about the talks."
	texts[9] = "" // empty: an error from ingest
	var names []string
	in := &Ingester{Store: st, Extractor: fakeExtractor{}, Workers: 4, OnResult: func(r Result, s Stats) { names = append(names, r.Name) }}
	s, err := in.Run(context.Background(), items(t, texts), len(texts))
	if err != nil {
		t.Fatal(err)
	}
	if s.Done != 60 || s.Stored != 58 || s.Failed != 2 || s.Total != 60 {
		t.Fatalf("stats %+v", s)
	}
	for i, n := range names {
		if n != fmt.Sprintf("d%03d", i) {
			t.Fatalf("result %d is %s: results out of input order", i, n)
		}
	}
	// The stored sequence is the input order too.
	docs, err := st.Documents(context.Background(), store.DocFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(docs); i++ {
		if docs[i-1].ID < docs[i].ID {
			t.Fatalf("stored out of order: %s before %s", docs[i].ID, docs[i-1].ID)
		}
	}
	s, err = in.Run(context.Background(), items(t, texts), len(texts))
	if err != nil || s.Exists != 58 || s.Stored != 0 {
		t.Fatalf("second run %+v %v", s, err)
	}
}

// inFlight counts the Puts running at once.
type inFlight struct {
	store.Store
	mu       sync.Mutex
	now, max int
}

func (f *inFlight) Put(ctx context.Context, x *sitrep.Extraction, o store.PutOptions) (store.PutResult, error) {
	f.mu.Lock()
	f.now++
	f.max = max(f.max, f.now)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.now--
		f.mu.Unlock()
	}()
	time.Sleep(3 * time.Millisecond)
	return f.Store.Put(ctx, x, o)
}

func TestIngesterConcurrentPuts(t *testing.T) {
	st := &inFlight{Store: openStore(t)}
	g, err := Generate(GenOptions{N: 40, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, r := range g.Records {
		texts = append(texts, r.Text)
	}
	texts[3] = "This one will FAIL to be read by the extractor, whatever it says about the talks."
	var names []string
	in := &Ingester{Store: st, Extractor: fakeExtractor{}, Workers: 3, ConcurrentPuts: true, OnResult: func(r Result, s Stats) { names = append(names, r.Name) }}
	s, err := in.Run(context.Background(), items(t, texts), len(texts))
	if err != nil {
		t.Fatal(err)
	}
	if s.Done != 40 || s.Stored+s.Duplicates != 39 || s.Failed != 1 {
		t.Fatalf("stats %+v", s)
	}
	if st.max < 2 {
		t.Fatalf("at most %d Put at a time with 3 workers storing", st.max)
	}
	for i, n := range names {
		if n != fmt.Sprintf("d%03d", i) {
			t.Fatalf("result %d is %s: results out of input order", i, n)
		}
	}
	if c, err := st.Counts(context.Background()); err != nil || c.Documents != 39 {
		t.Fatalf("counts %+v %v", c, err)
	}
}

func TestIngesterFatalAndCancel(t *testing.T) {
	st := openStore(t)
	texts := make([]string, 40)
	for i := range texts {
		texts[i] = fmt.Sprintf("Document %d describes a meeting of ministers on the future of the crossing.", i)
	}
	texts[5] = "FATAL: the dictionaries could not be loaded for this document at all."
	in := &Ingester{Store: st, Extractor: fakeExtractor{}, Workers: 2}
	s, err := in.Run(context.Background(), items(t, texts), 0)
	if !errors.Is(err, ErrFatal) || err.Error() != "dictionaries missing" {
		t.Fatalf("fatal error: %v", err)
	}
	if s.Done != 5 {
		t.Fatalf("run went on after a fatal error: %+v", s)
	}
	// A cancelled context ends a run whose input never closes.
	ctx, cancel := context.WithCancel(context.Background())
	endless := make(chan Item)
	done := make(chan error, 1)
	go func() {
		_, err := (&Ingester{Store: st, Extractor: fakeExtractor{}}).Run(ctx, endless, 0)
		done <- err
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/1.txt", "x")
	write("a/2.md", "x")
	write("a/b/3.html", "x")
	write("a/b/4.jsonl", "{\"text\":\"one\"}\n\n{\"text\":\"two\"}\n")
	write("a/.git/5.txt", "x")
	write("a/.6.txt", "x")
	write("a/7.pdf", "x")
	write("c.text", "x")
	srcs := Expand([]string{filepath.Join(dir, "a"), filepath.Join(dir, "*.text"), "-", "https://example.org/x", filepath.Join(dir, "nope.txt"), filepath.Join(dir, "z*")})
	var got []string
	for _, s := range srcs {
		got = append(got, s.Kind+":"+strings.TrimPrefix(s.Name, dir+"/"))
	}
	want := "file:a/1.txt file:a/2.md file:a/b/3.html jsonl:a/b/4.jsonl file:c.text stdin:- url:https://example.org/x error:nope.txt error:z*"
	if g := strings.Join(got, " "); g != want {
		t.Fatalf("expand:\n got %s\nwant %s", g, want)
	}
	if n, known := Count(srcs[:5]); n != 6 || !known {
		t.Fatalf("count %d %v, want 6 (two JSON lines)", n, known)
	}
	if _, known := Count(srcs); known {
		t.Fatal("stdin makes the count unknown")
	}
}

func TestReaderJSONL(t *testing.T) {
	in := strings.NewReader("{\"id\":\"a\",\"text\":\"A report about talks in the capital.\"}\nnot json\n\n{\"id\":\"b\",\"text\":\"" + strings.Repeat("long ", 100) + "\"}\n{\"id\":\"c\",\"text\":\"Another short report.\"}")
	r := &Reader{Stdin: in, Options: ingest.Options{MaxBytes: 200}}
	out := make(chan Item, 10)
	if err := r.Send(context.Background(), []Source{{Kind: SourceStdin, Name: "-"}}, out); err != nil {
		t.Fatal(err)
	}
	close(out)
	var got []string
	for it := range out {
		s := it.Name
		if it.Err != nil {
			s += " error"
		} else {
			s += " " + it.Doc.ID
		}
		got = append(got, s)
	}
	want := "<stdin>:1 (id a) a|<stdin>:2 error|<stdin>:4 error|<stdin>:5 (id c) c"
	if g := strings.Join(got, "|"); g != want {
		t.Fatalf("items:\n got %s\nwant %s", g, want)
	}
}

func TestFetcher(t *testing.T) {
	var ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua = r.UserAgent()
		switch r.URL.Path {
		case "/big":
			w.Write([]byte(strings.Repeat("x", 5000)))
		case "/ftp":
			http.Redirect(w, r, "ftp://example.org/file", http.StatusFound)
		default:
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><head><title>T</title></head><body><p>Officials met in the capital on Monday to discuss the crossing and the convoy.</p></body></html>"))
		}
	}))
	defer srv.Close()
	f := NewFetcher(FetchOptions{AllowPrivate: true, MaxBytes: 1000, PerHost: time.Hour})
	doc, err := f.Document(context.Background(), srv.URL+"/page", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ua, "sitrep/") || doc.URL != srv.URL+"/page" || !strings.Contains(doc.Text, "convoy") {
		t.Fatalf("UA %q, doc %+v", ua, doc)
	}
	// The next request to the host waits an hour: a cancelled context ends the wait.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := f.Get(ctx, srv.URL+"/page", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("rate limit not applied: %v", err)
	}
	f = NewFetcher(FetchOptions{AllowPrivate: true, MaxBytes: 1000, PerHost: -1})
	if _, err := f.Get(context.Background(), srv.URL+"/big", nil); !errors.Is(err, ingest.ErrTooLarge) {
		t.Fatalf("size cap: %v", err)
	}
	if _, err := f.Get(context.Background(), srv.URL+"/ftp", nil); err == nil || !strings.Contains(err.Error(), "ftp") {
		t.Fatalf("redirect to ftp: %v", err)
	}
	if _, err := f.Get(context.Background(), "file:///etc/passwd", nil); err == nil {
		t.Fatal("file URL fetched")
	}
}

func TestProgressLine(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 10, 0, time.UTC)
	s := Stats{Total: 100, Done: 50, Stored: 45, Duplicates: 3, Exists: 1, Failed: 1, Started: now.Add(-10 * time.Second)}
	l := Line(s, now)
	for _, want := range []string{"50/100", " 50%", "stored 45", "dup 3", "exists 1", "failed 1", "5 docs/s", "ETA 0:10", "[##########..........]"} {
		if !strings.Contains(l, want) {
			t.Errorf("line %q lacks %q", l, want)
		}
	}
	if l := Line(Stats{Done: 7, Started: now.Add(-time.Second)}, now); !strings.HasPrefix(l, "7 docs") || strings.Contains(l, "ETA") {
		t.Errorf("unknown total: %q", l)
	}
}
