package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"github.com/sitrep/sitrep"
)

func read(t *testing.T, name string, data []byte, opts Options) (*sitrep.Document, error) {
	t.Helper()
	return Read(context.Background(), name, bytes.NewReader(data), opts)
}

func mustRead(t *testing.T, name string, data []byte, opts Options) *sitrep.Document {
	t.Helper()
	doc, err := read(t, name, data, opts)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	checkDoc(t, doc)
	return doc
}

// checkDoc asserts the invariants every document must hold.
func checkDoc(t testing.TB, doc *sitrep.Document) {
	t.Helper()
	sum := sha256.Sum256([]byte(doc.Text))
	if got := hex.EncodeToString(sum[:]); got != doc.SHA256 {
		t.Errorf("SHA256 = %s, want %s", doc.SHA256, got)
	}
	if doc.Offsets != "bytes" {
		t.Errorf("Offsets = %q", doc.Offsets)
	}
	if doc.ID == "" || doc.Language == "" {
		t.Errorf("ID %q, Language %q: want both set", doc.ID, doc.Language)
	}
	if !norm.NFC.IsNormalString(doc.Text) {
		t.Errorf("Text is not NFC: %q", doc.Text)
	}
	if strings.ContainsRune(doc.Text, '\r') {
		t.Errorf("Text holds a CR: %q", doc.Text)
	}
}

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

const turkishSentence = "Dışişleri Bakanı Çağlar, İzmir'de düzenlenen toplantıda ağır şartları görüştüklerini söyledi."

func TestUTF16WithBOM(t *testing.T) {
	for _, tc := range []struct {
		name string
		enc  encoding.Encoding
		want string
	}{
		{"le.txt", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), EncUTF16LE},
		{"be.txt", unicode.UTF16(unicode.BigEndian, unicode.UseBOM), EncUTF16BE},
	} {
		t.Run(tc.want, func(t *testing.T) {
			data := encode(t, tc.enc, turkishSentence+"\r\n")
			if tc.want == EncUTF16LE && !bytes.HasPrefix(data, []byte{0xFF, 0xFE}) ||
				tc.want == EncUTF16BE && !bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
				t.Fatalf("test data has no BOM: % x", data[:4])
			}
			doc := mustRead(t, tc.name, data, Options{})
			if doc.Text != turkishSentence {
				t.Errorf("Text = %q, want %q", doc.Text, turkishSentence)
			}
			if doc.Encoding != tc.want {
				t.Errorf("Encoding = %q, want %q", doc.Encoding, tc.want)
			}
			if doc.File != tc.name {
				t.Errorf("File = %q", doc.File)
			}
		})
	}
}

func TestWindows1254Turkish(t *testing.T) {
	data := encode(t, charmap.Windows1254, turkishSentence)
	doc := mustRead(t, "haber.txt", data, Options{})
	if doc.Text != turkishSentence {
		t.Errorf("Text = %q, want %q", doc.Text, turkishSentence)
	}
	if doc.Encoding != EncWindows1254 {
		t.Errorf("Encoding = %q, want windows-1254", doc.Encoding)
	}
	if doc.Language != "tr" {
		t.Errorf("Language = %q, want tr", doc.Language)
	}
}

func TestWindows1252Western(t *testing.T) {
	const s = "The café’s owner told the mayor’s office that the “new rules” were unfair to small businesses."
	data := encode(t, charmap.Windows1252, s)
	doc := mustRead(t, "cafe.txt", data, Options{})
	if doc.Text != s {
		t.Errorf("Text = %q, want %q", doc.Text, s)
	}
	if doc.Encoding != EncWindows1252 {
		t.Errorf("Encoding = %q, want windows-1252", doc.Encoding)
	}
}

func TestMostlyUTF8WithStrayByte(t *testing.T) {
	// Valid UTF-8 (ö, ü, ş) and one Windows-1252 é (0xE9).
	data := append([]byte("Görüşme sürüyor; Ankara’da ve İzmir’de "), 0xE9)
	data = append(data, []byte(" bitti.")...)
	doc := mustRead(t, "mixed.txt", data, Options{})
	if want := "Görüşme sürüyor; Ankara’da ve İzmir’de é bitti."; doc.Text != want {
		t.Errorf("Text = %q, want %q", doc.Text, want)
	}
	if doc.Encoding != EncUTF8 {
		t.Errorf("Encoding = %q, want utf-8", doc.Encoding)
	}
}

