package actors

import (
	"os"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/tsv"
)

func loadDict(t testing.TB) *Dictionary {
	t.Helper()
	ds, err := dict.New()
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(ds)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPhraseTable resolves the project's own phrase table
// (testdata/actors/phrases.tsv): country and primary sector must match in
// at least 95% of the cases.
func TestPhraseTable(t *testing.T) {
	data, err := os.ReadFile("../../testdata/actors/phrases.tsv")
	if err != nil {
		t.Fatal(err)
	}
	d := loadDict(t)
	n, ok := 0, 0
	var fails []string
	err = tsv.Parse(data, func(r tsv.Row) error {
		phrase, date, country, sectors := r.Field(0), r.Field(1), r.Field(2), r.List(3)
		n++
		res := d.Resolve(phrase, date)
		want := ""
		if len(sectors) > 0 {
			want = sectors[0]
		}
		got := ""
		if len(res.Sectors) > 0 {
			got = res.Sectors[0]
		}
		if res.Country == country && got == want {
			ok++
			return nil
		}
		fails = append(fails, phrase+" @"+date+": want "+country+" "+want+", got "+res.Country+" "+strings.Join(res.Sectors, "|")+" ("+res.Matched+")")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 400 {
		t.Fatalf("only %d cases; the table needs at least 400", n)
	}
	rate := float64(ok) / float64(n)
	t.Logf("%d/%d phrases resolved to the expected country and primary sector (%.1f%%)", ok, n, 100*rate)
	if rate < 0.95 || testing.Verbose() {
		for _, f := range fails {
			t.Log(f)
		}
	}
	if rate < 0.95 {
		t.Errorf("resolution rate %.3f below 0.95", rate)
	}
}
