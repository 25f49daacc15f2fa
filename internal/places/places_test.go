package places

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// load builds one gazetteer per test binary run; the tests only read it.
func load(t *testing.T) *Gazetteer {
	t.Helper()
	g, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return g
}

func near(p Place, lat, lon, tol float64) bool {
	return math.Abs(p.Lat-lat) <= tol && math.Abs(p.Lon-lon) <= tol
}

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Damascus":         "damascus",
		"İstanbul":         "istanbul",
		"ISTANBUL":         "istanbul",
		"Şanlıurfa":        "sanliurfa",
		"Deir ez-Zor":      "deir ez zor",
		"Ma'rib":           "marib",
		"Ma’rib":           "marib",
		"  São   Paulo  ":  "sao paulo",
		"Zaporizhzhia":     "zaporizhzhia",
		"Ḩalabjah":         "halabjah",
		"St. Petersburg":   "st petersburg",
		"Łódź":             "lodz",
		"Xankəndi":         "xankendi",
		"Cox's Bazar":      "coxs bazar",
		"Rostov-on-Don":    "rostov on don",
		"Kherson (region)": "kherson region",
		"":                 "",
	}
	for in, want := range cases {
		got := Fold(in)
		if got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
		if again := Fold(got); again != got {
			t.Errorf("Fold is not idempotent on %q: %q", got, again)
		}
	}
}

