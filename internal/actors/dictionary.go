// Package actors recognises who and where in a document: countries,
// demonyms, capitals, generic agents, named organisations, people with
// date-bounded roles and places, resolved to CAMEO-style actor codes, with
// in-document coreference.
package actors

import (
	_ "embed"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/places"
	"github.com/sitrep/sitrep/internal/text"
	"github.com/sitrep/sitrep/internal/tsv"
)

// Kinds of dictionary entries.
const (
	KindCountry = "country"
	KindDemonym = "demonym"
	KindCapital = "capital"
	KindAgent   = "agent"
	KindOrg     = "org"
	KindPerson  = "person"
	KindPlace   = "place"
)

// Agent kinds (agents.tsv).
const (
	AgentOrg   = "ORG"
	AgentGroup = "GROUP"
	AgentRole  = "ROLE"
	AgentTitle = "TITLE"
)

// Role is one date-bounded office of a person.
type Role struct {
	Country string
	Sectors []string
	Role    string
	Start   string
	End     string
	Source  string
}

// Person is a dictionary person with their roles.
type Person struct {
	Name    string
	Aliases []string
	Roles   []Role
}

// RoleAt returns the role in force on date (YYYY-MM-DD); ok is false when
// none is. With an empty date the latest role is taken.
func (p *Person) RoleAt(date string) (Role, bool) {
	if len(p.Roles) == 0 {
		return Role{}, false
	}
	if date == "" {
		best := p.Roles[0]
		for _, r := range p.Roles[1:] {
			if r.End == "" || (best.End != "" && r.End > best.End) {
				best = r
			}
		}
		return best, best.End == ""
	}
	var found *Role
	for i := range p.Roles {
		r := &p.Roles[i]
		if r.Start != "" && date < padStart(r.Start) {
			continue
		}
		if r.End != "" && date > padEnd(r.End) {
			continue
		}
		// prefer the most recently started role
		if found == nil || r.Start > found.Start {
			found = r
		}
	}
	if found == nil {
		return Role{}, false
	}
	return *found, true
}

func padStart(d string) string {
	switch len(d) {
	case 4:
		return d + "-01-01"
	case 7:
		return d + "-01"
	}
	return d
}

func padEnd(d string) string {
	switch len(d) {
	case 4:
		return d + "-12-31"
	case 7:
		return d + "-31"
	}
	return d
}

// Entry is what a dictionary name stands for.
type Entry struct {
	Kind      string
	Name      string // canonical display name
	Country   string
	Sectors   []string
	Code      string
	AgentKind string // for agents: ORG GROUP ROLE TITLE
	OrgKind   string // for orgs: IGO ARMED MEDIA PARTY ORG
	Person    *Person
	Place     *places.Place
	Source    string // file:line
	// Exact is the surface form that must match case-sensitively (short
	// all-caps aliases such as "US", "AA"), empty when case is free.
	Exact string
	// Pop is the population of a gazetteer place, for ranking.
	Pop int
}

type pattern struct {
	n       int // tokens
	entries []*Entry
}

// Dictionary is the loaded actor, agent and place dictionaries with one
// automaton over all their names.
type Dictionary struct {
	seg       *text.Segmenter
	auto      *automaton
	patterns  []*pattern
	byKey     map[string]int32
	countries map[string]*Country
	translit  map[string]string
	orgHeads  map[string]string
	common    map[string]bool
	affix     map[string]bool
	adjective map[string]bool
	verbal    map[string]bool
	gaz       *places.Gazetteer
	Version   string
	Loaded    time.Duration
}

// Country is one row of countries.tsv.
type Country struct {
	ISO3, ISO2, Name string
	Aliases          []string
	Demonyms         []string
	Capitals         []string
}

// CountryName returns the display name of an ISO3 code.
func (d *Dictionary) CountryName(iso3 string) string {
	if c := d.countries[iso3]; c != nil {
		return c.Name
	}
	return iso3
}

// CountryDemonym returns the adjective of a country ("Turkish"), or its name.
func (d *Dictionary) CountryDemonym(iso3 string) string {
	if c := d.countries[iso3]; c != nil {
		if len(c.Demonyms) > 0 {
			return c.Demonyms[0]
		}
		return c.Name
	}
	return iso3
}

func (d *Dictionary) resolvePlace(name string, countries []string) (places.Place, bool) {
	if d.gaz == nil {
		return places.Place{}, false
	}
	return d.gaz.Resolve(name, countries)
}

// Gazetteer returns the places table.
func (d *Dictionary) Gazetteer() *places.Gazetteer { return d.gaz }

