// Package dates finds temporal expressions in English news text and resolves
// them against the publication date of the report (the anchor).
//
// The word lists (month and weekday names, number words, relative phrases,
// trigger words) live in the embedded file words.tsv.
//
// Resolution rules, all computed on the calendar date of the anchor in the
// anchor's own time zone:
//
//   - A weekday ("Wednesday", "on Wednesday", "early on Thursday", "Monday
//     night") is the most recent such day on or before the anchor, so a
//     weekday equal to the anchor's is the anchor itself. Future readings
//     ("will meet on Friday") are not attempted.
//   - "last Tuesday" is the most recent Tuesday strictly before the anchor,
//     even when that day lies in the anchor's own week. "next Tuesday" is the
//     first Tuesday strictly after the anchor; "this Tuesday" is the Tuesday
//     of the anchor's Monday-to-Sunday week.
//   - "yesterday", "last night" = anchor - 1 day; "today", "tonight", "this
//     morning" = anchor; "tomorrow" = anchor + 1; "N days ago" and "N weeks
//     ago" = day precision; "N months ago" = month; "N years ago" = year.
//   - Week phrases ("last week", "this week", "earlier this week") never claim
//     a day: they get month precision, the month of the week (Monday to
//     Sunday; Monday to the anchor for "earlier this week") when the whole
//     week lies in one month, otherwise the anchor's month.
//   - "last month", "this month", "next month": month precision. "last year",
//     "this year", "next year", "in 2024", "since 2011", "early 2025",
//     "mid-2024": year precision.
//   - A month alone ("in March", "mid-July", "early March") is the most recent
//     such month on or before the anchor's month; "last March" is strictly
//     before, "next March" strictly after, "this March" in the anchor's year.
//   - The year rule: a day and month without a year ("July 23", "10 March",
//     "the 23rd of July") takes the anchor's year, unless that date would lie
//     more than 31 days after the anchor; then it takes the previous year.
//     News reports mostly talk about the past, and a date a few weeks ahead is
//     usually a scheduled event.
//   - Without an anchor (zero time) every expression that needs one gets a nil
//     value and precision "unknown"; expressions with a year still resolve.
//
// False positives avoided: "may" and "march" (and "mar") count as months only
// when capitalised, and then only with a day, a year, a modifier or a trigger
// word ("in May"); a bare 4-digit number is a year only after a trigger word
// ("in", "since", "by", "until", "of", ...) or a season, and never before a
// count noun ("by 2000 votes"); names such as "F-16", "IDEF 2025" or
// "Resolution 2254" and decades ("the 1990s") are not dates. A relative phrase
// after "the" ("the last week of talks") is not anchored.
package dates

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/sitrep/sitrep"
)

// Resolver finds and resolves temporal expressions. It is safe for
// concurrent use.
type Resolver struct {
	lx             *lexicon
	datelinePrefix *regexp.Regexp
	datelineSuffix *regexp.Regexp
}

// New loads the embedded word lists.
func New() (*Resolver, error) {
	lx, err := parseLexicon(wordsTSV)
	if err != nil {
		return nil, fmt.Errorf("dates: load word lists: %w", err)
	}
	p, s, err := compileDateline()
	if err != nil {
		return nil, fmt.Errorf("dates: %w", err)
	}
	return &Resolver{lx: lx, datelinePrefix: p, datelineSuffix: s}, nil
}

// Find returns every temporal expression inside the given sentences of text,
// resolved against anchor. Start and End are byte offsets into text and Text
// is text[Start:End]. When sentences is empty the whole text is scanned as
// sentence 0. A zero anchor means the publication date is unknown.
func (r *Resolver) Find(text string, sentences []sitrep.Sentence, anchor time.Time) []sitrep.DateExpr {
	if len(sentences) == 0 {
		sentences = []sitrep.Sentence{{Index: 0, Start: 0, End: len(text)}}
	}
	a := newDay(anchor)
	var out []sitrep.DateExpr
	toks := make([]token, 0, 64)
	var ms []match
	for _, sen := range sentences {
		start, end := max(sen.Start, 0), min(sen.End, len(text))
		if start >= end {
			continue
		}
		toks = r.tokenize(text, start, end, toks[:0])
		sc := scanner{lx: r.lx, text: text, toks: toks}
		ms = sc.scan(ms[:0])
		for _, m := range ms {
			s, e := toks[m.startTok].start, toks[m.endTok-1].end
			val, prec := m.resolve(a)
			out = append(out, sitrep.DateExpr{
				Start: s, End: e, Text: text[s:e],
				Value: sitrep.StrPtr(val), Precision: prec, Sentence: sen.Index,
			})
		}
	}
	return out
}

