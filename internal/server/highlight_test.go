package server

import (
	"html"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep"
)

var tagRe = regexp.MustCompile(`<[^>]*>`)

// checkNesting checks that spans open and close in order and that the
// text between tags, unescaped, is the original text.
func checkNesting(t *testing.T, text string, out string) {
	t.Helper()
	depth := 0
	for _, tag := range tagRe.FindAllString(out, -1) {
		switch {
		case strings.HasPrefix(tag, "<span"):
			depth++
		case tag == "</span>":
			depth--
			if depth < 0 {
				t.Fatalf("closing span without an open one in %q", out)
			}
		default:
			t.Fatalf("unexpected tag %q", tag)
		}
	}
	if depth != 0 {
		t.Fatalf("%d spans left open in %q", depth, out)
	}
	if got := html.UnescapeString(tagRe.ReplaceAllString(out, "")); got != text {
		t.Fatalf("text changed:\n got %q\nwant %q", got, text)
	}
}

func TestRenderAnnotatedOverlaps(t *testing.T) {
	text := `Erdoğan said "<b>Ankara</b> & Damascus" agree.`
	anns := []annotation{
		{start: 0, end: len(text), class: "sent", id: "s0"},
		{start: 13, end: 41, rank: 1, class: "hl hl-quote", title: `quote "x"`},
		{start: 0, end: 8, rank: 3, class: "hl hl-ent"},
		{start: 35, end: len(text), rank: 2, class: "hl hl-event", title: "<crossing>", data: [][2]string{{"data-event", `E1"`}}},
	}
	out := string(renderAnnotated(text, anns))
	checkNesting(t, text, out)
	if strings.Count(out, `id="s0"`) != 1 {
		t.Errorf("sentence id written %d times", strings.Count(out, `id="s0"`))
	}
	if !strings.Contains(out, `title="&lt;crossing&gt;"`) || !strings.Contains(out, `data-event="E1&#34;"`) || strings.Contains(out, "<b>") {
		t.Errorf("attributes or text not escaped: %s", out)
	}
	// the event crosses the end of the quote: it is split in two spans
	if n := strings.Count(out, `class="hl hl-event"`); n != 2 {
		t.Errorf("crossing event in %d spans, want 2: %s", n, out)
	}
}

func TestRenderAnnotatedRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"Türkiye", "<script>", "&amp;", "\"q\"", "Şam", " ", "\n\n", "x", "العربية", "'"}
	for i := 0; i < 300; i++ {
		var b strings.Builder
		for j := r.IntN(20); j >= 0; j-- {
			b.WriteString(words[r.IntN(len(words))])
		}
		text := b.String()
		var anns []annotation
		for j := r.IntN(8); j > 0; j-- {
			a, c := r.IntN(len(text)+1), r.IntN(len(text)+1)
			if a > c {
				a, c = c, a
			}
			if a == c {
				continue
			}
			anns = append(anns, annotation{start: a, end: c, rank: r.IntN(5), class: "hl", id: "x"})
		}
		// renderAnnotated itself may split runes when given bad offsets;
		// highlight() filters them, so compare bytes here
		out := string(renderAnnotated(text, anns))
		depth := 0
		for _, tag := range tagRe.FindAllString(out, -1) {
			if tag == "</span>" {
				depth--
			} else {
				depth++
			}
			if depth < 0 {
				t.Fatalf("bad nesting for %q %+v: %s", text, anns, out)
			}
		}
		if depth != 0 {
			t.Fatalf("unbalanced for %q %+v: %s", text, anns, out)
		}
		if got := html.UnescapeString(tagRe.ReplaceAllString(out, "")); got != text {
			t.Fatalf("text changed for %+v:\n got %q\nwant %q", anns, got, text)
		}
	}
}

func TestHighlightDropsBadOffsets(t *testing.T) {
	text := "Şam and Ankara met."
	x := &sitrep.Extraction{Document: sitrep.Document{Text: text},
		Sentences: []sitrep.Sentence{{Index: 0, Start: 0, End: len(text)}},
		Entities: []sitrep.Entity{{ID: "T1", Name: "Ankara", Type: "PLACE", Mentions: []sitrep.Span{
			{Start: 9, End: 15}, {Start: 1, End: 3}, {Start: -1, End: 4}, {Start: 10, End: 999}}}},
		Events: []sitrep.Event{{ID: "E1", CAMEO: "040", QuadClass: 1, Modality: "asserted", Confidence: 0.8, Trigger: &sitrep.Span{Start: 16, End: 19}}},
	}
	out, st := highlight(x)
	checkNesting(t, text, string(out))
	if st.Entities != 1 || st.Events != 1 {
		t.Errorf("stats %+v, want the one valid entity mention and the event", st)
	}
	if !strings.Contains(string(out), "CAMEO 040") || !strings.Contains(string(out), "asserted") || !strings.Contains(string(out), "confidence 0.80") {
		t.Errorf("event hover lacks code, modality or confidence: %s", out)
	}
}
