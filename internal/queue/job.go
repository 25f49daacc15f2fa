package queue

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
)

// Job is one document to ingest. Exactly one of Raw, Record and Document
// is set:
//
//   - Raw is the bytes of a file, read by the worker as `sitrep ingest
//     FILE` would (encoding, format, front matter); Name is its path, whose
//     base name and extension matter.
//   - Record is one JSON-lines record.
//   - Document is a document already read (a fetched page, a feed entry).
type Job struct {
	Name     string           `json:"name"`
	Raw      []byte           `json:"raw,omitempty"`
	Record   *ingest.Record   `json:"record,omitempty"`
	Document *sitrep.Document `json:"document,omitempty"`
	// Options are the ingest options of the run that queued the job
	// (--published, --outlet, --language, --max-bytes).
	Options Options `json:"options,omitzero"`
}

// Options are the ingest options a job carries.
type Options struct {
	MaxBytes  int64  `json:"max_bytes,omitempty"`
	Published string `json:"published,omitempty"`
	Outlet    string `json:"outlet,omitempty"`
	Language  string `json:"language,omitempty"`
	Title     string `json:"title,omitempty"`
	URL       string `json:"url,omitempty"`
	ID        string `json:"id,omitempty"`
}

// OptionsOf converts ingest options.
func OptionsOf(o ingest.Options) Options {
	return Options{MaxBytes: o.MaxBytes, Published: o.Published, Outlet: o.Outlet, Language: o.Language, Title: o.Title, URL: o.URL, ID: o.ID}
}

// Ingest converts back to ingest options.
func (o Options) Ingest() ingest.Options {
	return ingest.Options{MaxBytes: o.MaxBytes, Published: o.Published, Outlet: o.Outlet, Language: o.Language, Title: o.Title, URL: o.URL, ID: o.ID}
}

// ErrMalformed marks a job that no worker can process: not a job, or a
// job whose document cannot be read. Such a job is dead-lettered at once.
var ErrMalformed = errors.New("malformed job")

// Encode returns the message body of a job.
func (j *Job) Encode() ([]byte, error) {
	if err := j.check(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(j)
	if err != nil {
		return nil, fmt.Errorf("encode job %s: %w", j.Name, err)
	}
	return b, nil
}

// DecodeJob parses a message body.
func DecodeJob(b []byte) (*Job, error) {
	var j Job
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("%w: not a sitrep job: %v", ErrMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the job", ErrMalformed)
	}
	if err := j.check(); err != nil {
		return nil, err
	}
	return &j, nil
}

func (j *Job) check() error {
	n := 0
	if j.Raw != nil {
		n++
	}
	if j.Record != nil {
		n++
	}
	if j.Document != nil {
		n++
	}
	if n != 1 {
		return fmt.Errorf("%w: %s: a job carries exactly one of raw bytes, a record or a document (found %d)", ErrMalformed, j.label(), n)
	}
	return nil
}

func (j *Job) label() string {
	if j.Name != "" {
		return j.Name
	}
	return "job"
}

// ID is a stable identity of the job's content, used to drop a job
// queued twice within the server's duplicate window.
func (j *Job) ID() (string, error) {
	b, err := j.Encode()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

// Read turns the job into a document, as `sitrep ingest` reads its
// inputs. Its errors wrap ErrMalformed unless ctx ended.
func (j *Job) Read(ctx context.Context) (*sitrep.Document, error) {
	if err := j.check(); err != nil {
		return nil, err
	}
	opts := j.Options.Ingest()
	var doc *sitrep.Document
	var err error
	switch {
	case j.Raw != nil:
		name := j.Name
		if name == "" {
			name = "-"
		}
		doc, err = ingest.Read(ctx, name, bytes.NewReader(j.Raw), opts)
	case j.Record != nil:
		opts.ID = ""
		doc, err = ingest.FromRecord(ctx, *j.Record, opts)
	default:
		d := *j.Document
		switch {
		case strings.TrimSpace(d.ID) == "":
			err = errors.New("document without id")
		case strings.TrimSpace(d.Text) == "":
			err = fmt.Errorf("document %s: %w", d.ID, ingest.ErrEmpty)
		}
		doc = &d
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, j.label(), err)
	}
	return doc, nil
}
