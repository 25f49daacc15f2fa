package corpus

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/tsv"
)

//go:embed data/*.tsv data/*.txt
var data embed.FS

// GenOptions configure Generate.
type GenOptions struct {
	// N is the number of documents.
	N int
	// Seed makes the corpus: the same seed gives the same documents.
	Seed uint64
	// Duplicates is the share of documents that are wire copies (small
	// edits, another outlet) of an earlier one.
	Duplicates float64
	// Start and Days bound the publication dates; 2025-01-01 and 365 when zero.
	Start time.Time
	Days  int
}

// Generated is a synthetic corpus.
type Generated struct {
	Records []ingest.Record
	// CopyOf maps the id of each wire copy to the id of the document it
	// copies (the original, never another copy).
	CopyOf map[string]string
}

type country struct {
	code, name, adj, capital string
	cities                   []string
}

type template struct {
	kind, title, text string
}

type generator struct {
	rng       *rand.Rand
	countries []country
	leads     []template
	byKind    map[string][]template
	outlets   []string
}

func loadGenerator(seed uint64) (*generator, error) {
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), byKind: map[string][]template{}}
	b, err := data.ReadFile("data/countries.tsv")
	if err != nil {
		return nil, err
	}
	if err := tsv.Parse(b, func(r tsv.Row) error {
		g.countries = append(g.countries, country{r.Field(0), r.Field(1), r.Field(2), r.Field(3), r.List(4)})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("countries.tsv: %w", err)
	}
	b, err = data.ReadFile("data/templates.tsv")
	if err != nil {
		return nil, err
	}
	if err := tsv.Parse(b, func(r tsv.Row) error {
		t := template{r.Field(0), r.Field(1), r.Field(2)}
		if t.kind == "lead" {
			g.leads = append(g.leads, t)
		} else {
			g.byKind[t.kind] = append(g.byKind[t.kind], t)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("templates.tsv: %w", err)
	}
	b, err = data.ReadFile("data/outlets.txt")
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			g.outlets = append(g.outlets, l)
		}
	}
	if len(g.countries) < 2 || len(g.leads) == 0 || len(g.outlets) < 2 {
		return nil, fmt.Errorf("corpus templates are incomplete")
	}
	return g, nil
}