func TestDeclaredHTMLCharset(t *testing.T) {
	page := `<html><head><meta charset="iso-8859-9"><title>Haber</title></head><body><p>` +
		turkishSentence + `</p><p>` + turkishSentence + `</p></body></html>`
	doc := mustRead(t, "haber.html", encode(t, charmap.ISO8859_9, page), Options{})
	if doc.Encoding != EncWindows1254 {
		t.Errorf("Encoding = %q, want windows-1254", doc.Encoding)
	}
	if !strings.Contains(doc.Text, turkishSentence) {
		t.Errorf("Text = %q, want the Turkish sentence", doc.Text)
	}
}

func TestRandomBytesRefused(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i, n := range []int{8, 64, 4096} {
		data := make([]byte, n)
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		_, err := read(t, "noise.txt", data, Options{})
		if !errors.Is(err, ErrUndecodable) && !errors.Is(err, ErrBinary) {
			t.Errorf("case %d (%d bytes): err = %v, want ErrUndecodable or ErrBinary", i, n, err)
		}
	}
	// High bytes only: no NUL, no control characters, not UTF-8.
	data := make([]byte, 256)
	for j := range data {
		data[j] = byte(0x80 + rng.UintN(128))
	}
	if _, err := read(t, "high.txt", data, Options{}); !errors.Is(err, ErrUndecodable) {
		t.Errorf("high bytes: err = %v, want ErrUndecodable", err)
	}
}

func TestBinaryRefused(t *testing.T) {
	for _, tc := range []struct {
		name, data, what string
	}{
		{"a.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"},
		{"a.pdf", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"},
		{"a.docx", "PK\x03\x04\x14\x00\x06\x00", "ZIP archive"},
		{"a.jpg", "\xFF\xD8\xFF\xE0\x00\x10JFIF", "JPEG image"},
		{"a.gif", "GIF89a\x01\x00\x01\x00", "GIF image"},
		{"a.gz", "\x1F\x8B\x08\x00\x00\x00", "gzip data"},
		{"a.out", "\x7FELF\x02\x01\x01", "ELF executable"},
		{"nul.txt", "some text\x00with a NUL byte in the middle", "NUL bytes"},
		{"ctl.txt", "a\x01b\x02c\x03d\x04e\x05f", "control characters"},
	} {
		_, err := read(t, tc.name, []byte(tc.data), Options{})
		if !errors.Is(err, ErrBinary) {
			t.Errorf("%s: err = %v, want ErrBinary", tc.name, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "binary data ("+tc.what) || !strings.HasPrefix(msg, tc.name+": ") {
			t.Errorf("%s: message %q does not name %q and the file", tc.name, msg, tc.what)
		}
	}
}

func TestEmpty(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":        nil,
		"whitespace":   []byte(" \n\t \r\n  "),
		"bom only":     {0xEF, 0xBB, 0xBF},
		"utf16 spaces": encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "   \n "),
		"front matter": []byte("---\ntitle: Nothing here\n---\n\n   \n"),
		"empty html":   []byte("<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>"),
	} {
		_, err := read(t, "in.txt", data, Options{})
		if !errors.Is(err, ErrEmpty) {
			t.Errorf("%s: err = %v, want ErrEmpty", name, err)
		}
	}
	if _, err := FromRecord(context.Background(), Record{ID: "r1", Text: "  "}, Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty record: err = %v, want ErrEmpty", err)
	}
}

// countingReader yields an endless stream of 'a' and counts what it gave.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	c.n += int64(len(p))
	return len(p), nil
}

