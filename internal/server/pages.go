package server

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/watch"
)

func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.opts.Store.Counts(ctx)
	if err != nil {
		return err
	}
	docs, err := s.opts.Store.Documents(ctx, store.DocFilter{Limit: 12})
	if err != nil {
		return err
	}
	actors, err := s.opts.Store.Actors(ctx, store.ActorFilter{Limit: 12})
	if err != nil {
		return err
	}
	evs, err := s.opts.Store.Events(ctx, store.EventFilter{Limit: 12})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "home", view{Title: "sitrep", Nav: "home", D: map[string]any{
		"Counts": c, "Documents": docs, "Actors": actors, "Events": evs}})
}

// searchForm is the filter form of /search.
type searchForm struct {
	Q, Actor, Type, Since, Until, Place, Outlet string
}

func (f searchForm) eventFilters() bool { return f.Actor != "" || f.Type != "" || f.Place != "" }

func (s *Server) pageSearch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := searchForm{Q: strings.TrimSpace(q.Get("q")), Actor: strings.TrimSpace(q.Get("actor")), Type: strings.ToUpper(strings.TrimSpace(q.Get("type"))),
		Since: strings.TrimSpace(q.Get("since")), Until: strings.TrimSpace(q.Get("until")), Place: strings.TrimSpace(q.Get("place")), Outlet: strings.TrimSpace(q.Get("outlet"))}
	d := map[string]any{"Form": f}
	var msgs []string
	for _, p := range [][2]string{{"since", f.Since}, {"until", f.Until}} {
		if err := checkDay(p[0], p[1]); err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	if len(msgs) > 0 {
		d["Errors"] = msgs
		return s.render(w, r, http.StatusBadRequest, "search", view{Title: "Search", Nav: "search", D: d})
	}
	// documents that have events matching the event filters
	var docSet map[string]bool
	var events []store.EventRecord
	if f.eventFilters() || f.Q != "" {
		ef := store.EventFilter{Actor: f.Actor, Type: f.Type, Since: f.Since, Until: f.Until, Place: f.Place}
		if f.eventFilters() {
			docSet = map[string]bool{}
		}
		// mentions are needed only to filter by outlet and to know the documents
		withMentions := f.Outlet != "" || docSet != nil
		err := s.opts.Store.EachEvent(ctx, ef, withMentions, func(ev store.EventRecord) error {
			if f.Q != "" && !f.eventFilters() && !lowerContains(ev.Text, f.Q) {
				return nil
			}
			if f.Outlet != "" {
				ok := false
				for _, m := range ev.Mentions {
					ok = ok || strings.EqualFold(m.Outlet, f.Outlet)
				}
				if !ok {
					return nil
				}
			}
			if docSet != nil {
				for _, m := range ev.Mentions {
					docSet[m.Document] = true
				}
			}
			events = append(events, ev)
			return nil
		})
		if err != nil {
			return err
		}
		sort.SliceStable(events, func(i, j int) bool { return events[i].Date > events[j].Date })
		d["EventTotal"] = len(events)
		if len(events) > 100 {
			events = events[:100]
		}
		d["Events"] = events
	}
	if f.Q != "" {
		hits, err := s.opts.Store.Search(ctx, store.SearchQuery{Text: f.Q, Since: f.Since, Until: f.Until, Limit: 500, Mark: [2]string{markOpen, markClose}})
		if err != nil {
			return err
		}
		var keep []store.Hit
		for _, h := range hits {
			if f.Outlet != "" && !strings.EqualFold(h.Outlet, f.Outlet) {
				continue
			}
			if docSet != nil && !docSet[h.Document] {
				continue
			}
			keep = append(keep, h)
		}
		d["Hits"] = keep
	} else if f.Outlet != "" || f.Since != "" || f.Until != "" {
		docs, err := s.opts.Store.Documents(ctx, store.DocFilter{Since: f.Since, Until: f.Until, Limit: 500})
		if err != nil {
			return err
		}
		var keep []store.DocInfo
		for _, doc := range docs {
			if (f.Outlet == "" || strings.EqualFold(doc.Outlet, f.Outlet)) && (docSet == nil || docSet[doc.ID]) {
				keep = append(keep, doc)
			}
		}
		d["Docs"] = keep
	}
	outlets, err := s.outlets(r)
	if err != nil {
		return err
	}
	d["Outlets"] = outlets
	d["Types"] = ploverTypes
	return s.render(w, r, http.StatusOK, "search", view{Title: "Search", Nav: "search", D: d})
}

