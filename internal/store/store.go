// Package store is sitrep's persistent record: every document with its
// extraction, and the cross-document records built from them: events
// (merged across documents, with every mention), actors (with stable ids),
// agreements and commitments (per document, and canonical ones with a
// status timeline).
//
// Store is the interface; sqlite/ (the embedded default) and postgres/
// implement it over the shared SQL of sqlstore/, and storetest/ is the
// conformance suite both pass. backend.Open picks one from a DSN.
//
// One document is written in one transaction: either everything a document
// brings (the document, its sentences, entities, events, quotes,
// agreements, commitments and the changes to the cross-document records) is
// stored, or nothing is.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/sitrep/sitrep"
)

// Errors, usable with errors.Is.
var (
	// ErrNotFound: no record has the id asked for.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a document with the same id but other content is stored.
	ErrConflict = errors.New("document id already stored with other content")
	// ErrInvalid: the extraction cannot be stored (no id, no text).
	ErrInvalid = errors.New("invalid document")
)

// Store is a sitrep store. Implementations are safe for concurrent use.
type Store interface {
	// Put stores one document's extraction and merges its events, actors,
	// agreements and commitments into the cross-document records, in one
	// transaction. A document whose id, content hash or canonical URL is
	// already stored changes nothing (Status Exists) unless the id is the
	// same and the content differs (ErrConflict). A near duplicate of a
	// stored document is stored with DuplicateOf set, and its events count
	// as mentions of the original's events. A non-nil
	// x.Document.DuplicateOf naming a stored document is kept as given.
	Put(ctx context.Context, x *sitrep.Extraction, opts PutOptions) (PutResult, error)
	// Lookup reports whether a document with the id, content hash or
	// canonical URL of doc is stored, and its id.
	Lookup(ctx context.Context, doc *sitrep.Document) (id string, found bool, err error)
	// Document returns a stored extraction (ErrNotFound when absent).
	Document(ctx context.Context, id string) (*sitrep.Extraction, error)
	// Documents lists stored documents, newest ingested first.
	Documents(ctx context.Context, f DocFilter) ([]DocInfo, error)
	// Events lists cross-document events, latest date first.
	Events(ctx context.Context, f EventFilter) ([]EventRecord, error)
	// EachEvent calls fn with every event matching f (f.Limit ignored) in
	// id order, reading in pages, with its mentions when withMentions.
	EachEvent(ctx context.Context, f EventFilter, withMentions bool, fn func(EventRecord) error) error
	// Mentions lists the mentions of one event in ingestion order.
	Mentions(ctx context.Context, eventID int64) ([]Mention, error)
	// Periods groups the events matching f by day, week or month.
	Periods(ctx context.Context, f EventFilter, by string) ([]Period, error)
	// Search finds sentences and titles matching a full-text query,
	// newest first, with highlighted snippets.
	Search(ctx context.Context, q SearchQuery) ([]Hit, error)
	// Actors lists actors seen across the corpus, most mentioned first.
	Actors(ctx context.Context, f ActorFilter) ([]ActorRecord, error)
	// Agreements lists canonical agreements with their timelines and,
	// when f.PerDocument is set, the per-document agreements as well.
	Agreements(ctx context.Context, f AgreementFilter) ([]AgreementRecord, error)
	// Commitments lists commitments as stored per document, with the
	// canonical commitment they were linked to.
	Commitments(ctx context.Context, f CommitmentFilter) ([]CommitmentRecord, error)
	// Feed returns the remembered state of a feed (found false when new).
	Feed(ctx context.Context, url string) (FeedState, bool, error)
	// SaveFeed remembers the state of a feed.
	SaveFeed(ctx context.Context, st FeedState) error
	// Dump calls fn with every stored document, in ingestion order, then
	// with every feed state. Put of the same records in the same order into
	// an empty store rebuilds an equivalent store.
	Dump(ctx context.Context, f DumpFilter, fn func(DumpRecord) error) error
	// Check verifies the store's invariants (every document whole, event
	// counts equal to their mentions, no orphan records) and returns the
	// problems found; it reads every table.
	Check(ctx context.Context) ([]string, error)
	// Counts returns the number of records of each kind.
	Counts(ctx context.Context) (Counts, error)
	// Close releases the store.
	Close() error
}

// PutOptions adjust one Put.
type PutOptions struct {
	// IngestedAt is the ingestion time recorded; now when zero.
	IngestedAt time.Time
}

// Put statuses.
const (
	// StatusStored: a new document was stored.
	StatusStored = "stored"
	// StatusDuplicate: a near duplicate of a stored document was stored,
	// its events counted as mentions of the original's.
	StatusDuplicate = "duplicate"
	// StatusExists: the document was already stored; nothing changed.
	StatusExists = "exists"
)

