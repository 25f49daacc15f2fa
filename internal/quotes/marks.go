package quotes

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote-mark families: a quote closes only with a mark of its own family.
const (
	famDouble      = iota + 1 // " “ ” „
	famSingle                 // ' ‘ ’ ‚
	famAngle                  // « »
	famAngleSingle            // ‹ ›
)

// span is a direct quote found between two marks.
type span struct {
	open, close int // byte offsets of the opening and the closing mark
	openEnd     int // first byte after the opening mark
	closeEnd    int // first byte after the closing mark
	start, end  int // the quoted text, trimmed of surrounding space
}

type openMark struct {
	pos, end int
	fam      int
	r        rune
}

func markFamily(r rune) int {
	switch r {
	case '"', '“', '”', '„', '‟':
		return famDouble
	case '\'', '‘', '’', '‚', '‛':
		return famSingle
	case '«', '»':
		return famAngle
	case '‹', '›':
		return famAngleSingle
	}
	return 0
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// leftOpen reports whether the mark at i is preceded by what may precede an
// opening mark: the start of the text, a space, an opening bracket, a dash,
// a slash or another mark.
func leftOpen(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(r) || strings.ContainsRune("([{—–-/:", r) || markFamily(r) != 0
}

// rightClose reports whether the mark ending at j is followed by what may
// follow a closing mark: the end of the text, a space, punctuation, a
// closing bracket, a dash or another mark.
func rightClose(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return unicode.IsSpace(r) || strings.ContainsRune(".,;:!?)]}…—–-/", r) || markFamily(r) != 0
}

// findSpans returns the top-level direct quotes of s in order. Marks are
// read by their shape and their context: a mark between two letters is an
// apostrophe (Syria’s, don't), a single closing mark after a plural "s"
// with no opening mark is a possessive (the Kurds’ demands), and a quote
// must close in its own paragraph unless the next paragraph opens with a
// mark of the same family (the convention for a quote running over
// several paragraphs). Quotes nested in another quote are part of it.
func findSpans(s string) []span {
	var out []span
	var stack []openMark
	record := func(o openMark, closePos, closeEnd int) {
		a, b := trimSpace(s, o.end, closePos)
		if b <= a {
			return
		}
		out = append(out, span{open: o.pos, openEnd: o.end, close: closePos, closeEnd: closeEnd, start: a, end: b})
	}
	find := func(fam int) int {
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].fam == fam {
				return k
			}
		}
		return -1
	}
	closeAt := func(k, pos, end int) {
		if k == 0 {
			record(stack[0], pos, end)
		}
		stack = stack[:k]
	}
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == '\n' {
			if len(stack) > 0 {
				// a quote runs on only when the next paragraph opens again
				j := i + 1
				for j < len(s) {
					r2, w2 := utf8.DecodeRuneInString(s[j:])
					if !unicode.IsSpace(r2) {
						break
					}
					j += w2
				}
				if j < len(s) {
					r2, _ := utf8.DecodeRuneInString(s[j:])
					if markFamily(r2) == stack[0].fam && isOpener(r2) {
						record(stack[0], i, i)
					}
				}
				stack = stack[:0]
			}
			i += w
			continue
		}
		fam := markFamily(r)
		if fam == 0 {
			i += w
			continue
		}
		lo, rc := leftOpen(s, i), rightClose(s, i+w)
		var prev, next rune
		if i > 0 {
			prev, _ = utf8.DecodeLastRuneInString(s[:i])
		}
		if i+w < len(s) {
			next, _ = utf8.DecodeRuneInString(s[i+w:])
		}
		between := isWordRune(prev) && isWordRune(next)
		k := find(fam)
		open := func() { stack = append(stack, openMark{pos: i, end: i + w, fam: fam, r: r}) }
		switch r {
		case '"':
			switch {
			case lo && !rc:
				open()
			case !lo && rc:
				if k >= 0 {
					closeAt(k, i, i+w)
				}
			case k >= 0:
				closeAt(k, i, i+w)
			default:
				open()
			}
		case '“':
			switch {
			case k >= 0 && (stack[k].r == '„' || (!lo && rc)):
				closeAt(k, i, i+w)
			default:
				open()
			}
		case '”', '‟':
			if k >= 0 {
				closeAt(k, i, i+w)
			} else if lo && !rc {
				open()
			}
		case '„':
			open()
		case '«', '‹':
			if !lo && rc && k >= 0 {
				closeAt(k, i, i+w)
			} else if k >= 0 && (stack[k].r == '»' || stack[k].r == '›') {
				closeAt(k, i, i+w)
			} else {
				open()
			}
		case '»', '›':
			if lo && !rc && (k < 0 || stack[k].r == '»' || stack[k].r == '›') {
				open()
			} else if k >= 0 {
				closeAt(k, i, i+w)
			}
		case '\'':
			switch {
			case between:
			case lo && !rc:
				open()
			case !lo && rc && k >= 0:
				if !possessive(s, i, w, prev) || !laterCloser(s, i+w) {
					closeAt(k, i, i+w)
				}
			}
		case '‘', '‛':
			switch {
			case between:
			case !lo && rc && k >= 0:
				closeAt(k, i, i+w)
			default:
				if !(lo && isDigitNext(next)) {
					open()
				}
			}
		case '’':
			switch {
			case between:
			case rc && !lo && k >= 0:
				if !possessive(s, i, w, prev) || !laterCloser(s, i+w) {
					closeAt(k, i, i+w)
				}
			}
		case '‚':
			open()
		}
		i += w
	}
	return out
}

func isOpener(r rune) bool {
	switch r {
	case '"', '“', '„', '\'', '‘', '‚', '«', '»', '‹', '›':
		return true
	}
	return false
}

func isDigitNext(r rune) bool { return unicode.IsDigit(r) }

// possessive reports whether the single mark at i (width w) may be the
// apostrophe of a plural possessive: after an "s" and before a lower-case word.
func possessive(s string, i, w int, prev rune) bool {
	if prev != 's' && prev != 'S' {
		return false
	}
	j := i + w
	if j >= len(s) || s[j] != ' ' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[j+1:])
	return unicode.IsLower(r)
}

// laterCloser reports whether a single closing mark follows in the same
// paragraph, so that an ambiguous one before it may be an apostrophe.
func laterCloser(s string, from int) bool {
	for i := from; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == '\n' {
			return false
		}
		if r == '’' || r == '\'' {
			var prev rune
			prev, _ = utf8.DecodeLastRuneInString(s[:i])
			next := rune(0)
			if i+w < len(s) {
				next, _ = utf8.DecodeRuneInString(s[i+w:])
			}
			if !(isWordRune(prev) && isWordRune(next)) && !leftOpen(s, i) && rightClose(s, i+w) {
				return true
			}
		}
		i += w
	}
	return false
}

func trimSpace(s string, a, b int) (int, int) {
	for a < b {
		r, w := utf8.DecodeRuneInString(s[a:])
		if !unicode.IsSpace(r) {
			break
		}
		a += w
	}
	for b > a {
		r, w := utf8.DecodeLastRuneInString(s[:b])
		if !unicode.IsSpace(r) {
			break
		}
		b -= w
	}
	return a, b
}
