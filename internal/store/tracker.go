package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/text"
)

// Tracker folds the agreements and commitments of one new document into
// the canonical ones. It is the hook for the tracking library
// (internal/tracking): the store calls it inside the document's
// transaction, after the document is stored, with a view of the canonical
// records as they are before it, and writes back what it returns.
//
// x.Document.DuplicateOf is set when the document is a near duplicate
// (a reprint adds no step). A Tracker must be deterministic: replaying the
// same documents in the same order must give the same canonical records.
type Tracker interface {
	Track(ctx context.Context, view TrackingView, x *sitrep.Extraction) (*TrackingUpdate, error)
}

// TrackingView reads the canonical records inside the current
// transaction, steps included.
type TrackingView interface {
	// AgreementsByID returns the canonical agreements of the ids that exist.
	AgreementsByID(ctx context.Context, ids []string) ([]CanonicalAgreement, error)
	// CommitmentsByID returns the canonical commitments of the ids that exist.
	CommitmentsByID(ctx context.Context, ids []string) ([]CanonicalCommitment, error)
	// AgreementsByKey returns the canonical agreements that have one of
	// keys among the keys their Keyer gave them (none for no keys).
	AgreementsByKey(ctx context.Context, keys []string) ([]CanonicalAgreement, error)
	// CommitmentsByKey returns the canonical commitments that have one of
	// keys among the keys their Keyer gave them (none for no keys).
	CommitmentsByKey(ctx context.Context, keys []string) ([]CanonicalCommitment, error)
}

// Keyer is a Tracker whose look-ups go through keys: the store keeps the
// keys the Keyer gives every canonical record it writes, in an index, and
// TrackingView.AgreementsByKey and CommitmentsByKey find records by them.
// A Keyer asks the store for the keys a new document's records could
// share with the ones they match, so that a transaction reads a handful
// of records however large the store grows.
type Keyer interface {
	// KeyScheme names the way keys are made. When it differs from the
	// scheme of the stored keys (or a store has none yet), the store
	// rebuilds the keys of every canonical record in the next write.
	KeyScheme() string
	AgreementKeys(a CanonicalAgreement) []string
	CommitmentKeys(c CanonicalCommitment) []string
}

// TrackingUpdate is what a Tracker changes. Each canonical record listed
// replaces the stored one of the same id whole (its steps included).
type TrackingUpdate struct {
	Agreements  []CanonicalAgreement
	Commitments []CanonicalCommitment
	// AgreementLinks and CommitmentLinks map the document's own agreement
	// and commitment ids to canonical ids.
	AgreementLinks  map[string]string
	CommitmentLinks map[string]string
}

// CanonicalAgreement is one agreement across documents, with its status
// timeline: one step per document that gives evidence, in order.
type CanonicalAgreement struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	Kind    string         `json:"kind,omitempty"`
	Date    string         `json:"date,omitempty"`
	Parties []sitrep.Actor `json:"parties"`
	// Aliases are the other names reports gave it.
	Aliases []string `json:"aliases,omitempty"`
	// Status and Score are the current ones (Score 0-3: not started,
	// minimal, intermediate, full implementation).
	Status string              `json:"status"`
	Score  int                 `json:"score"`
	Steps  []sitrep.StatusStep `json:"steps"`
}

// CanonicalCommitment is one commitment across documents.
type CanonicalCommitment struct {
	ID        string              `json:"id"`
	Kind      string              `json:"kind"`
	By        sitrep.Actor        `json:"by"`
	To        sitrep.Actor        `json:"to"`
	What      string              `json:"what"`
	Status    string              `json:"status"`
	Agreement string              `json:"agreement,omitempty"`
	Steps     []sitrep.StatusStep `json:"steps"`
}

// GroupingTracker is the default Tracker until internal/tracking lands: an
// agreement is the same across documents when its kind and its set of
// party codes (or, without parties, its folded name) are; a commitment when
// its kind, giver, receiver and folded object are. Every non-duplicate
// document that mentions one adds steps: the agreement's evidence steps, or
// one step from the commitment's status and evidence.
type GroupingTracker struct{}

