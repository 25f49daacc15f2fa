package pipeline

import (
	"fmt"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/events"
	"github.com/sitrep/sitrep/internal/tracking"
)

// buildStages returns the stages that follow actor recognition, in order.
func buildStages(ds *dict.Set, ad *actors.Dictionary) ([]Stage, error) {
	coder, err := events.New(ds)
	if err != nil {
		return nil, fmt.Errorf("event coder: %w", err)
	}
	tracker, err := tracking.New()
	if err != nil {
		return nil, err
	}
	return []Stage{coder, tracker}, nil
}
