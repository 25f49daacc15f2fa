package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
)

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

// clip shortens s to n runes with an ellipsis.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func side(a store.ActorRef) string {
	switch {
	case a.Code != "" && a.Name != "":
		return a.Code + " (" + shorten(a.Name, 24) + ")"
	case a.Code != "":
		return a.Code
	case a.Name != "":
		return shorten(a.Name, 24)
	}
	return orDash(a.Country)
}

func runEvents(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "events", "[flags]", `
List the events of the store, latest first: each merges every report of
the same source, target, CAMEO code, place and date (within a day) across
documents, with how many mentions, outlets (sources) and articles report
it. --actor, --source and --target take an actor code (TURMIL), a country
code (TUR) or a name.`)
	db := dbFlag(fs)
	var f store.EventFilter
	fs.StringVar(&f.Actor, "actor", "", "events with this actor on either side (`CODE|NAME`)")
	fs.StringVar(&f.Source, "source", "", "events whose source is `CODE|NAME`")
	fs.StringVar(&f.Target, "target", "", "events whose target is `CODE|NAME`")
	fs.StringVar(&f.Type, "type", "", "PLOVER event `TYPE` (ASSAULT, CONSULT...)")
	fs.StringVar(&f.CAMEO, "cameo", "", "CAMEO code `PREFIX` (19 = fight)")
	fs.StringVar(&f.Since, "since", "", "events on or after `YYYY-MM-DD`")
	fs.StringVar(&f.Until, "until", "", "events on or before `YYYY-MM-DD`")
	fs.StringVar(&f.Place, "place", "", "events at this place `NAME` or in this country code")
	fs.IntVar(&f.MinSources, "min-sources", 0, "events reported by at least `N` outlets")
	fs.IntVar(&f.Limit, "limit", 50, "at most `N` events")
	mentions := fs.Bool("mentions", false, "list every mention (document, sentence, offsets) of each event")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if err := checkDates(f.Since, f.Until); err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	evs, err := st.Events(ctx, f)
	if err != nil {
		return err
	}
	if *mentions {
		for i := range evs {
			if evs[i].Mentions, err = st.Mentions(ctx, evs[i].ID); err != nil {
				return err
			}
		}
	}
	if *asJSON {
		return writeJSON(e.stdout, evs)
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "ID\tDATE\tSOURCE\tTARGET\tCAMEO\tPLOVER\tGOLDSTEIN\tPLACE\tMENTIONS\tSOURCES\tARTICLES\tTEXT")
	for _, ev := range evs {
		place := "-"
		if ev.Location != nil {
			place = ev.Location.Name
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%d\t%d\t%d\t%s\n", ev.ID, orDash(ev.Date), side(ev.Source), side(ev.Target),
			ev.CAMEO, orDash(ev.PLOVER), ev.Goldstein, place, ev.NumMentions, ev.NumSources, ev.NumArticles, shorten(ev.Text, 60))
		for _, m := range ev.Mentions {
			fmt.Fprintf(tw, "\t\t\t\t\t\t\t\t\t\t\t↳ %s, %s, sentence %d [%d:%d]\n", m.Document, orDash(m.Outlet), m.Sentence, m.Start, m.End)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(evs) == 0 {
		fmt.Fprintln(e.stderr, "no events match")
	}
	return nil
}

func checkDates(ds ...string) error {
	for _, d := range ds {
		if d == "" {
			continue
		}
		if !store.IsDay(d) && !isMonth(d) {
			return usageErr("date %q: want YYYY-MM-DD", d)
		}
	}
	return nil
}

func isMonth(s string) bool { return store.IsDay(s + "-01") }

func runSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "search", `[flags] "WORDS"`, `
Full-text search over the sentences and titles of stored documents,
newest first. All words are required; "quoted words" form a phrase.
Matches are highlighted in the snippets.`)
	db := dbFlag(fs)
	var q store.SearchQuery
	fs.StringVar(&q.Since, "since", "", "documents published on or after `YYYY-MM-DD`")
	fs.StringVar(&q.Until, "until", "", "documents published on or before `YYYY-MM-DD`")
	fs.IntVar(&q.Limit, "limit", 20, "at most `N` hits")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageErr("no query")
	}
	if err := checkDates(q.Since, q.Until); err != nil {
		return err
	}
	q.Text = strings.Join(fs.Args(), " ")
	if !*asJSON && isTerminal(e.stdout) {
		q.Mark = [2]string{"\033[1m", "\033[0m"}
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	hits, err := st.Search(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, hits)
	}
	for _, h := range hits {
		where := fmt.Sprintf("sentence %d", h.Sentence)
		if h.Sentence < 0 {
			where = "title"
		}
		fmt.Fprintf(e.stdout, "%s  %s  %s  %s\n    %s\n", orDash(h.Published), h.Document, orDash(h.Outlet), where, strings.Join(strings.Fields(h.Snippet), " "))
	}
	if len(hits) == 0 {
		fmt.Fprintln(e.stderr, "no matches")
	}
	return nil
}

