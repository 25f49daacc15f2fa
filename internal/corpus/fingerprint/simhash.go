// Package fingerprint computes near-duplicate fingerprints of document
// text: a 64-bit SimHash over word shingles, compared by Hamming distance
// and looked up through a banded index.
//
// Two texts whose fingerprints differ in at most MaxDistance bits are near
// duplicates (a wire copy with a changed dateline, credit line or a few
// words). Because 64 bits split into Bands bands of 16 bits, two
// fingerprints within MaxDistance bits of each other share at least one
// band exactly (pigeonhole), so a store indexes the bands and compares only
// the fingerprints that share one.
package fingerprint

import (
	"math/bits"
	"strings"
	"unicode"

	"github.com/sitrep/sitrep/internal/text"
)

const (
	// MaxDistance is the largest Hamming distance between near duplicates.
	MaxDistance = 3
	// Bands is the number of 16-bit bands of a fingerprint; it must be
	// greater than MaxDistance for the banded lookup to find every match.
	Bands = 4
	// ShingleWords is the number of words in one shingle.
	ShingleWords = 3
)

// SimHash returns the 64-bit SimHash of s over shingles of ShingleWords
// folded words (lower case, no diacritics). Texts of fewer words than a
// shingle hash their words. An empty text has fingerprint 0.
func SimHash(s string) uint64 {
	words := Words(s)
	if len(words) == 0 {
		return 0
	}
	var acc [64]int
	add := func(h uint64) {
		for i := 0; i < 64; i++ {
			if h&(1<<uint(i)) != 0 {
				acc[i]++
			} else {
				acc[i]--
			}
		}
	}
	if len(words) < ShingleWords {
		for _, w := range words {
			add(hashString(w))
		}
	} else {
		for i := 0; i+ShingleWords <= len(words); i++ {
			add(hashString(strings.Join(words[i:i+ShingleWords], " ")))
		}
	}
	var h uint64
	for i := 0; i < 64; i++ {
		if acc[i] > 0 {
			h |= 1 << uint(i)
		}
	}
	return h
}

// Words splits s into folded words: runs of letters and digits.
func Words(s string) []string {
	f := strings.FieldsFunc(text.Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return f
}

// Distance is the Hamming distance between two fingerprints.
func Distance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// Near reports whether two fingerprints are near duplicates.
func Near(a, b uint64) bool { return Distance(a, b) <= MaxDistance }

// Band returns band i (0 <= i < Bands) of a fingerprint.
func Band(h uint64, i int) int64 { return int64((h >> (16 * uint(i))) & 0xFFFF) }

// hashString is FNV-1a followed by the splitmix64 finaliser, so that
// shingles differing in one letter get unrelated hashes.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}
