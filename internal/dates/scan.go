package dates

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// tokKind is the class of a token.
type tokKind uint8

const (
	tkWord tokKind = iota + 1
	tkNum
	tkPunct
)

// token is a run of letters, a run of ASCII digits or one other character.
// Whitespace separates tokens and is not a token itself, so two tokens that
// follow each other in the slice have only whitespace between them.
type token struct {
	start, end int
	kind       tokKind
	nl         bool // the whitespace before the token holds a line break
	upper      bool // a word that starts with an upper-case letter
	w          *wordInfo
	num        int  // value of a number token of up to 9 digits
	ndig       int  // digits of a number token
	r          rune // the character of a punctuation token
}

// tokenize appends the tokens of text[from:to] to dst.
func (r *Resolver) tokenize(text string, from, to int, dst []token) []token {
	var buf [32]byte
	nl := false
	i := from
	for i < to {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f':
				i++
				continue
			case c == '\n':
				nl = true
				i++
				continue
			case c >= '0' && c <= '9':
				j, v := i, 0
				for j < to && text[j] >= '0' && text[j] <= '9' {
					if j-i < 9 {
						v = v*10 + int(text[j]-'0')
					}
					j++
				}
				dst = append(dst, token{start: i, end: j, kind: tkNum, nl: nl, num: v, ndig: j - i})
				nl = false
				i = j
				continue
			case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
				// a word, handled below
			default:
				dst = append(dst, token{start: i, end: i + 1, kind: tkPunct, nl: nl, r: rune(c)})
				nl = false
				i++
				continue
			}
		} else {
			ru, size := utf8.DecodeRuneInString(text[i:to])
			switch {
			case unicode.IsSpace(ru):
				if ru == '\u2028' || ru == '\u2029' || ru == '\u0085' {
					nl = true
				}
				i += size
				continue
			case !unicode.IsLetter(ru):
				dst = append(dst, token{start: i, end: i + size, kind: tkPunct, nl: nl, r: ru})
				nl = false
				i += size
				continue
			}
		}
		// A word: letters and combining marks.
		j := i
		ascii := true
		first := true
		upper := false
		for j < to {
			b := text[j]
			if b < utf8.RuneSelf {
				if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z') {
					break
				}
				if first {
					upper = b >= 'A' && b <= 'Z'
				}
				j++
			} else {
				ru, size := utf8.DecodeRuneInString(text[j:to])
				if !unicode.IsLetter(ru) && !unicode.IsMark(ru) {
					break
				}
				if first {
					upper = unicode.IsUpper(ru)
				}
				ascii = false
				j += size
			}
			first = false
		}
		t := token{start: i, end: j, kind: tkWord, nl: nl, upper: upper}
		if ascii && j-i <= r.lx.maxWord && j-i <= len(buf) {
			n := 0
			for k := i; k < j; k++ {
				b := text[k]
				if b >= 'A' && b <= 'Z' {
					b += 'a' - 'A'
				}
				buf[n] = b
				n++
			}
			t.w = r.lx.words[string(buf[:n])]
		}
		dst = append(dst, t)
		nl = false
		i = j
	}
	return dst
}

// mkind is the kind of a found expression.
type mkind uint8

const (
	mAbs     mkind = iota + 1 // calendar fields: year, month, day (some may be zero)
	mWeekday                  // a weekday name, resolved against the anchor
	mRel                      // a fixed relative phrase ("last month")
	mAgo                      // "N units ago"
)

// match is one temporal expression before resolution.
type match struct {
	startTok, endTok int // token range [startTok, endTok)
	kind             mkind
	year, month, day int
	weekday          time.Weekday // mWeekday, or a weekday named with an mAbs date
	hasWeekday       bool
	shift            int // last (-1), this (0), next (+1)
	hasShift         bool
	unit             unit
	n                int // offset of mRel, count of mAgo
}

