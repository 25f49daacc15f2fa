package tracking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
)

// StoreTracker folds each stored document into the canonical agreements
// and commitments of the store with the Ledger's rules: agreements matched
// by parties, date, kind and name; commitments by the pair of countries and
// their object; every status step kept with its evidence, a contradicting
// report beside the one it contradicts.
type StoreTracker struct{}

var _ store.Tracker = StoreTracker{}

// Track implements store.Tracker.
func (StoreTracker) Track(ctx context.Context, view store.TrackingView, x *sitrep.Extraction) (*store.TrackingUpdate, error) {
	up := &store.TrackingUpdate{AgreementLinks: map[string]string{}, CommitmentLinks: map[string]string{}}
	if len(x.Agreements) == 0 && len(x.Commitments) == 0 {
		return up, nil
	}
	// the canonical records that could match: those of the same countries,
	// and, for agreements named without parties, all of them
	codes := map[string]bool{}
	noParties := false
	for _, a := range x.Agreements {
		if len(countries(a.Parties)) == 0 {
			noParties = true
		}
		for c := range countries(a.Parties) {
			codes[c] = true
		}
	}
	for _, c := range x.Commitments {
		for _, s := range []string{c.By.Country, c.To.Country} {
			if s != "" {
				codes[s] = true
			}
		}
	}
	var list []string
	for c := range codes {
		list = append(list, c)
	}
	agrCodes := list
	if noParties {
		agrCodes = nil
	}
	agrs, err := view.Agreements(ctx, agrCodes)
	if err != nil {
		return nil, fmt.Errorf("canonical agreements: %w", err)
	}
	coms, err := view.Commitments(ctx, list)
	if err != nil {
		return nil, fmt.Errorf("canonical commitments: %w", err)
	}
	l := &Ledger{NewID: func(kind string, x *sitrep.Extraction, local string) string {
		h := sha256.Sum256([]byte(kind + "\x00" + x.Document.ID + "\x00" + local))
		prefix := "agr-"
		if kind == "commitment" {
			prefix = "com-"
		}
		return prefix + hex.EncodeToString(h[:8])
	}}
	for _, a := range agrs {
		ca := &CanonAgreement{ID: a.ID, Name: a.Name, Kind: a.Kind, Parties: a.Parties, Status: a.Status, Score: a.Score, Timeline: a.Steps, Monitors: []sitrep.Actor{}, Provisions: []string{}}
		if a.Date != "" {
			ca.Date = sitrep.StrPtr(a.Date)
		}
		for _, st := range a.Steps {
			if !contains(ca.Documents, st.Document) {
				ca.Documents = append(ca.Documents, st.Document)
			}
		}
		l.Agreements = append(l.Agreements, ca)
	}
	for _, c := range coms {
		l.Commitments = append(l.Commitments, &CanonCommitment{ID: c.ID, Kind: c.Kind, By: c.By, To: c.To, What: c.What, Agreement: c.Agreement, Status: c.Status, Timeline: c.Steps, words: topicWords(c.What)})
	}
	before := map[string]int{}
	for _, ca := range l.Agreements {
		before[ca.ID] = len(ca.Timeline)
	}
	for _, cc := range l.Commitments {
		before[cc.ID] = len(cc.Timeline)
	}
	links := l.Add(x)
	up.AgreementLinks, up.CommitmentLinks = links.Agreements, links.Commitments
	for _, ca := range l.Agreements {
		if n, ok := before[ca.ID]; ok && n == len(ca.Timeline) {
			continue
		}
		out := store.CanonicalAgreement{ID: ca.ID, Name: ca.Name, Kind: ca.Kind, Parties: ca.Parties, Status: ca.Status, Score: ca.Score, Steps: ca.Timeline}
		if ca.Date != nil {
			out.Date = *ca.Date
		}
		if out.Steps == nil {
			out.Steps = []sitrep.StatusStep{}
		}
		up.Agreements = append(up.Agreements, out)
	}
	for _, cc := range l.Commitments {
		if n, ok := before[cc.ID]; ok && n == len(cc.Timeline) {
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
