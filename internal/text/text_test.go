package text

import (
	"os"
	"strings"
	"testing"
)

func TestSentencesAbbreviations(t *testing.T) {
	sg := NewSegmenter()
	cases := []struct {
		in   string
		want []string
	}{
		{"Spokesman Rear Adm. Kemal Ucar spoke in Izmir. He left.", []string{"Spokesman Rear Adm. Kemal Ucar spoke in Izmir.", "He left."}},
		{"Brig. Gen. Sami Nasser met Dr. Lina Haddad on Jan. 5 in Beirut.", []string{"Brig. Gen. Sami Nasser met Dr. Lina Haddad on Jan. 5 in Beirut."}},
		{"The U.S. and the U.N. Security Council disagreed. Talks ended.", []string{"The U.S. and the U.N. Security Council disagreed.", "Talks ended."}},
		{"Aid arrived from the U.S. The convoy crossed at dawn.", []string{"Aid arrived from the U.S.", "The convoy crossed at dawn."}},
		{"Resolution No. 2254 calls for a vote. It passed.", []string{"Resolution No. 2254 calls for a vote.", "It passed."}},
		{"John F. Kennedy Airport reopened. Flights resumed.", []string{"John F. Kennedy Airport reopened.", "Flights resumed."}},
		{"“We are ready,” he said. “We have always been ready.”", []string{"“We are ready,” he said.", "“We have always been ready.”"}},
		{"Gen. Ali said: \"Go now.\" The troops moved.", []string{"Gen. Ali said: \"Go now.\"", "The troops moved."}},
		{"A headline without a stop\nThe body starts here. It ends here.", []string{"A headline without a stop", "The body starts here.", "It ends here."}},
		{"A hard-wrapped line that\ncontinues on the next line.", []string{"A hard-wrapped line that\ncontinues on the next line."}},
		{"Prices rose 2.5 percent. Why? Nobody knows!", []string{"Prices rose 2.5 percent.", "Why?", "Nobody knows!"}},
		{"Lt. Col. Ortiz and Maj. Gen. Park met at 10 a.m. on Monday.", []string{"Lt. Col. Ortiz and Maj. Gen. Park met at 10 a.m. on Monday."}},
	}
	for _, c := range cases {
		got := sg.Sentences(c.in)
		var texts []string
		for _, s := range got {
			if c.in[s.Start:s.End] != s.Text {
				t.Errorf("span %d:%d does not slice to %q", s.Start, s.End, s.Text)
			}
			texts = append(texts, s.Text)
		}
		if strings.Join(texts, "|") != strings.Join(c.want, "|") {
			t.Errorf("Sentences(%q)\n got %q\nwant %q", c.in, texts, c.want)
		}
	}
}

func TestTokenize(t *testing.T) {
	sg := NewSegmenter()
	s := "Syria’s Rear Adm. Zeki al-Sharaa met U.S. officials, 1,000 troops."
	toks := sg.Tokenize(s, 10)
	var texts []string
	for _, tk := range toks {
		if s[tk.Start-10:tk.End-10] != tk.Text {
			t.Fatalf("token %q does not slice back", tk.Text)
		}
		texts = append(texts, tk.Text)
	}
	want := "Syria|’s|Rear|Adm.|Zeki|al-Sharaa|met|U.S.|officials|,|1,000|troops|."
	if got := strings.Join(texts, "|"); got != want {
		t.Errorf("tokens\n got %s\nwant %s", got, want)
	}
}

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Erdoğan":   "erdogan",
		"Aktürk":    "akturk",
		"İSTANBUL":  "istanbul",
		"Yıldız":    "yildiz",
		"Syria’s":   "syria's",
		"Türkiye":   "turkiye",
		"Élysée":    "elysee",
		"ABU Qasra": "abu qasra",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSharedGoldSentences(t *testing.T) {
	data, err := os.ReadFile("../../../shared/gold/turkey-syria-request.txt")
	if err != nil {
		t.Skip("shared gold not present: ", err)
	}
	doc := Normalize(string(data))
	sg := NewSegmenter()
	for _, s := range sg.Sentences(doc) {
		for _, bad := range []string{"Rear Adm.", "Brig.", "Gen.", "Dr."} {
			if strings.HasSuffix(s.Text, bad) {
				t.Errorf("sentence split after %q: %q", bad, s.Text)
			}
		}
		if doc[s.Start:s.End] != s.Text {
			t.Errorf("sentence does not slice back: %q", s.Text)
		}
	}
}
