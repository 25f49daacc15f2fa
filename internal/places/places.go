// Package places is a gazetteer of populated places and regions: names,
// coordinates, country (ISO 3166-1 alpha-3) and first-level region.
//
// The bulk of it is generated from GeoNames (CC BY 4.0, see README.md) into
// data/places.tsv; data/conflict_places.tsv is a hand-written supplement
// of regions, areas and places that conflict reporting names differently.
// A user file in the supplement format extends or overrides both
// (Gazetteer.LoadFile).
package places

//go:generate go run ./gen -in /tmp/gaz/node_modules -iso data/iso2to3.tsv -out data/places.tsv

import (
	"embed"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Kinds of place.
const (
	KindCity    = "city"
	KindRegion  = "region"
	KindArea    = "area"
	KindCountry = "country"
)

var kindNames = [...]string{KindCity, KindRegion, KindArea, KindCountry}

func kindCode(kind string) (uint8, bool) {
	for i, k := range kindNames {
		if k == kind {
			return uint8(i), true
		}
	}
	return 0, false
}

// dataFS holds the data files. It embeds the directory rather than each
// file so that the package (and the generator, which imports it) still
// compiles when places.tsv has not been generated yet.
//
//go:embed data
var dataFS embed.FS

// readData returns an embedded file as a string, copied once.
func readData(name string) (string, error) {
	f, err := dataFS.Open("data/" + name)
	if err != nil {
		return "", fmt.Errorf("places: %w", err)
	}
	defer f.Close()
	var sb strings.Builder
	if st, err := f.Stat(); err == nil {
		sb.Grow(int(st.Size()))
	}
	if _, err := io.Copy(&sb, f); err != nil {
		return "", fmt.Errorf("places: read %s: %w", name, err)
	}
	return sb.String(), nil
}

// Place is one entry of the gazetteer.
type Place struct {
	Name       string
	Country    string // ISO 3166-1 alpha-3; empty for areas spanning countries
	Admin1     string // first-level region
	Lat, Lon   float64
	Population int
	GeonamesID int
	Kind       string // city | region | area | country
}

// Entry tiers: user files rank before the embedded supplement, which ranks
// before the generated GeoNames table.
const (
	tierGenerated uint8 = iota
	tierSupplement
	tierUser
)

const (
	flagDead  uint8 = 1 << 2 // removed or absorbed by a supplement entry
	flagLoose uint8 = 1 << 3 // also matches with Arabic articles removed
	tierMask  uint8 = 3
)

// entry is the compact form of a Place: two pointers, so that the 120k
// entries are cheap to allocate and to scan for the garbage collector.
type entry struct {
	key      string // folded name
	name     string
	admin1   int32 // index in Gazetteer.admin1s, -1 for none
	lat, lon int32 // micro-degrees
	pop      int32
	id       int32
	seq      int32 // order of supplement entries
	country  uint16
	kind     uint8
	flags    uint8
}

func (e *entry) tier() uint8   { return e.flags & tierMask }
func (e *entry) dead() bool    { return e.flags&flagDead != 0 }
func (e *entry) isLoose() bool { return e.flags&flagLoose != 0 }

type node struct {
	entry int32
	next  int32 // -1 ends the chain
}

// Gazetteer holds the places and their name index. Build it once with
// Load; it is then safe for concurrent reads. LoadFile must not run
// concurrently with reads.
type Gazetteer struct {
	// entries[:nGen] come from places.tsv; when genSorted they are
	// sorted by key and found by binary search, and only their extra keys
	// are in exact. Supplement and user entries follow.
	entries   []entry
	nGen      int
	genSorted bool
	nodes     []node
	exact     map[string]int32 // folded key -> first node of its chain
	loose     map[string]int32 // article-free key -> first node (only keys that differ from the exact key)

	countries []string // index -> ISO3; 0 is ""
	countryIx map[string]uint16
	// articleCountry[i]: country i writes place names with Arabic articles.
	articleCountry []bool
	admin1s        []string
	seq            int32
}

// Load builds the gazetteer from the embedded data.
func Load() (*Gazetteer, error) {
	g := &Gazetteer{countries: []string{""}, countryIx: map[string]uint16{"": 0}, articleCountry: []bool{false}}
	articleCountries, err := readData("arabic_article_countries.txt")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(articleCountries, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			g.articleCountry[g.country(line)] = true
		}
	}
	generated, err := readData("places.tsv")
	if err != nil {
		return nil, fmt.Errorf("%w (run go generate ./internal/places/)", err)
	}
	if err := g.loadGenerated(generated); err != nil {
		return nil, err
	}
	supplement, err := readData("conflict_places.tsv")
	if err != nil {
		return nil, err
	}
	if err := g.loadSupplement(strings.NewReader(supplement), "conflict_places.tsv", tierSupplement); err != nil {
		return nil, err
	}
	return g, nil
}

