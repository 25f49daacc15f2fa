// Package ingest turns the raw bytes of one input (a file, stdin or one
// JSONL record) into a sitrep.Document ready for reading: it refuses
// oversize, empty and binary inputs, detects the character encoding and the
// format (plain text, Markdown or HTML), extracts the main text and the
// metadata (front matter, HTML metadata), normalises the text to NFC UTF-8,
// hashes it and identifies its language.
//
// It does not segment sentences nor look for dates in the text: when no
// publication date is given or found in metadata, Document.Published stays
// nil and the caller infers it later.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sitrep/sitrep"
)

// DefaultMaxBytes is the input size limit used when Options.MaxBytes is 0.
const DefaultMaxBytes int64 = 10 << 20

// Error kinds, usable with errors.Is. The errors returned by this package
// wrap one of them and say more (the file name, what was detected).
var (
	// ErrEmpty: the input is empty or holds only whitespace (or no text
	// once the markup is removed).
	ErrEmpty = errors.New("empty input")
	// ErrBinary: the input is binary data (NUL bytes, control characters,
	// or the magic number of a known binary format).
	ErrBinary = errors.New("binary data")
	// ErrTooLarge: the input is larger than Options.MaxBytes.
	ErrTooLarge = errors.New("input too large")
	// ErrUndecodable: the input is not valid UTF-8/UTF-16 and does not look
	// like a supported legacy 8-bit encoding.
	ErrUndecodable = errors.New("undecodable text")
	// ErrNotRegular: the path names a directory, device, pipe or socket.
	ErrNotRegular = errors.New("not a regular file")
	// ErrInvalidOption: an explicit option (published date, language) is
	// malformed.
	ErrInvalidOption = errors.New("invalid option")
)

// Format names, as stored in Document.Format.
const (
	FormatText     = "text"
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
)

// Options are the explicit settings for one input. Non-empty metadata
// fields override whatever the input itself says (front matter, HTML
// metadata).
type Options struct {
	// MaxBytes is the size limit of one input; DefaultMaxBytes when 0.
	MaxBytes int64
	// Published is the publication date given by the user, YYYY-MM-DD or
	// RFC 3339; it is normalised to YYYY-MM-DD. Anything else is an error
	// wrapping ErrInvalidOption.
	Published string
	// Outlet, URL, Title, Language (ISO 639-1) and ID override metadata.
	Outlet, URL, Title, Language, ID string
}

