package places

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FoldVersion names the folding rules of Fold. The generator writes it into
// the header of data/places.tsv.gz; when it differs from the loader's, the
// loader recomputes the keys instead of trusting the precomputed column.
const FoldVersion = "fold-v1"

// Fold turns a place name into its matching key: lower case, without
// diacritics (İstanbul = istanbul, Şanlıurfa = sanliurfa), Turkish dotless
// i folded to i, apostrophes and ayn/hamza marks dropped (Ma'rib = marib),
// hyphens, dots, slashes and underscores turned into spaces, runs of
// spaces collapsed. Fold is idempotent.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s = norm.NFD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading spaces
	for _, r := range s {
		if r < utf8.RuneSelf {
			c := byte(r)
			switch {
			case c >= 'A' && c <= 'Z':
				b.WriteByte(c + 'a' - 'A')
				space = false
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				b.WriteByte(c)
				space = false
			case c == '\'' || c == '`' || c == '"':
				// Dropped: Ma'rib = Marib.
			default:
				// Hyphen, dot, comma, slash, underscore, parentheses, spaces.
				if !space {
					b.WriteByte(' ')
					space = true
				}
			}
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if rep, ok := foldSpecial[r]; ok {
			if rep == " " {
				if !space {
					b.WriteByte(' ')
					space = true
				}
				continue
			}
			b.WriteString(rep)
			if rep != "" {
				space = false
			}
			continue
		}
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	out := b.String()
	if strings.HasSuffix(out, " ") {
		out = out[:len(out)-1]
	}
	return out
}

// foldSpecial maps letters that do not decompose into a base letter plus a
// mark, and the apostrophe-like marks used in transliterations.
var foldSpecial = map[rune]string{
	'ı': "i", 'İ': "i", 'ø': "o", 'Ø': "o", 'æ': "ae", 'Æ': "ae",
	'œ': "oe", 'Œ': "oe", 'ß': "ss", 'đ': "d", 'Đ': "d", 'ł': "l",
	'Ł': "l", 'þ': "th", 'Þ': "th", 'ð': "d", 'Ð': "d", 'ħ': "h",
	'Ħ': "h", 'ŀ': "l", 'Ŀ': "l", 'ŧ': "t", 'Ŧ': "t", 'ə': "e",
	'Ə': "e", 'ʿ': "", 'ʾ': "", 'ʻ': "", 'ʼ': "", '‘': "", '’': "",
	'′': "", '´': "", '‐': " ", '‑': " ", '–': " ", '—': " ",
}

// arabicArticles are the transliterations of the Arabic definite article
// (with sun-letter assimilation) that may stand before a name: al-Hasakah,
// el-Fasher, as-Suwayda, ad-Dawr, ash-Shaddadi, Deir ez-Zor.
var arabicArticles = map[string]bool{
	"al": true, "el": true, "il": true, "ul": true,
	"as": true, "es": true, "ash": true, "esh": true,
	"ad": true, "ed": true, "adh": true,
	"ar": true, "er": true, "az": true, "ez": true,
	"at": true, "et": true, "ath": true, "an": true, "en": true,
}

// looseKey removes Arabic article tokens from a folded key ("deir ez zor"
// -> "deir zor", "al hasakah" -> "hasakah"). The last token is never
// removed. It returns key itself when there is nothing to remove.
func looseKey(key string) string {
	if !strings.Contains(key, " ") {
		return key
	}
	toks := strings.Split(key, " ")
	out := toks[:0:0]
	changed := false
	for i, t := range toks {
		if i < len(toks)-1 && arabicArticles[t] {
			changed = true
			continue
		}
		out = append(out, t)
	}
	if !changed {
		return key
	}
	return strings.Join(out, " ")
}

// regionWords are designators that may follow a first-level region's name
// in text ("Idlib province", "Kherson region", "Borno State").
var regionWords = map[string]bool{
	"province": true, "governorate": true, "oblast": true, "region": true,
	"state": true, "district": true, "prefecture": true, "department": true,
	"krai": true, "kray": true, "county": true, "division": true,
	"territory": true, "republic": true, "wilaya": true, "vilayet": true,
	"muhafazah": true, "muhafazat": true, "provinces": true, "regions": true,
}

// stripRegionWord removes a trailing region designator from a folded key
// and reports whether it did.
func stripRegionWord(key string) (string, bool) {
	i := strings.LastIndexByte(key, ' ')
	if i <= 0 || !regionWords[key[i+1:]] {
		return key, false
	}
	return key[:i], true
}