// PutResult tells what Put did.
type PutResult struct {
	Status string
	// ID of the stored document, or of the stored one it matched.
	ID string
	// DuplicateOf is the original of a near duplicate.
	DuplicateOf string
	// NewEvents is the number of cross-document events this document
	// created; Mentions the number of event mentions it added.
	NewEvents, Mentions int
}

// DocFilter selects documents.
type DocFilter struct {
	// Duplicates lists only near duplicates.
	Duplicates bool
	// Since and Until bound the publication date (YYYY-MM-DD, inclusive).
	Since, Until string
	Limit        int
}

// DocInfo is a stored document without its text.
type DocInfo struct {
	Seq         int64  `json:"seq"`
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
	URL         string `json:"url,omitempty"`
	Outlet      string `json:"outlet,omitempty"`
	Published   string `json:"published,omitempty"`
	Language    string `json:"language,omitempty"`
	SHA256      string `json:"sha256"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Similarity is the estimated Jaccard similarity (MinHash) of a
	// duplicate to its original.
	Similarity float64   `json:"similarity,omitempty"`
	Sentences  int       `json:"sentences"`
	Events     int       `json:"events"`
	IngestedAt time.Time `json:"ingested_at"`
}

// EventFilter selects cross-document events. Actor, Source and Target take
// an actor code (TURMIL), a country code (TUR) or an actor name or alias
// (SDF); a code or country matches exactly, a name matches the actors
// seen under that name.
type EventFilter struct {
	Actor  string
	Source string
	Target string
	// Either makes Source/Target match both directions (a dyad).
	Either bool
	// Type is a PLOVER event type (ASSAULT), CAMEO a code prefix (19).
	Type, CAMEO string
	// Since and Until bound the event date (YYYY-MM-DD, inclusive).
	Since, Until string
	// Place matches the place name or its country code.
	Place      string
	MinSources int
	Limit      int
}

// ActorRef is one side of a stored event.
type ActorRef struct {
	ID      string   `json:"id,omitempty"`
	Name    string   `json:"name"`
	Code    string   `json:"code,omitempty"`
	Country string   `json:"country,omitempty"`
	Sectors []string `json:"sectors,omitempty"`
}

// EventRecord is one cross-document event.
type EventRecord struct {
	ID            int64            `json:"id"`
	Source        ActorRef         `json:"source"`
	Target        ActorRef         `json:"target"`
	CAMEO         string           `json:"cameo"`
	CAMEOName     string           `json:"cameo_name,omitempty"`
	PLOVER        string           `json:"plover"`
	PLOVERMode    string           `json:"plover_mode,omitempty"`
	PLOVERContext []string         `json:"plover_context,omitempty"`
	Goldstein     float64          `json:"goldstein"`
	QuadClass     int              `json:"quad_class"`
	Date          string           `json:"date,omitempty"`
	DatePrecision string           `json:"date_precision,omitempty"`
	Location      *sitrep.Location `json:"location,omitempty"`
	Modality      string           `json:"modality"`
	NumMentions   int              `json:"num_mentions"`
	NumSources    int              `json:"num_sources"`
	NumArticles   int              `json:"num_articles"`
	// FirstDocument, FirstURL, FirstOutlet and Text come from the first mention.
	FirstDocument string    `json:"first_document"`
	FirstURL      string    `json:"first_url,omitempty"`
	FirstOutlet   string    `json:"first_outlet,omitempty"`
	Text          string    `json:"text"`
	Confidence    float64   `json:"confidence"`
	FirstSeen     time.Time `json:"first_seen"`
	Mentions      []Mention `json:"mentions,omitempty"`
}

// Mention is one report of an event in one document.
type Mention struct {
	EventID    int64   `json:"event_id"`
	Document   string  `json:"document"`
	EventRef   string  `json:"event_ref"`
	Outlet     string  `json:"outlet,omitempty"`
	URL        string  `json:"url,omitempty"`
	Published  string  `json:"published,omitempty"`
	Sentence   int     `json:"sentence"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Text       string  `json:"text"`
	Modality   string  `json:"modality,omitempty"`
	Duplicate  bool    `json:"duplicate,omitempty"`
	Confidence float64 `json:"confidence"`
}

// Period is the events of one day, week or month.
type Period struct {
	// Start is the first day of the period (YYYY-MM-DD); "" for undated.
	Start     string  `json:"start"`
	Events    int     `json:"events"`
	Mentions  int     `json:"mentions"`
	Goldstein float64 `json:"goldstein"`
	// Quad counts events by quad class: 1 verbal cooperation, 2 material
	// cooperation, 3 verbal conflict, 4 material conflict (index 0 unused).
	Quad [5]int `json:"quad"`
}

// Period granularities.
const (
	ByDay   = "day"
	ByWeek  = "week"
	ByMonth = "month"
)

