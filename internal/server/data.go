package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
)

// sideKey is how the network and the dyad links name an event side: its
// actor code, else its country, else its name.
func sideKey(a store.ActorRef) string {
	switch {
	case a.Code != "":
		return a.Code
	case a.Country != "":
		return a.Country
	}
	return a.Name
}

func actorKeyOf(a sitrep.Actor) string {
	switch {
	case a.Code != "":
		return a.Code
	case a.Country != "":
		return a.Country
	}
	return a.Name
}

// NetNode is one actor of the network.
type NetNode struct {
	ID      string `json:"id"`
	Label   string `json:"label"`
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
	Events  int    `json:"events"`
}

// NetEdge is the events from one actor to another.
type NetEdge struct {
	Source   string `json:"source"`
	Target   string `json:"target"`
	Events   int    `json:"events"`
	Mentions int    `json:"mentions"`
	// Quad is the most frequent quad class; QuadCounts counts all (index 0 unused).
	Quad       int     `json:"quad"`
	QuadCounts [5]int  `json:"quad_counts"`
	Goldstein  float64 `json:"goldstein"`
}

// Network is the actor graph of the events matching a filter.
type Network struct {
	Nodes []NetNode `json:"nodes"`
	Edges []NetEdge `json:"edges"`
}

// network builds the actor graph: one node per actor code (else country,
// else name), one directed edge per ordered pair, weighted by its events.
func (s *Server) network(ctx context.Context, f store.EventFilter, minEvents int) (Network, error) {
	type nodeAcc struct {
		names   map[string]int
		country string
		events  int
	}
	nodes := map[string]*nodeAcc{}
	edges := map[[2]string]*NetEdge{}
	add := func(a store.ActorRef) string {
		k := sideKey(a)
		if k == "" {
			return ""
		}
		n := nodes[k]
		if n == nil {
			n = &nodeAcc{names: map[string]int{}, country: a.Country}
			nodes[k] = n
		}
		n.events++
		if a.Name != "" {
			n.names[a.Name]++
		}
		return k
	}
	err := s.opts.Store.EachEvent(ctx, f, false, func(ev store.EventRecord) error {
		a, b := sideKey(ev.Source), sideKey(ev.Target)
		if a == "" || b == "" || a == b {
			return nil
		}
		add(ev.Source)
		add(ev.Target)
		e := edges[[2]string{a, b}]
		if e == nil {
			e = &NetEdge{Source: a, Target: b}
			edges[[2]string{a, b}] = e
		}
		e.Events++
		e.Mentions += ev.NumMentions
		if ev.QuadClass >= 1 && ev.QuadClass <= 4 {
			e.QuadCounts[ev.QuadClass]++
		}
		e.Goldstein += ev.Goldstein
		return nil
	})
	if err != nil {
		return Network{}, err
	}
	out := Network{Nodes: []NetNode{}, Edges: []NetEdge{}}
	used := map[string]bool{}
	for _, e := range edges {
		if e.Events < minEvents {
			continue
		}
		best := 0
		for q := 1; q <= 4; q++ {
			if e.QuadCounts[q] > e.QuadCounts[best] {
				best = q
			}
		}
		e.Quad = best
		e.Goldstein = math.Round(e.Goldstein/float64(e.Events)*10) / 10
		out.Edges = append(out.Edges, *e)
		used[e.Source], used[e.Target] = true, true
	}
	for k, n := range nodes {
		if !used[k] {
			continue
		}
		name, best := "", 0
		for nm, c := range n.names {
			if c > best || (c == best && nm < name) {
				name, best = nm, c
			}
		}
		label := k
		if name != "" && name != k {
			label = name + " (" + k + ")"
		}
		out.Nodes = append(out.Nodes, NetNode{ID: k, Label: label, Name: name, Country: n.country, Events: n.events})
	}
	sort.Slice(out.Nodes, func(i, j int) bool { return out.Nodes[i].ID < out.Nodes[j].ID })
	sort.Slice(out.Edges, func(i, j int) bool {
		if out.Edges[i].Events != out.Edges[j].Events {
			return out.Edges[i].Events > out.Edges[j].Events
		}
		return out.Edges[i].Source+out.Edges[i].Target < out.Edges[j].Source+out.Edges[j].Target
	})
	return out, nil
}

// MapEvent is one event at a map point.
type MapEvent struct {
	ID       int64  `json:"id"`
	Date     string `json:"date,omitempty"`
	Title    string `json:"title"`
	Quad     int    `json:"quad"`
	Document string `json:"document"`
}

// MapPoint is the events at one place.
type MapPoint struct {
	Place    string     `json:"place"`
	Country  string     `json:"country,omitempty"`
	Lat      float64    `json:"lat"`
	Lon      float64    `json:"lon"`
	Events   int        `json:"events"`
	Mentions int        `json:"mentions"`
	Quad     [5]int     `json:"quad"`
	Latest   []MapEvent `json:"latest"`
}

