// Package sitrep holds the domain types shared by every stage of the
// pipeline: documents, sentences, dates, entities, events, quotes,
// agreements and commitments. They carry no storage or transport logic.
//
// The JSON tags follow the extraction contract
// (shared/schema/extraction.schema.json): fields may be added, none removed.
package sitrep

// Version is the release of the sitrep binary and of its data files.
// It is overridden at link time with -ldflags "-X github.com/sitrep/sitrep.Version=...".
var Version = "0.1.0-dev"

// Precision of a resolved date.
const (
	PrecisionDay     = "day"
	PrecisionMonth   = "month"
	PrecisionYear    = "year"
	PrecisionUnknown = "unknown"
)

// Where a document's publication date came from.
const (
	PublishedInput    = "input"
	PublishedMetadata = "metadata"
	PublishedInferred = "inferred-from-text"
	PublishedUnknown  = "unknown"
)

// Modality of an event.
const (
	ModalityAsserted     = "asserted"
	ModalityPlanned      = "planned"
	ModalityRequested    = "requested"
	ModalityHypothetical = "hypothetical"
	ModalityNegated      = "negated"
	ModalityReported     = "reported"
)

// Entity types.
const (
	TypePerson  = "PERSON"
	TypeOrg     = "ORG"
	TypePlace   = "PLACE"
	TypeCountry = "COUNTRY"
	TypeEvent   = "EVENT"
	TypeOther   = "OTHER"
)

// Extraction is what `sitrep extract --json` prints for one document.
type Extraction struct {
	Document    Document     `json:"document"`
	Sentences   []Sentence   `json:"sentences"`
	Dates       []DateExpr   `json:"dates"`
	Entities    []Entity     `json:"entities"`
	Events      []Event      `json:"events"`
	Quotes      []Quote      `json:"quotes"`
	Agreements  []Agreement  `json:"agreements"`
	Commitments []Commitment `json:"commitments"`
}

// Document is one report with its metadata. Text is the normalised (NFC)
// UTF-8 text every offset refers to.
type Document struct {
	ID              string  `json:"id"`
	File            string  `json:"file,omitempty"`
	Title           string  `json:"title,omitempty"`
	URL             string  `json:"url,omitempty"`
	Outlet          string  `json:"outlet,omitempty"`
	Published       *string `json:"published"`
	PublishedSource string  `json:"published_source"`
	Language        string  `json:"language"`
	Offsets         string  `json:"offsets"`
	SHA256          string  `json:"sha256"`
	DuplicateOf     *string `json:"duplicate_of"`
	// Format is the detected input format: text, markdown, html, jsonl.
	Format string `json:"format,omitempty"`
	// Encoding is the detected source encoding before conversion to UTF-8.
	Encoding string `json:"encoding,omitempty"`
	// PublishedNote explains an inferred publication date.
	PublishedNote string `json:"published_note,omitempty"`
	Text          string `json:"text"`
}

// Sentence is a byte range of Document.Text.
type Sentence struct {
	Index int    `json:"index"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text,omitempty"`
}

// Span is a byte range of Document.Text and the text it covers.
type Span struct {
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Text     string `json:"text,omitempty"`
	Sentence int    `json:"sentence"`
}

// DateExpr is a temporal expression found in the text and resolved against
// the document's publication date.
type DateExpr struct {
	Start     int     `json:"start"`
	End       int     `json:"end"`
	Text      string  `json:"text"`
	Value     *string `json:"value"`
	Precision string  `json:"precision"`
	Sentence  int     `json:"sentence"`
}

// Geo is a resolved place.
type Geo struct {
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	Admin1     string  `json:"admin1,omitempty"`
	GeonamesID int     `json:"geonames_id,omitempty"`
}

