package tracking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/dict"
	"github.com/sitrep/sitrep/internal/store"
)

// StoreTracker folds each stored document into the canonical agreements
// and commitments of the store with the Ledger's rules: agreements matched
// by parties, date, kind and name; commitments by the pair of countries and
// their object; every status step kept with its evidence, a contradicting
// report beside the one it contradicts.
type StoreTracker struct {
	// Topics is the topic words rule of the tracker's word lists
	// (Tracker.Topics); NewStoreTracker sets it.
	Topics *Topics
}

// NewStoreTracker returns the StoreTracker of the word lists of ds (the
// embedded ones when ds is nil).
func NewStoreTracker(ds *dict.Set) (StoreTracker, error) {
	t, err := New(ds)
	if err != nil {
		return StoreTracker{}, err
	}
	return StoreTracker{Topics: t.Topics()}, nil
}

var _ store.Keyer = StoreTracker{}

// HashID is the Ledger.NewID of StoreTracker: a canonical record's id is a
// hash of the document and local id it was first seen as, the same in
// every store and every replay.
func HashID(kind string, x *sitrep.Extraction, local string) string {
	h := sha256.Sum256([]byte(kind + "\x00" + x.Document.ID + "\x00" + local))
	prefix := "agr-"
	if kind == "commitment" {
		prefix = "com-"
	}
	return prefix + hex.EncodeToString(h[:8])
}

// KeyScheme implements store.Keyer. Change it whenever the keys, or the
// matching rules they stand for (matchAgreement, matchCommitment,
// latestAmong, Topics), change: the store then rebuilds every key. The
// topic-stop list is part of the scheme, so a user's list rebuilds them too.
func (st StoreTracker) KeyScheme() string { return "tracking-keys/2:" + st.Topics.scheme }

// AgreementKeys implements store.Keyer. A canonical agreement is found by
// each of its parties' countries (p|TUR), and by its year (y|2025), kind
// (k|memorandum) and name words (w|defens): the only ways matchAgreement
// can score a document's agreement that names no parties. A party-less
// agreement can match any parties, so it is also found by those three
// under np|.
func (st StoreTracker) AgreementKeys(a store.CanonicalAgreement) []string {
	var keys []string
	ps := countries(a.Parties)
	for c := range ps {
		keys = append(keys, "p|"+c)
	}
	loose := looseAgreementKeys(st.Topics, a.Kind, a.Date, a.Name+" "+strings.Join(a.Aliases, " "))
	keys = append(keys, loose...)
	if len(ps) == 0 {
		for _, k := range loose {
			keys = append(keys, "np|"+k)
		}
	}
	return keys
}

// agreementQueryKeys are the keys of the canonical agreements a
// document's agreement could match (matchAgreement) or stand for
// (latestAmong, among the countries the document names).
func agreementQueryKeys(topics *Topics, a sitrep.Agreement, docCountries map[string]bool) []string {
	date := ""
	if a.Date != nil {
		date = *a.Date
	}
	var loose []string
	for _, k := range looseAgreementKeys(topics, a.Kind, date, a.Name) {
		if k == "k|agreement" {
			continue // the kind scores only when it says more than "agreement"
		}
		if strings.HasPrefix(k, "y|") {
			// a date three days away can be in the next or last year
			y, err := strconv.Atoi(k[2:])
			if err == nil {
				loose = append(loose, "y|"+strconv.Itoa(y-1), "y|"+strconv.Itoa(y+1))
			}
		}
		loose = append(loose, k)
	}
	ps := countries(a.Parties)
	if len(ps) == 0 {
		keys := loose
		if a.Date == nil {
			for c := range docCountries {
				keys = append(keys, "p|"+c)
			}
		}
		return keys
	}
	var keys []string
	for c := range ps {
		keys = append(keys, "p|"+c)
	}
	for _, k := range loose {
		keys = append(keys, "np|"+k)
	}
	return keys
}

// looseAgreementKeys are an agreement's kind, year and name words.
func looseAgreementKeys(topics *Topics, kind, date, name string) []string {
	var keys []string
	if kind != "" {
		keys = append(keys, "k|"+kind)
	}
	if len(date) >= 4 {
		keys = append(keys, "y|"+date[:4])
	}
	for w := range topics.Words(name) {
		keys = append(keys, "w|"+w)
	}
	return keys
}

// CommitmentKeys implements store.Keyer: a canonical commitment is found
// by the pair of countries it links and each word of its object, as
// matchCommitment needs both a pair and a shared word.
func (st StoreTracker) CommitmentKeys(c store.CanonicalCommitment) []string {
	return pairWordKeys(st.Topics, c.By.Country, c.To.Country, c.What)
}

func commitmentQueryKeys(topics *Topics, c sitrep.Commitment) []string {
	if c.By.Country == "" {
		return nil // matchCommitment needs the giver's country
	}
	return pairWordKeys(topics, c.By.Country, c.To.Country, c.What)
}

