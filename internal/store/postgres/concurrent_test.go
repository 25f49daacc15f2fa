package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/store/storetest"
)

// newSchema creates an empty schema, dropped after the test, and returns
// the DSN of a store in it.
func newSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(envTest)
	if dsn == "" {
		t.Skip(envTest + " is not set: skipping the PostgreSQL tests (set it to postgres://user@host:port/db?sslmode=disable)")
	}
	schema := fmt.Sprintf("sitrep_test_%d", rand.Uint64()>>1)
	if err := postgres.CreateSchema(context.Background(), dsn, schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := postgres.DropSchema(context.Background(), dsn, schema); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	sdsn, err := postgres.WithSearchPath(dsn, schema)
	if err != nil {
		t.Fatal(err)
	}
	return sdsn
}

// openAt opens one more handle (its own connection pool, as another
// process would have) on the store of dsn.
func openAt(t *testing.T, dsn string, tr store.Tracker) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn, postgres.Options{Tracker: tr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var words = strings.Fields(`army border capital ceasefire convoy council crossing delegation
	district envoy forces governor harbour minister militia mission northern observers
	officials parliament patrol province rebels refugees region river southern summit
	talks troops valley villages water western winter airport bridge checkpoint coast
	corridor desert embassy factory garrison highway island market mountain oil pipeline
	port railway reservoir road school station supply tower town tribe camp clinic dam`)

// text is a document text no other seed comes near: random words.
func text(seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 7))
	var sents []string
	for range 4 {
		var w []string
		for range 14 {
			w = append(w, words[r.IntN(len(words))])
		}
		sents = append(sents, strings.ToUpper(w[0][:1])+w[0][1:]+" "+strings.Join(w[1:], " ")+".")
	}
	return sents
}

var (
	tur = sitrep.Actor{Name: "Turkey", Code: "TUR", Country: "TUR"}
	syr = sitrep.Actor{Name: "Syria", Code: "SYR", Country: "SYR"}
)

// overlapping builds documents that merge into each other in every way
// the store knows: many reports of one event on two consecutive days (in
// whatever order they come, all mentions are within a day of the first),
// reports of another event on one day, events of their own, undated
// events, wire copies (near duplicates) with the events of their
// original, the same document twice, the same text under another id, and
// agreements and commitments folded into canonical ones.
func overlapping() []*sitrep.Extraction {
	outlets := []string{"Levant Wire", "Bosphorus Daily", "Gulf Ledger", "Desert Post"}
	var docs []*sitrep.Extraction
	for i := range 48 {
		day := "2025-07-16"
		if i%2 == 1 {
			day = "2025-07-17"
		}
		sents := text(uint64(i))
		x := storetest.Doc(fmt.Sprintf("d%02d", i), outlets[i%len(outlets)], day, sents...)
		if i%3 != 2 {
			storetest.AddEvent(x, 0, storetest.ISR, storetest.SYR, "195", "ASSAULT", 4, -10, day, "Damascus")
		}
		if i%4 == 0 {
			storetest.AddEvent(x, 1, storetest.TUR, storetest.SYR, "057", "AGREE", 1, 8, "2025-08-13", "")
			storetest.AddEvent(x, 2, storetest.TUR, storetest.SYR, "057", "AGREE", 1, 8, "2025-08-13", "") // twice in one report
		}
		storetest.AddEvent(x, 2, storetest.SYRGOV, storetest.TURMIL, fmt.Sprintf("%03d", 40+i%7), "CONSULT", 1, 1, day, fmt.Sprintf("Town %d", i))
		if i%5 == 0 {
			storetest.AddEvent(x, 3, storetest.ISR, storetest.SYR, "195", "ASSAULT", 4, -10, "", "Damascus") // undated: never merged
		}
		if i%3 == 0 {
			s := x.Sentences[1]
			x.Agreements = append(x.Agreements, sitrep.Agreement{ID: "a1", Name: "training memorandum", Kind: "memorandum",
				Parties: []sitrep.Actor{tur, syr}, Monitors: []sitrep.Actor{}, Provisions: []string{}, Status: "signed",
				Evidence: []sitrep.StatusStep{{Status: "signed", Sentence: 1, Evidence: s.Text, Start: s.Start, End: s.End}},
				Mentions: []sitrep.Span{{Start: s.Start, End: s.End, Sentence: 1}}})
		}
		if i%4 == 1 {
			what := []string{"train Syrian officers", "rebuild the bridge"}[i%8/4]
			x.Commitments = append(x.Commitments, sitrep.Commitment{ID: "c1", Kind: "pledge", By: tur, To: syr, What: what, Status: "pledged", Sentence: 2})
		}
		docs = append(docs, x)
		if i%6 == 0 {
			// a wire copy: another outlet, a credit line
			c := storetest.Doc(fmt.Sprintf("d%02d-copy", i), outlets[(i+1)%len(outlets)], day, append(sents, "Reporting by the desk.")...)
			sameFindings(c, x)
			docs = append(docs, c)
		}
		if i%8 == 0 {
			// the same document twice, and its text under another id (from
			// the same outlet: whichever is stored, the sources are the same)
			again := *x
			docs = append(docs, &again)
			other := storetest.Doc(fmt.Sprintf("d%02d-other", i), outlets[i%len(outlets)], day, sents...)
			sameFindings(other, x)
			docs = append(docs, other)
		}
	}
	return docs
}