// ploverTypes are the PLOVER event types offered by the search form.
var ploverTypes = []string{"AGREE", "AID", "ASSAULT", "COERCE", "CONCEDE", "CONSULT", "COOPERATE", "DEMAND", "DISAPPROVE", "ENGAGE", "INVESTIGATE", "MOBILIZE", "PROTEST", "REJECT", "RETREAT", "SANCTION", "THREATEN"}

// outlets lists the outlets of the stored documents.
func (s *Server) outlets(r *http.Request) ([]string, error) {
	docs, err := s.opts.Store.Documents(r.Context(), store.DocFilter{Limit: 5000})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range docs {
		if d.Outlet != "" && !seen[d.Outlet] {
			seen[d.Outlet] = true
			out = append(out, d.Outlet)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (s *Server) pageDocuments(w http.ResponseWriter, r *http.Request) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f, err := docFilter(q, p.fetch())
	if err != nil {
		return err
	}
	docs, err := s.opts.Store.Documents(r.Context(), f)
	if err != nil {
		return err
	}
	page := paginate(p, docs)
	next := ""
	if page.NextCursor != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("cursor", page.NextCursor)
		next = "/documents?" + nq.Encode()
	}
	return s.render(w, r, http.StatusOK, "documents", view{Title: "Documents", Nav: "documents", D: map[string]any{"Docs": page.Items, "Next": next, "Duplicates": f.Duplicates}})
}

func (s *Server) pageDocument(w http.ResponseWriter, r *http.Request) error {
	x, err := s.opts.Store.Document(r.Context(), r.PathValue("id"))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errf(http.StatusNotFound, "no document %q", r.PathValue("id"))
		}
		return err
	}
	body, st := highlight(x)
	title := x.Document.Title
	if title == "" {
		title = x.Document.ID
	}
	// sentence index -> sentence text, for the lists
	sentences := map[int]string{}
	for _, s := range x.Sentences {
		sentences[s.Index] = s.Text
	}
	return s.render(w, r, http.StatusOK, "document", view{Title: title, Nav: "documents", D: map[string]any{
		"X": x, "Body": body, "Stats": st, "URL": safeURL(x.Document.URL)}})
}

func (s *Server) pageActors(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.ActorFilter{Name: strings.TrimSpace(q.Get("name")), Type: strings.ToUpper(q.Get("type")), Limit: 200}
	unknown, err := boolParam(q, "unknown")
	if err != nil {
		return err
	}
	f.Unknown = unknown
	as, err := s.opts.Store.Actors(r.Context(), f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "actors", view{Title: "Actors", Nav: "actors", D: map[string]any{"Actors": as, "Name": f.Name, "Type": f.Type, "Unknown": unknown}})
}

// counterpart is an actor an actor has events with.
type counterpart struct {
	Key, Name    string
	Events       int
	Goldstein    float64
	Quad         [5]int
	DyadA, DyadB string
}

// series is chart data for app.js: one x value (unix seconds) per period.
type series struct {
	X         []int64   `json:"x"`
	Q         [4][]int  `json:"q"`
	Goldstein []float64 `json:"goldstein"`
	Labels    []string  `json:"labels"`
}

