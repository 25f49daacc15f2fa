package actors

import (
	"github.com/sitrep/sitrep"
)

// Resolution is the answer to "what actor is this phrase?".
type Resolution struct {
	Text    string   `json:"text"`
	Code    string   `json:"code"`
	Country string   `json:"country"`
	Sectors []string `json:"sectors"`
	// Entity is the canonical name of what the phrase names.
	Entity string `json:"entity"`
	Type   string `json:"type"`
	Known  bool   `json:"known"`
	// Matched lists the dictionary entries (file:line) that gave the answer.
	Matched string `json:"matched"`
	// Role is the office in force on the date, for people.
	Role string `json:"role,omitempty"`
}

var resolveRank = map[string]int{MPerson: 0, MOrg: 1, MGroup: 2, MMetonym: 3, MCountry: 4, MPlace: 5, "demonym": 6, MOther: 7}

// Resolve resolves one phrase on a date (YYYY-MM-DD, may be empty): the
// head actor of the phrase, with the entries that matched.
func (d *Dictionary) Resolve(phrase, date string) Resolution {
	sent := []sitrep.Sentence{{Index: 0, Start: 0, End: len(phrase), Text: phrase}}
	doc := d.Recognize(phrase, sent, date, nil)
	res := Resolution{Text: phrase, Sectors: []string{}}
	var best *Mention
	for i := range doc.Mentions[0] {
		m := &doc.Mentions[0][i]
		if m.Role == "affiliation" {
			continue
		}
		if best == nil || resolveRank[m.Kind] < resolveRank[best.Kind] || (resolveRank[m.Kind] == resolveRank[best.Kind] && m.End-m.Start > best.End-best.Start) {
			best = m
		}
	}
	if best == nil {
		return res
	}
	res.Code, res.Country, res.Matched = best.Code, best.Country, best.Matched
	if best.Sectors != nil {
		res.Sectors = best.Sectors
	}
	if best.Entity >= 0 && best.Entity < len(doc.Entities) {
		e := doc.Entities[best.Entity]
		res.Entity, res.Type, res.Known = e.Name, e.Type, e.Known
		if e.Type == sitrep.TypePerson {
			res.Role = e.Role
		}
		if res.Country == "" {
			res.Country = e.Country
		}
	}
	if best.Kind == "demonym" {
		res.Type, res.Known, res.Entity = sitrep.TypeCountry, true, d.CountryName(best.Country)
	}
	if res.Code == "" {
		res.Code = code(res.Country, res.Sectors)
	}
	return res
}
