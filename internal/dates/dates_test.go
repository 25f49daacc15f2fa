package dates

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep"
)

type want struct {
	text, value, prec string // value "" means nil
}

type findCase struct {
	sentence string
	anchor   string // "" means unknown publication date
	want     []want
}

const a0723 = "2025-07-23" // a Wednesday

func wday(text, v string) want  { return want{text, v, sitrep.PrecisionDay} }
func month(text, v string) want { return want{text, v, sitrep.PrecisionMonth} }
func year(text, v string) want  { return want{text, v, sitrep.PrecisionYear} }
func unknown(text string) want  { return want{text, "", sitrep.PrecisionUnknown} }

var findCases = []findCase{
	// Weekdays.
	{"The ministry announced on Wednesday that talks with the rebels would resume.", a0723, []want{wday("Wednesday", "2025-07-23")}},
	{"Negotiators met in Geneva on Tuesday to discuss a prisoner exchange.", a0723, []want{wday("Tuesday", "2025-07-22")}},
	{"Border guards reported fresh infiltration attempts on Sunday.", a0723, []want{wday("Sunday", "2025-07-20")}},
	{"The envoy arrived in Baghdad on Monday evening for consultations.", a0723, []want{wday("Monday evening", "2025-07-21")}},
	{"Militia leaders rejected the proposal last Tuesday, a spokesman said.", a0723, []want{wday("last Tuesday", "2025-07-22")}},
	{"Officials said the aid convoy left the port last Wednesday.", a0723, []want{wday("last Wednesday", "2025-07-16")}},
	{"Shelling resumed early on Thursday near the northern border.", "2025-07-17", []want{wday("early on Thursday", "2025-07-17")}},
	{"The parliament session ran late on Monday, legislators said.", a0723, []want{wday("late on Monday", "2025-07-21")}},
	{"Security forces dispersed the crowd late Friday, witnesses said.", a0723, []want{wday("late Friday", "2025-07-18")}},
	{"Gunmen attacked a checkpoint on Saturday night, killing two guards.", a0723, []want{wday("Saturday night", "2025-07-19")}},
	{"The two leaders will speak by phone next Friday, aides said.", a0723, []want{wday("next Friday", "2025-07-25")}},
	{"The committee is due to report this Friday.", a0723, []want{wday("this Friday", "2025-07-25")}},
	{"ON WEDNESDAY THE CABINET APPROVED THE DEFENCE PACT.", a0723, []want{wday("WEDNESDAY", "2025-07-23")}},
	{"The accord was signed on Wednesday, July 23, in the presence of observers.", a0723, []want{wday("Wednesday, July 23", "2025-07-23")}},
	{"Delegates gathered on Tuesday 22 July for a closed session.", a0723, []want{wday("Tuesday 22 July", "2025-07-22")}},

	// Fixed relative phrases.
	{"Yesterday, the foreign minister flew to Riyadh for consultations.", a0723, []want{wday("Yesterday", "2025-07-22")}},
	{"The cabinet will meet today to approve the relief package.", a0723, []want{wday("today", "2025-07-23")}},
	{"Protest leaders plan to gather outside parliament tonight.", a0723, []want{wday("tonight", "2025-07-23")}},
	{"Airstrikes hit the outskirts of the city this morning, residents said.", a0723, []want{wday("this morning", "2025-07-23")}},
	{"Heavy gunfire was heard across the port district last night.", a0723, []want{wday("last night", "2025-07-22")}},
	{"The delegation is expected to travel to Cairo tomorrow.", a0723, []want{wday("tomorrow", "2025-07-24")}},
	{"Rescue teams reached the collapsed building yesterday morning.", a0723, []want{wday("yesterday morning", "2025-07-22")}},
	{"The ultimatum was delivered the day before yesterday, diplomats said.", a0723, []want{wday("the day before yesterday", "2025-07-21")}},
	{"Last month, the defence minister hosted his counterpart in Damascus.", a0723, []want{month("Last month", "2025-06")}},
	{"Inflation eased last month, the central bank said.", "2025-01-15", []want{month("last month", "2024-12")}},
	{"Fuel shortages worsened this month across the south.", a0723, []want{month("this month", "2025-07")}},
	{"The mission's mandate expires next month.", a0723, []want{month("next month", "2025-08")}},
	{"A new round of talks is planned for next month in Oman.", "2025-12-10", []want{month("next month", "2026-01")}},
	{"Earlier this month the rebels released four hostages.", a0723, []want{month("Earlier this month", "2025-07")}},
	{"The two sides exchanged prisoners last week under UN supervision.", a0723, []want{month("last week", "2025-07")}},
	{"Mediators shuttled between the capitals last week.", "2025-08-06", []want{month("last week", "2025-08")}},
	{"The envoy toured the camps last week, his office said.", "2025-08-01", []want{month("last week", "2025-07")}},
	{"Earlier this week, the army redeployed two brigades to the north.", a0723, []want{month("Earlier this week", "2025-07")}},
	{"Aid deliveries resumed this week after a pause.", a0723, []want{month("this week", "2025-07")}},
	{"Last year, the coalition carried out more than 300 strikes.", a0723, []want{year("Last year", "2024")}},
	{"The government has spent heavily on reconstruction this year.", a0723, []want{year("this year", "2025")}},
	{"Elections are scheduled for next year, officials said.", a0723, []want{year("next year", "2026")}},
	{"The treaty is expected to be ratified later this year.", a0723, []want{year("later this year", "2025")}},

	// N units ago.
	{"Two days ago, militia fighters seized a checkpoint on the highway.", a0723, []want{wday("Two days ago", "2025-07-21")}},
	{"The ceasefire collapsed 3 weeks ago after a mortar attack.", a0723, []want{wday("3 weeks ago", "2025-07-02")}},
	{"A senior aide resigned a week ago over the handling of the talks.", a0723, []want{wday("a week ago", "2025-07-16")}},
	{"The dam was damaged a month ago, engineers said.", a0723, []want{month("a month ago", "2025-06")}},
	{"The ministry was restructured two years ago.", a0723, []want{year("two years ago", "2023")}},

	// Years.
	{"The border crossing was closed in 2024 after clashes.", a0723, []want{year("2024", "2024")}},
	{"The country has been at war since 2011, the report noted.", a0723, []want{year("2011", "2011")}},
	{"Troop numbers rose between 2011 and 2015, the study found.", a0723, []want{year("2011", "2011"), year("2015", "2015")}},
	{"The pipeline should be finished by 2030, the minister said.", a0723, []want{year("2030", "2030")}},
	{"Exports collapsed in the summer of 2024.", a0723, []want{year("2024", "2024")}},
	{"The accord dates back to the year 2019.", a0723, []want{year("2019", "2019")}},
	{"Officials expect the first shipments in early 2025.", a0723, []want{year("early 2025", "2025")}},
	{"The base was handed over in late 2024, according to the army.", a0723, []want{year("late 2024", "2024")}},
	{"Fighting intensified around mid-2024 in the eastern districts.", a0723, []want{year("mid-2024", "2024")}},

	// Months.
	{"The truce has held since March, monitors said.", a0723, []want{month("March", "2025-03")}},
	{"In March the coalition suspended its air campaign.", a0723, []want{month("March", "2025-03")}},
	{"The parliament voted on the budget in November.", a0723, []want{month("November", "2024-11")}},
	{"Inspectors visited the site in July, the agency said.", a0723, []want{month("July", "2025-07")}},
	{"The withdrawal is due to be completed next March.", a0723, []want{month("next March", "2026-03")}},
	{"The militia first entered the town last March.", a0723, []want{month("last March", "2025-03")}},
	{"The militia first entered the town last March.", "2025-03-10", []want{month("last March", "2024-03")}},
	{"The talks stalled in mid-July over the map of the buffer zone.", a0723, []want{month("mid-July", "2025-07")}},
	{"The talks stalled in mid-July over the map of the buffer zone.", "2025-03-01", []want{month("mid-July", "2024-07")}},
	{"Refugees began returning in early March, the agency said.", a0723, []want{month("early March", "2025-03")}},
	{"Clashes erupted in late May near the airport.", a0723, []want{month("late May", "2025-05")}},
	{"The cabinet first discussed the plan in March 2025.", a0723, []want{month("March 2025", "2025-03")}},
	{"The envoy was appointed in May 2024 after a long search.", a0723, []want{month("May 2024", "2024-05")}},
	{"Talks ran from March to May without a breakthrough.", a0723, []want{month("March", "2025-03"), month("May", "2025-05")}},
	{"The agreement was extended in mid-July 2023.", a0723, []want{month("mid-July 2023", "2023-07")}},

	// Day and month.
	{"Ankara said it would monitor the 10 March agreement closely.", a0723, []want{wday("10 March", "2025-03-10")}},
	{"The statement was relayed by state television on July 23.", a0723, []want{wday("July 23", "2025-07-23")}},
	{"The accord was signed on 10 March 2025 in Damascus.", a0723, []want{wday("10 March 2025", "2025-03-10")}},
	{"The accord was signed on March 10, 2025, in Damascus.", a0723, []want{wday("March 10, 2025", "2025-03-10")}},
	{"The envoy returned to the capital on March 10.", a0723, []want{wday("March 10", "2025-03-10")}},
	{"The rally was called for the 23rd of July.", a0723, []want{wday("23rd of July", "2025-07-23")}},
	{"The deadline set on July 23rd passed without a deal.", a0723, []want{wday("July 23rd", "2025-07-23")}},
	{"The blockade began on Jan. 5, according to port officials.", a0723, []want{wday("Jan. 5", "2025-01-05")}},
	{"Rebels overran the garrison on Feb 14 after a long siege.", a0723, []want{wday("Feb 14", "2025-02-14")}},
	{"The assembly opened on Apr. 2 with a minute of silence.", a0723, []want{wday("Apr. 2", "2025-04-02")}},
	{"The convoy reached the camp on Jun 30.", a0723, []want{wday("Jun 30", "2025-06-30")}},
	{"The summit is set for Aug 10 in Doha.", a0723, []want{wday("Aug 10", "2025-08-10")}},
	{"The massacre of Sept. 30 is still under investigation.", a0723, []want{wday("Sept. 30", "2024-09-30")}},
	{"Survivors of the Oct. 7 attack met the envoy.", a0723, []want{wday("Oct. 7", "2024-10-07")}},
	{"Troops were deployed to the border on Dec 28.", "2025-01-05", []want{wday("Dec 28", "2024-12-28")}},
	{"The election held on Nov. 3, 2020 is still disputed.", a0723, []want{wday("Nov. 3, 2020", "2020-11-03")}},
	{"The constitution was suspended on 29 February 2024.", a0723, []want{wday("29 February 2024", "2024-02-29")}},
	{"ON MAY 5 THE ARMY ENTERED THE CITY.", a0723, []want{wday("MAY 5", "2025-05-05")}},
	{"DAMASCUS, July 17 — Warplanes struck the ministry compound.", "2025-07-17", []want{wday("July 17", "2025-07-17")}},
	{"The accord signed on 10 March was reaffirmed on Wednesday.", a0723, []want{wday("10 March", "2025-03-10"), wday("Wednesday", "2025-07-23")}},

	// ISO dates.
	{"The decree, dated 2025-07-23, was published by the ministry.", a0723, []want{wday("2025-07-23", "2025-07-23")}},
	{"The monitoring mission recorded the incident on 2024/12/01.", a0723, []want{wday("2024/12/01", "2024-12-01")}},

	// Unknown publication date.
	{"The ministry announced on Wednesday that talks would resume.", "", []want{unknown("Wednesday")}},
	{"Last month, the minister visited the front line.", "", []want{unknown("Last month")}},
	{"The accord was signed on 10 March 2025 in Damascus.", "", []want{wday("10 March 2025", "2025-03-10")}},
	{"The border crossing was closed in 2024 after clashes.", "", []want{year("2024", "2024")}},
	{"The statement was relayed by state television on July 23.", "", []want{unknown("July 23")}},
	{"The truce has held since March, monitors said.", "", []want{unknown("March")}},
	{"The cabinet first discussed the plan in March 2025.", "", []want{month("March 2025", "2025-03")}},

	// Anchor with a time zone: the date is the anchor's local date.
	{"Yesterday the envoy met tribal elders.", "2025-07-23T23:30:00-05:00", []want{wday("Yesterday", "2025-07-22")}},

	// Negatives.
	{"The government may withdraw its forces from the buffer zone.", a0723, nil},
	{"Thousands joined a protest march through the city centre.", a0723, nil},
	{"The march on the capital may begin soon, organisers warned.", a0723, nil},
	{"May the talks succeed, the cleric told worshippers.", a0723, nil},
	{"The air force received four F-16 jets from its ally.", a0723, nil},
	{"The convoy carried a load of 2000 tonnes of flour to the town.", a0723, nil},
	{"The ruling party won by 1950 votes in the district.", a0723, nil},
	{"Organisers said IDEF 2025 drew record crowds to Istanbul.", a0723, nil},
	{"The council invoked Resolution 2042 in its statement.", a0723, nil},
	{"Veterans recalled the upheaval of the 1990s.", a0723, nil},
	{"Rescuers pulled 23 people from the rubble.", a0723, nil},
	{"Diplomats described the last week of talks as the hardest yet.", a0723, nil},
	{"The Sunday Times reported the deal, citing officials.", a0723, nil},
	{"Nearly 2,000 troops and 150 armoured vehicles crossed the river.", a0723, nil},
	{"Rebels fired 16 rockets at the base, wounding 3 soldiers.", a0723, nil},
	{"The reforms could mar the fragile peace, analysts said.", a0723, nil},
}