func TestTooLarge(t *testing.T) {
	opts := Options{MaxBytes: 10}
	if _, err := read(t, "ok.txt", []byte("0123456789"), opts); err != nil {
		t.Errorf("exactly MaxBytes: %v", err)
	}
	_, err := read(t, "big.txt", []byte("0123456789A"), opts)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if !strings.Contains(err.Error(), "larger than 10 bytes limit") {
		t.Errorf("message %q does not give the limit", err)
	}
	// An endless input is not read past the limit.
	cr := &countingReader{}
	_, err = Read(context.Background(), "-", io.LimitReader(cr, 1<<40), Options{MaxBytes: 4 << 10})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "larger than 4 KB limit") {
		t.Errorf("endless input: err = %v", err)
	}
	if cr.n > 64<<10 {
		t.Errorf("read %d bytes of an endless input with a 4 KB limit", cr.n)
	}
	if got := formatSize(DefaultMaxBytes); got != "10 MB" {
		t.Errorf("formatSize(default) = %q, want 10 MB", got)
	}
	if _, err := FromRecord(context.Background(), Record{Text: "0123456789AB"}, opts); !errors.Is(err, ErrTooLarge) {
		t.Errorf("record: err = %v, want ErrTooLarge", err)
	}
}

func TestNotRegular(t *testing.T) {
	_, err := ReadFile(context.Background(), t.TempDir(), Options{})
	if !errors.Is(err, ErrNotRegular) {
		t.Errorf("directory: err = %v, want ErrNotRegular", err)
	}
	p := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(p, bytes.Repeat([]byte("word "), 100), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(context.Background(), p, Options{MaxBytes: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("big file: err = %v, want ErrTooLarge", err)
	}
	doc, err := ReadFile(context.Background(), p, Options{})
	if err != nil || doc.File != "big.txt" {
		t.Errorf("ReadFile: %v, File %q", err, doc.File)
	}
}

const frontMatterDoc = `---
title: "Ministers meet in Marova"
date: 2024-03-14T09:30:00+02:00
source: Valley Ledger
url: https://ledger.example/a/1
language: en-GB
id: vl-0001
tags: [water, diplomacy]
---
The water ministers of three states met in Marova on Wednesday.

They agreed to share weekly flow measurements.
`

func TestFrontMatter(t *testing.T) {
	doc := mustRead(t, "report.txt", []byte(frontMatterDoc), Options{})
	want := "The water ministers of three states met in Marova on Wednesday.\n\nThey agreed to share weekly flow measurements."
	if doc.Text != want {
		t.Errorf("Text = %q, want %q", doc.Text, want)
	}
	if doc.Title != "Ministers meet in Marova" || doc.Outlet != "Valley Ledger" ||
		doc.URL != "https://ledger.example/a/1" || doc.Language != "en" || doc.ID != "vl-0001" {
		t.Errorf("metadata: title %q outlet %q url %q language %q id %q", doc.Title, doc.Outlet, doc.URL, doc.Language, doc.ID)
	}
	if doc.Published == nil || *doc.Published != "2024-03-14" || doc.PublishedSource != sitrep.PublishedMetadata {
		t.Errorf("published %v (%s), want 2024-03-14 (metadata)", doc.Published, doc.PublishedSource)
	}
	if doc.Format != FormatText {
		t.Errorf("Format = %q, want text", doc.Format)
	}

	// Explicit options win over front matter.
	doc = mustRead(t, "report.txt", []byte(frontMatterDoc), Options{
		Published: "2024-03-15", Title: "Given title", Outlet: "Given outlet", ID: "given-id", Language: "tr",
	})
	if doc.Title != "Given title" || doc.Outlet != "Given outlet" || doc.ID != "given-id" || doc.Language != "tr" {
		t.Errorf("overrides: title %q outlet %q id %q language %q", doc.Title, doc.Outlet, doc.ID, doc.Language)
	}
	if doc.Published == nil || *doc.Published != "2024-03-15" || doc.PublishedSource != sitrep.PublishedInput {
		t.Errorf("published %v (%s), want 2024-03-15 (input)", doc.Published, doc.PublishedSource)
	}
}

func TestFrontMatterKeyPriority(t *testing.T) {
	m, rest, ok := splitFrontMatter("---\ndate: 2024-01-01\nsource: Wire\npublished: 2024-02-02\noutlet: Desk\nlang: tr\n---\nBody")
	if !ok || m.Published != "2024-02-02" || m.Outlet != "Desk" || m.Language != "tr" || rest != "Body" {
		t.Errorf("ok %v meta %+v rest %q", ok, m, rest)
	}
	// An unparsable published falls back to date.
	m, _, _ = splitFrontMatter("---\npublished: last week\ndate: 2024-01-01 10:00\n---\nBody")
	if m.Published != "2024-01-01" {
		t.Errorf("Published = %q, want 2024-01-01", m.Published)
	}
}

func TestFrontMatterNotMetadata(t *testing.T) {
	// A thematic break and a paragraph that is not a YAML mapping of
	// metadata keys stay in the text.
	in := "---\nThe talks ended without agreement.\n---\nBoth sides will meet again.\n"
	doc := mustRead(t, "a.txt", []byte(in), Options{})
	if !strings.Contains(doc.Text, "The talks ended without agreement.") {
		t.Errorf("Text lost the paragraph: %q", doc.Text)
	}
	if _, _, ok := splitFrontMatter("---\nfoo: [unclosed\n---\nText"); ok {
		t.Error("invalid YAML accepted as front matter")
	}
	// Aliases are not expanded (no "billion laughs").
	bomb := "---\ntitle: t\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\nBody text here.\n"
	m, rest, ok := splitFrontMatter(bomb)
	if !ok || m.Title != "t" || strings.TrimSpace(rest) != "Body text here." {
		t.Errorf("alias front matter: ok %v title %q rest %q", ok, m.Title, rest)
	}
}

func TestPublishedOptions(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-14":                "2024-03-14",
		"2024-03-14T23:30:00-05:00": "2024-03-14",
		"2024-03-14T00:10:00Z":      "2024-03-14",
		" 2024-02-29 ":              "2024-02-29",
	} {
		got, err := ParsePublished(in)
		if err != nil || got != want {
			t.Errorf("ParsePublished(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"yesterday", "2024-02-30", "14/03/2024", "2024-03", "2024-03-14 10:00"} {
		if _, err := ParsePublished(in); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("ParsePublished(%q): err = %v, want ErrInvalidOption", in, err)
		}
	}
	if _, err := read(t, "a.txt", []byte("Some text."), Options{Published: "soon"}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("Read with bad Published: err = %v", err)
	}
	doc := mustRead(t, "a.txt", []byte("Some text about the talks."), Options{})
	if doc.Published != nil || doc.PublishedSource != "" {
		t.Errorf("no date: Published %v, source %q; want nil and empty", doc.Published, doc.PublishedSource)
	}
}

func TestMarkdown(t *testing.T) {
	in := "# Talks resume in Marova\n\n" +
		"The **Ministry of Water Affairs** said on _Monday_ that talks\n" +
		"would resume, according to [a statement](https://example.org/s \"Statement\").\n\n" +
		"![map of the river](map.png)\n\n" +
		"## Main points\n\n" +
		"- Weekly *flow* data\n" +
		"* A joint committee\n" +
		"1. Emergency support\n\n" +
		"> Officials called the plan a `first step`.\n\n" +
		"```\nflow_m3s = 120\n```\n\n" +
		"Escaped \\*stars\\* stay.\n"
	doc := mustRead(t, "note.md", []byte(in), Options{})
	want := "Talks resume in Marova\n\n" +
		"The Ministry of Water Affairs said on Monday that talks would resume, according to a statement.\n\n" +
		"Main points\n\n" +
		"Weekly flow data\nA joint committee\nEmergency support\n\n" +
		"Officials called the plan a first step.\n\n" +
		"flow_m3s = 120\n\n" +
		"Escaped *stars* stay."
	if doc.Text != want {
		t.Errorf("Text =\n%s\nwant\n%s", doc.Text, want)
	}
	if doc.Format != FormatMarkdown {
		t.Errorf("Format = %q, want markdown", doc.Format)
	}
}

func TestMarkdownSetextAndTable(t *testing.T) {
	in := "Ceasefire holds\n===============\n\nBoth sides reported calm.\n\n| City | Status |\n|------|--------|\n| Marova | calm |\n"
	got := markdownToText(in)
	want := "Ceasefire holds\n\nBoth sides reported calm.\n\nCity | Status\nMarova | calm"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestHTMLPage(t *testing.T) {
	data, err := os.ReadFile("testdata/ministry.html")
	if err != nil {
		t.Fatal(err)
	}
	doc := mustRead(t, "testdata/ministry.html", data, Options{})
	if doc.Format != FormatHTML {
		t.Errorf("Format = %q, want html", doc.Format)
	}
	if doc.Title != "Water ministers agree on shared river plan" {
		t.Errorf("Title = %q", doc.Title)
	}
	if doc.Outlet != "Valley Ledger" {
		t.Errorf("Outlet = %q", doc.Outlet)
	}
	if doc.Published == nil || *doc.Published != "2024-03-14" || doc.PublishedSource != sitrep.PublishedMetadata {
		t.Errorf("Published = %v (%s), want 2024-03-14 (metadata)", doc.Published, doc.PublishedSource)
	}
	if doc.URL != "https://ledger.example/world/water-ministers-river-plan" {
		t.Errorf("URL = %q", doc.URL)
	}
	if doc.Language != "en" {
		t.Errorf("Language = %q", doc.Language)
	}
	paras := []string{
		"The Ministry of Water Affairs of Eastland hosted a two-day meeting",
		"Minister Tala Ormond told reporters",
		"Officials from Westmarch, one of the participating states",
	}
	last := -1
	for _, p := range paras {
		i := strings.Index(doc.Text, p)
		if i < 0 {
			t.Errorf("Text lacks paragraph %q:\n%s", p, doc.Text)
			continue
		}
		if i <= last {
			t.Errorf("paragraph %q out of order", p)
		}
		if i > 0 && !strings.HasSuffix(doc.Text[:i], "\n\n") {
			t.Errorf("paragraph %q not preceded by a blank line", p)
		}
		last = i
	}
	for _, junk := range []string{"Subscribe", "Copyright", "Privacy", "Business", "Contact the newsroom"} {
		if strings.Contains(doc.Text, junk) {
			t.Errorf("Text holds page chrome %q:\n%s", junk, doc.Text)
		}
	}
}

func TestHTMLFallbackWalker(t *testing.T) {
	page := `<html><body><nav>Home | World</nav><div><h2>Heading</h2><p>First   para
	graph with <b>bold</b> text.</p><p>Second<br>line</p><ul><li>one</li><li>two</li></ul><pre>a  b
c</pre></div><script>var x = 1;</script><footer>Footer</footer></body></html>`
	doc := parseHTMLForTest(t, page)
	got := blockText(pageBody(doc), true)
	want := "Heading\n\nFirst para graph with bold text.\n\nSecond\nline\n\none\ntwo\n\na  b\nc"
	if got != want {
		t.Errorf("blockText =\n%q\nwant\n%q", got, want)
	}
}

func TestLanguageDetection(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"The foreign ministry said on Monday that talks with the neighbouring government would resume next week in the capital.", "en"},
		{"Dışişleri Bakanlığı, pazartesi günü komşu hükümetle görüşmelerin gelecek hafta başkentte yeniden başlayacağını açıkladı.", "tr"},
		{"أعلنت وزارة الخارجية يوم الاثنين أن المحادثات مع الحكومة المجاورة ستستأنف الأسبوع المقبل في العاصمة.", "ar"},
		{"12 34 !!", LangUnknown},
		{"Hi", LangUnknown},
	} {
		if got := DetectLanguage(tc.text); got != tc.want {
			t.Errorf("DetectLanguage(%.30q) = %q, want %q", tc.text, got, tc.want)
		}
		if tc.want == LangUnknown {
			continue
		}
		doc := mustRead(t, "lang.txt", []byte(tc.text), Options{})
		if doc.Language != tc.want {
			t.Errorf("Read: Language = %q, want %q", doc.Language, tc.want)
		}
	}
	for in, want := range map[string]string{"en-US": "en", "TR_tr": "tr", "eng": "en", "ara": "ar", "und": "und"} {
		if got, ok := normalizeLangTag(in); !ok || got != want {
			t.Errorf("normalizeLangTag(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, err := read(t, "a.txt", []byte("text"), Options{Language: "english!"}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("bad language option: err = %v", err)
	}
}

func TestTextNormalisation(t *testing.T) {
	in := "\ufeffLine one\r\nCafe\u0301 opened\x07 today.\rLast\u00a0line\f next\u2028end\n\n\n"
	doc := mustRead(t, "n.txt", []byte(in), Options{})
	want := "Line one\nCafé opened today.\nLast\u00a0line\n next\nend"
	if doc.Text != want {
		t.Errorf("Text = %q, want %q", doc.Text, want)
	}
	if doc.Encoding != EncUTF8 || doc.Format != FormatText {
		t.Errorf("Encoding %q Format %q", doc.Encoding, doc.Format)
	}
	if doc.ID != doc.SHA256[:16] {
		t.Errorf("ID = %q, want the first 16 hex digits of %s", doc.ID, doc.SHA256)
	}
	// The same text in another encoding has the same hash and ID.
	doc2 := mustRead(t, "n16.txt", encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), in), Options{})
	if doc2.SHA256 != doc.SHA256 {
		t.Errorf("UTF-16 copy hashes differently: %q vs %q", doc2.Text, doc.Text)
	}
}

func TestFormatDetection(t *testing.T) {
	for _, tc := range []struct {
		name, ext, text string
		html, md        bool
	}{
		{"doctype", ".txt", "<!DOCTYPE html><title>x</title><p>a</p>", true, false},
		{"fragment", "", "<p>One paragraph.</p>\n<p>Two <b>bold</b>.</p>\n<div>three</div>", true, false},
		{"extension", ".html", "Just <em>one</em> tag", true, false},
		{"leading comment", "", "<!-- saved page -->\n<p>One.</p>\n<p>Two.</p>\n<div>three</div>", true, false},
		{"md with inline tags", ".md", "Line<br>break, <b>bold</b>, <i>it</i>.\n\n<p>x</p> and </p>", false, true},
		{"plain", ".txt", "ANKARA (Wire) - The minister said the talks would go on.\nMore text.", false, false},
		{"headings", "", "# Title\n\nSome text with a [link](http://x.org).", false, true},
		{"md extension", ".md", "Plain words only.", false, true},
		{"bullets in text", ".txt", "He listed:\n- one", false, false},
		{"angle brackets", "", "Prices rose 5% <3% expected> in March.", false, false},
	} {
		if got := looksLikeHTML(tc.text, tc.ext); got != tc.html {
			t.Errorf("%s: looksLikeHTML = %v, want %v", tc.name, got, tc.html)
		}
		if tc.html {
			continue
		}
		if got := looksLikeMarkdown(tc.text, tc.ext, false); got != tc.md {
			t.Errorf("%s: looksLikeMarkdown = %v, want %v", tc.name, got, tc.md)
		}
	}
}

func TestFromRecord(t *testing.T) {
	data, err := os.ReadFile("testdata/ministry.html")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := FromRecord(context.Background(), Record{
		ID: "rec-7", Text: string(data), Outlet: "Record outlet", Published: "2024-03-16T08:00:00Z",
	}, Options{Outlet: "Flag outlet", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	checkDoc(t, doc)
	if doc.ID != "rec-7" || doc.Outlet != "Record outlet" || doc.Format != FormatHTML || doc.Encoding != EncUTF8 {
		t.Errorf("id %q outlet %q format %q encoding %q", doc.ID, doc.Outlet, doc.Format, doc.Encoding)
	}
	if doc.Title != "Water ministers agree on shared river plan" {
		t.Errorf("Title = %q (from HTML metadata)", doc.Title)
	}
	if doc.Published == nil || *doc.Published != "2024-03-16" || doc.PublishedSource != sitrep.PublishedInput {
		t.Errorf("Published = %v (%s)", doc.Published, doc.PublishedSource)
	}
	if !strings.Contains(doc.Text, "Minister Tala Ormond") {
		t.Errorf("Text lacks the article: %q", doc.Text)
	}
	// Options fill what the record does not give.
	doc, err = FromRecord(context.Background(), Record{Text: "# Note\n\nA **short** note about the talks."}, Options{Outlet: "Flag outlet"})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Outlet != "Flag outlet" || doc.Format != FormatMarkdown || doc.Text != "Note\n\nA short note about the talks." || doc.File != "" {
		t.Errorf("outlet %q format %q text %q file %q", doc.Outlet, doc.Format, doc.Text, doc.File)
	}
	if _, err := FromRecord(context.Background(), Record{Text: "x", Published: "someday"}, Options{}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("bad record date: err = %v", err)
	}
}

func TestContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, "a.txt", strings.NewReader("Some text."), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Read: err = %v, want context.Canceled", err)
	}
	if _, err := FromRecord(ctx, Record{Text: "Some text."}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("FromRecord: err = %v, want context.Canceled", err)
	}
	// Cancelled while reading.
	ctx, cancel = context.WithCancel(context.Background())
	r := &cancelAfterRead{cancel: cancel}
	if _, err := Read(ctx, "-", r, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Read during read: err = %v, want context.Canceled", err)
	}
}

// cancelAfterRead returns text and cancels its context after the first read.
type cancelAfterRead struct {
	cancel context.CancelFunc
	done   bool
}

func (c *cancelAfterRead) Read(p []byte) (int, error) {
	if c.done {
		return copy(p, "more text "), nil
	}
	c.done = true
	c.cancel()
	return copy(p, "first text "), nil
}

func parseHTMLForTest(t *testing.T, page string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestHTMLDeeplyNested(t *testing.T) {
	// x/net/html refuses nesting deeper than 512: the tokenizer reads it.
	page := "<html><body><nav>Menu</nav>" + strings.Repeat("<div>", 600) +
		"<p>Deep paragraph one.</p><p>Deep paragraph two.</p><script>x()</script></body></html>"
	doc := mustRead(t, "deep.html", []byte(page), Options{})
	if want := "Deep paragraph one.\n\nDeep paragraph two."; doc.Text != want {
		t.Errorf("Text = %q, want %q", doc.Text, want)
	}
}

func TestFrontMatterWithHTMLBody(t *testing.T) {
	in := "---\ntitle: Front title\ndate: 2024-01-05\n---\n<p>First paragraph of the note.</p>\n<p>Second paragraph of the note.</p>\n"
	doc := mustRead(t, "note.md", []byte(in), Options{})
	if doc.Format != FormatHTML || doc.Title != "Front title" {
		t.Errorf("Format %q Title %q", doc.Format, doc.Title)
	}
	if doc.Published == nil || *doc.Published != "2024-01-05" {
		t.Errorf("Published = %v", doc.Published)
	}
	if want := "First paragraph of the note.\n\nSecond paragraph of the note."; doc.Text != want {
		t.Errorf("Text = %q, want %q", doc.Text, want)
	}
}

func TestMarkdownWithInlineHTML(t *testing.T) {
	in := "# Notes\n\nFirst line<br>second line, <b>bold</b>.\n\nAnother <i>paragraph</i> with a <span>span</span>.\n"
	doc := mustRead(t, "notes.md", []byte(in), Options{})
	if doc.Format != FormatMarkdown {
		t.Fatalf("Format = %q, want markdown", doc.Format)
	}
	if want := "Notes\n\nFirst line second line, bold.\n\nAnother paragraph with a span."; doc.Text != want {
		t.Errorf("Text = %q, want %q", doc.Text, want)
	}
}

func TestHeadMeta(t *testing.T) {
	doc := parseHTMLForTest(t, `<html><head><title>Page title</title>
<meta property="og:site_name" content="Desk"><meta name="date" content="2024-05-06T07:08:09Z">
<link rel="canonical" href="https://x.example/a"></head><body><p>Text</p></body></html>`)
	m := headMeta(doc)
	if m.Title != "Page title" || m.Outlet != "Desk" || m.Published != "2024-05-06" || m.URL != "https://x.example/a" {
		t.Errorf("headMeta = %+v", m)
	}
}
