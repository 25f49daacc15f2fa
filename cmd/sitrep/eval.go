package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/eval"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/pipeline"
)

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "eval", "GOLD.json FILE | --sentences GOLD.jsonl", `
Score sitrep against gold annotations.
  sitrep eval GOLD.json FILE          extract FILE (text) or read FILE (an
                                      extraction as JSON) and score it against a
                                      gold file in the shared format
  sitrep eval --sentences GOLD.jsonl  code every {"id","text","events":[...]}
                                      sentence and score the events
Both print precision, recall and F1 per PLOVER type and a confusion table.`)
	sentences := fs.String("sentences", "", "JSON-lines sentence corpus to score")
	verbose := fs.Bool("verbose", false, "list every sentence with an error")
	var dirs stringList
	fs.Var(&dirs, "dict", "user dictionary `DIR` (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := pipeline.New(pipeline.Options{DictDirs: dirs})
	if err != nil {
		return err
	}
	if *sentences != "" {
		rep, err := evalSentences(ctx, p, *sentences)
		if err != nil {
			return err
		}
		rep.Print(e.stdout)
		if *verbose {
			fmt.Fprintln(e.stdout)
			for _, m := range rep.Misses {
				fmt.Fprintln(e.stdout, m)
			}
			for _, m := range rep.ModMisses {
				fmt.Fprintln(e.stdout, m)
			}
		}
		return nil
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return usageErr("give GOLD.json and FILE, or --sentences GOLD.jsonl")
	}
	return evalDocument(ctx, e, p, fs.Arg(0), fs.Arg(1), *verbose)
}

func evalSentences(ctx context.Context, p *pipeline.Pipeline, path string) (*eval.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rep := &eval.Report{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var s eval.Sentence
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		x, err := eval.Extract(ctx, p, s)
		if err != nil {
			return nil, fmt.Errorf("%s:%d (%s): %w", path, line, s.ID, err)
		}
		rep.Score(s, x.Events)
	}
	return rep, sc.Err()
}

// evalDocument scores one document against a gold file in the shared
// format, by running the shared scorer when it is present and always
// printing sitrep's own per-type table.
func evalDocument(ctx context.Context, e *env, p *pipeline.Pipeline, goldPath, file string, verbose bool) error {
	gold, err := eval.LoadGold(goldPath)
	if err != nil {
		return err
	}
	var x *sitrep.Extraction
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &x); err != nil || x == nil || x.Document.ID == "" {
		opts := ingest.Options{Published: gold.Document.Published}
		doc, err := ingest.Read(ctx, file, strings.NewReader(string(data)), opts)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if x, err = p.Extract(ctx, doc); err != nil {
			return err
		}
	}
	res := eval.ScoreDocument(gold, x)
	res.Print(e.stdout, verbose)
	return nil
}
