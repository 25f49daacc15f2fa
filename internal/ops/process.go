package ops

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep"
)

// ProcStatus reads a field in kB (VmHWM, VmRSS) of /proc/self/status and
// returns it in bytes; ok is false where /proc is not available.
func ProcStatus(field string) (bytes int64, ok bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	return parseProcStatus(b, field)
}

func parseProcStatus(b []byte, field string) (int64, bool) {
	sc := bufio.NewScanner(bytesReader(b))
	for sc.Scan() {
		line := sc.Text()
		k, v, found := strings.Cut(line, ":")
		if !found || k != field {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, false
		}
		if len(f) > 1 && strings.EqualFold(f[1], "kB") {
			n *= 1024
		}
		return n, true
	}
	return 0, false
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// PeakRSS is the peak resident set size of this process in bytes
// (VmHWM), or 0 where unknown.
func PeakRSS() int64 {
	n, _ := ProcStatus("VmHWM")
	return n
}

// RegisterProcess adds the process metrics every sitrep server exposes:
// build information, start time, resident memory (current and peak),
// goroutines.
func RegisterProcess(r *Registry) {
	start := time.Now()
	r.GaugeVec("sitrep_build_info", "Version of the sitrep binary (value 1).", "version", "go").
		With(sitrep.Version, runtime.Version()).Set(1)
	r.GaugeFunc("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", func() float64 {
		return float64(start.UnixNano()) / 1e9
	})
	r.GaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes.", func() float64 {
		n, _ := ProcStatus("VmRSS")
		return float64(n)
	})
	r.GaugeFunc("process_resident_memory_peak_bytes", "Peak resident memory size in bytes (VmHWM).", func() float64 {
		return float64(PeakRSS())
	})
	r.GaugeFunc("go_goroutines", "Number of goroutines.", func() float64 {
		return float64(runtime.NumGoroutine())
	})
}

// FormatBytes renders n bytes as a short human figure (12.3 MB).
func FormatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
