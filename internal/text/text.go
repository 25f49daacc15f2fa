// Package text is sitrep's text layer: normalisation, folding for
// matching, tokens with byte offsets, and sentence segmentation that knows
// titles and abbreviations.
package text

import (
	"bufio"
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sitrep/sitrep"
)

//go:embed abbreviations.txt
var abbreviationData string

// Segmenter splits text into sentences. It is safe for concurrent use.
type Segmenter struct {
	abbrev map[string]bool
}

// NewSegmenter builds a segmenter with the embedded abbreviation list plus
// any extra abbreviations given (without their final period).
func NewSegmenter(extra ...string) *Segmenter {
	s := &Segmenter{abbrev: map[string]bool{}}
	sc := bufio.NewScanner(strings.NewReader(abbreviationData))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s.abbrev[line] = true
	}
	for _, e := range extra {
		s.abbrev[e] = true
	}
	return s
}

// Normalize returns s in NFC with CRLF/CR line ends turned into LF.
func Normalize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return norm.NFC.String(s)
}

// Fold maps s to its matching key: lower case, no diacritics, Turkish
// dotted and dotless i folded to i, typographic apostrophes and dashes to
// ASCII ones.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
		}
		return b.String()
	}
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'ı' || r == 'İ':
			r = 'i'
		case r == '’' || r == '‘' || r == 'ʼ' || r == '`' || r == 'ʻ':
			r = '\''
		case r == '‐' || r == '‑' || r == '–' || r == '—':
			r = '-'
		case r == 'ß':
			b.WriteString("ss")
			continue
		case r == 'ø' || r == 'Ø':
			r = 'o'
		case r == 'æ':
			b.WriteString("ae")
			continue
		case r == 'ł' || r == 'Ł':
			r = 'l'
		case r == 'đ' || r == 'Đ':
			r = 'd'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Token kinds.
const (
	Word   = 'w'
	Number = 'n'
	Punct  = 'p'
)

// Token is a word, number or punctuation mark with its byte offsets into
// the document text.
type Token struct {
	Start, End int
	Text       string
	// Key is the folded form used for matching.
	Key  string
	Kind byte
	// Cap is true when the token starts with an upper-case letter.
	Cap bool
	// AllCaps is true for words of two or more letters all in upper case.
	AllCaps bool
}

