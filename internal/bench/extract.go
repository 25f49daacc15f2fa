package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
)

// benchCorpus is the generated corpus, read into documents.
type benchCorpus struct {
	docs  []*sitrep.Document
	bytes int
	// readSeconds is the time ingest.FromRecord took for all records.
	readSeconds float64
}

// newCorpus generates n documents, or reads the first n records of the
// JSON-lines file path when path is not empty.
func newCorpus(ctx context.Context, n int, seed uint64, path string) (*benchCorpus, error) {
	var recs []ingest.Record
	if path != "" {
		var err error
		if recs, err = readRecords(path, n); err != nil {
			return nil, err
		}
	} else {
		g, err := corpus.Generate(corpus.GenOptions{N: n, Seed: seed, Duplicates: 0.1})
		if err != nil {
			return nil, fmt.Errorf("generate corpus: %w", err)
		}
		recs = g.Records
	}
	c := &benchCorpus{}
	seen := map[string]bool{}
	start := time.Now()
	for _, r := range recs {
		if seen[r.Text] {
			continue // the generator can repeat a wire copy
		}
		seen[r.Text] = true
		d, err := ingest.FromRecord(ctx, r, ingest.Options{})
		if err != nil {
			if path != "" {
				continue // a real corpus may hold unreadable records
			}
			return nil, fmt.Errorf("read %s: %w", r.ID, err)
		}
		c.docs = append(c.docs, d)
		c.bytes += len(d.Text)
	}
	c.readSeconds = time.Since(start).Seconds()
	if len(c.docs) == 0 {
		return nil, fmt.Errorf("no readable document in the corpus")
	}
	return c, nil
}

// readRecords reads up to n JSON-lines records.
func readRecords(path string, n int) ([]ingest.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	var out []ingest.Record
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	for len(out) < n {
		var r ingest.Record
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("corpus %s: record %d: %w", path, len(out)+1, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Extraction is the throughput of the pipeline alone (documents already
// read: decoding, format detection and language identification are
// measured apart as ReadMBPerSecond).
type Extraction struct {
	Documents int `json:"documents"`
	Sentences int `json:"sentences"`
	Bytes     int `json:"bytes"`
	Events    int `json:"events"`
	// One goroutine: the throughput of one core.
	Seconds1              float64 `json:"seconds_1_core"`
	SentencesPerSecond1   float64 `json:"sentences_per_second_1_core"`
	MBPerSecond1          float64 `json:"mb_per_second_1_core"`
	DocumentsPerSecond1   float64 `json:"documents_per_second_1_core"`
	MicrosecondsPerDoc1   float64 `json:"microseconds_per_document_1_core"`
	ParallelGoroutines    int     `json:"parallel_goroutines"`
	SecondsParallel       float64 `json:"seconds_parallel"`
	SentencesPerSecondAll float64 `json:"sentences_per_second_all_cores"`
	MBPerSecondAll        float64 `json:"mb_per_second_all_cores"`
	// PerCore is the parallel throughput divided by the goroutines.
	SentencesPerSecondPerCore float64 `json:"sentences_per_second_per_core"`
	MBPerSecondPerCore        float64 `json:"mb_per_second_per_core"`
	// ReadMBPerSecond is the rate of ingest.FromRecord (one core).
	ReadMBPerSecond float64 `json:"read_mb_per_second_1_core"`
}

func measureExtraction(ctx context.Context, p *pipeline.Pipeline, c *benchCorpus) (*Extraction, error) {
	x := &Extraction{Documents: len(c.docs), Bytes: c.bytes}
	// warm up: first calls fill caches and grow the heap
	for _, d := range c.docs[:min(50, len(c.docs))] {
		if _, err := p.Extract(ctx, d); err != nil {
			return nil, fmt.Errorf("extract %s: %w", d.ID, err)
		}
	}
	runtime.GC()
	start := time.Now()
	for _, d := range c.docs {
		ex, err := p.Extract(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("extract %s: %w", d.ID, err)
		}
		x.Sentences += len(ex.Sentences)
		x.Events += len(ex.Events)
	}
	x.Seconds1 = time.Since(start).Seconds()
	x.SentencesPerSecond1 = float64(x.Sentences) / x.Seconds1
	x.MBPerSecond1 = float64(x.Bytes) / 1e6 / x.Seconds1
	x.DocumentsPerSecond1 = float64(x.Documents) / x.Seconds1
	x.MicrosecondsPerDoc1 = x.Seconds1 * 1e6 / float64(x.Documents)
	if c.readSeconds > 0 {
		x.ReadMBPerSecond = float64(c.bytes) / 1e6 / c.readSeconds
	}

	n := runtime.GOMAXPROCS(0)
	x.ParallelGoroutines = n
	runtime.GC()
	next := make(chan *sitrep.Document)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start = time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range next {
				if _, err := p.Extract(ctx, d); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for _, d := range c.docs {
		next <- d
	}
	close(next)
	wg.Wait()
	x.SecondsParallel = time.Since(start).Seconds()
	close(errs)
	if err := <-errs; err != nil {
		return x, err
	}
	x.SentencesPerSecondAll = float64(x.Sentences) / x.SecondsParallel
	x.MBPerSecondAll = float64(x.Bytes) / 1e6 / x.SecondsParallel
	x.SentencesPerSecondPerCore = x.SentencesPerSecondAll / float64(n)
	x.MBPerSecondPerCore = x.MBPerSecondAll / float64(n)
	return x, nil
}