// day is a calendar date; ok is false when the anchor is unknown.
type day struct {
	t  time.Time // midnight UTC of the date
	ok bool
}

func newDay(anchor time.Time) day {
	if anchor.IsZero() {
		return day{}
	}
	y, m, d := anchor.Date()
	return day{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), ok: true}
}

func fmtDay(t time.Time) string   { return fmtYMD(t.Year(), int(t.Month()), t.Day()) }
func fmtMonth(t time.Time) string { return fmtYM(t.Year(), int(t.Month())) }

func pad(b []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func fmtYMD(y, m, d int) string {
	b := make([]byte, 0, 10)
	b = pad(b, y, 4)
	b = append(b, '-')
	b = pad(b, m, 2)
	b = append(b, '-')
	return string(pad(b, d, 2))
}

func fmtYM(y, m int) string {
	b := make([]byte, 0, 7)
	b = pad(b, y, 4)
	b = append(b, '-')
	return string(pad(b, m, 2))
}

func fmtY(y int) string { return string(pad(make([]byte, 0, 4), y, 4)) }

// mondayOf returns the Monday of the Monday-to-Sunday week of t.
func mondayOf(t time.Time) time.Time {
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
}

// inferYear applies the year rule to a day and month without a year.
func inferYear(a time.Time, month, dayOfMonth int) (time.Time, bool) {
	y := a.Year()
	c := time.Date(y, time.Month(month), dayOfMonth, 0, 0, 0, 0, time.UTC)
	if c.After(a.AddDate(0, 0, 31)) {
		y--
		c = time.Date(y, time.Month(month), dayOfMonth, 0, 0, 0, 0, time.UTC)
	}
	if c.Day() != dayOfMonth { // 29 February of a common year
		return time.Time{}, false
	}
	return c, true
}

// resolve returns the value and precision of m; the value is "" when it
// cannot be resolved.
func (m *match) resolve(a day) (string, string) {
	switch m.kind {
	case mAbs:
		switch {
		case m.year > 0 && m.month > 0 && m.day > 0:
			return fmtYMD(m.year, m.month, m.day), sitrep.PrecisionDay
		case m.year > 0 && m.month > 0:
			return fmtYM(m.year, m.month), sitrep.PrecisionMonth
		case m.year > 0:
			return fmtY(m.year), sitrep.PrecisionYear
		case !a.ok:
			return "", sitrep.PrecisionUnknown
		case m.day > 0:
			if c, ok := inferYear(a.t, m.month, m.day); ok {
				return fmtDay(c), sitrep.PrecisionDay
			}
			return "", sitrep.PrecisionUnknown
		default:
			am, y := int(a.t.Month()), a.t.Year()
			switch {
			case !m.hasShift:
				if m.month > am {
					y--
				}
			case m.shift < 0:
				if m.month >= am {
					y--
				}
			case m.shift > 0:
				if m.month <= am {
					y++
				}
			}
			return fmtYM(y, m.month), sitrep.PrecisionMonth
		}
	case mWeekday:
		if !a.ok {
			return "", sitrep.PrecisionUnknown
		}
		aw, wd := int(a.t.Weekday()), int(m.weekday)
		var t time.Time
		switch {
		case !m.hasShift:
			t = a.t.AddDate(0, 0, -((aw - wd + 7) % 7))
		case m.shift < 0:
			back := (aw - wd + 7) % 7
			if back == 0 {
				back = 7
			}
			t = a.t.AddDate(0, 0, -back)
		case m.shift > 0:
			fwd := (wd - aw + 7) % 7
			if fwd == 0 {
				fwd = 7
			}
			t = a.t.AddDate(0, 0, fwd)
		default:
			t = mondayOf(a.t).AddDate(0, 0, (wd+6)%7)
		}
		return fmtDay(t), sitrep.PrecisionDay
	case mRel, mAgo:
		if !a.ok {
			return "", sitrep.PrecisionUnknown
		}
		n := m.n
		if m.kind == mAgo {
			n = -n
		}
		switch m.unit {
		case uDay:
			return fmtDay(a.t.AddDate(0, 0, n)), sitrep.PrecisionDay
		case uWeek, uWeekToDate:
			if m.kind == mAgo {
				return fmtDay(a.t.AddDate(0, 0, 7*n)), sitrep.PrecisionDay
			}
			first := mondayOf(a.t).AddDate(0, 0, 7*n)
			last := first.AddDate(0, 0, 6)
			if m.unit == uWeekToDate {
				last = a.t
			}
			if first.Year() == last.Year() && first.Month() == last.Month() {
				return fmtMonth(first), sitrep.PrecisionMonth
			}
			return fmtMonth(a.t), sitrep.PrecisionMonth
		case uMonth:
			first := time.Date(a.t.Year(), a.t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
			return fmtMonth(first), sitrep.PrecisionMonth
		case uYear:
			return fmtY(a.t.Year() + n), sitrep.PrecisionYear
		}
	}
	return "", sitrep.PrecisionUnknown
}

// InferPublished infers a publication date from the text alone. In order of
// preference it uses:
//
//  1. a full date in a dateline ("DAMASCUS, 17 July 2025 —") or a header line
//     ("published: 2025-07-17");
//  2. a dateline day and month ("DAMASCUS, July 17 —") with a year found
//     elsewhere (a full date with the same day and month, else the most
//     frequent year in a date expression, else in a name such as "IDEF 2025");
//  3. full dates anywhere: the one whose weekday the text also names, else
//     the latest;
//  4. a weekday and a day-month that agree on one year: the year, within two
//     years of a year the text mentions (also in names such as "IDEF 2025"),
//     in which the day-month fell on that weekday; nearest year first;
//  5. the latest month given with a year ("in July 2025"): month precision;
//  6. the latest year mentioned: year precision. Years after "by", "until"
//     or "before" are targets and are not used in 5 and 6.
//
// It returns the value (YYYY-MM-DD, YYYY-MM or YYYY), its precision, a short
// note saying why, and ok=false when nothing in the text supports a date. It
// never looks at the clock.
func (r *Resolver) InferPublished(text string) (value, precision, note string, ok bool) {
	toks := r.tokenize(text, 0, len(text), make([]token, 0, len(text)/5+8))
	sc := scanner{lx: r.lx, text: text, toks: toks}
	ms := sc.scan(nil)

	covered := make([]bool, len(toks))
	for _, m := range ms {
		for k := m.startTok; k < m.endTok; k++ {
			covered[k] = true
		}
	}
	future := func(m *match) bool {
		return m.startTok > 0 && sc.cont(m.startTok) && sc.word(m.startTok-1).has(fFuturePrev)
	}
	spanText := func(m *match) string { return text[toks[m.startTok].start:toks[m.endTok-1].end] }

	// Years mentioned in date expressions (not targets) and in names.
	var dateYears, nameYears []int
	for k := range ms {
		if m := &ms[k]; m.kind == mAbs && m.year > 0 && !future(m) {
			dateYears = append(dateYears, m.year)
		}
	}
	for k := range toks {
		if covered[k] || k == 0 || !sc.cont(k) || sc.adj(k) {
			continue
		}
		y, ok := sc.yearCore(k)
		if !ok {
			continue
		}
		p := &toks[k-1]
		if p.kind != tkWord || !p.upper || p.w.has(fYearBlockPrev) || p.w.has(fFuturePrev) {
			continue
		}
		// A capitalised word at the start of a sentence ("Some 2000
		// displaced ...") is not a name unless it is an acronym ("IDEF").
		if sentenceStart(toks, k-1) && !isAcronym(text[p.start:p.end]) {
			continue
		}
		nameYears = append(nameYears, y)
	}

	// 1. Full date in a dateline or header line.
	for k := range ms {
		m := &ms[k]
		if m.kind != mAbs || m.year == 0 || m.month == 0 || m.day == 0 {
			continue
		}
		if r.isDateline(text, toks, m) {
			return fmtYMD(m.year, m.month, m.day), sitrep.PrecisionDay,
				fmt.Sprintf("date in the dateline (%q)", spanText(m)), true
		}
		if r.isHeader(text, toks, m) {
			return fmtYMD(m.year, m.month, m.day), sitrep.PrecisionDay,
				fmt.Sprintf("date in a header line (%q)", spanText(m)), true
		}
	}

	// 2. Dateline day-month plus a year found elsewhere.
	for k := range ms {
		m := &ms[k]
		if m.kind != mAbs || m.year != 0 || m.month == 0 || m.day == 0 || !r.isDateline(text, toks, m) {
			continue
		}
		y, why := 0, ""
		for q := range ms {
			o := &ms[q]
			if o.kind == mAbs && o.year > 0 && o.month == m.month && o.day == m.day {
				y, why = o.year, fmt.Sprintf("the full date %q", spanText(o))
				break
			}
		}
		if y == 0 {
			if y = mostFrequent(dateYears); y != 0 {
				why = fmt.Sprintf("the year %d mentioned in the text", y)
			}
		}
		if y == 0 {
			if y = mostFrequent(nameYears); y != 0 {
				why = fmt.Sprintf("the year %d in a name in the text", y)
			}
		}
		if y != 0 && m.day <= daysIn(y, m.month) {
			return fmtYMD(y, m.month, m.day), sitrep.PrecisionDay,
				fmt.Sprintf("dateline %q with %s", spanText(m), why), true
		}
	}

	// Weekdays the text names as plain days ("on Wednesday").
	var weekdays [7]bool
	var weekdayText [7]string
	for k := range ms {
		m := &ms[k]
		switch {
		case m.kind == mWeekday && !m.hasShift:
			weekdays[m.weekday] = true
			if weekdayText[m.weekday] == "" {
				weekdayText[m.weekday] = text[toks[m.startTok].start:toks[m.endTok-1].end]
			}
		case m.kind == mAbs && m.hasWeekday:
			weekdays[m.weekday] = true
		}
	}

	// 3. Full dates anywhere.
	var best *match
	agree := false
	n := 0
	for k := range ms {
		m := &ms[k]
		if m.kind != mAbs || m.year == 0 || m.month == 0 || m.day == 0 {
			continue
		}
		n++
		wd := time.Date(m.year, time.Month(m.month), m.day, 0, 0, 0, 0, time.UTC).Weekday()
		ag := weekdays[wd]
		if best == nil || (ag && !agree) || (ag == agree && ymd(m) > ymd(best)) {
			best, agree = m, ag
		}
	}
	if best != nil {
		why := fmt.Sprintf("explicit date %q in the text", spanText(best))
		switch {
		case agree:
			why = fmt.Sprintf("explicit date %q whose weekday the text also names", spanText(best))
		case n > 1:
			why = fmt.Sprintf("latest of %d explicit dates in the text (%q)", n, spanText(best))
		}
		return fmtYMD(best.year, best.month, best.day), sitrep.PrecisionDay, why, true
	}

	// 4. A weekday and a day-month that agree on one year.
	years := append(append([]int(nil), dateYears...), nameYears...)
	sort.Ints(years)
	type cand struct {
		y, m, d, dist int
		wd            time.Weekday
		dm            string
		base          int
	}
	var bc *cand
	for k := range ms {
		m := &ms[k]
		if m.kind != mAbs || m.year != 0 || m.month == 0 || m.day == 0 {
			continue
		}
		for _, base := range years {
			for dist := 0; dist <= 2; dist++ {
				for _, y := range [2]int{base - dist, base + dist} {
					if m.day > daysIn(y, m.month) {
						continue
					}
					wd := time.Date(y, time.Month(m.month), m.day, 0, 0, 0, 0, time.UTC).Weekday()
					if !weekdays[wd] || (m.hasWeekday && m.weekday != wd) {
						continue
					}
					c := cand{y: y, m: m.month, d: m.day, dist: dist, wd: wd, dm: spanText(m), base: base}
					if bc == nil || c.dist < bc.dist || (c.dist == bc.dist && c.y*10000+c.m*100+c.d > bc.y*10000+bc.m*100+bc.d) {
						bc = &c
					}
				}
			}
		}
	}
	if bc != nil {
		wname := weekdayText[bc.wd]
		if wname == "" {
			wname = bc.wd.String()
		}
		note := fmt.Sprintf("%s was a %s in %d: the text names %q and %q and mentions the year %d",
			bc.dm, bc.wd, bc.y, wname, bc.dm, bc.base)
		return fmtYMD(bc.y, bc.m, bc.d), sitrep.PrecisionDay, note, true
	}

	// 5. The latest month given with a year.
	var bm *match
	for k := range ms {
		m := &ms[k]
		if m.kind == mAbs && m.year > 0 && m.month > 0 && m.day == 0 && !future(m) {
			if bm == nil || ymd(m) > ymd(bm) {
				bm = m
			}
		}
	}
	if bm != nil {
		return fmtYM(bm.year, bm.month), sitrep.PrecisionMonth,
			fmt.Sprintf("latest month named with a year (%q); no day found", spanText(bm)), true
	}

	// 6. The latest year mentioned.
	if y := maxInt(dateYears); y != 0 {
		return fmtY(y), sitrep.PrecisionYear, fmt.Sprintf("latest year mentioned (%d); no day or month found", y), true
	}
	if y := maxInt(nameYears); y != 0 {
		return fmtY(y), sitrep.PrecisionYear, fmt.Sprintf("latest year in a name (%d); no day or month found", y), true
	}
	return "", sitrep.PrecisionUnknown, "no date in the text", false
}

// sentenceStart reports whether token k begins a line or follows the end of a
// sentence.
func sentenceStart(toks []token, k int) bool {
	if k == 0 || toks[k].nl {
		return true
	}
	p := &toks[k-1]
	return p.kind == tkPunct && (p.r == '.' || p.r == '!' || p.r == '?' || p.r == '"' || p.r == '“' || p.r == '—')
}

// isAcronym reports whether w has at least two letters, all upper case.
func isAcronym(w string) bool {
	if len(w) < 2 {
		return false
	}
	for _, c := range w {
		if !unicode.IsUpper(c) {
			return false
		}
	}
	return true
}

func ymd(m *match) int { return m.year*10000 + m.month*100 + m.day }

func maxInt(xs []int) int {
	best := 0
	for _, x := range xs {
		best = max(best, x)
	}
	return best
}

// mostFrequent returns the most frequent value, the latest on ties, 0 if none.
func mostFrequent(xs []int) int {
	counts := map[int]int{}
	best := 0
	for _, x := range xs {
		counts[x]++
		if c, b := counts[x], counts[best]; c > b || (c == b && x > best) {
			best = x
		}
	}
	return best
}

// linePrefix returns the text from the start of the line of byte offset s to s.
func linePrefix(text string, s int) string {
	return text[strings.LastIndexByte(text[:s], '\n')+1 : s]
}

// isDateline reports whether m stands at the head of a line in a dateline:
// an optional capitalised place and commas before it, a dash after it.
func (r *Resolver) isDateline(text string, toks []token, m *match) bool {
	s, e := toks[m.startTok].start, toks[m.endTok-1].end
	if s > 4000 {
		return false
	}
	if !r.datelinePrefix.MatchString(linePrefix(text, s)) {
		return false
	}
	return r.datelineSuffix.MatchString(text[e:min(e+64, len(text))])
}

// isHeader reports whether m follows a header label such as "published:".
func (r *Resolver) isHeader(text string, toks []token, m *match) bool {
	p := strings.TrimSpace(linePrefix(text, toks[m.startTok].start))
	label, ok := strings.CutSuffix(p, ":")
	if !ok {
		return false
	}
	w := r.lx.words[strings.ToLower(strings.TrimSpace(label))]
	return w.has(fHeader)
}

// Anchor parses a publication date given by a user or by feed metadata:
// YYYY-MM-DD, RFC 3339, RFC 1123 and other common feed formats.
func Anchor(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("dates: empty publication date")
	}
	layouts := [...]string{
		"2006-01-02",
		time.RFC3339,
		time.RFC3339Nano,
		"2006-01-02T15:04:05",
		"2006-01-02T15:04",
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05 Z07:00",
		"2006-01-02 15:04:05 -0700",
		"2006-01-02 15:04:05 MST",
		"2006-01-02 15:04:05",
		"2006-01-02 15:04",
		time.RFC1123,
		time.RFC1123Z,
		"Mon, 2 Jan 2006 15:04:05 MST",
		"Mon, 2 Jan 2006 15:04:05 -0700",
		"Mon, 2 Jan 2006 15:04:05 -0700 (MST)",
		"Mon, 02 Jan 2006 15:04:05 -0700 (MST)",
		"Mon, 2 Jan 2006 15:04 MST",
		"Mon, 2 Jan 2006 15:04 -0700",
		"2 Jan 2006 15:04:05 MST",
		"2 Jan 2006 15:04:05 -0700",
		time.RFC850,
		time.RFC822,
		time.RFC822Z,
		time.ANSIC,
		time.UnixDate,
		time.RubyDate,
		"Monday, January 2, 2006",
		"Monday, 2 January 2006",
		"January 2, 2006",
		"Jan 2, 2006",
		"2 January 2006",
		"2 Jan 2006",
		"2006/01/02",
		"20060102",
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("dates: unrecognised publication date %q", s)
}