func periodFlags(fs interface {
	StringVar(*string, string, string, string)
}, f *store.EventFilter, by *string) {
	fs.StringVar(by, "by", store.ByMonth, "period: `day`, week or month")
	fs.StringVar(&f.Since, "since", "", "events on or after `YYYY-MM-DD`")
	fs.StringVar(&f.Until, "until", "", "events on or before `YYYY-MM-DD`")
	fs.StringVar(&f.Type, "type", "", "only PLOVER event `TYPE`")
	fs.StringVar(&f.CAMEO, "cameo", "", "only CAMEO code `PREFIX`")
}

func printPeriods(e *env, ps []store.Period, asJSON bool) error {
	if asJSON {
		if ps == nil {
			ps = []store.Period{}
		}
		return writeJSON(e.stdout, ps)
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "PERIOD\tEVENTS\tMENTIONS\tGOLDSTEIN\tVERBAL-COOP\tMATERIAL-COOP\tVERBAL-CONFLICT\tMATERIAL-CONFLICT")
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%d\t%d\t%d\t%d\n", orDash(p.Start), p.Events, p.Mentions, p.Goldstein, p.Quad[1], p.Quad[2], p.Quad[3], p.Quad[4])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(ps) == 0 {
		fmt.Fprintln(e.stderr, "no events match")
	}
	return nil
}

func runTimeline(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "timeline", "--actor CODE|NAME [flags]", `
Count the events of an actor by day, week or month: events, mentions,
Goldstein sum, and events by quad class (verbal and material cooperation,
verbal and material conflict).`)
	db := dbFlag(fs)
	var f store.EventFilter
	var by string
	fs.StringVar(&f.Actor, "actor", "", "actor `CODE|NAME` (either side)")
	periodFlags(fs, &f, &by)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.Actor == "" && fs.NArg() == 1 {
		f.Actor = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if f.Actor == "" {
		fs.Usage()
		return usageErr("--actor is required")
	}
	return periods(ctx, e, *db, f, by, *asJSON)
}

func periods(ctx context.Context, e *env, db string, f store.EventFilter, by string, asJSON bool) error {
	switch by {
	case store.ByDay, store.ByWeek, store.ByMonth:
	default:
		return usageErr("--by %q: want day, week or month", by)
	}
	if err := checkDates(f.Since, f.Until); err != nil {
		return err
	}
	st, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	ps, err := st.Periods(ctx, f, by)
	if err != nil {
		return err
	}
	return printPeriods(e, ps, asJSON)
}

func runDyad(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "dyad", "[flags] A B", `
Count the events between two actors (codes, country codes or names) by
day, week or month, in both directions unless --directed: events,
mentions, Goldstein sum and events by quad class.`)
	db := dbFlag(fs)
	var f store.EventFilter
	var by string
	periodFlags(fs, &f, &by)
	directed := fs.Bool("directed", false, "only events with A as source and B as target")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return usageErr("want two actors, got %d arguments", fs.NArg())
	}
	f.Source, f.Target, f.Either = fs.Arg(0), fs.Arg(1), !*directed
	return periods(ctx, e, *db, f, by, *asJSON)
}

