package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/encoding/charmap"

	"github.com/sitrep/sitrep"
)

const sharedDir = "../../../shared"

func runCLI(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func loadSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join(sharedDir, "schema", "extraction.schema.json")
	if _, err := os.Stat(path); err != nil {
		t.Skip("shared schema not present: ", err)
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return sch
}

// checkSpans asserts that every span of an extraction slices back to its text.
func checkSpans(t *testing.T, x *sitrep.Extraction) {
	t.Helper()
	doc := x.Document.Text
	check := func(what string, s, e int, txt string) {
		if s < 0 || e > len(doc) || s > e {
			t.Errorf("%s: span %d:%d out of range", what, s, e)
			return
		}
		if txt != "" && doc[s:e] != txt {
			t.Errorf("%s: span %d:%d is %q, not %q", what, s, e, doc[s:e], txt)
		}
	}
	for _, s := range x.Sentences {
		check("sentence", s.Start, s.End, s.Text)
	}
	for _, d := range x.Dates {
		check("date", d.Start, d.End, d.Text)
	}
	for _, e := range x.Entities {
		for _, m := range e.Mentions {
			check("entity "+e.Name, m.Start, m.End, m.Text)
		}
	}
	for _, ev := range x.Events {
		if ev.Trigger != nil {
			check("event trigger", ev.Trigger.Start, ev.Trigger.End, ev.Trigger.Text)
		}
		for _, m := range ev.Mentions {
			check("event mention", m.Start, m.End, m.Text)
		}
	}
	for _, q := range x.Quotes {
		if q.Span != nil {
			check("quote "+q.ID, q.Span.Start, q.Span.End, q.Span.Text)
		}
	}
	for _, a := range x.Agreements {
		for _, m := range a.Mentions {
			check("agreement "+a.Name, m.Start, m.End, m.Text)
		}
	}
}

func TestExtractSharedGoldValidates(t *testing.T) {
	sch := loadSchema(t)
	golds, _ := filepath.Glob(filepath.Join(sharedDir, "gold", "*.txt"))
	if len(golds) == 0 {
		t.Skip("no shared gold reports")
	}
	for _, g := range golds {
		out, errs, code := runCLI(t, "", "extract", "--json", "--published", "2025-07-23", g)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", g, code, errs)
		}
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%s: output is not JSON: %v", g, err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: does not follow the schema: %v", g, err)
		}
		var x sitrep.Extraction
		if err := json.Unmarshal([]byte(out), &x); err != nil {
			t.Fatal(err)
		}
		checkSpans(t, &x)
	}
}

func TestExtractGoldDatesAndSentences(t *testing.T) {
	path := filepath.Join(sharedDir, "gold", "turkey-syria-request.txt")
	if _, err := os.Stat(path); err != nil {
		t.Skip("shared gold not present: ", err)
	}
	out, errs, code := runCLI(t, "", "extract", "--json", "--published", "2025-07-23", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var x sitrep.Extraction
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatal(err)
	}
	for _, s := range x.Sentences {
		for _, abbr := range []string{"Rear Adm.", "Brig.", "Gen.", "Dr."} {
			if strings.HasSuffix(s.Text, abbr) {
				t.Errorf("sentence split after %q: %q", abbr, s.Text)
			}
		}
	}
	want := map[string]string{"Wednesday": "2025-07-23", "Last month": "2025-06", "10 March": "2025-03-10", "July 23": "2025-07-23"}
	for _, d := range x.Dates {
		if w, ok := want[d.Text]; ok {
			if d.Value == nil || *d.Value != w {
				t.Errorf("%q resolved to %v, want %s", d.Text, d.Value, w)
			}
			delete(want, d.Text)
		}
	}
	for k := range want {
		t.Errorf("date %q not found", k)
	}
	// without --published the date is inferred from the text, not today
	out, _, code = runCLI(t, "", "extract", "--json", path)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	x = sitrep.Extraction{}
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatal(err)
	}
	if x.Document.Published == nil || *x.Document.Published != "2025-07-23" || x.Document.PublishedSource != sitrep.PublishedInferred {
		t.Errorf("inferred publication date = %v (%s), want 2025-07-23 inferred-from-text", x.Document.Published, x.Document.PublishedSource)
	}
}

func TestExtractBadInputsDoNotStopTheRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.txt", []byte("Turkish troops entered northern Syria on Monday, the defence ministry in Ankara said.\n"))
	binary := write("image.png", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...))
	empty := write("empty.txt", nil)
	big := write("big.txt", bytes.Repeat([]byte("The ministry met the envoy again. "), 20<<20/34+1))
	// bytes that are neither UTF-8 nor plausible text in a legacy encoding
	bad := make([]byte, 96)
	for i := range bad {
		bad[i] = byte(0x80 + (i*37)%0x7f)
	}
	invalid := write("invalid.txt", bad)
	tr, err := charmap.Windows1254.NewEncoder().String("Dışişleri Bakanı Hakan Fidan, Şam'da Suriyeli mevkidaşıyla görüştü ve iş birliği için anlaşma imzalandığını söyledi.\n")
	if err != nil {
		t.Fatal(err)
	}
	turkish := write("turkish.txt", []byte(tr))
	sub := filepath.Join(dir, "folder")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runCLI(t, "", "extract", "--json", "--published", "2025-05-05", good, binary, empty, big, invalid, turkish, sub)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for _, bad := range []string{binary, empty, big, invalid, sub} {
		if !strings.Contains(errs, bad+":") {
			t.Errorf("no error line naming %s in:\n%s", bad, errs)
		}
	}
	if n := strings.Count(strings.TrimSpace(errs), "\n") + 1; n != 5 {
		t.Errorf("want 5 error lines, got %d:\n%s", n, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 extractions (good and Turkish), got %d", len(lines))
	}
	var x sitrep.Extraction
	if err := json.Unmarshal([]byte(lines[1]), &x); err != nil {
		t.Fatal(err)
	}
	if x.Document.Encoding != "windows-1254" || !strings.Contains(x.Document.Text, "Dışişleri") || x.Document.Language != "tr" {
		t.Errorf("Turkish input: encoding %q language %q text %q", x.Document.Encoding, x.Document.Language, x.Document.Text)
	}
}

func TestExtractJSONLEchoesIDs(t *testing.T) {
	in := `{"id":"a1","text":"Egyptian President Abdel Fattah al-Sisi met King Abdullah II in Cairo on Sunday.","published":"2025-02-10"}
{"id":"a2","text":""}
not json
{"id":"a3","text":"Protesters rallied in Tbilisi against the government.","published":"2025-03-01"}
`
	out, errs, code := runCLI(t, in, "extract", "--jsonl")
	if code != 1 {
		t.Errorf("exit %d, want 1 (two bad lines)", code)
	}
	if !strings.Contains(errs, "line 2") || !strings.Contains(errs, "line 3") {
		t.Errorf("errors should name lines 2 and 3: %s", errs)
	}
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var x sitrep.Extraction
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, x.Document.ID)
	}
	if strings.Join(ids, ",") != "a1,a3" {
		t.Errorf("ids %v, want a1,a3 in order", ids)
	}
}

func TestUserDictionaryAddsAPerson(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "report.txt")
	text := "Defence Minister Kerem Tanyeli met the Syrian envoy in Ankara on Monday.\n"
	if err := os.WriteFile(doc, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	find := func(out string) *sitrep.Entity {
		var x sitrep.Extraction
		if err := json.Unmarshal([]byte(out), &x); err != nil {
			t.Fatal(err)
		}
		for i := range x.Entities {
			if strings.Contains(x.Entities[i].Name, "Tanyeli") {
				return &x.Entities[i]
			}
		}
		return nil
	}
	out, errs, code := runCLI(t, "", "extract", "--json", "--published", "2026-03-02", doc)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if e := find(out); e != nil && e.Known {
		t.Fatalf("Kerem Tanyeli should not be known before the user dictionary: %+v", e)
	}
	dictDir := filepath.Join(dir, "dict")
	if err := os.Mkdir(dictDir, 0o755); err != nil {
		t.Fatal(err)
	}
	row := "Kerem Tanyeli\tTanyeli\tTUR\tGOV|MIL\tDefence Minister\t2026-01-05\t\tfictional test person\n"
	if err := os.WriteFile(filepath.Join(dictDir, "people.tsv"), []byte(row), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code = runCLI(t, "", "extract", "--json", "--published", "2026-03-02", "--dict", dictDir, doc)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	e := find(out)
	if e == nil || !e.Known || e.Code != "TURGOV" || e.Country != "TUR" || !strings.Contains(e.Matched, "people.tsv") {
		t.Fatalf("with the user dictionary, want a known TURGOV person, got %+v", e)
	}
	// before the role started the person is not yet a minister
	out, _, _ = runCLI(t, "", "extract", "--json", "--published", "2025-12-01", "--dict", dictDir, doc)
	if e := find(out); e == nil || e.Code == "TURGOV" {
		t.Errorf("before 2026-01-05 the person must not be coded TURGOV, got %+v", e)
	}
}
