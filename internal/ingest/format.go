package ingest

import (
	"regexp"
	"strings"
)

// sniffLimit bounds how much of a document format detection looks at.
const sniffLimit = 64 << 10

var (
	htmlTagRe  = regexp.MustCompile(`(?i)</?(?:p|div|br|span|a|h[1-6]|ul|ol|li|article|section|main|table|tr|td|th|strong|em|b|i|blockquote|img|meta|link|script|style|header|footer|nav|figure|time)\b[^>]*>`)
	htmlParaRe = regexp.MustCompile(`(?i)<p[\s>]|</p>|<br\s*/?>|</div>|</h[1-6]>|</li>`)

	mdHeadingRe  = regexp.MustCompile(`(?m)^ {0,3}#{1,6}[ \t]+\S`)
	mdSetextRe   = regexp.MustCompile(`(?m)^[^\n\S]*\S[^\n]*\n {0,3}(?:=+|-{2,})[ \t]*$`)
	mdFenceRe    = regexp.MustCompile("(?m)^ {0,3}(?:```|~~~)")
	mdLinkRe     = regexp.MustCompile(`!?\[[^\]\n]+\]\([^)\s]+(?:\s+"[^"\n]*")?\)`)
	mdRefLinkRe  = regexp.MustCompile(`(?m)^ {0,3}\[[^\]\n]+\]:\s+\S`)
	mdStrongRe   = regexp.MustCompile(`\*\*\S[^*\n]*\*\*|__\S[^_\n]*__`)
	mdEmRe       = regexp.MustCompile(`(?:^|[\s(])\*[^\s*][^*\n]*\*(?:$|[\s.,;:!?)])|(?:^|[\s(])_[^\s_][^_\n]*_(?:$|[\s.,;:!?)])`)
	mdBulletRe   = regexp.MustCompile(`(?m)^[ \t]{0,3}[-*+][ \t]+\S`)
	mdQuoteRe    = regexp.MustCompile(`(?m)^ {0,3}>[ \t]?\S`)
	mdTableRowRe = regexp.MustCompile(`(?m)^ {0,3}\|?[ \t]*:?-{3,}:?[ \t]*\|`)
)

func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// looksLikeHTML decides from the content first, then from the file
// extension, whether text is an HTML page.
func looksLikeHTML(text, ext string) bool {
	h := head(text, sniffLimit)
	lower := strings.ToLower(strings.TrimLeft(head(h, 1024), " \t\n\uFEFF"))
	if strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html") {
		return true
	}
	lh := strings.ToLower(h)
	if strings.Contains(lh, "<html") || strings.Contains(lh, "<body") || strings.Contains(lh, "<head>") {
		return true
	}
	tags := len(htmlTagRe.FindAllStringIndex(h, 64))
	paras := len(htmlParaRe.FindAllStringIndex(h, 8))
	switch ext {
	case ".html", ".htm", ".xhtml", ".shtml":
		return tags >= 1
	case ".md", ".markdown", ".mdown", ".mkd":
		// Markdown may hold some inline HTML: only a file made of tags
		// is HTML.
		return tags >= 4 && paras >= 2 && tagLines(h)
	}
	return tags >= 4 && (paras >= 2 || strings.HasPrefix(lower, "<"))
}

// tagLines reports whether the first non-blank lines of text all start
// with a tag.
func tagLines(text string) bool {
	n := 0
	for line := range strings.Lines(text) {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if t[0] != '<' {
			return false
		}
		if n++; n >= 50 {
			break
		}
	}
	return n > 0
}

// looksLikeMarkdown scores the Markdown syntax in text (after any front
// matter): headings, links, fences and emphasis count most.
func looksLikeMarkdown(text, ext string, frontMatter bool) bool {
	h := head(text, sniffLimit)
	score := 0
	if frontMatter {
		score++
	}
	switch ext {
	case ".md", ".markdown", ".mdown", ".mkd":
		score += 3
	}
	count := func(re *regexp.Regexp, weight, maxCount int) {
		score += weight * len(re.FindAllStringIndex(h, maxCount))
	}
	count(mdHeadingRe, 2, 3)
	count(mdSetextRe, 2, 2)
	count(mdFenceRe, 2, 2)
	count(mdLinkRe, 2, 3)
	count(mdRefLinkRe, 2, 2)
	count(mdStrongRe, 1, 3)
	count(mdEmRe, 1, 3)
	count(mdBulletRe, 1, 3)
	count(mdQuoteRe, 1, 2)
	count(mdTableRowRe, 2, 1)
	return score >= 3
}