// scanner finds expressions in one token slice.
type scanner struct {
	lx      *lexicon
	text    string
	toks    []token
	lastEnd int // token index just after the previous match, -1 when none
}

func (s *scanner) ok(i int) bool { return i >= 0 && i < len(s.toks) }

// cont reports whether token i exists and is on the same line as token i-1.
func (s *scanner) cont(i int) bool { return s.ok(i) && !s.toks[i].nl }

// adj reports whether token i exists and touches token i-1.
func (s *scanner) adj(i int) bool {
	return i > 0 && i < len(s.toks) && s.toks[i].start == s.toks[i-1].end
}

func (s *scanner) word(i int) *wordInfo {
	if s.ok(i) && s.toks[i].kind == tkWord {
		return s.toks[i].w
	}
	return nil
}

func (s *scanner) punct(i int, r rune) bool {
	return s.ok(i) && s.toks[i].kind == tkPunct && s.toks[i].r == r
}

func (s *scanner) lit(i int, w string) bool {
	return s.ok(i) && s.toks[i].kind == tkWord && strings.EqualFold(s.text[s.toks[i].start:s.toks[i].end], w)
}

func isDash(r rune) bool { return r == '-' || r == '‐' || r == '‑' || r == '–' || r == '—' }

// prevIsThe reports whether the word before token i is "the" ("the last week
// of the war" is not "last week").
func (s *scanner) prevIsThe(i int) bool { return i > 0 && s.cont(i) && s.lit(i-1, "the") }

// triggered reports whether token i follows a trigger word ("in", "since") or
// a connector right after another date ("between 2011 and 2015").
func (s *scanner) triggered(i int) bool {
	if i <= 0 || !s.cont(i) {
		return false
	}
	w := s.word(i - 1)
	return w.has(fTrigger) || (w.has(fConnector) && s.lastEnd == i-1)
}

// yearCore reports whether token i is a plausible year on its own right side:
// four digits in 1900-2100, not a decade ("1990s"), not a count ("2000
// troops"), not part of a larger number or a percentage.
func (s *scanner) yearCore(i int) (int, bool) {
	if !s.ok(i) {
		return 0, false
	}
	t := &s.toks[i]
	if t.kind != tkNum || t.ndig != 4 || t.num < 1900 || t.num > 2100 {
		return 0, false
	}
	if s.adj(i + 1) {
		n := &s.toks[i+1]
		if n.kind == tkWord || n.kind == tkNum || n.r == '%' {
			return 0, false
		}
		if (n.r == ',' || n.r == '.' || n.r == ':') && s.adj(i+2) && s.toks[i+2].kind == tkNum {
			return 0, false
		}
	}
	if s.cont(i+1) && s.word(i+1).has(fCountNoun) {
		return 0, false
	}
	return t.num, true
}

// yearPrevOK reports whether token i, a year, is not glued to what precedes
// it ("F-2025", "$2000", "A2000").
func (s *scanner) yearPrevOK(i int) bool {
	if !s.adj(i) {
		return true
	}
	p := &s.toks[i-1]
	if p.kind != tkPunct {
		return false
	}
	switch p.r {
	case '(', '[', '"', '\'', '‘', '“':
		return true
	}
	return false
}

