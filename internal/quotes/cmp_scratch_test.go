package quotes

import (
	"fmt"
	"testing"
)

func TestCmpScratch(t *testing.T) {
	cases := readCases(t)
	f, ad, seg := setup(t)
	for _, c := range cases {
		x := extract(t, f, ad, seg, c.Text)
		fmt.Println(c.ID)
		for _, w := range c.Quotes {
			fmt.Printf("   W %-5v %-18q %q/%s\n", w.Direct, w.Cue, w.Speaker, w.SpeakerCountry)
		}
		for _, q := range x.Quotes {
			fmt.Printf("   G %-5v %-18q %q/%s/%s/%s  %q\n", q.Direct, q.Cue, q.Speaker.Name, q.Speaker.Country, q.Speaker.Code, q.Speaker.Entity, q.Text)
		}
	}
}
