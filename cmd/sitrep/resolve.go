package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/dates"
)

func runResolve(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "resolve", `[--date YYYY-MM-DD] [--json] PHRASE... | --jsonl`, `
Resolve actor phrases with the dictionaries and say which entry matched:
  sitrep resolve "Syrian Defense Minister"        -> SYR GOV|MIL SYRGOV
  sitrep resolve --date 2023-05-01 "Bashar al-Assad"
With --jsonl, read {"id","text","date"} lines from stdin and print
{"id","text","code","country","sectors","entity","matched"} lines.`)
	date := fs.String("date", "", "reference `date` for date-bounded roles (default: the latest roles)")
	asJSON := fs.Bool("json", false, "print JSON")
	jsonl := fs.Bool("jsonl", false, "read JSON lines from stdin")
	var dirs stringList
	fs.Var(&dirs, "dict", "user dictionary `DIR` (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *date != "" {
		if _, err := dates.Anchor(*date); err != nil {
			return usageErr("--date %q: %v", *date, err)
		}
	}
	if !*jsonl && fs.NArg() == 0 {
		fs.Usage()
		return usageErr("give a PHRASE or --jsonl")
	}
	ds, err := dict.New(dirs...)
	if err != nil {
		return err
	}
	ad, err := actors.Load(ds)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	if *jsonl {
		sc := bufio.NewScanner(e.stdin)
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		line := 0
		for sc.Scan() {
			line++
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var in struct {
				ID   string `json:"id"`
				Text string `json:"text"`
				Date string `json:"date"`
			}
			if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
				fmt.Fprintf(e.stderr, "sitrep resolve: line %d: invalid JSON: %v\n", line, err)
				continue
			}
			d := in.Date
			if d == "" {
				d = *date
			}
			r := ad.Resolve(in.Text, d)
			if err := enc.Encode(struct {
				ID string `json:"id"`
				actors.Resolution
			}{in.ID, r}); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return sc.Err()
	}
	for _, phrase := range fs.Args() {
		r := ad.Resolve(phrase, *date)
		if *asJSON {
			if err := enc.Encode(r); err != nil {
				return err
			}
			continue
		}
		if r.Code == "" && r.Country == "" {
			fmt.Fprintf(out, "%s\tunresolved\n", phrase)
			continue
		}
		fmt.Fprintf(out, "%s\n  code     %s\n  country  %s\n  sectors  %s\n  entity   %s (%s)\n", phrase, r.Code, dash(r.Country), dash(strings.Join(r.Sectors, "|")), dash(r.Entity), dash(r.Type))
		if r.Role != "" {
			fmt.Fprintf(out, "  role     %s\n", r.Role)
		}
		fmt.Fprintf(out, "  matched  %s\n", dash(r.Matched))
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
