package quotes

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/text"
	"github.com/sitrep/sitrep/internal/tsv"
)

// cueKind says how a cue relates to its speaker and its complement.
type cueKind uint8

const (
	cueNone cueKind = iota
	// cueSay reports speech and takes a that-clause or a bare clause.
	cueSay
	// cueSayThat reports speech and takes only a that-clause.
	cueSayThat
	// cueQuote only introduces a direct quote.
	cueQuote
	// cueObj takes an object and a partial quote.
	cueObj
	// cuePart is a participle whose subject is the main clause's.
	cuePart
	// cuePartObj is a participle with an object and a partial quote.
	cuePartObj
	// cueAccording is "according to X".
	cueAccording
)

var cueClasses = map[string]cueKind{
	"say": cueSay, "saythat": cueSayThat, "quote": cueQuote, "obj": cueObj,
	"part": cuePart, "partobj": cuePartObj, "according": cueAccording,
}

var wordClasses = map[string]bool{
	"pronoun": true, "source": true, "role": true, "docnoun": true, "naming": true,
	"skip": true, "aux": true, "object": true, "prep": true, "postmod": true,
	"notname": true, "particle": true, "boundary": true, "conj": true,
	"adverbial": true, "indef": true, "passive": true, "notcue": true,
	"det": true, "mod": true, "subord": true,
}

// phrases is a set of folded token sequences indexed by their first token.
type phrases struct {
	first map[string][][]string
}

func (p *phrases) add(words []string) {
	if p.first == nil {
		p.first = map[string][][]string{}
	}
	for _, w := range p.first[words[0]] {
		if strings.Join(w, " ") == strings.Join(words, " ") {
			return
		}
	}
	p.first[words[0]] = append(p.first[words[0]], words)
	sort.SliceStable(p.first[words[0]], func(i, j int) bool {
		return len(p.first[words[0]][i]) > len(p.first[words[0]][j])
	})
}

// remove takes a phrase out of the set.
func (p *phrases) remove(words []string) {
	key := strings.Join(words, " ")
	ws := p.first[words[0]]
	out := ws[:0]
	for _, w := range ws {
		if strings.Join(w, " ") != key {
			out = append(out, w)
		}
	}
	p.first[words[0]] = out
}

// at returns the length of the longest phrase that starts at keys[i], or 0.
func (p *phrases) at(keys []string, i int) int {
	if i < 0 || i >= len(keys) {
		return 0
	}
	for _, w := range p.first[keys[i]] {
		if i+len(w) > len(keys) {
			continue
		}
		ok := true
		for j := range w {
			if keys[i+j] != w[j] {
				ok = false
				break
			}
		}
		if ok {
			return len(w)
		}
	}
	return 0
}

// endingAt returns the length of the longest phrase that ends just before
// keys[end], or 0.
func (p *phrases) endingAt(keys []string, end int) int {
	best := 0
	for start := end - 1; start >= 0 && end-start <= 4; start-- {
		if n := p.at(keys, start); n == end-start && n > best {
			best = n
		}
	}
	return best
}

// has reports whether the single word w is in the set.
func (p *phrases) has(w string) bool {
	for _, ws := range p.first[w] {
		if len(ws) == 1 {
			return true
		}
	}
	return false
}

// lexicon is everything the finder reads from its word lists.
type lexicon struct {
	cues  phrases
	kinds map[string]cueKind // joined folded phrase -> kind
	class map[string]*phrases
}

func splitPhrase(s string) []string {
	return strings.Fields(text.Fold(strings.TrimSpace(s)))
}

