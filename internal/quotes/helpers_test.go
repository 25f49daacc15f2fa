package quotes

import (
	"testing"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/actors"
	"github.com/sitrep/sitrep/internal/text"
)

type actorsDict = *actors.Dictionary

// setup loads the dictionaries and the finder once per test.
func setup(t testing.TB) (*Finder, *actors.Dictionary, *text.Segmenter) {
	t.Helper()
	ds, err := dict.New()
	if err != nil {
		t.Fatal(err)
	}
	ad, err := actors.Load(ds)
	if err != nil {
		t.Fatal(err)
	}
	f, err := New(ds)
	if err != nil {
		t.Fatal(err)
	}
	return f, ad, text.NewSegmenter()
}