// LoadFile reads a user TSV in the conflict_places.tsv format (see
// README.md). Its entries rank before the embedded ones; an entry with the
// same name and country as an earlier supplement entry replaces it, and a
// generated place of the same name, country and kind close to it is
// absorbed. A line whose name starts with "-" removes the places of that
// name (in that country, when the iso3 column is filled).
func (g *Gazetteer) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("places: %w", err)
	}
	defer f.Close()
	return g.loadSupplement(f, path, tierUser)
}

// country returns the index of an ISO3 code, adding it when new.
func (g *Gazetteer) country(iso3 string) uint16 {
	if i, ok := g.countryIx[iso3]; ok {
		return i
	}
	i := uint16(len(g.countries))
	g.countries = append(g.countries, iso3)
	g.countryIx[iso3] = i
	g.articleCountry = append(g.articleCountry, false)
	return i
}

func (g *Gazetteer) place(i int32) Place {
	e := &g.entries[i]
	p := Place{
		Name:       e.name,
		Country:    g.countries[e.country],
		Lat:        float64(e.lat) / 1e6,
		Lon:        float64(e.lon) / 1e6,
		Population: int(e.pop),
		GeonamesID: int(e.id),
		Kind:       kindNames[e.kind],
	}
	if e.admin1 >= 0 {
		p.Admin1 = g.admin1s[e.admin1]
	}
	return p
}

// index adds key (and its article-free form, for loose entries) for entry idx.
func (g *Gazetteer) index(idx int32, key string, loose bool) {
	if key == "" {
		return
	}
	g.add(g.exact, key, idx)
	if loose {
		if lk := looseKey(key); lk != key {
			g.add(g.loose, lk, idx)
		}
	}
}

func (g *Gazetteer) add(m map[string]int32, key string, idx int32) {
	next, ok := m[key]
	if !ok {
		next = -1
	} else if g.nodes[next].entry == idx {
		return // same entry already heads this chain
	}
	m[key] = int32(len(g.nodes))
	g.nodes = append(g.nodes, node{entry: idx, next: next})
}

// walk calls fn for each live entry matching the folded key: exactly, or
// (for entries in countries with Arabic names and supplement entries) once
// Arabic articles are removed from both sides. An entry may be visited more
// than once; fn returns false to stop.
func (g *Gazetteer) walk(key string, fn func(int32) bool) {
	if key == "" {
		return
	}
	visit := func(i int32, looseOnly bool) bool {
		e := &g.entries[i]
		if e.dead() || (looseOnly && !e.isLoose()) {
			return true
		}
		return fn(i)
	}
	chain := func(n int32, looseOnly bool) bool {
		for ; n >= 0; n = g.nodes[n].next {
			if !visit(g.nodes[n].entry, looseOnly) {
				return false
			}
		}
		return true
	}
	sorted := func(k string, looseOnly bool) bool {
		if !g.genSorted {
			return true
		}
		lo, hi := g.genRange(k)
		for i := lo; i < hi; i++ {
			if !visit(int32(i), looseOnly) {
				return false
			}
		}
		return true
	}
	if !sorted(key, false) {
		return
	}
	if n, ok := g.exact[key]; ok && !chain(n, false) {
		return
	}
	lk := looseKey(key)
	if n, ok := g.loose[lk]; ok && !chain(n, true) {
		return
	}
	if lk != key {
		if !sorted(lk, true) {
			return
		}
		if n, ok := g.exact[lk]; ok {
			chain(n, true)
		}
	}
}

