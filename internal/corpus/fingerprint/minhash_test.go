package fingerprint

import (
	"strings"
	"testing"
)

const story = "Turkey and Syria signed a memorandum on military training that sends Turkish advisers to Syrian academies. " +
	"Under the memorandum Turkish instructors will train Syrian officers in logistics and command for two years. " +
	"The first group of trainers arrived in the Syrian capital this week, according to a defence ministry statement."

func TestSign(t *testing.T) {
	if _, ok := Sign("Too short to sign."); ok {
		t.Fatal("a short text was signed")
	}
	a, ok := Sign(story)
	if !ok {
		t.Fatal("story not signed")
	}
	b, _ := Sign(strings.ToUpper(story))
	if Similarity(a, b) != 1 || a.BandKeys() != b.BandKeys() {
		t.Fatal("case changes the signature")
	}
	c, _ := Sign("ANKARA (Gulf Ledger) — " + strings.Replace(story, "two years", "three years", 1) + " Reporting by the desk.")
	if !Near(a, c) {
		t.Fatalf("wire copy similarity %.2f", Similarity(a, c))
	}
	shared := 0
	ka, kc := a.BandKeys(), c.BandKeys()
	for i := range ka {
		if ka[i] == kc[i] {
			shared++
		}
	}
	if shared == 0 {
		t.Fatal("a near duplicate shares no band key: the index would miss it")
	}
	d, _ := Sign("A convoy of forty trucks carrying food and medicine crossed into the northern province on Thursday morning, aid workers said, and more were expected.")
	if Near(a, d) || Similarity(a, d) > 0.2 {
		t.Fatalf("unrelated texts similarity %.2f", Similarity(a, d))
	}
	p, err := Parse(a.Bytes())
	if err != nil || p != a {
		t.Fatalf("parse: %v", err)
	}
	if _, err := Parse([]byte{1, 2}); err == nil {
		t.Fatal("short signature parsed")
	}
}
