// Package corpus runs ingestion into a store: it expands inputs (files,
// directories, globs, JSON lines, URLs, feeds) into documents, extracts
// them in parallel workers and stores each in its own transaction, in
// input order (or from the workers at once, Ingester.ConcurrentPuts),
// with progress reporting. It also generates the synthetic
// corpus the tests and benchmarks use.
package corpus

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
)

// ErrFatal marks an error that stops a run (a dictionary that does not
// load) rather than failing one document.
var ErrFatal = errors.New("fatal")

// Fatal wraps err so that Ingester.Run stops on it; its message is err's.
func Fatal(err error) error { return fatalError{err} }

type fatalError struct{ err error }

func (f fatalError) Error() string        { return f.err.Error() }
func (f fatalError) Unwrap() error        { return f.err }
func (f fatalError) Is(target error) bool { return target == ErrFatal }

// Extractor reads one document; *pipeline.Pipeline is one.
type Extractor interface {
	Extract(ctx context.Context, doc *sitrep.Document) (*sitrep.Extraction, error)
}

// Item is one input: a document read from Name, or the error reading it.
type Item struct {
	Name string
	Doc  *sitrep.Document
	Err  error
}

// Result is what happened to one item.
type Result struct {
	Name string
	// Put is the store's answer; Put.Status is store.StatusExists for a
	// document skipped before extraction because it was already stored.
	Put store.PutResult
	// Err is set when the item failed (unreadable, extraction error,
	// conflicting id); the run goes on.
	Err error
}

// Stats count the items of a run.
type Stats struct {
	// Total is the number of items expected, 0 when unknown (stdin, feeds).
	Total int
	// Done is the number of items finished (all of the counts below).
	Done       int
	Stored     int
	Duplicates int
	Exists     int
	Failed     int
	NewEvents  int
	Mentions   int
	Started    time.Time
}

// Ingester stores the extractions of a stream of items.
type Ingester struct {
	Store     store.Store
	Extractor Extractor
	// Workers extract in parallel; GOMAXPROCS when 0.
	Workers int
	// ConcurrentPuts makes each worker store what it extracted, as
	// separate `sitrep worker` processes do: up to Workers transactions
	// run at once (PostgreSQL overlaps them). Documents are then stored
	// in the order they are ready, not in input order, so a second run
	// may give events other ids than the first (ids come from the first
	// document of an event); results are still reported in input order.
	// Without it one goroutine stores every document, in input order.
	ConcurrentPuts bool
	// OnResult, when set, is called for every item in input order.
	OnResult func(Result, Stats)
}

// Run reads items until the channel closes or ctx ends. Each document is
// looked up (an already stored one is not extracted again), extracted by a
// worker, and stored in its own transaction, in input order: a run
// interrupted at any point and run again stores exactly what one
// uninterrupted run stores (unless ConcurrentPuts). It returns the first
// store error that is not
// about one document (disk full, lost connection); errors about one item
// are reported through OnResult and counted in Stats.Failed.
func (in *Ingester) Run(parent context.Context, items <-chan Item, total int) (Stats, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	workers := in.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		item Item
		res  chan outcome
	}
	jobs := make(chan job, workers)
	type pending struct {
		name string
		res  chan outcome
	}
	order := make(chan pending, 4*workers)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				o := in.extract(ctx, j.item)
				if in.ConcurrentPuts && o.err == nil && o.exists == "" {
					o.put, o.putErr = in.Store.Put(ctx, o.x, store.PutOptions{})
					o.stored = true
				}
				j.res <- o
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(jobs)
		for {
			select {
			case <-ctx.Done():
				return
			case it, ok := <-items:
				if !ok {
					return
				}
				res := make(chan outcome, 1)
				if it.Err != nil || it.Doc == nil {
					err := it.Err
					if err == nil {
						err = errors.New("no document")
					}
					res <- outcome{err: err}
				} else {
					select {
					case jobs <- job{item: it, res: res}:
					case <-ctx.Done():
						return
					}
				}
				select {
				case order <- pending{name: it.Name, res: res}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	st := Stats{Total: total, Started: time.Now()}
	var fatal error
	for p := range order {
		var o outcome
		select {
		case o = <-p.res:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		r := Result{Name: p.name}
		switch {
		case errors.Is(o.err, ErrFatal):
			fatal = o.err
		case o.err != nil:
			r.Err = o.err
		case o.exists != "":
			r.Put = store.PutResult{Status: store.StatusExists, ID: o.exists}
		default:
			pr, err := o.put, o.putErr
			if !o.stored {
				pr, err = in.Store.Put(ctx, o.x, store.PutOptions{})
			}
			switch {
			case err == nil:
				r.Put = pr
			case errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrInvalid):
				r.Err = err
			default:
				fatal = err
			}
		}
		if fatal != nil {
			cancel()
			break
		}
		st.Done++
		switch {
		case r.Err != nil:
			st.Failed++
		case r.Put.Status == store.StatusStored:
			st.Stored++
		case r.Put.Status == store.StatusDuplicate:
			st.Duplicates++
		case r.Put.Status == store.StatusExists:
			st.Exists++
		}
		st.NewEvents += r.Put.NewEvents
		st.Mentions += r.Put.Mentions
		if in.OnResult != nil {
			in.OnResult(r, st)
		}
	}
	cancel()
	// Drain so that the feeder and the workers can end.
	for p := range order {
		select {
		case <-p.res:
		default:
		}
	}
	wg.Wait()
	if fatal != nil {
		return st, fatal
	}
	if err := parent.Err(); err != nil {
		return st, err
	}
	return st, nil
}

// outcome is a worker's answer for one item: an extraction, the id of
// the stored document it matches, or an error; with ConcurrentPuts, also
// what storing the extraction gave.
type outcome struct {
	x      *sitrep.Extraction
	exists string
	err    error
	stored bool
	put    store.PutResult
	putErr error
}

// extract looks the document up and, when it is new, extracts it.
func (in *Ingester) extract(ctx context.Context, it Item) (o outcome) {
	id, found, err := in.Store.Lookup(ctx, it.Doc)
	if err != nil {
		o.err = fmt.Errorf("look up: %w", err)
		return o
	}
	if found {
		o.exists = id
		return o
	}
	x, err := in.Extractor.Extract(ctx, it.Doc)
	if err != nil {
		o.err = err
		return o
	}
	o.x = x
	return o
}
