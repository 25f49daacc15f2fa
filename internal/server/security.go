package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/corpus"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/store"
)

// csrfCookie holds the browser's random CSRF secret; forms carry an HMAC
// of it under the server's key.
const csrfCookie = "sitrep_csrf"

// tokenOK compares a presented token with the server's in constant time.
func (s *Server) tokenOK(got string) bool {
	if s.opts.Token == "" {
		return true
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.Token)) == 1
}

// authorizeAPI checks the token of an API write.
func (s *Server) authorizeAPI(r *http.Request) error {
	if s.opts.Token == "" {
		return nil
	}
	got := r.Header.Get("X-Sitrep-Token")
	if a := r.Header.Get("Authorization"); got == "" && len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		got = strings.TrimSpace(a[7:])
	}
	if got == "" || !s.tokenOK(got) {
		return errf(http.StatusUnauthorized, "this endpoint needs the server token (Authorization: Bearer TOKEN)")
	}
	return nil
}

// TokenRequired reports whether writes need the token.
func (s *Server) TokenRequired() bool { return s.opts.Token != "" }

// csrfToken returns the token for the forms of this page, setting the
// CSRF cookie when the browser has none.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	secret := ""
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		secret = c.Value
	} else {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return ""
		}
		secret = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		// the form rendered with this response must validate on its first post
		r.AddCookie(&http.Cookie{Name: csrfCookie, Value: secret})
	}
	return s.csrfFor(secret)
}

func (s *Server) csrfFor(secret string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(secret))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkForm validates a UI form post: same origin, the CSRF token matching
// the cookie, and the server token when one is set. The form must be parsed.
func (s *Server) checkForm(r *http.Request) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return errf(http.StatusForbidden, "cross-origin form post refused")
		}
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return errf(http.StatusForbidden, "cross-site form post refused")
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return errf(http.StatusForbidden, "missing CSRF cookie: reload the form and try again")
	}
	want := s.csrfFor(c.Value)
	if got := r.FormValue("csrf"); !hmac.Equal([]byte(got), []byte(want)) {
		return errf(http.StatusForbidden, "invalid CSRF token: reload the form and try again")
	}
	if s.opts.Token != "" && !s.tokenOK(r.FormValue("token")) {
		return errf(http.StatusUnauthorized, "this server needs its token to accept documents")
	}
	return nil
}

// IngestRequest is a document to ingest: Text, or a URL to fetch when
// Text is empty. The other fields override the document's own metadata.
type IngestRequest struct {
	Text      string `json:"text,omitempty"`
	URL       string `json:"url,omitempty"`
	ID        string `json:"id,omitempty"`
	Title     string `json:"title,omitempty"`
	Published string `json:"published,omitempty"`
	Outlet    string `json:"outlet,omitempty"`
	Language  string `json:"language,omitempty"`
	// name is the uploaded file name (format hint), UI only.
	name string
	data []byte
}

// IngestResult is what an ingest did.
type IngestResult struct {
	Status      string `json:"status"`
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
	NewEvents   int    `json:"new_events"`
	Mentions    int    `json:"mentions"`
	Events      int    `json:"events"`
}

// ingest reads, extracts and stores one document, then lets the
// watchlists look for new events.
func (s *Server) ingest(ctx context.Context, req IngestRequest) (IngestResult, error) {
	if s.opts.Extractor == nil {
		return IngestResult{}, errf(http.StatusServiceUnavailable, "ingest is not enabled on this server")
	}
	opts := ingest.Options{MaxBytes: s.opts.MaxDocBytes, ID: strings.TrimSpace(req.ID), Title: strings.TrimSpace(req.Title),
		Published: strings.TrimSpace(req.Published), Outlet: strings.TrimSpace(req.Outlet), Language: strings.TrimSpace(req.Language)}
	var doc *sitrep.Document
	var err error
	switch {
	case req.data != nil:
		doc, err = ingest.Read(ctx, req.name, strings.NewReader(string(req.data)), opts)
	case strings.TrimSpace(req.Text) != "":
		opts.URL = strings.TrimSpace(req.URL)
		doc, err = ingest.FromRecord(ctx, ingest.Record{Text: req.Text}, opts)
	case strings.TrimSpace(req.URL) != "":
		u := strings.TrimSpace(req.URL)
		if !corpus.IsURL(u) {
			return IngestResult{}, errf(http.StatusBadRequest, "url %q: want an http(s) URL", u)
		}
		if s.opts.Fetcher == nil {
			return IngestResult{}, errf(http.StatusServiceUnavailable, "fetching URLs is not enabled on this server")
		}
		doc, err = s.opts.Fetcher.Document(ctx, u, opts)
		if err != nil && !isInputError(err) {
			return IngestResult{}, errf(http.StatusBadGateway, "fetch %s: %v", u, err)
		}
	default:
		return IngestResult{}, errf(http.StatusBadRequest, "give text or url")
	}
	if err != nil {
		if isInputError(err) {
			status := http.StatusBadRequest
			if errors.Is(err, ingest.ErrTooLarge) {
				status = http.StatusRequestEntityTooLarge
			}
			return IngestResult{}, errf(status, "%v", err)
		}
		return IngestResult{}, err
	}
	if id, found, err := s.opts.Store.Lookup(ctx, doc); err != nil {
		return IngestResult{}, err
	} else if found && (doc.ID == "" || id != doc.ID) {
		return IngestResult{Status: store.StatusExists, ID: id, Title: doc.Title}, nil
	}
	x, err := s.opts.Extractor.Extract(ctx, doc)
	if err != nil {
		return IngestResult{}, err
	}
	res, err := s.opts.Store.Put(ctx, x, store.PutOptions{})
	if err != nil {
		return IngestResult{}, err
	}
	out := IngestResult{Status: res.Status, ID: res.ID, Title: x.Document.Title, DuplicateOf: res.DuplicateOf, NewEvents: res.NewEvents, Mentions: res.Mentions, Events: len(x.Events)}
	if s.opts.Watch != nil && res.Status != store.StatusExists {
		if _, err := s.opts.Watch.Check(ctx); err != nil {
			s.log.Warn("watchlists: check after ingest", "err", err)
		}
	}
	return out, nil
}

func isInputError(err error) bool {
	for _, e := range []error{ingest.ErrEmpty, ingest.ErrBinary, ingest.ErrTooLarge, ingest.ErrUndecodable, ingest.ErrInvalidOption} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
