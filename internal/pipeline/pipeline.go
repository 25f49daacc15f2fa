// Package pipeline wires sitrep's reading stages together: text layer,
// dates, actors and places, events, quotes, agreements and commitments.
// It is used by `extract`, `ingest` and the workers alike.
package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/dates"
	"github.com/sitrep/sitrep/internal/text"
)

// Options configure a pipeline.
type Options struct {
	// DictDirs are user dictionary directories overlaid on the embedded ones.
	DictDirs []string
}

// Pipeline holds the loaded dictionaries and stages. It is safe for
// concurrent use: Extract keeps no state between documents.
type Pipeline struct {
	seg    *text.Segmenter
	dates  *dates.Resolver
	actors *actors.Dictionary
	stages []Stage
}

// Stage is a later reading stage (events, quotes, tracking) that adds to an
// extraction from the recognised actors.
type Stage interface {
	Apply(ctx context.Context, x *sitrep.Extraction, doc *actors.Doc) error
}

// New loads the dictionaries and builds the stages.
func New(opts Options) (*Pipeline, error) {
	ds, err := dict.New(opts.DictDirs...)
	if err != nil {
		return nil, err
	}
	dr, err := dates.New()
	if err != nil {
		return nil, fmt.Errorf("dates: %w", err)
	}
	ad, err := actors.Load(ds)
	if err != nil {
		return nil, fmt.Errorf("actors: %w", err)
	}
	p := &Pipeline{seg: text.NewSegmenter(), dates: dr, actors: ad}
	stages, err := buildStages(ds, ad)
	if err != nil {
		return nil, err
	}
	p.stages = stages
	return p, nil
}

// Actors returns the actor dictionary.
func (p *Pipeline) Actors() *actors.Dictionary { return p.actors }

// Segmenter returns the sentence segmenter.
func (p *Pipeline) Segmenter() *text.Segmenter { return p.seg }

// Extract reads one document.
func (p *Pipeline) Extract(ctx context.Context, doc *sitrep.Document) (*sitrep.Extraction, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x := &sitrep.Extraction{
		Document:    *doc,
		Sentences:   p.seg.Sentences(doc.Text),
		Dates:       []sitrep.DateExpr{},
		Entities:    []sitrep.Entity{},
		Events:      []sitrep.Event{},
		Quotes:      []sitrep.Quote{},
		Agreements:  []sitrep.Agreement{},
		Commitments: []sitrep.Commitment{},
	}
	if x.Sentences == nil {
		x.Sentences = []sitrep.Sentence{}
	}
	d := &x.Document
	if d.Offsets == "" {
		d.Offsets = "bytes"
	}
	var anchor time.Time
	if d.Published != nil && *d.Published != "" {
		t, err := dates.Anchor(*d.Published)
		if err != nil {
			return nil, fmt.Errorf("publication date %q: %w", *d.Published, err)
		}
		anchor = t
		v := t.Format("2006-01-02")
		d.Published = &v
		if d.PublishedSource == "" {
			d.PublishedSource = sitrep.PublishedInput
		}
	} else if v, prec, note, ok := p.dates.InferPublished(doc.Text); ok {
		d.Published = &v
		d.PublishedSource = sitrep.PublishedInferred
		d.PublishedNote = note
		if prec == sitrep.PrecisionDay {
			if t, err := dates.Anchor(v); err == nil {
				anchor = t
			}
		}
	} else {
		d.Published = nil
		d.PublishedSource = sitrep.PublishedUnknown
	}
	if ds := p.dates.Find(doc.Text, x.Sentences, anchor); ds != nil {
		x.Dates = ds
	}
	date := ""
	if !anchor.IsZero() {
		date = anchor.Format("2006-01-02")
	}
	ad := p.actors.RecognizeDocument(doc.Text, x.Sentences, date, x.Dates, doc.Outlet)
	x.Entities = ad.Entities
	if x.Entities == nil {
		x.Entities = []sitrep.Entity{}
	}
	for _, st := range p.stages {
		if err := st.Apply(ctx, x, ad); err != nil {
			return nil, err
		}
	}
	return x, nil
}
