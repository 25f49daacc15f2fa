package ingest

import (
	"html"
	"regexp"
	"strings"
)

var (
	mdATXRe       = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	mdSetextLnRe  = regexp.MustCompile(`^ {0,3}(?:=+|-+)[ \t]*$`)
	mdHRRe        = regexp.MustCompile(`^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	mdFenceOpenRe = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")
	mdListItemRe  = regexp.MustCompile(`^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$`)
	mdTaskRe      = regexp.MustCompile(`^\[[ xX]\][ \t]+`)
	mdRefDefRe    = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*\S`)
	mdTableSepRe  = regexp.MustCompile(`^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$`)
	mdCommentRe   = regexp.MustCompile(`^ {0,3}<!--.*-->[ \t]*$`)

	mdImageRe     = regexp.MustCompile(`!\[[^\]]*\](?:\((?:[^()\n]|\([^()\n]*\))*\)|\[[^\]]*\])`)
	mdInlineLink  = regexp.MustCompile(`\[([^\]]*)\]\((?:[^()\n]|\([^()\n]*\))*\)`)
	mdRefLink     = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdAutoLinkRe  = regexp.MustCompile(`<((?:https?|ftp)://[^>\s]+|mailto:[^>\s]+)>`)
	mdAutoMailRe  = regexp.MustCompile(`<([^@\s<>]+@[^@\s<>]+\.[^@\s<>]+)>`)
	mdInlineTagRe = regexp.MustCompile(`(?i)</?(?:span|b|i|em|strong|u|sup|sub|a|small|mark|del|ins|kbd|abbr|font|s|cite|q)\b[^>]*>`)
	mdBrTagRe     = regexp.MustCompile(`(?i)<br\s*/?>`)
	mdStrong3Re   = regexp.MustCompile(`\*\*\*(\S(?:[^*]*?\S)?)\*\*\*`)
	mdStrongStar  = regexp.MustCompile(`\*\*(\S(?:[^*]*?\S)?)\*\*`)
	mdStrongUnder = regexp.MustCompile(`(^|[^\p{L}\p{N}_])__(\S(?:[^_]*?\S)?)__($|[^\p{L}\p{N}_])`)
	mdEmStar      = regexp.MustCompile(`\*(\S(?:[^*]*?\S)?)\*`)
	mdEmUnder     = regexp.MustCompile(`(^|[^\p{L}\p{N}_])_(\S(?:[^_]*?\S)?)_($|[^\p{L}\p{N}_])`)
	mdStrikeRe    = regexp.MustCompile(`~~(\S(?:[^~]*?\S)?)~~`)
	mdEscapeRe    = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!|>~<\"'])")
)

// markdownToText converts Markdown to plain readable text: headings and
// paragraphs become blocks separated by blank lines, wrapped paragraph
// lines are joined, list items and table rows stay one per line without
// their bullets, code blocks are kept verbatim, and the inline syntax
// (emphasis, links, images, code spans, escapes) is removed.
func markdownToText(src string) string {
	lines := strings.Split(src, "\n")
	var (
		out   []string // output lines; "" is a blank line
		para  []string // lines of the paragraph being read
		fence string   // the open code fence, if any
	)
	flush := func() {
		if len(para) > 0 {
			if l := strings.TrimSpace(strings.Join(para, " ")); l != "" {
				out = append(out, l)
			}
			para = para[:0]
		}
	}
	blank := func() {
		flush()
		if len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, "")
		}
	}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t")
		if fence != "" {
			t := strings.TrimSpace(line)
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				fence = ""
				blank()
				continue
			}
			out = append(out, line)
			continue
		}
		if m := mdFenceOpenRe.FindStringSubmatch(line); m != nil {
			blank()
			fence = m[1]
			continue
		}
		// Block quotes: drop the markers and read what they hold.
		for {
			t := strings.TrimLeft(line, " ")
			if !strings.HasPrefix(t, ">") || len(line)-len(t) > 3 {
				break
			}
			line = strings.TrimPrefix(t[1:], " ")
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			blank()
			continue
		case mdCommentRe.MatchString(line), mdRefDefRe.MatchString(line):
			continue
		case mdHRRe.MatchString(line) && len(para) == 0:
			blank()
			continue
		}
		if m := mdATXRe.FindStringSubmatch(line); m != nil {
			blank()
			if h := inlineMarkdown(m[2]); strings.TrimSpace(h) != "" {
				out = append(out, strings.TrimSpace(h))
			}
			blank()
			continue
		}
		// Setext heading: a text line underlined with === or ---.
		if i+1 < len(lines) && mdSetextLnRe.MatchString(strings.TrimRight(lines[i+1], " \t")) &&
			!mdListItemRe.MatchString(line) && !strings.HasPrefix(trimmed, "|") {
			blank()
			out = append(out, strings.TrimSpace(inlineMarkdown(trimmed)))
			blank()
			i++
			continue
		}
		if strings.HasPrefix(trimmed, "|") || (strings.Count(trimmed, "|") >= 2 && i+1 < len(lines) && mdTableSepRe.MatchString(lines[i+1])) {
			if mdTableSepRe.MatchString(line) {
				continue
			}
			flush()
			out = append(out, tableRow(trimmed))
			continue
		}
		if mdTableSepRe.MatchString(line) && strings.Contains(line, "|") {
			continue
		}
		if m := mdListItemRe.FindStringSubmatch(line); m != nil && !mdHRRe.MatchString(line) {
			flush()
			item := mdTaskRe.ReplaceAllString(strings.TrimSpace(m[1]), "")
			if item != "" {
				para = append(para, inlineMarkdown(item))
			}
			continue
		}
		para = append(para, strings.TrimSpace(inlineMarkdown(trimmed)))
	}
	flush()
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// tableRow renders a Markdown table row as its cells separated by " | ".
func tableRow(row string) string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	row = strings.TrimSuffix(row, "|")
	cells := strings.Split(row, "|")
	for i, c := range cells {
		cells[i] = strings.TrimSpace(inlineMarkdown(strings.TrimSpace(c)))
	}
	return strings.Join(cells, " | ")
}

