package ingest

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalizeNewlines turns CRLF and lone CR into LF.
func normalizeNewlines(s string) string {
	if !strings.ContainsRune(s, '\r') {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// normalizeText gives the final form of Document.Text: LF line ends,
// no control characters but newline and tab (form feed, vertical tab and
// the Unicode line and paragraph separators become line breaks, stray
// byte order marks go), no leading or trailing whitespace, NFC.
func normalizeText(s string) string {
	s = normalizeNewlines(s)
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			sb.WriteRune(r)
		case r == '\f' || r == '\v' || r == '\u2028' || r == '\u0085':
			sb.WriteByte('\n')
		case r == '\u2029':
			sb.WriteString("\n\n")
		case r == '\uFEFF':
			// a byte order mark inside the text (concatenated files)
		case unicode.IsControl(r):
			// other C0 and C1 controls
		default:
			sb.WriteRune(r)
		}
	}
	// NFC last: removing a control between a letter and a combining mark
	// can create a new composition.
	// (NFC maps a few space characters to others: trim again.)
	return strings.TrimSpace(norm.NFC.String(strings.TrimSpace(sb.String())))
}

// ParsePublished validates an explicit publication date (YYYY-MM-DD or
// RFC 3339) and returns it as YYYY-MM-DD, the date as written in the
// given offset. The error wraps ErrInvalidOption.
func ParsePublished(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), nil
		}
	}
	return "", fmt.Errorf("%w: published date %q is neither YYYY-MM-DD nor RFC 3339", ErrInvalidOption, s)
}

// metaDateLayouts are the date forms accepted from metadata, more lenient
// than ParsePublished.
func metaDateLayouts() []string {
	return []string{
		time.DateOnly,
		time.RFC3339Nano,
		"2006-01-02T15:04:05",
		"2006-01-02T15:04",
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05 -0700",
		"2006-01-02 15:04:05 -0700 MST",
		"2006-01-02 15:04:05",
		"2006-01-02 15:04",
		"2006/01/02",
		"2006.01.02",
		"02.01.2006",
		time.RFC1123Z,
		time.RFC1123,
		time.RFC850,
		time.RFC822Z,
		time.RFC822,
		"Mon, 2 Jan 2006 15:04:05 -0700",
		"January 2, 2006",
		"Jan 2, 2006",
		"2 January 2006",
		"2 Jan 2006",
	}
}

// parseMetaDate reads a date given by metadata and returns it as
// YYYY-MM-DD, or "" when it is not a full date.
func parseMetaDate(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return ""
	}
	for _, layout := range metaDateLayouts() {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return ""
}
