package events

import (
	"fmt"
	"os"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
)

func TestDebugHits(t *testing.T) {
	txt := os.Getenv("S")
	ds, _ := dict.New()
	ad, _ := actors.Load(ds)
	c, err := New(ds)
	if err != nil {
		t.Fatal(err)
	}
	sents := []sitrep.Sentence{{Index: 0, Start: 0, End: len(txt), Text: txt}}
	doc := ad.Recognize(txt, sents, "2025-01-01", nil)
	s := c.prepare(0, doc, nil)
	for _, m := range s.mentions {
		fmt.Printf("M %s %q %s %s [%d,%d)\n", m.Kind, m.Text, m.Country, m.Code, m.Tok0, m.Tok1)
	}
	for _, h := range c.match(s) {
		fmt.Printf("H %s %s k[%d,%d) spec=%d matched=%d\n", h.pat.Code, h.pat.Text, h.k0, h.k1, h.pat.spec, h.matched)
		x := &sitrep.Extraction{Document: sitrep.Document{Text: txt}, Sentences: sents}
		for _, e := range c.build(&docState{x: x, doc: doc}, s, h) {
			fmt.Printf("  E %s->%s %s %s\n", e.Source.Country, e.Target.Country, e.CAMEO, e.Modality)
		}
	}
}