// inlineMarkdown removes the inline syntax of one line. Code spans are
// kept as they are, without their backticks.
func inlineMarkdown(s string) string {
	if s == "" {
		return s
	}
	var sb strings.Builder
	for s != "" {
		start := strings.IndexByte(s, '`')
		if start < 0 {
			sb.WriteString(inlineSpans(s))
			break
		}
		n := 1
		for start+n < len(s) && s[start+n] == '`' {
			n++
		}
		ticks := s[start : start+n]
		end := strings.Index(s[start+n:], ticks)
		if end < 0 {
			// No closing backticks: literal text.
			sb.WriteString(inlineSpans(s[:start+n]))
			s = s[start+n:]
			continue
		}
		sb.WriteString(inlineSpans(s[:start]))
		code := s[start+n : start+n+end]
		if strings.TrimSpace(code) != "" {
			code = strings.TrimSpace(code)
		}
		sb.WriteString(code)
		s = s[start+n+end+n:]
	}
	return sb.String()
}

// inlineSpans removes the inline syntax from text that holds no code span.
func inlineSpans(s string) string {
	if s == "" {
		return s
	}
	// Backslash escapes are swapped for private-use characters while the
	// syntax is removed, then restored. Text that already holds such
	// characters keeps its escapes.
	escaped := !strings.ContainsFunc(s, isEscapeMark) && strings.Contains(s, `\`)
	if escaped {
		s = mdEscapeRe.ReplaceAllStringFunc(s, func(m string) string {
			return string(rune(escapeBase + rune(m[1])))
		})
	}
	if strings.ContainsRune(s, '[') {
		s = mdImageRe.ReplaceAllString(s, "")
		s = mdInlineLink.ReplaceAllString(s, "$1")
		s = mdRefLink.ReplaceAllString(s, "$1")
	}
	if strings.ContainsRune(s, '<') {
		s = mdAutoLinkRe.ReplaceAllStringFunc(s, func(m string) string {
			return strings.TrimPrefix(m[1:len(m)-1], "mailto:")
		})
		s = mdAutoMailRe.ReplaceAllString(s, "$1")
		s = mdBrTagRe.ReplaceAllString(s, " ")
		s = mdInlineTagRe.ReplaceAllString(s, "")
	}
	if strings.ContainsRune(s, '*') {
		s = mdStrong3Re.ReplaceAllString(s, "$1")
		s = mdStrongStar.ReplaceAllString(s, "$1")
		s = mdEmStar.ReplaceAllString(s, "$1")
	}
	if strings.ContainsRune(s, '_') {
		for range 2 { // adjacent matches share their boundary character
			s = mdStrongUnder.ReplaceAllString(s, "$1$2$3")
		}
		for range 2 {
			s = mdEmUnder.ReplaceAllString(s, "$1$2$3")
		}
	}
	if strings.Contains(s, "~~") {
		s = mdStrikeRe.ReplaceAllString(s, "$1")
	}
	if strings.ContainsRune(s, '&') {
		s = html.UnescapeString(s)
	}
	if escaped {
		s = strings.Map(func(r rune) rune {
			if isEscapeMark(r) {
				return r - escapeBase
			}
			return r
		}, s)
	}
	return s
}

// escapeBase maps an escaped ASCII character c to escapeBase+c, in the
// Supplementary Private Use Area-A.
const escapeBase rune = 0xF0000

func isEscapeMark(r rune) bool { return r >= escapeBase && r < escapeBase+0x80 }