// Is reports whether the token's folded key is one of keys.
func (t Token) Is(keys ...string) bool {
	for _, k := range keys {
		if t.Key == k {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

func isHyphen(r rune) bool { return r == '-' || r == '‐' || r == '‑' }

// Tokenize splits s into tokens. base is added to every offset, so that a
// sentence can be tokenised with offsets into the whole document.
//
// Words keep internal hyphens (al-Sharaa, air-defense) and apostrophes
// (O'Brien); a possessive 's is its own token. Dotted abbreviations (U.S.,
// Adm.) keep their periods when the segmenter knows them or they are
// letter-dot sequences.
func (sg *Segmenter) Tokenize(s string, base int) []Token {
	toks := make([]Token, 0, len(s)/5+1)
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += w
			continue
		}
		start := i
		if !isWordRune(r) {
			i += w
			kind := byte(Punct)
			// possessive ’s is one token
			if isApostrophe(r) && i < len(s) && (s[i] == 's' || s[i] == 'S') {
				if i+1 == len(s) {
					i++
					kind = Word
				} else if r4, _ := utf8.DecodeRuneInString(s[i+1:]); !isWordRune(r4) {
					i++
					kind = Word
				}
			}
			toks = append(toks, sg.token(s, start, i, base, kind))
			continue
		}
		// a word or number
		j := i + w
		for j < len(s) {
			r2, w2 := utf8.DecodeRuneInString(s[j:])
			if isWordRune(r2) {
				j += w2
				continue
			}
			if (isHyphen(r2) || isApostrophe(r2) || r2 == '.' || r2 == ',') && j+w2 < len(s) {
				r3, _ := utf8.DecodeRuneInString(s[j+w2:])
				if !isWordRune(r3) {
					break
				}
				// possessive 's / ’s ends the word
				if isApostrophe(r2) && (r3 == 's' || r3 == 'S') {
					k := j + w2 + 1
					if k >= len(s) {
						break
					}
					r4, _ := utf8.DecodeRuneInString(s[k:])
					if !isWordRune(r4) {
						break
					}
				}
				// '.' and ',' only inside numbers (1,000 and 2.5) or letter-dot abbreviations
				if r2 == '.' || r2 == ',' {
					prev, _ := utf8.DecodeLastRuneInString(s[:j])
					if !(unicode.IsDigit(prev) && unicode.IsDigit(r3)) {
						if r2 == ',' || !sg.dottedStart(s[start:j]) {
							break
						}
					}
				}
				j += w2
				continue
			}
			break
		}
		// keep the final period of a known abbreviation or dotted acronym
		if j < len(s) && s[j] == '.' {
			word := s[start:j]
			if sg.abbrev[word] || strings.Contains(word, ".") || (utf8.RuneCountInString(word) == 1 && unicode.IsUpper(r)) {
				j++
			}
		}
		kind := byte(Word)
		if unicode.IsDigit(r) {
			kind = Number
		}
		i = j
		toks = append(toks, sg.token(s, start, j, base, kind))
	}
	return toks
}

// dottedStart reports whether w (so far) is a letter-dot sequence such as
// "U" or "U.S" that may continue as an acronym.
func (sg *Segmenter) dottedStart(w string) bool {
	parts := strings.Split(w, ".")
	for _, p := range parts {
		if utf8.RuneCountInString(p) != 1 {
			return false
		}
	}
	return true
}

func (sg *Segmenter) token(s string, start, end, base int, kind byte) Token {
	t := s[start:end]
	tok := Token{Start: base + start, End: base + end, Text: t, Kind: kind}
	tok.Key = Fold(t)
	if kind == Word {
		r, _ := utf8.DecodeRuneInString(t)
		tok.Cap = unicode.IsUpper(r)
		if tok.Cap {
			letters, upper := 0, 0
			for _, c := range t {
				if unicode.IsLetter(c) {
					letters++
					if unicode.IsUpper(c) {
						upper++
					}
				}
			}
			tok.AllCaps = letters >= 2 && letters == upper
		}
	}
	return tok
}

var closers = "\"'”’»)]"

// Sentences splits the document text into sentences with byte offsets.
// Lines are paragraphs: a line break ends a sentence unless the line does
// not end a clause and the next one starts in lower case (hard-wrapped
// text). Inside a line a sentence ends at . ! or ? (and any closing quote
// or bracket) followed by space and an upper-case letter, a digit or an
// opening quote, unless the period belongs to a title or abbreviation.
func (sg *Segmenter) Sentences(doc string) []sitrep.Sentence {
	var out []sitrep.Sentence
	add := func(a, b int) {
		// trim space
		for a < b {
			r, w := utf8.DecodeRuneInString(doc[a:])
			if !unicode.IsSpace(r) {
				break
			}
			a += w
		}
		for b > a {
			r, w := utf8.DecodeLastRuneInString(doc[:b])
			if !unicode.IsSpace(r) {
				break
			}
			b -= w
		}
		if b > a {
			out = append(out, sitrep.Sentence{Index: len(out), Start: a, End: b, Text: doc[a:b]})
		}
	}
	start := 0
	i := 0
	for i < len(doc) {
		c := doc[i]
		if c == '\n' {
			if sg.joinLines(doc, start, i) {
				i++
				continue
			}
			add(start, i)
			i++
			start = i
			continue
		}
		if c == '.' || c == '!' || c == '?' {
			end := i + 1
			for end < len(doc) && doc[end] == c { // "?!" or "..."
				end++
			}
			for end < len(doc) {
				r, w := utf8.DecodeRuneInString(doc[end:])
				if !strings.ContainsRune(closers, r) {
					break
				}
				end += w
			}
			if sg.isBoundary(doc, start, i, end) {
				add(start, end)
				start = end
			}
			i = end
			continue
		}
		i++
	}
	add(start, len(doc))
	return out
}

// joinLines reports whether the line break at nl continues the sentence.
func (sg *Segmenter) joinLines(doc string, start, nl int) bool {
	line := strings.TrimSpace(doc[start:nl])
	if line == "" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	if strings.ContainsRune(".!?:;"+closers, last) {
		return false
	}
	rest := doc[nl+1:]
	if len(rest) == 0 || rest[0] == '\n' {
		return false
	}
	rest = strings.TrimLeft(rest, " \t")
	r, _ := utf8.DecodeRuneInString(rest)
	return unicode.IsLower(r)
}

// common words that start a sentence after an acronym such as "U.S."
var sentenceStarters = map[string]bool{
	"The": true, "A": true, "An": true, "He": true, "She": true, "It": true, "They": true,
	"We": true, "I": true, "But": true, "And": true, "In": true, "On": true, "This": true,
	"That": true, "These": true, "Those": true, "His": true, "Her": true, "Their": true,
	"Its": true, "There": true, "Officials": true, "However": true, "Meanwhile": true,
}

// isBoundary decides whether the punctuation at p (through end) ends a sentence.
func (sg *Segmenter) isBoundary(doc string, start, p, end int) bool {
	// what follows must be space (or end of text), then a sentence start
	if end >= len(doc) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(doc[end:])
	if !unicode.IsSpace(r) {
		return false
	}
	j := end
	for j < len(doc) {
		r, w := utf8.DecodeRuneInString(doc[j:])
		if r == '\n' || !unicode.IsSpace(r) {
			break
		}
		j += w
	}
	if j >= len(doc) || doc[j] == '\n' {
		return true
	}
	next, _ := utf8.DecodeRuneInString(doc[j:])
	if !(unicode.IsUpper(next) || unicode.IsDigit(next) || strings.ContainsRune("\"'“‘«„(", next)) {
		return false
	}
	if doc[p] != '.' || end != p+1 {
		return true
	}
	// the word before the period
	k := p
	for k > start {
		r, w := utf8.DecodeLastRuneInString(doc[:k])
		if unicode.IsSpace(r) || strings.ContainsRune("(\"“‘'«", r) {
			break
		}
		k -= w
	}
	word := doc[k:p]
	if word == "" {
		return true
	}
	nextWord := doc[j:]
	if sp := strings.IndexFunc(nextWord, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }); sp > 0 {
		nextWord = nextWord[:sp]
	}
	if sg.abbrev[word] {
		// "No." only abbreviates before a number
		if word == "No" || word == "Nos" {
			return !unicode.IsDigit(next)
		}
		return false
	}
	if sg.dottedStart(word) { // single initial or U.S / U.N
		if strings.Contains(word, ".") {
			return sentenceStarters[nextWord]
		}
		r, _ := utf8.DecodeRuneInString(word)
		if unicode.IsUpper(r) {
			return false // an initial: "John F. Kennedy"
		}
	}
	return true
}