func TestLooseKey(t *testing.T) {
	cases := map[string]string{
		"deir ez zor":  "deir zor",
		"deir al zor":  "deir zor",
		"al hasakah":   "hasakah",
		"as suwayda":   "suwayda",
		"ash shaddadi": "shaddadi",
		"hasakah":      "hasakah",
		"tal al":       "tal al", // the last token stays
		"el paso":      "paso",
	}
	for in, want := range cases {
		if got := looseKey(in); got != want {
			t.Errorf("looseKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMicro(t *testing.T) {
	cases := map[string]int32{
		"33.5102":     33510200,
		"-70.027":     -70027000,
		"0":           0,
		"-0.4":        -400000,
		"179.999999":  179999999,
		"12.12345678": 12123457,
	}
	for in, want := range cases {
		got, ok := parseMicro(in)
		if !ok || got != want {
			t.Errorf("parseMicro(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "-", "1.2.3", "abc", "181", "1e5"} {
		if _, ok := parseMicro(bad); ok {
			t.Errorf("parseMicro(%q) accepted", bad)
		}
	}
}

func TestWellKnownCities(t *testing.T) {
	g := load(t)
	cases := []struct {
		name     string
		country  string
		lat, lon float64
	}{
		{"Damascus", "SYR", 33.51, 36.29},
		{"Istanbul", "TUR", 41.01, 28.95},
		{"İstanbul", "TUR", 41.01, 28.95},
		{"Ankara", "TUR", 39.92, 32.85},
		{"Şanlıurfa", "TUR", 37.17, 38.79},
		{"Sanliurfa", "TUR", 37.17, 38.79},
		{"Aleppo", "SYR", 36.20, 37.16},
		{"Baghdad", "IRQ", 33.34, 44.40},
		{"Cairo", "EGY", 30.04, 31.24},
		{"Kyiv", "UKR", 50.45, 30.52},
		{"Kiev", "UKR", 50.45, 30.52},
		{"London", "GBR", 51.51, -0.13},
		{"Paris", "FRA", 48.86, 2.35},
		{"Moscow", "RUS", 55.75, 37.62},
		{"Beirut", "LBN", 33.89, 35.50},
		{"Khartoum", "SDN", 15.55, 32.53},
		{"Mogadishu", "SOM", 2.04, 45.34},
	}
	for _, c := range cases {
		p, ok := g.Resolve(c.name, nil)
		if !ok {
			t.Errorf("Resolve(%q): not found", c.name)
			continue
		}
		if p.Country != c.country || !near(p, c.lat, c.lon, 0.2) {
			t.Errorf("Resolve(%q) = %+v, want %s near %.2f,%.2f", c.name, p, c.country, c.lat, c.lon)
		}
	}
}

func TestLookupOrderAndFields(t *testing.T) {
	g := load(t)
	got := g.Lookup("Damascus")
	if len(got) < 2 {
		t.Fatalf("Lookup(Damascus) = %d candidates, want the Syrian capital and US towns", len(got))
	}
	if got[0].Country != "SYR" || got[0].Kind != KindCity {
		t.Errorf("Lookup(Damascus)[0] = %+v, want the Syrian city", got[0])
	}
	if got[0].GeonamesID != 170654 || got[0].Population < 1_000_000 {
		t.Errorf("Damascus did not take GeoNames id and population: %+v", got[0])
	}
	hasUS := false
	for _, p := range got[1:] {
		if p.Country == "USA" {
			hasUS = true
		}
	}
	if !hasUS {
		t.Errorf("Lookup(Damascus) lacks Damascus, Maryland/Oregon: %+v", got)
	}
	// Generated places: the more populous first.
	for _, name := range []string{"Springfield", "San Jose"} {
		c := g.Lookup(name)
		for i := 1; i < len(c); i++ {
			if c[i].Kind == KindCity && c[i-1].Kind == KindCity && c[i].Population > c[i-1].Population {
				t.Errorf("Lookup(%s) not ordered by population at %d: %+v then %+v", name, i, c[i-1], c[i])
			}
		}
	}
	ist, ok := g.Resolve("Istanbul", nil)
	if !ok || ist.Admin1 == "" || ist.Population < 10_000_000 {
		t.Errorf("Istanbul lacks admin1 or population: %+v", ist)
	}
}

func TestConflictSpellings(t *testing.T) {
	g := load(t)
	groups := []struct {
		names    []string
		country  string
		lat, lon float64
	}{
		{[]string{"Suwayda", "Sweida", "As-Suwayda", "Al-Suwayda", "al Suwayda", "SWEIDA"}, "SYR", 32.71, 36.57},
		{[]string{"Deir ez-Zor", "Deir al-Zor", "Deir Ezzor", "Deir el-Zor", "Deir ez Zor", "Dayr az-Zawr"}, "SYR", 35.34, 40.14},
		{[]string{"Raqqa", "Al-Raqqa", "ar-Raqqah", "Raqqah"}, "SYR", 35.95, 39.01},
		{[]string{"Hasakah", "Al-Hasakah", "el-Hasakah", "Hasaka"}, "SYR", 36.50, 40.75},
		{[]string{"Idlib", "Idleb"}, "SYR", 35.93, 36.63},
		{[]string{"Kobani", "Kobane", "Ayn al-Arab", "Ain al-Arab"}, "SYR", 36.89, 38.35},
		{[]string{"Qamishli", "al-Qamishli", "Qamishlo"}, "SYR", 37.05, 41.23},
		{[]string{"El Fasher", "Al-Fashir", "al-Fasher"}, "SDN", 13.63, 25.35},
		{[]string{"Hodeidah", "Al-Hudaydah", "Hudaydah"}, "YEM", 14.80, 42.95},
		{[]string{"Zaporizhzhia", "Zaporozhye"}, "UKR", 47.84, 35.14},
		{[]string{"Bakhmut", "Artemivsk"}, "UKR", 48.59, 38.00},
		{[]string{"Mekelle", "Mek'ele"}, "ETH", 13.50, 39.48},
		{[]string{"Erbil", "Arbil", "Hewler"}, "IRQ", 36.19, 44.01},
	}
	for _, grp := range groups {
		for _, n := range grp.names {
			p, ok := g.Resolve(n, nil)
			if !ok || p.Country != grp.country || !near(p, grp.lat, grp.lon, 0.2) {
				t.Errorf("Resolve(%q) = %+v, %v; want %s near %.2f,%.2f", n, p, ok, grp.country, grp.lat, grp.lon)
			}
			if !g.Has(n) {
				t.Errorf("Has(%q) = false", n)
			}
		}
	}
}

func TestTripoliContext(t *testing.T) {
	g := load(t)
	cases := []struct {
		ctx  []string
		want string
	}{
		{[]string{"LBN"}, "LBN"},
		{[]string{"LBY"}, "LBY"},
		{[]string{"SYR", "LBN"}, "LBN"},
		{[]string{"FRA"}, "LBY"},
		{nil, "LBY"},
	}
	for _, c := range cases {
		p, ok := g.Resolve("Tripoli", c.ctx)
		if !ok || p.Country != c.want {
			t.Errorf("Resolve(Tripoli, %v) = %+v, want %s", c.ctx, p, c.want)
		}
	}
	lb, _ := g.Resolve("Tripoli", []string{"LBN"})
	if !near(lb, 34.43, 35.84, 0.2) {
		t.Errorf("Lebanese Tripoli at %.3f,%.3f", lb.Lat, lb.Lon)
	}
	ly, _ := g.Resolve("Tripoli", []string{"LBY"})
	if !near(ly, 32.89, 13.19, 0.2) {
		t.Errorf("Libyan Tripoli at %.3f,%.3f", ly.Lat, ly.Lon)
	}
	// The best candidate wins when its country is anywhere in the context.
	p, _ := g.Resolve("Donetsk", []string{"RUS", "UKR"})
	if p.Country != "UKR" {
		t.Errorf("Resolve(Donetsk, RUS UKR) = %s, want UKR", p.Country)
	}
}

func TestRegionsAndAreas(t *testing.T) {
	g := load(t)
	cases := []struct {
		name, country, kind string
		lat, lon            float64
	}{
		{"Golan Heights", "SYR", KindArea, 33.0, 35.75},
		{"Gaza", "PSE", KindArea, 31.42, 34.35},
		{"Gaza Strip", "PSE", KindArea, 31.42, 34.35},
		{"Gaza City", "PSE", KindCity, 31.50, 34.47},
		{"West Bank", "PSE", KindArea, 31.95, 35.25},
		{"Donbas", "UKR", KindArea, 48.5, 38.3},
		{"Donbass", "UKR", KindArea, 48.5, 38.3},
		{"Crimea", "UKR", KindRegion, 44.95, 34.10},
		{"Rojava", "SYR", KindRegion, 36.6, 40.0},
		{"Darfur", "SDN", KindArea, 13.0, 24.5},
		{"North Kivu", "COD", KindRegion, -1.68, 29.22},
		{"Tigray", "ETH", KindRegion, 13.50, 39.48},
		{"Nagorno-Karabakh", "AZE", KindRegion, 39.82, 46.75},
		{"Balochistan", "PAK", KindRegion, 30.18, 66.98},
		{"Rakhine", "MMR", KindRegion, 20.15, 92.90},
		{"Sahel", "", KindArea, 14.5, 0},
		{"Kashmir", "", KindArea, 34.5, 75.5},
		{"Idlib province", "SYR", KindRegion, 35.93, 36.63},
		{"Kherson region", "UKR", KindRegion, 46.64, 32.62},
		{"Borno State", "NGA", KindRegion, 11.85, 13.16},
	}
	for _, c := range cases {
		p, ok := g.Resolve(c.name, nil)
		if !ok {
			t.Errorf("Resolve(%q): not found", c.name)
			continue
		}
		if p.Country != c.country || p.Kind != c.kind || !near(p, c.lat, c.lon, 0.2) {
			t.Errorf("Resolve(%q) = %+v, want %s %s near %.2f,%.2f", c.name, p, c.country, c.kind, c.lat, c.lon)
		}
	}
	// An area that spans countries stays one in any context: the Red Sea is
	// not Egypt's or Sudan's region of that name.
	if p, ok := g.Resolve("Red Sea", []string{"EGY", "SDN"}); !ok || p.Country != "" || p.Kind != KindArea {
		t.Errorf("Resolve(Red Sea, EGY SDN) = %+v, want the sea (no country)", p)
	}
	if p, ok := g.Resolve("Sahel", []string{"MLI"}); !ok || p.Country != "" {
		t.Errorf("Resolve(Sahel, MLI) = %+v, want the area (no country)", p)
	}
	// A region's seat of the same name comes first; an unrelated small town
	// of the same name does not.
	if k := g.Lookup("Kherson"); len(k) < 2 || k[0].Kind != KindCity || k[1].Kind != KindRegion {
		t.Errorf("Lookup(Kherson) = %+v, want the city then the oblast", k)
	}
	w := g.Lookup("Washington")
	if len(w) < 3 || w[0].Admin1 != "District of Columbia" || w[1].Kind != KindRegion {
		t.Errorf("Lookup(Washington) starts %+v, want the capital then the state", w[:min(3, len(w))])
	}
	// Idlib alone is the city; the region is among the candidates.
	idlib := g.Lookup("Idlib")
	if len(idlib) < 2 || idlib[0].Kind != KindCity || idlib[0].Country != "SYR" {
		t.Fatalf("Lookup(Idlib) = %+v, want the city first", idlib)
	}
	region := false
	for _, p := range idlib {
		region = region || (p.Kind == KindRegion && p.Country == "SYR")
	}
	if !region {
		t.Errorf("Lookup(Idlib) lacks the governorate: %+v", idlib)
	}
}

func TestUnknown(t *testing.T) {
	g := load(t)
	for _, name := range []string{"Xyzzyqwertville", "", "   ", "the Golan of nowhere"} {
		if p, ok := g.Resolve(name, []string{"SYR"}); ok {
			t.Errorf("Resolve(%q) = %+v, want not found", name, p)
		}
		if g.Lookup(name) != nil {
			t.Errorf("Lookup(%q) not empty", name)
		}
		if g.Has(name) {
			t.Errorf("Has(%q) = true", name)
		}
	}
	// Arabic articles are removed only for places where they belong.
	for _, p := range g.Lookup("El Salvador") {
		if p.Country == "BRA" {
			t.Errorf("El Salvador matched Salvador, Brazil: %+v", p)
		}
	}
}

func TestHasAndNames(t *testing.T) {
	g := load(t)
	for _, k := range []string{"damascus", "hasakah", "al hasakah", "sweida", "deir zor", "istanbul", "sanliurfa"} {
		if !g.Has(k) {
			t.Errorf("Has(%q) = false", k)
		}
	}
	keys := map[string]struct {
		pop int
		sup bool
	}{}
	dup := 0
	g.Names(func(name string, pop int, sup bool) {
		if _, seen := keys[name]; seen {
			dup++
		}
		if name != Fold(name) {
			t.Errorf("Names gave an unfolded key %q", name)
		}
		keys[name] = struct {
			pop int
			sup bool
		}{pop, sup}
	})
	if dup > 0 {
		t.Errorf("Names repeated %d keys", dup)
	}
	if len(keys) < 100_000 {
		t.Errorf("Names gave %d keys, want > 100000", len(keys))
	}
	if k := keys["sweida"]; !k.sup || k.pop < 10_000 {
		t.Errorf("sweida = %+v, want a supplement key with the city's population", k)
	}
	if k := keys["istanbul"]; k.pop < 10_000_000 || k.sup {
		t.Errorf("istanbul = %+v", k)
	}
	if k, ok := keys["hasakah"]; !ok || k.pop == 0 {
		t.Errorf("hasakah (article-free key) = %+v, %v", k, ok)
	}
	for k := range keys {
		if !g.Has(k) {
			t.Fatalf("Has(%q) = false for a key from Names", k)
		}
	}
}

func TestSupplementSize(t *testing.T) {
	g := load(t)
	n := 0
	kinds := map[string]int{}
	for i := g.nGen; i < len(g.entries); i++ {
		if !g.entries[i].dead() {
			n++
			kinds[kindNames[g.entries[i].kind]]++
		}
	}
	if n < 150 {
		t.Errorf("supplement has %d live entries, want >= 150", n)
	}
	if kinds[KindRegion] < 20 || kinds[KindArea] < 20 {
		t.Errorf("supplement kinds = %v", kinds)
	}
	if g.Len() < 100_000 {
		t.Errorf("Len = %d", g.Len())
	}
}

func TestLoadFile(t *testing.T) {
	g := load(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.tsv")
	data := strings.Join([]string{
		"# a user file",
		"Camp Nowhere\tNowhere camp\t10.5\t20.25\tTCD\tOuaddaï\tarea",
		"Tripoli\t\t34.44\t35.85\tLBN\tNorth Lebanon\tcity\t250000",
		"-Sahel",
		"-Damascus\t\t\t\tUSA",
	}, "\n")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := g.LoadFile(path); err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	p, ok := g.Resolve("nowhere camp", nil)
	if !ok || p.Country != "TCD" || p.Kind != KindArea || p.Lat != 10.5 || p.Lon != 20.25 || p.Admin1 != "Ouaddaï" {
		t.Errorf("user entry = %+v, %v", p, ok)
	}
	// The user's Tripoli replaces the embedded Lebanese one and now ranks first.
	p, _ = g.Resolve("Tripoli", nil)
	if p.Country != "LBN" || p.Population != 250000 {
		t.Errorf("Resolve(Tripoli) after LoadFile = %+v, want the user's LBN entry", p)
	}
	n := 0
	for _, c := range g.Lookup("Tripoli") {
		if c.Country == "LBN" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("Tripoli has %d LBN candidates after override, want 1", n)
	}
	if g.Has("Sahel") {
		t.Errorf("Sahel still known after removal")
	}
	for _, c := range g.Lookup("Damascus") {
		if c.Country == "USA" {
			t.Errorf("Damascus, USA still known after removal: %+v", c)
		}
	}
	if _, ok := g.Resolve("Damascus", nil); !ok {
		t.Errorf("removing Damascus USA removed the Syrian one too")
	}

	bad := filepath.Join(dir, "bad.tsv")
	if err := os.WriteFile(bad, []byte("Nowhere\t\tnorth\t20\tTCD\t\tcity\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := g.LoadFile(bad); err == nil || !strings.Contains(err.Error(), "bad.tsv:1") {
		t.Errorf("LoadFile(bad) error = %v, want one naming bad.tsv:1", err)
	}
	if err := g.LoadFile(filepath.Join(dir, "missing.tsv")); err == nil {
		t.Errorf("LoadFile(missing) succeeded")
	}
}

// TestUnsortedFallback checks that the loader indexes the generated table
// by hash when its keys are not trusted (another fold version).
func TestUnsortedFallback(t *testing.T) {
	g := &Gazetteer{countries: []string{""}, countryIx: map[string]uint16{"": 0}, articleCountry: []bool{false}}
	g.articleCountry[g.country("SYR")] = true
	tsv := ("#fold\told\n=Damascus\nzzz town\tZzz Town\tUSA\t1\t2\t\t5\t7\tc\n" +
		"damascus\tDamascus\tSYR\t33.5\t36.3\t0\t100\t9\tc\n+ash sham\t1\n")
	if err := g.loadGenerated(tsv); err != nil {
		t.Fatal(err)
	}
	if g.genSorted {
		t.Fatal("genSorted with an old fold version")
	}
	for _, n := range []string{"Damascus", "Ash-Sham", "sham", "Zzz Town"} {
		if !g.Has(n) {
			t.Errorf("Has(%q) = false", n)
		}
	}
	p, _ := g.Resolve("damascus", nil)
	if p.Admin1 != "Damascus" || p.GeonamesID != 9 || p.Population != 100 {
		t.Errorf("Resolve(damascus) = %+v", p)
	}
}

func TestGeneratedErrors(t *testing.T) {
	bad := map[string]string{
		"columns":    "#fold\tfold-v1\ndamascus\tDamascus\tSYR\t33.5\n",
		"number":     "#fold\tfold-v1\ndamascus\tDamascus\tSYR\tnorth\t36.3\t\t1\t2\tc\n",
		"region":     "#fold\tfold-v1\ndamascus\tDamascus\tSYR\t33.5\t36.3\t4\t1\t2\tc\n",
		"empty key":  "#fold\tfold-v1\n\tDamascus\tSYR\t33.5\t36.3\t\t1\t2\tc\n",
		"extra key":  "#fold\tfold-v1\n+sham\t0\n",
		"latitude":   "#fold\tfold-v1\nx\tX\tSYR\t333.5\t36.3\t\t1\t2\tc\n",
		"population": "#fold\tfold-v1\nx\tX\tSYR\t33.5\t36.3\t\t-1\t2\tc\n",
	}
	for name, data := range bad {
		g := &Gazetteer{countries: []string{""}, countryIx: map[string]uint16{"": 0}, articleCountry: []bool{false}}
		if err := g.loadGenerated(data); err == nil {
			t.Errorf("%s: loadGenerated accepted %q", name, data)
		}
	}
}
