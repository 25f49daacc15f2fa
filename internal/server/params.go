package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/store"
)

// Page sizes.
const (
	defaultLimit = 50
	maxLimit     = 500
	// maxScan bounds how far a cursor may page into a list.
	maxScan = 100000
)

// pageReq is a page of a list: the offset an opaque cursor encodes and
// the page size.
type pageReq struct {
	offset, limit int
	// key binds a cursor to the query it was made for.
	key uint32
}

// queryKey hashes the query parameters other than cursor and limit.
func queryKey(q url.Values, extra ...string) uint32 {
	var keys []string
	for k := range q {
		if k != "cursor" && k != "limit" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k + "=" + strings.Join(q[k], ",") + "&"))
	}
	for _, e := range extra {
		h.Write([]byte(e + "&"))
	}
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// parsePage reads limit and cursor.
func parsePage(r *http.Request, extra ...string) (pageReq, error) {
	q := r.URL.Query()
	p := pageReq{limit: defaultLimit, key: queryKey(q, extra...)}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return p, errf(http.StatusBadRequest, "limit %q: want a number from 1 to %d", v, maxLimit)
		}
		p.limit = n
	}
	if c := q.Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		if err != nil || len(b) != 9 || b[0] != 1 {
			return p, errf(http.StatusBadRequest, "invalid cursor")
		}
		if binary.BigEndian.Uint32(b[1:5]) != p.key {
			return p, errf(http.StatusBadRequest, "cursor belongs to another query")
		}
		p.offset = int(binary.BigEndian.Uint32(b[5:9]))
		if p.offset > maxScan {
			return p, errf(http.StatusBadRequest, "cursor too far")
		}
	}
	return p, nil
}

// fetch is the number of records to ask the store for: the pages before,
// this one, and one more to know whether there is a next page.
func (p pageReq) fetch() int { return p.offset + p.limit + 1 }

// cursor encodes the offset of the next page.
func (p pageReq) cursor(offset int) string {
	b := make([]byte, 9)
	b[0] = 1
	binary.BigEndian.PutUint32(b[1:5], p.key)
	binary.BigEndian.PutUint32(b[5:9], uint32(offset))
	return base64.RawURLEncoding.EncodeToString(b)
}

// list is the JSON envelope of a page.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// paginate cuts this page out of all (fetched with p.fetch()).
func paginate[T any](p pageReq, all []T) list[T] {
	out := list[T]{Items: []T{}}
	if p.offset < len(all) {
		end := min(len(all), p.offset+p.limit)
		out.Items = all[p.offset:end]
	}
	if len(all) > p.offset+p.limit {
		out.NextCursor = p.cursor(p.offset + p.limit)
	}
	return out
}

// checkDay accepts "", YYYY-MM-DD or YYYY-MM.
func checkDay(name, v string) error {
	if v == "" || store.IsDay(v) || store.IsDay(v+"-01") {
		return nil
	}
	return errf(http.StatusBadRequest, "%s %q: want YYYY-MM-DD", name, v)
}

// intParam reads a non-negative integer parameter.
func intParam(q url.Values, names ...string) (int, error) {
	for _, n := range names {
		if v := strings.TrimSpace(q.Get(n)); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil || i < 0 {
				return 0, errf(http.StatusBadRequest, "%s %q: want a non-negative number", n, v)
			}
			return i, nil
		}
	}
	return 0, nil
}

// boolParam reads true/false/1/0/on.
func boolParam(q url.Values, name string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(q.Get(name))) {
	case "":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, errf(http.StatusBadRequest, "%s %q: want true or false", name, q.Get(name))
}

// eventFilter reads the filters of the CLI's events command.
func eventFilter(q url.Values) (store.EventFilter, error) {
	f := store.EventFilter{
		Actor:  strings.TrimSpace(q.Get("actor")),
		Source: strings.TrimSpace(q.Get("source")),
		Target: strings.TrimSpace(q.Get("target")),
		Type:   strings.ToUpper(strings.TrimSpace(q.Get("type"))),
		CAMEO:  strings.TrimSpace(q.Get("cameo")),
		Since:  strings.TrimSpace(q.Get("since")),
		Until:  strings.TrimSpace(q.Get("until")),
		Place:  strings.TrimSpace(q.Get("place")),
	}
	if err := checkDay("since", f.Since); err != nil {
		return f, err
	}
	if err := checkDay("until", f.Until); err != nil {
		return f, err
	}
	n, err := intParam(q, "min_sources", "min-sources")
	if err != nil {
		return f, err
	}
	f.MinSources = n
	return f, nil
}

// docFilter reads the filters of the CLI's docs command.
func docFilter(q url.Values, limit int) (store.DocFilter, error) {
	f := store.DocFilter{Since: q.Get("since"), Until: q.Get("until"), Limit: limit}
	if err := checkDay("since", f.Since); err != nil {
		return f, err
	}
	if err := checkDay("until", f.Until); err != nil {
		return f, err
	}
	var err error
	f.Duplicates, err = boolParam(q, "duplicates")
	return f, err
}

// byParam reads the period granularity.
func byParam(q url.Values) (string, error) {
	switch by := q.Get("by"); by {
	case "":
		return store.ByMonth, nil
	case store.ByDay, store.ByWeek, store.ByMonth:
		return by, nil
	default:
		return "", errf(http.StatusBadRequest, "by %q: want day, week or month", by)
	}
}

// parseDay returns the Unix time of a YYYY-MM-DD day.
func parseDay(s string) (int64, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, err
	}
	return t.Unix(), nil
}
