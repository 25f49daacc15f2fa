package ingest

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// LangUnknown is the language of a text whose language cannot be told.
const LangUnknown = "und"

// langSample bounds the text given to the language detector.
const langSample = 16 << 10

// minLangLetters is the fewest letters a text needs for detection.
const minLangLetters = 12

// minLangConfidence is the whatlanggo confidence below which the language
// is reported as unknown.
const minLangConfidence = 0.1

//go:embed data/lang639.tsv
var lang639Data string

// lang639 maps three-letter language codes to ISO 639-1 (parsed once from
// the embedded table; read-only afterwards).
var lang639 = sync.OnceValue(func() map[string]string {
	m := make(map[string]string)
	for _, line := range strings.Split(lang639Data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		if ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
})

// normalizeLangTag turns a language tag as found in options and metadata
// ("en", "en-US", "tr_TR", "eng", "und") into an ISO 639-1 code (or the
// 639-3 code of a language that has none). ok is false for what is not a
// language tag.
func normalizeLangTag(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	primary, _, _ := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	if len(primary) < 2 || len(primary) > 3 {
		return "", false
	}
	for _, r := range primary {
		if r < 'a' || r > 'z' {
			return "", false
		}
	}
	if len(primary) == 3 && primary != LangUnknown {
		if v, ok := lang639()[primary]; ok {
			return v, true
		}
	}
	return primary, true
}

// DetectLanguage identifies the language of text with whatlanggo and
// returns its ISO 639-1 code, or "und" when the text is too short or the
// detection is not confident.
func DetectLanguage(text string) string {
	sample := text
	if len(sample) > langSample {
		cut := langSample
		for cut > 0 && !utf8.RuneStart(sample[cut]) {
			cut--
		}
		sample = sample[:cut]
	}
	letters := 0
	for _, r := range sample {
		if unicode.IsLetter(r) {
			letters++
			if letters >= minLangLetters {
				break
			}
		}
	}
	if letters < minLangLetters {
		return LangUnknown
	}
	info := whatlanggo.Detect(sample)
	if info.Lang < 0 || info.Confidence < minLangConfidence {
		return LangUnknown
	}
	if v, ok := lang639()[info.Lang.Iso6393()]; ok && v != "" {
		return v
	}
	if v := info.Lang.Iso6391(); v != "" {
		return v
	}
	return LangUnknown
}
