package dates

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed words.tsv
var wordsTSV string

// flag is a bit set of the roles a word can play.
type flag uint32

const (
	fMonth flag = 1 << iota
	fMonthAbbr
	fAmbiguous
	fWeekday
	fNumber
	fUnit
	fShift
	fTrigger
	fYearTrigger
	fModifier
	fDayPrefix
	fDaypart
	fOrdinal
	fAgo
	fConnector
	fCountNoun
	fWeekdayBlock
	fYearBlockPrev
	fFuturePrev
	fHeader
	fRelStart
)

// unit of a relative expression.
type unit uint8

const (
	uNone unit = iota
	uDay
	uWeek
	uWeekToDate
	uMonth
	uYear
)

func parseUnit(s string) (unit, error) {
	switch s {
	case "day":
		return uDay, nil
	case "week":
		return uWeek, nil
	case "weektodate":
		return uWeekToDate, nil
	case "month":
		return uMonth, nil
	case "year":
		return uYear, nil
	}
	return uNone, fmt.Errorf("unknown unit %q", s)
}

// wordInfo is everything the word lists say about one lower-case word.
type wordInfo struct {
	key      string
	flags    flag
	month    int
	weekday  time.Weekday
	number   int
	unit     unit
	unitMult int
	shift    int
}

func (w *wordInfo) has(f flag) bool { return w != nil && w.flags&f != 0 }

// relPhrase is a fixed relative phrase such as "earlier this week".
type relPhrase struct {
	words  []string
	unit   unit
	offset int
}

// lexicon is the parsed form of words.tsv.
type lexicon struct {
	words   map[string]*wordInfo
	rel     map[string][]relPhrase // by first word, longest first
	maxWord int
}

func (lx *lexicon) entry(word string) *wordInfo {
	w := lx.words[word]
	if w == nil {
		w = &wordInfo{key: word}
		lx.words[word] = w
		if len(word) > lx.maxWord {
			lx.maxWord = len(word)
		}
	}
	return w
}

var kindFlags = map[string]flag{
	"trigger":       fTrigger,
	"yeartrigger":   fYearTrigger,
	"modifier":      fModifier,
	"dayprefix":     fDayPrefix,
	"daypart":       fDaypart,
	"ordinal":       fOrdinal,
	"ago":           fAgo,
	"connector":     fConnector,
	"countnoun":     fCountNoun,
	"weekdayblock":  fWeekdayBlock,
	"yearblockprev": fYearBlockPrev,
	"futureprev":    fFuturePrev,
	"header":        fHeader,
}

// parseLexicon reads the word lists.
func parseLexicon(data string) (*lexicon, error) {
	lx := &lexicon{words: map[string]*wordInfo{}, rel: map[string][]relPhrase{}}
	for n, line := range strings.Split(data, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		kind := cols[0]
		if len(cols) < 2 || cols[1] == "" {
			return nil, fmt.Errorf("words.tsv:%d: missing word", n+1)
		}
		word := strings.ToLower(strings.TrimSpace(cols[1]))
		col := func(i int) string {
			if i < len(cols) {
				return strings.TrimSpace(cols[i])
			}
			return ""
		}
		num := func(i int) (int, error) {
			v, err := strconv.Atoi(col(i))
			if err != nil {
				return 0, fmt.Errorf("words.tsv:%d: column %d of %q: %w", n+1, i+1, word, err)
			}
			return v, nil
		}
		if f, ok := kindFlags[kind]; ok {
			lx.entry(word).flags |= f
			continue
		}
		switch kind {
		case "month":
			v, err := num(2)
			if err != nil {
				return nil, err
			}
			if v < 1 || v > 12 {
				return nil, fmt.Errorf("words.tsv:%d: month %d out of range", n+1, v)
			}
			w := lx.entry(word)
			w.flags |= fMonth
			w.month = v
			for _, fl := range strings.Split(col(3), "|") {
				switch fl {
				case "":
				case "abbr":
					w.flags |= fMonthAbbr
				case "ambiguous":
					w.flags |= fAmbiguous
				default:
					return nil, fmt.Errorf("words.tsv:%d: unknown month flag %q", n+1, fl)
				}
			}
		case "weekday":
			v, err := num(2)
			if err != nil {
				return nil, err
			}
			if v < 0 || v > 6 {
				return nil, fmt.Errorf("words.tsv:%d: weekday %d out of range", n+1, v)
			}
			w := lx.entry(word)
			w.flags |= fWeekday
			w.weekday = time.Weekday(v)
		case "number":
			v, err := num(2)
			if err != nil {
				return nil, err
			}
			w := lx.entry(word)
			w.flags |= fNumber
			w.number = v
		case "unit":
			u, err := parseUnit(col(2))
			if err != nil || u == uWeekToDate {
				return nil, fmt.Errorf("words.tsv:%d: bad unit %q", n+1, col(2))
			}
			mult := 1
			if col(3) != "" {
				if mult, err = num(3); err != nil {
					return nil, err
				}
			}
			w := lx.entry(word)
			w.flags |= fUnit
			w.unit = u
			w.unitMult = mult
		case "shift":
			v, err := num(2)
			if err != nil {
				return nil, err
			}
			w := lx.entry(word)
			w.flags |= fShift
			w.shift = v
		case "rel":
			u, err := parseUnit(col(2))
			if err != nil {
				return nil, fmt.Errorf("words.tsv:%d: %w", n+1, err)
			}
			off, err := num(3)
			if err != nil {
				return nil, err
			}
			ws := strings.Fields(word)
			for _, x := range ws {
				lx.entry(x)
			}
			lx.entry(ws[0]).flags |= fRelStart
			lx.rel[ws[0]] = append(lx.rel[ws[0]], relPhrase{words: ws, unit: u, offset: off})
		default:
			return nil, fmt.Errorf("words.tsv:%d: unknown kind %q", n+1, kind)
		}
	}
	for k, ps := range lx.rel {
		sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].words) > len(ps[j].words) })
		lx.rel[k] = ps
	}
	for _, need := range []flag{fMonth, fWeekday, fTrigger, fAgo, fOrdinal} {
		found := false
		for _, w := range lx.words {
			if w.flags&need != 0 {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("words.tsv: no words of a required kind (flag %d)", need)
		}
	}
	return lx, nil
}

// Dateline patterns: "DAMASCUS, July 17 —", "ANKARA, Turkey, July 23 (Reuters) -".
const (
	datelinePrefixRE = `^\s*\p{Lu}[\p{L}\p{M}.'’ -]{0,40}(?:,\s*[\p{L}\p{M}.'’ -]{1,40}){0,2},\s*$`
	datelineSuffixRE = `^\s*(?:\([^)\n]{0,40}\)\s*)?[—–―-]`
)

func compileDateline() (prefix, suffix *regexp.Regexp, err error) {
	if prefix, err = regexp.Compile(datelinePrefixRE); err != nil {
		return nil, nil, fmt.Errorf("compile dateline prefix: %w", err)
	}
	if suffix, err = regexp.Compile(datelineSuffixRE); err != nil {
		return nil, nil, fmt.Errorf("compile dateline suffix: %w", err)
	}
	return prefix, suffix, nil
}