// mapPoints groups the located events matching f by place.
func (s *Server) mapPoints(ctx context.Context, f store.EventFilter) ([]MapPoint, error) {
	byKey := map[string]*MapPoint{}
	err := s.opts.Store.EachEvent(ctx, f, false, func(ev store.EventRecord) error {
		l := ev.Location
		if l == nil || (l.Lat == 0 && l.Lon == 0) || math.IsNaN(l.Lat) || math.IsNaN(l.Lon) {
			return nil
		}
		k := fmt.Sprintf("%.2f|%.2f|%s", l.Lat, l.Lon, l.Name)
		p := byKey[k]
		if p == nil {
			p = &MapPoint{Place: l.Name, Country: l.Country, Lat: l.Lat, Lon: l.Lon, Latest: []MapEvent{}}
			byKey[k] = p
		}
		p.Events++
		p.Mentions += ev.NumMentions
		if ev.QuadClass >= 1 && ev.QuadClass <= 4 {
			p.Quad[ev.QuadClass]++
		}
		p.Latest = append(p.Latest, MapEvent{ID: ev.ID, Date: ev.Date, Title: eventTitle(ev), Quad: ev.QuadClass, Document: ev.FirstDocument})
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]MapPoint, 0, len(byKey))
	for _, p := range byKey {
		sort.Slice(p.Latest, func(i, j int) bool { return p.Latest[i].Date > p.Latest[j].Date })
		if len(p.Latest) > 5 {
			p.Latest = p.Latest[:5]
		}
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Events != out[j].Events {
			return out[i].Events > out[j].Events
		}
		return out[i].Place < out[j].Place
	})
	return out, nil
}

// eventTitle is a one-line description of an event.
func eventTitle(ev store.EventRecord) string {
	name := ev.CAMEOName
	if name == "" {
		name = ev.PLOVER
	}
	return fmt.Sprintf("%s → %s: %s (%s)", sideName(ev.Source), sideName(ev.Target), name, ev.CAMEO)
}

func sideName(a store.ActorRef) string {
	switch {
	case a.Name != "":
		return a.Name
	case a.Code != "":
		return a.Code
	case a.Country != "":
		return a.Country
	}
	return "?"
}

// actorByID finds an actor by its stable id.
func (s *Server) actorByID(ctx context.Context, id string) (store.ActorRecord, error) {
	as, err := s.opts.Store.Actors(ctx, store.ActorFilter{Limit: maxScan})
	if err != nil {
		return store.ActorRecord{}, err
	}
	for _, a := range as {
		if a.ID == id {
			return a, nil
		}
	}
	return store.ActorRecord{}, errf(http.StatusNotFound, "no actor %q", id)
}

// actorQuery is the EventFilter value that selects an actor's events: its
// name (a code would select every actor sharing it).
func actorQuery(a store.ActorRecord) string {
	if a.Name != "" {
		return a.Name
	}
	if a.Code != "" {
		return a.Code
	}
	return a.Country
}

// commitmentScore places a commitment status on the 0-3 scale of the
// agreements (not started, minimal, intermediate, full).
func commitmentScore(status string) int {
	switch status {
	case "delivered", "completed", "fulfilled":
		return 3
	case "in_progress", "partial", "implementing":
		return 2
	case "offered", "pledged", "planned", "discussed", "stalled", "promised":
		return 1
	}
	return 0
}

// CommitmentStep is one commitment as one document gives it.
type CommitmentStep struct {
	Date      string `json:"date,omitempty"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	Score     int    `json:"score"`
	What      string `json:"what"`
	Document  string `json:"document"`
	Outlet    string `json:"outlet,omitempty"`
	Sentence  int    `json:"sentence"`
	Evidence  string `json:"evidence,omitempty"`
	Canonical string `json:"canonical,omitempty"`
}

// CommitmentThread is every commitment from one actor to another, in
// date order: the request, the offer, the delivery, the stall.
type CommitmentThread struct {
	Key    string           `json:"key"`
	By     sitrep.Actor     `json:"by"`
	To     sitrep.Actor     `json:"to"`
	Status string           `json:"status"`
	Score  int              `json:"score"`
	Steps  []CommitmentStep `json:"steps"`
}

// commitmentThreads groups commitment records by giver and receiver.
func commitmentThreads(cs []store.CommitmentRecord) []CommitmentThread {
	idx := map[string]int{}
	var out []CommitmentThread
	for _, c := range cs {
		m := c.Commitment
		k := actorKeyOf(m.By) + " → " + actorKeyOf(m.To)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, CommitmentThread{Key: k, By: m.By, To: m.To})
		}
		date := deref(m.Date)
		if date == "" {
			date = c.Published
		}
		st := CommitmentStep{Date: date, Kind: m.Kind, Status: m.Status, Score: commitmentScore(m.Status), What: m.What,
			Document: c.Document, Outlet: c.Outlet, Sentence: m.Sentence, Canonical: c.Canonical}
		if m.Evidence != nil {
			st.Evidence = m.Evidence.Text
		}
		out[i].Steps = append(out[i].Steps, st)
	}
	for i := range out {
		t := &out[i]
		sort.SliceStable(t.Steps, func(a, b int) bool { return t.Steps[a].Date < t.Steps[b].Date })
		last := t.Steps[len(t.Steps)-1]
		t.Status, t.Score = last.Status, last.Score
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].Steps) != len(out[j].Steps) {
			return len(out[i].Steps) > len(out[j].Steps)
		}
		return out[i].Key < out[j].Key
	})
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// lowerContains reports whether s contains every word of q, ignoring case.
func lowerContains(s, q string) bool {
	s = strings.ToLower(s)
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if !strings.Contains(s, strings.Trim(w, `"`)) {
			return false
		}
	}
	return true
}
