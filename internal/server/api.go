package server

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/watch"
)

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(openapiJSON)
	return err
}

func (s *Server) apiCounts(w http.ResponseWriter, r *http.Request) error {
	c, err := s.opts.Store.Counts(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f, err := docFilter(q, p.fetch())
	if err != nil {
		return err
	}
	docs, err := s.opts.Store.Documents(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(p, docs))
	return nil
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) error {
	x, err := s.opts.Store.Document(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f, err := eventFilter(q)
	if err != nil {
		return err
	}
	withMentions, err := boolParam(q, "mentions")
	if err != nil {
		return err
	}
	f.Limit = p.fetch()
	evs, err := s.opts.Store.Events(r.Context(), f)
	if err != nil {
		return err
	}
	page := paginate(p, evs)
	if withMentions {
		for i := range page.Items {
			if page.Items[i].Mentions, err = s.opts.Store.Mentions(r.Context(), page.Items[i].ID); err != nil {
				return err
			}
		}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (s *Server) apiMentions(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errf(http.StatusBadRequest, "event id %q: want a positive number", r.PathValue("id"))
	}
	ms, err := s.opts.Store.Mentions(r.Context(), id)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return errf(http.StatusNotFound, "no event %d", id)
	}
	writeJSON(w, http.StatusOK, list[store.Mention]{Items: ms})
	return nil
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	sq := store.SearchQuery{Text: strings.TrimSpace(q.Get("q")), Since: q.Get("since"), Until: q.Get("until"), Limit: p.fetch()}
	if sq.Text == "" {
		return errf(http.StatusBadRequest, "q is required")
	}
	if err := checkDay("since", sq.Since); err != nil {
		return err
	}
	if err := checkDay("until", sq.Until); err != nil {
		return err
	}
	hits, err := s.opts.Store.Search(r.Context(), sq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(p, hits))
	return nil
}

func (s *Server) apiActors(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f := store.ActorFilter{Name: q.Get("name"), Code: q.Get("code"), Type: strings.ToUpper(q.Get("type")), Limit: p.fetch()}
	if f.Unknown, err = boolParam(q, "unknown"); err != nil {
		return err
	}
	as, err := s.opts.Store.Actors(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(p, as))
	return nil
}

// ActorDetail is an actor with its events by period.
type ActorDetail struct {
	Actor   store.ActorRecord `json:"actor"`
	Periods []store.Period    `json:"periods"`
}

func (s *Server) apiActor(w http.ResponseWriter, r *http.Request) error {
	a, err := s.actorByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	ps, err := s.opts.Store.Periods(r.Context(), store.EventFilter{Actor: actorQuery(a)}, store.ByMonth)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []store.Period{}
	}
	writeJSON(w, http.StatusOK, ActorDetail{Actor: a, Periods: ps})
	return nil
}

func (s *Server) apiTimeline(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := eventFilter(q)
	if err != nil {
		return err
	}
	if f.Actor == "" {
		return errf(http.StatusBadRequest, "actor is required")
	}
	by, err := byParam(q)
	if err != nil {
		return err
	}
	ps, err := s.opts.Store.Periods(r.Context(), f, by)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []store.Period{}
	}
	writeJSON(w, http.StatusOK, list[store.Period]{Items: ps})
	return nil
}

// Dyad is the events between two actors.
type Dyad struct {
	A       string              `json:"a"`
	B       string              `json:"b"`
	By      string              `json:"by"`
	Periods []store.Period      `json:"periods"`
	Events  []store.EventRecord `json:"events"`
}

func (s *Server) dyad(r *http.Request) (Dyad, error) {
	q := r.URL.Query()
	d := Dyad{A: r.PathValue("a"), B: r.PathValue("b")}
	f, err := eventFilter(q)
	if err != nil {
		return d, err
	}
	directed, err := boolParam(q, "directed")
	if err != nil {
		return d, err
	}
	if d.By, err = byParam(q); err != nil {
		return d, err
	}
	f.Actor, f.Source, f.Target, f.Either = "", d.A, d.B, !directed
	if d.Periods, err = s.opts.Store.Periods(r.Context(), f, d.By); err != nil {
		return d, err
	}
	f.Limit = maxLimit
	if d.Events, err = s.opts.Store.Events(r.Context(), f); err != nil {
		return d, err
	}
	if d.Periods == nil {
		d.Periods = []store.Period{}
	}
	if d.Events == nil {
		d.Events = []store.EventRecord{}
	}
	return d, nil
}

