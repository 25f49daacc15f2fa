package quotes

import (
	"fmt"
	"os"
	"testing"
)

func TestDebugScratch(t *testing.T) {
	s := os.Getenv("DBG")
	if s == "" {
		t.Skip()
	}
	f, ad, seg := setup(t)
	sents := seg.Sentences(s)
	doc := ad.Recognize(s, sents, "2025-07-23", nil)
	for si, ms := range doc.Mentions {
		for _, m := range ms {
			fmt.Printf("S%d %-8s %q tok=%d-%d loc=%v role=%q c=%s ent=%d\n", si, m.Kind, m.Text, m.Tok0, m.Tok1, m.Locative, m.Role, m.Country, m.Entity)
		}
	}
	x := extract(t, f, ad, seg, s)
	for _, q := range x.Quotes {
		fmt.Printf("%s direct=%v cue=%q speaker=%+v\n   %q\n", q.ID, q.Direct, q.Cue, q.Speaker, q.Text)
	}
	r := f.newRun(x, doc)
	r.find()
	for si, as := range r.acts {
		for _, a := range as {
			fmt.Printf("act S%d %q kind=%d ok=%v inv=%v sp=%+v\n", si, a.cue, a.kind, a.ok, a.inverted, a.sp.a)
		}
	}
}
