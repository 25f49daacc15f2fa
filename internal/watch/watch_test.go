package watch

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/netguard"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/backend"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := backend.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestCheckWebhook(t *testing.T) {
	ctx := context.Background()
	bad := []string{"", "ftp://example.org/", "http://", "http://user:pw@example.org/", "javascript:alert(1)",
		"http://127.0.0.1/", "http://localhost:8080/", "http://api.localhost/", "http://10.0.0.1/", "http://192.168.1.1/",
		"http://172.16.0.1/", "http://169.254.169.254/", "http://[::1]/", "http://[fe80::1]/", "http://0.0.0.0/", "http://100.64.0.1/"}
	for _, u := range bad {
		if err := CheckWebhook(ctx, u, false); err == nil || !errors.Is(err, ErrInvalid) {
			t.Errorf("CheckWebhook(%q) = %v, want ErrInvalid", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1/", "http://10.0.0.1/x"} {
		if err := CheckWebhook(ctx, u, true); err != nil {
			t.Errorf("allowed private %q: %v", u, err)
		}
	}
	if err := CheckWebhook(ctx, "https://93.184.215.14/hook", false); err != nil {
		t.Errorf("public address refused: %v", err)
	}
	if err := CheckWebhook(ctx, "http://127.0.0.1/", false); !errors.Is(err, netguard.ErrForbidden) {
		t.Errorf("loopback error %v does not wrap netguard.ErrForbidden", err)
	}
}

func TestDeliverRetries(t *testing.T) {
	st := openStore(t)
	var calls atomic.Int32
	status := atomic.Int32{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var p Payload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("bad payload: %v", err)
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer hook.Close()
	s, err := New(st, Options{AllowPrivate: true, Attempts: 3, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Create(context.Background(), Watchlist{Name: "w", Query: Query{Actor: "SYR"}, Webhook: hook.URL})
	if err != nil {
		t.Fatal(err)
	}
	alerts := []Alert{{ID: 1, Watchlist: w.ID}}

	status.Store(500) // retried until the attempts run out
	if s.Deliver(context.Background(), w, alerts) || calls.Load() != 3 {
		t.Errorf("5xx: %d calls, want 3 and failure", calls.Load())
	}
	calls.Store(0)
	status.Store(404) // a client error is not retried
	if s.Deliver(context.Background(), w, alerts) || calls.Load() != 1 {
		t.Errorf("4xx: %d calls, want 1 and failure", calls.Load())
	}
	calls.Store(0)
	status.Store(200)
	if !s.Deliver(context.Background(), w, alerts) || calls.Load() != 1 {
		t.Errorf("2xx: %d calls", calls.Load())
	}
	ds, _ := s.Deliveries(w.ID)
	if len(ds) != 5 || !ds[0].OK || ds[1].Status != 404 || ds[4].Attempt != 1 || ds[2].Attempt != 3 {
		t.Errorf("delivery log %+v", ds)
	}
}

func TestDeliverGuardAtConnect(t *testing.T) {
	st := openStore(t)
	var calls atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer hook.Close()
	// a watchlist saved while private addresses were allowed, delivered by
	// a service that refuses them
	s, err := New(st, Options{Attempts: 3, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	w := Watchlist{ID: "wx", Name: "x", Webhook: hook.URL}
	s.state.Watchlists = append(s.state.Watchlists, &w)
	if s.Deliver(context.Background(), w, []Alert{{ID: 1}}) {
		t.Fatal("delivered to a loopback webhook")
	}
	if calls.Load() != 0 {
		t.Errorf("the webhook was reached %d times", calls.Load())
	}
	ds, _ := s.Deliveries("wx")
	if len(ds) != 1 || ds[0].OK || !strings.Contains(ds[0].Error, "loopback") {
		t.Errorf("delivery log %+v: want one refused attempt, not retried", ds)
	}
}

func TestPersistence(t *testing.T) {
	st := openStore(t)
	path := filepath.Join(t.TempDir(), "watch.json")
	s, err := New(st, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(context.Background(), Watchlist{Name: "", Query: Query{Actor: "SYR"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("nameless watchlist: %v", err)
	}
	if _, err := s.Create(context.Background(), Watchlist{Name: "all"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("watchlist without a condition: %v", err)
	}
	w, err := s.Create(context.Background(), Watchlist{Name: "Aleppo", Query: Query{Place: "Aleppo", Type: "ASSAULT"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("state file not written: %v", err)
	}
	s2, err := New(st, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s2.Get(w.ID)
	if err != nil || got.Name != "Aleppo" || got.Query.Place != "Aleppo" {
		t.Fatalf("reloaded %+v, %v", got, err)
	}
	if err := s2.Delete(w.ID); err != nil {
		t.Fatal(err)
	}
	s3, _ := New(st, Options{Path: path})
	if len(s3.List()) != 0 {
		t.Errorf("deleted watchlist came back: %+v", s3.List())
	}
	if _, err := s3.Alerts(w.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("alerts of a deleted watchlist: %v", err)
	}
	feed, err := s.Atom(w.ID, "http://127.0.0.1:8080")
	if err != nil || !strings.Contains(string(feed), "<feed xmlns=\"http://www.w3.org/2005/Atom\">") {
		t.Errorf("atom feed: %v %s", err, feed)
	}
}