// Track implements Tracker.
func (GroupingTracker) Track(ctx context.Context, view TrackingView, x *sitrep.Extraction) (*TrackingUpdate, error) {
	up := &TrackingUpdate{AgreementLinks: map[string]string{}, CommitmentLinks: map[string]string{}}
	if len(x.Agreements) == 0 && len(x.Commitments) == 0 {
		return up, nil
	}
	d := &x.Document
	dup := d.DuplicateOf != nil
	published := ""
	if d.Published != nil {
		published = *d.Published
	}
	var ids []string
	for _, a := range x.Agreements {
		ids = append(ids, agreementKey(a))
	}
	agrs, err := view.AgreementsByID(ctx, uniqueNonEmpty(ids))
	if err != nil {
		return nil, err
	}
	byID := map[string]*CanonicalAgreement{}
	for i := range agrs {
		byID[agrs[i].ID] = &agrs[i]
	}
	changed := map[string]bool{}
	var order []string
	for _, a := range x.Agreements {
		id := agreementKey(a)
		up.AgreementLinks[a.ID] = id
		ca := byID[id]
		if ca == nil {
			ca = &CanonicalAgreement{ID: id, Name: a.Name, Kind: a.Kind, Parties: a.Parties, Status: a.Status, Steps: []sitrep.StatusStep{}}
			if a.Date != nil {
				ca.Date = *a.Date
			}
			byID[id] = ca
		}
		if !dup {
			steps := a.Evidence
			if len(steps) == 0 && a.Status != "" && len(a.Mentions) > 0 {
				m := a.Mentions[0]
				steps = []sitrep.StatusStep{{Date: a.Date, Status: a.Status, Sentence: m.Sentence, Evidence: m.Text, Start: m.Start, End: m.End}}
			}
			for _, st := range steps {
				st.Document = d.ID
				st.Outlet = d.Outlet
				if st.Date == nil && published != "" {
					st.Date = sitrep.StrPtr(published)
				}
				ca.Steps = append(ca.Steps, st)
			}
		}
		if !changed[id] {
			changed[id] = true
			order = append(order, id)
		}
	}
	for _, id := range order {
		a := byID[id]
		sortSteps(a.Steps)
		if n := len(a.Steps); n > 0 {
			a.Status, a.Score = a.Steps[n-1].Status, a.Steps[n-1].Score
		}
		up.Agreements = append(up.Agreements, *byID[id])
	}
	if len(x.Commitments) == 0 {
		return up, nil
	}
	ids = ids[:0]
	for _, c := range x.Commitments {
		ids = append(ids, commitmentKey(c))
	}
	coms, err := view.CommitmentsByID(ctx, uniqueNonEmpty(ids))
	if err != nil {
		return nil, err
	}
	cByID := map[string]*CanonicalCommitment{}
	for i := range coms {
		cByID[coms[i].ID] = &coms[i]
	}
	cChanged := map[string]bool{}
	var cOrder []string
	for _, c := range x.Commitments {
		id := commitmentKey(c)
		up.CommitmentLinks[c.ID] = id
		cc := cByID[id]
		if cc == nil {
			cc = &CanonicalCommitment{ID: id, Kind: c.Kind, By: c.By, To: c.To, What: c.What, Status: c.Status, Steps: []sitrep.StatusStep{}}
			if c.Agreement != "" {
				cc.Agreement = up.AgreementLinks[c.Agreement]
			}
			cByID[id] = cc
		}
		if !dup {
			st := sitrep.StatusStep{Date: c.Date, Status: c.Status, Document: d.ID, Outlet: d.Outlet, Sentence: c.Sentence}
			if st.Date == nil && published != "" {
				st.Date = sitrep.StrPtr(published)
			}
			if c.Evidence != nil {
				st.Evidence, st.Start, st.End = c.Evidence.Text, c.Evidence.Start, c.Evidence.End
			}
			cc.Steps = append(cc.Steps, st)
		}
		if !cChanged[id] {
			cChanged[id] = true
			cOrder = append(cOrder, id)
		}
	}
	for _, id := range cOrder {
		c := cByID[id]
		sortSteps(c.Steps)
		if n := len(c.Steps); n > 0 {
			c.Status = c.Steps[n-1].Status
		}
		up.Commitments = append(up.Commitments, *cByID[id])
	}
	return up, nil
}

// sortSteps puts steps in date order (undated last), keeping the order of
// steps of one date; the current status stays the last step's.
func sortSteps(steps []sitrep.StatusStep) {
	sort.SliceStable(steps, func(i, j int) bool {
		a, b := steps[i].Date, steps[j].Date
		switch {
		case a == nil:
			return false
		case b == nil:
			return true
		}
		return *a < *b
	})
}

func agreementKey(a sitrep.Agreement) string {
	var parties []string
	for _, p := range a.Parties {
		if k := actorKey(p); k != "" {
			parties = append(parties, k)
		}
	}
	parties = uniqueNonEmpty(parties)
	key := "agr|" + text.Fold(a.Kind) + "|" + strings.Join(parties, ",")
	if len(parties) == 0 {
		key += "|" + text.Fold(a.Name)
	}
	return "agr-" + shortHash(key)
}

func commitmentKey(c sitrep.Commitment) string {
	key := "com|" + text.Fold(c.Kind) + "|" + actorKey(c.By) + "|" + actorKey(c.To) + "|" + strings.Join(strings.Fields(text.Fold(c.What)), " ")
	return "com-" + shortHash(key)
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

func uniqueNonEmpty(in []string) []string {
	sort.Strings(in)
	out := in[:0]
	for i, s := range in {
		if s != "" && (i == 0 || in[i-1] != s) {
			out = append(out, s)
		}
	}
	return out
}
