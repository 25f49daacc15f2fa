package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/text"
)

// ActorID is the stable id of an actor across the corpus: a hash of its
// folded canonical name and its code.
func ActorID(name, code string) string {
	sum := sha256.Sum256([]byte(FoldName(name) + "\x00" + code))
	return hex.EncodeToString(sum[:8])
}

// FoldName is the matching key of a name: folded (lower case, no
// diacritics) with runs of spaces collapsed.
func FoldName(name string) string {
	return strings.Join(strings.Fields(text.Fold(name)), " ")
}

// actorKey is how an event side is compared across documents: the actor
// code, or the country when there is no code.
func actorKey(a sitrep.Actor) string {
	if a.Code != "" {
		return a.Code
	}
	return a.Country
}

// MergeKey is what two mentions of one event share besides the date: the
// source and target (actor code, else country), the CAMEO code, the place
// and, for events that did not (yet) happen, the modality.
func MergeKey(e *sitrep.Event) string {
	place := ""
	if e.Location != nil {
		place = FoldName(e.Location.Name)
		if place == "" {
			place = e.Location.Country
		}
	}
	mod := ""
	switch e.Modality {
	case "", sitrep.ModalityAsserted, sitrep.ModalityReported:
	default:
		mod = e.Modality
	}
	return actorKey(e.Source) + "|" + actorKey(e.Target) + "|" + e.CAMEO + "|" + place + "|" + mod
}

// EventID is the id of the cross-document event first reported as local
// event ref of document doc: the first 63 bits of a hash, so that replaying
// the same documents in the same order into any store gives the same ids.
func EventID(doc, ref string) int64 {
	sum := sha256.Sum256([]byte(doc + "\x00" + ref))
	id := int64(binary.BigEndian.Uint64(sum[:8]) >> 1)
	if id == 0 {
		id = 1
	}
	return id
}

// CanonicalURL normalises a URL for duplicate detection: https for http,
// lower-case host without www., no default port, no fragment, no tracking parameters (utm_*,
// fbclid, gclid...), sorted query, no trailing slash. It returns "" for
// an empty or unparsable URL.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme == "http" {
		// The same page is usually served over both.
		u.Scheme = "https"
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "80" || port == "443" {
		port = ""
	}
	host = strings.TrimPrefix(host, "www.")
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment = ""
	u.RawFragment = ""
	q := u.Query()
	for k := range q {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "utm_") || lk == "fbclid" || lk == "gclid" || lk == "mc_cid" || lk == "mc_eid" || lk == "ocid" || lk == "cmpid" {
			q.Del(k)
		}
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v))
		}
	}
	u.RawQuery = b.String()
	p := u.EscapedPath()
	if p != "/" && p != "" {
		p = strings.TrimSuffix(path.Clean(p), "/")
	} else {
		p = ""
	}
	u.RawPath = ""
	u.Path = ""
	s := u.Scheme + "://" + u.Host + p
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}

// SourceName is the outlet a document counts for in NumSources: its
// outlet, else its URL's host, else "unknown".
func SourceName(d *sitrep.Document) string {
	if o := strings.TrimSpace(d.Outlet); o != "" {
		return FoldName(o)
	}
	if u, err := url.Parse(d.URL); err == nil && u.Host != "" {
		return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	}
	return "unknown"
}

const dayLayout = "2006-01-02"

// IsDay reports whether s is a YYYY-MM-DD date.
func IsDay(s string) bool {
	if len(s) != 10 {
		return false
	}
	_, err := time.Parse(dayLayout, s)
	return err == nil
}

// AddDays shifts a YYYY-MM-DD date by n days.
func AddDays(s string, n int) string {
	t, err := time.Parse(dayLayout, s)
	if err != nil {
		return s
	}
	return t.AddDate(0, 0, n).Format(dayLayout)
}

// PeriodStart returns the first day of the period of date s: the day
// itself, the Monday of its ISO week, or the first of its month. A date of
// month or year precision (YYYY-MM, YYYY) starts at its first day.
func PeriodStart(s, by string) string {
	switch len(s) {
	case 4:
		s += "-01-01"
	case 7:
		s += "-01"
	}
	t, err := time.Parse(dayLayout, s)
	if err != nil {
		return ""
	}
	switch by {
	case ByWeek:
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		t = t.AddDate(0, 0, -wd)
	case ByMonth:
		t = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return t.Format(dayLayout)
}

// LooksLikeCode reports whether s is written like an actor or country code
// (upper-case letters and digits, 3 to 15 of them).
func LooksLikeCode(s string) bool {
	if len(s) < 3 || len(s) > 15 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
