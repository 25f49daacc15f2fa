package pipeline

import (
	"fmt"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/events"
	"github.com/sitrep/sitrep/internal/quotes"
	"github.com/sitrep/sitrep/internal/tracking"
)

// buildStages returns the stages that follow actor recognition, in order.
func buildStages(ds *dict.Set, ad *actors.Dictionary) ([]Stage, error) {
	coder, err := events.New(ds)
	if err != nil {
		return nil, fmt.Errorf("event coder: %w", err)
	}
	finder, err := quotes.New(ds)
	if err != nil {
		return nil, fmt.Errorf("quotes: %w", err)
	}
	tracker, err := tracking.New(ds)
	if err != nil {
		return nil, err
	}
	// quotes run after the coder so that events inside quotes are attributed
	return []Stage{coder, finder, tracker}, nil
}
