package places

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// loadGenerated reads data/places.tsv (format: see README.md).
func (g *Gazetteer) loadGenerated(data string) error {
	rows := strings.Count(data, "\n") + 1
	g.entries = make([]entry, 0, rows+1024)
	g.nodes = make([]node, 0, rows/4)
	g.exact = make(map[string]int32, 8192)
	g.loose = make(map[string]int32, 16384)
	g.admin1s = make([]string, 0, 4096)
	p := genParser{g: g}
	if err := p.parse(data); err != nil {
		return err
	}
	g.nGen = len(g.entries)
	if !g.genSorted {
		// Keys folded by other rules or out of order: index them by hash.
		for i := range g.entries {
			g.add(g.exact, g.entries[i].key, int32(i))
		}
	}
	return nil
}

// genParser keeps the state of parsing the generated file.
type genParser struct {
	g         *Gazetteer
	lineNo    int
	trustKeys bool
	cols      [9]string
	lastKey   string
	// lastISO caches the last country code looked up.
	lastISO     string
	lastCountry uint16
}

func (p *genParser) parse(data string) error {
	g := p.g
	for len(data) > 0 {
		p.lineNo++
		// One pass over the line: cut it into columns at tabs.
		var ncols int
		ncols, data = scanLine(data, p.cols[:])
		line := p.cols[0]
		if line == "" {
			if ncols == 1 {
				continue // blank line
			}
			return fmt.Errorf("places: places.tsv:%d: empty key", p.lineNo)
		}
		switch line[0] {
		case '#':
			if line == "#fold" && ncols == 2 {
				p.trustKeys = p.cols[1] == FoldVersion
				g.genSorted = p.trustKeys
			}
			continue
		case '=':
			g.admin1s = append(g.admin1s, line[1:])
			continue
		case '+':
			key := line[1:]
			n, ok := parseUint(p.cols[1])
			if ncols != 2 || !ok || int(n) >= len(g.entries) {
				return fmt.Errorf("places: places.tsv:%d: bad extra key line", p.lineNo)
			}
			if !p.trustKeys {
				key = Fold(key)
			}
			g.index(n, key, g.entries[n].isLoose())
			continue
		}
		cols := p.cols[:]
		if ncols != len(cols) {
			return fmt.Errorf("places: places.tsv:%d: want %d columns", p.lineNo, len(cols))
		}
		lat, ok1 := parseMicro(cols[3])
		lon, ok2 := parseMicro(cols[4])
		pop, ok3 := parseUint(cols[6])
		id, ok4 := parseUint(cols[7])
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return fmt.Errorf("places: places.tsv:%d: bad number", p.lineNo)
		}
		a1 := int32(-1)
		if cols[5] != "" {
			r, ok := parseUint(cols[5])
			if !ok || int(r) >= len(g.admin1s) {
				return fmt.Errorf("places: places.tsv:%d: bad region number %q", p.lineNo, cols[5])
			}
			a1 = r
		}
		if cols[2] != p.lastISO {
			p.lastISO, p.lastCountry = cols[2], g.country(cols[2])
		}
		e := entry{key: cols[0], name: cols[1], admin1: a1, lat: lat, lon: lon, pop: pop, id: id, country: p.lastCountry}
		if cols[8] == "r" {
			e.kind = 1
		}
		loose := g.articleCountry[e.country]
		if loose {
			e.flags |= flagLoose
		}
		if !p.trustKeys {
			e.key = Fold(e.key)
		}
		if e.key < p.lastKey {
			g.genSorted = false
		}
		p.lastKey = e.key
		idx := int32(len(g.entries))
		g.entries = append(g.entries, e)
		if loose {
			if lk := looseKey(e.key); lk != e.key {
				g.add(g.loose, lk, idx)
			}
		}
	}
	return nil
}

// scanLine cuts the first line of data into TAB-separated columns and
// returns their number (len(cols)+1 when there are more) and the rest of
// data. A byte loop: columns are too short for IndexByte to pay off.
func scanLine(data string, cols []string) (int, string) {
	n, start := 0, 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\t':
			if n < len(cols) {
				cols[n] = data[start:i]
			}
			n++
			start = i + 1
		case '\n':
			if n < len(cols) {
				cols[n] = data[start:i]
			}
			return n + 1, data[i+1:]
		}
	}
	if n < len(cols) {
		cols[n] = data[start:]
	}
	return n + 1, ""
}

// parseMicro parses a coordinate in degrees ("-70.027") into micro-degrees.
// Up to 6 decimals it is exact and much faster than strconv.ParseFloat.
func parseMicro(s string) (int32, bool) {
	neg := false
	t := s
	if t != "" && t[0] == '-' {
		neg, t = true, t[1:]
	}
	if t == "" {
		return 0, false
	}
	var v int64
	decimals := -1
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			if decimals == 6 {
				return parseMicroSlow(s)
			}
			v = v*10 + int64(c-'0')
			if decimals >= 0 {
				decimals++
			}
			if v > 1<<40 {
				return 0, false
			}
		case c == '.' && decimals < 0:
			decimals = 0
		default:
			return parseMicroSlow(s)
		}
	}
	if decimals < 0 {
		decimals = 0
	}
	for ; decimals < 6; decimals++ {
		v *= 10
	}
	if v > 180e6 {
		return 0, false
	}
	if neg {
		v = -v
	}
	return int32(v), true
}

