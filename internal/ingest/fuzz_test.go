package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzRead feeds arbitrary bytes (and file names, which steer format
// detection) to Read. The seed corpus is in testdata/fuzz/FuzzRead.
func FuzzRead(f *testing.F) {
	f.Add("report.txt", []byte("ANKARA - The ministers met on Tuesday.\n\nThey agreed to meet again."))
	f.Add("note.md", []byte("---\ntitle: T\ndate: 2024-01-02\n---\n# Head\n\nA *b* [c](d)."))
	f.Add("page.html", []byte("<html><body><p>One.</p><p>Two.</p></body></html>"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		doc, err := Read(context.Background(), name, bytes.NewReader(data), Options{MaxBytes: 1 << 20})
		if err != nil {
			if doc != nil {
				t.Fatalf("document and error both returned: %v", err)
			}
			for _, kind := range []error{ErrEmpty, ErrBinary, ErrUndecodable, ErrTooLarge} {
				if errors.Is(err, kind) {
					return
				}
			}
			t.Fatalf("error of no known kind: %v", err)
		}
		if !utf8.ValidString(doc.Text) {
			t.Fatalf("Text is not valid UTF-8: %q", doc.Text)
		}
		if !norm.NFC.IsNormalString(doc.Text) {
			t.Fatalf("Text is not NFC: %q", doc.Text)
		}
		sum := sha256.Sum256([]byte(doc.Text))
		if hex.EncodeToString(sum[:]) != doc.SHA256 {
			t.Fatalf("SHA256 %s does not match the text", doc.SHA256)
		}
		if strings.TrimSpace(doc.Text) == "" || strings.TrimSpace(doc.Text) != doc.Text {
			t.Fatalf("Text is blank or not trimmed: %q", doc.Text)
		}
		if i := strings.IndexFunc(doc.Text, func(r rune) bool {
			return unicode.IsControl(r) && r != '\n' && r != '\t'
		}); i >= 0 {
			t.Fatalf("Text holds a control character at %d: %q", i, doc.Text)
		}
		switch doc.Format {
		case FormatText, FormatMarkdown, FormatHTML:
		default:
			t.Fatalf("Format = %q", doc.Format)
		}
		if doc.ID == "" || doc.Language == "" || doc.Encoding == "" || doc.Offsets != "bytes" {
			t.Fatalf("missing field: id %q language %q encoding %q offsets %q", doc.ID, doc.Language, doc.Encoding, doc.Offsets)
		}
		if doc.Published != nil {
			if _, err := ParsePublished(*doc.Published); err != nil || len(*doc.Published) != 10 {
				t.Fatalf("Published %q is not YYYY-MM-DD", *doc.Published)
			}
		}
	})
}
