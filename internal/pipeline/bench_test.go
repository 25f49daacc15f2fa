package pipeline

import (
	"context"
	"fmt"
	"testing"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
)

// benchText is a paragraph of the project's own wire-style sentences.
var benchText = `ANKARA, March 4 — Turkish Defence Minister Yaşar Güler met his Syrian counterpart in Ankara on Tuesday to discuss military training, the ministry said.
Israeli warplanes struck targets near Damascus overnight, Syrian state media reported, and the Syrian foreign ministry condemned the attack.
The European Union pledged 2 billion euros in aid to Syria at a conference in Brussels on Monday.
Protesters rallied in Istanbul against rising prices as police detained dozens of people.
"We will not accept any threat to our borders," President Recep Tayyip Erdoğan told reporters after the cabinet meeting.
Iran's foreign minister Abbas Araghchi said Tehran was ready to resume talks with Washington if sanctions were lifted.
Russian forces launched a drone attack on the Ukrainian port of Odesa, killing three civilians, regional officials said.
The United Nations called on all parties to respect the ceasefire agreed in Doha last week.`

// BenchmarkExtract measures the whole reading pipeline (text layer, dates,
// actors, events, quotes, tracking) in sentences per second on one core.
func BenchmarkExtract(b *testing.B) {
	p, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	doc, err := ingest.FromRecord(context.Background(), ingest.Record{Text: benchText, Published: "2025-03-04"}, ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var x *sitrep.Extraction
	b.SetBytes(int64(len(doc.Text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if x, err = p.Extract(context.Background(), doc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(x.Sentences))/b.Elapsed().Seconds(), "sentences/s")
	if len(x.Events) == 0 {
		b.Fatal(fmt.Errorf("the benchmark paragraph produced no events"))
	}
}
