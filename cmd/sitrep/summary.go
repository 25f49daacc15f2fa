package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/sitrep/sitrep"
)

// printSummary writes a readable account of one extraction for a person.
func printSummary(w io.Writer, x *sitrep.Extraction) {
	d := x.Document
	title := d.Title
	if title == "" {
		title = d.File
	}
	if title == "" {
		title = d.ID
	}
	pub := "unknown"
	if d.Published != nil {
		pub = *d.Published + " (" + d.PublishedSource + ")"
	}
	fmt.Fprintf(w, "== %s\n   id %s · published %s · language %s · %d sentences\n", title, d.ID, pub, d.Language, len(x.Sentences))
	sentence := func(i int) string {
		if i >= 0 && i < len(x.Sentences) {
			return clip(x.Sentences[i].Text, 160)
		}
		return ""
	}
	if len(x.Entities) > 0 {
		fmt.Fprintf(w, "\nEntities\n")
		for _, e := range x.Entities {
			extra := []string{}
			if e.Code != "" {
				extra = append(extra, e.Code)
			}
			if e.Title != "" {
				extra = append(extra, e.Title)
			}
			if e.Role != "" {
				extra = append(extra, e.Role)
			}
			if !e.Known {
				extra = append(extra, "not in dictionary")
			}
			fmt.Fprintf(w, "  %-8s %-34s %s  (%d mentions)\n", e.Type, e.Name, strings.Join(extra, ", "), len(e.Mentions))
		}
	}
	if len(x.Events) > 0 {
		fmt.Fprintf(w, "\nEvents\n")
		for _, ev := range x.Events {
			date := "date unknown"
			if ev.Date != nil {
				date = *ev.Date
			}
			fmt.Fprintf(w, "  %s %s→%s  %s %s (%s, Goldstein %+.1f) %s, %s\n", ev.ID, actorLabel(ev.Source), actorLabel(ev.Target), ev.CAMEO, ev.PLOVER, ev.CAMEOName, ev.Goldstein, ev.Modality, date)
			fmt.Fprintf(w, "      “%s”\n", sentence(ev.Sentence))
		}
	}
	if len(x.Quotes) > 0 {
		fmt.Fprintf(w, "\nQuotes\n")
		for _, q := range x.Quotes {
			kind := "direct"
			if !q.Direct {
				kind = "indirect"
			}
			fmt.Fprintf(w, "  %s %s (%s, %s): “%s”\n", q.ID, actorLabel(q.Speaker), kind, q.Cue, clip(q.Text, 140))
		}
	}
	if len(x.Agreements) > 0 {
		fmt.Fprintf(w, "\nAgreements\n")
		for _, a := range x.Agreements {
			date := "date unknown"
			if a.Date != nil {
				date = *a.Date
			}
			var parties []string
			for _, p := range a.Parties {
				parties = append(parties, actorLabel(p))
			}
			fmt.Fprintf(w, "  %s %s (%s) parties %s, status %s\n", a.ID, a.Name, date, strings.Join(parties, ", "), a.Status)
			for _, p := range a.Provisions {
				fmt.Fprintf(w, "      provision: %s\n", p)
			}
			if len(a.Mentions) > 0 {
				fmt.Fprintf(w, "      “%s”\n", sentence(a.Mentions[0].Sentence))
			}
		}
	}
	if len(x.Commitments) > 0 {
		fmt.Fprintf(w, "\nCommitments\n")
		for _, c := range x.Commitments {
			fmt.Fprintf(w, "  %s %s %s→%s: %s [%s]\n      “%s”\n", c.ID, c.Kind, actorLabel(c.By), actorLabel(c.To), c.What, c.Status, sentence(c.Sentence))
		}
	}
	fmt.Fprintln(w)
}

func actorLabel(a sitrep.Actor) string {
	if a.Name == "" && a.Code == "" {
		return "?"
	}
	if a.Code != "" && a.Name != "" {
		return a.Name + " [" + a.Code + "]"
	}
	if a.Name != "" {
		return a.Name
	}
	return a.Code
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
