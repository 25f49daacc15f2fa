package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
)

func runVersion(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "version", "", "Print the version of the sitrep binary and of its embedded dictionaries.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "sitrep %s (dictionaries %s, %s)\n", sitrep.Version, dict.Version(), runtime.Version())
	return nil
}

type extractFlags struct {
	json, jsonl                             bool
	published, outlet, url, title, lang, id string
	maxBytes                                int64
	dicts                                   stringList
	workers                                 int
}

func runExtract(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "extract", "[flags] FILE... | -", `
Read each document (plain text, Markdown or HTML, in UTF-8, UTF-16 or a
legacy 8-bit encoding) and print what it says: entities, events, quotes,
agreements and commitments, each with the characters it came from.

With --json, print one JSON object per document following
shared/schema/extraction.schema.json (one per line when there are several).
With --jsonl, read JSON lines {"id","text","published","title","url",
"outlet","language"} from stdin and print one extraction per line, streaming.
A bad input (binary, empty, too large, undecodable, a directory) gets a
one-line error naming it; the others are still read; the exit code is 1.`)
	var f extractFlags
	fs.BoolVar(&f.json, "json", false, "print JSON (one object per document)")
	fs.BoolVar(&f.jsonl, "jsonl", false, "read JSON lines from stdin and print one extraction per line")
	fs.StringVar(&f.published, "published", "", "publication date `YYYY-MM-DD` used to resolve relative dates")
	fs.StringVar(&f.outlet, "outlet", "", "outlet `NAME`")
	fs.StringVar(&f.url, "url", "", "source `URL`")
	fs.StringVar(&f.title, "title", "", "document `TITLE`")
	fs.StringVar(&f.lang, "language", "", "language (ISO 639-1); detected when empty")
	fs.StringVar(&f.id, "id", "", "document id (single input only); derived from the content hash when empty")
	fs.Int64Var(&f.maxBytes, "max-bytes", ingest.DefaultMaxBytes, "largest accepted input in bytes")
	fs.Var(&f.dicts, "dict", "user dictionary `DIR` overlaid on the embedded dictionaries (repeatable)")
	fs.IntVar(&f.workers, "workers", runtime.GOMAXPROCS(0), "documents read in parallel with --jsonl")
	if err := fs.Parse(args); err != nil {
		return err
	}
	files := fs.Args()
	if !f.jsonl && len(files) == 0 {
		fs.Usage()
		return usageErr("no input: give FILE..., - for stdin, or --jsonl")
	}
	if f.published != "" {
		if _, err := ingestCheckDate(f.published); err != nil {
			return usageErr("--published %q: %v", f.published, err)
		}
	}
	p, err := pipeline.New(pipeline.Options{DictDirs: f.dicts})
	if err != nil {
		return err
	}
	opts := ingest.Options{MaxBytes: f.maxBytes, Published: f.published, Outlet: f.outlet, URL: f.url, Title: f.title, Language: f.lang, ID: f.id}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	if f.jsonl {
		return extractJSONL(ctx, e, p, opts, f.workers, out)
	}
	failed := 0
	var results []*sitrep.Extraction
	for _, name := range files {
		x, err := extractFile(ctx, p, name, e.stdin, opts)
		if err != nil {
			failed++
			fmt.Fprintf(e.stderr, "sitrep extract: %s\n", named(name, err))
			continue
		}
		results = append(results, x)
		if !f.json {
			printSummary(out, x)
		}
	}
	if f.json {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		if len(results) == 1 && len(files) == 1 {
			enc.SetIndent("", "  ")
		}
		for _, x := range results {
			if err := enc.Encode(x); err != nil {
				return fmt.Errorf("write output: %w", err)
			}
		}
	}
	if failed > 0 {
		out.Flush()
		return errSilent
	}
	return nil
}

func ingestCheckDate(s string) (string, error) {
	_, err := ingest.FromRecord(context.Background(), ingest.Record{Text: "x"}, ingest.Options{Published: s})
	if err != nil {
		return "", errors.Unwrap(err)
	}
	return s, nil
}

