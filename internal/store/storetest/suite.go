package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
)

// Opener opens a fresh, empty store for one test, closed by the test's
// cleanup. tracker is nil for the default.
type Opener func(t *testing.T, tracker store.Tracker) store.Store

// Run runs the conformance suite.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"PutAndGet", testPutAndGet},
		{"Idempotent", testIdempotent},
		{"Atomic", testAtomic},
		{"EventMerge", testEventMerge},
		{"NearDuplicate", testNearDuplicate},
		{"Actors", testActors},
		{"EventFilters", testEventFilters},
		{"Periods", testPeriods},
		{"Search", testSearch},
		{"Tracking", testTracking},
		{"TrackingKeys", testTrackingKeys},
		{"Feeds", testFeeds},
		{"DumpRestore", testDumpRestore},
		{"Concurrent", testConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Every store a test opens must be consistent at its end.
			checked := func(t *testing.T, tr store.Tracker) store.Store {
				s := open(t, tr)
				t.Cleanup(func() { check(t, s) })
				return s
			}
			tc.fn(t, checked)
		})
	}
}

var ctx = context.Background()

func check(t *testing.T, s store.Store) {
	t.Helper()
	problems, err := s.Check(ctx)
	if err != nil {
		t.Errorf("check: %v", err)
	}
	for _, p := range problems {
		t.Errorf("inconsistent store: %s", p)
	}
}

func put(t *testing.T, s store.Store, x *sitrep.Extraction) store.PutResult {
	t.Helper()
	r, err := s.Put(ctx, x, store.PutOptions{})
	if err != nil {
		t.Fatalf("put %s: %v", x.Document.ID, err)
	}
	return r
}

func counts(t *testing.T, s store.Store) store.Counts {
	t.Helper()
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatalf("counts: %v", err)
	}
	return c
}

func events(t *testing.T, s store.Store, f store.EventFilter) []store.EventRecord {
	t.Helper()
	evs, err := s.Events(ctx, f)
	if err != nil {
		t.Fatalf("events %+v: %v", f, err)
	}
	return evs
}

