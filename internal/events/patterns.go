package events

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/text"
	"github.com/sitrep/sitrep/internal/tsv"
)

// element kinds of a pattern
const (
	elWord = iota
	elSynset
	elGap
	elTarget
)

// alt is one alternative of a synset: a sequence of word form sets.
type alt [][]string

type element struct {
	kind  int
	forms map[string]bool // elWord: accepted folded forms
	alts  []alt           // elSynset
	// byFirst indexes the synset's alternatives by the forms of their first word
	byFirst map[string][]alt
	name    string
	// id numbers the distinct words and synsets, for per-sentence memos
	id int32
}

// Pattern is one compiled line of verbs.txt.
type Pattern struct {
	Code     string
	Kind     byte // 'V' or 'N'
	Elements []element
	Flags    map[string]string
	Source   string // file:line
	Text     string // the line as written
	spec     int    // specificity: non-gap elements
	// predicate marks a noun pattern "NOUN * WORD": when the gap holds only
	// a verb group, WORD is what the noun did ("troops * withdraw", "war *
	// displace") and its past forms are matched like any other form
	predicate bool
	// pastLast marks a noun pattern that ends in a past form written out
	// ("drones =struck")
	pastLast bool
	// subject is the synset the head of an active verb's subject must
	// belong to ({source=&RIOTERS}), or nil
	subject *element
}

// verbForm reports whether key, matched by a noun pattern, is a past form
// of a verb the pattern does not spell out ("militants attacked" is no
// "militant attack", "the military struck" no "military strike").
func (p *Patterns) verbForm(pat *Pattern, key string) bool {
	if !p.past[key] && !(strings.HasSuffix(key, "ed") && len(key) > 4) {
		return false
	}
	for _, w := range strings.Fields(pat.Text) {
		if text.Fold(strings.TrimPrefix(w, "=")) == key {
			return false
		}
	}
	return true
}

// gapped reports whether the pattern skips words between its elements.
func (p *Pattern) gapped() bool {
	for _, e := range p.Elements {
		if e.kind == elGap {
			return true
		}
	}
	return false
}

// Patterns is the compiled pattern dictionary, indexed by trigger forms.
type Patterns struct {
	list    []*Pattern
	trigger map[string][]int32
	synsets map[string][]string
	forms   map[string][]string // lemma -> irregular forms
	// past holds the irregular past forms ("struck", "fled"): a noun
	// pattern that matched one of them matched a verb
	past map[string]bool
	// caches used while compiling
	synCache   map[string]element
	inflection map[string]map[string]bool
	ids        map[string]int32
}

// Len is the number of patterns.
func (p *Patterns) Len() int { return len(p.list) }

