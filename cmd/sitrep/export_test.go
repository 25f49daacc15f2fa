package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/store/postgres"
)

// exportStore ingests a small synthetic corpus and returns the store.
func exportStore(t *testing.T) string {
	t.Helper()
	path, _ := writeCorpus(t, 150, 21)
	db := filepath.Join(t.TempDir(), "src.db")
	if _, errOut, code := runCLI(t, "", "ingest", "--db", db, "--quiet", path); code != 0 {
		t.Fatalf("ingest: %s", errOut)
	}
	return db
}

// testPostgres returns the DSN of a fresh schema of the test server, or ""
// when SITREP_TEST_POSTGRES is not set.
func testPostgres(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("SITREP_TEST_POSTGRES")
	if dsn == "" {
		return ""
	}
	ctx := context.Background()
	schema := fmt.Sprintf("sitrep_cli_%d", rand.Uint64()>>1)
	if err := postgres.CreateSchema(ctx, dsn, schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { postgres.DropSchema(context.Background(), dsn, schema) })
	sdsn, err := postgres.WithSearchPath(dsn, schema)
	if err != nil {
		t.Fatal(err)
	}
	return sdsn
}

// TestExportRoundTrip exports a store as a JSONL dump, imports it into a
// fresh SQLite store (and a PostgreSQL one when the test server is set),
// and expects every export of the copies to equal the original's.
func TestExportRoundTrip(t *testing.T) {
	src := exportStore(t)
	dump := mustRun(t, "export", "--db", src, "--format", "jsonl")
	if n := strings.Count(dump, "\n"); n < 140 {
		t.Fatalf("dump of %d lines", n)
	}
	dumpFile := filepath.Join(t.TempDir(), "dump.jsonl")
	if err := os.WriteFile(dumpFile, []byte(dump), 0o644); err != nil {
		t.Fatal(err)
	}
	targets := []string{filepath.Join(t.TempDir(), "copy.db")}
	if pg := testPostgres(t); pg != "" {
		targets = append(targets, pg)
	} else {
		t.Log("SITREP_TEST_POSTGRES is not set: round trip through SQLite only")
	}
	formats := []string{"jsonl", "csv", "gdelt", "plover"}
	want := map[string]string{}
	for _, f := range formats {
		want[f] = mustRun(t, "export", "--db", src, "--format", f)
	}
	for _, dst := range targets {
		out := mustRun(t, "import", "--db", dst, "--json", dumpFile)
		s := jsonOf[ingestSummary](t, out)
		if s.Failed != 0 || s.Documents != storeCounts(t, src).Documents {
			t.Fatalf("import into %s: %+v", dst, s)
		}
		if a, b := storeCounts(t, src), storeCounts(t, dst); a != b {
			t.Fatalf("import into %s: counts\n%+v\nwant\n%+v", dst, b, a)
		}
		for _, f := range formats {
			if got := mustRun(t, "export", "--db", dst, "--format", f); got != want[f] {
				t.Errorf("export --format %s of the copy in %s differs from the original's", f, dst)
			}
		}
		checkStore(t, dst)
		// Importing again changes nothing.
		if s := jsonOf[ingestSummary](t, mustRun(t, "import", "--db", dst, "--json", dumpFile)); s.Exists != s.Documents {
			t.Errorf("second import %+v", s)
		}
	}
	// A SQLite copy of the PostgreSQL copy closes the loop.
	if len(targets) > 1 {
		back := filepath.Join(t.TempDir(), "back.db")
		var stdin strings.Builder
		stdin.WriteString(mustRun(t, "export", "--db", targets[1], "--format", "jsonl"))
		if _, errOut, code := runCLI(t, stdin.String(), "import", "--db", back, "-"); code != 0 {
			t.Fatalf("import from stdin: %s", errOut)
		}
		if got := mustRun(t, "export", "--db", back, "--format", "jsonl"); got != want["jsonl"] {
			t.Error("SQLite -> PostgreSQL -> SQLite changed the dump")
		}
	}
}

func TestExportFormats(t *testing.T) {
	src := exportStore(t)
	c := storeCounts(t, src)
	if c.Events == 0 {
		t.Skip("the pipeline coded no events in the synthetic corpus")
	}

	rows, err := csv.NewReader(strings.NewReader(mustRun(t, "export", "--db", src, "--format", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != c.Events+1 || strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
		t.Fatalf("csv: %d rows for %d events; header %v", len(rows), c.Events, rows[0])
	}

	gd := strings.Split(strings.TrimSuffix(mustRun(t, "export", "--db", src, "--format", "gdelt"), "\n"), "\n")
	if len(gd) != c.Events {
		t.Fatalf("gdelt: %d lines for %d events", len(gd), c.Events)
	}
	col := map[string]int{}
	for i, name := range GDELTColumns {
		col[name] = i
	}
	if len(GDELTColumns) != 61 {
		t.Fatalf("%d GDELT columns", len(GDELTColumns))
	}
	day := regexp.MustCompile(`^\d{8}$`)
	for _, l := range gd {
		f := strings.Split(l, "\t")
		if len(f) != 61 {
			t.Fatalf("gdelt line with %d fields: %q", len(f), l)
		}
		code := f[col["EventCode"]]
		if code == "" || !strings.HasPrefix(code, f[col["EventRootCode"]]) || !strings.HasPrefix(code, f[col["EventBaseCode"]]) {
			t.Fatalf("gdelt codes %q %q %q", code, f[col["EventBaseCode"]], f[col["EventRootCode"]])
		}
		if d := f[col["Day"]]; d != "" && (!day.MatchString(d) || f[col["MonthYear"]] != d[:6] || f[col["Year"]] != d[:4]) {
			t.Fatalf("gdelt dates %q %q %q", d, f[col["MonthYear"]], f[col["Year"]])
		}
		if f[col["NumMentions"]] == "0" || f[col["SOURCEURL"]] == "" || len(f[col["DATEADDED"]]) != 14 {
			t.Fatalf("gdelt counts or source: %q", l)
		}
	}

	pl := strings.Split(strings.TrimSuffix(mustRun(t, "export", "--db", src, "--format", "plover"), "\n"), "\n")
	if len(pl) != c.Events {
		t.Fatalf("plover: %d lines for %d events", len(pl), c.Events)
	}
	mentions := 0
	for _, l := range pl {
		var p ploverEvent
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatal(err)
		}
		if p.EventID == "" || len(p.StoryIDs) == 0 || len(p.StoryIDs) != p.NumArticles || p.Actor.Sectors == nil {
			t.Fatalf("plover record %s", l)
		}
		mentions += len(p.Mentions)
	}
	if mentions != c.Mentions {
		t.Fatalf("plover mentions %d, store %d", mentions, c.Mentions)
	}

	// --since keeps later events only.
	all := strings.Count(mustRun(t, "export", "--db", src, "--format", "gdelt"), "\n")
	later := strings.Count(mustRun(t, "export", "--db", src, "--format", "gdelt", "--since", "2025-07-01"), "\n")
	if later == 0 || later >= all {
		t.Errorf("--since 2025-07-01 kept %d of %d events", later, all)
	}
	if _, _, code := runCLI(t, "", "export", "--db", src, "--format", "xml"); code != 2 {
		t.Errorf("unknown format: exit %d", code)
	}
}