// genRange returns the range of sorted generated entries with the key.
func (g *Gazetteer) genRange(key string) (lo, hi int) {
	gen := g.entries[:g.nGen]
	lo = sort.Search(len(gen), func(i int) bool { return gen[i].key >= key })
	hi = lo
	for hi < len(gen) && gen[hi].key == key {
		hi++
	}
	return lo, hi
}

// candidates returns the ranked entry indices for a name.
func (g *Gazetteer) candidates(name string) []int32 {
	key := Fold(name)
	var out []int32
	collect := func(i int32) bool {
		for _, j := range out {
			if j == i {
				return true
			}
		}
		out = append(out, i)
		return true
	}
	g.walk(key, collect)
	if len(out) == 0 {
		// "Idlib province", "Kherson region": prefer the region itself.
		if short, ok := stripRegionWord(key); ok {
			g.walk(short, collect)
			regions := out[:0:0]
			for _, i := range out {
				if kindNames[g.entries[i].kind] != KindCity {
					regions = append(regions, i)
				}
			}
			if len(regions) > 0 {
				out = regions
			}
		}
	}
	g.rank(out)
	return out
}

// seatDistance: a generated region takes the coordinates of its seat, so
// a city of the same name this close (micro-degrees) is that seat.
const seatDistance = 50_000

// rank orders candidates: user entries, then supplement entries (each in
// file order), then generated ones by population, except that a city
// comes before the region of the same name it is the seat of (Kherson).
func (g *Gazetteer) rank(c []int32) {
	if len(c) < 2 {
		return
	}
	sort.SliceStable(c, func(x, y int) bool {
		a, b := &g.entries[c[x]], &g.entries[c[y]]
		if a.tier() != b.tier() {
			return a.tier() > b.tier()
		}
		if a.tier() != tierGenerated {
			return a.seq < b.seq
		}
		if a.pop != b.pop {
			return a.pop > b.pop
		}
		return a.id < b.id
	})
	var moved []int32
	for i := 0; i < len(c); i++ {
		a := &g.entries[c[i]]
		if a.tier() != tierGenerated || a.kind == 0 || containsIdx(moved, c[i]) {
			continue
		}
		for j := i + 1; j < len(c); j++ {
			b := &g.entries[c[j]]
			if b.tier() == tierGenerated && b.kind == 0 && b.country == a.country &&
				absDiff(a.lat, b.lat) <= seatDistance && absDiff(a.lon, b.lon) <= seatDistance {
				// The city is the region's seat (the region has its
				// coordinates): it goes first.
				r := c[i]
				copy(c[i:j], c[i+1:j+1])
				c[j] = r
				moved = append(moved, r)
				i--
				break
			}
		}
	}
}

func containsIdx(list []int32, x int32) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// Lookup returns the candidates for a name, best first: entries of user
// files and of the supplement first (in file order), then generated places
// by population. Matching ignores case and diacritics, "-" versus " ", and
// Arabic article variants (al-/el-/as-/ad-/ash-...) for places in
// Arabic-speaking countries and supplement entries. A name ending in
// "province", "region", "governorate", "oblast", "state"... that is not
// known as such is tried without that word, preferring regions.
func (g *Gazetteer) Lookup(name string) []Place {
	c := g.candidates(name)
	if len(c) == 0 {
		return nil
	}
	out := make([]Place, len(c))
	for i, idx := range c {
		out[i] = g.place(idx)
	}
	return out
}

