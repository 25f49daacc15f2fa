package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
	"github.com/sitrep/sitrep/internal/store/storetest"
)

// queryStore builds a store whose events are known exactly.
func queryStore(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "q.db")
	st, err := backend.Open(context.Background(), db, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	put := func(x *sitrep.Extraction) {
		if _, err := st.Put(context.Background(), x, store.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	a := storetest.Doc("q1", "Levant Wire", "2025-07-16",
		"Warplanes struck an arms depot on the edge of the capital before dawn on Wednesday, residents said.",
		"Officials called the raid a violation and asked for urgent help with air defence.")
	storetest.AddEvent(a, 0, storetest.ISR, storetest.SYR, "195", "ASSAULT", 4, -10, "2025-07-16", "Damascus")
	put(a)
	b := storetest.Doc("q2", "Bosphorus Daily", "2025-07-17",
		"A second report described the strike on the depot and quoted witnesses who heard several blasts.",
		"Ankara condemned the raid in a statement issued by its foreign ministry on Thursday morning.")
	storetest.AddEvent(b, 0, storetest.ISR, storetest.SYR, "195", "ASSAULT", 4, -10, "2025-07-17", "Damascus")
	storetest.AddEvent(b, 1, storetest.TUR, storetest.ISR, "111", "ACCUSE", 3, -2, "2025-07-17", "")
	put(b)
	c := storetest.Doc("q3", "Levant Wire", "2025-08-13",
		"Turkey and Syria signed a memorandum on military training that sends advisers to Syrian academies.",
		"The first trainers are due to arrive within weeks, according to the defence ministry in Ankara.")
	storetest.AddEvent(c, 0, storetest.TUR, storetest.SYR, "057", "AGREE", 1, 8, "2025-08-13", "")
	tur := sitrep.Actor{Name: "Turkey", Code: "TUR", Country: "TUR"}
	syr := sitrep.Actor{Name: "Syria", Code: "SYR", Country: "SYR"}
	c.Agreements = []sitrep.Agreement{{ID: "a1", Name: "training memorandum", Kind: "memorandum", Parties: []sitrep.Actor{tur, syr}, Status: "signed",
		Evidence: []sitrep.StatusStep{{Status: "signed", Score: 0, Sentence: 0, Evidence: c.Sentences[0].Text, Start: 0, End: c.Sentences[0].End}}}}
	c.Commitments = []sitrep.Commitment{{ID: "c1", Kind: "pledge", By: tur, To: syr, What: "send military advisers", Status: "pledged", Sentence: 1}}
	put(c)
	// A wire copy of q3.
	d := storetest.Doc("q4", "Gulf Ledger", "2025-08-14", append(sentenceTexts(c), "Reporting by the desk.")...)
	put(d)
	return db
}

func sentenceTexts(x *sitrep.Extraction) []string {
	var out []string
	for _, s := range x.Sentences {
		out = append(out, s.Text)
	}
	return out
}

func jsonOut[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	return v
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("sitrep %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func TestQueryEvents(t *testing.T) {
	db := queryStore(t)
	evs := jsonOut[[]store.EventRecord](t, mustRun(t, "events", "--db", db, "--json"))
	if len(evs) != 3 {
		t.Fatalf("%d events, want 3", len(evs))
	}
	if evs[0].Date != "2025-08-13" || evs[2].NumMentions != 2 || evs[2].NumSources != 2 {
		t.Fatalf("events %+v", evs)
	}
	for _, c := range []struct {
		args []string
		n    int
	}{
		{[]string{"--actor", "TUR"}, 2},
		{[]string{"--actor", "Israel"}, 2},
		{[]string{"--source", "ISR"}, 1},
		{[]string{"--target", "SYR", "--since", "2025-08-01"}, 1},
		{[]string{"--type", "ASSAULT", "--min-sources", "2"}, 1},
		{[]string{"--cameo", "1"}, 2},
		{[]string{"--place", "Damascus"}, 1},
		{[]string{"--limit", "1"}, 1},
	} {
		got := jsonOut[[]store.EventRecord](t, mustRun(t, append([]string{"events", "--db", db, "--json"}, c.args...)...))
		if len(got) != c.n {
			t.Errorf("events %v: %d, want %d", c.args, len(got), c.n)
		}
	}
	withMentions := jsonOut[[]store.EventRecord](t, mustRun(t, "events", "--db", db, "--json", "--mentions", "--cameo", "195"))
	if len(withMentions) != 1 || len(withMentions[0].Mentions) != 2 || withMentions[0].Mentions[1].Document != "q2" {
		t.Fatalf("mentions %+v", withMentions)
	}
	table := mustRun(t, "events", "--db", db)
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[3], "ISR (Israel)") || !strings.Contains(lines[3], "Damascus") {
		t.Fatalf("table:\n%s", table)
	}
	if _, _, code := runCLI(t, "", "events", "--db", db, "--since", "July"); code != 2 {
		t.Errorf("bad --since: exit %d", code)
	}
}

func TestQuerySearch(t *testing.T) {
	db := queryStore(t)
	hits := jsonOut[[]store.Hit](t, mustRun(t, "search", "--db", db, "--json", "raid"))
	if len(hits) != 2 || hits[0].Document != "q2" || hits[1].Document != "q1" || !strings.Contains(hits[0].Snippet, "[raid]") {
		t.Fatalf("hits %+v", hits)
	}
	out := mustRun(t, "search", "--db", db, "air", "defence")
	if !strings.Contains(out, "q1") || !strings.Contains(out, "[air] [defence]") {
		t.Fatalf("search output:\n%s", out)
	}
	if out, errOut, _ := runCLI(t, "", "search", "--db", db, "submarine"); out != "" || !strings.Contains(errOut, "no matches") {
		t.Fatalf("no match: %q %q", out, errOut)
	}
}

func TestQueryTimelineDyad(t *testing.T) {
	db := queryStore(t)
	ps := jsonOut[[]store.Period](t, mustRun(t, "timeline", "--db", db, "--json", "--actor", "TUR"))
	if len(ps) != 2 || ps[0].Start != "2025-07-01" || ps[0].Quad[3] != 1 || ps[1].Goldstein != 8 {
		t.Fatalf("timeline %+v", ps)
	}
	days := jsonOut[[]store.Period](t, mustRun(t, "dyad", "--db", db, "--json", "--by", "day", "SYR", "ISR"))
	if len(days) != 1 || days[0].Start != "2025-07-16" || days[0].Mentions != 2 || days[0].Quad[4] != 1 {
		t.Fatalf("dyad %+v", days)
	}
	if d := jsonOut[[]store.Period](t, mustRun(t, "dyad", "--db", db, "--json", "--directed", "SYR", "ISR")); len(d) != 0 {
		t.Fatalf("directed dyad %+v", d)
	}
	table := mustRun(t, "dyad", "--db", db, "--by", "week", "TUR", "SYR")
	if !strings.Contains(table, "2025-08-11") || !strings.HasPrefix(table, "PERIOD") {
		t.Fatalf("dyad table:\n%s", table)
	}
	for _, args := range [][]string{{"timeline", "--db", db}, {"dyad", "--db", db, "TUR"}, {"timeline", "--db", db, "--actor", "TUR", "--by", "year"}} {
		if _, _, code := runCLI(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestQueryTracking(t *testing.T) {
	db := queryStore(t)
	ags := jsonOut[[]store.AgreementRecord](t, mustRun(t, "agreements", "--db", db, "--json"))
	if len(ags) != 1 || ags[0].Name != "training memorandum" || len(ags[0].Steps) != 1 || ags[0].Steps[0].Document != "q3" {
		t.Fatalf("agreements %+v", ags)
	}
	out := mustRun(t, "agreements", "--db", db)
	if !strings.Contains(out, "training memorandum (memorandum) — TUR, SYR — status signed") || !strings.Contains(out, "Levant Wire") {
		t.Fatalf("agreements table:\n%s", out)
	}
	cs := jsonOut[[]store.CommitmentRecord](t, mustRun(t, "commitments", "--db", db, "--json", "--by", "TUR", "--status", "pledged"))
	if len(cs) != 1 || cs[0].Commitment.What != "send military advisers" {
		t.Fatalf("commitments %+v", cs)
	}
	if cs := jsonOut[[]store.CommitmentRecord](t, mustRun(t, "commitments", "--db", db, "--json", "--by", "SYR")); len(cs) != 0 {
		t.Fatalf("commitments by SYR %+v", cs)
	}
}

func TestQueryDocs(t *testing.T) {
	db := queryStore(t)
	docs := jsonOut[[]store.DocInfo](t, mustRun(t, "docs", "--db", db, "--json"))
	if len(docs) != 4 || docs[0].ID != "q4" {
		t.Fatalf("docs %+v", docs)
	}
	dups := jsonOut[[]store.DocInfo](t, mustRun(t, "docs", "--db", db, "--json", "--duplicates"))
	if len(dups) != 1 || dups[0].ID != "q4" || dups[0].DuplicateOf != "q3" {
		t.Fatalf("duplicates %+v", dups)
	}
	c := jsonOut[store.Counts](t, mustRun(t, "docs", "--db", db, "--json", "--counts"))
	if c.Documents != 4 || c.Duplicates != 1 || c.Events != 3 || c.Mentions != 4 {
		t.Fatalf("counts %+v", c)
	}
	if out := mustRun(t, "docs", "--db", db, "--duplicates"); !strings.Contains(out, "q4") || !strings.Contains(out, "q3") {
		t.Fatalf("docs table:\n%s", out)
	}
}