func runAgreements(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "agreements", "[flags]", `
List agreements across documents with their status timelines: one step
per document that gives evidence, with its date, status, score (0 not
started, 1 minimal, 2 intermediate, 3 full), outlet, document, sentence
and the evidence text.`)
	db := dbFlag(fs)
	var f store.AgreementFilter
	fs.StringVar(&f.Party, "party", "", "agreements with this party `CODE`")
	fs.BoolVar(&f.PerDocument, "per-document", false, "also list each document's own agreement, and those not linked to a canonical one")
	fs.IntVar(&f.Limit, "limit", 50, "at most `N` agreements")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	ags, err := st.Agreements(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, ags)
	}
	for _, a := range ags {
		var parties []string
		for _, p := range a.Parties {
			parties = append(parties, orDash(firstOf(p.Code, p.Country, p.Name)))
		}
		kind := ""
		if a.Kind != "" {
			kind = " (" + a.Kind + ")"
		}
		fmt.Fprintf(e.stdout, "%s%s — %s — status %s, score %d — %s\n", orDash(a.Name), kind, strings.Join(parties, ", "), orDash(a.Status), a.Score, a.ID)
		tw := newTable(e.stdout)
		for _, s := range a.Steps {
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s:%d\t%q\n", orDash(deref(s.Date)), s.Status, s.Score, orDash(s.Outlet), orDash(s.Document), s.Sentence, shorten(s.Evidence, 80))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(ags) == 0 {
		fmt.Fprintln(e.stderr, "no agreements")
	}
	return nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func partyLabel(a sitrep.Actor) string {
	return orDash(firstOf(a.Code, a.Country, a.Name))
}

func runCommitments(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "commitments", "[flags]", `
List requests, offers, pledges, plans, demands and deliveries found in
the stored documents, oldest document first, with the canonical
commitment each was linked to.`)
	db := dbFlag(fs)
	var f store.CommitmentFilter
	fs.StringVar(&f.By, "by", "", "commitments made by `CODE|NAME`")
	fs.StringVar(&f.To, "to", "", "commitments made to `CODE|NAME`")
	fs.StringVar(&f.Status, "status", "", "only this `STATUS`")
	fs.StringVar(&f.Kind, "kind", "", "only this `KIND` (request, offer, pledge...)")
	fs.IntVar(&f.Limit, "limit", 100, "at most `N` commitments")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := st.Commitments(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, cs)
	}
	tw := newTable(e.stdout)
	fmt.Fprintln(tw, "PUBLISHED\tDOCUMENT\tKIND\tBY\tTO\tSTATUS\tWHAT")
	for _, c := range cs {
		m := c.Commitment
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", orDash(c.Published), c.Document, orDash(m.Kind), partyLabel(m.By), partyLabel(m.To), orDash(m.Status), shorten(m.What, 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(cs) == 0 {
		fmt.Fprintln(e.stderr, "no commitments match")
	}
	return nil
}

func runDocs(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "docs", "[flags]", `
List the stored documents, last ingested first; --duplicates lists the
near duplicates with the original each copies and their similarity.`)
	db := dbFlag(fs)
	var f store.DocFilter
	fs.BoolVar(&f.Duplicates, "duplicates", false, "only near duplicates")
	fs.StringVar(&f.Since, "since", "", "documents published on or after `YYYY-MM-DD`")
	fs.StringVar(&f.Until, "until", "", "documents published on or before `YYYY-MM-DD`")
	fs.IntVar(&f.Limit, "limit", 50, "at most `N` documents")
	counts := fs.Bool("counts", false, "print the number of records of each kind instead")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkDates(f.Since, f.Until); err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if *counts {
		c, err := st.Counts(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, c)
		}
		fmt.Fprintf(e.stdout, "documents %d (near duplicates %d), sentences %d, entities %d, actors %d, events %d, mentions %d, quotes %d, agreements %d (canonical %d), commitments %d (canonical %d), feeds %d\n",
			c.Documents, c.Duplicates, c.Sentences, c.Entities, c.Actors, c.Events, c.Mentions, c.Quotes, c.Agreements, c.CanonicalAgreements, c.Commitments, c.CanonicalCommitments, c.Feeds)
		return nil
	}
	docs, err := st.Documents(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, docs)
	}
	tw := newTable(e.stdout)
	if f.Duplicates {
		fmt.Fprintln(tw, "ID\tPUBLISHED\tOUTLET\tDUPLICATE-OF\tSIMILARITY\tTITLE")
	} else {
		fmt.Fprintln(tw, "ID\tPUBLISHED\tOUTLET\tEVENTS\tDUPLICATE-OF\tTITLE")
	}
	for _, d := range docs {
		if f.Duplicates {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f\t%s\n", d.ID, orDash(d.Published), orDash(d.Outlet), d.DuplicateOf, d.Similarity, shorten(d.Title, 60))
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, orDash(d.Published), orDash(d.Outlet), d.Events, orDash(d.DuplicateOf), shorten(d.Title, 60))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(docs) == 0 {
		fmt.Fprintln(e.stderr, "no documents")
	}
	return nil
}
