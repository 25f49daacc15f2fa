package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/store"
)

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "export", "--format csv|jsonl|gdelt|plover [flags]", `
Write the store to stdout.

  jsonl   a full dump: one line per document with its extraction, in
          ingestion order, then the feed states; 'sitrep import' rebuilds
          an equivalent store from it (also between SQLite and PostgreSQL).
  csv     the cross-document events, one row each, with a header.
  gdelt   the events as the 61 tab-separated columns of the GDELT 2.0
          event table (codes as strings; columns sitrep has no value for
          are empty).
  plover  the events as POLECAT-style JSON lines: event type, mode,
          context, actor and recipient with country and sectors, date,
          location, and the ids of the stories that report it.

--since and --until bound the event date (the publication date for jsonl).`)
	db := dbFlag(fs)
	format := fs.String("format", "", "`FORMAT`: csv, jsonl, gdelt or plover")
	var f store.EventFilter
	fs.StringVar(&f.Since, "since", "", "from `YYYY-MM-DD`")
	fs.StringVar(&f.Until, "until", "", "until `YYYY-MM-DD`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	switch *format {
	case "csv", "jsonl", "gdelt", "plover":
	case "":
		fs.Usage()
		return usageErr("--format is required")
	default:
		return usageErr("--format %q: want csv, jsonl, gdelt or plover", *format)
	}
	if err := checkDates(f.Since, f.Until); err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	out := bufio.NewWriterSize(e.stdout, 1<<16)
	switch *format {
	case "jsonl":
		err = exportJSONL(ctx, st, f, out)
	case "csv":
		err = exportCSV(ctx, st, f, out)
	case "gdelt":
		err = exportGDELT(ctx, st, f, out)
	case "plover":
		err = exportPLOVER(ctx, st, f, out)
	}
	if err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

func exportJSONL(ctx context.Context, st store.Store, f store.EventFilter, w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return st.Dump(ctx, store.DumpFilter{Since: f.Since, Until: f.Until}, func(r store.DumpRecord) error {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		return nil
	})
}

var csvHeader = []string{"id", "date", "date_precision", "source_code", "source_name", "source_country", "source_sectors",
	"target_code", "target_name", "target_country", "target_sectors", "cameo", "cameo_name", "plover", "plover_mode", "plover_context",
	"goldstein", "quad_class", "modality", "place", "place_country", "lat", "lon", "num_mentions", "num_sources", "num_articles",
	"first_document", "first_outlet", "first_url", "text"}

