// Package watch runs watchlists: saved event queries that fire alerts when
// new matching events reach the store. Each watchlist has an Atom feed of
// its alerts and, optionally, a webhook that receives every batch of new
// alerts as a JSON POST, retried with exponential backoff, every attempt
// written to a delivery log. Webhook URLs obey the same private-address
// guard as the fetcher: loopback, private and link-local addresses are
// refused (when the URL is saved and again when connecting) unless
// allowed.
//
// Watchlists, alerts and the delivery log are kept in a JSON file (the
// store's schema is not extended for them); an empty path keeps them in
// memory only.
package watch

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/netguard"
	"github.com/sitrep/sitrep/internal/store"
)

// Errors, usable with errors.Is.
var (
	ErrNotFound = errors.New("no such watchlist")
	ErrInvalid  = errors.New("invalid watchlist")
)

// Query selects the events a watchlist follows; the fields mean what they
// mean in store.EventFilter.
type Query struct {
	Actor      string `json:"actor,omitempty"`
	Source     string `json:"source,omitempty"`
	Target     string `json:"target,omitempty"`
	Type       string `json:"type,omitempty"`
	CAMEO      string `json:"cameo,omitempty"`
	Place      string `json:"place,omitempty"`
	MinSources int    `json:"min_sources,omitempty"`
}

// Filter is the store filter of the query.
func (q Query) Filter() store.EventFilter {
	return store.EventFilter{Actor: q.Actor, Source: q.Source, Target: q.Target, Type: q.Type, CAMEO: q.CAMEO, Place: q.Place, MinSources: q.MinSources}
}

// Empty reports whether the query has no condition (it would follow every event).
func (q Query) Empty() bool { return q == Query{} }

// Watchlist is a saved query.
type Watchlist struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Query   Query     `json:"query"`
	Webhook string    `json:"webhook,omitempty"`
	Created time.Time `json:"created"`
	// Checked is when new events were last looked for.
	Checked time.Time `json:"checked,omitzero"`
	// Alerts is the number of alerts fired so far.
	Alerts int `json:"alerts"`
}

// Alert is one new event matching a watchlist.
type Alert struct {
	ID        int64             `json:"id"`
	Watchlist string            `json:"watchlist"`
	Fired     time.Time         `json:"fired"`
	Event     store.EventRecord `json:"event"`
}