// SearchQuery is a full-text search. Text is words (all required) and
// "quoted phrases".
type SearchQuery struct {
	Text         string
	Since, Until string
	Limit        int
	// Mark surrounds the matched terms in snippets; "[" and "]" when empty.
	Mark [2]string
}

// Hit is one matching sentence or title.
type Hit struct {
	Document  string `json:"document"`
	Title     string `json:"title,omitempty"`
	Outlet    string `json:"outlet,omitempty"`
	Published string `json:"published,omitempty"`
	URL       string `json:"url,omitempty"`
	// Sentence is the index of the matching sentence; -1 for a title.
	Sentence int    `json:"sentence"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Snippet  string `json:"snippet"`
}

// ActorFilter selects actors.
type ActorFilter struct {
	// Name matches a name or alias (folded), Code an actor or country code.
	Name, Code string
	// Unknown lists only actors the dictionaries did not know.
	Unknown bool
	// Type is an entity type (PERSON, ORG, COUNTRY, PLACE...).
	Type  string
	Limit int
}

// ActorRecord is an actor seen across the corpus. ID is stable: it is
// derived from the folded canonical name and the code (ActorID).
type ActorRecord struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Code        string   `json:"code,omitempty"`
	Country     string   `json:"country,omitempty"`
	Sectors     []string `json:"sectors,omitempty"`
	Known       bool     `json:"known"`
	NumDocs     int      `json:"num_docs"`
	NumMentions int      `json:"num_mentions"`
	FirstSeen   string   `json:"first_seen,omitempty"`
	LastSeen    string   `json:"last_seen,omitempty"`
}

// AgreementFilter selects agreements.
type AgreementFilter struct {
	// Party is an actor or country code among the parties.
	Party string
	// PerDocument adds the per-document agreements not (yet) linked to a
	// canonical one, and lists the documents' agreements under each.
	PerDocument bool
	Limit       int
}

// AgreementRecord is a canonical agreement with its status timeline, or
// (Canonical false) an agreement as one document gives it.
type AgreementRecord struct {
	ID        string              `json:"id"`
	Canonical bool                `json:"canonical"`
	Name      string              `json:"name"`
	Kind      string              `json:"kind,omitempty"`
	Date      string              `json:"date,omitempty"`
	Parties   []sitrep.Actor      `json:"parties"`
	Status    string              `json:"status"`
	Score     int                 `json:"score"`
	Steps     []sitrep.StatusStep `json:"steps"`
	Documents []string            `json:"documents"`
	PerDoc    []DocAgreement      `json:"per_document,omitempty"`
}

// DocAgreement is an agreement as stored for one document.
type DocAgreement struct {
	Document  string           `json:"document"`
	Agreement sitrep.Agreement `json:"agreement"`
	Canonical string           `json:"canonical,omitempty"`
}

// CommitmentFilter selects commitments: By and To take an actor code,
// a country code or a name.
type CommitmentFilter struct {
	By, To, Status, Kind string
	Limit                int
}

// CommitmentRecord is a commitment as one document gives it.
type CommitmentRecord struct {
	Document   string            `json:"document"`
	Published  string            `json:"published,omitempty"`
	Outlet     string            `json:"outlet,omitempty"`
	Commitment sitrep.Commitment `json:"commitment"`
	// Canonical is the id of the canonical commitment it was linked to.
	Canonical string `json:"canonical,omitempty"`
}

// FeedState is what a feed poller remembers between polls.
type FeedState struct {
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	CheckedAt    time.Time `json:"checked_at"`
	// Status is the HTTP status of the last poll.
	Status int `json:"status"`
}

// DumpFilter selects what Dump writes.
type DumpFilter struct {
	// Since and Until bound the publication date of documents.
	Since, Until string
}

// DumpRecord is one line of a JSONL dump: a document with its extraction,
// or a feed state.
type DumpRecord struct {
	Kind       string             `json:"kind"`
	Seq        int64              `json:"seq,omitempty"`
	IngestedAt time.Time          `json:"ingested_at,omitzero"`
	Extraction *sitrep.Extraction `json:"extraction,omitempty"`
	Feed       *FeedState         `json:"feed,omitempty"`
}

// Dump record kinds.
const (
	KindDocument = "document"
	KindFeed     = "feed"
)

// Counts is the number of stored records of each kind.
type Counts struct {
	Documents            int `json:"documents"`
	Duplicates           int `json:"duplicates"`
	Sentences            int `json:"sentences"`
	Entities             int `json:"entities"`
	Actors               int `json:"actors"`
	Events               int `json:"events"`
	Mentions             int `json:"mentions"`
	Quotes               int `json:"quotes"`
	Agreements           int `json:"agreements"`
	Commitments          int `json:"commitments"`
	CanonicalAgreements  int `json:"canonical_agreements"`
	CanonicalCommitments int `json:"canonical_commitments"`
	Feeds                int `json:"feeds"`
}
