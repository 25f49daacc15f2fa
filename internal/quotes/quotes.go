// Package quotes finds direct and indirect quotes in a report and
// attributes them to their speakers.
//
// Direct quotes are the text between quote marks: "…", “…”, «…», »…«,
// „…“, '…' and ‘…’. A mark between two letters is an apostrophe (Syria’s,
// don't); a single closing mark after a plural "s" is a possessive when a
// later mark closes the quote; a quote inside a quote is part of it; a
// quote closes in its paragraph unless the next paragraph opens again. A
// quoted name after "so-called", "dubbed" and the like is not a quote, and
// neither is a quote of fewer than five words without a speaker.
//
// The speaker comes from a reporting cue (said, told reporters, noted,
// according to …, from dict/quotes.tsv and the "report" rows of
// dict/cues.tsv) and its subject: before the cue ("X said"), after it
// ("…,” said X"), across an appositive ("X, a spokesman for Y, said"), or
// inherited from the main clause (", adding that …", "… and said …"). A
// quote after a colon takes the cue (or else the subject) of the clause the
// colon ends; a quote that opens its sentence takes the first cue after
// it; a quote inside a sentence takes the nearest cue before it, else the
// first after it. A quote that stands alone right after an attributed one
// continues it, with an empty cue, as does the second part of a quote
// split by its cue (“…,” said X, “…”). Pronouns and
// definite role nouns ("he said", "the spokesman said") point back to the
// person who last spoke or was a subject, preferring one with that role;
// unnamed sources ("a Defense Ministry source", "officials") are kept as
// the recogniser's mention or, without one, as written with the country
// their own words give.
//
// Indirect quotes are the clause after a cue ("that" or a bare clause with
// a finite verb), the clause before ", X said." and the rest of the
// sentence around "according to X". An indirect clause that contains
// direct quotes is kept only when they make up at most a third of its
// words, so "said that Turkey is “mobilizing teams”" gives the direct quote
// alone.
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
