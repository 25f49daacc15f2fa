package corpus

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sitrep/sitrep/internal/ingest"
)

// Source kinds.
const (
	SourceFile  = "file"
	SourceJSONL = "jsonl"
	SourceStdin = "stdin"
	SourceURL   = "url"
	SourceError = "error"
)

// Source is one expanded input.
type Source struct {
	Kind string
	// Name is the path, URL or "-".
	Name string
	// Err is set for an input that cannot be read (Kind SourceError).
	Err error
}

// documentExts are the files a directory walk picks up.
var documentExts = map[string]bool{".txt": true, ".text": true, ".md": true, ".markdown": true, ".html": true, ".htm": true, ".xhtml": true, ".jsonl": true, ".ndjson": true}

func isJSONL(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".jsonl" || ext == ".ndjson"
}

// Expand turns command-line inputs into sources, in order: a file as
// itself (JSON lines for .jsonl/.ndjson), a directory as its document
// files (recursively, sorted, hidden entries skipped), a glob as its
// matches, "-" as JSON lines on stdin, an http(s) URL as a page to fetch.
// An input that matches nothing becomes an error source.
func Expand(args []string) []Source {
	var out []Source
	for _, a := range args {
		switch {
		case a == "-":
			out = append(out, Source{Kind: SourceStdin, Name: "-"})
		case IsURL(a):
			out = append(out, Source{Kind: SourceURL, Name: a})
		default:
			out = append(out, expandPath(a)...)
		}
	}
	return out
}

func expandPath(a string) []Source {
	st, err := os.Stat(a)
	if err != nil {
		if strings.ContainsAny(a, "*?[") {
			matches, gerr := filepath.Glob(a)
			if gerr != nil {
				return []Source{{Kind: SourceError, Name: a, Err: fmt.Errorf("bad pattern: %w", gerr)}}
			}
			if len(matches) == 0 {
				return []Source{{Kind: SourceError, Name: a, Err: errors.New("no file matches")}}
			}
			var out []Source
			for _, m := range matches {
				out = append(out, expandPath(m)...)
			}
			return out
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return []Source{{Kind: SourceError, Name: a, Err: err}}
	}
	if !st.IsDir() {
		kind := SourceFile
		if isJSONL(a) {
			kind = SourceJSONL
		}
		return []Source{{Kind: kind, Name: a}}
	}
	var out []Source
	err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			out = append(out, Source{Kind: SourceError, Name: p, Err: err})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if p != a && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() || !documentExts[strings.ToLower(filepath.Ext(name))] {
			return nil
		}
		kind := SourceFile
		if isJSONL(p) {
			kind = SourceJSONL
		}
		out = append(out, Source{Kind: kind, Name: p})
		return nil
	})
	if err != nil {
		out = append(out, Source{Kind: SourceError, Name: a, Err: err})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Count returns the number of documents the sources hold, counting the
// lines of JSON-lines files; known is false when stdin is among them.
func Count(srcs []Source) (n int, known bool) {
	known = true
	for _, s := range srcs {
		switch s.Kind {
		case SourceStdin:
			known = false
		case SourceJSONL:
			n += countLines(s.Name)
		default:
			n++
		}
	}
	return n, known
}

func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 1
	}
	defer f.Close()
	n := 0
	br := bufio.NewReaderSize(f, 1<<16)
	for {
		line, err := br.ReadSlice('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = br.ReadSlice('\n')
		}
		if err != nil {
			return n
		}
	}
}

// Reader turns sources into items.
type Reader struct {
	// Options are the defaults of every document (outlet, published...).
	Options ingest.Options
	// Stdin is read for the "-" source.
	Stdin io.Reader
	// Fetcher gets URL sources; URLs fail when nil.
	Fetcher *Fetcher
}

// Send reads the sources in order and sends one item per document; it
// stops early when ctx ends.
func (r *Reader) Send(ctx context.Context, srcs []Source, out chan<- Item) error {
	send := func(it Item) error {
		select {
		case out <- it:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for _, s := range srcs {
		if err := ctx.Err(); err != nil {
			return err
		}
		switch s.Kind {
		case SourceError:
			if err := send(Item{Name: s.Name, Err: s.Err}); err != nil {
				return err
			}
		case SourceFile:
			o := r.Options
			doc, err := ingest.ReadFile(ctx, s.Name, o)
			if err := send(Item{Name: s.Name, Doc: doc, Err: err}); err != nil {
				return err
			}
		case SourceURL:
			if r.Fetcher == nil {
				if err := send(Item{Name: s.Name, Err: errors.New("fetching URLs is not enabled")}); err != nil {
					return err
				}
				continue
			}
			doc, err := r.Fetcher.Document(ctx, s.Name, r.Options)
			if err := send(Item{Name: s.Name, Doc: doc, Err: err}); err != nil {
				return err
			}
		case SourceJSONL, SourceStdin:
			var in io.Reader
			var closer io.Closer
			name := s.Name
			if s.Kind == SourceStdin {
				in, name = r.Stdin, "<stdin>"
				if in == nil {
					in = strings.NewReader("")
				}
			} else {
				f, err := os.Open(s.Name)
				if err != nil {
					if err := send(Item{Name: s.Name, Err: err}); err != nil {
						return err
					}
					continue
				}
				in, closer = f, f
			}
			err := r.sendJSONL(ctx, name, in, send)
			if closer != nil {
				closer.Close()
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// sendJSONL sends one item per non-blank line.
func (r *Reader) sendJSONL(ctx context.Context, name string, in io.Reader, send func(Item) error) error {
	limit := r.Options.MaxBytes
	if limit <= 0 {
		limit = ingest.DefaultMaxBytes
	}
	br := bufio.NewReaderSize(in, 1<<16)
	for line := 1; ; line++ {
		data, err := readLine(br, limit)
		label := fmt.Sprintf("%s:%d", name, line)
		if errors.Is(err, errLineTooLong) {
			if serr := send(Item{Name: label, Err: fmt.Errorf("line longer than %d bytes", limit)}); serr != nil {
				return serr
			}
			continue
		}
		if len(bytes.TrimSpace(data)) > 0 {
			var rec ingest.Record
			it := Item{Name: label}
			if jerr := json.Unmarshal(data, &rec); jerr != nil {
				it.Err = fmt.Errorf("invalid JSON: %v", jerr)
			} else {
				o := r.Options
				o.ID = ""
				it.Doc, it.Err = ingest.FromRecord(ctx, rec, o)
				if rec.ID != "" {
					it.Name = fmt.Sprintf("%s (id %s)", label, rec.ID)
				}
			}
			if serr := send(it); serr != nil {
				return serr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line of at most limit bytes; a longer line is
// skipped to its end and reported as errLineTooLong.
func readLine(br *bufio.Reader, limit int64) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if int64(len(buf)+len(chunk)) > limit+1 {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
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