func exportCSV(ctx context.Context, st store.Store, f store.EventFilter, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	err := st.EachEvent(ctx, f, false, func(ev store.EventRecord) error {
		place, pc, lat, lon := "", "", "", ""
		if l := ev.Location; l != nil {
			place, pc = l.Name, l.Country
			lat, lon = ftoa(l.Lat, 4), ftoa(l.Lon, 4)
		}
		return cw.Write([]string{strconv.FormatInt(ev.ID, 10), ev.Date, ev.DatePrecision,
			ev.Source.Code, ev.Source.Name, ev.Source.Country, strings.Join(ev.Source.Sectors, "|"),
			ev.Target.Code, ev.Target.Name, ev.Target.Country, strings.Join(ev.Target.Sectors, "|"),
			ev.CAMEO, ev.CAMEOName, ev.PLOVER, ev.PLOVERMode, strings.Join(ev.PLOVERContext, "|"),
			ftoa(ev.Goldstein, 1), strconv.Itoa(ev.QuadClass), ev.Modality, place, pc, lat, lon,
			strconv.Itoa(ev.NumMentions), strconv.Itoa(ev.NumSources), strconv.Itoa(ev.NumArticles),
			ev.FirstDocument, ev.FirstOutlet, ev.FirstURL, ev.Text})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

func ftoa(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }

// GDELTColumns are the 61 columns of the GDELT 2.0 event table.
var GDELTColumns = []string{
	"GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
	"Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
	"Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
	"Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
	"Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
	"IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
	"NumMentions", "NumSources", "NumArticles", "AvgTone",
	"Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
	"Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
	"Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
	"Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
	"ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
	"ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
	"DATEADDED", "SOURCEURL",
}

// gdeltRow fills the GDELT columns sitrep has a value for.
func gdeltRow(ev store.EventRecord) []string {
	row := make([]string, len(GDELTColumns))
	set := func(col, v string) {
		for i, c := range GDELTColumns {
			if c == col {
				row[i] = v
				return
			}
		}
		panic("unknown GDELT column " + col)
	}
	set("GlobalEventID", strconv.FormatInt(ev.ID, 10))
	if t, ok := eventDay(ev.Date); ok {
		set("Day", t.Format("20060102"))
		set("MonthYear", t.Format("200601"))
		set("Year", t.Format("2006"))
		days := 365.0
		if y := t.Year(); y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			days = 366
		}
		set("FractionDate", ftoa(float64(t.Year())+float64(t.YearDay()-1)/days, 4))
	}
	actor := func(n string, a store.ActorRef) {
		set("Actor"+n+"Code", a.Code)
		set("Actor"+n+"Name", strings.ToUpper(a.Name))
		set("Actor"+n+"CountryCode", a.Country)
		for i, s := range a.Sectors {
			if i < 3 {
				set(fmt.Sprintf("Actor%sType%dCode", n, i+1), s)
			}
		}
	}
	actor("1", ev.Source)
	actor("2", ev.Target)
	set("EventCode", ev.CAMEO)
	if len(ev.CAMEO) >= 3 {
		set("EventBaseCode", ev.CAMEO[:3])
	} else {
		set("EventBaseCode", ev.CAMEO)
	}
	if len(ev.CAMEO) >= 2 {
		set("EventRootCode", ev.CAMEO[:2])
	}
	if ev.QuadClass > 0 {
		set("QuadClass", strconv.Itoa(ev.QuadClass))
	}
	set("GoldsteinScale", ftoa(ev.Goldstein, 1))
	set("NumMentions", strconv.Itoa(ev.NumMentions))
	set("NumSources", strconv.Itoa(ev.NumSources))
	set("NumArticles", strconv.Itoa(ev.NumArticles))
	if l := ev.Location; l != nil {
		typ := "4" // world city
		if l.Lat == 0 && l.Lon == 0 {
			typ = "1" // country
		}
		set("ActionGeo_Type", typ)
		set("ActionGeo_FullName", l.Name)
		set("ActionGeo_CountryCode", l.Country)
		if typ == "4" {
			set("ActionGeo_Lat", ftoa(l.Lat, 4))
			set("ActionGeo_Long", ftoa(l.Lon, 4))
		}
	}
	if !ev.FirstSeen.IsZero() {
		set("DATEADDED", ev.FirstSeen.UTC().Format("20060102150405"))
	}
	src := ev.FirstURL
	if src == "" {
		src = ev.FirstDocument
	}
	set("SOURCEURL", src)
	return row
}

// eventDay parses an event date of day, month or year precision.
func eventDay(d string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if len(d) == len(layout) {
			if t, err := time.Parse(layout, d); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func exportGDELT(ctx context.Context, st store.Store, f store.EventFilter, w io.Writer) error {
	return st.EachEvent(ctx, f, false, func(ev store.EventRecord) error {
		row := gdeltRow(ev)
		for i := range row {
			row[i] = strings.Map(func(r rune) rune {
				if r == '\t' || r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, row[i])
		}
		if _, err := io.WriteString(w, strings.Join(row, "\t")+"\n"); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		return nil
	})
}

// ploverActor is an actor or recipient of a POLECAT-style record.
type ploverActor struct {
	Name    string   `json:"name"`
	Code    string   `json:"code,omitempty"`
	Country string   `json:"country"`
	Sectors []string `json:"sector"`
}

// ploverEvent is one POLECAT-style record.
type ploverEvent struct {
	EventID     string         `json:"event_id"`
	Date        string         `json:"event_date"`
	EventType   string         `json:"event_type"`
	Mode        string         `json:"event_mode"`
	Context     []string       `json:"event_context"`
	Text        string         `json:"event_text"`
	CAMEO       string         `json:"cameo"`
	Goldstein   float64        `json:"goldstein"`
	QuadClass   int            `json:"quad_class"`
	Modality    string         `json:"modality,omitempty"`
	Actor       ploverActor    `json:"actor"`
	Recipient   ploverActor    `json:"recipient"`
	Location    *ploverPlace   `json:"location"`
	StoryIDs    []string       `json:"story_ids"`
	StoryURLs   []string       `json:"story_urls"`
	Publishers  []string       `json:"story_publishers"`
	NumMentions int            `json:"num_mentions"`
	NumSources  int            `json:"num_sources"`
	NumArticles int            `json:"num_articles"`
	Mentions    []ploverSource `json:"mentions"`
}

type ploverPlace struct {
	Name    string  `json:"name"`
	Country string  `json:"country,omitempty"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
}

type ploverSource struct {
	StoryID  string `json:"story_id"`
	Sentence int    `json:"sentence"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

func toPLOVER(ev store.EventRecord) ploverEvent {
	pa := func(a store.ActorRef) ploverActor {
		s := a.Sectors
		if s == nil {
			s = []string{}
		}
		return ploverActor{Name: a.Name, Code: a.Code, Country: a.Country, Sectors: s}
	}
	p := ploverEvent{EventID: strconv.FormatInt(ev.ID, 10), Date: ev.Date, EventType: ev.PLOVER, Mode: ev.PLOVERMode,
		Context: ev.PLOVERContext, Text: ev.Text, CAMEO: ev.CAMEO, Goldstein: ev.Goldstein, QuadClass: ev.QuadClass, Modality: ev.Modality,
		Actor: pa(ev.Source), Recipient: pa(ev.Target), StoryIDs: []string{}, StoryURLs: []string{}, Publishers: []string{},
		NumMentions: ev.NumMentions, NumSources: ev.NumSources, NumArticles: ev.NumArticles, Mentions: []ploverSource{}}
	if p.Context == nil {
		p.Context = []string{}
	}
	if l := ev.Location; l != nil {
		p.Location = &ploverPlace{Name: l.Name, Country: l.Country, Lat: l.Lat, Lon: l.Lon}
	}
	seen := map[string]bool{}
	pubs := map[string]bool{}
	for _, m := range ev.Mentions {
		p.Mentions = append(p.Mentions, ploverSource{StoryID: m.Document, Sentence: m.Sentence, Start: m.Start, End: m.End})
		if !seen[m.Document] {
			seen[m.Document] = true
			p.StoryIDs = append(p.StoryIDs, m.Document)
			if m.URL != "" {
				p.StoryURLs = append(p.StoryURLs, m.URL)
			}
		}
		if m.Outlet != "" && !pubs[m.Outlet] {
			pubs[m.Outlet] = true
			p.Publishers = append(p.Publishers, m.Outlet)
		}
	}
	return p
}

func exportPLOVER(ctx context.Context, st store.Store, f store.EventFilter, w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return st.EachEvent(ctx, f, true, func(ev store.EventRecord) error {
		if err := enc.Encode(toPLOVER(ev)); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		return nil
	})
}