// Resolve picks one place for a name given the countries of the document
// (ISO3, most salient first). The best candidate wins when it lies in one
// of those countries, or is a hand-written area that spans countries (no
// country); otherwise the best candidate in the most salient context
// country that has one; otherwise the best candidate overall (the
// first supplement entry, or else the most populous place). ok is false
// when the name is unknown.
func (g *Gazetteer) Resolve(name string, contextCountries []string) (Place, bool) {
	c := g.candidates(name)
	if len(c) == 0 {
		return Place{}, false
	}
	best := c[0]
	if e := &g.entries[best]; e.tier() != tierGenerated && e.country == 0 {
		// "the Red Sea", "the Sahel": a hand-written area that spans
		// countries is not pulled to a region of the same name in a
		// context country (Red Sea State, Red Sea Governorate)
		return g.place(best), true
	}
	for _, cc := range contextCountries {
		if strings.EqualFold(g.countries[g.entries[best].country], cc) {
			return g.place(best), true
		}
	}
	for _, cc := range contextCountries {
		for _, i := range c {
			if strings.EqualFold(g.countries[g.entries[i].country], cc) {
				return g.place(i), true
			}
		}
	}
	return g.place(best), true
}

// Has reports whether name is a known place. name is normally already
// folded (a key from Names or the output of Fold); other input is folded.
func (g *Gazetteer) Has(name string) bool {
	key := Fold(name)
	found := false
	g.walk(key, func(int32) bool { found = true; return false })
	if !found {
		if short, ok := stripRegionWord(key); ok {
			g.walk(short, func(i int32) bool {
				found = g.entries[i].kind != 0
				return !found
			})
		}
	}
	return found
}

// minLooseName is the shortest article-free key that Names lists: shorter
// ones ("bab" of Al-Bab) are too ambiguous to be matched alone in text.
const minLooseName = 4

// Names calls fn once for every distinct folded name or alias key, with the
// largest population among its places and whether any of them comes from
// the supplement or a user file. Keys include the Arabic-article-free forms
// ("hasakah" for Al-Hasakah) of four letters or more.
func (g *Gazetteer) Names(fn func(name string, population int, supplement bool)) {
	type agg struct {
		pop       int
		sup, live bool
	}
	add := func(a *agg, i int32) {
		e := &g.entries[i]
		if e.dead() {
			return
		}
		a.live = true
		a.pop = max(a.pop, int(e.pop))
		if e.tier() != tierGenerated {
			a.sup = true
		}
	}
	chain := func(a *agg, m map[string]int32, key string) {
		if n, ok := m[key]; ok {
			for ; n >= 0; n = g.nodes[n].next {
				add(a, g.nodes[n].entry)
			}
		}
	}
	inGen := func(key string) bool {
		if !g.genSorted {
			return false
		}
		lo, hi := g.genRange(key)
		return hi > lo
	}
	if g.genSorted {
		gen := g.entries[:g.nGen]
		for lo := 0; lo < len(gen); {
			key := gen[lo].key
			var a agg
			hi := lo
			for ; hi < len(gen) && gen[hi].key == key; hi++ {
				add(&a, int32(hi))
			}
			chain(&a, g.exact, key)
			chain(&a, g.loose, key)
			if a.live {
				fn(key, a.pop, a.sup)
			}
			lo = hi
		}
	}
	for key := range g.exact {
		if inGen(key) {
			continue
		}
		var a agg
		chain(&a, g.exact, key)
		chain(&a, g.loose, key)
		if a.live {
			fn(key, a.pop, a.sup)
		}
	}
	for key := range g.loose {
		if _, ok := g.exact[key]; ok || len(key) < minLooseName || inGen(key) {
			continue
		}
		var a agg
		chain(&a, g.loose, key)
		if a.live {
			fn(key, a.pop, a.sup)
		}
	}
}

// Len returns the number of places.
func (g *Gazetteer) Len() int {
	n := 0
	for i := range g.entries {
		if !g.entries[i].dead() {
			n++
		}
	}
	return n
}
