package ingest

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// minMainText is go-trafilatura's MinExtractedSize: shorter extractions are
// replaced by its baseline.
const minMainText = 250

// maxTrafilaturaText is the most page text (as read by the plain walk)
// handed to trafilatura.
const maxTrafilaturaText = 512 << 10

// extractHTML returns the main text of an HTML page, its paragraphs
// separated by blank lines, and the metadata the page gives (title,
// publication date, site name, canonical URL, declared language).
// go-trafilatura finds the main text; when it finds nothing (or fails),
// a plain walk over the page body that skips navigation, headers,
// footers, forms and scripts takes its place.
func extractHTML(ctx context.Context, page string) (string, metadata) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil || doc == nil {
		// x/net/html refuses markup nested deeper than 512 elements: read
		// such a page token by token.
		slog.DebugContext(ctx, "ingest: html parse failed; reading tokens", "err", err)
		text := tokenText(page, true)
		if strings.TrimSpace(text) == "" {
			text = tokenText(page, false)
		}
		return text, metadata{}
	}
	var meta metadata
	meta.Language = htmlLang(doc)

	// The plain walk is linear and is the fallback; trafilatura's time
	// grows with the square of the text, so a page with more text than
	// maxTrafilaturaText is left to the walk.
	plain := blockText(pageBody(doc), true)
	var res *trafilatura.ExtractResult
	if len(plain) <= maxTrafilaturaText {
		res = runTrafilatura(ctx, doc)
	} else {
		slog.DebugContext(ctx, "ingest: page too large for main-text extraction", "text_bytes", len(plain))
	}
	var text string
	if res != nil {
		m := res.Metadata
		meta.Title = strings.TrimSpace(m.Title)
		meta.Outlet = strings.TrimSpace(m.Sitename)
		meta.URL = strings.TrimSpace(m.URL)
		if !m.Date.IsZero() {
			meta.Published = m.Date.Format(time.DateOnly)
		}
		// Below minMainText characters trafilatura falls back on a crude
		// dump of the whole page, navigation included: the walker,
		// which skips the page chrome, does better there.
		if utf8.RuneCountInString(res.ContentText) >= minMainText && res.ContentNode != nil {
			text = blockText(res.ContentNode, false)
		}
	}
	if strings.TrimSpace(text) == "" {
		text = plain
	}
	// Fill what trafilatura did not give (or was not run for) from the
	// page's own <meta> and <link> elements.
	meta = meta.or(headMeta(doc))
	return text, meta
}

// headMeta reads the common metadata elements: Open Graph and article
// properties, named meta elements, the canonical link and <title>.
func headMeta(doc *html.Node) metadata {
	var m metadata
	props := make(map[string]string)
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.Body:
			return false
		case atom.Meta:
			var key, content string
			for _, a := range n.Attr {
				switch strings.ToLower(a.Key) {
				case "property", "name", "itemprop":
					if key == "" {
						key = strings.ToLower(strings.TrimSpace(a.Val))
					}
				case "content":
					content = strings.TrimSpace(a.Val)
				}
			}
			if _, seen := props[key]; key != "" && content != "" && !seen {
				props[key] = content
			}
		case atom.Link:
			var rel, href string
			for _, a := range n.Attr {
				switch strings.ToLower(a.Key) {
				case "rel":
					rel = strings.ToLower(a.Val)
				case "href":
					href = strings.TrimSpace(a.Val)
				}
			}
			if rel == "canonical" && href != "" {
				props["link:canonical"] = href
			}
		}
		return true
	})
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := props[k]; v != "" {
				return v
			}
		}
		return ""
	}
	m.Title = first("og:title", "twitter:title")
	if m.Title == "" {
		m.Title = pageTitle(doc)
	}
	m.Outlet = first("og:site_name", "application-name")
	m.URL = first("link:canonical", "og:url")
	for _, k := range []string{"article:published_time", "datepublished", "date", "pubdate", "publishdate", "dc.date", "dc.date.issued", "og:published_time"} {
		if d := parseMetaDate(props[k]); d != "" {
			m.Published = d
			break
		}
	}
	return m
}

// runTrafilatura runs the extractor, turning a panic inside it into "no
// result" so that no input can take the process down.
func runTrafilatura(ctx context.Context, doc *html.Node) (res *trafilatura.ExtractResult) {
	defer func() {
		if r := recover(); r != nil {
			slog.WarnContext(ctx, "ingest: trafilatura panicked; using the plain HTML walker", "panic", r)
			res = nil
		}
	}()
	if ctx.Err() != nil {
		return nil
	}
	res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{
		ExcludeComments: true,
		HtmlDateMode:    trafilatura.Fast,
	})
	if err != nil {
		slog.DebugContext(ctx, "ingest: trafilatura found no main text", "err", err)
		return nil
	}
	return res
}