// LoadPatterns reads irregular.tsv and verbs.txt.
func LoadPatterns(ds *dict.Set) (*Patterns, error) {
	p := &Patterns{trigger: map[string][]int32{}, synsets: map[string][]string{}, forms: map[string][]string{}, past: map[string]bool{}, synCache: map[string]element{}, inflection: map[string]map[string]bool{}, ids: map[string]int32{}}
	srcs, err := ds.Files("irregular.tsv")
	if err != nil {
		return nil, err
	}
	for _, s := range srcs {
		if err := tsv.Parse(s.Data, func(r tsv.Row) error {
			lemma := text.Fold(r.Field(0))
			for _, f := range r.List(1) {
				f = text.Fold(f)
				p.forms[lemma] = append(p.forms[lemma], f)
				if f != lemma && !strings.HasSuffix(f, "s") && !strings.HasSuffix(f, "ing") {
					p.past[f] = true
				}
			}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	srcs, err = ds.Files("verbs.txt")
	if err != nil {
		return nil, err
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("verbs.txt: no such dictionary file")
	}
	// synsets first (from every source), then patterns
	type line struct {
		src  string
		n    int
		text string
	}
	var lines []line
	for _, s := range srcs {
		sc := bufio.NewScanner(bytes.NewReader(s.Data))
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		n := 0
		for sc.Scan() {
			n++
			t := sc.Text()
			if i := strings.Index(t, "#"); i >= 0 {
				t = t[:i]
			}
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			if strings.HasPrefix(t, "&") {
				name, rest, ok := strings.Cut(t, "=")
				if !ok {
					return nil, fmt.Errorf("%s:%d: synset without '='", s.Name, n)
				}
				name = strings.TrimSpace(name)
				var alts []string
				for _, a := range strings.Split(rest, "|") {
					if a = strings.TrimSpace(a); a != "" {
						alts = append(alts, a)
					}
				}
				p.synsets[name] = append(p.synsets[name], alts...)
				continue
			}
			lines = append(lines, line{s.Name, n, t})
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	seen := map[string]int{}
	for _, l := range lines {
		pat, err := p.compile(l.text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", l.src, l.n, err)
		}
		pat.Source = fmt.Sprintf("%s:%d", l.src, l.n)
		key := pat.Text
		if strings.HasPrefix(pat.Code, "-") {
			continue
		}
		if old, ok := seen[key]; ok {
			p.list[old] = pat // a later source overrides
			continue
		}
		seen[key] = len(p.list)
		p.list = append(p.list, pat)
	}
	for i, pat := range p.list {
		for _, f := range triggerForms(pat.Elements[0]) {
			p.trigger[f] = append(p.trigger[f], int32(i))
		}
	}
	return p, nil
}

func triggerForms(e element) []string {
	var out []string
	switch e.kind {
	case elWord:
		for f := range e.forms {
			out = append(out, f)
		}
	case elSynset:
		for _, a := range e.alts {
			if len(a) > 0 {
				out = append(out, a[0]...)
			}
		}
	}
	return out
}

// compile parses "CODE KIND elements... {flags}".
func (p *Patterns) compile(line string) (*Pattern, error) {
	flags := map[string]string{}
	for {
		i := strings.Index(line, "{")
		if i < 0 {
			break
		}
		j := strings.Index(line[i:], "}")
		if j < 0 {
			return nil, fmt.Errorf("unclosed flag")
		}
		f := line[i+1 : i+j]
		k, v, _ := strings.Cut(f, "=")
		flags[strings.TrimSpace(k)] = strings.TrimSpace(v)
		line = line[:i] + " " + line[i+j+1:]
	}
	fields := strings.Fields(line)
	if len(fields) < 3 {
		return nil, fmt.Errorf("pattern needs CODE KIND and at least one element: %q", line)
	}
	code, kind := fields[0], strings.ToUpper(fields[1])
	if kind != "V" && kind != "N" {
		return nil, fmt.Errorf("kind %q: want V or N", fields[1])
	}
	for _, c := range strings.TrimPrefix(code, "-") {
		if c < '0' || c > '9' {
			return nil, fmt.Errorf("code %q is not numeric", code)
		}
	}
	pat := &Pattern{Code: code, Kind: kind[0], Flags: flags, Text: strings.Join(fields, " ")}
	for _, f := range fields[2:] {
		var e element
		switch {
		case f == "*":
			e.kind = elGap
		case f == "+":
			e.kind = elTarget
		case strings.HasPrefix(f, "&"):
			cached, ok := p.synCache[f]
			if !ok {
				alts, err := p.expandSynset(f, 0)
				if err != nil {
					return nil, err
				}
				cached = element{kind: elSynset, alts: alts, name: f, byFirst: map[string][]alt{}}
				for _, a := range alts {
					for _, form := range a[0] {
						cached.byFirst[form] = append(cached.byFirst[form], a)
					}
				}
				p.synCache[f] = cached
			}
			e = cached
			pat.spec++
		case strings.HasPrefix(f, "="):
			e = element{kind: elWord, forms: map[string]bool{text.Fold(f[1:]): true}, name: f}
			pat.spec++
		default:
			e = element{kind: elWord, forms: p.inflect(f), name: f}
			pat.spec++
		}
		if e.kind == elWord || e.kind == elSynset {
			id, ok := p.ids[e.name]
			if !ok {
				id = int32(len(p.ids))
				p.ids[e.name] = id
			}
			e.id = id
		}
		pat.Elements = append(pat.Elements, e)
	}
	if pat.Elements[0].kind != elWord && pat.Elements[0].kind != elSynset {
		return nil, fmt.Errorf("the first element must be a word or a synset")
	}
	if src := flags["source"]; strings.HasPrefix(src, "&") {
		// {source=&RIOTERS}: the pattern holds only for that subject, and
		// outranks the same words without the condition
		if kind != "V" {
			return nil, fmt.Errorf("{source=%s}: a subject condition needs a verb pattern", src)
		}
		alts, err := p.expandSynset(src, 0)
		if err != nil {
			return nil, err
		}
		pat.subject = &element{kind: elSynset, alts: alts, name: src}
		pat.spec++
	}
	if n := len(pat.Elements); kind == "N" && n >= 2 {
		last := pat.Elements[n-1]
		switch {
		case n == 3 && pat.Elements[1].kind == elGap && (last.kind == elWord || last.kind == elSynset):
			pat.predicate = true
		case last.kind == elWord && strings.HasPrefix(last.name, "="):
			for f := range last.forms {
				if p.past[f] || strings.HasSuffix(f, "ed") {
					pat.pastLast = true
				}
			}
		}
	}
	return pat, nil
}

func (p *Patterns) expandSynset(name string, depth int) ([]alt, error) {
	if depth > 4 {
		return nil, fmt.Errorf("synset %s nests too deep", name)
	}
	items, ok := p.synsets[name]
	if !ok {
		return nil, fmt.Errorf("undefined synset %s", name)
	}
	var out []alt
	for _, it := range items {
		if strings.HasPrefix(it, "&") && !strings.Contains(it, " ") {
			sub, err := p.expandSynset(it, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
			continue
		}
		var a alt
		for _, w := range splitWords(it) {
			if strings.HasPrefix(w, "=") {
				a = append(a, []string{text.Fold(w[1:])})
				continue
			}
			a = append(a, keysOf(p.inflect(w)))
		}
		if len(a) > 0 {
			out = append(out, a)
		}
	}
	return out, nil
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// splitWords splits a phrase into matching words: spaces and hyphens.
func splitWords(s string) []string {
	return strings.FieldsFunc(text.Fold(s), func(r rune) bool { return r == ' ' || r == '-' || r == '\t' })
}

// inflect returns the regular and irregular forms of a word (as verb and as noun).
func (p *Patterns) inflect(w string) map[string]bool {
	if m, ok := p.inflection[w]; ok {
		return m
	}
	m := p.inflect1(w)
	p.inflection[w] = m
	return m
}

func (p *Patterns) inflect1(w string) map[string]bool {
	w = text.Fold(w)
	out := map[string]bool{w: true}
	for _, f := range p.forms[w] {
		out[f] = true
	}
	if len(w) < 2 {
		return out
	}
	last := w[len(w)-1]
	vowel := func(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
	// -s
	switch {
	case strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x") || strings.HasSuffix(w, "z") || strings.HasSuffix(w, "ch") || strings.HasSuffix(w, "sh"):
		out[w+"es"] = true
	case last == 'y' && !vowel(w[len(w)-2]):
		out[w[:len(w)-1]+"ies"] = true
	default:
		out[w+"s"] = true
	}
	// -ed, -ing
	switch {
	case last == 'e':
		out[w+"d"] = true
		if !strings.HasSuffix(w, "ee") {
			out[w[:len(w)-1]+"ing"] = true
		} else {
			out[w+"ing"] = true
		}
	case last == 'y' && !vowel(w[len(w)-2]):
		out[w[:len(w)-1]+"ied"] = true
		out[w+"ing"] = true
	default:
		out[w+"ed"] = true
		out[w+"ing"] = true
		if len(w) >= 3 && !vowel(last) && vowel(w[len(w)-2]) && !vowel(w[len(w)-3]) && strings.IndexByte("wxy", last) < 0 {
			out[w+string(last)+"ed"] = true
			out[w+string(last)+"ing"] = true
		}
	}
	return out
}
