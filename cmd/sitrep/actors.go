package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
)

// actorCount is one actor seen across documents.
type actorCount struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Code     string `json:"code,omitempty"`
	Known    bool   `json:"known"`
	Count    int    `json:"count"`
	Docs     int    `json:"documents"`
	Example  string `json:"example"`
	Document string `json:"example_document"`
}

func runActors(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "actors", "[--unknown] [--json] [--top N] FILE...", `
List the actors of a set of documents, most frequent first. With --unknown,
list the names the dictionaries did not resolve, with counts and an example
sentence: the list to work through when keeping dictionaries current.`)
	unknown := fs.Bool("unknown", false, "only names the dictionaries do not know")
	asJSON := fs.Bool("json", false, "print JSON lines")
	top := fs.Int("top", 50, "how many to list (0 for all)")
	published := fs.String("published", "", "publication date for inputs that carry none")
	var dirs stringList
	fs.Var(&dirs, "dict", "user dictionary `DIR` (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageErr("give FILE... to read")
	}
	p, err := pipeline.New(pipeline.Options{DictDirs: dirs})
	if err != nil {
		return err
	}
	counts := map[string]*actorCount{}
	failed := 0
	for _, name := range fs.Args() {
		x, err := extractFile(ctx, p, name, e.stdin, ingest.Options{Published: *published})
		if err != nil {
			failed++
			fmt.Fprintf(e.stderr, "sitrep actors: %s: %v\n", displayName(name), err)
			continue
		}
		tallyActors(counts, x, *unknown)
	}
	list := make([]*actorCount, 0, len(counts))
	for _, c := range counts {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Count != list[j].Count {
			return list[i].Count > list[j].Count
		}
		return list[i].Name < list[j].Name
	})
	if *top > 0 && len(list) > *top {
		list = list[:*top]
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		for _, c := range list {
			if err := enc.Encode(c); err != nil {
				return err
			}
		}
	} else {
		fmt.Fprintf(out, "%6s %5s  %-8s %-10s %-34s %s\n", "count", "docs", "type", "code", "name", "example")
		for _, c := range list {
			fmt.Fprintf(out, "%6d %5d  %-8s %-10s %-34s %s\n", c.Count, c.Docs, c.Type, dash(c.Code), clip(c.Name, 34), clip(c.Example, 90))
		}
	}
	if failed > 0 {
		out.Flush()
		return errSilent
	}
	return nil
}

func tallyActors(counts map[string]*actorCount, x *sitrep.Extraction, unknownOnly bool) {
	for _, en := range x.Entities {
		if unknownOnly && en.Known {
			continue
		}
		if en.Type == sitrep.TypePlace || en.Type == sitrep.TypeCountry {
			if unknownOnly {
				continue
			}
		}
		key := en.Type + "\x00" + en.Name
		c := counts[key]
		if c == nil {
			c = &actorCount{Name: en.Name, Type: en.Type, Code: en.Code, Known: en.Known}
			if len(en.Mentions) > 0 {
				if s := en.Mentions[0].Sentence; s < len(x.Sentences) {
					c.Example = x.Sentences[s].Text
					c.Document = x.Document.ID
				}
			}
			counts[key] = c
		}
		c.Count += len(en.Mentions)
		c.Docs++
	}
}