func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// named is the error text with the input's name in front, once.
func named(name string, err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, name+":") {
		return msg
	}
	return displayName(name) + ": " + msg
}

func extractFile(ctx context.Context, p *pipeline.Pipeline, name string, stdin io.Reader, opts ingest.Options) (*sitrep.Extraction, error) {
	var r io.Reader
	if name == "-" {
		r = stdin
	} else {
		st, err := os.Stat(name)
		if err != nil {
			return nil, unwrapPathErr(err)
		}
		if st.IsDir() {
			return nil, errors.New("is a directory (give the files inside it)")
		}
		if !st.Mode().IsRegular() {
			return nil, errors.New("not a regular file")
		}
		fh, err := os.Open(name)
		if err != nil {
			return nil, unwrapPathErr(err)
		}
		defer fh.Close()
		r = fh
	}
	doc, err := ingest.Read(ctx, name, r, opts)
	if err != nil {
		return nil, err
	}
	return p.Extract(ctx, doc)
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// extractJSONL streams JSON lines from stdin: a bounded pool of workers
// reads documents in parallel and the results are written in input order,
// so memory stays flat whatever the input length.
func extractJSONL(ctx context.Context, e *env, p *pipeline.Pipeline, opts ingest.Options, workers int, out *bufio.Writer) error {
	if workers < 1 {
		workers = 1
	}
	type result struct {
		x   *sitrep.Extraction
		err error
		id  string
	}
	type job struct {
		line int
		data []byte
		res  chan result
	}
	jobs := make(chan job, workers)
	order := make(chan chan result, workers*2)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var rec ingest.Record
				if err := json.Unmarshal(j.data, &rec); err != nil {
					j.res <- result{err: fmt.Errorf("invalid JSON: %v", err)}
					continue
				}
				o := opts
				o.ID = ""
				doc, err := ingest.FromRecord(ctx, rec, o)
				if err != nil {
					j.res <- result{err: err, id: rec.ID}
					continue
				}
				x, err := p.Extract(ctx, doc)
				j.res <- result{x: x, err: err, id: rec.ID}
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		defer close(order)
		br := bufio.NewReaderSize(e.stdin, 1<<16)
		line := 0
		for {
			data, err := readLine(br, opts.MaxBytes)
			if len(data) > 0 || errors.Is(err, errLineTooLong) {
				line++
				res := make(chan result, 1)
				if errors.Is(err, errLineTooLong) {
					res <- result{err: fmt.Errorf("line larger than %d bytes", opts.MaxBytes)}
					order <- res
					continue
				}
				if len(strings.TrimSpace(string(data))) == 0 {
					line--
					continue
				}
				select {
				case order <- res:
				case <-ctx.Done():
					readErr <- ctx.Err()
					return
				}
				jobs <- job{line: line, data: data, res: res}
			}
			if err == io.EOF {
				readErr <- nil
				return
			}
			if err != nil && !errors.Is(err, errLineTooLong) {
				readErr <- fmt.Errorf("read stdin: %w", err)
				return
			}
		}
	}()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	failed := 0
	n := 0
	for res := range order {
		n++
		r := <-res
		if r.err != nil {
			failed++
			id := r.id
			if id == "" {
				id = fmt.Sprintf("line %d", n)
			} else {
				id = fmt.Sprintf("line %d (id %s)", n, id)
			}
			fmt.Fprintf(e.stderr, "sitrep extract: <stdin> %s: %v\n", id, r.err)
			continue
		}
		if err := enc.Encode(r.x); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	wg.Wait()
	if err := <-readErr; err != nil {
		return err
	}
	if failed > 0 {
		out.Flush()
		return errSilent
	}
	return nil
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line of at most limit bytes; a longer line is skipped
// to its end and reported as errLineTooLong.
func readLine(br *bufio.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = ingest.DefaultMaxBytes
	}
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if int64(len(buf)+len(chunk)) > limit+1 {
			// drain the rest of this line
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err == io.EOF {
				return nil, errLineTooLong
			}
			return nil, errLineTooLong
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf, err
	}
}
