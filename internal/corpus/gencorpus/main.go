// Command gencorpus writes the synthetic test corpus as JSON lines (the
// input of `sitrep ingest -`) or as Markdown files:
//
//	go run ./internal/corpus/gencorpus -n 10000 -seed 1 > corpus.jsonl
//	go run ./internal/corpus/gencorpus -n 500 -dir /tmp/corpus
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/sitrep/sitrep/internal/corpus"
)

func main() {
	n := flag.Int("n", 1000, "number of documents")
	seed := flag.Uint64("seed", 1, "random seed")
	dups := flag.Float64("duplicates", 0.1, "share of wire copies")
	dir := flag.String("dir", "", "write Markdown files into this directory instead of JSON lines on stdout")
	flag.Parse()
	g, err := corpus.Generate(corpus.GenOptions{N: *n, Seed: *seed, Duplicates: *dups})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	if *dir != "" {
		err = corpus.WriteFiles(*dir, g.Records)
	} else {
		w := bufio.NewWriter(os.Stdout)
		err = corpus.WriteJSONL(w, g.Records)
		if err == nil {
			err = w.Flush()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}
