package quotes

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/sitrep/sitrep"
)

const goldReport = "../../../shared/gold/turkey-syria-request.txt"

// TestGoldReport reads the shared Turkey–Syria report at test time (its
// text is not copied into the repository) and checks the quotes that the
// reference annotation requires.
func TestGoldReport(t *testing.T) {
	b, err := os.ReadFile(goldReport)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not present", goldReport)
	}
	if err != nil {
		t.Fatal(err)
	}
	f, ad, seg := setup(t)
	x := extract(t, f, ad, seg, string(b))
	for _, q := range x.Quotes {
		t.Logf("%s direct=%v cue=%q speaker=%q/%s/%s sentence=%d %q", q.ID, q.Direct, q.Cue, q.Speaker.Name, q.Speaker.Country, q.Speaker.Code, q.Span.Sentence, q.Text)
	}
	find := func(prefix string) *sitrep.Quote {
		for i := range x.Quotes {
			if x.Quotes[i].Direct && strings.HasPrefix(x.Quotes[i].Text, prefix) {
				return &x.Quotes[i]
			}
		}
		t.Errorf("no direct quote starting %q", prefix)
		return nil
	}
	firm := find("Our position is firm")
	united := find("A politically united Syria")
	partial := find("mobilizing training, advisory and technical teams")
	if firm != nil && firm.Text != "Our position is firm," {
		t.Errorf("firm quote text = %q", firm.Text)
	}
	if united != nil {
		if strings.Contains(united.Text, "Our position") || !strings.HasSuffix(united.Text, "regional peace.") {
			t.Errorf("continued quote text = %q", united.Text)
		}
		if firm != nil && united.ID == firm.ID {
			t.Errorf("the two quotes were merged")
		}
	}
	if partial != nil && partial.Text != "mobilizing training, advisory and technical teams" {
		t.Errorf("partial quote text = %q", partial.Text)
	}
	for _, q := range []*sitrep.Quote{firm, united, partial} {
		if q == nil {
			continue
		}
		if string(b)[q.Span.Start:q.Span.End] != q.Text {
			t.Errorf("%s: span does not slice back to its text", q.ID)
		}
		// the speaker is the ministry spokesman, named earlier in the report
		if !strings.Contains(q.Speaker.Name, "Akt") {
			t.Errorf("%s %q: speaker %q, want the spokesman", q.ID, q.Text, q.Speaker.Name)
		}
	}
	if united != nil && united.Cue != "" {
		t.Errorf("continued quote has cue %q, want none", united.Cue)
	}
}
