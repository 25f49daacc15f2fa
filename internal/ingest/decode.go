package ingest

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// Encoding names, as stored in Document.Encoding.
const (
	EncUTF8        = "utf-8"
	EncUTF16LE     = "utf-16le"
	EncUTF16BE     = "utf-16be"
	EncUTF32LE     = "utf-32le"
	EncUTF32BE     = "utf-32be"
	EncWindows1252 = "windows-1252"
	EncWindows1254 = "windows-1254"
)

// decode detects the encoding of raw and returns its text as UTF-8 with the
// name of the source encoding. It refuses empty, binary and undecodable
// input.
func decode(raw []byte) (string, string, error) {
	if len(raw) == 0 {
		return "", "", ErrEmpty
	}
	var (
		text string
		enc  string
		err  error
	)
	switch {
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE, 0x00, 0x00}):
		enc = EncUTF32LE
		text, err = decodeWith(utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM), raw)
	case bytes.HasPrefix(raw, []byte{0x00, 0x00, 0xFE, 0xFF}):
		enc = EncUTF32BE
		text, err = decodeWith(utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM), raw)
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		enc = EncUTF16LE
		text, err = decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), raw)
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		enc = EncUTF16BE
		text, err = decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), raw)
	default:
		text, enc, err = decode8(bytes.TrimPrefix(raw, []byte{0xEF, 0xBB, 0xBF}))
	}
	if err != nil {
		return "", "", err
	}
	if strings.TrimSpace(text) == "" {
		return "", "", ErrEmpty
	}
	if bad, total := badRunes(text); bad*4 > total {
		return "", "", fmt.Errorf("%w: %d of %d characters are replacement or control characters once decoded as %s", ErrUndecodable, bad, total, enc)
	}
	return text, enc, nil
}

// decodeWith decodes b with a Unicode encoding; invalid sequences become
// U+FFFD.
func decodeWith(e encoding.Encoding, b []byte) (string, error) {
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUndecodable, err)
	}
	return string(out), nil
}

// decode8 handles everything that has no UTF-16/32 byte order mark: UTF-8
// and the legacy 8-bit encodings.
func decode8(b []byte) (string, string, error) {
	if isBlank(b) {
		return "", "", ErrEmpty
	}
	if what := sniffMagic(b); what != "" {
		return "", "", fmt.Errorf("%w (%s)", ErrBinary, what)
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", "", fmt.Errorf("%w (NUL bytes)", ErrBinary)
	}
	if ctl := countControlBytes(b); ctl*10 > len(b) {
		return "", "", fmt.Errorf("%w (control characters: %d of %d bytes)", ErrBinary, ctl, len(b))
	}
	if utf8.Valid(b) {
		return string(b), EncUTF8, nil
	}
	// Mostly UTF-8 with a few stray bytes (a file edited in two
	// encodings): keep the UTF-8 and read the stray bytes as legacy.
	valid, invalid := utf8Stats(b)
	if valid > 0 && invalid*4 <= valid {
		cm := guessCharmap(b, invalidPositions(b))
		return decodeMixed(b, cm), EncUTF8, nil
	}
	// An HTML page may declare its charset.
	if e, name := declaredCharset(b); e != nil {
		out, err := e.NewDecoder().Bytes(b)
		if err == nil {
			return string(out), name, nil
		}
	}
	high := 0
	for _, c := range b {
		if c >= 0x80 {
			high++
		}
	}
	// Text in a Latin legacy encoding is mostly ASCII: a high share of
	// bytes >= 0x80 means another encoding or random data.
	if (len(b) >= 16 && high*10 > len(b)*3) || high*2 > len(b) {
		return "", "", fmt.Errorf("%w: not UTF-8, and %d of %d bytes are non-ASCII, too many for a Latin 8-bit encoding", ErrUndecodable, high, len(b))
	}
	cm := guessCharmap(b, nil)
	out, err := cm.NewDecoder().Bytes(b)
	if err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrUndecodable, err)
	}
	if cm == charmap.Windows1254 {
		return string(out), EncWindows1254, nil
	}
	return string(out), EncWindows1252, nil
}

func isBlank(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r', '\f', '\v':
		default:
			return false
		}
	}
	return true
}

// sniffMagic names the binary format whose magic number starts b, or "".
func sniffMagic(b []byte) string {
	has := func(prefix string) bool { return bytes.HasPrefix(b, []byte(prefix)) }
	switch {
	case has("%PDF-"):
		return "PDF document"
	case has("PK\x03\x04"), has("PK\x05\x06"), has("PK\x07\x08"):
		return "ZIP archive"
	case has("\x89PNG\r\n\x1a\n"):
		return "PNG image"
	case has("\xFF\xD8\xFF"):
		return "JPEG image"
	case has("GIF87a"), has("GIF89a"):
		return "GIF image"
	case has("\x1F\x8B"):
		return "gzip data"
	case has("\x7FELF"):
		return "ELF executable"
	case has("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"):
		return "MS Office document"
	case has("7z\xBC\xAF\x27\x1C"):
		return "7-Zip archive"
	case has("\xFD7zXZ\x00"):
		return "xz data"
	case has("BZh") && len(b) > 3 && b[3] >= '1' && b[3] <= '9' && len(b) > 4 && b[4] == 0x31:
		return "bzip2 data"
	case has("Rar!\x1A\x07"):
		return "RAR archive"
	case has("SQLite format 3\x00"):
		return "SQLite database"
	case has("II*\x00"), has("MM\x00*"):
		return "TIFF image"
	case has("RIFF") && len(b) >= 12 && string(b[8:12]) == "WEBP":
		return "WebP image"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return "MP4/QuickTime media"
	case has("\x28\xB5\x2F\xFD"):
		return "zstd data"
	case has("\x00asm"):
		return "WebAssembly module"
	}
	return ""
}