// Record is one line of JSONL input. Only Text is required.
type Record struct {
	ID        string `json:"id,omitempty"`
	Text      string `json:"text"`
	Published string `json:"published,omitempty"`
	Title     string `json:"title,omitempty"`
	URL       string `json:"url,omitempty"`
	Outlet    string `json:"outlet,omitempty"`
	Language  string `json:"language,omitempty"`
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

// Read reads one input from r (at most opts.MaxBytes+1 bytes, so that an
// oversize input is detected without reading all of it) and returns the
// document. name is the file name: it prefixes error messages, its base
// name becomes Document.File, and its extension is a hint for the format.
// Use "" or "-" for stdin.
func Read(ctx context.Context, name string, r io.Reader, opts Options) (*sitrep.Document, error) {
	label := name
	if label == "" {
		label = "-"
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := validateOptions(&opts); err != nil {
		return nil, err
	}
	limit := opts.maxBytes()
	raw, err := io.ReadAll(io.LimitReader(ctxReader{ctx: ctx, r: r}, limit+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: read: %w", label, err)
	}
	if int64(len(raw)) > limit {
		return nil, fmt.Errorf("%s: %w", label, tooLarge(limit))
	}
	file := ""
	if name != "" && name != "-" {
		file = filepath.Base(name)
	}
	doc, err := build(ctx, raw, strings.ToLower(filepath.Ext(name)), opts)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	doc.File = file
	return doc, nil
}

// ReadFile reads the file at path with Read. It refuses what is not a
// regular file (ErrNotRegular) and a file larger than the limit
// (ErrTooLarge) before reading it.
func ReadFile(ctx context.Context, path string, opts Options) (*sitrep.Document, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	if st.Size() > opts.maxBytes() {
		return nil, fmt.Errorf("%s: %w", path, tooLarge(opts.maxBytes()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	return Read(ctx, path, f, opts)
}

// FromRecord builds a document from one JSONL record. The text may itself
// be HTML or Markdown (detected as for files) and may start with front
// matter. A non-empty field of the record wins over the same field of
// opts, which acts as a default for every record of a stream (for example
// --outlet); both win over front matter and HTML metadata.
func FromRecord(ctx context.Context, rec Record, opts Options) (*sitrep.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	label := "record"
	if rec.ID != "" {
		label = fmt.Sprintf("record %q", rec.ID)
	}
	pick := func(rv string, ov *string) {
		if v := strings.TrimSpace(rv); v != "" {
			*ov = v
		}
	}
	pick(rec.ID, &opts.ID)
	pick(rec.Published, &opts.Published)
	pick(rec.Title, &opts.Title)
	pick(rec.URL, &opts.URL)
	pick(rec.Outlet, &opts.Outlet)
	pick(rec.Language, &opts.Language)
	if err := validateOptions(&opts); err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	if int64(len(rec.Text)) > opts.maxBytes() {
		return nil, fmt.Errorf("%s: %w", label, tooLarge(opts.maxBytes()))
	}
	doc, err := build(ctx, []byte(rec.Text), "", opts)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	return doc, nil
}

// validateOptions checks and normalises the explicit options in place.
func validateOptions(o *Options) error {
	o.Published = strings.TrimSpace(o.Published)
	if o.Published != "" {
		d, err := ParsePublished(o.Published)
		if err != nil {
			return err
		}
		o.Published = d
	}
	o.Language = strings.TrimSpace(o.Language)
	if o.Language != "" {
		l, ok := normalizeLangTag(o.Language)
		if !ok {
			return fmt.Errorf("%w: language %q is not an ISO 639 code", ErrInvalidOption, o.Language)
		}
		o.Language = l
	}
	o.ID = strings.TrimSpace(o.ID)
	o.Title = strings.TrimSpace(o.Title)
	o.URL = strings.TrimSpace(o.URL)
	o.Outlet = strings.TrimSpace(o.Outlet)
	return nil
}

// metadata is what the input says about itself (front matter, HTML).
type metadata struct {
	ID, Title, URL, Outlet, Published, Language string
}

// or fills the empty fields of m from o.
func (m metadata) or(o metadata) metadata {
	m.ID = firstNonEmpty(m.ID, o.ID)
	m.Title = firstNonEmpty(m.Title, o.Title)
	m.URL = firstNonEmpty(m.URL, o.URL)
	m.Outlet = firstNonEmpty(m.Outlet, o.Outlet)
	m.Published = firstNonEmpty(m.Published, o.Published)
	m.Language = firstNonEmpty(m.Language, o.Language)
	return m
}

// build runs the pipeline over the raw bytes of one input.
func build(ctx context.Context, raw []byte, ext string, opts Options) (*sitrep.Document, error) {
	text, enc, err := decode(raw)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	text = normalizeNewlines(text)

	var (
		body   string
		format string
	)
	// Front matter first: a Markdown file may hold HTML blocks.
	rest := text
	meta, after, hasFM := splitFrontMatter(text)
	if hasFM {
		rest = after
	}
	switch {
	case looksLikeHTML(rest, ext):
		format = FormatHTML
		var pageMeta metadata
		body, pageMeta = extractHTML(ctx, rest)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		meta = meta.or(pageMeta)
	case looksLikeMarkdown(rest, ext, hasFM):
		format = FormatMarkdown
		body = markdownToText(rest)
	default:
		format = FormatText
		body = rest
	}

	final := normalizeText(body)
	if final == "" {
		return nil, fmt.Errorf("%w: no text in %s input once metadata and markup are removed", ErrEmpty, format)
	}

	sum := sha256.Sum256([]byte(final))
	doc := &sitrep.Document{
		Format:   format,
		Encoding: enc,
		Offsets:  "bytes",
		SHA256:   hex.EncodeToString(sum[:]),
		Text:     final,
	}
	doc.ID = firstNonEmpty(opts.ID, meta.ID, doc.SHA256[:16])
	doc.Title = firstNonEmpty(opts.Title, meta.Title)
	doc.URL = firstNonEmpty(opts.URL, meta.URL)
	doc.Outlet = firstNonEmpty(opts.Outlet, meta.Outlet)
	switch {
	case opts.Published != "":
		doc.Published = sitrep.StrPtr(opts.Published)
		doc.PublishedSource = sitrep.PublishedInput
	case meta.Published != "":
		doc.Published = sitrep.StrPtr(meta.Published)
		doc.PublishedSource = sitrep.PublishedMetadata
	}
	doc.Language = firstNonEmpty(opts.Language, meta.Language)
	if doc.Language == "" {
		doc.Language = DetectLanguage(final)
	}
	return doc, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func tooLarge(limit int64) error {
	return fmt.Errorf("%w: larger than %s limit", ErrTooLarge, formatSize(limit))
}

// formatSize renders a byte count the way limits are usually given.
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// ctxReader stops reading once the context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