// dayAt parses a day of the month at token i ("23", "23rd") and returns the
// token index after it.
func (s *scanner) dayAt(i int) (int, int, bool) {
	if !s.ok(i) {
		return 0, 0, false
	}
	t := &s.toks[i]
	if t.kind != tkNum || t.ndig > 2 || t.num < 1 || t.num > 31 {
		return 0, 0, false
	}
	if s.adj(i) {
		p := &s.toks[i-1]
		switch {
		case p.kind != tkPunct:
			return 0, 0, false
		case isDash(p.r):
			// "10-12 March" is a range; "F-16" is a name.
			if !(s.adj(i-1) && s.toks[i-2].kind == tkNum) {
				return 0, 0, false
			}
		case p.r == '.' || p.r == ',' || p.r == ':' || p.r == '/' || p.r == '$' || p.r == '#':
			return 0, 0, false
		}
	}
	j := i + 1
	if s.adj(j) {
		n := &s.toks[j]
		switch {
		case n.kind == tkWord:
			if !n.w.has(fOrdinal) {
				return 0, 0, false
			}
			j++
		case n.kind == tkNum || n.r == '%':
			return 0, 0, false
		case (n.r == ',' || n.r == '.' || n.r == ':' || n.r == '/') && s.adj(j+1) && s.toks[j+1].kind == tkNum:
			return 0, 0, false
		}
	}
	return t.num, j, true
}

// monthAt parses a month name at token i and returns the token index after
// it (after the dot of an abbreviation).
func (s *scanner) monthAt(i int) (int, int, bool) {
	w := s.word(i)
	if !w.has(fMonth) {
		return 0, 0, false
	}
	if w.has(fAmbiguous) && !s.toks[i].upper {
		return 0, 0, false
	}
	if s.adj(i) && s.toks[i-1].kind != tkPunct {
		return 0, 0, false
	}
	j := i + 1
	if w.has(fMonthAbbr) && s.punct(j, '.') && s.adj(j) {
		j++
	}
	if s.adj(j) && (s.toks[j].kind == tkWord || s.toks[j].kind == tkNum) {
		return 0, 0, false
	}
	return w.month, j, true
}