func testPutAndGet(t *testing.T, open Opener) {
	s := open(t, nil)
	x := Doc("d1", "Levant Wire", "2025-07-16", strikeA, strikeB, strikeC)
	x.Document.URL = "https://example.org/news/strike?utm_source=feed"
	AddEvent(x, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
	x.Quotes = append(x.Quotes, sitrep.Quote{ID: "q1", Speaker: sitrep.Actor{Name: "Defence ministry", Country: "SYR"}, Text: "nobody on the ground was hurt", Span: &sitrep.Span{Start: 10, End: 20, Sentence: 1}})
	r := put(t, s, x)
	if r.Status != store.StatusStored || r.ID != "d1" || r.NewEvents != 1 || r.Mentions != 1 {
		t.Fatalf("put result %+v", r)
	}
	got, err := s.Document(ctx, "d1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, x) {
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(x)
		t.Fatalf("stored extraction differs:\n got %s\nwant %s", a, b)
	}
	if _, err := s.Document(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing document: err %v, want ErrNotFound", err)
	}
	c := counts(t, s)
	want := store.Counts{Documents: 1, Sentences: 3, Entities: 2, Actors: 2, Events: 1, Mentions: 1, Quotes: 1}
	if c != want {
		t.Fatalf("counts %+v, want %+v", c, want)
	}
	docs, err := s.Documents(ctx, store.DocFilter{})
	if err != nil || len(docs) != 1 || docs[0].ID != "d1" || docs[0].Sentences != 3 || docs[0].Events != 1 || docs[0].IngestedAt.IsZero() {
		t.Fatalf("documents %+v %v", docs, err)
	}
	if _, err := s.Put(ctx, &sitrep.Extraction{Document: sitrep.Document{ID: "", Text: "x"}}, store.PutOptions{}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("document without id: err %v, want ErrInvalid", err)
	}
}

func testIdempotent(t *testing.T, open Opener) {
	s := open(t, nil)
	x := Doc("d1", "Levant Wire", "2025-07-16", strikeA, strikeB, strikeC)
	x.Document.URL = "https://www.example.org/news/strike?utm_source=feed&b=2&a=1"
	AddEvent(x, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
	put(t, s, x)
	before := counts(t, s)

	// The same extraction again.
	if r := put(t, s, x); r.Status != store.StatusExists || r.ID != "d1" {
		t.Fatalf("second put: %+v", r)
	}
	// The same content under another id.
	y := Doc("other-id", "Other Outlet", "2025-07-16", strikeA, strikeB, strikeC)
	if r := put(t, s, y); r.Status != store.StatusExists || r.ID != "d1" {
		t.Fatalf("same content, other id: %+v", r)
	}
	// Other content at the same canonical URL.
	z := Doc("d3", "Levant Wire", "2025-07-17", talksA, talksB, talksC)
	z.Document.URL = "http://example.org/news/strike/?a=1&b=2#top"
	if r := put(t, s, z); r.Status != store.StatusExists || r.ID != "d1" {
		t.Fatalf("same canonical URL: %+v", r)
	}
	if c := counts(t, s); c != before {
		t.Fatalf("counts changed by re-ingesting: %+v, was %+v", c, before)
	}
	// The same id with other content is a conflict, not a silent skip.
	w := Doc("d1", "Levant Wire", "2025-07-18", aidA, aidB)
	if _, err := s.Put(ctx, w, store.PutOptions{}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same id, other content: err %v, want ErrConflict", err)
	}
	for _, d := range []*sitrep.Document{&x.Document, &y.Document, &z.Document} {
		id, ok, err := s.Lookup(ctx, d)
		if err != nil || !ok || id != "d1" {
			t.Fatalf("lookup %s: %q %v %v", d.ID, id, ok, err)
		}
	}
	if _, ok, err := s.Lookup(ctx, &Doc("d9", "", "2025-01-01", aidA).Document); ok || err != nil {
		t.Fatalf("lookup of a new document: %v %v", ok, err)
	}
}

// failingTracker fails every document that mentions an agreement.
type failingTracker struct{}

func (failingTracker) Track(ctx context.Context, v store.TrackingView, x *sitrep.Extraction) (*store.TrackingUpdate, error) {
	return nil, errors.New("tracker failed on purpose")
}

func testAtomic(t *testing.T, open Opener) {
	s := open(t, failingTracker{})
	ok := Doc("d1", "Levant Wire", "2025-07-16", strikeA, strikeB)
	AddEvent(ok, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
	put(t, s, ok)
	before := counts(t, s)
	bad := Doc("d2", "Levant Wire", "2025-08-13", trainA, trainB, trainC)
	AddEvent(bad, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
	AddEvent(bad, 1, TUR, SYR, "057", "AGREE", 1, 8, "2025-08-13", "")
	bad.Agreements = append(bad.Agreements, sitrep.Agreement{ID: "a1", Name: "memorandum", Parties: []sitrep.Actor{{Name: "Turkey", Code: "TUR", Country: "TUR"}}, Status: "signed"})
	if _, err := s.Put(ctx, bad, store.PutOptions{}); err == nil {
		t.Fatal("put with a failing tracker succeeded")
	}
	if c := counts(t, s); c != before {
		t.Fatalf("a failed put left records: %+v, was %+v", c, before)
	}
	if _, found, _ := s.Lookup(ctx, &bad.Document); found {
		t.Fatal("a failed put left its document")
	}
	evs := events(t, s, store.EventFilter{})
	if len(evs) != 1 || evs[0].NumMentions != 1 {
		t.Fatalf("a failed put changed the events: %+v", evs)
	}
}

func testEventMerge(t *testing.T, open Opener) {
	s := open(t, nil)
	a := Doc("a", "Levant Wire", "2025-07-16", strikeA, strikeB, strikeC)
	AddEvent(a, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
	AddEvent(a, 2, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus") // a second mention in the same document
	r := put(t, s, a)
	if r.NewEvents != 1 || r.Mentions != 2 {
		t.Fatalf("doc a: %+v", r)
	}
	b := Doc("b", "Bosphorus Daily", "2025-07-17", talksA, talksB)
	AddEvent(b, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-17", "damascus") // next day, other outlet
	c := Doc("c", "Levant Wire", "2025-07-15", airA, airB)
	AddEvent(c, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-15", "Damascus") // day before, same outlet as a
	d := Doc("d", "Gulf Ledger", "2025-07-19", aidA, aidB)
	AddEvent(d, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-19", "Damascus") // three days later: another event
	e := Doc("e", "Gulf Ledger", "2025-07-16", trainA, trainB)
	AddEvent(e, 0, ISR, SYR, "190", "ASSAULT", 4, -10, "2025-07-16", "Damascus")       // other CAMEO code
	AddEvent(e, 1, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Aleppo")         // other place
	AddEvent(e, 1, SYR, ISR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")       // other direction
	ng := AddEvent(e, 1, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus") // negated
	ng.Modality = sitrep.ModalityNegated
	f := Doc("f", "Gulf Ledger", "2025-07-16", strikeC, aidA)
	AddEvent(f, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "", "Damascus") // undated: never merged
	g := Doc("g", "Gulf Ledger", "2025-07-16", strikeB, aidB)
	AddEvent(g, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "", "Damascus")
	for _, x := range []*sitrep.Extraction{b, c, d, e, f, g} {
		put(t, s, x)
	}
	first := sitrep.Event{}
	_ = first
	evs := events(t, s, store.EventFilter{Limit: 100})
	if len(evs) != 8 {
		t.Fatalf("%d events, want 8: %+v", len(evs), evs)
	}
	id := store.EventID("a", "e1")
	var merged *store.EventRecord
	for i := range evs {
		if evs[i].ID == id {
			merged = &evs[i]
		}
	}
	if merged == nil {
		t.Fatalf("no event with id %d (first mention a/e1)", id)
	}
	if merged.NumMentions != 4 || merged.NumArticles != 3 || merged.NumSources != 2 {
		t.Fatalf("merged event: mentions %d articles %d sources %d, want 4 3 2", merged.NumMentions, merged.NumArticles, merged.NumSources)
	}
	if merged.Date != "2025-07-16" || merged.FirstDocument != "a" || merged.FirstOutlet != "Levant Wire" || merged.Location == nil || merged.Location.Name != "Damascus" {
		t.Fatalf("merged event keeps its first mention: %+v", merged)
	}
	ms, err := s.Mentions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, m := range ms {
		docs = append(docs, m.Document+"/"+m.EventRef)
	}
	if got := strings.Join(docs, " "); got != "a/e1 a/e2 b/e1 c/e1" {
		t.Fatalf("mentions %s", got)
	}
	if ms[2].Text != talksA || ms[2].Sentence != 0 || ms[2].Outlet != "Bosphorus Daily" {
		t.Fatalf("mention b: %+v", ms[2])
	}
}

func testNearDuplicate(t *testing.T, open Opener) {
	s := open(t, nil)
	a := Doc("orig", "Levant Wire", "2025-08-13", trainA, trainB, trainC, talksC)
	AddEvent(a, 0, TUR, SYR, "057", "AGREE", 1, 8, "2025-08-13", "")
	AddEvent(a, 2, TURMIL, SYR, "042", "CONSULT", 1, 1.9, "2025-08-12", "Damascus")
	put(t, s, a)
	// A wire copy: another outlet, a changed word, an extra credit line,
	// and dates the copy's reader resolved differently.
	copyText := []string{trainA, strings.Replace(trainB, "two years", "2 years", 1), trainC, talksC, "Reporting by the desk."}
	b := Doc("copy", "Gulf Ledger", "2025-08-14", copyText...)
	AddEvent(b, 0, TUR, SYR, "057", "AGREE", 1, 8, "2025-08-14", "")
	AddEvent(b, 2, TURMIL, SYR, "042", "CONSULT", 1, 1.9, "2025-08-14", "Damascus")
	r := put(t, s, b)
	if r.Status != store.StatusDuplicate || r.DuplicateOf != "orig" {
		t.Fatalf("wire copy: %+v, want duplicate of orig", r)
	}
	if r.NewEvents != 0 || r.Mentions != 2 {
		t.Fatalf("wire copy added events: %+v", r)
	}
	// A different story is not a duplicate.
	other := Doc("other", "Levant Wire", "2025-08-14", aidA, aidB, strikeC)
	if r := put(t, s, other); r.Status != store.StatusStored {
		t.Fatalf("distinct story: %+v", r)
	}
	// A copy of the copy points at the original.
	cc := Doc("copy2", "Desert Post", "2025-08-15", append(copyText, "Edited by the night desk.")...)
	if r := put(t, s, cc); r.Status != store.StatusDuplicate || r.DuplicateOf != "orig" {
		t.Fatalf("copy of a copy: %+v", r)
	}
	evs := events(t, s, store.EventFilter{})
	if len(evs) != 2 {
		t.Fatalf("%d events, want 2", len(evs))
	}
	for _, e := range evs {
		if e.NumMentions != 2 || e.NumArticles != 2 || e.NumSources != 2 {
			t.Fatalf("event %s: mentions %d articles %d sources %d, want 2 2 2", e.CAMEO, e.NumMentions, e.NumArticles, e.NumSources)
		}
	}
	dups, err := s.Documents(ctx, store.DocFilter{Duplicates: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(dups) != 2 || dups[0].ID != "copy2" || dups[1].ID != "copy" || dups[1].DuplicateOf != "orig" || dups[1].Similarity < 0.7 {
		t.Fatalf("duplicates %+v", dups)
	}
	got, err := s.Document(ctx, "copy")
	if err != nil || got.Document.DuplicateOf == nil || *got.Document.DuplicateOf != "orig" {
		t.Fatalf("stored copy does not name its original: %v", err)
	}
	ms, _ := s.Mentions(ctx, evs[0].ID)
	if len(ms) != 2 || !ms[1].Duplicate || ms[0].Duplicate {
		t.Fatalf("mentions of a duplicate are not flagged: %+v", ms)
	}
	if c := counts(t, s); c.Duplicates != 2 || c.Documents != 4 {
		t.Fatalf("counts %+v", c)
	}
}

func testActors(t *testing.T, open Opener) {
	s := open(t, nil)
	a := Doc("a", "Levant Wire", "2025-07-16", strikeA, strikeB)
	AddEvent(a, 0, TURMIL, SYR, "190", "ASSAULT", 4, -10, "2025-07-16", "")
	b := Doc("b", "Levant Wire", "2025-07-20", talksA, talksB)
	AddEvent(b, 0, TURMIL, SYRGOV, "040", "CONSULT", 1, 1, "2025-07-20", "")
	b.Entities = append(b.Entities, sitrep.Entity{ID: "t9", Name: "Ahmad Qasim", Type: sitrep.TypePerson, Known: false, Mentions: []sitrep.Span{{}, {}}})
	b.Entities[0].Aliases = []string{"TAF"}
	put(t, s, a)
	put(t, s, b)
	as, err := s.Actors(ctx, store.ActorFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 4 {
		t.Fatalf("%d actors, want 4: %+v", len(as), as)
	}
	if as[0].Name != "Turkish armed forces" || as[0].NumDocs != 2 || as[0].ID != store.ActorID("Turkish armed forces", "TURMIL") ||
		as[0].FirstSeen != "2025-07-16" || as[0].LastSeen != "2025-07-20" {
		t.Fatalf("top actor %+v", as[0])
	}
	unk, err := s.Actors(ctx, store.ActorFilter{Unknown: true})
	if err != nil || len(unk) != 1 || unk[0].Name != "Ahmad Qasim" || unk[0].NumMentions != 2 || unk[0].Known {
		t.Fatalf("unknown actors %+v %v", unk, err)
	}
	byName, err := s.Actors(ctx, store.ActorFilter{Name: "turkish ARMED forces"})
	if err != nil || len(byName) != 1 {
		t.Fatalf("by name %+v %v", byName, err)
	}
	if byAlias, err := s.Actors(ctx, store.ActorFilter{Name: "taf"}); err != nil || len(byAlias) != 1 || byAlias[0].Name != "Turkish armed forces" {
		t.Fatalf("by alias %+v %v", byAlias, err)
	}
	if evs := events(t, s, store.EventFilter{Actor: "TAF"}); len(evs) != 2 {
		t.Fatalf("events of an actor by alias: %d, want 2", len(evs))
	}
	evs := events(t, s, store.EventFilter{})
	for _, e := range evs {
		if e.Source.ID != store.ActorID("Turkish armed forces", "TURMIL") {
			t.Fatalf("event source actor id %q", e.Source.ID)
		}
	}
}

// fixtureCorpus stores documents with events of known dates, sides and codes.
func fixtureCorpus(t *testing.T, s store.Store) {
	t.Helper()
	type ev struct {
		src, tgt            Side
		cameo, plover       string
		quad                int
		g                   float64
		date, place, outlet string
	}
	list := []ev{
		{TUR, SYR, "042", "CONSULT", 1, 1.9, "2025-07-01", "", "Levant Wire"},
		{SYR, TUR, "043", "CONSULT", 1, 2.8, "2025-07-02", "", "Levant Wire"},
		{TURMIL, SYR, "190", "ASSAULT", 4, -10, "2025-07-09", "Aleppo", "Bosphorus Daily"},
		{ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus", "Levant Wire"},
		{ISR, SYRGOV, "195", "ASSAULT", 4, -10, "2025-07-20", "Damascus", "Gulf Ledger"},
		{TUR, ISR, "111", "ACCUSE", 3, -2, "2025-07-17", "", "Bosphorus Daily"},
		{TUR, SYRGOV, "057", "AGREE", 1, 8, "2025-08-13", "", "Levant Wire"},
		{TURMIL, SYRGOV, "070", "AID", 2, 7, "2025-10-16", "", "Bosphorus Daily"},
	}
	texts := [][]string{{strikeA, strikeB}, {strikeC, talksA}, {talksB, talksC}, {airA, airB}, {airC, trainA}, {trainB, trainC}, {aidA, aidB}, {strikeA, aidA, talksC}}
	for i, e := range list {
		x := Doc(fmt.Sprintf("doc%d", i+1), e.outlet, e.date, texts[i]...)
		AddEvent(x, 0, e.src, e.tgt, e.cameo, e.plover, e.quad, e.g, e.date, e.place)
		put(t, s, x)
	}
	// A second report of the 2025-07-16 strike from another outlet.
	x := Doc("doc9", "Bosphorus Daily", "2025-07-16", aidB, strikeC, trainC)
	AddEvent(x, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
	put(t, s, x)
}

func dates(evs []store.EventRecord) string {
	var d []string
	for _, e := range evs {
		d = append(d, e.Date)
	}
	return strings.Join(d, " ")
}

func testEventFilters(t *testing.T, open Opener) {
	s := open(t, nil)
	fixtureCorpus(t, s)
	cases := []struct {
		f    store.EventFilter
		want string
	}{
		{store.EventFilter{}, "2025-10-16 2025-08-13 2025-07-20 2025-07-17 2025-07-16 2025-07-09 2025-07-02 2025-07-01"},
		{store.EventFilter{Limit: 2}, "2025-10-16 2025-08-13"},
		{store.EventFilter{Actor: "TUR"}, "2025-10-16 2025-08-13 2025-07-17 2025-07-09 2025-07-02 2025-07-01"},
		{store.EventFilter{Actor: "TUR", Limit: 3}, "2025-10-16 2025-08-13 2025-07-17"},
		{store.EventFilter{Actor: "TURMIL"}, "2025-10-16 2025-07-09"},
		{store.EventFilter{Actor: "turkish armed forces"}, "2025-10-16 2025-07-09"},
		{store.EventFilter{Actor: "Nobody"}, ""},
		{store.EventFilter{Source: "ISR"}, "2025-07-20 2025-07-16"},
		{store.EventFilter{Target: "ISR"}, "2025-07-17"},
		{store.EventFilter{Source: "TUR", Target: "SYR"}, "2025-10-16 2025-08-13 2025-07-09 2025-07-01"},
		{store.EventFilter{Source: "TUR", Target: "SYR", Either: true}, "2025-10-16 2025-08-13 2025-07-09 2025-07-02 2025-07-01"},
		{store.EventFilter{Type: "assault"}, "2025-07-20 2025-07-16 2025-07-09"},
		{store.EventFilter{CAMEO: "19"}, "2025-07-20 2025-07-16 2025-07-09"},
		{store.EventFilter{CAMEO: "04"}, "2025-07-02 2025-07-01"},
		{store.EventFilter{Since: "2025-07-16", Until: "2025-08-13"}, "2025-08-13 2025-07-20 2025-07-17 2025-07-16"},
		{store.EventFilter{Place: "damascus"}, "2025-07-20 2025-07-16"},
		{store.EventFilter{MinSources: 2}, "2025-07-16"},
		{store.EventFilter{Actor: "SYR", Type: "ASSAULT", Since: "2025-07-10"}, "2025-07-20 2025-07-16"},
	}
	for _, c := range cases {
		if got := dates(events(t, s, c.f)); got != c.want {
			t.Errorf("events %+v:\n got %s\nwant %s", c.f, got, c.want)
		}
	}
	evs := events(t, s, store.EventFilter{MinSources: 2})
	if len(evs) == 1 && (evs[0].NumSources != 2 || evs[0].NumArticles != 2 || evs[0].Location == nil) {
		t.Errorf("merged strike %+v", evs[0])
	}
	for _, f := range []store.EventFilter{{}, {Actor: "ISR"}, {Since: "2025-08-01"}} {
		var ids []int64
		mentions := 0
		err := s.EachEvent(ctx, f, true, func(e store.EventRecord) error {
			ids = append(ids, e.ID)
			mentions += len(e.Mentions)
			if len(e.Mentions) != e.NumMentions {
				t.Errorf("event %d: %d mentions attached, num_mentions %d", e.ID, len(e.Mentions), e.NumMentions)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := len(events(t, s, store.EventFilter{Actor: f.Actor, Since: f.Since, Limit: 100}))
		if len(ids) != want {
			t.Errorf("EachEvent %+v: %d events, want %d", f, len(ids), want)
		}
		for i := 1; i < len(ids); i++ {
			if ids[i] <= ids[i-1] {
				t.Errorf("EachEvent not in id order: %v", ids)
			}
		}
	}
}

func testPeriods(t *testing.T, open Opener) {
	s := open(t, nil)
	fixtureCorpus(t, s)
	ps, err := s.Periods(ctx, store.EventFilter{Actor: "TUR"}, store.ByMonth)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(ps)
	want := `[{"start":"2025-07-01","events":4,"mentions":4,"goldstein":-7.299999999999999,"quad":[0,2,0,1,1]},` +
		`{"start":"2025-08-01","events":1,"mentions":1,"goldstein":8,"quad":[0,1,0,0,0]},` +
		`{"start":"2025-10-01","events":1,"mentions":1,"goldstein":7,"quad":[0,0,1,0,0]}]`
	if string(got) != want && !closeJSON(string(got), want) {
		t.Fatalf("periods by month:\n got %s\nwant %s", got, want)
	}
	ws, err := s.Periods(ctx, store.EventFilter{Source: "TUR", Target: "SYR", Either: true}, store.ByWeek)
	if err != nil {
		t.Fatal(err)
	}
	var starts []string
	for _, p := range ws {
		starts = append(starts, fmt.Sprintf("%s:%d", p.Start, p.Events))
	}
	// 2025-07-01 and 07-02 fall in the week of Monday 2025-06-30.
	if g := strings.Join(starts, " "); g != "2025-06-30:2 2025-07-07:1 2025-08-11:1 2025-10-13:1" {
		t.Fatalf("dyad weeks %s", g)
	}
	ds, err := s.Periods(ctx, store.EventFilter{Source: "ISR"}, store.ByDay)
	if err != nil || len(ds) != 2 || ds[0].Start != "2025-07-16" || ds[0].Mentions != 2 || ds[0].Quad[4] != 1 {
		t.Fatalf("days %+v %v", ds, err)
	}
	if _, err := s.Periods(ctx, store.EventFilter{}, "year"); err == nil {
		t.Fatal("period by year accepted")
	}
}

// closeJSON compares two JSON documents allowing float rounding.
func closeJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return approx(x, y)
}

func approx(x, y any) bool {
	switch a := x.(type) {
	case float64:
		b, ok := y.(float64)
		return ok && a-b < 1e-9 && b-a < 1e-9
	case []any:
		b, ok := y.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !approx(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := y.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k := range a {
			if !approx(a[k], b[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(x, y)
}

func testSearch(t *testing.T, open Opener) {
	s := open(t, nil)
	fixtureCorpus(t, s)
	hits, err := s.Search(ctx, store.SearchQuery{Text: "air defence"})
	if err != nil {
		t.Fatal(err)
	}
	// airA (doc4) and airC (doc5) hold both words.
	var got []string
	for _, h := range hits {
		got = append(got, fmt.Sprintf("%s/%d", h.Document, h.Sentence))
		if !strings.Contains(h.Snippet, "[") || !strings.Contains(h.Snippet, "]") {
			t.Errorf("snippet without highlight: %q", h.Snippet)
		}
	}
	if g := strings.Join(got, " "); g != "doc5/0 doc4/0" {
		t.Fatalf("hits %s", g)
	}
	if !strings.Contains(strings.ToLower(hits[1].Snippet), "[air]") || hits[1].Outlet != "Levant Wire" || hits[1].Published != "2025-07-16" {
		t.Fatalf("hit %+v", hits[1])
	}
	x := hits[1]
	if x.Start != 0 || x.End != len(airA) {
		t.Fatalf("hit offsets %d:%d", x.Start, x.End)
	}
	phrase, err := s.Search(ctx, store.SearchQuery{Text: `"defence ministry"`, Mark: [2]string{"<b>", "</b>"}})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, h := range phrase {
		got = append(got, h.Document)
		if !strings.Contains(h.Snippet, "<b>") {
			t.Errorf("snippet %q", h.Snippet)
		}
	}
	// strikeB (doc1, doc8? no: doc1 only) and trainC (doc6, doc9).
	if g := strings.Join(got, " "); g != "doc9 doc6 doc1" {
		t.Fatalf("phrase hits %s", g)
	}
	since, err := s.Search(ctx, store.SearchQuery{Text: `"defence ministry"`, Since: "2025-07-17"})
	if err != nil || len(since) != 1 || since[0].Document != "doc6" {
		t.Fatalf("since: %+v %v", since, err)
	}
	titles, err := s.Search(ctx, store.SearchQuery{Text: "report doc3"})
	if err != nil || len(titles) != 1 || titles[0].Sentence != -1 || titles[0].Document != "doc3" {
		t.Fatalf("title hit: %+v %v", titles, err)
	}
	none, err := s.Search(ctx, store.SearchQuery{Text: "submarine"})
	if err != nil || len(none) != 0 {
		t.Fatalf("no hits expected: %+v %v", none, err)
	}
	if _, err := s.Search(ctx, store.SearchQuery{Text: " ;; "}); err == nil {
		t.Fatal("empty query accepted")
	}
}

func testTracking(t *testing.T, open Opener) {
	s := open(t, nil)
	tur := sitrep.Actor{Name: "Turkey", Code: "TUR", Country: "TUR"}
	syr := sitrep.Actor{Name: "Syria", Code: "SYR", Country: "SYR"}
	mou := func(x *sitrep.Extraction, status string, score int, sent int) {
		s := x.Sentences[sent]
		x.Agreements = append(x.Agreements, sitrep.Agreement{ID: "a1", Name: "training memorandum", Kind: "memorandum",
			Parties: []sitrep.Actor{tur, syr}, Monitors: []sitrep.Actor{}, Provisions: []string{"training"}, Status: status,
			Evidence: []sitrep.StatusStep{{Status: status, Score: score, Sentence: sent, Evidence: s.Text, Start: s.Start, End: s.End}},
			Mentions: []sitrep.Span{{Start: s.Start, End: s.End, Sentence: sent}}})
	}
	a := Doc("signed", "Levant Wire", "2025-08-13", trainA, trainB)
	mou(a, "signed", 0, 0)
	a.Commitments = append(a.Commitments, sitrep.Commitment{ID: "c1", Kind: "pledge", By: tur, To: syr, What: "train Syrian officers", Status: "pledged", Sentence: 1,
		Evidence: &sitrep.Span{Start: a.Sentences[1].Start, End: a.Sentences[1].End, Text: trainB, Sentence: 1}})
	b := Doc("arrived", "Bosphorus Daily", "2025-09-18", trainC, talksC)
	mou(b, "implementation started", 1, 0)
	b.Agreements[0].Evidence[0].Contradicts = "signed"
	b.Commitments = append(b.Commitments, sitrep.Commitment{ID: "c1", Kind: "pledge", By: tur, To: syr, What: "Train Syrian  officers", Status: "in progress", Sentence: 0})
	c := Doc("reprint", "Gulf Ledger", "2025-09-19", trainC, talksC, "Reporting by the desk.")
	mou(c, "implementation started", 1, 0)
	d := Doc("request", "Levant Wire", "2025-07-24", airA, airB)
	d.Commitments = append(d.Commitments, sitrep.Commitment{ID: "c1", Kind: "request", By: syr, To: tur, What: "air defence help", Status: "requested", Sentence: 0})
	for _, x := range []*sitrep.Extraction{d, a, b, c} {
		put(t, s, x)
	}
	ags, err := s.Agreements(ctx, store.AgreementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ags) != 1 {
		t.Fatalf("%d canonical agreements, want 1: %+v", len(ags), ags)
	}
	g := ags[0]
	if !g.Canonical || g.Status != "implementation started" || g.Score != 1 || len(g.Steps) != 2 {
		t.Fatalf("canonical agreement %+v", g)
	}
	if st := g.Steps[1]; st.Document != "arrived" || st.Contradicts != "signed" || st.Outlet != "Bosphorus Daily" || deref(st.Date) != "2025-09-18" || st.Evidence != trainC || st.End != len(trainC) {
		t.Fatalf("step 2 %+v", st)
	}
	if strings.Join(g.Documents, " ") != "signed arrived reprint" {
		t.Fatalf("documents %v", g.Documents)
	}
	per, err := s.Agreements(ctx, store.AgreementFilter{PerDocument: true, Party: "SYR"})
	if err != nil || len(per) != 1 || len(per[0].PerDoc) != 3 || per[0].PerDoc[0].Canonical != g.ID {
		t.Fatalf("per document %+v %v", per, err)
	}
	if none, _ := s.Agreements(ctx, store.AgreementFilter{Party: "ISR"}); len(none) != 0 {
		t.Fatalf("party filter: %+v", none)
	}
	cs, err := s.Commitments(ctx, store.CommitmentFilter{By: "TUR"})
	if err != nil || len(cs) != 2 || cs[0].Document != "signed" || cs[1].Commitment.Status != "in progress" || cs[0].Canonical == "" || cs[0].Canonical != cs[1].Canonical {
		t.Fatalf("commitments by TUR %+v %v", cs, err)
	}
	if cs, _ := s.Commitments(ctx, store.CommitmentFilter{To: "Turkey", Status: "requested"}); len(cs) != 1 || cs[0].Document != "request" {
		t.Fatalf("commitments to Turkey: %+v", cs)
	}
	if c := counts(t, s); c.CanonicalAgreements != 1 || c.CanonicalCommitments != 2 || c.Agreements != 3 || c.Commitments != 3 {
		t.Fatalf("counts %+v", c)
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// keyTracker is a store.Keyer that keys agreements by kind and
// commitments by giver, under a scheme the test can change, and records
// the canonical ids each document's keys found.
type keyTracker struct {
	mu     sync.Mutex
	scheme string
	found  map[string][]string // document id -> ids found by key
}

func (k *keyTracker) KeyScheme() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.scheme
}

func (k *keyTracker) AgreementKeys(a store.CanonicalAgreement) []string {
	return []string{k.KeyScheme() + "|" + a.Kind}
}

func (k *keyTracker) CommitmentKeys(c store.CanonicalCommitment) []string {
	return []string{k.KeyScheme() + "|" + c.By.Country}
}

func (k *keyTracker) Track(ctx context.Context, view store.TrackingView, x *sitrep.Extraction) (*store.TrackingUpdate, error) {
	var akeys, ckeys []string
	for _, a := range x.Agreements {
		akeys = append(akeys, k.KeyScheme()+"|"+a.Kind)
	}
	for _, c := range x.Commitments {
		ckeys = append(ckeys, k.KeyScheme()+"|"+c.By.Country)
	}
	agrs, err := view.AgreementsByKey(ctx, akeys)
	if err != nil {
		return nil, err
	}
	coms, err := view.CommitmentsByKey(ctx, ckeys)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, a := range agrs {
		if len(a.Steps) == 0 {
			return nil, fmt.Errorf("agreement %s found by key without its steps", a.ID)
		}
		ids = append(ids, a.ID)
	}
	for _, c := range coms {
		ids = append(ids, c.ID)
	}
	k.mu.Lock()
	k.found[x.Document.ID] = ids
	k.mu.Unlock()
	return store.GroupingTracker{}.Track(ctx, view, x)
}

// testTrackingKeys: a Keyer tracker finds canonical records by the keys
// it gave them, and finds nothing by other keys; when its key scheme
// changes, the store rebuilds the keys of the records already stored.
func testTrackingKeys(t *testing.T, open Opener) {
	k := &keyTracker{scheme: "one", found: map[string][]string{}}
	s := open(t, k)
	tur := sitrep.Actor{Name: "Turkey", Code: "TUR", Country: "TUR"}
	syr := sitrep.Actor{Name: "Syria", Code: "SYR", Country: "SYR"}
	doc := func(id, date, sentence, kind string, by, to sitrep.Actor) *sitrep.Extraction {
		x := Doc(id, "Levant Wire", date, sentence)
		x.Agreements = append(x.Agreements, sitrep.Agreement{ID: "a1", Name: kind + " on " + id, Kind: kind, Parties: []sitrep.Actor{tur, syr},
			Monitors: []sitrep.Actor{}, Provisions: []string{}, Status: "signed",
			Evidence: []sitrep.StatusStep{{Status: "signed", Sentence: 0, Evidence: sentence, Start: 0, End: len(sentence)}}})
		x.Commitments = append(x.Commitments, sitrep.Commitment{ID: "c1", Kind: "pledge", By: by, To: to, What: "border patrols " + id, Status: "pledged", Sentence: 0})
		return x
	}
	put(t, s, doc("k1", "2025-03-01", "Ankara and Damascus initialled a memorandum on joint border patrols along the Euphrates.", "memorandum", tur, syr))
	put(t, s, doc("k2", "2025-03-02", "The two governments agreed a truce for the northern countryside after a week of shelling.", "ceasefire", syr, tur))
	if got := k.found["k2"]; len(got) != 0 {
		t.Fatalf("a ceasefire pledged by Syria found %v by key, want nothing", got)
	}
	put(t, s, doc("k3", "2025-03-09", "A second memorandum extended the patrols to the villages west of the river crossing.", "memorandum", tur, syr))
	ags, err := s.Agreements(ctx, store.AgreementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	canon := map[string]string{} // kind -> canonical id
	for _, a := range ags {
		canon[a.Kind] = a.ID
	}
	cs, err := s.Commitments(ctx, store.CommitmentFilter{By: "TUR"})
	if err != nil || len(cs) == 0 {
		t.Fatalf("commitments by TUR: %+v %v", cs, err)
	}
	got := strings.Join(k.found["k3"], " ")
	if !strings.Contains(got, canon["memorandum"]) || strings.Contains(got, canon["ceasefire"]) || !strings.Contains(got, cs[0].Canonical) {
		t.Fatalf("k3 found %q by key, want the memorandum %s and Turkey's commitment %s, not the ceasefire %s", got, canon["memorandum"], cs[0].Canonical, canon["ceasefire"])
	}
	// a new scheme: the next write rebuilds the keys of k1-k3's records
	k.mu.Lock()
	k.scheme = "two"
	k.mu.Unlock()
	put(t, s, doc("k4", "2025-03-20", "Officials from both capitals reviewed the ceasefire line at a meeting in a border town.", "ceasefire", syr, tur))
	if got := strings.Join(k.found["k4"], " "); !strings.Contains(got, canon["ceasefire"]) || strings.Contains(got, canon["memorandum"]) {
		t.Fatalf("after a new key scheme k4 found %q, want the ceasefire %s only", got, canon["ceasefire"])
	}
}

func testFeeds(t *testing.T, open Opener) {
	s := open(t, nil)
	if _, ok, err := s.Feed(ctx, "https://example.org/feed"); ok || err != nil {
		t.Fatalf("new feed: %v %v", ok, err)
	}
	at := time.Date(2025, 8, 1, 12, 0, 0, 0, time.UTC)
	st := store.FeedState{URL: "https://example.org/feed", ETag: `"abc"`, LastModified: "Fri, 01 Aug 2025 12:00:00 GMT", CheckedAt: at, Status: 200}
	if err := s.SaveFeed(ctx, st); err != nil {
		t.Fatal(err)
	}
	st.ETag = `"def"`
	if err := s.SaveFeed(ctx, st); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Feed(ctx, st.URL)
	if err != nil || !ok || got != st {
		t.Fatalf("feed %+v %v %v, want %+v", got, ok, err, st)
	}
}

func dump(t *testing.T, s store.Store) []store.DumpRecord {
	t.Helper()
	var out []store.DumpRecord
	if err := s.Dump(ctx, store.DumpFilter{}, func(r store.DumpRecord) error {
		r.Seq = 0
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func testDumpRestore(t *testing.T, open Opener) {
	a := open(t, nil)
	fixtureCorpus(t, a)
	x := Doc("orig", "Levant Wire", "2025-08-13", trainA, trainB, trainC, talksC)
	AddEvent(x, 0, TUR, SYR, "057", "AGREE", 1, 8, "2025-08-13", "")
	x.Agreements = append(x.Agreements, sitrep.Agreement{ID: "a1", Name: "memorandum", Parties: []sitrep.Actor{{Name: "Turkey", Code: "TUR"}}, Status: "signed", Monitors: []sitrep.Actor{}, Provisions: []string{}, Mentions: []sitrep.Span{}})
	put(t, a, x)
	put(t, a, Doc("copy", "Gulf Ledger", "2025-08-14", trainA, trainB, trainC, talksC, "Reporting by the desk."))
	if err := a.SaveFeed(ctx, store.FeedState{URL: "https://example.org/rss", ETag: "x", CheckedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Status: 304}); err != nil {
		t.Fatal(err)
	}
	recs := dump(t, a)
	b := open(t, nil)
	for _, r := range recs {
		switch r.Kind {
		case store.KindDocument:
			if _, err := b.Put(ctx, r.Extraction, store.PutOptions{IngestedAt: r.IngestedAt}); err != nil {
				t.Fatal(err)
			}
		case store.KindFeed:
			if err := b.SaveFeed(ctx, *r.Feed); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ca, cb := counts(t, a), counts(t, b); ca != cb {
		t.Fatalf("restored counts %+v, want %+v", cb, ca)
	}
	if ra, rb := dump(t, a), dump(t, b); !reflect.DeepEqual(ra, rb) {
		t.Fatal("restored dump differs from the original")
	}
	ea := events(t, a, store.EventFilter{Limit: 1000})
	eb := events(t, b, store.EventFilter{Limit: 1000})
	for i := range ea {
		ea[i].FirstSeen, eb[i].FirstSeen = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(ea, eb) {
		t.Fatalf("restored events differ:\n%+v\n%+v", ea, eb)
	}
	ga, _ := a.Agreements(ctx, store.AgreementFilter{PerDocument: true})
	gb, _ := b.Agreements(ctx, store.AgreementFilter{PerDocument: true})
	if !reflect.DeepEqual(ga, gb) {
		t.Fatalf("restored agreements differ")
	}
}

func testConcurrent(t *testing.T, open Opener) {
	s := open(t, nil)
	texts := []string{strikeA, strikeB, strikeC, talksA, talksB, talksC, airA, airB, airC, trainA, trainB, trainC, aidA, aidB}
	const n = 24
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			x := Doc(fmt.Sprintf("c%02d", i), fmt.Sprintf("Outlet %d", i%3), "2025-07-16",
				texts[i%len(texts)], texts[(i*5+3)%len(texts)], fmt.Sprintf("Report number %d of the concurrent series.", i))
			AddEvent(x, 0, ISR, SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
			if _, err := s.Put(ctx, x, store.PutOptions{}); err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	c := counts(t, s)
	if c.Documents != n || c.Mentions != n {
		t.Fatalf("counts %+v", c)
	}
	evs := events(t, s, store.EventFilter{})
	total := 0
	for _, e := range evs {
		total += e.NumMentions
		if e.NumSources > 3 {
			t.Fatalf("event with %d sources from 3 outlets", e.NumSources)
		}
	}
	if total != n || len(evs) != 1 {
		t.Fatalf("%d events with %d mentions, want 1 event with %d", len(evs), total, n)
	}
}