// htmlLang returns the language declared by <html lang="..">, as ISO 639-1.
func htmlLang(doc *html.Node) string {
	var lang string
	walk(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.DataAtom == atom.Html {
			for _, a := range n.Attr {
				if strings.EqualFold(a.Key, "lang") || strings.EqualFold(a.Key, "xml:lang") {
					if l, ok := normalizeLangTag(a.Val); ok && l != "und" {
						lang = l
					}
				}
			}
			return false
		}
		return lang == ""
	})
	return lang
}

// pageTitle returns the text of the first <title>.
func pageTitle(doc *html.Node) string {
	var title string
	walk(doc, func(n *html.Node) bool {
		if title != "" {
			return false
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Title {
			title = strings.Join(strings.Fields(textContent(n)), " ")
			return false
		}
		return n.DataAtom != atom.Body
	})
	return title
}

// pageBody returns the <body> element, or the document itself.
func pageBody(doc *html.Node) *html.Node {
	var body *html.Node
	walk(doc, func(n *html.Node) bool {
		if body != nil {
			return false
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			body = n
			return false
		}
		return true
	})
	if body == nil {
		return doc
	}
	return body
}

// walk visits n and its descendants in document order; f returns whether
// to descend into a node. It uses an explicit stack: deeply nested markup
// cannot exhaust the goroutine stack.
func walk(n *html.Node, f func(*html.Node) bool) {
	stack := []*html.Node{n}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !f(cur) {
			continue
		}
		// Push children in reverse so the first child is visited first.
		var kids []*html.Node
		for c := cur.FirstChild; c != nil; c = c.NextSibling {
			kids = append(kids, c)
		}
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, kids[i])
		}
	}
}

func textContent(n *html.Node) string {
	var sb strings.Builder
	walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			sb.WriteString(c.Data)
		}
		return true
	})
	return sb.String()
}

// Element classes for the text walker.
type elemKind int

const (
	kindInline elemKind = iota
	kindBlock
	kindBreak    // <br>, trafilatura's <lb>
	kindSkip     // never text: scripts, styles, forms...
	kindChrome   // page furniture: skipped when walking a whole page
	kindCell     // table cells: inline, separated
	kindPre      // whitespace kept
	kindListItem // one line each
)

func classify(n *html.Node) elemKind {
	switch strings.ToLower(n.Data) {
	case "script", "style", "noscript", "template", "svg", "math", "iframe",
		"object", "embed", "canvas", "button", "select", "option", "input",
		"textarea", "head", "title", "meta", "link", "audio", "video", "map",
		"datalist", "dialog":
		if n.Data == "head" && n.Parent != nil && n.Parent.Type == html.ElementNode && n.Parent.DataAtom != atom.Html {
			// trafilatura's <head> is a heading inside the content.
			return kindBlock
		}
		return kindSkip
	case "nav", "header", "footer", "aside", "form", "menu", "figcaption":
		return kindChrome
	case "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn",
		"em", "font", "hi", "i", "ins", "kbd", "label", "mark", "q", "ref",
		"rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong",
		"sub", "sup", "time", "tt", "u", "var", "wbr", "img", "graphic", "big":
		return kindInline
	case "br", "lb":
		return kindBreak
	case "td", "th", "cell":
		return kindCell
	case "pre":
		return kindPre
	case "li", "item", "dt", "dd", "tr", "row":
		return kindListItem
	}
	return kindBlock
}