//go:embed translit.tsv
var translitData []byte

//go:embed words.tsv
var wordsData []byte

// Load reads the embedded dictionaries overlaid by ds and builds the automaton.
func Load(ds *dict.Set) (*Dictionary, error) {
	t0 := time.Now()
	d := &Dictionary{
		seg:       text.NewSegmenter(),
		auto:      newAutomaton(),
		byKey:     map[string]int32{},
		countries: map[string]*Country{},
		translit:  map[string]string{},
		orgHeads:  map[string]string{},
		common:    map[string]bool{},
		affix:     map[string]bool{},
		adjective: map[string]bool{},
		verbal:    map[string]bool{},
		Version:   dict.Version(),
	}
	if err := tsv.Parse(translitData, func(r tsv.Row) error {
		for _, v := range r.List(1) {
			d.translit[text.Fold(v)] = text.Fold(r.Field(0))
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("translit table: %w", err)
	}
	if err := tsv.Parse(wordsData, func(r tsv.Row) error {
		switch r.Field(0) {
		case "orghead":
			for _, w := range r.List(1) {
				d.orgHeads[text.Fold(w)] = strings.Trim(r.Field(2), "\"")
			}
		case "adjectival":
			for _, w := range r.List(1) {
				d.adjective[text.Fold(w)] = true
			}
		case "verbal":
			for _, w := range r.List(1) {
				d.verbal[text.Fold(w)] = true
			}
		case "affix":
			for _, w := range r.List(1) {
				d.affix[text.Fold(w)] = true
			}
		case "common":
			for _, w := range strings.Fields(r.Field(1)) {
				d.common[text.Fold(w)] = true
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("word lists: %w", err)
	}
	loaders := []struct {
		file string
		fn   func(src string, r tsv.Row) error
	}{
		{"countries.tsv", d.addCountry},
		{"agents.tsv", d.addAgent},
		{"orgs.tsv", d.addOrg},
		{"people.tsv", d.addPerson},
	}
	people := map[string]*Person{}
	for _, l := range loaders {
		srcs, err := ds.Files(l.file)
		if err != nil {
			return nil, err
		}
		for _, s := range srcs {
			src := s.Name
			fn := l.fn
			if l.file == "people.tsv" {
				fn = func(src string, r tsv.Row) error { return d.collectPerson(people, src, r) }
			}
			if err := tsv.Parse(s.Data, func(r tsv.Row) error { return fn(src, r) }); err != nil {
				return nil, fmt.Errorf("dictionary %s: %w", src, err)
			}
		}
	}
	for _, p := range people {
		e := &Entry{Kind: KindPerson, Name: p.Name, Person: p, Source: p.Roles[0].Source}
		if r, ok := p.RoleAt(""); ok || len(p.Roles) > 0 {
			e.Country, e.Sectors = r.Country, r.Sectors
		}
		d.addName(p.Name, e)
		for _, a := range p.Aliases {
			d.addName(a, e)
		}
	}
	gaz, err := places.Load()
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	srcs, err := ds.Files("places.tsv")
	if err != nil {
		return nil, err
	}
	for _, s := range srcs {
		if strings.HasPrefix(s.Name, "embedded:") {
			continue
		}
		if err := gaz.LoadFile(s.Name); err != nil {
			return nil, fmt.Errorf("places %s: %w", s.Name, err)
		}
	}
	d.gaz = gaz
	gaz.Names(func(name string, pop int, supplement bool) {
		if !supplement && pop < 50000 {
			return
		}
		if d.common[text.Fold(name)] {
			return
		}
		d.addName(name, &Entry{Kind: KindPlace, Name: name, Pop: pop, Source: "gazetteer"})
	})
	d.auto.build()
	d.Loaded = time.Since(t0)
	return d, nil
}

// keys turns a name into canonical token keys.
func (d *Dictionary) keys(name string) ([]string, []text.Token) {
	toks := d.seg.Tokenize(name, 0)
	ks := make([]string, 0, len(toks))
	for _, t := range toks {
		ks = append(ks, d.canon(t.Key))
	}
	return ks, toks
}

// canon maps a folded token key to its canonical form: Arabic article
// prefixes dropped, transliteration variants unified, q as k.
func (d *Dictionary) canon(k string) string {
	for _, p := range []string{"al-", "el-", "as-", "ad-", "ash-", "at-", "an-", "ar-", "az-", "ad-"} {
		if strings.HasPrefix(k, p) && len(k) > len(p)+1 {
			k = k[len(p):]
			break
		}
	}
	if strings.HasSuffix(k, "'s") {
		return k
	}
	if v, ok := d.translit[k]; ok {
		k = v
	}
	if strings.ContainsRune(k, 'q') {
		k = strings.ReplaceAll(k, "q", "k")
	}
	return k
}

func (d *Dictionary) addName(name string, e *Entry) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	ks, _ := d.keys(name)
	if len(ks) == 0 {
		return
	}
	// short all-caps aliases (US, AA, IS, MIT) match only in that exact case
	if utf8.RuneCountInString(name) <= 4 && isAllCaps(name) {
		c := *e
		c.Exact = name
		e = &c
	}
	key := strings.Join(ks, " ")
	if id, ok := d.byKey[key]; ok {
		p := d.patterns[id]
		for _, old := range p.entries {
			if old == e {
				return
			}
		}
		p.entries = append(p.entries, e)
		return
	}
	id := int32(len(d.patterns))
	d.patterns = append(d.patterns, &pattern{n: len(ks), entries: []*Entry{e}})
	d.byKey[key] = id
	d.auto.add(ks, id)
}

func isAllCaps(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if !unicode.IsUpper(r) {
				return false
			}
		}
	}
	return letters > 0
}

func (d *Dictionary) addCountry(src string, r tsv.Row) error {
	iso3 := r.Field(0)
	if strings.HasPrefix(iso3, "-") {
		return nil
	}
	c := &Country{ISO3: iso3, ISO2: r.Field(1), Name: r.Field(2), Aliases: r.List(3), Demonyms: r.List(4), Capitals: r.List(5)}
	d.countries[iso3] = c
	where := fmt.Sprintf("%s:%d", src, r.Line)
	ce := &Entry{Kind: KindCountry, Name: c.Name, Country: iso3, Code: iso3, Source: where}
	d.addName(c.Name, ce)
	for _, a := range c.Aliases {
		d.addName(a, ce)
	}
	de := &Entry{Kind: KindDemonym, Name: c.Name, Country: iso3, Code: iso3, Source: where}
	for _, a := range c.Demonyms {
		d.addName(a, de)
	}
	for _, a := range c.Capitals {
		d.addName(a, &Entry{Kind: KindCapital, Name: a, Country: iso3, Sectors: []string{"GOV"}, Code: iso3 + "GOV", Source: where})
	}
	return nil
}

func (d *Dictionary) addAgent(src string, r tsv.Row) error {
	phrase := r.Field(0)
	if phrase == "" || strings.HasPrefix(phrase, "-") {
		return nil
	}
	e := &Entry{Kind: KindAgent, Name: phrase, Sectors: r.List(1), AgentKind: strings.ToUpper(r.Field(2)), Source: fmt.Sprintf("%s:%d", src, r.Line)}
	if e.AgentKind == "" {
		e.AgentKind = AgentGroup
	}
	d.addName(phrase, e)
	return nil
}

func (d *Dictionary) addOrg(src string, r tsv.Row) error {
	name := r.Field(0)
	if name == "" || strings.HasPrefix(name, "-") {
		return nil
	}
	e := &Entry{Kind: KindOrg, Name: name, Code: r.Field(2), Country: r.Field(3), Sectors: r.List(4), OrgKind: strings.ToUpper(r.Field(5)), Source: fmt.Sprintf("%s:%d", src, r.Line)}
	if e.Code == "" {
		e.Code = e.Country + first(e.Sectors)
	}
	d.addName(name, e)
	for _, a := range r.List(1) {
		d.addName(a, e)
	}
	return nil
}

func (d *Dictionary) collectPerson(people map[string]*Person, src string, r tsv.Row) error {
	name := r.Field(0)
	if name == "" {
		return nil
	}
	if strings.HasPrefix(name, "-") {
		delete(people, strings.TrimPrefix(name, "-"))
		return nil
	}
	p := people[name]
	if p == nil {
		p = &Person{Name: name}
		people[name] = p
	}
	for _, a := range r.List(1) {
		if !contains(p.Aliases, a) {
			p.Aliases = append(p.Aliases, a)
		}
	}
	p.Roles = append(p.Roles, Role{Country: r.Field(2), Sectors: r.List(3), Role: r.Field(4), Start: r.Field(5), End: r.Field(6), Source: fmt.Sprintf("%s:%d", src, r.Line)})
	return nil
}

func (d *Dictionary) addPerson(string, tsv.Row) error { return nil }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func first(xs []string) string {
	if len(xs) > 0 {
		return xs[0]
	}
	return ""
}