func pairWordKeys(topics *Topics, a, b, what string) []string {
	if b < a {
		a, b = b, a
	}
	var keys []string
	for w := range topics.Words(what) {
		keys = append(keys, "c|"+a+"|"+b+"|"+w)
	}
	return keys
}

// Track implements store.Tracker.
func (st StoreTracker) Track(ctx context.Context, view store.TrackingView, x *sitrep.Extraction) (*store.TrackingUpdate, error) {
	if st.Topics == nil {
		return nil, fmt.Errorf("tracking: a StoreTracker needs Topics (use NewStoreTracker)")
	}
	up := &store.TrackingUpdate{AgreementLinks: map[string]string{}, CommitmentLinks: map[string]string{}}
	if len(x.Agreements) == 0 && len(x.Commitments) == 0 {
		return up, nil
	}
	// the canonical records that could match, found by the keys they
	// could share with the document's (see AgreementKeys, CommitmentKeys)
	docCountries := documentCountries(x)
	var akeys, ckeys []string
	for _, a := range x.Agreements {
		akeys = append(akeys, agreementQueryKeys(st.Topics, a, docCountries)...)
	}
	for _, c := range x.Commitments {
		ckeys = append(ckeys, commitmentQueryKeys(st.Topics, c)...)
	}
	agrs, err := view.AgreementsByKey(ctx, akeys)
	if err != nil {
		return nil, fmt.Errorf("canonical agreements: %w", err)
	}
	coms, err := view.CommitmentsByKey(ctx, ckeys)
	if err != nil {
		return nil, fmt.Errorf("canonical commitments: %w", err)
	}
	l := &Ledger{NewID: HashID, Topics: st.Topics}
	for _, a := range agrs {
		ca := &CanonAgreement{ID: a.ID, Name: a.Name, Kind: a.Kind, Parties: a.Parties, Aliases: a.Aliases, Status: a.Status, Score: a.Score, Timeline: a.Steps, Monitors: []sitrep.Actor{}, Provisions: []string{}}
		if a.Date != "" {
			ca.Date = sitrep.StrPtr(a.Date)
		}
		for _, st := range a.Steps {
			if !slices.Contains(ca.Documents, st.Document) {
				ca.Documents = append(ca.Documents, st.Document)
			}
		}
		l.Agreements = append(l.Agreements, ca)
	}
	for _, c := range coms {
		l.Commitments = append(l.Commitments, &CanonCommitment{ID: c.ID, Kind: c.Kind, By: c.By, To: c.To, What: c.What, Agreement: c.Agreement, Status: c.Status, Timeline: c.Steps, words: st.Topics.Words(c.What)})
	}
	// what a merge can change besides the timeline: a record whose
	// signature stays the same is not written back
	before := map[string]string{}
	for _, ca := range l.Agreements {
		before[ca.ID] = ca.signature()
	}
	for _, cc := range l.Commitments {
		before[cc.ID] = cc.signature()
	}
	links := l.Add(x)
	up.AgreementLinks, up.CommitmentLinks = links.Agreements, links.Commitments
	for _, ca := range l.Agreements {
		if sig, ok := before[ca.ID]; ok && sig == ca.signature() {
			continue
		}
		out := store.CanonicalAgreement{ID: ca.ID, Name: ca.Name, Kind: ca.Kind, Parties: ca.Parties, Aliases: ca.Aliases, Status: ca.Status, Score: ca.Score, Steps: ca.Timeline}
		if ca.Date != nil {
			out.Date = *ca.Date
		}
		if out.Steps == nil {
			out.Steps = []sitrep.StatusStep{}
		}
		up.Agreements = append(up.Agreements, out)
	}
	for _, cc := range l.Commitments {
		if sig, ok := before[cc.ID]; ok && sig == cc.signature() {
			continue
		}
		out := store.CanonicalCommitment{ID: cc.ID, Kind: cc.Kind, By: cc.By, To: cc.To, What: cc.What, Status: cc.Status, Agreement: cc.Agreement, Steps: cc.Timeline}
		if out.Steps == nil {
			out.Steps = []sitrep.StatusStep{}
		}
		up.Commitments = append(up.Commitments, out)
	}
	return up, nil
}

// signature sums up what StoreTracker writes of a canonical agreement.
func (ca *CanonAgreement) signature() string {
	date := ""
	if ca.Date != nil {
		date = *ca.Date
	}
	return fmt.Sprintf("%s|%s|%s|%d|%q|%d|%d|%s", ca.Name, ca.Kind, date, len(ca.Timeline), ca.Aliases, len(ca.Parties), ca.Score, ca.Status)
}

// signature sums up what StoreTracker writes of a canonical commitment.
func (cc *CanonCommitment) signature() string {
	return fmt.Sprintf("%d|%s|%s", len(cc.Timeline), cc.Status, cc.Agreement)
}