func newLexicon(ds *dict.Set) (*lexicon, error) {
	lx := &lexicon{kinds: map[string]cueKind{}, class: map[string]*phrases{}}
	for c := range wordClasses {
		lx.class[c] = &phrases{}
	}
	srcs, err := ds.Files("quotes.tsv")
	if err != nil {
		return nil, fmt.Errorf("quotes: %w", err)
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("quotes: no quotes.tsv")
	}
	// the embedded list first; a user's rows add phrases, or take one out
	// when it starts with "-" (cues at the end, after dict/cues.tsv)
	var removed [][]string
	for _, src := range srcs {
		err := tsv.Parse(src.Data, func(r tsv.Row) error {
			cls, phrase := strings.ToLower(r.Field(0)), r.Field(1)
			remove := strings.HasPrefix(phrase, "-")
			words := splitPhrase(strings.TrimPrefix(phrase, "-"))
			if len(words) == 0 {
				return fmt.Errorf("line %d: empty phrase", r.Line)
			}
			if k, ok := cueClasses[cls]; ok {
				if remove {
					removed = append(removed, words)
				} else {
					lx.addCue(words, k, true)
				}
				return nil
			}
			if !wordClasses[cls] {
				return fmt.Errorf("line %d: unknown class %q", r.Line, cls)
			}
			if remove {
				lx.class[cls].remove(words)
			} else {
				lx.class[cls].add(words)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("quotes: %s: %w", src.Name, err)
		}
	}
	if ds != nil {
		srcs, err := ds.Files("cues.tsv")
		if err != nil {
			return nil, fmt.Errorf("quotes: %w", err)
		}
		for _, s := range srcs {
			err := tsv.Parse(s.Data, func(r tsv.Row) error {
				phrase := r.Field(0)
				remove := strings.HasPrefix(phrase, "-")
				words := splitPhrase(strings.TrimPrefix(phrase, "-"))
				if len(words) == 0 {
					return nil
				}
				report := false
				for _, k := range r.List(1) {
					if strings.EqualFold(k, "report") {
						report = true
					}
				}
				if !report {
					return nil
				}
				if remove {
					lx.removeCue(words)
					return nil
				}
				lx.addCue(words, cueSayThat, false)
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("quotes: %s: %w", s.Name, err)
			}
		}
	}
	for _, words := range removed {
		lx.removeCue(words)
	}
	return lx, nil
}

// addCue adds a cue phrase; a phrase from cues.tsv (own=false) never
// changes the class of a phrase of the quote finder's own list, and
// adverbs and passive participles are not reporting verbs on their own.
func (lx *lexicon) addCue(words []string, k cueKind, own bool) {
	key := strings.Join(words, " ")
	if _, ok := lx.kinds[key]; ok && !own {
		return
	}
	if !own {
		// adverbs, passives, media reporting and phrases that start with
		// their subject or a preposition ("officials said", "in a
		// statement") are not cues here: the finder reads subjects itself
		first, last := words[0], words[len(words)-1]
		if strings.HasSuffix(first, "ly") || last == "by" {
			return
		}
		for _, c := range []string{"skip", "notcue", "passive", "det", "indef", "source", "pronoun", "prep"} {
			if lx.class[c].has(first) {
				return
			}
		}
		// "said on X" reads like "said"
		if len(words) > 1 {
			if fk, ok := lx.kinds[first]; ok {
				k = fk
			}
		}
	}
	lx.kinds[key] = k
	lx.cues.add(words)
}

func (lx *lexicon) removeCue(words []string) {
	key := strings.Join(words, " ")
	delete(lx.kinds, key)
	ws := lx.cues.first[words[0]]
	out := ws[:0]
	for _, w := range ws {
		if strings.Join(w, " ") != key {
			out = append(out, w)
		}
	}
	lx.cues.first[words[0]] = out
}

// cueAt returns the cue that starts at keys[i]: its length and kind.
func (lx *lexicon) cueAt(keys []string, i int) (int, cueKind) {
	n := lx.cues.at(keys, i)
	if n == 0 {
		return 0, cueNone
	}
	return n, lx.kinds[strings.Join(keys[i:i+n], " ")]
}

func (lx *lexicon) is(class, w string) bool { return lx.class[class].has(w) }

func (lx *lexicon) at(class string, keys []string, i int) int { return lx.class[class].at(keys, i) }
