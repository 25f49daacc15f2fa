package tracking

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/text"
)

// CanonAgreement is one agreement followed across documents.
type CanonAgreement struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Kind       string              `json:"kind"`
	Aliases    []string            `json:"aliases"`
	Date       *string             `json:"date"`
	Parties    []sitrep.Actor      `json:"parties"`
	Monitors   []sitrep.Actor      `json:"monitors"`
	Provisions []string            `json:"provisions"`
	Status     string              `json:"status"`
	Score      int                 `json:"score"`
	ScoreWord  string              `json:"score_word"`
	Timeline   []sitrep.StatusStep `json:"timeline"`
	Documents  []string            `json:"documents"`
}

// CanonCommitment is one commitment followed across documents.
type CanonCommitment struct {
	ID        string              `json:"id"`
	Kind      string              `json:"kind"`
	By        sitrep.Actor        `json:"by"`
	To        sitrep.Actor        `json:"to"`
	What      string              `json:"what"`
	Agreement string              `json:"agreement,omitempty"`
	Status    string              `json:"status"`
	Timeline  []sitrep.StatusStep `json:"timeline"`
	Documents []string            `json:"documents"`
	words     map[string]bool
}

// Ledger holds the canonical agreements and commitments of a corpus. Add
// documents in publication order; every status change keeps its evidence,
// and a report that contradicts an earlier one is kept beside it.
type Ledger struct {
	Agreements  []*CanonAgreement
	Commitments []*CanonCommitment
	// NewID names a new canonical record ("agreement" or "commitment") first
	// seen as local in document x; AG1, CM1, ... when nil.
	NewID func(kind string, x *sitrep.Extraction, local string) string
	// Topics tells the content words that match names and objects
	// (Tracker.Topics); required.
	Topics *Topics
}

// Links maps a document's own agreement and commitment ids to the
// canonical ones they were merged into.
type Links struct {
	Agreements  map[string]string
	Commitments map[string]string
}

// Add merges one document's agreements and commitments into the ledger.
// A near-duplicate (Document.DuplicateOf set) is linked to the canonical
// records but adds no step.
func (l *Ledger) Add(x *sitrep.Extraction) Links {
	links := Links{Agreements: map[string]string{}, Commitments: map[string]string{}}
	dup := x.Document.DuplicateOf != nil && *x.Document.DuplicateOf != ""
	docCountries := documentCountries(x)
	for _, a := range x.Agreements {
		ca := l.matchAgreement(a)
		if ca == nil && a.Date == nil && len(countries(a.Parties)) == 0 {
			// "the agreement", with nothing to tell which: the agreement of
			// the same kind between the document's countries last heard of
			ca = l.latestAmong(a.Kind, docCountries)
		}
		if ca == nil && a.Date == nil && len(countries(a.Parties)) == 0 {
			continue // too vague to stand as an agreement of its own
		}
		if ca == nil {
			if dup {
				continue
			}
			ca = &CanonAgreement{ID: l.newID("agreement", x, a.ID, len(l.Agreements)+1), Name: a.Name, Kind: a.Kind, Status: StatusUnknown, Parties: []sitrep.Actor{}, Monitors: []sitrep.Actor{}, Provisions: []string{}}
			l.Agreements = append(l.Agreements, ca)
		}
		links.Agreements[a.ID] = ca.ID
		if !dup {
			ca.merge(l.Topics, x, a)
		}
	}
	for _, c := range x.Commitments {
		cc := l.matchCommitment(c)
		if cc == nil {
			if dup {
				continue
			}
			cc = &CanonCommitment{ID: l.newID("commitment", x, c.ID, len(l.Commitments)+1), Kind: c.Kind, By: c.By, To: c.To, What: c.What, words: l.Topics.Words(c.What)}
			l.Commitments = append(l.Commitments, cc)
		}
		links.Commitments[c.ID] = cc.ID
		if c.Agreement != "" && cc.Agreement == "" {
			cc.Agreement = links.Agreements[c.Agreement]
		}
		if !dup {
			cc.merge(x, c)
		}
	}
	return links
}

