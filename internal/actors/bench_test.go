package actors

import (
	"testing"

	"github.com/sitrep/sitrep/dict"
)

// BenchmarkLoad measures loading every dictionary and building the automaton
// (target: under 300 ms).
func BenchmarkLoad(b *testing.B) {
	ds, err := dict.New()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if _, err := Load(ds); err != nil {
			b.Fatal(err)
		}
	}
}

var benchPhrases = []string{
	"Syrian Defense Minister", "Turkish troops", "Ankara", "the Kremlin", "Israeli warplanes",
	"UN peacekeepers", "Hezbollah fighters", "President Recep Tayyip Erdoğan", "Egyptian riot police",
	"a senior U.S. official", "Kurdish-led SDF", "Lebanese lawmakers", "Iranian Foreign Minister Abbas Araghchi",
	"Sudanese journalists", "the Pentagon", "Ukrainian refugees", "NATO", "Anadolu Agency",
}

// BenchmarkResolve measures phrases resolved per second on one core
// (target: 10,000/s or more).
func BenchmarkResolve(b *testing.B) {
	d := loadDict(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Resolve(benchPhrases[i%len(benchPhrases)], "2025-07-01")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "phrases/s")
}
