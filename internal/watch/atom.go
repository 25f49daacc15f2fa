package watch

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/store"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
}

// Atom returns the Atom feed of a watchlist's alerts. base is the server's
// absolute URL without a trailing slash (http://127.0.0.1:8080); links
// point at its documents.
func (s *Service) Atom(id, base string) ([]byte, error) {
	w, err := s.Get(id)
	if err != nil {
		return nil, err
	}
	alerts, err := s.Alerts(id)
	if err != nil {
		return nil, err
	}
	updated := w.Created
	if len(alerts) > 0 {
		updated = alerts[0].Fired
	}
	f := atomFeed{
		ID:      "urn:sitrep:watchlist:" + w.ID,
		Title:   "sitrep watchlist: " + w.Name,
		Updated: updated.UTC().Format(time.RFC3339),
		Links:   []atomLink{{Rel: "self", Href: base + "/watchlists/" + w.ID + "/feed.atom"}, {Rel: "alternate", Href: base + "/watchlists/" + w.ID}},
		Author:  atomAuthor{Name: "sitrep"},
	}
	for _, a := range alerts {
		ev := a.Event
		e := atomEntry{
			ID:      fmt.Sprintf("urn:sitrep:alert:%s:%d", w.ID, a.ID),
			Title:   EventTitle(ev),
			Updated: a.Fired.UTC().Format(time.RFC3339),
			Summary: ev.Text,
		}
		if ev.FirstDocument != "" {
			e.Links = append(e.Links, atomLink{Rel: "alternate", Href: base + "/documents/" + url.PathEscape(ev.FirstDocument)})
		}
		if ev.FirstURL != "" {
			e.Links = append(e.Links, atomLink{Rel: "via", Href: ev.FirstURL})
		}
		f.Entries = append(f.Entries, e)
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("atom feed: %w", err)
	}
	return append([]byte(xml.Header), out...), nil
}

// EventTitle is a one-line description of an event.
func EventTitle(ev store.EventRecord) string {
	side := func(a store.ActorRef) string {
		switch {
		case a.Name != "":
			return a.Name
		case a.Code != "":
			return a.Code
		}
		return a.Country
	}
	var b strings.Builder
	if ev.Date != "" {
		b.WriteString(ev.Date + ": ")
	}
	b.WriteString(side(ev.Source))
	b.WriteString(" → ")
	b.WriteString(side(ev.Target))
	b.WriteString(" — ")
	if ev.CAMEOName != "" {
		b.WriteString(ev.CAMEOName)
	} else {
		b.WriteString(ev.PLOVER)
	}
	b.WriteString(" (" + ev.CAMEO + ")")
	return b.String()
}