func periodSeries(ps []store.Period) series {
	s := series{X: []int64{}, Goldstein: []float64{}, Labels: []string{}}
	for i := range s.Q {
		s.Q[i] = []int{}
	}
	for _, p := range ps {
		if p.Start == "" {
			continue
		}
		t, err := parseDay(p.Start)
		if err != nil {
			continue
		}
		s.X = append(s.X, t)
		for q := 1; q <= 4; q++ {
			s.Q[q-1] = append(s.Q[q-1], p.Quad[q])
		}
		avg := 0.0
		if p.Events > 0 {
			avg = math.Round(p.Goldstein/float64(p.Events)*10) / 10
		}
		s.Goldstein = append(s.Goldstein, avg)
		s.Labels = append(s.Labels, p.Start)
	}
	return s
}

func (s *Server) pageActor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.actorByID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	aq := actorQuery(a)
	ps, err := s.opts.Store.Periods(ctx, store.EventFilter{Actor: aq}, store.ByMonth)
	if err != nil {
		return err
	}
	var events []store.EventRecord
	cps := map[string]*counterpart{}
	self := a.Code
	err = s.opts.Store.EachEvent(ctx, store.EventFilter{Actor: aq}, false, func(ev store.EventRecord) error {
		events = append(events, ev)
		other := ev.Target
		mine := ev.Source
		if sideIs(ev.Target, a) {
			other, mine = ev.Source, ev.Target
		}
		k := sideKey(other)
		if k == "" {
			return nil
		}
		c := cps[k]
		if c == nil {
			c = &counterpart{Key: k, Name: sideName(other), DyadA: sideKey(mine), DyadB: k}
			if self != "" {
				c.DyadA = self
			}
			cps[k] = c
		}
		c.Events++
		c.Goldstein += ev.Goldstein
		if ev.QuadClass >= 1 && ev.QuadClass <= 4 {
			c.Quad[ev.QuadClass]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	var cl []counterpart
	for _, c := range cps {
		c.Goldstein = math.Round(c.Goldstein/float64(c.Events)*10) / 10
		cl = append(cl, *c)
	}
	sort.Slice(cl, func(i, j int) bool {
		if cl[i].Events != cl[j].Events {
			return cl[i].Events > cl[j].Events
		}
		return cl[i].Key < cl[j].Key
	})
	sort.SliceStable(events, func(i, j int) bool { return events[i].Date > events[j].Date })
	total := len(events)
	if len(events) > 100 {
		events = events[:100]
	}
	return s.render(w, r, http.StatusOK, "actor", view{Title: a.Name, Nav: "actors", D: map[string]any{
		"Actor": a, "Series": periodSeries(ps), "Periods": ps, "Events": events, "EventTotal": total, "Counterparts": cl}})
}

// sideIs reports whether an event side is the actor.
func sideIs(ref store.ActorRef, a store.ActorRecord) bool {
	if ref.ID != "" && ref.ID == a.ID {
		return true
	}
	return ref.ID == "" && strings.EqualFold(ref.Name, a.Name)
}

func (s *Server) pageDyad(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dyad(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	return s.render(w, r, http.StatusOK, "dyad", view{Title: d.A + " – " + d.B, Nav: "network", D: map[string]any{
		"Dyad": d, "Series": periodSeries(d.Periods), "Directed": q.Get("directed") != "", "Since": q.Get("since"), "Until": q.Get("until")}})
}

func (s *Server) pageNetwork(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := eventFilter(q)
	if err != nil {
		return err
	}
	minEvents, err := intParam(q, "min_events")
	if err != nil {
		return err
	}
	n, err := s.network(r.Context(), f, minEvents)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "network", view{Title: "Network", Nav: "network", D: map[string]any{
		"Network": n, "Since": f.Since, "Until": f.Until, "MinEvents": minEvents}})
}

// mapView is the SVG map: the viewBox around the points and the points
// projected (x = longitude, y = -latitude).
type mapView struct {
	MinX, MinY, W, H float64
	Points           []mapDot
}

type mapDot struct {
	MapPoint
	X, Y, R float64
	Quad    int
	Href    string
	Label   string
}

func (s *Server) pageMap(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := eventFilter(q)
	if err != nil {
		return err
	}
	pts, err := s.mapPoints(r.Context(), f)
	if err != nil {
		return err
	}
	mv := mapView{MinX: 25, MinY: -43, W: 25, H: 15}
	world := q.Get("view") == "world"
	if len(pts) > 0 {
		frame := pts
		if !world {
			frame = focus(pts)
		}
		minLon, maxLon, minLat, maxLat := 180.0, -180.0, 90.0, -90.0
		for _, p := range frame {
			minLon, maxLon = math.Min(minLon, p.Lon), math.Max(maxLon, p.Lon)
			minLat, maxLat = math.Min(minLat, p.Lat), math.Max(maxLat, p.Lat)
		}
		// at least 12 x 8 degrees, 15% margins, 3:2 aspect
		w, h := math.Max(maxLon-minLon, 12)*1.3, math.Max(maxLat-minLat, 8)*1.3
		if w/h < 1.5 {
			w = h * 1.5
		} else {
			h = w / 1.5
		}
		cx, cy := (minLon+maxLon)/2, (minLat+maxLat)/2
		mv = mapView{MinX: round1(cx - w/2), MinY: round1(-cy - h/2), W: round1(w), H: round1(h)}
	}
	maxEv := 1
	for _, p := range pts {
		maxEv = max(maxEv, p.Events)
	}
	for _, p := range pts {
		quad, best := 0, 0
		for qc := 1; qc <= 4; qc++ {
			if p.Quad[qc] > best {
				quad, best = qc, p.Quad[qc]
			}
		}
		rad := mv.W / 120 * (1 + 2*math.Sqrt(float64(p.Events)/float64(maxEv)))
		var b strings.Builder
		fmt.Fprintf(&b, "%s (%s): %d events, %d mentions", p.Place, p.Country, p.Events, p.Mentions)
		for _, e := range p.Latest {
			fmt.Fprintf(&b, "\n%s %s", orDash(e.Date), e.Title)
		}
		href := "/search?" + url.Values{"place": {p.Place}}.Encode()
		mv.Points = append(mv.Points, mapDot{MapPoint: p, X: round2(p.Lon), Y: round2(-p.Lat), R: round2(rad), Quad: quad, Href: href, Label: b.String()})
	}
	// small dots on top of big ones
	sort.SliceStable(mv.Points, func(i, j int) bool { return mv.Points[i].R > mv.Points[j].R })
	return s.render(w, r, http.StatusOK, "map", view{Title: "Map", Nav: "map", D: map[string]any{
		"Map": mv, "Points": pts, "Since": f.Since, "Until": f.Until, "World": world}})
}

// focus keeps the points near the weighted median of all points, so that
// a few far-away places do not zoom the map out to the whole world.
func focus(pts []MapPoint) []MapPoint {
	median := func(val func(MapPoint) float64) float64 {
		type wv struct {
			v float64
			w int
		}
		var vs []wv
		total := 0
		for _, p := range pts {
			vs = append(vs, wv{val(p), p.Events})
			total += p.Events
		}
		sort.Slice(vs, func(i, j int) bool { return vs[i].v < vs[j].v })
		acc := 0
		for _, x := range vs {
			acc += x.w
			if 2*acc >= total {
				return x.v
			}
		}
		return vs[len(vs)-1].v
	}
	mlon := median(func(p MapPoint) float64 { return p.Lon })
	mlat := median(func(p MapPoint) float64 { return p.Lat })
	var out []MapPoint
	for _, p := range pts {
		if math.Abs(p.Lon-mlon) <= 20 && math.Abs(p.Lat-mlat) <= 14 {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return pts
	}
	return out
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round2(v float64) float64 { return math.Round(v*100) / 100 }

func (s *Server) pageAgreements(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.AgreementFilter{Party: strings.TrimSpace(q.Get("party")), PerDocument: true, Limit: 500}
	as, err := s.opts.Store.Agreements(r.Context(), f)
	if err != nil {
		return err
	}
	var canon, loose []store.AgreementRecord
	for _, a := range as {
		if a.Canonical {
			canon = append(canon, a)
		} else {
			loose = append(loose, a)
		}
	}
	// agreements followed over more steps first
	sort.SliceStable(canon, func(i, j int) bool { return len(canon[i].Steps) > len(canon[j].Steps) })
	return s.render(w, r, http.StatusOK, "agreements", view{Title: "Agreements", Nav: "agreements", D: map[string]any{
		"Agreements": canon, "Loose": loose, "Party": f.Party}})
}

func (s *Server) pageCommitments(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.CommitmentFilter{By: strings.TrimSpace(q.Get("by")), To: strings.TrimSpace(q.Get("to")), Status: strings.TrimSpace(q.Get("status")), Kind: strings.TrimSpace(q.Get("kind")), Limit: 5000}
	cs, err := s.opts.Store.Commitments(r.Context(), f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "commitments", view{Title: "Commitments", Nav: "commitments", D: map[string]any{
		"Threads": commitmentThreads(cs), "Filter": f, "Total": len(cs)}})
}

func (s *Server) pageIngest(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "ingest", view{Title: "Add documents", Nav: "ingest", D: map[string]any{
		"Enabled": s.opts.Extractor != nil, "URLs": s.opts.Fetcher != nil}})
}

// maxUploads bounds the files of one upload.
const maxUploads = 20

// readForm parses a posted form (multipart too when multipart is set) and
// checks its origin token: a body over the size limit keeps its own error
// (413), any other parse error is a 400.
func (s *Server) readForm(r *http.Request, multipart bool) error {
	var err error
	if multipart {
		if err = r.ParseMultipartForm(1 << 20); errors.Is(err, http.ErrNotMultipart) {
			err = nil
		}
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errf(http.StatusBadRequest, "invalid form: %v", err)
	}
	return s.checkForm(r)
}

func (s *Server) pageIngestPost(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(r, true); err != nil {
		return err
	}
	meta := IngestRequest{Title: r.FormValue("title"), Published: r.FormValue("published"), Outlet: r.FormValue("outlet")}
	var reqs []IngestRequest
	if t := r.FormValue("text"); strings.TrimSpace(t) != "" {
		rq := meta
		rq.Text = t
		rq.URL = r.FormValue("doc_url")
		reqs = append(reqs, rq)
	}
	if u := strings.TrimSpace(r.FormValue("url")); u != "" {
		rq := meta
		rq.URL = u
		reqs = append(reqs, rq)
	}
	if r.MultipartForm != nil {
		files := r.MultipartForm.File["files"]
		if len(files) > maxUploads {
			return errf(http.StatusBadRequest, "at most %d files at once", maxUploads)
		}
		for _, fh := range files {
			if fh.Size > s.opts.MaxDocBytes {
				return errf(http.StatusRequestEntityTooLarge, "%s is larger than %d bytes", fh.Filename, s.opts.MaxDocBytes)
			}
			f, err := fh.Open()
			if err != nil {
				return fmt.Errorf("upload %s: %w", fh.Filename, err)
			}
			b, err := io.ReadAll(io.LimitReader(f, s.opts.MaxDocBytes+1))
			f.Close()
			if err != nil {
				return fmt.Errorf("upload %s: %w", fh.Filename, err)
			}
			reqs = append(reqs, IngestRequest{Title: meta.Title, Published: meta.Published, Outlet: meta.Outlet, name: fh.Filename, data: b})
		}
	}
	if len(reqs) == 0 {
		return s.render(w, r, http.StatusBadRequest, "ingest", view{Title: "Add documents", Nav: "ingest", D: map[string]any{
			"Enabled": s.opts.Extractor != nil, "URLs": s.opts.Fetcher != nil, "Error": "Paste a text, choose files or give a URL."}})
	}
	// an id names one document only
	if len(reqs) == 1 {
		reqs[0].ID = r.FormValue("id")
	}
	type outcome struct {
		Name   string
		Result IngestResult
		Error  string
	}
	var outs []outcome
	status := http.StatusOK
	for _, rq := range reqs {
		name := rq.name
		switch {
		case name != "":
		case rq.Text != "":
			name = "pasted text"
		default:
			name = rq.URL
		}
		res, err := s.ingest(r.Context(), rq)
		o := outcome{Name: name, Result: res}
		if err != nil {
			st, msg := statusOf(err)
			if st == http.StatusUnauthorized || st >= 500 && st != http.StatusBadGateway && st != http.StatusServiceUnavailable {
				return err
			}
			o.Error = msg
			status = st
		}
		outs = append(outs, o)
	}
	return s.render(w, r, status, "ingest", view{Title: "Add documents", Nav: "ingest", D: map[string]any{
		"Enabled": s.opts.Extractor != nil, "URLs": s.opts.Fetcher != nil, "Outcomes": outs}})
}

func (s *Server) pageWatchlists(w http.ResponseWriter, r *http.Request) error {
	d := map[string]any{"Enabled": s.opts.Watch != nil}
	if s.opts.Watch != nil {
		d["Watchlists"] = s.opts.Watch.List()
	}
	return s.render(w, r, http.StatusOK, "watchlists", view{Title: "Watchlists", Nav: "watchlists", D: d})
}

func (s *Server) pageWatchlistCreate(w http.ResponseWriter, r *http.Request) error {
	if err := s.readForm(r, false); err != nil {
		return err
	}
	if err := s.needWatch(); err != nil {
		return err
	}
	minSources, err := intParam(r.PostForm, "min_sources")
	if err != nil {
		return err
	}
	wl := watch.Watchlist{Name: r.PostFormValue("name"), Webhook: r.PostFormValue("webhook"), Query: watch.Query{
		Actor: strings.TrimSpace(r.PostFormValue("actor")), Source: strings.TrimSpace(r.PostFormValue("source")), Target: strings.TrimSpace(r.PostFormValue("target")),
		Type: strings.ToUpper(strings.TrimSpace(r.PostFormValue("type"))), CAMEO: strings.TrimSpace(r.PostFormValue("cameo")),
		Place: strings.TrimSpace(r.PostFormValue("place")), MinSources: minSources}}
	created, err := s.opts.Watch.Create(r.Context(), wl)
	if err != nil {
		st, msg := statusOf(watchErr(err))
		if st >= 500 {
			return err
		}
		return s.render(w, r, st, "watchlists", view{Title: "Watchlists", Nav: "watchlists", D: map[string]any{
			"Enabled": true, "Watchlists": s.opts.Watch.List(), "Error": msg, "Form": wl}})
	}
	http.Redirect(w, r, "/watchlists/"+url.PathEscape(created.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) pageWatchlist(w http.ResponseWriter, r *http.Request) error {
	if err := s.needWatch(); err != nil {
		return err
	}
	id := r.PathValue("id")
	wl, err := s.opts.Watch.Get(id)
	if err != nil {
		return watchErr(err)
	}
	alerts, err := s.opts.Watch.Alerts(id)
	if err != nil {
		return watchErr(err)
	}
	ds, err := s.opts.Watch.Deliveries(id)
	if err != nil {
		return watchErr(err)
	}
	return s.render(w, r, http.StatusOK, "watchlist", view{Title: wl.Name, Nav: "watchlists", D: map[string]any{
		"W": wl, "Alerts": alerts, "Deliveries": ds}})
}

func (s *Server) pageWatchlistDelete(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errf(http.StatusBadRequest, "invalid form: %v", err)
	}
	if err := s.checkForm(r); err != nil {
		return err
	}
	if err := s.needWatch(); err != nil {
		return err
	}
	if err := s.opts.Watch.Delete(r.PathValue("id")); err != nil {
		return watchErr(err)
	}
	http.Redirect(w, r, "/watchlists", http.StatusSeeOther)
	return nil
}

func (s *Server) pageWatchlistFeed(w http.ResponseWriter, r *http.Request) error {
	if err := s.needWatch(); err != nil {
		return err
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	b, err := s.opts.Watch.Atom(r.PathValue("id"), scheme+"://"+r.Host)
	if err != nil {
		return watchErr(err)
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, err = w.Write(b)
	return err
}

var _ = sitrep.Version
