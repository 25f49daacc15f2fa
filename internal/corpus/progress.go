package corpus

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Progress reports a run: a bar redrawn in place on a terminal, or a log
// line every few seconds otherwise.
type Progress struct {
	w        io.Writer
	tty      bool
	log      *slog.Logger
	every    time.Duration
	last     time.Time
	drawn    bool
	now      func() time.Time
	lastLine int
}

// NewProgress reports to w, drawing a bar when tty is set, else logging
// to log (nothing when log is nil).
func NewProgress(w io.Writer, tty bool, log *slog.Logger) *Progress {
	every := 5 * time.Second
	if tty {
		every = 100 * time.Millisecond
	}
	return &Progress{w: w, tty: tty, log: log, every: every, now: time.Now, last: time.Now()}
}

// Update reports st, at most once per interval.
func (p *Progress) Update(st Stats) {
	now := p.now()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	p.show(st, now)
}

func (p *Progress) show(st Stats, now time.Time) {
	if p.tty {
		line := Line(st, now)
		pad := ""
		if n := p.lastLine - len(line); n > 0 {
			pad = strings.Repeat(" ", n)
		}
		p.lastLine = len(line)
		fmt.Fprintf(p.w, "\r%s%s", line, pad)
		p.drawn = true
		return
	}
	if p.log != nil {
		rate, eta := rates(st, now)
		args := []any{"done", st.Done, "stored", st.Stored, "duplicates", st.Duplicates, "exists", st.Exists, "failed", st.Failed,
			"docs_per_s", fmt.Sprintf("%.1f", rate)}
		if st.Total > 0 {
			args = append(args, "total", st.Total, "eta", eta.Round(time.Second).String())
		}
		p.log.Info("ingest progress", args...)
	}
}

// Finish draws the last state and ends the bar's line.
func (p *Progress) Finish(st Stats) {
	if p.tty {
		p.show(st, p.now())
		fmt.Fprintln(p.w)
		return
	}
}

func rates(st Stats, now time.Time) (float64, time.Duration) {
	el := now.Sub(st.Started).Seconds()
	if el <= 0 || st.Done == 0 {
		return 0, 0
	}
	rate := float64(st.Done) / el
	var eta time.Duration
	if st.Total > st.Done && rate > 0 {
		eta = time.Duration(float64(st.Total-st.Done) / rate * float64(time.Second))
	}
	return rate, eta
}

// Line renders st as one line: counts, a bar when the total is known,
// documents per second and the time left.
func Line(st Stats, now time.Time) string {
	rate, eta := rates(st, now)
	var b strings.Builder
	if st.Total > 0 {
		const width = 20
		frac := float64(st.Done) / float64(st.Total)
		if frac > 1 {
			frac = 1
		}
		full := int(frac * width)
		fmt.Fprintf(&b, "[%s%s] %d/%d %3.0f%%", strings.Repeat("#", full), strings.Repeat(".", width-full), st.Done, st.Total, 100*frac)
	} else {
		fmt.Fprintf(&b, "%d docs", st.Done)
	}
	fmt.Fprintf(&b, "  stored %d  dup %d  exists %d  failed %d  %.0f docs/s", st.Stored, st.Duplicates, st.Exists, st.Failed, rate)
	if st.Total > 0 && st.Done < st.Total && rate > 0 {
		fmt.Fprintf(&b, "  ETA %s", formatETA(eta))
	}
	return b.String()
}

func formatETA(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
