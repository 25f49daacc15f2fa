// Command sitrep turns news reports into a sourced, structured record of
// events, quotes, agreements and commitments. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a command runs with: streams and a logger, no globals.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

// errSilent reports failure whose details were already printed.
var errSilent = errors.New("failed")

func commands() []command {
	cmds := []command{
		{"version", "print the version of sitrep and of its dictionaries", runVersion},
		{"extract", "read documents and print what they say (entities, events, quotes, agreements, commitments)", runExtract},
		{"resolve", "resolve actor phrases to codes with the dictionaries", runResolve},
		{"actors", "list actors; --unknown lists frequent names the dictionaries do not know", runActors},
		{"eval", "score an extraction or a sentence corpus against gold annotations", runEval},
		{"ingest", "read, extract and store documents from files, directories, stdin, URLs and feeds", runIngest},
		{"import", "load a store dump written by 'export --format jsonl'", runImport},
		{"export", "write the store as csv, jsonl (full dump), gdelt or plover", runExport},
		{"events", "list stored events merged across documents, with filters", runEvents},
		{"search", "full-text search over stored sentences and titles", runSearch},
		{"timeline", "events of an actor by day, week or month", runTimeline},
		{"dyad", "events between two actors by day, week or month", runDyad},
		{"agreements", "agreements across documents with their status timelines", runAgreements},
		{"commitments", "requests, offers, pledges and deliveries found in stored documents", runCommitments},
		{"docs", "list stored documents; --duplicates lists near duplicates", runDocs},
	}
	// commands of the server and of the scaled mode live in their own files
	return append(append(cmds, serveCommands()...), queueCommands()...)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "sitrep turns news reports into sourced, structured event data.\n\nUsage:\n  sitrep <command> [flags] [args]\n\nCommands:\n")
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'sitrep <command> --help' for the flags of a command.\n")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == name {
			err := c.run(ctx, e, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errSilent):
				return 1
			case errors.Is(err, errUsage):
				fmt.Fprintf(stderr, "sitrep %s: %v\n", name, err)
				return 2
			default:
				fmt.Fprintf(stderr, "sitrep %s: %v\n", name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "sitrep: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

var errUsage = errors.New("usage")

func usageErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

// newFlags makes a flag set whose --help prints the command's synopsis.
func newFlags(e *env, name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: sitrep %s %s\n\n%s\n\nFlags:\n", name, synopsis, strings.TrimSpace(description))
		fs.PrintDefaults()
	}
	return fs
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