func newResolver(t testing.TB) *Resolver {
	t.Helper()
	r, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func mustAnchor(t testing.TB, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	a, err := Anchor(s)
	if err != nil {
		t.Fatalf("Anchor(%q): %v", s, err)
	}
	return a
}

func val(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// checkSpans asserts that every expression slices back to its text and lies
// inside its sentence.
func checkSpans(t *testing.T, text string, sens []sitrep.Sentence, got []sitrep.DateExpr) {
	t.Helper()
	for _, d := range got {
		if d.Start < 0 || d.End > len(text) || d.Start >= d.End {
			t.Errorf("bad span %d:%d for %q", d.Start, d.End, d.Text)
			continue
		}
		if text[d.Start:d.End] != d.Text {
			t.Errorf("text[%d:%d] = %q, Text = %q", d.Start, d.End, text[d.Start:d.End], d.Text)
		}
		ok := false
		for _, s := range sens {
			if s.Index == d.Sentence && d.Start >= s.Start && d.End <= s.End {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%q (%d:%d) is not inside sentence %d", d.Text, d.Start, d.End, d.Sentence)
		}
		if (d.Value == nil) != (d.Precision == sitrep.PrecisionUnknown) {
			t.Errorf("%q: value %v with precision %q", d.Text, d.Value, d.Precision)
		}
	}
}

func TestFindTable(t *testing.T) {
	if len(findCases) < 80 {
		t.Fatalf("only %d table cases", len(findCases))
	}
	r := newResolver(t)
	for _, c := range findCases {
		t.Run(c.sentence, func(t *testing.T) {
			// Put the sentence after another one so offsets are not trivially 0.
			prefix := "Officials spoke to reporters. "
			text := prefix + c.sentence
			sens := []sitrep.Sentence{
				{Index: 0, Start: 0, End: len(prefix) - 1},
				{Index: 1, Start: len(prefix), End: len(text)},
			}
			got := r.Find(text, sens, mustAnchor(t, c.anchor))
			checkSpans(t, text, sens, got)
			if len(got) != len(c.want) {
				var gs []string
				for _, g := range got {
					gs = append(gs, g.Text+"="+val(g.Value))
				}
				t.Fatalf("got %d expressions %q, want %d", len(got), gs, len(c.want))
			}
			for i, w := range c.want {
				g := got[i]
				if g.Text != w.text || val(g.Value) != w.value || g.Precision != w.prec || g.Sentence != 1 {
					t.Errorf("got %q=%q (%s, sentence %d), want %q=%q (%s, sentence 1)",
						g.Text, val(g.Value), g.Precision, g.Sentence, w.text, w.value, w.prec)
				}
			}
		})
	}
}

func TestFindSentencesAndWholeText(t *testing.T) {
	r := newResolver(t)
	text := "Talks resumed on Monday. The envoy left yesterday.\nIn 2024 the border closed."
	s1 := strings.Index(text, "The envoy")
	s2 := strings.Index(text, "In 2024")
	sens := []sitrep.Sentence{
		{Index: 0, Start: 0, End: s1 - 1},
		{Index: 1, Start: s1, End: s2 - 1},
		{Index: 2, Start: s2, End: len(text)},
	}
	a := mustAnchor(t, a0723)
	got := r.Find(text, sens, a)
	checkSpans(t, text, sens, got)
	want := []struct {
		text, value string
		sentence    int
	}{{"Monday", "2025-07-21", 0}, {"yesterday", "2025-07-22", 1}, {"2024", "2024", 2}}
	if len(got) != len(want) {
		t.Fatalf("got %d expressions, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Text != w.text || val(got[i].Value) != w.value || got[i].Sentence != w.sentence {
			t.Errorf("got %q=%q in %d, want %q=%q in %d", got[i].Text, val(got[i].Value), got[i].Sentence, w.text, w.value, w.sentence)
		}
	}
	// Only the given sentences are scanned.
	if got := r.Find(text, sens[1:2], a); len(got) != 1 || got[0].Text != "yesterday" {
		t.Errorf("Find on sentence 1 only: %+v", got)
	}
	// No sentences: the whole text is one sentence 0.
	if got := r.Find(text, nil, a); len(got) != 3 || got[2].Sentence != 0 {
		t.Errorf("Find without sentences: %+v", got)
	}
	// Out-of-range sentence bounds are clamped, not a panic.
	if got := r.Find(text, []sitrep.Sentence{{Index: 0, Start: -5, End: len(text) + 10}}, a); len(got) != 3 {
		t.Errorf("Find with clamped sentence: %+v", got)
	}
}

func TestInferPublished(t *testing.T) {
	r := newResolver(t)
	cases := []struct {
		name, text    string
		value, prec   string
		ok            bool
		noteFragments []string
	}{
		{
			name: "weekday agrees with day-month near an event year",
			text: "Turkey's defence ministry said on Wednesday it had received a request from Damascus for military training. " +
				"Syrian state television carried the news on July 23. " +
				"Commanders of both armies met at the IDEF 2025 fair in Istanbul. " +
				"Ankara also pledged to monitor the 10 March agreement.",
			value: "2025-07-23", prec: sitrep.PrecisionDay, ok: true,
			noteFragments: []string{"Wednesday", "July 23", "2025"},
		},
		{
			name: "dateline day-month plus a year elsewhere",
			text: "DAMASCUS, July 17 — Warplanes struck the defence ministry in the capital on Wednesday. " +
				"The strikes were the heaviest on the city in 2025, residents said.",
			value: "2025-07-17", prec: sitrep.PrecisionDay, ok: true,
			noteFragments: []string{"dateline", "July 17"},
		},
		{
			name:  "dateline with an agency tag",
			text:  "BEIRUT, Sept. 4 (Wire) - Lebanese troops deployed along the coast. The deployment was the largest since 2006, but the plan dates from March 2025.",
			value: "2025-09-04", prec: sitrep.PrecisionDay, ok: true,
		},
		{
			name:  "full date in the dateline",
			text:  "AMMAN, 5 August 2024 — Jordan closed its northern crossing after a shooting. It reopened the crossing on 1 May 2025.",
			value: "2024-08-05", prec: sitrep.PrecisionDay, ok: true,
		},
		{
			name:  "header line",
			text:  "---\ntitle: Strikes on the capital\npublished: 2025-07-17\n---\nWarplanes struck the capital on Wednesday.",
			value: "2025-07-17", prec: sitrep.PrecisionDay, ok: true,
			noteFragments: []string{"header"},
		},
		{
			name:  "latest of several full dates",
			text:  "The accord of 10 March 2025 was reaffirmed on 2 July 2025 by both sides. Talks began on 4 January 2025.",
			value: "2025-07-02", prec: sitrep.PrecisionDay, ok: true,
		},
		{
			name:  "full date whose weekday the text names",
			text:  "The council met on Monday. The accord of 10 March 2025 was reaffirmed on 2 July 2025.",
			value: "2025-03-10", prec: sitrep.PrecisionDay, ok: true,
			noteFragments: []string{"weekday"},
		},
		{
			name:  "event name a year before the date",
			text:  "Delegates toured the pavilions on Sunday. The fair closed its gates to visitors on October 31, organisers of Expo 2020 said.",
			value: "2021-10-31", prec: sitrep.PrecisionDay, ok: true,
		},
		{
			name:  "month with a year",
			text:  "The militia withdrew from the town in June 2024 after talks mediated by tribal leaders.",
			value: "2024-06", prec: sitrep.PrecisionMonth, ok: true,
		},
		{
			name:  "year alone, a target year ignored",
			text:  "The war, which began in 2011, reached a turning point in 2024. The government hopes to rebuild the grid by 2030.",
			value: "2024", prec: sitrep.PrecisionYear, ok: true,
		},
		{
			name: "weekday and day-month without any year",
			text: "The ministry said on Wednesday that the talks held on July 23 had failed.",
			ok:   false,
		},
		{
			name: "a capitalised word at a sentence start does not make a name year",
			text: "Some 2000 displaced villagers returned home, the ministry said.",
			ok:   false,
		},
		{
			name: "no date",
			text: "The ministry said the talks had failed and that both delegations had left the capital.",
			ok:   false,
		},
		{
			name: "counts and names are not years",
			text: "The F-16 squadron flew 2000 sorties; the council cited Resolution 2042.",
			ok:   false,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, p, note, ok := r.InferPublished(c.text)
			if ok != c.ok {
				t.Fatalf("ok = %v (%q %q %q), want %v", ok, v, p, note, c.ok)
			}
			if !ok {
				if v != "" || p != sitrep.PrecisionUnknown {
					t.Errorf("not ok but value %q precision %q", v, p)
				}
				return
			}
			if v != c.value || p != c.prec {
				t.Errorf("got %q (%s), want %q (%s); note %q", v, p, c.value, c.prec, note)
			}
			if note == "" {
				t.Errorf("empty note")
			}
			for _, f := range c.noteFragments {
				if !strings.Contains(note, f) {
					t.Errorf("note %q lacks %q", note, f)
				}
			}
		})
	}
}

func TestGoldTurkeySyria(t *testing.T) {
	b, err := os.ReadFile("../../../shared/gold/turkey-syria-request.txt")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("shared gold report ../../../shared/gold/turkey-syria-request.txt not present")
	}
	if err != nil {
		t.Fatalf("read gold report: %v", err)
	}
	text := string(b)
	r := newResolver(t)
	sens := []sitrep.Sentence{{Index: 0, Start: 0, End: len(text)}}
	got := r.Find(text, sens, mustAnchor(t, a0723))
	checkSpans(t, text, sens, got)
	want := map[string]string{
		"Wednesday":  "2025-07-23",
		"Last month": "2025-06",
		"10 March":   "2025-03-10",
		"July 23":    "2025-07-23",
	}
	seen := map[string]bool{}
	for _, d := range got {
		w, ok := want[d.Text]
		if !ok {
			t.Errorf("unexpected expression %q=%q", d.Text, val(d.Value))
			continue
		}
		if val(d.Value) != w {
			t.Errorf("%q = %q, want %q", d.Text, val(d.Value), w)
		}
		seen[d.Text] = true
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("expression %q not found", k)
		}
	}
	v, p, note, ok := r.InferPublished(text)
	if !ok || v != "2025-07-23" || p != sitrep.PrecisionDay {
		t.Errorf("InferPublished = %q %q %q %v, want 2025-07-23 day", v, p, note, ok)
	}
}

