package server

import (
	"fmt"
	"html"
	"html/template"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/sitrep/sitrep"
)

// annotation is one highlighted byte range of a document's text.
type annotation struct {
	start, end int
	// rank orders annotations that share a range: lower is outer.
	rank  int
	class string
	id    string
	title string
	// data are extra data-* attributes, already named.
	data [][2]string
}

// Highlight counts by kind, for the page and the tests.
type highlightStats struct {
	Entities, Events, Quotes, Dates int
}

// highlight renders the text of x as HTML with every sentence, entity
// mention, event, quote and date expression wrapped in a span. Text
// segments between span boundaries are escaped; overlapping spans are
// split so that the markup nests. Offsets that do not fall on the text's
// UTF-8 boundaries are dropped.
func highlight(x *sitrep.Extraction) (template.HTML, highlightStats) {
	text := x.Document.Text
	var anns []annotation
	var st highlightStats
	valid := func(a, b int) bool {
		return a >= 0 && b <= len(text) && a < b && utf8.RuneStart(text[a]) && (b == len(text) || utf8.RuneStart(text[b]))
	}
	for _, s := range x.Sentences {
		if valid(s.Start, s.End) {
			anns = append(anns, annotation{start: s.Start, end: s.End, rank: 0, class: "sent", id: fmt.Sprintf("s%d", s.Index)})
		}
	}
	for _, q := range x.Quotes {
		if q.Span == nil || !valid(q.Span.Start, q.Span.End) {
			continue
		}
		kind := "indirect"
		if q.Direct {
			kind = "direct"
		}
		speaker := q.Speaker.Name
		if q.Speaker.Code != "" {
			speaker += " (" + q.Speaker.Code + ")"
		}
		if speaker == "" {
			speaker = "unattributed"
		}
		title := fmt.Sprintf("%s quote · speaker: %s", kind, speaker)
		if q.Cue != "" {
			title += " · cue: " + q.Cue
		}
		anns = append(anns, annotation{start: q.Span.Start, end: q.Span.End, rank: 1, class: "hl hl-quote hl-quote-" + kind, id: "q-" + q.ID, title: title})
		st.Quotes++
	}
	for _, ev := range x.Events {
		spans := ev.Mentions
		if ev.Trigger != nil {
			spans = []sitrep.Span{*ev.Trigger}
		}
		for i, sp := range spans {
			if !valid(sp.Start, sp.End) {
				continue
			}
			id := ""
			if i == 0 {
				id = "e-" + ev.ID
			}
			anns = append(anns, annotation{start: sp.Start, end: sp.End, rank: 2, class: fmt.Sprintf("hl hl-event quad%d", ev.QuadClass), id: id,
				title: eventHover(ev), data: [][2]string{{"data-event", ev.ID}, {"data-cameo", ev.CAMEO}}})
			st.Events++
		}
	}
	for _, e := range x.Entities {
		for _, m := range e.Mentions {
			if !valid(m.Start, m.End) {
				continue
			}
			title := e.Type + ": " + e.Name
			if e.Code != "" {
				title += " · " + e.Code
			}
			if e.Role != "" {
				title += " · " + e.Role
			}
			if !e.Known {
				title += " · not in the dictionaries"
			}
			anns = append(anns, annotation{start: m.Start, end: m.End, rank: 3, class: "hl hl-ent hl-" + strings.ToLower(e.Type), title: title, data: [][2]string{{"data-entity", e.ID}}})
			st.Entities++
		}
	}
	for _, d := range x.Dates {
		if !valid(d.Start, d.End) {
			continue
		}
		title := "date: " + d.Text
		if d.Value != nil {
			title += " = " + *d.Value
		}
		title += " (" + d.Precision + ")"
		anns = append(anns, annotation{start: d.Start, end: d.End, rank: 4, class: "hl hl-date", title: title})
		st.Dates++
	}
	return renderAnnotated(text, anns), st
}

// eventHover is the hover text of an event: code, actors, date, modality,
// confidence.
func eventHover(ev sitrep.Event) string {
	side := func(a sitrep.Actor) string {
		n := a.Name
		if n == "" {
			n = a.Country
		}
		if a.Code != "" {
			n += " [" + a.Code + "]"
		}
		if n == "" {
			n = "?"
		}
		return n
	}
	date := deref(ev.Date)
	if date == "" {
		date = "undated"
	}
	name := ev.CAMEOName
	if name == "" {
		name = ev.PLOVER
	}
	return fmt.Sprintf("%s · CAMEO %s %s · PLOVER %s · %s → %s · date %s · %s · Goldstein %+.1f · confidence %.2f",
		ev.ID, ev.CAMEO, name, ev.PLOVER, side(ev.Source), side(ev.Target), date, ev.Modality, ev.Goldstein, ev.Confidence)
}

// renderAnnotated writes text with the annotations as nested spans.
func renderAnnotated(text string, anns []annotation) template.HTML {
	order := func(a, b *annotation) bool {
		if a.start != b.start {
			return a.start < b.start
		}
		if a.end != b.end {
			return a.end > b.end
		}
		return a.rank < b.rank
	}
	keep := anns[:0:0]
	for _, a := range anns {
		if a.start >= 0 && a.end <= len(text) && a.start < a.end {
			keep = append(keep, a)
		}
	}
	anns = keep
	sort.SliceStable(anns, func(i, j int) bool { return order(&anns[i], &anns[j]) })
	cuts := map[int]bool{0: true, len(text): true}
	for _, a := range anns {
		cuts[a.start], cuts[a.end] = true, true
	}
	points := make([]int, 0, len(cuts))
	for p := range cuts {
		points = append(points, p)
	}
	sort.Ints(points)
	var b strings.Builder
	b.Grow(len(text) * 3)
	opened := map[int]bool{}
	var stack []int
	for i := 0; i+1 < len(points); i++ {
		lo, hi := points[i], points[i+1]
		// the annotations covering [lo, hi), outer first
		var want []int
		for j := range anns {
			if anns[j].start <= lo && anns[j].end >= hi {
				want = append(want, j)
			}
		}
		common := 0
		for common < len(stack) && common < len(want) && stack[common] == want[common] {
			common++
		}
		for k := len(stack) - 1; k >= common; k-- {
			b.WriteString("</span>")
		}
		stack = stack[:common]
		for _, j := range want[common:] {
			a := &anns[j]
			b.WriteString(`<span class="`)
			b.WriteString(html.EscapeString(a.class))
			b.WriteByte('"')
			if a.id != "" && !opened[j] {
				b.WriteString(` id="`)
				b.WriteString(html.EscapeString(a.id))
				b.WriteByte('"')
			}
			if a.title != "" {
				b.WriteString(` title="`)
				b.WriteString(html.EscapeString(a.title))
				b.WriteByte('"')
			}
			for _, d := range a.data {
				b.WriteString(" " + d[0] + `="`)
				b.WriteString(html.EscapeString(d[1]))
				b.WriteByte('"')
			}
			b.WriteByte('>')
			opened[j] = true
			stack = append(stack, j)
		}
		b.WriteString(html.EscapeString(text[lo:hi]))
	}
	for range stack {
		b.WriteString("</span>")
	}
	return template.HTML(b.String())
}
