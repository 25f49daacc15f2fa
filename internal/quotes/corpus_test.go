package quotes

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/text"
)

const casesFile = "../../testdata/quotes/cases.jsonl"

type corpusCase struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Quotes []struct {
		Text           string `json:"text"`
		Speaker        string `json:"speaker"`
		SpeakerCountry string `json:"speaker_country"`
		Direct         bool   `json:"direct"`
		Cue            string `json:"cue"`
	} `json:"quotes"`
	Tags []string `json:"tags"`
}

func readCases(t *testing.T) []corpusCase {
	t.Helper()
	f, err := os.Open(casesFile)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not present", casesFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var c corpusCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", casesFile, line, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func foldTokens(s string) []string {
	return strings.FieldsFunc(text.Fold(s), func(r rune) bool {
		return !(r == '\'' || r == '-' || isWordRune(r))
	})
}

// overlap is the share of the expected text's tokens found in the other.
func overlap(want, got string) float64 {
	w, g := foldTokens(want), foldTokens(got)
	if len(w) == 0 {
		return 0
	}
	bag := map[string]int{}
	for _, t := range g {
		bag[t]++
	}
	n := 0
	for _, t := range w {
		if bag[t] > 0 {
			bag[t]--
			n++
		}
	}
	// penalise a found text much longer than the expected one
	den := max(len(w), len(g))
	return float64(n) / float64(den)
}

func textMatch(want, got string) bool {
	if strings.TrimSpace(want) == strings.TrimSpace(got) {
		return true
	}
	return overlap(want, got) >= 0.8
}

// speakerMatch applies the corpus rule: the found name contains or equals
// the expected one after folding, or shares its last token, or — for an
// unnamed source — the countries agree.
func speakerMatch(wantName, wantCountry string, got sitrep.Actor) bool {
	w, g := strings.Join(foldTokens(wantName), " "), strings.Join(foldTokens(got.Name), " ")
	if g == "" {
		return false
	}
	if strings.Contains(g, w) {
		return true
	}
	wt, gt := foldTokens(wantName), foldTokens(got.Name)
	if len(wt) > 0 && len(gt) > 0 && wt[len(wt)-1] == gt[len(gt)-1] {
		return true
	}
	return wantCountry != "" && wantCountry == got.Country
}

func TestCorpus(t *testing.T) {
	cases := readCases(t)
	f, ad, seg := setup(t)
	total, found, speakerOK, extra, produced := 0, 0, 0, 0, 0
	for _, c := range cases {
		x := extract(t, f, ad, seg, c.Text)
		produced += len(x.Quotes)
		used := map[int]bool{}
		for _, want := range c.Quotes {
			total++
			best := -1
			for i, q := range x.Quotes {
				if used[i] || !textMatch(want.Text, q.Text) {
					continue
				}
				if best < 0 || overlap(want.Text, q.Text) > overlap(want.Text, x.Quotes[best].Text) {
					best = i
				}
			}
			if best < 0 {
				t.Logf("%s: missed %q (speaker %q)", c.ID, want.Text, want.Speaker)
				continue
			}
			used[best] = true
			found++
			q := x.Quotes[best]
			if speakerMatch(want.Speaker, want.SpeakerCountry, q.Speaker) {
				speakerOK++
			} else {
				t.Logf("%s: %q: speaker %q/%q, want %q/%q", c.ID, want.Text, q.Speaker.Name, q.Speaker.Country, want.Speaker, want.SpeakerCountry)
			}
			if q.Direct != want.Direct {
				t.Logf("%s: %q: direct=%v, want %v", c.ID, want.Text, q.Direct, want.Direct)
			}
		}
		for i, q := range x.Quotes {
			if !used[i] {
				extra++
				t.Logf("%s: extra %s quote %q (%s: %q)", c.ID, kind(q.Direct), q.Text, q.Cue, q.Speaker.Name)
			}
		}
	}
	if total == 0 {
		t.Skip("no expected quotes in the corpus")
	}
	recall := float64(found) / float64(total)
	spAcc := 0.0
	if found > 0 {
		spAcc = float64(speakerOK) / float64(found)
	}
	t.Logf("corpus: %d cases, %d expected quotes, %d found (recall %.3f), speaker accuracy %.3f (%d/%d), %d quotes produced, %d not in the corpus",
		len(cases), total, found, recall, spAcc, speakerOK, found, produced, extra)
	if recall < 0.85 {
		t.Errorf("recall %.3f < 0.85", recall)
	}
	if spAcc < 0.85 {
		t.Errorf("speaker accuracy %.3f < 0.85", spAcc)
	}
}

func kind(direct bool) string {
	if direct {
		return "direct"
	}
	return "indirect"
}

// extract runs the recogniser and the finder on one text.
func extract(t *testing.T, f *Finder, ad actorsDict, seg *text.Segmenter, s string) *sitrep.Extraction {
	t.Helper()
	sents := seg.Sentences(s)
	doc := ad.Recognize(s, sents, "2025-07-23", nil)
	x := &sitrep.Extraction{Document: sitrep.Document{Text: s}, Sentences: sents}
	if err := f.Apply(context.Background(), x, doc); err != nil {
		t.Fatal(err)
	}
	return x
}