// Delivery is one attempt to POST alerts to a webhook.
type Delivery struct {
	Watchlist string    `json:"watchlist"`
	URL       string    `json:"url"`
	Alerts    []int64   `json:"alerts"`
	Attempt   int       `json:"attempt"`
	At        time.Time `json:"at"`
	// Status is the HTTP status answered, 0 when no answer came.
	Status int    `json:"status"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
}

// Options configure a Service.
type Options struct {
	// Path is the JSON file that keeps the watchlists; memory only when "".
	Path string
	// AllowPrivate permits webhooks to loopback, private and link-local addresses.
	AllowPrivate bool
	// Attempts is the number of tries of one webhook delivery; 5 when 0.
	Attempts int
	// Backoff is the wait after the first failed try, doubled after each
	// further one; 2 s when 0.
	Backoff time.Duration
	// Timeout bounds one webhook request; 10 s when 0.
	Timeout time.Duration
	// MaxAlerts is the number of alerts kept per watchlist (oldest
	// dropped); 500 when 0.
	MaxAlerts int
	// Logger gets delivery failures; slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Service runs watchlists over a store. It is safe for concurrent use.
type Service struct {
	st     store.Store
	opts   Options
	client *http.Client
	log    *slog.Logger

	mu    sync.Mutex
	state state
	// checking serialises Check.
	checking sync.Mutex
	wg       sync.WaitGroup
}

// state is what the JSON file holds.
type state struct {
	Watchlists []*Watchlist          `json:"watchlists"`
	Seen       map[string][]int64    `json:"seen"`
	Alerts     map[string][]Alert    `json:"alerts"`
	Deliveries map[string][]Delivery `json:"deliveries"`
	NextAlert  int64                 `json:"next_alert"`
}

const maxDeliveries = 200

// New loads the watchlists of opts.Path (none when the file is absent).
func New(st store.Store, opts Options) (*Service, error) {
	if opts.Attempts <= 0 {
		opts.Attempts = 5
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 2 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxAlerts <= 0 {
		opts.MaxAlerts = 500
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{st: st, opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	dialer := netguard.Dialer(opts.Timeout, opts.AllowPrivate)
	s.client = &http.Client{
		Timeout: opts.Timeout,
		Transport: &http.Transport{
			Proxy:               nil, // a proxy would hide the address the guard checks
			DialContext:         dialer.DialContext,
			TLSHandshakeTimeout: opts.Timeout,
			MaxIdleConns:        4,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	s.state = state{Seen: map[string][]int64{}, Alerts: map[string][]Alert{}, Deliveries: map[string][]Delivery{}, NextAlert: 1}
	if opts.Path != "" {
		b, err := os.ReadFile(opts.Path)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("watchlists: %w", err)
		default:
			if err := json.Unmarshal(b, &s.state); err != nil {
				return nil, fmt.Errorf("watchlists %s: %w", opts.Path, err)
			}
			if s.state.Seen == nil {
				s.state.Seen = map[string][]int64{}
			}
			if s.state.Alerts == nil {
				s.state.Alerts = map[string][]Alert{}
			}
			if s.state.Deliveries == nil {
				s.state.Deliveries = map[string][]Delivery{}
			}
			if s.state.NextAlert < 1 {
				s.state.NextAlert = 1
			}
		}
	}
	return s, nil
}

// Close waits for webhook deliveries in flight.
func (s *Service) Close() error {
	s.wg.Wait()
	return nil
}

// List returns the watchlists, oldest first.
func (s *Service) List() []Watchlist {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Watchlist, 0, len(s.state.Watchlists))
	for _, w := range s.state.Watchlists {
		out = append(out, *w)
	}
	return out
}

// Get returns one watchlist.
func (s *Service) Get(id string) (Watchlist, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.find(id); w != nil {
		return *w, nil
	}
	return Watchlist{}, fmt.Errorf("%q: %w", id, ErrNotFound)
}

func (s *Service) find(id string) *Watchlist {
	for _, w := range s.state.Watchlists {
		if w.ID == id {
			return w
		}
	}
	return nil
}

// Create saves a new watchlist. The events that already match are its
// baseline: only events stored afterwards fire alerts.
func (s *Service) Create(ctx context.Context, w Watchlist) (Watchlist, error) {
	w.Name = strings.TrimSpace(w.Name)
	if w.Name == "" {
		return Watchlist{}, fmt.Errorf("%w: a name is required", ErrInvalid)
	}
	if len(w.Name) > 200 {
		return Watchlist{}, fmt.Errorf("%w: name longer than 200 bytes", ErrInvalid)
	}
	if w.Query.Empty() {
		return Watchlist{}, fmt.Errorf("%w: the query needs at least one condition", ErrInvalid)
	}
	if w.Query.MinSources < 0 {
		return Watchlist{}, fmt.Errorf("%w: min_sources must not be negative", ErrInvalid)
	}
	w.Webhook = strings.TrimSpace(w.Webhook)
	if w.Webhook != "" {
		if err := CheckWebhook(ctx, w.Webhook, s.opts.AllowPrivate); err != nil {
			return Watchlist{}, err
		}
	}
	id := make([]byte, 6)
	if _, err := rand.Read(id); err != nil {
		return Watchlist{}, fmt.Errorf("watchlist id: %w", err)
	}
	w.ID = "w" + hex.EncodeToString(id)
	w.Created = s.opts.Now().UTC()
	w.Checked = w.Created
	w.Alerts = 0
	var seen []int64
	err := s.st.EachEvent(ctx, w.Query.Filter(), false, func(ev store.EventRecord) error {
		seen = append(seen, ev.ID)
		return nil
	})
	if err != nil {
		return Watchlist{}, fmt.Errorf("watchlist baseline: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.Watchlists = append(s.state.Watchlists, &w)
	s.state.Seen[w.ID] = seen
	if err := s.saveLocked(); err != nil {
		return Watchlist{}, err
	}
	return w, nil
}

// Delete removes a watchlist with its alerts and delivery log.
func (s *Service) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, w := range s.state.Watchlists {
		if w.ID == id {
			s.state.Watchlists = append(s.state.Watchlists[:i], s.state.Watchlists[i+1:]...)
			delete(s.state.Seen, id)
			delete(s.state.Alerts, id)
			delete(s.state.Deliveries, id)
			return s.saveLocked()
		}
	}
	return fmt.Errorf("%q: %w", id, ErrNotFound)
}

// Alerts returns the alerts of a watchlist, newest first.
func (s *Service) Alerts(id string) ([]Alert, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.find(id) == nil {
		return nil, fmt.Errorf("%q: %w", id, ErrNotFound)
	}
	as := s.state.Alerts[id]
	out := make([]Alert, len(as))
	for i := range as {
		out[len(as)-1-i] = as[i]
	}
	return out, nil
}

// Deliveries returns the webhook delivery log of a watchlist, newest first.
func (s *Service) Deliveries(id string) ([]Delivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.find(id) == nil {
		return nil, fmt.Errorf("%q: %w", id, ErrNotFound)
	}
	ds := s.state.Deliveries[id]
	out := make([]Delivery, len(ds))
	for i := range ds {
		out[len(ds)-1-i] = ds[i]
	}
	return out, nil
}

// Check looks for new events of every watchlist, records an alert for
// each and starts the webhook deliveries. It returns the number of alerts
// fired.
func (s *Service) Check(ctx context.Context) (int, error) {
	s.checking.Lock()
	defer s.checking.Unlock()
	fired := 0
	for _, w := range s.List() {
		var fresh []store.EventRecord
		s.mu.Lock()
		seen := map[int64]bool{}
		for _, id := range s.state.Seen[w.ID] {
			seen[id] = true
		}
		s.mu.Unlock()
		err := s.st.EachEvent(ctx, w.Query.Filter(), false, func(ev store.EventRecord) error {
			if !seen[ev.ID] {
				fresh = append(fresh, ev)
			}
			return nil
		})
		if err != nil {
			return fired, fmt.Errorf("watchlist %s: %w", w.ID, err)
		}
		sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].FirstSeen.Before(fresh[j].FirstSeen) })
		t := s.opts.Now().UTC()
		var alerts []Alert
		s.mu.Lock()
		cur := s.find(w.ID)
		if cur == nil { // deleted meanwhile
			s.mu.Unlock()
			continue
		}
		for _, ev := range fresh {
			a := Alert{ID: s.state.NextAlert, Watchlist: w.ID, Fired: t, Event: ev}
			s.state.NextAlert++
			alerts = append(alerts, a)
			s.state.Seen[w.ID] = append(s.state.Seen[w.ID], ev.ID)
		}
		all := append(s.state.Alerts[w.ID], alerts...)
		if len(all) > s.opts.MaxAlerts {
			all = all[len(all)-s.opts.MaxAlerts:]
		}
		s.state.Alerts[w.ID] = all
		cur.Checked = t
		cur.Alerts += len(alerts)
		err = s.saveLocked()
		s.mu.Unlock()
		if err != nil {
			return fired, err
		}
		fired += len(alerts)
		if len(alerts) > 0 && w.Webhook != "" {
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.Deliver(context.WithoutCancel(ctx), w, alerts)
			}()
		}
	}
	return fired, nil
}

// Run checks every interval until ctx ends.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Check(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("watchlists: check failed", "err", err)
			}
		}
	}
}

// Payload is the JSON body POSTed to a webhook.
type Payload struct {
	Watchlist Watchlist `json:"watchlist"`
	Alerts    []Alert   `json:"alerts"`
}

// Deliver POSTs alerts to the watchlist's webhook, trying up to
// opts.Attempts times with exponential backoff, and logs every attempt. A
// 2xx answer is a success; 4xx other than 408 and 429 ends the tries.
func (s *Service) Deliver(ctx context.Context, w Watchlist, alerts []Alert) bool {
	body, err := json.Marshal(Payload{Watchlist: w, Alerts: alerts})
	if err != nil {
		s.log.Error("watchlists: encode payload", "err", err)
		return false
	}
	ids := make([]int64, len(alerts))
	for i, a := range alerts {
		ids[i] = a.ID
	}
	wait := s.opts.Backoff
	for attempt := 1; attempt <= s.opts.Attempts; attempt++ {
		d := Delivery{Watchlist: w.ID, URL: w.Webhook, Alerts: ids, Attempt: attempt, At: s.opts.Now().UTC()}
		retry := true
		err := CheckWebhook(ctx, w.Webhook, s.opts.AllowPrivate)
		if err == nil {
			d.Status, err = s.post(ctx, w.Webhook, body)
		}
		switch {
		case err != nil:
			d.Error = err.Error()
			retry = !errors.Is(err, netguard.ErrForbidden)
		case d.Status >= 200 && d.Status < 300:
			d.OK = true
		default:
			d.Error = fmt.Sprintf("HTTP %d", d.Status)
			retry = d.Status >= 500 || d.Status == http.StatusRequestTimeout || d.Status == http.StatusTooManyRequests
		}
		s.logDelivery(d)
		if d.OK {
			return true
		}
		if !retry || attempt == s.opts.Attempts {
			s.log.Warn("watchlists: webhook delivery failed", "watchlist", w.ID, "attempts", attempt, "err", d.Error)
			return false
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		wait *= 2
	}
	return false
}

func (s *Service) post(ctx context.Context, u string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sitrep/"+sitrep.Version)
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

func (s *Service) logDelivery(d Delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.find(d.Watchlist) == nil {
		return
	}
	ds := append(s.state.Deliveries[d.Watchlist], d)
	if len(ds) > maxDeliveries {
		ds = ds[len(ds)-maxDeliveries:]
	}
	s.state.Deliveries[d.Watchlist] = ds
	if err := s.saveLocked(); err != nil {
		s.log.Warn("watchlists: save", "err", err)
	}
}

// saveLocked writes the state file atomically; s.mu must be held.
func (s *Service) saveLocked() error {
	if s.opts.Path == "" {
		return nil
	}
	b, err := json.Marshal(&s.state)
	if err != nil {
		return fmt.Errorf("watchlists: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.opts.Path), ".watch-*.json")
	if err != nil {
		return fmt.Errorf("watchlists: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("watchlists: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("watchlists: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.opts.Path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("watchlists: %w", err)
	}
	return nil
}

// CheckWebhook accepts an http(s) URL whose host resolves only to public
// addresses (any address when allowPrivate). Errors wrap ErrInvalid, and
// netguard.ErrForbidden for a refused address.
func CheckWebhook(ctx context.Context, raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("%w: webhook must be an http(s) URL without credentials", ErrInvalid)
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if err := netguard.Check(ip); err != nil {
			return fmt.Errorf("%w: webhook %w", ErrInvalid, err)
		}
		return nil
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return fmt.Errorf("%w: webhook host %s is loopback: %w", ErrInvalid, host, netguard.ErrForbidden)
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(rctx, "ip", host)
	if err != nil {
		return fmt.Errorf("%w: webhook host %s: %v", ErrInvalid, host, err)
	}
	for _, a := range addrs {
		if err := netguard.Check(a); err != nil {
			return fmt.Errorf("%w: webhook host %s: %w", ErrInvalid, host, err)
		}
	}
	return nil
}
