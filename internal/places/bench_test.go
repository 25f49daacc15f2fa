package places

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoad measures Load. Besides wall time it reports the CPU time
// per load (cpu-ms/op), which is less disturbed by other work on a shared
// machine; decompression runs in parallel with parsing, so on an idle
// machine wall time is below CPU time.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		g, err := Load()
		if err != nil {
			b.Fatal(err)
		}
		if g.Len() == 0 {
			b.Fatal("empty gazetteer")
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

func BenchmarkLookup(b *testing.B) {
	g, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"Damascus", "Deir al-Zor", "Şanlıurfa", "Tripoli", "Kherson region", "Nowhereville"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		g.Resolve(names[i%len(names)], []string{"SYR"})
	}
}
