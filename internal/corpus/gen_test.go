package corpus

import (
	"reflect"
	"testing"

	"github.com/sitrep/sitrep/internal/corpus/fingerprint"
)

func TestGenerateDeterministic(t *testing.T) {
	a, err := Generate(GenOptions{N: 50, Seed: 7, Duplicates: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(GenOptions{N: 50, Seed: 7, Duplicates: 0.2})
	c, _ := Generate(GenOptions{N: 50, Seed: 8, Duplicates: 0.2})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different corpus")
	}
	if reflect.DeepEqual(a.Records, c.Records) {
		t.Fatal("different seeds, same corpus")
	}
	if len(a.Records) != 50 || len(a.CopyOf) == 0 {
		t.Fatalf("%d records, %d copies", len(a.Records), len(a.CopyOf))
	}
	ids := map[string]bool{}
	for _, r := range a.Records {
		if ids[r.ID] || r.Text == "" || r.Published == "" || r.Outlet == "" {
			t.Fatalf("bad record %+v", r)
		}
		ids[r.ID] = true
	}
}

// TestGeneratedDuplicates checks the fingerprints against the generator's
// ground truth: every wire copy is near its original, and no two
// independent reports (nor copies of them) are near each other.
func TestGeneratedDuplicates(t *testing.T) {
	g, err := Generate(GenOptions{N: 1000, Seed: 1, Duplicates: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	sigs := make([]fingerprint.Signature, len(g.Records))
	root := func(id string) string {
		if o, ok := g.CopyOf[id]; ok {
			return o
		}
		return id
	}
	for i, r := range g.Records {
		s, ok := fingerprint.Sign(r.Text)
		if !ok {
			t.Fatalf("%s: too short to sign", r.ID)
		}
		sigs[i] = s
	}
	falsePos, falseNeg := 0, 0
	for i := range g.Records {
		for j := i + 1; j < len(g.Records); j++ {
			same := root(g.Records[i].ID) == root(g.Records[j].ID)
			near := fingerprint.Near(sigs[i], sigs[j])
			if near && !same {
				falsePos++
				if falsePos < 4 {
					t.Logf("false positive %.2f:\n%s\n%s", fingerprint.Similarity(sigs[i], sigs[j]), g.Records[i].Text, g.Records[j].Text)
				}
			}
			if g.CopyOf[g.Records[j].ID] == g.Records[i].ID && !near {
				falseNeg++
			}
		}
	}
	if falsePos > 0 || falseNeg > 0 {
		t.Fatalf("%d false positives, %d false negatives among %d documents", falsePos, falseNeg, len(g.Records))
	}
}