// sameFindings gives y what was found in x: whichever of the two is
// stored first, the store ends up the same.
func sameFindings(y, x *sitrep.Extraction) {
	y.Events = append([]sitrep.Event(nil), x.Events...)
	y.Entities = append([]sitrep.Entity(nil), x.Entities...)
	y.Agreements = append([]sitrep.Agreement(nil), x.Agreements...)
	y.Commitments = append([]sitrep.Commitment(nil), x.Commitments...)
}

// state is what a store holds, in terms that do not depend on the order
// documents were stored in (event ids and first mentions do).
func state(t *testing.T, s store.Store) string {
	t.Helper()
	ctx := context.Background()
	if problems, err := s.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	lines = append(lines, fmt.Sprintf("counts %+v", c))
	err = s.EachEvent(ctx, store.EventFilter{}, false, func(e store.EventRecord) error {
		place := ""
		if e.Location != nil {
			place = e.Location.Name
		}
		lines = append(lines, fmt.Sprintf("event %s>%s %s %s mentions %d sources %d articles %d", e.Source.Code, e.Target.Code, e.CAMEO, place, e.NumMentions, e.NumSources, e.NumArticles))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	actors, err := s.Actors(ctx, store.ActorFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range actors {
		lines = append(lines, fmt.Sprintf("actor %s %s docs %d mentions %d seen %s..%s", a.ID, a.Name, a.NumDocs, a.NumMentions, a.FirstSeen, a.LastSeen))
	}
	ags, err := s.Agreements(ctx, store.AgreementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ags {
		lines = append(lines, fmt.Sprintf("agreement %s steps %d documents %d", a.ID, len(a.Steps), len(a.Documents)))
	}
	cs, err := s.Commitments(ctx, store.CommitmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		doc, _, _ := strings.Cut(c.Document, "-")
		lines = append(lines, fmt.Sprintf("commitment of %s: %s", doc, c.Canonical))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestConcurrentWriters stores documents that overlap in every way from
// several handles at once, each with its own connection pool, and checks
// that the store ends up as one writer storing them one by one leaves it.
func TestConcurrentWriters(t *testing.T) {
	docs := overlapping()
	ctx := context.Background()

	one := openAt(t, newSchema(t), nil)
	for _, x := range docs {
		if _, err := one.Put(ctx, x, store.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	want := state(t, one)

	for round := range 2 {
		dsn := newSchema(t)
		const writers = 6
		var handles []*postgres.Store
		for range writers {
			handles = append(handles, openAt(t, dsn, nil))
		}
		// Every document goes to a writer; the copies of a document and
		// the same document twice to different writers at the same time.
		order := rand.New(rand.NewPCG(uint64(round), 1)).Perm(len(docs))
		jobs := make(chan *sitrep.Extraction)
		var mu sync.Mutex
		status := map[string]int{}
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for _, h := range handles {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for x := range jobs {
					r, err := h.Put(ctx, x, store.PutOptions{})
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					status[r.Status]++
					mu.Unlock()
				}
			}()
		}
		for _, i := range order {
			jobs <- docs[i]
		}
		close(jobs)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if got := state(t, handles[0]); got != want {
			t.Fatalf("round %d: concurrent writers left\n%s\n\none writer left\n%s", round, got, want)
		}
		if status[store.StatusExists] != 12 || status[store.StatusDuplicate] != 8 {
			t.Fatalf("round %d: statuses %v, want 12 exists and 8 duplicates", round, status)
		}
	}
}

// TestSameDocumentAtOnce has several writers store the same document at
// the same moment: one stores it, the others find it stored.
func TestSameDocumentAtOnce(t *testing.T) {
	dsn := newSchema(t)
	ctx := context.Background()
	var handles []*postgres.Store
	for range 6 {
		handles = append(handles, openAt(t, dsn, nil))
	}
	for i := range 5 {
		x := storetest.Doc(fmt.Sprintf("same%d", i), "Levant Wire", "2025-07-16", text(uint64(100+i))...)
		storetest.AddEvent(x, 0, storetest.ISR, storetest.SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
		copyX := storetest.Doc(fmt.Sprintf("same%d-copy", i), "Gulf Ledger", "2025-07-16", append(text(uint64(100+i)), "Reporting by the desk.")...)
		storetest.AddEvent(copyX, 0, storetest.ISR, storetest.SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
		var wg sync.WaitGroup
		results := make(chan store.PutResult, 6)
		start := make(chan struct{})
		for w, h := range handles {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				y := x
				if w%3 == 2 {
					y = copyX
				}
				r, err := h.Put(ctx, y, store.PutOptions{})
				if err != nil {
					t.Error(err)
				}
				results <- r
			}()
		}
		close(start)
		wg.Wait()
		close(results)
		got := map[string]int{}
		for r := range results {
			got[r.Status]++
		}
		// Two writers of the copy, four of the original: one of each is
		// stored, the first of them as the original, the other as its
		// near duplicate.
		if got[store.StatusExists] != 4 || got[store.StatusStored] != 1 || got[store.StatusDuplicate] != 1 {
			t.Fatalf("round %d: %v", i, got)
		}
	}
	s := handles[0]
	evs, err := s.Events(ctx, store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].NumMentions != 10 || evs[0].NumArticles != 10 || evs[0].NumSources != 2 {
		t.Fatalf("events %+v", evs)
	}
	if problems, err := s.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
}

// blockingTracker holds the canonical records' lock: Track waits until
// release is closed.
type blockingTracker struct {
	store.GroupingTracker
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *blockingTracker) Track(ctx context.Context, v store.TrackingView, x *sitrep.Extraction) (*store.TrackingUpdate, error) {
	b.once.Do(func() { close(b.entered) })
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return b.GroupingTracker.Track(ctx, v, x)
}

// TestWritersOverlap checks what waits for what: while one writer holds
// the canonical records of a schema, another writer of the same schema
// stores a document without agreements, and a writer of another schema
// stores one with agreements; a second writer of agreements in the same
// schema waits.
func TestWritersOverlap(t *testing.T) {
	ctx := context.Background()
	dsnA, dsnB := newSchema(t), newSchema(t)
	bt := &blockingTracker{entered: make(chan struct{}), release: make(chan struct{})}
	blocked, other, inB := openAt(t, dsnA, bt), openAt(t, dsnA, nil), openAt(t, dsnB, nil)
	withAgreement := func(id string, seed uint64) *sitrep.Extraction {
		x := storetest.Doc(id, "Levant Wire", "2025-08-13", text(seed)...)
		storetest.AddEvent(x, 0, storetest.TUR, storetest.SYR, "057", "AGREE", 1, 8, "2025-08-13", "")
		x.Agreements = append(x.Agreements, sitrep.Agreement{ID: "a1", Name: "training memorandum", Kind: "memorandum",
			Parties: []sitrep.Actor{tur, syr}, Status: "signed", Mentions: []sitrep.Span{{Sentence: 0, Start: 0, End: 5}}})
		return x
	}
	first := make(chan error, 1)
	go func() {
		_, err := blocked.Put(ctx, withAgreement("held", 1), store.PutOptions{})
		first <- err
	}()
	select {
	case <-bt.entered:
	case <-time.After(20 * time.Second):
		t.Fatal("the first writer never reached the tracker")
	}
	within := func(what string, s store.Store, x *sitrep.Extraction) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if _, err := s.Put(c, x, store.PutOptions{}); err != nil {
			close(bt.release)
			t.Fatalf("%s waited for the writer holding the canonical records: %v", what, err)
		}
	}
	plain := storetest.Doc("plain", "Gulf Ledger", "2025-08-13", text(2)...)
	storetest.AddEvent(plain, 0, storetest.ISR, storetest.SYR, "195", "ASSAULT", 4, -10, "2025-08-13", "Damascus")
	within("a document without agreements", other, plain)
	within("a writer of another schema", inB, withAgreement("elsewhere", 3))

	second := make(chan error, 1)
	go func() {
		_, err := other.Put(ctx, withAgreement("waits", 4), store.PutOptions{})
		second <- err
	}()
	select {
	case err := <-second:
		close(bt.release)
		t.Fatalf("a second writer of agreements did not wait: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	close(bt.release)
	for _, ch := range []chan error{first, second} {
		if err := <-ch; err != nil && !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	}
	ags, err := other.Agreements(ctx, store.AgreementFilter{})
	if err != nil || len(ags) != 1 || len(ags[0].Documents) != 2 {
		t.Fatalf("agreements %+v %v", ags, err)
	}
	if problems, err := other.Check(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
}
