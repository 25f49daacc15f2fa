// Package demo holds sitrep's embedded sample corpus — short reports on
// Turkey–Syria relations in 2025, written for the project — and loads it
// into a store through the real ingest, pipeline and store code. It backs
// `sitrep demo` and the server's integration and browser tests.
//
// The reports state public facts (who met whom, what was signed, what
// happened where); the outlets, their URLs, the analysts and every quoted
// sentence are invented for the demo. See corpus/README.md.
package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/store"
)

//go:embed corpus/*.md
var files embed.FS

// File is one report of the sample corpus.
type File struct {
	// Name is the file name (YYYY-MM-DD-slug.md).
	Name string
	Data []byte
}

// Files returns the reports of the sample corpus in file-name order, which
// is publication order.
func Files() ([]File, error) {
	ents, err := fs.ReadDir(files, "corpus")
	if err != nil {
		return nil, fmt.Errorf("demo corpus: %w", err)
	}
	var out []File
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b, err := files.ReadFile(path.Join("corpus", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("demo corpus: %w", err)
		}
		out = append(out, File{Name: e.Name(), Data: b})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Extractor reads one document; *pipeline.Pipeline is one.
type Extractor interface {
	Extract(ctx context.Context, doc *sitrep.Document) (*sitrep.Extraction, error)
}

// Stats count what Load did.
type Stats struct {
	Documents  int `json:"documents"`
	Stored     int `json:"stored"`
	Duplicates int `json:"duplicates"`
	Exists     int `json:"exists"`
	NewEvents  int `json:"new_events"`
	Mentions   int `json:"mentions"`
}

// Load reads every report of the corpus, extracts it and stores it, in
// publication order, one transaction per document. Reports already stored
// are left as they are, so loading twice changes nothing. Documents are
// recorded as ingested one second apart from start, so that "newest
// ingested first" lists them newest first.
func Load(ctx context.Context, st store.Store, x Extractor) (Stats, error) {
	var s Stats
	fls, err := Files()
	if err != nil {
		return s, err
	}
	start := time.Now().Add(-time.Duration(len(fls)) * time.Second)
	for i, f := range fls {
		doc, err := ingest.Read(ctx, f.Name, bytes.NewReader(f.Data), ingest.Options{})
		if err != nil {
			return s, fmt.Errorf("demo corpus: %w", err)
		}
		if _, found, err := st.Lookup(ctx, doc); err != nil {
			return s, fmt.Errorf("demo corpus %s: %w", f.Name, err)
		} else if found {
			s.Documents++
			s.Exists++
			continue
		}
		ex, err := x.Extract(ctx, doc)
		if err != nil {
			return s, fmt.Errorf("demo corpus %s: %w", f.Name, err)
		}
		res, err := st.Put(ctx, ex, store.PutOptions{IngestedAt: start.Add(time.Duration(i) * time.Second)})
		if err != nil {
			return s, fmt.Errorf("demo corpus %s: %w", f.Name, err)
		}
		s.Documents++
		switch res.Status {
		case store.StatusStored:
			s.Stored++
		case store.StatusDuplicate:
			s.Duplicates++
		case store.StatusExists:
			s.Exists++
		}
		s.NewEvents += res.NewEvents
		s.Mentions += res.Mentions
	}
	return s, nil
}