func daysIn(year, month int) int {
	if year == 0 {
		year = 2000 // a leap year: allow 29 February without a year
	}
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// optYear parses an optional ", 2025" or " 2025" after a date at token j.
func (s *scanner) optYear(j int) (int, int) {
	k := j
	if s.punct(k, ',') && s.cont(k) {
		k++
	}
	if s.cont(k) {
		if y, ok := s.yearCore(k); ok && !s.adj(k) {
			return y, k + 1
		}
	}
	return 0, j
}

// matchISO: 2025-07-23, 2025/07/23.
func (s *scanner) matchISO(i int) (match, bool) {
	y, ok := s.yearCore4(i)
	if !ok || !s.yearPrevOK(i) {
		return match{}, false
	}
	sep := rune(0)
	if s.ok(i+1) && s.toks[i+1].kind == tkPunct && (s.toks[i+1].r == '-' || s.toks[i+1].r == '/') {
		sep = s.toks[i+1].r
	}
	if sep == 0 || !s.adj(i+1) || !s.adj(i+2) || !s.adj(i+3) || !s.adj(i+4) || !s.punct(i+3, sep) {
		return match{}, false
	}
	m, d := &s.toks[i+2], &s.toks[i+4]
	if m.kind != tkNum || d.kind != tkNum || m.ndig > 2 || d.ndig > 2 {
		return match{}, false
	}
	if m.num < 1 || m.num > 12 || d.num < 1 || d.num > daysIn(y, m.num) {
		return match{}, false
	}
	if s.adj(i+5) && s.toks[i+5].kind == tkNum {
		return match{}, false
	}
	return match{startTok: i, endTok: i + 5, kind: mAbs, year: y, month: m.num, day: d.num}, true
}

// yearCore4 is the range test of yearCore without the right-context checks,
// for ISO dates whose year is followed by a dash.
func (s *scanner) yearCore4(i int) (int, bool) {
	if !s.ok(i) {
		return 0, false
	}
	t := &s.toks[i]
	if t.kind != tkNum || t.ndig != 4 || t.num < 1900 || t.num > 2100 {
		return 0, false
	}
	return t.num, true
}

// matchDayFirst: "10 March", "23rd of July", "10 March 2025", "the 10 March agreement".
func (s *scanner) matchDayFirst(i int) (match, bool) {
	d, j, ok := s.dayAt(i)
	if !ok {
		return match{}, false
	}
	if s.cont(j) && s.lit(j, "of") {
		j++
	}
	if !s.cont(j) {
		return match{}, false
	}
	mo, k, ok := s.monthAt(j)
	if !ok {
		return match{}, false
	}
	y, end := s.optYear(k)
	if d > daysIn(y, mo) {
		return match{}, false
	}
	return match{startTok: i, endTok: end, kind: mAbs, year: y, month: mo, day: d}, true
}

// matchMonthFirst: "July 23", "Jan. 5", "March 10, 2025", "March 2025",
// "mid-July", "early March", "last March", "in July".
func (s *scanner) matchMonthFirst(i int) (match, bool) {
	j := i
	res := match{startTok: i, kind: mAbs}
	mod := false
	w := s.word(j)
	switch {
	case w.has(fShift) && !s.prevIsThe(j) && s.cont(j+1) && s.word(j+1).has(fMonth):
		res.hasShift, res.shift = true, w.shift
		j++
	case w.has(fModifier):
		k := j + 1
		if s.ok(k) && s.toks[k].kind == tkPunct && isDash(s.toks[k].r) && s.adj(k) && s.adj(k+1) {
			k++
		}
		if !s.cont(k) || !s.word(k).has(fMonth) {
			return match{}, false
		}
		mod = true
		j = k
	}
	mo, k, ok := s.monthAt(j)
	if !ok {
		return match{}, false
	}
	res.month = mo
	if !mod && !res.hasShift && s.cont(k) {
		if d, k2, ok := s.dayAt(k); ok {
			y, end := s.optYear(k2)
			if d <= daysIn(y, mo) {
				res.day, res.year, res.endTok = d, y, end
				return res, true
			}
		}
	}
	if !res.hasShift {
		if y, end := s.optYear(k); y != 0 {
			res.year, res.endTok = y, end
			return res, true
		}
	}
	// A month name alone.
	mw := s.word(j)
	switch {
	case mod || res.hasShift || s.triggered(i):
	case mw.has(fMonthAbbr) || mw.has(fAmbiguous) || !s.toks[j].upper:
		return match{}, false
	}
	res.endTok = k
	return res, true
}

// matchYear: "in 2024", "since 2011", "early 2025", "mid-2024".
func (s *scanner) matchYear(i int) (match, bool) {
	if s.word(i).has(fModifier) {
		k := i + 1
		if s.ok(k) && s.toks[k].kind == tkPunct && isDash(s.toks[k].r) && s.adj(k) && s.adj(k+1) {
			k++
		} else if s.adj(k) {
			return match{}, false
		}
		if !s.cont(k) {
			return match{}, false
		}
		if y, ok := s.yearCore(k); ok {
			return match{startTok: i, endTok: k + 1, kind: mAbs, year: y}, true
		}
		return match{}, false
	}
	y, ok := s.yearCore(i)
	if !ok || !s.yearPrevOK(i) {
		return match{}, false
	}
	if s.triggered(i) || (s.cont(i) && s.word(i-1).has(fYearTrigger)) {
		return match{startTok: i, endTok: i + 1, kind: mAbs, year: y}, true
	}
	return match{}, false
}

// matchWeekday: "Wednesday", "last Tuesday", "early on Thursday", "Monday
// night", "Wednesday, July 23".
func (s *scanner) matchWeekday(i int) (match, bool) {
	j := i
	res := match{startTok: i, kind: mWeekday}
	w := s.word(j)
	switch {
	case w.has(fShift) && !s.prevIsThe(j) && s.cont(j+1) && s.word(j+1).has(fWeekday):
		res.hasShift, res.shift = true, w.shift
		j++
	case w.has(fDayPrefix):
		k := j + 1
		if s.cont(k) && s.lit(k, "on") {
			k++
		}
		if !s.cont(k) || !s.word(k).has(fWeekday) {
			return match{}, false
		}
		j = k
	}
	wd := s.word(j)
	if !wd.has(fWeekday) {
		return match{}, false
	}
	if (s.adj(j) && s.toks[j-1].kind != tkPunct) || (s.adj(j+1) && s.toks[j+1].kind != tkPunct) {
		return match{}, false
	}
	if s.cont(j+1) && s.toks[j+1].upper && s.word(j+1).has(fWeekdayBlock) {
		return match{}, false
	}
	res.weekday = wd.weekday
	end := j + 1
	if j == i {
		// "Wednesday, July 23" and "Wednesday 23 July": one expression.
		k := end
		if s.punct(k, ',') && s.cont(k) {
			k++
		}
		if s.cont(k) {
			m, ok := s.matchDayFirst(k)
			if !ok {
				m, ok = s.matchMonthFirst(k)
			}
			if ok && m.day > 0 {
				m.startTok = i
				m.weekday, m.hasWeekday = wd.weekday, true
				return m, true
			}
		}
	}
	if s.cont(end) && s.word(end).has(fDaypart) {
		end++
	}
	res.endTok = end
	return res, true
}

// matchRel: the fixed phrases of words.tsv ("yesterday", "last month").
func (s *scanner) matchRel(i int) (match, bool) {
	w := s.word(i)
	if !w.has(fRelStart) {
		return match{}, false
	}
	if w.has(fShift) && s.prevIsThe(i) {
		return match{}, false
	}
	if s.adj(i) && s.toks[i-1].kind != tkPunct {
		return match{}, false
	}
next:
	for _, p := range s.lx.rel[w.key] {
		for k := 1; k < len(p.words); k++ {
			x := s.word(i + k)
			if x == nil || !s.cont(i+k) || x.key != p.words[k] {
				continue next
			}
		}
		end := i + len(p.words)
		if s.adj(end) && s.toks[end].kind != tkPunct {
			continue
		}
		if len(p.words) == 1 && p.unit == uDay && s.cont(end) && s.word(end).has(fDaypart) {
			end++
		}
		return match{startTok: i, endTok: end, kind: mRel, unit: p.unit, n: p.offset}, true
	}
	return match{}, false
}

// matchAgo: "two days ago", "3 weeks ago", "a year ago".
func (s *scanner) matchAgo(i int) (match, bool) {
	if !s.ok(i) {
		return match{}, false
	}
	n := 0
	t := &s.toks[i]
	switch {
	case t.kind == tkNum && t.ndig <= 3 && !s.adj(i):
		n = t.num
	case t.w.has(fNumber):
		n = t.w.number
	default:
		return match{}, false
	}
	u := s.word(i + 1)
	if !u.has(fUnit) || !s.cont(i+1) || !s.cont(i+2) || !s.word(i+2).has(fAgo) {
		return match{}, false
	}
	return match{startTok: i, endTok: i + 3, kind: mAgo, unit: u.unit, n: n * u.unitMult}, true
}

// scan appends every expression of s.toks to out, left to right, taking the
// longest expression at each position.
func (s *scanner) scan(out []match) []match {
	s.lastEnd = -1
	for i := 0; i < len(s.toks); {
		t := &s.toks[i]
		var best match
		found := false
		take := func(m match, ok bool) {
			if ok && (!found || m.endTok > best.endTok) {
				best, found = m, true
			}
		}
		switch {
		case t.kind == tkNum:
			take(s.matchISO(i))
			take(s.matchDayFirst(i))
			take(s.matchYear(i))
			take(s.matchAgo(i))
		case t.kind == tkWord && t.w != nil:
			take(s.matchWeekday(i))
			take(s.matchMonthFirst(i))
			take(s.matchYear(i))
			take(s.matchRel(i))
			take(s.matchAgo(i))
		}
		if !found {
			i++
			continue
		}
		out = append(out, best)
		s.lastEnd = best.endTok
		i = best.endTok
	}
	return out
}
