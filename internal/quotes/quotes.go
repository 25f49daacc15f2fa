// Package quotes finds direct and indirect quotes in a report and
// attributes them to their speakers.
//
// A direct quote is text between quote marks ("…", “…”, «…», „…“, '…',
// ‘…’); an indirect quote is the clause a reporting verb introduces
// ("Fidan underlined that …", "Analysts said the sanctions …", "…,
// according to X"). The speaker comes from the cue (said, told reporters,
// noted, according to …) and its subject, before or after the quote, and
// from the actors the recogniser found: pronouns and definite role nouns
// ("he said", "the spokesman said") point back to a salient speaker,
// unnamed sources ("a Defense Ministry source", "officials") are kept as
// they are written.
package quotes

import (
	"context"
	"fmt"
	"sort"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/text"
)

// Finder finds quotes. It keeps no state between documents and is safe
// for concurrent use.
type Finder struct {
	lx  *lexicon
	seg *text.Segmenter
}

// New loads the cue words: the rows of kind "report" of dict/cues.tsv (when
// the file exists) and the finder's own embedded word list.
func New(ds *dict.Set) (*Finder, error) {
	lx, err := newLexicon(ds)
	if err != nil {
		return nil, err
	}
	return &Finder{lx: lx, seg: text.NewSegmenter()}, nil
}

// Apply is a pipeline stage: it fills x.Quotes and sets AttributedTo on
// the events of x.Events whose trigger lies inside a quote. doc is the
// recogniser's view of the same text; when it is nil the finder tokenises
// the sentences itself and attributes quotes without actors.
func (f *Finder) Apply(ctx context.Context, x *sitrep.Extraction, doc *actors.Doc) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("quotes: %w", err)
	}
	r := f.newRun(x, doc)
	x.Quotes = r.find()
	Attribute(x)
	return nil
}

// Attribute sets AttributedTo on every event whose trigger lies inside a
// quote span: the innermost (shortest) quote wins.
func Attribute(x *sitrep.Extraction) {
	for i := range x.Events {
		ev := &x.Events[i]
		if ev.Trigger == nil {
			continue
		}
		best, bestLen := "", -1
		for _, q := range x.Quotes {
			if q.Span == nil {
				continue
			}
			if q.Span.Start <= ev.Trigger.Start && ev.Trigger.End <= q.Span.End {
				if l := q.Span.End - q.Span.Start; bestLen < 0 || l < bestLen {
					best, bestLen = q.ID, l
				}
			}
		}
		if best != "" {
			ev.AttributedTo = best
		}
	}
}

// number gives quote ids in document order.
func number(qs []sitrep.Quote) {
	sort.SliceStable(qs, func(i, j int) bool {
		a, b := qs[i].Span, qs[j].Span
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.End > b.End
	})
	for i := range qs {
		qs[i].ID = fmt.Sprintf("Q%d", i+1)
	}
}
