// Package storetest is the conformance suite every store backend passes:
// storage properties (idempotency, atomicity, near duplicates, event
// merging, queries, dump and restore) checked with extractions built by
// hand, so that the expected records are exact.
package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/sitrep/sitrep"
)

// Doc builds the extraction of a document whose sentences are the given
// ones (joined by a space), with no entities or events.
func Doc(id, outlet, published string, sentences ...string) *sitrep.Extraction {
	text := strings.Join(sentences, " ")
	sum := sha256.Sum256([]byte(text))
	x := &sitrep.Extraction{
		Document: sitrep.Document{
			ID: id, Outlet: outlet, Published: sitrep.StrPtr(published), PublishedSource: sitrep.PublishedInput,
			Language: "en", Offsets: "bytes", SHA256: hex.EncodeToString(sum[:]), Text: text,
			Title: "Report " + id,
		},
		Sentences: []sitrep.Sentence{}, Dates: []sitrep.DateExpr{}, Entities: []sitrep.Entity{},
		Events: []sitrep.Event{}, Quotes: []sitrep.Quote{}, Agreements: []sitrep.Agreement{}, Commitments: []sitrep.Commitment{},
	}
	off := 0
	for i, s := range sentences {
		x.Sentences = append(x.Sentences, sitrep.Sentence{Index: i, Start: off, End: off + len(s), Text: s})
		off += len(s) + 1
	}
	return x
}

// Side is an event side: code, country and name.
type Side struct{ Code, Country, Name string }

// Country sides used by the suite.
var (
	TUR    = Side{"TUR", "TUR", "Turkey"}
	SYR    = Side{"SYR", "SYR", "Syria"}
	ISR    = Side{"ISR", "ISR", "Israel"}
	TURMIL = Side{"TURMIL", "TUR", "Turkish armed forces"}
	SYRGOV = Side{"SYRGOV", "SYR", "Syrian government"}
)

// AddEvent adds an event found in sentence sent of x and the entities of
// its sides. place may be "".
func AddEvent(x *sitrep.Extraction, sent int, src, tgt Side, cameo, plover string, quad int, goldstein float64, date, place string) *sitrep.Event {
	ent := func(s Side) string {
		for _, e := range x.Entities {
			if e.Name == s.Name && e.Code == s.Code {
				return e.ID
			}
		}
		id := fmt.Sprintf("t%d", len(x.Entities)+1)
		typ := sitrep.TypeCountry
		if len(s.Code) > 3 {
			typ = sitrep.TypeOrg
		}
		x.Entities = append(x.Entities, sitrep.Entity{ID: id, Name: s.Name, Type: typ, Code: s.Code, Country: s.Country, Known: true,
			Sectors: []string{}, Mentions: []sitrep.Span{{Start: 0, End: 1, Sentence: sent}}})
		return id
	}
	ev := sitrep.Event{
		ID:     fmt.Sprintf("e%d", len(x.Events)+1),
		Source: sitrep.Actor{Entity: ent(src), Name: src.Name, Code: src.Code, Country: src.Country},
		Target: sitrep.Actor{Entity: ent(tgt), Name: tgt.Name, Code: tgt.Code, Country: tgt.Country},
		CAMEO:  cameo, PLOVER: plover, QuadClass: quad, Goldstein: goldstein,
		Date: sitrep.StrPtr(date), DatePrecision: sitrep.PrecisionDay, Modality: sitrep.ModalityAsserted,
		Sentence: sent, Text: x.Sentences[sent].Text, Confidence: 0.9,
	}
	if date == "" {
		ev.DatePrecision = sitrep.PrecisionUnknown
	}
	if place != "" {
		ev.Location = &sitrep.Location{Name: place, Country: "SYR", Lat: 33.5, Lon: 36.3}
	}
	x.Events = append(x.Events, ev)
	return &x.Events[len(x.Events)-1]
}

// Sentences the suite builds documents from: the project's own words.
var (
	strikeA = "Warplanes struck an arms depot on the southern edge of Damascus before dawn on Wednesday, residents said."
	strikeB = "The defence ministry said the raid destroyed stores of rockets and that nobody on the ground was hurt."
	strikeC = "Officials in the capital described the attack as a violation of sovereignty and called for restraint."
	talksA  = "Delegations from Ankara and Damascus met in the border town for a second round of talks on water sharing."
	talksB  = "Both sides agreed to form a technical committee that will report within three months on river flows."
	talksC  = "A spokesman for the foreign ministry said the meeting was constructive and that another round would follow."
	airA    = "Syria asked Turkey for help in rebuilding its air defence network after weeks of strikes on its bases."
	airB    = "Turkish officials said a team would assess which radar and missile systems could be delivered first."
	airC    = "The request for air defence equipment was confirmed by two diplomats who spoke on condition of anonymity."
	trainA  = "Turkey and Syria signed a memorandum on military training that sends Turkish advisers to Syrian academies."
	trainB  = "Under the memorandum Turkish instructors will train Syrian officers in logistics and command for two years."
	trainC  = "The first group of trainers arrived in the Syrian capital this week, according to a defence ministry statement."
	aidA    = "A convoy of forty trucks carrying food and medicine crossed into the northern province on Thursday morning."
	aidB    = "Aid workers said the supplies would reach about twelve thousand families living in camps near the border."
)