// blockText renders an element tree as plain text: block elements become
// paragraphs separated by blank lines, list items and table rows lines of
// their own, whitespace inside a paragraph collapses (except in <pre>).
// page says whether n is a whole page, whose chrome (nav, header, footer,
// aside, forms) is skipped.
func blockText(n *html.Node, page bool) string {
	if n == nil {
		return ""
	}
	w := &textWriter{}
	type frame struct {
		node *html.Node
		exit bool
		kind elemKind
	}
	stack := []frame{{node: n}}
	for len(stack) > 0 {
		fr := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		node := fr.node
		if fr.exit {
			switch fr.kind {
			case kindBlock:
				w.paragraph()
			case kindListItem:
				w.line()
			case kindPre:
				w.pre--
				w.paragraph()
			}
			continue
		}
		switch node.Type {
		case html.TextNode:
			w.text(node.Data)
			continue
		case html.ElementNode:
		case html.DocumentNode:
		default:
			continue
		}
		kind := kindBlock
		if node.Type == html.ElementNode {
			kind = classify(node)
		}
		switch kind {
		case kindSkip:
			continue
		case kindChrome:
			if page {
				continue
			}
			kind = kindBlock
		case kindBreak:
			w.line()
			continue
		case kindCell:
			w.text(" ")
		case kindBlock:
			w.paragraph()
		case kindListItem:
			w.line()
		case kindPre:
			w.paragraph()
			w.pre++
		}
		stack = append(stack, frame{node: node, exit: true, kind: kind})
		var kids []*html.Node
		for c := node.FirstChild; c != nil; c = c.NextSibling {
			kids = append(kids, c)
		}
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, frame{node: kids[i]})
		}
	}
	w.paragraph()
	return strings.TrimSpace(w.out.String())
}

// textWriter accumulates text with collapsed whitespace, line breaks and
// paragraph breaks.
type textWriter struct {
	out     strings.Builder
	cur     strings.Builder // the current line
	pre     int             // depth of <pre>
	lines   int             // lines written in the current paragraph
	started bool            // something was written at all
}

func (w *textWriter) text(s string) {
	if w.pre > 0 {
		// Keep whitespace, but a newline ends the line.
		for i, part := range strings.Split(s, "\n") {
			if i > 0 {
				w.line()
			}
			w.cur.WriteString(part)
		}
		return
	}
	fields := strings.Fields(s)
	if len(fields) == 0 {
		if s != "" && w.cur.Len() > 0 {
			w.space()
		}
		return
	}
	if isSpaceByte(s[0]) {
		w.space()
	}
	for i, f := range fields {
		if i > 0 {
			w.space()
		}
		w.cur.WriteString(f)
	}
	if isSpaceByte(s[len(s)-1]) {
		w.space()
	}
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// space adds one space unless the line is empty or already ends in one.
func (w *textWriter) space() {
	if w.cur.Len() == 0 {
		return
	}
	if s := w.cur.String(); s[len(s)-1] != ' ' {
		w.cur.WriteByte(' ')
	}
}

// line ends the current line (if it holds text).
func (w *textWriter) line() {
	l := w.cur.String()
	if w.pre == 0 {
		l = strings.TrimSpace(l)
	} else {
		l = strings.TrimRight(l, " \t")
	}
	w.cur.Reset()
	if l == "" && w.pre == 0 {
		return
	}
	if w.started {
		if w.lines == 0 {
			w.out.WriteString("\n\n")
		} else {
			w.out.WriteString("\n")
		}
	}
	w.out.WriteString(l)
	w.started = true
	w.lines++
}

// paragraph ends the current line and the paragraph.
func (w *textWriter) paragraph() {
	w.line()
	w.lines = 0
}

// tokenText renders HTML as text from its tokens alone, without building a
// tree (see blockText). With page set, the content of chrome elements is
// skipped.
func tokenText(page string, skipChrome bool) string {
	w := &textWriter{}
	z := html.NewTokenizer(strings.NewReader(page))
	skip := map[string]int{}
	skipping := func() bool {
		for _, n := range skip {
			if n > 0 {
				return true
			}
		}
		return false
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			w.paragraph()
			return strings.TrimSpace(w.out.String())
		case html.TextToken:
			if !skipping() {
				w.text(string(z.Text()))
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			n := &html.Node{Type: html.ElementNode, Data: strings.ToLower(string(name))}
			n.DataAtom = atom.Lookup([]byte(n.Data))
			kind := classify(n)
			if kind == kindChrome && !skipChrome {
				kind = kindBlock
			}
			switch kind {
			case kindSkip, kindChrome:
				if tt == html.StartTagToken && !isVoid(n.Data) {
					skip[n.Data]++
				} else if tt == html.EndTagToken && skip[n.Data] > 0 {
					skip[n.Data]--
				}
			case kindBreak:
				w.line()
			case kindCell:
				w.text(" ")
			case kindListItem:
				w.line()
			case kindBlock, kindPre:
				w.paragraph()
			}
		}
	}
}

// isVoid reports the elements that have no end tag.
func isVoid(tag string) bool {
	switch tag {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link",
		"meta", "param", "source", "track", "wbr":
		return true
	}
	return false
}
