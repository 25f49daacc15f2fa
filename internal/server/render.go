package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
)

// pageTemplate is one page: the layout, the partials and the page's own
// "content" (and optional "scripts") templates.
type pageTemplate struct {
	t *template.Template
}

// view is what every page template gets.
type view struct {
	Title         string
	Nav           string
	CSRF          string
	TokenRequired bool
	D             any
}

var quadNames = [5]string{"", "verbal cooperation", "material cooperation", "verbal conflict", "material conflict"}

var funcs = template.FuncMap{
	"pathEsc": url.PathEscape,
	"asset":   func(string) string { return "" },
	"quadName": func(q int) string {
		if q >= 1 && q <= 4 {
			return quadNames[q]
		}
		return "unknown"
	},
	"f1":       func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"f2":       func(v float64) string { return fmt.Sprintf("%.2f", v) },
	"signed":   func(v float64) string { return fmt.Sprintf("%+.1f", v) },
	"deref":    deref,
	"join":     strings.Join,
	"lower":    strings.ToLower,
	"list":     func(xs ...string) []string { return xs },
	"side":     sideName,
	"sideKey":  sideKey,
	"actorKey": actorKeyOf,
	"actorLabel": func(a sitrep.Actor) string {
		n := a.Name
		if n == "" {
			n = a.Country
		}
		if a.Code != "" && a.Code != n {
			if n == "" {
				return a.Code
			}
			n += " (" + a.Code + ")"
		}
		if n == "" {
			return "?"
		}
		return n
	},
	"eventTitle": eventTitle,
	"safeURL":    safeURL,
	"shorten":    shorten,
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04")
	},
	"add":       func(a, b int) int { return a + b },
	"stepChart": stepChart,
	"snippet":   snippetHTML,
	"scorePct":  func(s int) int { return s * 100 / 3 },
	"pct": func(n, of int) int {
		if of <= 0 {
			return 0
		}
		return n * 100 / of
	},
}

func parsePages() (map[string]*pageTemplate, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("server templates: %w", err)
	}
	// asset URLs carry a hash of the file, so that browsers may cache
	// them for a day and still see a new binary's assets at once
	hashes := map[string]string{}
	err = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		hashes[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("server static files: %w", err)
	}
	fm := template.FuncMap{}
	for k, v := range funcs {
		fm[k] = v
	}
	fm["asset"] = func(name string) (string, error) {
		h, ok := hashes[name]
		if !ok {
			return "", fmt.Errorf("no static file %q", name)
		}
		return "/static/" + name + "?v=" + h, nil
	}
	out := map[string]*pageTemplate{}
	for _, n := range names {
		base := path.Base(n)
		if base == "base.html" || base == "partials.html" {
			continue
		}
		t, err := template.New("base.html").Funcs(fm).ParseFS(templateFS, "templates/base.html", "templates/partials.html", n)
		if err != nil {
			return nil, fmt.Errorf("server template %s: %w", base, err)
		}
		out[strings.TrimSuffix(base, ".html")] = &pageTemplate{t: t}
	}
	return out, nil
}

// render writes a page; the template runs into a buffer first so that a
// failing template gives an error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) error {
	pt := s.pages[name]
	if pt == nil {
		return fmt.Errorf("no template %q", name)
	}
	if v.CSRF == "" {
		v.CSRF = s.csrfToken(w, r)
	}
	v.TokenRequired = s.opts.Token != ""
	var buf bytes.Buffer
	if err := pt.t.ExecuteTemplate(&buf, "base.html", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// pageError renders an error page (JSON for clients that ask for it).
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err)
	if status >= 500 {
		s.log.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	// a client that does not ask for HTML gets the JSON error: API clients
	// asking for JSON, and scripts posting to the UI's forms
	accept := r.Header.Get("Accept")
	if !strings.Contains(accept, "text/html") && (strings.Contains(accept, "application/json") || r.Method != http.MethodGet) {
		s.writeError(w, r, err)
		return
	}
	if rerr := s.render(w, r, status, "error", view{Title: http.StatusText(status), D: map[string]any{"Status": status, "Message": msg}}); rerr != nil {
		http.Error(w, msg, status)
	}
}

// safeURL returns u when it is an absolute http(s) URL, else "".
func safeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// shorten clips s to n runes.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Marks put around matched terms by the store's search; control
// characters that cannot survive escaping unnoticed.
const (
	markOpen  = "\x01"
	markClose = "\x02"
)

// snippetHTML escapes a search snippet and turns its marks into <mark>.
func snippetHTML(s string) template.HTML {
	e := html.EscapeString(strings.Join(strings.Fields(s), " "))
	e = strings.ReplaceAll(e, markOpen, "<mark>")
	e = strings.ReplaceAll(e, markClose, "</mark>")
	// an unbalanced mark would leave an element open
	if strings.Count(e, "<mark>") != strings.Count(e, "</mark>") {
		e = strings.ReplaceAll(strings.ReplaceAll(e, "<mark>", ""), "</mark>", "")
	}
	return template.HTML(e)
}