func TestAnchor(t *testing.T) {
	cases := []struct{ in, want string }{
		{"2025-07-23", "2025-07-23"},
		{" 2025-07-23 ", "2025-07-23"},
		{"2025-07-23T10:15:00Z", "2025-07-23"},
		{"2025-07-23T23:30:00-05:00", "2025-07-23"},
		{"2025-07-23T10:15:00.123+03:00", "2025-07-23"},
		{"2025-07-23 10:15:00", "2025-07-23"},
		{"Wed, 23 Jul 2025 10:15:00 GMT", "2025-07-23"},
		{"Wed, 23 Jul 2025 10:15:00 +0300", "2025-07-23"},
		{"Wed, 3 Sep 2025 10:15:00 +0300", "2025-09-03"},
		{"Wednesday, 23-Jul-25 10:15:00 UTC", "2025-07-23"},
		{"23 Jul 25 10:15 UTC", "2025-07-23"},
		{"July 23, 2025", "2025-07-23"},
		{"23 July 2025", "2025-07-23"},
		{"2025/07/23", "2025-07-23"},
	}
	for _, c := range cases {
		a, err := Anchor(c.in)
		if err != nil {
			t.Errorf("Anchor(%q): %v", c.in, err)
			continue
		}
		if got := a.Format("2006-01-02"); got != c.want {
			t.Errorf("Anchor(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2025-13-40", "23/07/2025"} {
		if _, err := Anchor(bad); err == nil {
			t.Errorf("Anchor(%q): no error", bad)
		}
	}
}

func TestLexiconErrors(t *testing.T) {
	for _, bad := range []string{
		"month\tjanuary\t13",
		"weekday\tmonday\tx",
		"unit\tdays\tfortnights",
		"rel\tyesterday\tday\tminus",
		"colour\tred",
		"month\tjanuary\t1\tshort",
	} {
		if _, err := parseLexicon(wordsTSV + "\n" + bad + "\n"); err == nil {
			t.Errorf("parseLexicon accepted %q", bad)
		}
	}
	if _, err := parseLexicon("# nothing\n"); err == nil {
		t.Errorf("parseLexicon accepted an empty list")
	}
}

const benchParagraph = `ANKARA, July 23 — Turkey's defence ministry said on Wednesday that Damascus had asked Ankara to help rebuild its armed forces, and that instructors would be sent within weeks. ` +
	`The request was first reported by state media late on Tuesday and confirmed by officials in Damascus this morning. ` +
	`Last month, the Syrian defence minister hosted his Turkish counterpart for talks on joint exercises, and the two sides agreed in March 2025 to set up a liaison office. ` +
	`Ankara also said it would monitor the 10 March agreement under which Kurdish-led forces are to join the national army by the end of the year. ` +
	`Diplomats said the accord, signed on March 10, 2025, had been slow to take effect, and that a review planned for mid-July was postponed until next month. ` +
	`Two days ago, a convoy of 40 trucks carrying flour crossed the border, the first since early 2025, while F-16 jets patrolled the skies. ` +
	`The army may redeploy units before the winter, officials said, adding that a protest march in the capital last week had passed peacefully. ` +
	`Relations between the neighbours have improved since 2011, when the war began, and especially since December 2024. ` +
	`Officials expect a summit in Istanbul on Aug 10 and a donors' conference next year; the last such meeting, held on 2024-11-18, raised 2 billion dollars. ` +
	`Yesterday, the foreign minister told reporters that the IDEF 2025 fair had shown the strength of the partnership, and that 3 weeks ago he had spoken to his counterpart. ` +
	`Analysts said the coming months would test whether the pledges made last year and this year can be kept, and whether the ceasefire of 23rd of July holds tonight. ` +
	`The council will meet again on Monday evening, and earlier this week its members visited the camps in the north, where 2000 families still live in tents.`

func BenchmarkFind(b *testing.B) {
	r := newResolver(b)
	text := benchParagraph
	sens := []sitrep.Sentence{}
	start := 0
	for i := 0; i < len(text); i++ {
		if text[i] == '.' && i+1 < len(text) && text[i+1] == ' ' {
			sens = append(sens, sitrep.Sentence{Index: len(sens), Start: start, End: i + 1})
			start = i + 2
		}
	}
	sens = append(sens, sitrep.Sentence{Index: len(sens), Start: start, End: len(text)})
	a := mustAnchor(b, a0723)
	if n := len(r.Find(text, sens, a)); n < 20 {
		b.Fatalf("only %d expressions in the benchmark paragraph", n)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		r.Find(text, sens, a)
	}
}
