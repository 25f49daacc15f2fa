package quotes

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/dict"
)

func TestFindSpans(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"straight double", `He said "we are ready" today.`, []string{"we are ready"}},
		{"curly double", "“We are ready,” he said.", []string{"We are ready,"}},
		{"guillemets", "«Nous restons,» dit-il.", []string{"Nous restons,"}},
		{"reversed guillemets", "»Wir bleiben,« sagte er.", []string{"Wir bleiben,"}},
		{"german", "Er sagte: „Wir bleiben hier.“ Dann ging er.", []string{"Wir bleiben hier."}},
		{"straight single", "'Nobody expected this,' she said.", []string{"Nobody expected this,"}},
		{"curly single", "‘The talks were useful,’ a diplomat said.", []string{"The talks were useful,"}},
		{"apostrophes are not marks", "Syria’s army and Turkey's navy don't agree, and the Kurds’ demands stand.", nil},
		{"apostrophe inside a single quote", "'We won't go,' he said.", []string{"We won't go,"}},
		{"curly apostrophe inside", "‘We didn’t ask for this,’ she said.", []string{"We didn’t ask for this,"}},
		{"plural possessive inside", "‘The Kurds’ demands are fair,’ he said.", []string{"The Kurds’ demands are fair,"}},
		{"nested", "“They told us ‘wait,’ and we waited,” he said.", []string{"They told us ‘wait,’ and we waited,"}},
		{"two quotes", `"One," he said, "two."`, []string{"One,", "two."}},
		{"several sentences", "“We are ready. We were always ready,” she said.", []string{"We are ready. We were always ready,"}},
		{"empty quotes", `He said "" and “ ” and left.`, nil},
		{"unclosed at paragraph end", "“This never closes\nNext paragraph.", nil},
		{"paragraph continuation", "“First part.\n“Second part,” he said.", []string{"First part.", "Second part,"}},
		{"space inside guillemets", "Il a dit « nous restons » hier.", []string{"nous restons"}},
		{"decade elision", "In the ’90s the border was closed.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, sp := range findSpans(tt.in) {
				got = append(got, tt.in[sp.start:sp.end])
				if tt.in[sp.open:sp.openEnd] == "" {
					t.Errorf("empty opening mark at %d", sp.open)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("findSpans(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// want is one expected quote of a unit case; an empty speaker or country
// is not checked.
type want struct {
	text    string
	direct  bool
	cue     string
	speaker string
	country string
}

func TestApply(t *testing.T) {
	f, ad, seg := setup(t)
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{"cue before with colon",
			"Turkish Defence Minister Yaşar Güler said: “Our teams can deploy within weeks.”",
			[]want{{"Our teams can deploy within weeks.", true, "said", "Yaşar Güler", "TUR"}}},
		{"cue after, inverted",
			"“The crossing will reopen on Monday,” said Rami Haddad, a spokesman for the Lebanese customs authority.",
			[]want{{"The crossing will reopen on Monday,", true, "said", "Rami Haddad", "LBN"}}},
		{"told reporters",
			"“We will not withdraw,” Turkish Colonel Ayşe Kaya told reporters in Ankara.",
			[]want{{"We will not withdraw,", true, "told reporters", "Ayşe Kaya", "TUR"}}},
		{"cue inside a split quote",
			"“We agreed,” said Hakan Fidan, “to meet again next month.”",
			[]want{{"We agreed,", true, "said", "Hakan Fidan", "TUR"}, {"to meet again next month.", true, "", "Hakan Fidan", "TUR"}}},
		{"pronoun and continuation",
			"Turkish Foreign Minister Hakan Fidan spoke in Damascus. “Our position is firm,” he said. “A united Syria matters to the whole region.”",
			[]want{{"Our position is firm,", true, "said", "Hakan Fidan", "TUR"}, {"A united Syria matters to the whole region.", true, "", "Hakan Fidan", "TUR"}}},
		{"definite role noun",
			"Omar Saleh, the spokesman for the Jordanian Foreign Ministry, met journalists in Amman. The spokesman said: “Jordan rejects the plan.”",
			[]want{{"Jordan rejects the plan.", true, "said", "Omar Saleh", ""}}},
		{"partial quote in a that-clause",
			"Turkish Defence Minister Yaşar Güler told reporters that Turkey is “sending training teams” to the region.",
			[]want{{"sending training teams", true, "told reporters", "Yaşar Güler", "TUR"}}},
		{"indirect that-clause",
			"Turkish Foreign Minister Hakan Fidan underlined that Ankara would keep supporting the talks.",
			[]want{{"Ankara would keep supporting the talks", false, "underlined", "Hakan Fidan", "TUR"}}},
		{"indirect without that",
			"Analysts said the sanctions were unlikely to work.",
			[]want{{"the sanctions were unlikely to work", false, "said", "Analysts", ""}}},
		{"according to after",
			"The convoy was hit near the crossing, according to the Syrian Civil Defence.",
			[]want{{"The convoy was hit near the crossing", false, "according to", "", "SYR"}}},
		{"according to before",
			"According to the Turkish presidency, the two leaders discussed border security.",
			[]want{{"the two leaders discussed border security", false, "According to", "", "TUR"}}},
		{"report after the clause",
			"Turkish troops entered the town on Sunday, the army said.",
			[]want{{"Turkish troops entered the town on Sunday", false, "said", "army", ""}}},
		{"unnamed source without a mention",
			"“The drills will go ahead,” a Defense Ministry source said.",
			[]want{{"The drills will go ahead,", true, "said", "a Defense Ministry source", ""}}},
		{"unnamed source with a demonym",
			"“The decision has not been made,” one Turkish official said.",
			[]want{{"The decision has not been made,", true, "said", "", "TUR"}}},
		{"participle inherits the speaker",
			"“The border is calm,” Lebanese army spokesman Khalil Saad told reporters, adding that patrols had been doubled.",
			[]want{{"The border is calm,", true, "told reporters", "Khalil Saad", "LBN"}, {"patrols had been doubled", false, "adding", "Khalil Saad", "LBN"}}},
		{"coordinated verbs share a subject",
			"The Kremlin called the plan ‘a step forward’ but said details were missing.",
			[]want{{"a step forward", true, "called", "", "RUS"}, {"details were missing", false, "said", "", "RUS"}}},
		{"name that looks like a cue",
			"Egyptian Foreign Ministry spokesman Tamer Said replied: “That depends on the other side.”",
			[]want{{"That depends on the other side.", true, "replied", "Tamer Said", "EGY"}}},
		{"scare quotes are not quotes",
			"The operation, dubbed \"Northern Shield\", began at dawn. The ministers signed the so-called ‘Ankara Declaration’ before lunch.",
			nil},
		{"passive report is not speech",
			"The development was first reported by the state agency on Monday.",
			nil},
		{"quoted as saying",
			"Reuters quoted Turkish Foreign Minister Hakan Fidan as saying the talks would resume next week.",
			[]want{{"the talks would resume next week", false, "saying", "Hakan Fidan", "TUR"}}},
		{"colon after a sentence without a cue",
			"Turkish Foreign Minister Hakan Fidan addressed parliament on Tuesday:\n“Turkey will not abandon its neighbours in any circumstances.”",
			[]want{{"Turkey will not abandon its neighbours in any circumstances.", true, "", "Hakan Fidan", "TUR"}}},
		{"subordinate clause with its own subject",
			"Israel recalled its envoy on Wednesday after Oslo said it would recognise the state.",
			[]want{{"it would recognise the state", false, "said", "", "NOR"}}},
		{"relative clause is not a report",
			"Troops were accused of abuses against civilians, which the government denied.",
			nil},
		{"objects are not clauses",
			"Thailand recalled its ambassador and expelled the envoy of Cambodia. Iran denied any involvement in an alleged plot. The Houthis announced a naval blockade of Israel's main port.",
			nil},
		{"quote at the very end of the text",
			"Turkish Foreign Minister Hakan Fidan said: “We are ready”",
			[]want{{"We are ready", true, "said", "Hakan Fidan", "TUR"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := extract(t, f, ad, seg, tt.in)
			checkSpans(t, x)
			if len(x.Quotes) != len(tt.want) {
				t.Fatalf("got %d quotes, want %d: %s", len(x.Quotes), len(tt.want), describe(x.Quotes))
			}
			for i, w := range tt.want {
				q := x.Quotes[i]
				if q.Text != w.text || q.Direct != w.direct || q.Cue != w.cue {
					t.Errorf("quote %d = %q direct=%v cue=%q, want %q direct=%v cue=%q", i, q.Text, q.Direct, q.Cue, w.text, w.direct, w.cue)
				}
				if w.speaker != "" && q.Speaker.Name != w.speaker {
					t.Errorf("quote %d %q: speaker %q, want %q", i, q.Text, q.Speaker.Name, w.speaker)
				}
				if w.country != "" && q.Speaker.Country != w.country {
					t.Errorf("quote %d %q: speaker country %q, want %q", i, q.Text, q.Speaker.Country, w.country)
				}
			}
		})
	}
}

// TestDoubleCount checks the rule for a direct quote inside an indirect
// clause: the direct quote is kept, the clause only when the quoted words
// are at most a third of it.
func TestDoubleCount(t *testing.T) {
	f, ad, seg := setup(t)
	mostly := extract(t, f, ad, seg, "Turkish Defence Minister Yaşar Güler said the drills would “continue exactly as planned.”")
	if len(mostly.Quotes) != 1 || !mostly.Quotes[0].Direct || mostly.Quotes[0].Text != "continue exactly as planned." {
		t.Errorf("mostly quoted clause: %s", describe(mostly.Quotes))
	}
	little := extract(t, f, ad, seg, "Turkish Defence Minister Yaşar Güler said the government had “lost its way” and should call early elections before the winter session ends.")
	var direct, indirect int
	for _, q := range little.Quotes {
		if q.Direct {
			direct++
		} else if strings.HasPrefix(q.Text, "the government had “lost its way”") {
			indirect++
		}
	}
	if direct != 1 || indirect != 1 {
		t.Errorf("lightly quoted clause: want the direct and the indirect quote, got %s", describe(little.Quotes))
	}
}

func TestAttributedTo(t *testing.T) {
	f, ad, seg := setup(t)
	s := "Turkish Foreign Minister Hakan Fidan said Turkey would send advisers. Syrian troops moved north on Monday."
	sents := seg.Sentences(s)
	doc := ad.Recognize(s, sents, "2025-07-23", nil)
	send := strings.Index(s, "send")
	moved := strings.Index(s, "moved")
	x := &sitrep.Extraction{Document: sitrep.Document{Text: s}, Sentences: sents, Events: []sitrep.Event{
		{ID: "E1", Trigger: &sitrep.Span{Start: send, End: send + 4, Text: "send"}},
		{ID: "E2", Trigger: &sitrep.Span{Start: moved, End: moved + 5, Text: "moved"}},
		{ID: "E3"},
	}}
	if err := f.Apply(context.Background(), x, doc); err != nil {
		t.Fatal(err)
	}
	if len(x.Quotes) != 1 {
		t.Fatalf("quotes: %s", describe(x.Quotes))
	}
	if got := x.Events[0].AttributedTo; got != x.Quotes[0].ID {
		t.Errorf("E1 attributed to %q, want %q", got, x.Quotes[0].ID)
	}
	if got := x.Events[1].AttributedTo; got != "" {
		t.Errorf("E2 attributed to %q, want none", got)
	}
	if got := x.Events[2].AttributedTo; got != "" {
		t.Errorf("E3 attributed to %q, want none", got)
	}
}

func TestAttributeInnermost(t *testing.T) {
	x := &sitrep.Extraction{
		Quotes: []sitrep.Quote{
			{ID: "Q1", Span: &sitrep.Span{Start: 0, End: 100}},
			{ID: "Q2", Span: &sitrep.Span{Start: 10, End: 30}},
			{ID: "Q3"},
		},
		Events: []sitrep.Event{
			{ID: "E1", Trigger: &sitrep.Span{Start: 12, End: 15}},
			{ID: "E2", Trigger: &sitrep.Span{Start: 50, End: 55}},
			{ID: "E3", Trigger: &sitrep.Span{Start: 95, End: 105}},
		},
	}
	Attribute(x)
	got := []string{x.Events[0].AttributedTo, x.Events[1].AttributedTo, x.Events[2].AttributedTo}
	if !reflect.DeepEqual(got, []string{"Q2", "Q1", ""}) {
		t.Errorf("attributions = %q", got)
	}
}

func TestIDsInOrder(t *testing.T) {
	f, ad, seg := setup(t)
	x := extract(t, f, ad, seg, "Turkish Foreign Minister Hakan Fidan said that the talks had ended. “We will meet again,” he added. Analysts said the meeting had gone well.")
	if len(x.Quotes) != 3 {
		t.Fatalf("quotes: %s", describe(x.Quotes))
	}
	for i, q := range x.Quotes {
		if want := "Q" + string(rune('1'+i)); q.ID != want {
			t.Errorf("quote %d has id %q, want %q", i, q.ID, want)
		}
		if i > 0 && q.Span.Start < x.Quotes[i-1].Span.Start {
			t.Errorf("quote %s is out of order", q.ID)
		}
	}
}

func TestNilDocAndCancel(t *testing.T) {
	f, _, seg := setup(t)
	s := "“We are ready,” said Hakan Fidan. Officials said the border would open."
	x := &sitrep.Extraction{Document: sitrep.Document{Text: s}, Sentences: seg.Sentences(s)}
	if err := f.Apply(context.Background(), x, nil); err != nil {
		t.Fatal(err)
	}
	checkSpans(t, x)
	if len(x.Quotes) != 2 || x.Quotes[0].Text != "We are ready," || x.Quotes[0].Speaker.Name != "Hakan Fidan" ||
		x.Quotes[1].Text != "the border would open" || x.Quotes[1].Speaker.Name != "Officials" {
		t.Errorf("without actors: %s", describe(x.Quotes))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.Apply(ctx, x, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

// TestCuesFile checks that report cues of a user cues.tsv are read and
// that a removal line takes one out.
func TestCuesFile(t *testing.T) {
	f, _ := userFinder(t, "cues.tsv", "# test cues\nintimated\treport\nwill\tplanned\n-underlined\treport\n")
	_, ad, seg := setup(t)
	x := extract(t, f, ad, seg, "Turkish Foreign Minister Hakan Fidan intimated that the talks had stalled.")
	if len(x.Quotes) != 1 || x.Quotes[0].Cue != "intimated" || x.Quotes[0].Text != "the talks had stalled" {
		t.Errorf("user cue: %s", describe(x.Quotes))
	}
	// a removal line takes out a cue, even one of the finder's own list
	x = extract(t, f, ad, seg, "Turkish Foreign Minister Hakan Fidan underlined that the talks had stalled.")
	if len(x.Quotes) != 0 {
		t.Errorf("removed cue: %s", describe(x.Quotes))
	}
	base, _, _ := setup(t)
	x = extract(t, base, ad, seg, "Turkish Foreign Minister Hakan Fidan intimated that the talks had stalled.")
	if len(x.Quotes) != 0 {
		t.Errorf("without the user cue: %s", describe(x.Quotes))
	}
}

// userFinder writes one user dictionary file and loads a finder with it;
// it returns the finder and the user directory.
func userFinder(t *testing.T, name, data string) (*Finder, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := dict.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := New(ds)
	if err != nil {
		t.Fatal(err)
	}
	return f, dir
}

// TestQuotesFile extends the finder's own word lists with a user
// quotes.tsv: a new cue of class say, and a removed one.
func TestQuotesFile(t *testing.T) {
	f, dir := userFinder(t, "quotes.tsv", "say\tconfided\nsay\t-underlined\n")
	base, ad, seg := setup(t)
	const confided = "Turkish Foreign Minister Hakan Fidan confided that the talks had stalled."
	if x := extract(t, base, ad, seg, confided); len(x.Quotes) != 0 {
		t.Fatalf("without the user's list: %s", describe(x.Quotes))
	}
	if x := extract(t, f, ad, seg, confided); len(x.Quotes) != 1 || x.Quotes[0].Cue != "confided" {
		t.Errorf("user cue: %s", describe(x.Quotes))
	}
	const underlined = "Turkish Foreign Minister Hakan Fidan underlined that the talks had stalled."
	if x := extract(t, base, ad, seg, underlined); len(x.Quotes) != 1 {
		t.Fatalf("the embedded list: %s", describe(x.Quotes))
	}
	if x := extract(t, f, ad, seg, underlined); len(x.Quotes) != 0 {
		t.Errorf("removed cue: %s", describe(x.Quotes))
	}
	if err := os.WriteFile(filepath.Join(dir, "quotes.tsv"), []byte("nosuchclass\tword\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := dict.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(ds); err == nil || !strings.Contains(err.Error(), "quotes.tsv") {
		t.Errorf("an unknown class: %v, want an error naming the file", err)
	}
}

func TestConcurrent(t *testing.T) {
	f, ad, seg := setup(t)
	s := "“We are ready,” Turkish Foreign Minister Hakan Fidan said. Analysts said the talks had gone well."
	ref := extract(t, f, ad, seg, s)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sents := seg.Sentences(s)
			doc := ad.Recognize(s, sents, "2025-07-23", nil)
			x := &sitrep.Extraction{Document: sitrep.Document{Text: s}, Sentences: sents}
			if err := f.Apply(context.Background(), x, doc); err != nil {
				errs <- err.Error()
				return
			}
			if !reflect.DeepEqual(x.Quotes, ref.Quotes) {
				errs <- describe(x.Quotes)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent run differs: %s", e)
	}
}

func checkSpans(t *testing.T, x *sitrep.Extraction) {
	t.Helper()
	s := x.Document.Text
	for _, q := range x.Quotes {
		sp := q.Span
		if sp == nil {
			t.Errorf("%s has no span", q.ID)
			continue
		}
		if sp.Start < 0 || sp.End > len(s) || sp.Start >= sp.End {
			t.Errorf("%s: span %d-%d out of range (len %d)", q.ID, sp.Start, sp.End, len(s))
			continue
		}
		if s[sp.Start:sp.End] != q.Text || sp.Text != q.Text {
			t.Errorf("%s: span %d-%d = %q, text %q", q.ID, sp.Start, sp.End, s[sp.Start:sp.End], q.Text)
		}
		if len(x.Sentences) > 0 && (sp.Sentence < 0 || sp.Sentence >= len(x.Sentences)) {
			t.Errorf("%s: sentence %d out of range", q.ID, sp.Sentence)
		}
		if strings.TrimSpace(q.Text) != q.Text {
			t.Errorf("%s: text %q has surrounding space", q.ID, q.Text)
		}
	}
}

func describe(qs []sitrep.Quote) string {
	var b strings.Builder
	for _, q := range qs {
		b.WriteString("\n  " + q.ID + " " + kind(q.Direct) + " cue=" + q.Cue + " speaker=" + q.Speaker.Name + "/" + q.Speaker.Country + " " + `"` + q.Text + `"`)
	}
	if b.Len() == 0 {
		return "(none)"
	}
	return b.String()
}
