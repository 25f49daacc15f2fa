// Package events is sitrep's event coder: verb and noun patterns from
// dict/verbs.txt find what was done, a shallow clause analysis finds who did
// it to whom, and the CAMEO table gives the PLOVER type, mode, context,
// Goldstein score and quad class.
package events

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/text"
	"github.com/sitrep/sitrep/internal/tsv"
)

// Code is one row of the CAMEO table.
type Code struct {
	Code      string
	Name      string
	Goldstein float64
	Quad      int
	PLOVER    string
	Mode      string
	Context   []string
}

// Table maps CAMEO codes to their descriptions.
type Table map[string]*Code

// Lookup returns the code, falling back to its parents (0332 -> 033 -> 03).
func (t Table) Lookup(code string) (*Code, bool) {
	for c := code; len(c) >= 2; c = c[:len(c)-1] {
		if x, ok := t[c]; ok {
			return x, true
		}
	}
	return nil, false
}

// LoadTable reads cameo.tsv from the dictionaries.
func LoadTable(ds *dict.Set) (Table, error) {
	srcs, err := ds.Files("cameo.tsv")
	if err != nil {
		return nil, err
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("cameo.tsv: no such dictionary file")
	}
	t := Table{}
	for _, s := range srcs {
		err := tsv.Parse(s.Data, func(r tsv.Row) error {
			code := r.Field(0)
			if strings.HasPrefix(code, "-") {
				delete(t, code[1:])
				return nil
			}
			g, err := strconv.ParseFloat(r.Field(2), 64)
			if err != nil {
				return fmt.Errorf("line %d: goldstein %q: %w", r.Line, r.Field(2), err)
			}
			q, err := strconv.Atoi(r.Field(3))
			if err != nil {
				return fmt.Errorf("line %d: quad %q: %w", r.Line, r.Field(3), err)
			}
			t[code] = &Code{Code: code, Name: r.Field(1), Goldstein: g, Quad: q, PLOVER: strings.ToUpper(r.Field(4)), Mode: r.Field(5), Context: r.List(6)}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	return t, nil
}

// Cues are the words that change how a clause is read (cues.tsv).
type Cues struct {
	// by kind: report, planned, requested, hypothetical, negated; each a
	// list of folded token sequences.
	byKind map[string][][]string
	first  map[string][]cue
}

type cue struct {
	kind  string
	words []string
}

// LoadCues reads cues.tsv.
func LoadCues(ds *dict.Set) (*Cues, error) {
	srcs, err := ds.Files("cues.tsv")
	if err != nil {
		return nil, err
	}
	c := &Cues{byKind: map[string][][]string{}, first: map[string][]cue{}}
	for _, s := range srcs {
		err := tsv.Parse(s.Data, func(r tsv.Row) error {
			phrase := text.Fold(r.Field(0))
			words := strings.Fields(strings.ReplaceAll(phrase, "n't", " n't"))
			if len(words) == 0 {
				return nil
			}
			for _, kind := range r.List(1) {
				kind = strings.ToLower(kind)
				c.byKind[kind] = append(c.byKind[kind], words)
				c.first[words[0]] = append(c.first[words[0]], cue{kind: kind, words: words})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	return c, nil
}

// At returns the kinds of the cues that start at key index i of keys, with
// their lengths.
func (c *Cues) At(keys []string, i int) []cue {
	var out []cue
	for _, cu := range c.first[keys[i]] {
		if i+len(cu.words) > len(keys) {
			continue
		}
		ok := true
		for j, w := range cu.words {
			if keys[i+j] != w {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, cu)
		}
	}
	return out
}

// Is reports whether the phrase at i is a cue of kind.
func (c *Cues) Is(keys []string, i int, kind string) (int, bool) {
	for _, cu := range c.At(keys, i) {
		if cu.kind == kind {
			return len(cu.words), true
		}
	}
	return 0, false
}

// Intents maps planned cooperative acts to the intention codes (intent.tsv).
type Intents map[string]string

// LoadIntents reads intent.tsv.
func LoadIntents(ds *dict.Set) (Intents, error) {
	srcs, err := ds.Files("intent.tsv")
	if err != nil {
		return nil, err
	}
	in := Intents{}
	for _, s := range srcs {
		if err := tsv.Parse(s.Data, func(r tsv.Row) error {
			in[r.Field(0)] = r.Field(1)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	return in, nil
}

// For returns the intention code of a planned act, or "" when the act is
// not one that PLOVER turns into an intention.
func (in Intents) For(code string) string {
	for c := code; len(c) >= 2; c = c[:len(c)-1] {
		if v, ok := in[c]; ok {
			return v
		}
	}
	return ""
}
