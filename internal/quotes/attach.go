package quotes

import (
	"unicode"
	"unicode/utf8"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/text"
)

// minUnattributed is the number of words a direct quote needs to be kept
// without a speaker; shorter ones are scare quotes or names.
const minUnattributed = 5

// direct attributes the quote spans and returns the direct quotes.
func (r *run) direct() []sitrep.Quote {
	var out []sitrep.Quote
	r.kept = map[int]bool{}
	var prev *struct {
		sp        speaker
		closeSent int
		end       int
	}
	for qi, sp := range r.spans {
		sOpen := r.sentenceOf(sp.open)
		sClose := r.sentenceOf(sp.close)
		if sClose < sOpen {
			sClose = sOpen
		}
		if sOpen >= len(r.toks) {
			continue
		}
		openTok := r.tokenAt(sOpen, sp.open)
		if r.lx.class["naming"].endingAt(r.keys[sOpen], openTok) > 0 {
			continue
		}
		var a *act
		var colonSubj *speaker
		if p := r.colonBefore(sp.open); p >= 0 {
			cs := r.sentenceOf(p)
			a = r.actBefore(cs, r.tokenAt(cs, p)+1)
			if cs < len(r.subj) {
				colonSubj = r.subj[cs]
			}
		}
		starts := r.startsSentence(sOpen, openTok)
		if a == nil {
			if starts {
				a = r.actAfter(sClose, sp.closeEnd)
			} else {
				a = r.actBefore(sOpen, openTok)
				if a == nil {
					a = r.actAfter(sClose, sp.closeEnd)
				}
			}
		}
		var spk speaker
		ok, cue := false, ""
		if a != nil {
			spk, ok = a.sp, true
			if !a.used {
				cue, a.used = a.cue, true
			}
		} else if colonSubj != nil {
			// "Erdoğan addressed parliament: “…”": the subject of the sentence the colon ends
			spk, ok = *colonSubj, true
		} else if starts && !r.anyActAfter(sClose, sp.closeEnd) {
			// a quote that goes on after its reporting clause: “…,” he said. “…”
			la := r.latestAct(sp.open)
			if la != nil && la.si >= sOpen-1 {
				spk, ok = la.sp, true
			}
			if prev != nil && prev.closeSent >= sOpen-1 && (la == nil || prev.end > la.pos) {
				spk, ok = prev.sp, true
			}
		}
		if !ok && wordCount(r.text[sp.start:sp.end]) < minUnattributed {
			continue
		}
		q := sitrep.Quote{Text: r.text[sp.start:sp.end], Direct: true, Cue: cue,
			Span: &sitrep.Span{Start: sp.start, End: sp.end, Text: r.text[sp.start:sp.end], Sentence: r.sentenceOf(sp.start)}}
		if ok {
			q.Speaker = spk.a
			prev = &struct {
				sp        speaker
				closeSent int
				end       int
			}{spk, sClose, sp.closeEnd}
		} else {
			prev = nil
		}
		r.kept[qi] = true
		out = append(out, q)
	}
	return out
}

func wordCount(s string) int {
	n, in := 0, false
	for _, c := range s {
		w := isWordRune(c)
		if w && !in {
			n++
		}
		in = w || (in && (c == '\'' || c == '’' || c == '-'))
	}
	return n
}

// colonBefore returns the position of a colon that introduces the quote
// opening at pos ("said: “…”"), or -1.
func (r *run) colonBefore(pos int) int {
	i := pos
	for i > 0 {
		c, w := utf8.DecodeLastRuneInString(r.text[:i])
		if !unicode.IsSpace(c) {
			if c == ':' {
				return i - w
			}
			return -1
		}
		i -= w
	}
	return -1
}

// startsSentence reports whether token tok is the first word-bearing
// token of sentence si.
func (r *run) startsSentence(si, tok int) bool {
	for i := 0; i < tok && i < len(r.toks[si]); i++ {
		if r.toks[si][i].Kind != text.Punct {
			return false
		}
	}
	return true
}

// actBefore returns the last act of sentence si that ends at or before
// token tok and has a speaker.
func (r *run) actBefore(si, tok int) *act {
	if si < 0 || si >= len(r.acts) {
		return nil
	}
	for k := len(r.acts[si]) - 1; k >= 0; k-- {
		if a := r.acts[si][k]; a.t1 <= tok && a.ok {
			return a
		}
	}
	return nil
}

// actAfter returns the first act of sentence si at or after byte pos that
// has a speaker.
func (r *run) actAfter(si, pos int) *act {
	if si < 0 || si >= len(r.acts) {
		return nil
	}
	for _, a := range r.acts[si] {
		if a.pos >= pos && a.ok {
			return a
		}
	}
	return nil
}