var numberWords = []string{"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "fifteen", "twenty"}

// Generate makes a deterministic synthetic corpus of short wire-style
// reports built from the templates in data/ (the project's own
// sentences) with varied countries, places, outlets and dates.
func Generate(opts GenOptions) (*Generated, error) {
	g, err := loadGenerator(opts.Seed)
	if err != nil {
		return nil, err
	}
	start := opts.Start
	if start.IsZero() {
		start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	days := opts.Days
	if days <= 0 {
		days = 365
	}
	out := &Generated{CopyOf: map[string]string{}}
	var originals []int
	for i := 0; i < opts.N; i++ {
		id := fmt.Sprintf("gen-%06d", i+1)
		if len(originals) > 0 && g.rng.Float64() < opts.Duplicates {
			src := out.Records[originals[g.rng.IntN(len(originals))]]
			out.Records = append(out.Records, g.wireCopy(src, id))
			out.CopyOf[id] = src.ID
			continue
		}
		pub := start.AddDate(0, 0, g.rng.IntN(days))
		out.Records = append(out.Records, g.report(id, pub))
		originals = append(originals, i)
	}
	return out, nil
}

func (g *generator) pick(l []template) template { return l[g.rng.IntN(len(l))] }

func (g *generator) report(id string, pub time.Time) ingest.Record {
	a := g.rng.IntN(len(g.countries))
	b := g.rng.IntN(len(g.countries) - 1)
	if b >= a {
		b++
	}
	src, tgt := g.countries[a], g.countries[b]
	city := tgt.cities[g.rng.IntN(len(tgt.cities))]
	when := pub.AddDate(0, 0, -g.rng.IntN(3))
	slots := map[string]string{
		"{src}": src.name, "{src_adj}": src.adj, "{src_cap}": src.capital,
		"{tgt}": tgt.name, "{tgt_adj}": tgt.adj, "{tgt_cap}": tgt.capital,
		"{city}": city, "{weekday}": when.Weekday().String(),
		"{num}": fmt.Sprint(3 + g.rng.IntN(240)), "{num2}": numberWords[g.rng.IntN(len(numberWords))],
		"{month}": pub.AddDate(0, 1+g.rng.IntN(3), 0).Month().String(),
	}
	fill := func(s string) string {
		for k, v := range slots {
			s = strings.ReplaceAll(s, k, v)
		}
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			s = strings.ToUpper(s[:1]) + s[1:]
		}
		return s
	}
	lead := g.pick(g.leads)
	outlet := g.outlets[g.rng.IntN(len(g.outlets))]
	slots["{outlet}"] = outlet
	sents := []string{strings.ToUpper(src.capital) + ", " + pub.Format("January 2") + " — " + fill(lead.text)}
	used := map[string]bool{}
	add := func(kind string, n int) {
		for j := 0; j < n; j++ {
			t := g.pick(g.byKind[kind])
			if used[t.text] {
				continue
			}
			used[t.text] = true
			sents = append(sents, fill(t.text))
		}
	}
	add("follow", 1+g.rng.IntN(2))
	if g.rng.IntN(2) == 0 {
		add("quote", 1)
	}
	add("background", 1+g.rng.IntN(2))
	return ingest.Record{
		ID:        id,
		Title:     fill(lead.title),
		Text:      strings.Join(sents, " "),
		Published: pub.Format("2006-01-02"),
		Outlet:    outlet,
		URL:       fmt.Sprintf("https://%s.example/%s/%s", slug(outlet), pub.Format("2006/01"), id),
		Language:  "en",
	}
}

// wireCopy reprints src under another outlet with small edits: its own
// dateline credit and a closing credit line.
func (g *generator) wireCopy(src ingest.Record, id string) ingest.Record {
	outlet := src.Outlet
	for outlet == src.Outlet {
		outlet = g.outlets[g.rng.IntN(len(g.outlets))]
	}
	text := src.Text
	if i := strings.Index(text, " — "); i > 0 {
		text = text[:i] + " (" + outlet + ")" + text[i:]
	}
	text += " Reporting by " + outlet + " staff."
	pub, _ := time.Parse("2006-01-02", src.Published)
	if g.rng.IntN(2) == 0 {
		pub = pub.AddDate(0, 0, 1)
	}
	return ingest.Record{
		ID: id, Title: src.Title, Text: text, Published: pub.Format("2006-01-02"), Outlet: outlet,
		URL:      fmt.Sprintf("https://%s.example/%s/%s", slug(outlet), pub.Format("2006/01"), id),
		Language: "en",
	}
}

func slug(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), " ", "-")
}

// WriteJSONL writes records as JSON lines (the input of `sitrep ingest -`).
func WriteJSONL(w io.Writer, recs []ingest.Record) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write corpus: %w", err)
		}
	}
	return nil
}

// WriteFiles writes each record as a Markdown file with front matter
// into dir, spread over subdirectories of 100 files.
func WriteFiles(dir string, recs []ingest.Record) error {
	for i, r := range recs {
		sub := filepath.Join(dir, fmt.Sprintf("%03d", i/100))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return fmt.Errorf("write corpus: %w", err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "---\nid: %s\ntitle: %q\npublished: %s\noutlet: %s\nurl: %s\n---\n%s\n", r.ID, r.Title, r.Published, r.Outlet, r.URL, r.Text)
		if err := os.WriteFile(filepath.Join(sub, r.ID+".md"), []byte(b.String()), 0o644); err != nil {
			return fmt.Errorf("write corpus: %w", err)
		}
	}
	return nil
}
