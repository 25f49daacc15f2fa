package quotes

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sitrep/sitrep"
)

var edgeCases = []string{
	"",
	`"`,
	`""`,
	`" "`,
	"“",
	"”",
	"'",
	"’",
	"«»",
	"„“",
	"said",
	"“said”",
	"According to",
	"according to,",
	"He said that",
	"he said:",
	`"Unclosed at the start of the text`,
	`Unclosed at the end of the text "`,
	"“We are ready,” he said. “",
	"“a ‘b” c’ d",
	"‘a “b’ c” d",
	"« « a » »",
	"»«",
	"„a„ b“ c“",
	"\n\n\n",
	"“\n”",
	"“first\n“second\n“third",
	"'''''",
	"“”“”“”",
	"it’s the ’90s, don't ' go",
	"“Nested “double” marks,” she said.",
	"\xff\xfe“broken\xff” said X.",
	"Turkish Foreign Minister Hakan Fidan said: “",
	"Turkish Foreign Minister Hakan Fidan said",
	", said Hakan Fidan",
	"“We will win,”, , said , ,",
	"The spokesman said the the the the.",
	"“" + strings.Repeat("word ", 300) + "” said the official.",
}

var fragments = []string{
	`"`, "“", "”", "„", "«", "»", "'", "‘", "’", "‹", "›",
	"said", "told reporters", "according to", "that", "he", "she", "they", "it",
	"added", "adding", "warned", "noted", "the spokesman", "a source", "officials",
	"Hakan Fidan", "Turkish", "Ankara", "Syria’s", "don't", "the Kurds’",
	"so-called", "dubbed", ",", ".", ":", ";", "?", "!", "\n", "\n\n", " ", " ", " ",
	"We", "will", "win", "the", "border", "is", "open", "was", "reported", "by",
}

func randomDoc(rng *rand.Rand) string {
	var b strings.Builder
	n := 1 + rng.IntN(60)
	for i := 0; i < n; i++ {
		b.WriteString(fragments[rng.IntN(len(fragments))])
		if rng.IntN(3) > 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// TestRobustness runs the finder on unbalanced, nested, empty and
// truncated quotes, with and without the recogniser: it must not panic,
// and every quote span must slice back to its text.
func TestRobustness(t *testing.T) {
	f, ad, seg := setup(t)
	docs := append([]string(nil), edgeCases...)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1500 {
		docs = append(docs, randomDoc(rng))
	}
	for i, s := range docs {
		sents := seg.Sentences(s)
		for _, withDoc := range []bool{true, false} {
			x := &sitrep.Extraction{Document: sitrep.Document{Text: s}, Sentences: sents}
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("doc %d (%q), recogniser=%v: panic: %v", i, s, withDoc, p)
					}
				}()
				var err error
				if withDoc {
					err = f.Apply(context.Background(), x, ad.Recognize(s, sents, "2025-07-23", nil))
				} else {
					err = f.Apply(context.Background(), x, nil)
				}
				if err != nil {
					t.Fatalf("doc %d: %v", i, err)
				}
			}()
			checkSpans(t, x)
			for k, q := range x.Quotes {
				if q.ID != fmt.Sprintf("Q%d", k+1) {
					t.Errorf("doc %d: quote %d has id %q", i, k, q.ID)
				}
			}
		}
	}
	// sentences that do not match the text must not break the finder
	s := "“We are ready,” said Hakan Fidan."
	for _, sents := range [][]sitrep.Sentence{nil, {{Start: 0, End: 5}}, {{Start: 5, End: 500}}, {{Start: 10, End: 2}}} {
		x := &sitrep.Extraction{Document: sitrep.Document{Text: s}, Sentences: sents}
		if err := f.Apply(context.Background(), x, nil); err != nil {
			t.Fatal(err)
		}
		checkSpans(t, x)
	}
}

// FuzzFind checks the same invariants on fuzzed input (go test -fuzz=FuzzFind).
func FuzzFind(f *testing.F) {
	for _, s := range edgeCases {
		f.Add(s)
	}
	fi, ad, seg := setup(f)
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || len(s) > 4000 {
			return
		}
		sents := seg.Sentences(s)
		x := &sitrep.Extraction{Document: sitrep.Document{Text: s}, Sentences: sents}
		if err := fi.Apply(context.Background(), x, ad.Recognize(s, sents, "", nil)); err != nil {
			t.Fatal(err)
		}
		checkSpans(t, x)
	})
}