// Entity is one person, organisation, place or country, with all of its
// mentions in the document merged.
type Entity struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Code        string   `json:"code"`
	Country     string   `json:"country"`
	Sectors     []string `json:"sectors"`
	Title       string   `json:"title,omitempty"`
	Role        string   `json:"role,omitempty"`
	Affiliation string   `json:"affiliation,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
	Known       bool     `json:"known"`
	Geo         *Geo     `json:"geo,omitempty"`
	// Matched names the dictionary entry (file:line or key) that resolved it.
	Matched  string `json:"matched,omitempty"`
	Mentions []Span `json:"mentions"`
}

// Actor is a side of an event, quote, agreement or commitment.
type Actor struct {
	Entity  string   `json:"entity,omitempty"`
	Name    string   `json:"name"`
	Code    string   `json:"code,omitempty"`
	Country string   `json:"country"`
	Sectors []string `json:"sectors,omitempty"`
}

// Location is where an event happened.
type Location struct {
	Name    string  `json:"name"`
	Country string  `json:"country,omitempty"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Entity  string  `json:"entity,omitempty"`
}

// Event is one coded event: who did what to whom, when and where.
type Event struct {
	ID            string   `json:"id"`
	Source        Actor    `json:"source"`
	Target        Actor    `json:"target"`
	CAMEO         string   `json:"cameo"`
	CAMEOName     string   `json:"cameo_name,omitempty"`
	PLOVER        string   `json:"plover"`
	PLOVERMode    string   `json:"plover_mode,omitempty"`
	PLOVERContext []string `json:"plover_context,omitempty"`
	Goldstein     float64  `json:"goldstein"`
	QuadClass     int      `json:"quad_class"`
	Date          *string  `json:"date"`
	DatePrecision string   `json:"date_precision"`
	// DateSource says where the date came from: sentence | document | none.
	DateSource string    `json:"date_source,omitempty"`
	Location   *Location `json:"location"`
	Modality   string    `json:"modality"`
	// ReportedBy is the announcer of reported speech ("Turkey said ...").
	ReportedBy   *Actor  `json:"reported_by,omitempty"`
	Sentence     int     `json:"sentence"`
	Text         string  `json:"text"`
	Trigger      *Span   `json:"trigger,omitempty"`
	Mentions     []Span  `json:"mentions,omitempty"`
	AttributedTo string  `json:"attributed_to,omitempty"`
	Confidence   float64 `json:"confidence"`
	// Pattern names the dictionary pattern that coded the event.
	Pattern string `json:"pattern,omitempty"`
	// Nominal is true when a noun named the event ("the strikes").
	Nominal bool `json:"nominal,omitempty"`
}

// Quote is a direct or indirect statement and its speaker.
type Quote struct {
	ID      string `json:"id"`
	Speaker Actor  `json:"speaker"`
	Text    string `json:"text"`
	Direct  bool   `json:"direct"`
	Cue     string `json:"cue,omitempty"`
	Span    *Span  `json:"span,omitempty"`
}

// Agreement is an accord, deal, ceasefire or memorandum mentioned in the text.
type Agreement struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind,omitempty"`
	Date       *string  `json:"date"`
	Parties    []Actor  `json:"parties"`
	Monitors   []Actor  `json:"monitors"`
	Provisions []string `json:"provisions"`
	Status     string   `json:"status"`
	// Evidence lists the status steps the document gives, each with its sentence.
	Evidence []StatusStep `json:"evidence,omitempty"`
	Mentions []Span       `json:"mentions"`
}

// Commitment is a request, offer, pledge, plan, demand or delivery.
type Commitment struct {
	ID        string  `json:"id"`
	Kind      string  `json:"kind"`
	By        Actor   `json:"by"`
	To        Actor   `json:"to"`
	What      string  `json:"what"`
	Status    string  `json:"status"`
	Agreement string  `json:"agreement,omitempty"`
	Date      *string `json:"date"`
	Sentence  int     `json:"sentence"`
	Evidence  *Span   `json:"evidence,omitempty"`
	Event     string  `json:"event,omitempty"`
}

// StatusStep is one change of status of an agreement or commitment, with
// the evidence that supports it.
type StatusStep struct {
	Date     *string `json:"date"`
	Status   string  `json:"status"`
	Score    int     `json:"score"`
	Document string  `json:"document,omitempty"`
	Outlet   string  `json:"outlet,omitempty"`
	Sentence int     `json:"sentence"`
	Evidence string  `json:"evidence"`
	Start    int     `json:"start"`
	End      int     `json:"end"`
	// Contradicts names the document of an earlier step this one disagrees
	// with; both are kept.
	Contradicts string `json:"contradicts,omitempty"`
}

// StrPtr returns a pointer to s, or nil when s is empty.
func StrPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