func (s *Server) apiDyad(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dyad(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiNetwork(w http.ResponseWriter, r *http.Request) error {
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
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (s *Server) apiMap(w http.ResponseWriter, r *http.Request) error {
	f, err := eventFilter(r.URL.Query())
	if err != nil {
		return err
	}
	pts, err := s.mapPoints(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[MapPoint]{Items: pts})
	return nil
}

func (s *Server) apiAgreements(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f := store.AgreementFilter{Party: q.Get("party"), Limit: p.fetch()}
	if f.PerDocument, err = boolParam(q, "per_document"); err != nil {
		return err
	}
	as, err := s.opts.Store.Agreements(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(p, as))
	return nil
}

func (s *Server) apiCommitments(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	f := store.CommitmentFilter{By: q.Get("by"), To: q.Get("to"), Status: q.Get("status"), Kind: q.Get("kind"), Limit: p.fetch()}
	cs, err := s.opts.Store.Commitments(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(p, cs))
	return nil
}

// csvHeader are the columns of the CSV export (as `sitrep export --format csv`).
var csvHeader = []string{"id", "date", "date_precision", "source_code", "source_name", "source_country",
	"target_code", "target_name", "target_country", "cameo", "cameo_name", "plover", "goldstein", "quad_class",
	"modality", "place", "place_country", "lat", "lon", "num_mentions", "num_sources", "num_articles",
	"first_document", "first_outlet", "first_url", "text"}

func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) error {
	format := r.PathValue("format")
	f, err := eventFilter(r.URL.Query())
	if err != nil {
		return err
	}
	ctx := r.Context()
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="sitrep-events.csv"`)
		cw := csv.NewWriter(w)
		if err := cw.Write(csvHeader); err != nil {
			return nil
		}
		err := s.opts.Store.EachEvent(ctx, f, false, func(ev store.EventRecord) error {
			place, pc, lat, lon := "", "", "", ""
			if l := ev.Location; l != nil {
				place, pc = l.Name, l.Country
				lat, lon = strconv.FormatFloat(l.Lat, 'f', 4, 64), strconv.FormatFloat(l.Lon, 'f', 4, 64)
			}
			return cw.Write([]string{strconv.FormatInt(ev.ID, 10), ev.Date, ev.DatePrecision,
				ev.Source.Code, ev.Source.Name, ev.Source.Country, ev.Target.Code, ev.Target.Name, ev.Target.Country,
				ev.CAMEO, ev.CAMEOName, ev.PLOVER, strconv.FormatFloat(ev.Goldstein, 'f', 1, 64), strconv.Itoa(ev.QuadClass),
				ev.Modality, place, pc, lat, lon, strconv.Itoa(ev.NumMentions), strconv.Itoa(ev.NumSources), strconv.Itoa(ev.NumArticles),
				ev.FirstDocument, ev.FirstOutlet, ev.FirstURL, ev.Text})
		})
		cw.Flush()
		if err != nil {
			s.log.Error("export failed", "format", format, "err", err)
		}
		return nil
	case "jsonl":
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Content-Disposition", `attachment; filename="sitrep-dump.jsonl"`)
		bw := bufio.NewWriterSize(w, 1<<16)
		enc := json.NewEncoder(bw)
		err := s.opts.Store.Dump(ctx, store.DumpFilter{Since: f.Since, Until: f.Until}, func(rec store.DumpRecord) error {
			return enc.Encode(rec)
		})
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			s.log.Error("export failed", "format", format, "err", err)
		}
		return nil
	case "json":
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		bw := bufio.NewWriterSize(w, 1<<16)
		io.WriteString(bw, `{"items":[`)
		n := 0
		err := s.opts.Store.EachEvent(ctx, f, false, func(ev store.EventRecord) error {
			if n > 0 {
				bw.WriteByte(',')
			}
			n++
			b, err := json.Marshal(ev)
			if err != nil {
				return err
			}
			_, err = bw.Write(b)
			return err
		})
		io.WriteString(bw, "]}\n")
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			s.log.Error("export failed", "format", format, "err", err)
		}
		return nil
	}
	return errf(http.StatusBadRequest, "format %q: want csv, jsonl or json", format)
}

// requireJSON refuses bodies that are not JSON: a cross-site form cannot
// send application/json without a CORS preflight, which this server never
// grants.
func requireJSON(r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errf(http.StatusUnsupportedMediaType, "want Content-Type: application/json")
	}
	return nil
}

// decodeJSON reads one JSON object from the body.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errf(http.StatusBadRequest, "invalid JSON body: %v", err)
	}
	return nil
}

func (s *Server) apiIngest(w http.ResponseWriter, r *http.Request) error {
	if err := s.authorizeAPI(r); err != nil {
		return err
	}
	if err := requireJSON(r); err != nil {
		return err
	}
	var req IngestRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	res, err := s.ingest(r.Context(), req)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Status == store.StatusExists {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
	return nil
}

func (s *Server) needWatch() error {
	if s.opts.Watch == nil {
		return errf(http.StatusServiceUnavailable, "watchlists are not enabled on this server")
	}
	return nil
}

// watchErr maps watch errors to HTTP errors.
func watchErr(err error) error {
	switch {
	case errors.Is(err, watch.ErrNotFound):
		return errf(http.StatusNotFound, "%v", err)
	case errors.Is(err, watch.ErrInvalid):
		return errf(http.StatusBadRequest, "%v", err)
	}
	return err
}

func (s *Server) apiWatchlists(w http.ResponseWriter, r *http.Request) error {
	if err := s.needWatch(); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[watch.Watchlist]{Items: s.opts.Watch.List()})
	return nil
}

func (s *Server) apiCreateWatchlist(w http.ResponseWriter, r *http.Request) error {
	if err := s.authorizeAPI(r); err != nil {
		return err
	}
	if err := s.needWatch(); err != nil {
		return err
	}
	if err := requireJSON(r); err != nil {
		return err
	}
	var req struct {
		Name    string      `json:"name"`
		Query   watch.Query `json:"query"`
		Webhook string      `json:"webhook"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	wl, err := s.opts.Watch.Create(r.Context(), watch.Watchlist{Name: req.Name, Query: req.Query, Webhook: req.Webhook})
	if err != nil {
		return watchErr(err)
	}
	writeJSON(w, http.StatusCreated, wl)
	return nil
}

func (s *Server) apiWatchlist(w http.ResponseWriter, r *http.Request) error {
	if err := s.needWatch(); err != nil {
		return err
	}
	wl, err := s.opts.Watch.Get(r.PathValue("id"))
	if err != nil {
		return watchErr(err)
	}
	writeJSON(w, http.StatusOK, wl)
	return nil
}

func (s *Server) apiDeleteWatchlist(w http.ResponseWriter, r *http.Request) error {
	if err := s.authorizeAPI(r); err != nil {
		return err
	}
	if err := s.needWatch(); err != nil {
		return err
	}
	if err := s.opts.Watch.Delete(r.PathValue("id")); err != nil {
		return watchErr(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request) error {
	if err := s.needWatch(); err != nil {
		return err
	}
	as, err := s.opts.Watch.Alerts(r.PathValue("id"))
	if err != nil {
		return watchErr(err)
	}
	writeJSON(w, http.StatusOK, list[watch.Alert]{Items: as})
	return nil
}

func (s *Server) apiDeliveries(w http.ResponseWriter, r *http.Request) error {
	if err := s.needWatch(); err != nil {
		return err
	}
	ds, err := s.opts.Watch.Deliveries(r.PathValue("id"))
	if err != nil {
		return watchErr(err)
	}
	writeJSON(w, http.StatusOK, list[watch.Delivery]{Items: ds})
	return nil
}

var _ = fmt.Sprintf