// countControlBytes counts the C0 control bytes (and DEL) that plain text
// does not contain: everything but tab, newline, carriage return and form
// feed.
func countControlBytes(b []byte) int {
	n := 0
	for _, c := range b {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F {
			n++
		}
	}
	return n
}

// badRunes counts replacement characters and control characters other
// than whitespace, against all runes.
func badRunes(s string) (bad, total int) {
	for _, r := range s {
		total++
		switch {
		case r == utf8.RuneError:
			bad++
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' && r != '\v':
			bad++
		case r >= 0x7F && r < 0xA0:
			bad++
		}
	}
	return bad, total
}

// utf8Stats counts valid multi-byte sequences and invalid bytes.
func utf8Stats(b []byte) (valid, invalid int) {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			invalid++
			i++
			continue
		}
		valid++
		i += size
	}
	return valid, invalid
}

// invalidPositions lists the offsets of the bytes that are not part of a
// valid UTF-8 sequence.
func invalidPositions(b []byte) []int {
	var pos []int
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			pos = append(pos, i)
			i++
			continue
		}
		i += size
	}
	return pos
}

// decodeMixed keeps the valid UTF-8 of b and decodes every invalid byte
// with cm.
func decodeMixed(b []byte, cm *charmap.Charmap) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			sb.WriteRune(cm.DecodeByte(b[i]))
			i++
			continue
		}
		sb.Write(b[i : i+size])
		i += size
	}
	return sb.String()
}

// guessCharmap chooses between Windows-1254 (Turkish) and Windows-1252
// (Western European). The two differ only where 1254 has Ğ İ Ş ğ ı ş
// (0xD0 0xDD 0xDE 0xF0 0xFD 0xFE), letters that 1252 has as the rare
// Icelandic Ð Ý Þ ð ý þ. They count for Turkish when they stand next to
// letters, against the Western letters (é, à, ñ, ß...) that Turkish does
// not use. positions restricts the scan to some bytes (nil: all bytes).
func guessCharmap(b []byte, positions []int) *charmap.Charmap {
	turk, west := 0, 0
	score := func(i int) {
		c := b[i]
		switch {
		case isTurkishOnly(c):
			if (i > 0 && isLetterByte(b[i-1])) || (i+1 < len(b) && isLetterByte(b[i+1])) {
				turk++
			}
		case isWesternOnly(c):
			west++
		}
	}
	if positions == nil {
		for i := range b {
			if b[i] >= 0x80 {
				score(i)
			}
		}
	} else {
		for _, i := range positions {
			score(i)
		}
	}
	if turk > 0 && turk*2 >= west {
		return charmap.Windows1254
	}
	return charmap.Windows1252
}

func isTurkishOnly(c byte) bool {
	switch c {
	case 0xD0, 0xDD, 0xDE, 0xF0, 0xFD, 0xFE:
		return true
	}
	return false
}

// isWesternOnly reports the 1252 letters that Turkish text does not use
// (Turkish uses ç ö ü, and â î û in loanwords).
func isWesternOnly(c byte) bool {
	switch {
	case c >= 0xC0 && c <= 0xC6, c >= 0xC8 && c <= 0xCD, c == 0xCF,
		c >= 0xD1 && c <= 0xD5, c >= 0xD8 && c <= 0xDB, c == 0xDF,
		c == 0xE0, c == 0xE1, c >= 0xE3 && c <= 0xE6, c >= 0xE8 && c <= 0xED, c == 0xEF,
		c >= 0xF1 && c <= 0xF5, c >= 0xF8 && c <= 0xFA:
		return true
	}
	return false
}

// isLetterByte reports the bytes that are letters in both 1252 and 1254.
func isLetterByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	case c >= 0xC0 && c != 0xD7 && c != 0xF7:
		return true
	}
	return false
}

var charsetRe = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)`)

// declaredCharset returns the legacy encoding declared by an HTML <meta>
// near the start of b, if any (UTF-8 declarations are ignored: the bytes
// were not valid UTF-8).
func declaredCharset(b []byte) (encoding.Encoding, string) {
	head := b
	if len(head) > 4096 {
		head = head[:4096]
	}
	m := charsetRe.FindSubmatch(head)
	if m == nil {
		return nil, ""
	}
	e, err := htmlindex.Get(string(m[1]))
	if err != nil || e == nil {
		return nil, ""
	}
	name, err := htmlindex.Name(e)
	if err != nil {
		return nil, ""
	}
	switch name {
	case "utf-8", "utf-16le", "utf-16be", "replacement", "x-user-defined":
		return nil, ""
	}
	return e, name
}