func parseMicroSlow(s string) (int32, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < -180 || f > 180 {
		return 0, false
	}
	return int32(math.Round(f * 1e6)), true
}

// parseUint parses a non-negative decimal int32; "" is 0.
func parseUint(s string) (int32, bool) {
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
		if n > math.MaxInt32 {
			return 0, false
		}
	}
	return int32(n), true
}

// loadSupplement reads the conflict_places.tsv format:
// name, aliases (|), lat, lon, iso3, admin1, kind[, population].
func (g *Gazetteer) loadSupplement(r io.Reader, source string, tier uint8) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		if name, ok := strings.CutPrefix(cols[0], "-"); ok {
			country := ""
			if len(cols) > 4 {
				country = strings.ToUpper(cols[4])
			}
			g.remove(Fold(name), country)
			continue
		}
		if len(cols) < 7 {
			return fmt.Errorf("places: %s:%d: want at least 7 columns, got %d", source, lineNo, len(cols))
		}
		lat, ok1 := parseMicro(cols[2])
		lon, ok2 := parseMicro(cols[3])
		if !ok1 || !ok2 || lat < -90e6 || lat > 90e6 {
			return fmt.Errorf("places: %s:%d: bad coordinates %q %q", source, lineNo, cols[2], cols[3])
		}
		kind, ok := kindCode(cols[6])
		if !ok {
			return fmt.Errorf("places: %s:%d: unknown kind %q", source, lineNo, cols[6])
		}
		iso3 := strings.ToUpper(cols[4])
		if iso3 != "" && len(iso3) != 3 {
			return fmt.Errorf("places: %s:%d: country %q is not ISO3", source, lineNo, cols[4])
		}
		e := entry{name: cols[0], admin1: -1, lat: lat, lon: lon, kind: kind, country: g.country(iso3)}
		if cols[5] != "" {
			e.admin1 = int32(len(g.admin1s))
			g.admin1s = append(g.admin1s, cols[5])
		}
		if len(cols) > 7 && cols[7] != "" {
			pop, ok := parseUint(cols[7])
			if !ok {
				return fmt.Errorf("places: %s:%d: bad population %q", source, lineNo, cols[7])
			}
			e.pop = pop
		}
		var aliases []string
		if cols[1] != "" {
			aliases = strings.Split(cols[1], "|")
		}
		g.addSupplement(e, aliases, tier)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("places: read %s: %w", source, err)
	}
	return nil
}

func (g *Gazetteer) remove(key, country string) {
	g.walk(key, func(i int32) bool {
		if country == "" || g.countries[g.entries[i].country] == country {
			g.entries[i].flags |= flagDead
		}
		return true
	})
}

// mergeDistance is how far apart (micro-degrees, in latitude and in
// longitude) a supplement entry and a generated entry with the same name,
// country and kind may be to be taken as the same place.
func mergeDistance(kind uint8) int32 {
	if kind == 0 {
		return 500_000
	}
	return 3_000_000
}

func absDiff(a, b int32) int32 {
	if a > b {
		return a - b
	}
	return b - a
}

func (g *Gazetteer) addSupplement(e entry, aliases []string, tier uint8) {
	primary := Fold(e.name)
	keys := []string{primary}
	for _, a := range aliases {
		if k := Fold(a); k != "" && !contains(keys, k) {
			keys = append(keys, k)
		}
	}
	// Replace an earlier supplement entry with the same name and country.
	if n, ok := g.exact[primary]; ok {
		for ; n >= 0; n = g.nodes[n].next {
			o := &g.entries[g.nodes[n].entry]
			if o.tier() >= tierSupplement && !o.dead() && o.country == e.country && o.key == primary {
				o.flags |= flagDead
			}
		}
	}
	// Absorb generated entries that are the same place.
	wantCity := e.kind == 0
	for _, k := range keys {
		g.walk(k, func(i int32) bool {
			o := &g.entries[i]
			if o.tier() != tierGenerated || o.country != e.country || (o.kind == 0) != wantCity {
				return true
			}
			d := mergeDistance(e.kind)
			if absDiff(o.lat, e.lat) > d || absDiff(o.lon, e.lon) > d {
				return true
			}
			o.flags |= flagDead
			if o.pop > e.pop {
				e.pop = o.pop
				if o.id != 0 {
					e.id = o.id
				}
			} else if e.id == 0 {
				e.id = o.id
			}
			if e.admin1 < 0 {
				e.admin1 = o.admin1
			}
			return true
		})
	}
	g.seq++
	e.seq = g.seq
	e.key = primary
	e.flags = tier | flagLoose
	idx := int32(len(g.entries))
	g.entries = append(g.entries, e)
	for _, k := range keys {
		g.index(idx, k, true)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