// chartPoint is one step of a status chart.
type chartPoint struct {
	X, Y   float64
	Href   string
	Label  string
	Status string
	Score  int
}

// chart is a 0-3 status timeline drawn as SVG.
type chart struct {
	W, H   int
	Points []chartPoint
	Path   string
	Ticks  []chartTick
	Levels []chartTick
}

type chartTick struct {
	X, Y  float64
	Label string
}

// statusStep is what stepChart needs of a step.
type statusStep struct {
	Date, Status, Document, Evidence, Outlet string
	Score, Sentence                          int
}

// stepChart lays out a status timeline: x by date (by order when dates
// are missing), y by score 0-3, a step line between points.
func stepChart(steps any) chart {
	var ss []statusStep
	switch v := steps.(type) {
	case []sitrep.StatusStep:
		for _, s := range v {
			ss = append(ss, statusStep{Date: deref(s.Date), Status: s.Status, Document: s.Document, Evidence: s.Evidence, Outlet: s.Outlet, Score: s.Score, Sentence: s.Sentence})
		}
	case []CommitmentStep:
		for _, s := range v {
			ss = append(ss, statusStep{Date: s.Date, Status: s.Status, Document: s.Document, Evidence: s.Evidence, Outlet: s.Outlet, Score: s.Score, Sentence: s.Sentence})
		}
	}
	c := chart{W: 640, H: 130}
	const left, right, top, bottom = 44.0, 16.0, 12.0, 28.0
	pw, ph := float64(c.W)-left-right, float64(c.H)-top-bottom
	for lv := 0; lv <= 3; lv++ {
		c.Levels = append(c.Levels, chartTick{X: left, Y: top + ph - float64(lv)*ph/3, Label: fmt.Sprint(lv)})
	}
	if len(ss) == 0 {
		return c
	}
	var t0, t1 time.Time
	dated := true
	times := make([]time.Time, len(ss))
	for i, s := range ss {
		t, err := time.Parse("2006-01-02", s.Date)
		if err != nil {
			dated = false
			break
		}
		times[i] = t
		if t0.IsZero() || t.Before(t0) {
			t0 = t
		}
		if t.After(t1) {
			t1 = t
		}
	}
	span := t1.Sub(t0).Hours()
	for i, s := range ss {
		x := left + pw/2
		switch {
		case dated && span > 0:
			x = left + pw*times[i].Sub(t0).Hours()/span
		case len(ss) > 1:
			x = left + pw*float64(i)/float64(len(ss)-1)
		}
		score := max(0, min(3, s.Score))
		y := top + ph - float64(score)*ph/3
		p := chartPoint{X: math.Round(x*10) / 10, Y: y, Status: s.Status, Score: score}
		if s.Document != "" {
			p.Href = "/documents/" + url.PathEscape(s.Document) + fmt.Sprintf("#s%d", s.Sentence)
		}
		p.Label = fmt.Sprintf("%s · %s (%d) · %s · %s", orDash(s.Date), s.Status, score, orDash(s.Outlet), shorten(s.Evidence, 160))
		c.Points = append(c.Points, p)
	}
	var b strings.Builder
	for i, p := range c.Points {
		if i == 0 {
			fmt.Fprintf(&b, "M%.1f %.1f", p.X, p.Y)
			continue
		}
		fmt.Fprintf(&b, "H%.1f V%.1f", p.X, p.Y)
	}
	c.Path = b.String()
	if dated && span > 0 {
		seen := map[string]bool{}
		for m := time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(t1); m = m.AddDate(0, 1, 0) {
			if m.Before(t0) {
				continue
			}
			lbl := m.Format("Jan 06")
			if !seen[lbl] {
				seen[lbl] = true
				c.Ticks = append(c.Ticks, chartTick{X: math.Round((left+pw*m.Sub(t0).Hours()/span)*10) / 10, Y: float64(c.H) - 8, Label: lbl})
			}
		}
		if len(c.Ticks) > 8 {
			var keep []chartTick
			step := (len(c.Ticks) + 7) / 8
			for i := 0; i < len(c.Ticks); i += step {
				keep = append(keep, c.Ticks[i])
			}
			c.Ticks = keep
		}
	}
	return c
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// sortedKeys returns the keys of m by descending value.
func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if m[ks[i]] != m[ks[j]] {
			return m[ks[i]] > m[ks[j]]
		}
		return ks[i] < ks[j]
	})
	return ks
}

var _ = store.ByMonth