// anyActAfter reports whether sentence si has a cue after byte pos, with
// or without a speaker.
func (r *run) anyActAfter(si, pos int) bool {
	if si < 0 || si >= len(r.acts) {
		return false
	}
	for _, a := range r.acts[si] {
		if a.pos >= pos {
			return true
		}
	}
	return false
}

// latestAct returns the last act before byte pos that has a speaker.
func (r *run) latestAct(pos int) *act {
	for si := min(r.sentenceOf(pos), len(r.acts)-1); si >= 0; si-- {
		for k := len(r.acts[si]) - 1; k >= 0; k-- {
			if a := r.acts[si][k]; a.pos < pos && a.ok {
				return a
			}
		}
	}
	return nil
}

// indirect returns the indirect quotes: the clauses reporting cues
// introduce. A clause that is mostly a direct quote is not repeated: it
// is kept only when the direct quotes inside it make up at most a third
// of its words.
func (r *run) indirect(direct []sitrep.Quote) []sitrep.Quote {
	var out []sitrep.Quote
	seen := map[[2]int]bool{}
	for _, q := range direct {
		seen[[2]int{q.Span.Start, q.Span.End}] = true
	}
	for si := range r.acts {
		toks := r.toks[si]
		for _, a := range r.acts[si] {
			if !a.ok {
				continue
			}
			cs, ce := -1, -1
			switch a.kind {
			case cueSay, cueSayThat, cuePart:
				if cs = r.complement(a); cs >= 0 {
					ce = r.clauseEnd(si, cs)
				} else if a.kind != cuePart && a.commaSubj && r.tailOnly(a) {
					cs, ce = r.clauseStart(si, a.comma), a.comma
				}
			case cueAccording:
				first := 0
				for first < len(toks) && toks[first].Kind == text.Punct {
					first++
				}
				switch {
				case a.t0 == first && a.phraseEnd >= 0 && a.phraseEnd < len(toks) && r.punct(si, a.phraseEnd, ","):
					cs = a.phraseEnd + 1
					ce = r.clauseEnd(si, cs)
				case a.t0 > 0 && r.punct(si, a.t0-1, ","):
					cs, ce = r.clauseStart(si, a.t0-1), a.t0-1
				case a.t0 > 0:
					cs, ce = r.clauseStart(si, a.t0), a.t0
				}
			}
			if cs < 0 || ce > len(toks) || ce <= cs {
				continue
			}
			cs, ce = r.trimClause(si, cs, ce)
			if ce <= cs {
				continue
			}
			words, quoted := 0, 0
			for k := cs; k < ce; k++ {
				if !isWord(toks[k]) {
					continue
				}
				words++
				if q := r.inq[si][k]; q >= 0 && r.kept[q] {
					quoted++
				}
			}
			if words < 3 || quoted*3 > words {
				continue
			}
			start, end := toks[cs].Start, toks[ce-1].End
			if seen[[2]int{start, end}] {
				continue
			}
			seen[[2]int{start, end}] = true
			out = append(out, sitrep.Quote{Speaker: a.sp.a, Text: r.text[start:end], Direct: false, Cue: a.cue,
				Span: &sitrep.Span{Start: start, End: end, Text: r.text[start:end], Sentence: si}})
		}
	}
	return out
}

// complement returns the first token of the clause a cue introduces, or -1.
func (r *run) complement(a *act) int {
	si := a.si
	toks, keys := r.toks[si], r.keys[si]
	k := a.t1
	if a.t1-a.t0 == 1 && (keys[a.t0] == "told" || keys[a.t0] == "tells" || keys[a.t0] == "telling") {
		if n := r.lx.at("object", keys, k); n > 0 {
			k += n
		} else {
			for k < len(toks) && !r.quoted(si, k) && (capWord(toks[k]) || r.lx.is("det", keys[k])) {
				k++
			}
		}
	}
	for j := k; j < len(toks) && j <= k+10; j++ {
		if r.quoted(si, j) || r.punct(si, j, ",;:.!?()") {
			break
		}
		if keys[j] == "that" {
			return j + 1
		}
		if j == k && !r.lx.is("adverbial", keys[j]) && !r.lx.is("prep", keys[j]) {
			break
		}
	}
	if a.kind == cueSayThat {
		return -1
	}
	if r.bareClause(si, k) {
		return k
	}
	return -1
}

