package ingest

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// maxFrontMatter bounds the YAML block read at the start of a document.
const maxFrontMatter = 64 << 10

var yamlKeyRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// splitFrontMatter recognises a YAML front matter block ("---" line, YAML,
// "---" or "..." line) at the start of text and returns its metadata and
// the text after it. ok is false, and text is to be kept whole, when there
// is no block, when it is not YAML, or when it is a mapping that does not
// look like document metadata.
func splitFrontMatter(text string) (meta metadata, rest string, ok bool) {
	s := strings.TrimLeft(text, "\n")
	first, after, found := strings.Cut(s, "\n")
	if !found || strings.TrimRight(first, " \t") != "---" {
		return metadata{}, text, false
	}
	end, next := -1, -1
	for pos := 0; pos < len(after) && pos <= maxFrontMatter; {
		line := after[pos:]
		nl := strings.IndexByte(line, '\n')
		if nl >= 0 {
			line = line[:nl]
		}
		if t := strings.TrimRight(line, " \t"); t == "---" || t == "..." {
			end = pos
			next = pos + len(line)
			if nl >= 0 {
				next++
			}
			break
		}
		if nl < 0 {
			break
		}
		pos += nl + 1
	}
	if end < 0 {
		return metadata{}, text, false
	}
	m, ok := parseFrontMatter(after[:end])
	if !ok {
		return metadata{}, text, false
	}
	return m, after[next:], true
}

// parseFrontMatter reads the keys sitrep knows from a YAML mapping. It
// walks the syntax tree rather than decoding, so aliases are never
// expanded.
func parseFrontMatter(src string) (meta metadata, ok bool) {
	defer func() {
		// The YAML parser must not take the process down on hostile input.
		if r := recover(); r != nil {
			meta, ok = metadata{}, false
		}
	}()
	if strings.TrimSpace(src) == "" {
		return metadata{}, false
	}
	f, err := parser.ParseBytes([]byte(src), 0)
	if err != nil || f == nil || len(f.Docs) != 1 || f.Docs[0] == nil {
		return metadata{}, false
	}
	var values []*ast.MappingValueNode
	switch body := f.Docs[0].Body.(type) {
	case *ast.MappingNode:
		values = body.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{body}
	default:
		return metadata{}, false
	}
	vals := make(map[string]string)
	known := 0
	for _, mv := range values {
		if mv == nil || mv.Key == nil {
			return metadata{}, false
		}
		key := strings.ToLower(scalarString(mv.Key))
		if !yamlKeyRe.MatchString(key) {
			return metadata{}, false
		}
		if isFrontMatterKey(key) {
			known++
		}
		if _, seen := vals[key]; !seen {
			vals[key] = strings.TrimSpace(scalarString(mv.Value))
		}
	}
	if known == 0 {
		return metadata{}, false
	}
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := vals[k]; v != "" {
				return v
			}
		}
		return ""
	}
	meta.Title = first("title", "headline")
	meta.Outlet = first("outlet", "source", "publisher", "site_name", "sitename")
	meta.URL = first("url", "link", "canonical_url")
	meta.ID = first("id")
	for _, k := range []string{"published", "date", "datepublished", "published_at", "pubdate"} {
		if d := parseMetaDate(vals[k]); d != "" {
			meta.Published = d
			break
		}
	}
	if l, ok := normalizeLangTag(first("language", "lang")); ok {
		meta.Language = l
	}
	return meta, true
}

// isFrontMatterKey reports the keys that mark a YAML block as document
// metadata.
func isFrontMatterKey(key string) bool {
	switch key {
	case "title", "headline", "published", "date", "pubdate", "published_at",
		"datepublished", "outlet", "source", "publisher", "site_name", "sitename",
		"url", "link", "canonical_url", "language", "lang", "id",
		"author", "authors", "byline", "tags", "categories", "category",
		"description", "summary", "slug", "layout", "draft", "updated",
		"modified", "keywords", "image", "section", "type", "dateline":
		return true
	}
	return false
}

// scalarString returns the text of a scalar node, or "" for anything else
// (sequences, mappings, aliases).
func scalarString(n ast.Node) string {
	switch v := n.(type) {
	case nil:
		return ""
	case *ast.StringNode:
		return v.Value
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value
		}
		return ""
	case *ast.AnchorNode:
		return scalarString(v.Value)
	case *ast.TagNode:
		return scalarString(v.Value)
	case *ast.NullNode:
		return ""
	case ast.ScalarNode:
		// Numbers, booleans, timestamps: the text as written (so that an
		// id of 0123 stays 0123).
		if tk := v.GetToken(); tk != nil {
			return tk.Value
		}
		switch x := v.GetValue().(type) {
		case string:
			return x
		case time.Time:
			return x.Format(time.RFC3339)
		case nil:
			return ""
		default:
			return fmt.Sprint(x)
		}
	}
	return ""
}