// newerThan breaks ties between two canonical records that match a
// report equally well: the one last heard of wins (its latest step is
// later), then the smaller id, so that the choice does not depend on the
// order the records were read in (a store reads them by key, a Ledger
// keeps them in order of creation).
func newerThan(id string, tl []sitrep.StatusStep, otherID string, other []sitrep.StatusStep) bool {
	a, b := lastStepDate(tl), lastStepDate(other)
	if a != b {
		return a > b
	}
	return id < otherID
}

func lastStepDate(tl []sitrep.StatusStep) string {
	if n := len(tl); n > 0 && tl[n-1].Date != nil {
		return *tl[n-1].Date
	}
	return ""
}

// documentCountries are the countries of the document's countries,
// organisations and people.
func documentCountries(x *sitrep.Extraction) map[string]bool {
	m := map[string]bool{}
	for _, e := range x.Entities {
		if e.Country != "" && (e.Type == sitrep.TypeCountry || e.Type == sitrep.TypeOrg || e.Type == sitrep.TypePerson) {
			m[e.Country] = true
		}
	}
	return m
}

// latestAmong is the canonical agreement of a compatible kind whose parties
// are all among countries, most recently updated first.
func (l *Ledger) latestAmong(kind string, docCountries map[string]bool) *CanonAgreement {
	var best *CanonAgreement
	for _, ca := range l.Agreements {
		if kind != ca.Kind {
			continue
		}
		ps := countries(ca.Parties)
		if len(ps) == 0 || !subset(ps, docCountries) {
			continue
		}
		if best == nil || newerThan(ca.ID, ca.Timeline, best.ID, best.Timeline) {
			best = ca
		}
	}
	return best
}

func (l *Ledger) newID(kind string, x *sitrep.Extraction, local string, n int) string {
	if l.NewID != nil {
		return l.NewID(kind, x, local)
	}
	if kind == "agreement" {
		return fmt.Sprintf("AG%d", n)
	}
	return fmt.Sprintf("CM%d", n)
}

