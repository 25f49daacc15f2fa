// Package fingerprint finds near duplicates (wire copies with a changed
// dateline, credit line or a few words): a MinHash signature over word
// shingles estimates the Jaccard similarity of two texts, and a banded
// index (locality-sensitive hashing) finds the stored signatures worth
// comparing without reading them all.
//
// SimHash with a small Hamming radius was tried first: on short wire
// stories (50-150 words) a one-word edit moves it by 5-10 bits, so it
// missed copies; MinHash degrades smoothly with the share of shingles
// changed.
package fingerprint

import (
	"encoding/binary"
	"errors"
	"strings"
	"unicode"

	"github.com/sitrep/sitrep/internal/text"
)

const (
	// Hashes is the number of hash functions (the signature length).
	Hashes = 64
	// Bands and Rows split a signature for the index: two texts share a
	// band key when all Rows minima of that band agree. With 16 bands of
	// 4 rows, a pair of similarity 0.7 is a candidate with probability
	// 0.98, a pair of 0.3 with 0.12.
	Bands = 16
	Rows  = Hashes / Bands
	// Threshold is the estimated Jaccard similarity from which a text is
	// a near duplicate of another.
	Threshold = 0.7
	// ShingleWords is the number of words in one shingle.
	ShingleWords = 3
	// MinWords is the fewest words a text needs for a signature: shorter
	// texts say too little to be called copies of one another.
	MinWords = 12
)

// Signature is the MinHash signature of a text.
type Signature [Hashes]uint32

// Sign returns the signature of s over shingles of ShingleWords folded
// words (lower case, no diacritics, punctuation dropped); ok is false when
// s has fewer than MinWords words.
func Sign(s string) (sig Signature, ok bool) {
	words := Words(s)
	if len(words) < MinWords {
		return sig, false
	}
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	for i := 0; i+ShingleWords <= len(words); i++ {
		h := hashString(strings.Join(words[i:i+ShingleWords], " "))
		for j := range sig {
			v := uint32(mix(h+uint64(j)*0x9e3779b97f4a7c15) >> 32)
			if v < sig[j] {
				sig[j] = v
			}
		}
	}
	return sig, true
}

// Words splits s into folded words: runs of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(text.Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// Similarity estimates the Jaccard similarity of the shingle sets of two
// texts: the share of hash functions whose minima agree.
func Similarity(a, b Signature) float64 {
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / Hashes
}

// Near reports whether two signatures belong to near duplicates.
func Near(a, b Signature) bool { return Similarity(a, b) >= Threshold }

// BandKeys returns the index keys of a signature, one per band.
func (s Signature) BandKeys() [Bands]int64 {
	var keys [Bands]int64
	for b := 0; b < Bands; b++ {
		h := uint64(b) * 0x9e3779b97f4a7c15
		for r := 0; r < Rows; r++ {
			h = mix(h ^ uint64(s[b*Rows+r]))
		}
		keys[b] = int64(h >> 1)
	}
	return keys
}

// Bytes encodes the signature (4 bytes per hash, big endian).
func (s Signature) Bytes() []byte {
	b := make([]byte, 4*Hashes)
	for i, v := range s {
		binary.BigEndian.PutUint32(b[4*i:], v)
	}
	return b
}

// Parse decodes a signature written by Bytes.
func Parse(b []byte) (Signature, error) {
	var s Signature
	if len(b) != 4*Hashes {
		return s, errors.New("fingerprint: bad signature length")
	}
	for i := range s {
		s[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return s, nil
}

// hashString is FNV-1a followed by the splitmix64 finaliser, so that
// shingles differing in one letter get unrelated hashes.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h)
}

// mix is the splitmix64 finaliser.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}