// bareClause reports whether a clause without "that" starts at token k:
// a subject followed by a finite verb ("said the port would reopen").
func (r *run) bareClause(si, k int) bool {
	toks, keys := r.toks[si], r.keys[si]
	if k >= len(toks) || r.quoted(si, k) || !isWord(toks[k]) {
		return false
	}
	w := keys[k]
	switch w {
	case "that", "to", "him", "her", "them", "us", "me", "nothing", "so", "yes", "no", "something", "little", "much", "goodbye", "thanks":
		return false
	}
	if r.lx.is("prep", w) || r.lx.is("conj", w) || r.lx.is("boundary", w) || r.lx.is("adverbial", w) || r.lx.is("skip", w) {
		return false
	}
	if n, _ := r.lx.cueAt(keys, k); n > 0 {
		return false
	}
	for j := k + 1; j < len(toks) && j <= k+12; j++ {
		t := toks[j]
		if t.Kind == text.Punct {
			if r.quoted(si, j) {
				continue
			}
			if r.punct(si, j, ",;:.!?()") {
				return false
			}
			continue
		}
		// an infinitive or a relative clause before any finite verb: an
		// object ("reiterated its readiness to monitor …"), not a clause
		// and so is a subordinate clause ("declared a state of emergency
		// after a gang leader escaped")
		if keys[j] == "to" || keys[j] == "that" || keys[j] == "which" || keys[j] == "who" ||
			r.lx.is("subord", keys[j]) || r.lx.is("boundary", keys[j]) {
			return false
		}
		if r.lx.is("aux", keys[j]) {
			// 's is "is" only after a pronoun ("it's"), else a possessive
			if keys[j] != "'s" || r.lx.is("pronoun", keys[j-1]) || keys[j-1] == "there" || keys[j-1] == "that" {
				return true
			}
		}
		// a past tense, unless it follows "and" ("recalled its envoy and expelled …")
		// or an adjective ("an alleged plot")
		prev := keys[j-1]
		if t.Kind == text.Word && !t.Cap && len(keys[j]) > 4 && hasSuffix(keys[j], "ed") &&
			!r.lx.is("conj", prev) && !r.lx.is("det", prev) && !r.lx.is("indef", prev) && !r.lx.is("prep", prev) && !r.lx.is("mod", prev) {
			return true
		}
	}
	return false
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

// clauseEnd returns the end of a reported clause that starts at cs: the
// end of the sentence, a semicolon, or a comma that opens another
// reporting clause (", adding that …", ", the ministry said").
func (r *run) clauseEnd(si, cs int) int {
	toks, keys := r.toks[si], r.keys[si]
	e := cs
	for ; e < len(toks); e++ {
		if r.quoted(si, e) {
			continue
		}
		if r.punct(si, e, ";") {
			break
		}
		if r.punct(si, e, ",") {
			j := e + 1
			for j < len(toks) && r.lx.is("conj", keys[j]) {
				j++
			}
			if j < len(toks) && !r.quoted(si, j) {
				if n, _ := r.lx.cueAt(keys, j); n > 0 {
					break
				}
			}
			stop := false
			for _, a := range r.acts[si] {
				if a.commaSubj && a.comma == e {
					stop = true
				}
			}
			if stop {
				break
			}
		}
	}
	// a quote that runs past the clause is cut off
	for k := cs; k < e; k++ {
		if q := r.inq[si][k]; q >= 0 && r.spans[q].closeEnd > toks[e-1].End {
			e = k
			break
		}
	}
	return e
}

// clauseStart returns the start of the clause that ends at token end: the
// sentence start or the token after a colon or semicolon.
func (r *run) clauseStart(si, end int) int {
	s := end
	for s > 0 && !(r.punct(si, s-1, ":;") && !r.quoted(si, s-1)) {
		s--
	}
	return s
}

// tailOnly reports whether only a short adverbial follows cue a to the
// end of its sentence ("…, the army said on Sunday.").
func (r *run) tailOnly(a *act) bool {
	toks, keys := r.toks[a.si], r.keys[a.si]
	n := 0
	for k := a.t1; k < len(toks); k++ {
		if r.quoted(a.si, k) {
			return false
		}
		if toks[k].Kind == text.Punct {
			continue
		}
		if c, _ := r.lx.cueAt(keys, k); c > 0 || keys[k] == "that" {
			return false
		}
		n++
	}
	return n <= 8
}

// trimClause drops punctuation at both ends of a clause, except quote marks.
func (r *run) trimClause(si, cs, ce int) (int, int) {
	for cs < ce && r.toks[si][cs].Kind == text.Punct && !r.quoted(si, cs) {
		cs++
	}
	for ce > cs && r.punct(si, ce-1, ".,;:—–-") && !r.quoted(si, ce-1) {
		ce--
	}
	return cs, ce
}
