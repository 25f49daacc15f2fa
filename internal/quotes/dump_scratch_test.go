package quotes

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/text"
)

func TestDumpScratch(t *testing.T) {
	ds, _ := dict.New()
	ad, err := actors.Load(ds)
	if err != nil {
		t.Fatal(err)
	}
	seg := text.NewSegmenter()
	f, _ := os.Open(os.Getenv("DUMPFILE"))
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c struct{ ID, Text string }
		json.Unmarshal(sc.Bytes(), &c)
		sents := seg.Sentences(c.Text)
		doc := ad.Recognize(c.Text, sents, "2025-07-23", nil)
		fmt.Println(c.ID, c.Text)
		for si, ms := range doc.Mentions {
			fmt.Printf("  S%d %q\n", si, sents[si].Text)
			for _, m := range ms {
				a := m.Actor(doc)
				fmt.Printf("     %-8s %q role=%q ent=%q name=%q c=%s code=%s\n", m.Kind, m.Text, m.Role, a.Entity, a.Name, a.Country, a.Code)
			}
		}
	}
}
