// Package tsv reads sitrep's tab-separated dictionary files: '#' comments,
// blank lines skipped, '|' lists inside columns.
package tsv

import (
	"bufio"
	"bytes"
	"strings"
)

// Row is one data line of a file.
type Row struct {
	Line   int
	Fields []string
}

// Field returns column i trimmed, or "" when the row is shorter.
func (r Row) Field(i int) string {
	if i < len(r.Fields) {
		return strings.TrimSpace(r.Fields[i])
	}
	return ""
}

// List returns column i split on '|', trimmed, empty items dropped.
func (r Row) List(i int) []string {
	return SplitList(r.Field(i))
}

// SplitList splits a '|' list.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, "|")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Parse calls fn for every data row of data.
func Parse(data []byte, fn func(Row) error) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if err := fn(Row{Line: n, Fields: strings.Split(line, "\t")}); err != nil {
			return err
		}
	}
	return sc.Err()
}
