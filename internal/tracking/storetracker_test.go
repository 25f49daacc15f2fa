package tracking_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
	"github.com/sitrep/sitrep/internal/tracking"
)

// TestStoreTrackerFollowsTheStory stores the cross-document story in a
// real SQLite store with the tracking rules and reads the canonical
// memorandum back: one agreement, its timeline in order, every step with
// its evidence.
func TestStoreTrackerFollowsTheStory(t *testing.T) {
	xs, texts := readStory(t)
	ctx := context.Background()
	st, err := backend.Open(ctx, filepath.Join(t.TempDir(), "story.db"), backend.Options{Tracker: tracking.StoreTracker{}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, x := range xs {
		x.Document.DuplicateOf = nil // the store finds the reprint itself
		if _, err := st.Put(ctx, x, store.PutOptions{}); err != nil {
			t.Fatalf("put %s: %v", x.Document.ID, err)
		}
	}
	agrs, err := st.Agreements(ctx, store.AgreementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var mou *store.AgreementRecord
	for i, a := range agrs {
		t.Logf("%s %q %s %s steps=%d docs=%v", a.ID, a.Name, a.Date, a.Status, len(a.Steps), a.Documents)
		if a.Date == "2025-08-13" {
			mou = &agrs[i]
		}
	}
	if mou == nil {
		t.Fatal("no canonical agreement dated 2025-08-13")
	}
	if len(mou.Steps) < 4 || mou.Steps[0].Status != tracking.StatusSigned || mou.Status != tracking.StatusStalled {
		t.Errorf("memorandum timeline %d steps, first %v, status %s; want signed ... stalled over at least 4 steps", len(mou.Steps), mou.Steps, mou.Status)
	}
	for i, s := range mou.Steps {
		if s.Document == "trk-08" {
			t.Errorf("the reprint trk-08 added step %d", i)
		}
		if !strings.Contains(texts[s.Document], s.Evidence) {
			t.Errorf("step %d: evidence %q not in %s", i, s.Evidence, s.Document)
		}
	}
}
