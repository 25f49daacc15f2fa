package tracking_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/tracking"
)

// TestUserWordLists overrides the topic-stop list in a user tracking.tsv:
// the listed word stops counting as a topic, the other lists stay the
// embedded ones, and the store tracker's key scheme changes (so a store
// rebuilds its look-up keys).
func TestUserWordLists(t *testing.T) {
	embedded, err := tracking.NewStoreTracker(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !embedded.Topics.Words("military training courses")["traini"] {
		t.Fatalf("embedded topic words of %q: %v", "military training courses", embedded.Topics.Words("military training courses"))
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tracking.tsv"), []byte("topic-stop\tthe|training|courses\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, err := dict.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	user, err := tracking.NewStoreTracker(ds)
	if err != nil {
		t.Fatal(err)
	}
	if w := user.Topics.Words("military training courses"); len(w) != 1 || !w["milita"] {
		t.Errorf("with the user's topic-stop list: %v, want only milita", w)
	}
	if user.KeyScheme() == embedded.KeyScheme() {
		t.Errorf("the key scheme %q did not change with the stop list", user.KeyScheme())
	}
	if _, err := tracking.New(ds); err != nil {
		t.Errorf("the other lists should stay the embedded ones: %v", err)
	}
	// a list emptied by the user is an error, not a silent change
	if err := os.WriteFile(filepath.Join(dir, "tracking.tsv"), []byte("agreement\t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := tracking.New(ds); err == nil {
		t.Error("an empty agreement list was accepted")
	}
}