func countries(as []sitrep.Actor) map[string]bool {
	m := map[string]bool{}
	for _, a := range as {
		if a.Country != "" {
			m[a.Country] = true
		}
	}
	return m
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func subset(a, b map[string]bool) bool {
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func compatibleKinds(a, b string) bool {
	if a == b || a == "agreement" || b == "agreement" {
		return true
	}
	return a != "ceasefire" && b != "ceasefire"
}

func daysApart(a, b string) int {
	ta, err1 := time.Parse("2006-01-02", pad(a))
	tb, err2 := time.Parse("2006-01-02", pad(b))
	if err1 != nil || err2 != nil {
		return 1 << 20
	}
	d := ta.Sub(tb).Hours() / 24
	if d < 0 {
		d = -d
	}
	return int(d)
}

func pad(d string) string {
	switch len(d) {
	case 4:
		return d + "-01-01"
	case 7:
		return d + "-01"
	}
	return d
}

// matchAgreement finds the canonical agreement a document's agreement is
// about: same parties, compatible kind, and the same date when both give
// one; without parties, a name that shares most of its words.
func (l *Ledger) matchAgreement(a sitrep.Agreement) *CanonAgreement {
	ap := countries(a.Parties)
	var best *CanonAgreement
	bestScore := 0.0
	for _, ca := range l.Agreements {
		if !compatibleKinds(a.Kind, ca.Kind) {
			continue
		}
		score := 0.0
		switch {
		case a.Date == nil || ca.Date == nil:
		case *a.Date == *ca.Date:
			score++
		case strings.HasPrefix(*ca.Date, *a.Date) || strings.HasPrefix(*a.Date, *ca.Date):
			score += 0.5 // "the August memorandum" and the one signed on 13 August
		case len(*a.Date) == 10 && len(*ca.Date) == 10 && daysApart(*a.Date, *ca.Date) <= 3:
			score += 0.5
		default:
			continue
		}
		cp := countries(ca.Parties)
		switch {
		case len(ap) > 0 && len(cp) > 0 && sameSet(ap, cp):
			score += 2
		case len(ap) > 0 && len(cp) > 0 && (subset(ap, cp) || subset(cp, ap)):
			score++ // a report that names only one of the parties
		case len(ap) > 0 && len(cp) > 0:
			continue
		}
		if a.Kind == ca.Kind && a.Kind != "agreement" {
			score += 0.5
		}
		score += jaccard(l.Topics.Words(a.Name), l.Topics.Words(ca.Name+" "+strings.Join(ca.Aliases, " ")))
		if score >= 0.5 && (score > bestScore || score == bestScore && best != nil && newerThan(ca.ID, ca.Timeline, best.ID, best.Timeline)) {
			best, bestScore = ca, score
		}
	}
	return best
}

func (ca *CanonAgreement) merge(topics *Topics, x *sitrep.Extraction, a sitrep.Agreement) {
	if ca.Date == nil && a.Date != nil {
		v := *a.Date
		ca.Date = &v
	}
	if a.Name != ca.Name && !slices.Contains(ca.Aliases, a.Name) {
		ca.Aliases = append(ca.Aliases, a.Name)
	}
	// a bare "agreement" gives way to a name that says which
	if len(topics.Words(ca.Name)) == 0 && len(topics.Words(a.Name)) > 0 {
		ca.Name = a.Name
	}
	for _, p := range a.Parties {
		ca.Parties = addCountryActor(ca.Parties, p)
	}
	for _, m := range a.Monitors {
		ca.Monitors = addCountryActor(ca.Monitors, m)
	}
	for _, p := range a.Provisions {
		ca.Provisions = appendUnique(ca.Provisions, p)
	}
	if !slices.Contains(ca.Documents, x.Document.ID) {
		ca.Documents = append(ca.Documents, x.Document.ID)
	}
	for _, st := range a.Evidence {
		st.Document, st.Outlet = x.Document.ID, x.Document.Outlet
		if st.Date == nil {
			st.Date = x.Document.Published
		}
		ca.Timeline = appendStep(ca.Timeline, st, agreementConflict)
	}
	ca.Status, ca.Score = StatusUnknown, 0
	for _, st := range ca.Timeline {
		ca.Status = st.Status
		if st.Status == StatusDemanded {
			ca.Status = StatusImplementing
		}
		ca.Score = st.Score
	}
	ca.ScoreWord = ScoreWord(ca.Score)
}

func addCountryActor(list []sitrep.Actor, a sitrep.Actor) []sitrep.Actor {
	for _, o := range list {
		if o.Country == a.Country && (o.Code == a.Code || o.Entity == a.Entity) {
			return list
		}
	}
	return addActor(list, a)
}

// agreementConflict: a report of stalling or violation against one of
// progress (or the reverse) from another outlet within two weeks.
func agreementConflict(prev, next sitrep.StatusStep) bool {
	neg := func(s string) bool { return s == StatusStalled || s == StatusViolated }
	pos := func(s string) bool { return s == StatusImplementing || s == StatusCompleted }
	return (neg(prev.Status) && pos(next.Status)) || (pos(prev.Status) && neg(next.Status))
}

func commitmentConflict(prev, next sitrep.StatusStep) bool {
	neg := func(s string) bool { return s == "stalled" || s == "refused" }
	pos := func(s string) bool { return s == "in_progress" || s == "delivered" }
	return (neg(prev.Status) && pos(next.Status)) || (pos(prev.Status) && neg(next.Status))
}

// appendStep adds a status step: the same status from the same document
// is one step; a step that disagrees with the latest step of another
// outlet in the previous two weeks names it in Contradicts. Nothing is
// overwritten.
func appendStep(tl []sitrep.StatusStep, st sitrep.StatusStep, conflict func(a, b sitrep.StatusStep) bool) []sitrep.StatusStep {
	for _, o := range tl {
		if o.Document == st.Document && o.Status == st.Status {
			return tl
		}
		// a later report that recalls the signature adds no step
		if o.Status == StatusSigned && st.Status == StatusSigned {
			return tl
		}
	}
	for i := len(tl) - 1; i >= 0; i-- {
		o := tl[i]
		if o.Document == st.Document {
			continue
		}
		if o.Date != nil && st.Date != nil && daysApart(*o.Date, *st.Date) > 14 {
			break
		}
		if o.Outlet != st.Outlet && conflict(o, st) {
			st.Contradicts = o.Document
		}
		break
	}
	tl = append(tl, st)
	sort.SliceStable(tl, func(i, j int) bool {
		di, dj := "", ""
		if tl[i].Date != nil {
			di = *tl[i].Date
		}
		if tl[j].Date != nil {
			dj = *tl[j].Date
		}
		return di < dj
	})
	return tl
}

// Topics tells the content words of agreement names and commitment
// objects, which decide whether two reports speak of the same thing.
type Topics struct {
	stop map[string]bool
	// scheme names the stop list, for StoreTracker's key scheme
	scheme string
}

// newTopics makes the rule from the topic-stop word list.
func newTopics(stop []string) *Topics {
	t := &Topics{stop: map[string]bool{}}
	for _, w := range stop {
		t.stop[text.Fold(strings.TrimSpace(w))] = true
	}
	words := make([]string, 0, len(t.stop))
	for w := range t.stop {
		words = append(words, w)
	}
	sort.Strings(words)
	h := sha256.Sum256([]byte(strings.Join(words, "|")))
	t.scheme = hex.EncodeToString(h[:6])
	return t
}

// Words are the content words of a phrase, folded and cut to six letters
// so that defence/defense and modernise/modernisation meet.
func (t *Topics) Words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.FieldsFunc(text.Fold(s), func(r rune) bool { return !(r >= 'a' && r <= 'z') }) {
		if len(w) < 4 || t.stop[w] {
			continue
		}
		w = strings.ReplaceAll(w, "defence", "defense")
		if len(w) > 6 {
			w = w[:6]
		}
		m[w] = true
	}
	return m
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return float64(n) / float64(len(a)+len(b)-n)
}

func overlapShare(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return float64(n) / float64(min(len(a), len(b)))
}

// matchCommitment finds the canonical commitment between the same two
// countries (in either direction: a request answered by a delivery) about
// the same thing.
func (l *Ledger) matchCommitment(c sitrep.Commitment) *CanonCommitment {
	w := l.Topics.Words(c.What)
	var best *CanonCommitment
	bestScore := 0.0
	for _, cc := range l.Commitments {
		pair := (cc.By.Country == c.By.Country && cc.To.Country == c.To.Country) || (cc.By.Country == c.To.Country && cc.To.Country == c.By.Country)
		if !pair || c.By.Country == "" {
			continue
		}
		s := overlapShare(w, cc.words)
		if s >= 0.34 && (s > bestScore || s == bestScore && best != nil && newerThan(cc.ID, cc.Timeline, best.ID, best.Timeline)) {
			best, bestScore = cc, s
		}
	}
	return best
}

func (cc *CanonCommitment) merge(x *sitrep.Extraction, c sitrep.Commitment) {
	if !slices.Contains(cc.Documents, x.Document.ID) {
		cc.Documents = append(cc.Documents, x.Document.ID)
	}
	st := sitrep.StatusStep{Date: c.Date, Status: c.Status, Document: x.Document.ID, Outlet: x.Document.Outlet, Sentence: c.Sentence}
	if st.Date == nil {
		st.Date = x.Document.Published
	}
	if c.Evidence != nil {
		st.Evidence, st.Start, st.End = c.Evidence.Text, c.Evidence.Start, c.Evidence.End
	}
	st.Score = commitmentScore(c.Status)
	cc.Timeline = appendStep(cc.Timeline, st, commitmentConflict)
	cc.Status = cc.Timeline[len(cc.Timeline)-1].Status
}

// commitmentScore puts a commitment status on the 0-3 scale.
func commitmentScore(status string) int {
	switch status {
	case "in_progress", "stalled":
		return 1
	case "delivered":
		return 3
	}
	return 0
}
