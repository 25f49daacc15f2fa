package server

import (
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/store"
)

func TestPagination(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	seen := map[int64]bool{}
	path := APIPrefix + "/events?limit=7"
	pages := 0
	for path != "" {
		var page struct {
			Items      []store.EventRecord `json:"items"`
			NextCursor string              `json:"next_cursor"`
		}
		f.getJSON(t, path, &page)
		pages++
		if len(page.Items) == 0 || len(page.Items) > 7 {
			t.Fatalf("page %d has %d items", pages, len(page.Items))
		}
		for _, e := range page.Items {
			if seen[e.ID] {
				t.Fatalf("event %d on two pages", e.ID)
			}
			seen[e.ID] = true
		}
		path = ""
		if page.NextCursor != "" {
			path = APIPrefix + "/events?limit=7&cursor=" + url.QueryEscape(page.NextCursor)
		}
		if pages > 100 {
			t.Fatal("cursor loop")
		}
	}
	c, err := f.st.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != c.Events || pages < 2 {
		t.Errorf("paged through %d events in %d pages, store has %d", len(seen), pages, c.Events)
	}
}

func TestEventFilters(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	var all struct{ Items []store.EventRecord }
	f.getJSON(t, APIPrefix+"/events?limit=500", &all)
	types := map[string]int{}
	for _, e := range all.Items {
		types[e.PLOVER]++
	}
	for typ := range types {
		if typ == "" {
			continue
		}
		var got struct{ Items []store.EventRecord }
		f.getJSON(t, APIPrefix+"/events?limit=500&type="+url.QueryEscape(typ), &got)
		if len(got.Items) != types[typ] {
			t.Errorf("type=%s: %d events, want %d", typ, len(got.Items), types[typ])
		}
		for _, e := range got.Items {
			if e.PLOVER != typ {
				t.Errorf("type=%s returned a %s event", typ, e.PLOVER)
			}
		}
	}
	var since struct{ Items []store.EventRecord }
	f.getJSON(t, APIPrefix+"/events?limit=500&since=2025-07-01&until=2025-09-30", &since)
	if len(since.Items) == 0 {
		t.Error("no events in the third quarter")
	}
	for _, e := range since.Items {
		if e.Date < "2025-07-01" || e.Date > "2025-09-30" {
			t.Errorf("event %d dated %s outside the range", e.ID, e.Date)
		}
	}
	var syr struct{ Items []store.EventRecord }
	f.getJSON(t, APIPrefix+"/events?limit=500&actor=SYR&min-sources=1", &syr)
	for _, e := range syr.Items {
		if e.Source.Country != "SYR" && e.Target.Country != "SYR" && e.Source.Code != "SYR" && e.Target.Code != "SYR" {
			t.Errorf("actor=SYR returned %d: %+v → %+v", e.ID, e.Source, e.Target)
		}
	}
	if len(syr.Items) == 0 {
		t.Error("no event with Syria")
	}
}

var highlightRe = regexp.MustCompile(`<span class="hl hl-(ent|event|quote|date)`)

// TestPages renders every page of the UI on the demo store.
func TestPages(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	var docs struct{ Items []store.DocInfo }
	f.getJSON(t, APIPrefix+"/documents?limit=100", &docs)
	withEvents := ""
	for _, d := range docs.Items {
		if d.Events > 1 && d.DuplicateOf == "" {
			withEvents = d.ID
			break
		}
	}
	if withEvents == "" {
		t.Fatal("no document with events")
	}
	var actors struct{ Items []store.ActorRecord }
	f.getJSON(t, APIPrefix+"/actors?limit=1", &actors)
	pages := map[string][]string{
		"/":                     {"Latest documents", "/documents/"},
		"/search":               {`name="q"`, `hx-get="/search"`},
		"/search?q=integration": {"matching sentences", "<mark>"},
		"/search?type=ASSAULT":  {"matching events"},
		"/search?outlet=Harbour+Gazette&since=2025-01-01": {"Harbour Gazette"},
		"/documents":                    {"demo-"},
		"/documents?duplicates=true":    {"demo-06-reprint-sharaa-ankara"},
		"/documents/" + withEvents:      {`class="hl hl-event`, `id="s0"`, "CAMEO"},
		"/actors":                       {"/actors/"},
		"/actors/" + actors.Items[0].ID: {"Events by month", `id="chart-data"`},
		"/dyads/TUR/SYR":                {"Goldstein", `id="chart-data"`},
		"/network":                      {`id="network-data"`, "cytoscape"},
		"/map":                          {`<circle class="dot`, "world.svg"},
		"/agreements":                   {"stepchart", "#s"},
		"/commitments":                  {"stepchart", "#s", "requested", "delivered"},
		"/ingest":                       {`name="csrf"`, `enctype="multipart/form-data"`},
		"/watchlists":                   {`name="csrf"`},
	}
	for p, wants := range pages {
		code, ct, body := f.get(t, p)
		if code != 200 || !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: %d %s", p, code, ct)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: no %q in the page", p, w)
			}
		}
		if strings.Count(body, "<span") != strings.Count(body, "</span>") {
			t.Errorf("GET %s: unbalanced spans", p)
		}
	}
	_, _, body := f.get(t, "/documents/"+withEvents)
	if n := len(highlightRe.FindAllString(body, -1)); n < 5 {
		t.Errorf("document %s has %d highlights", withEvents, n)
	}
	// evidence links point at sentences that exist
	_, _, body = f.get(t, "/commitments")
	links := regexp.MustCompile(`href="/documents/([^"#]+)#s(\d+)"`).FindAllStringSubmatch(body, -1)
	if len(links) == 0 {
		t.Fatal("no evidence links on /commitments")
	}
	for _, l := range links[:min(5, len(links))] {
		id, _ := url.PathUnescape(l[1])
		_, _, doc := f.get(t, "/documents/"+url.PathEscape(id))
		if !strings.Contains(doc, `id="s`+l[2]+`"`) {
			t.Errorf("evidence link %s#s%s: no such sentence on the page", id, l[2])
		}
	}
	code, ct, body := f.get(t, "/no/such/page")
	if code != 404 || !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, "page not found") {
		t.Errorf("unknown page: %d %s", code, ct)
	}
	code, _, _ = f.get(t, "/documents/nope")
	if code != 404 {
		t.Errorf("unknown document: %d", code)
	}
	code, ct, _ = f.get(t, "/static/vendor/cytoscape.min.js")
	if code != 200 || !strings.Contains(ct, "javascript") {
		t.Errorf("static asset: %d %s", code, ct)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, fixtureOpts{empty: true})
	resp, err := f.ts.Client().Get(f.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("CSP %q", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers %v", resp.Header)
	}
}

func TestIngestAPIToken(t *testing.T) {
	f := newFixture(t, fixtureOpts{token: "s3cret", empty: true})
	doc := `{"text":"ANKARA — Turkish Foreign Minister Hakan Fidan met Syrian Foreign Minister Asaad al-Shaibani in Ankara on Monday, the ministry said.","published":"2025-06-02","outlet":"Token Test","id":"tok-1"}`
	code, ct, body := f.do(t, "POST", APIPrefix+"/ingest", "application/json", doc, nil)
	if code != 401 {
		t.Fatalf("no token: %d %s", code, body)
	}
	checkErrorBody(t, "no token", code, ct, body)
	code, _, _ = f.do(t, "POST", APIPrefix+"/ingest", "application/json", doc, map[string]string{"Authorization": "Bearer wrong"})
	if code != 401 {
		t.Errorf("wrong token: %d", code)
	}
	code, _, _ = f.do(t, "POST", APIPrefix+"/watchlists", "application/json", `{"name":"w","query":{"actor":"SYR"}}`, nil)
	if code != 401 {
		t.Errorf("watchlist without token: %d", code)
	}
	code, _, body = f.do(t, "POST", APIPrefix+"/ingest", "application/json", doc, map[string]string{"Authorization": "Bearer s3cret"})
	if code != 201 {
		t.Fatalf("with token: %d %s", code, body)
	}
	var res IngestResult
	if err := json.Unmarshal([]byte(body), &res); err != nil || res.ID != "tok-1" || res.Status != store.StatusStored {
		t.Fatalf("result %s: %v", body, err)
	}
	code, _, body = f.do(t, "POST", APIPrefix+"/ingest", "application/json", doc, map[string]string{"X-Sitrep-Token": "s3cret"})
	if code != 200 || !strings.Contains(body, `"exists"`) {
		t.Errorf("second ingest: %d %s", code, body)
	}
	// reading needs no token
	code, _, _ = f.get(t, APIPrefix+"/documents/tok-1")
	if code != 200 {
		t.Errorf("read: %d", code)
	}
}

func TestRequestSizeLimit(t *testing.T) {
	f := newFixture(t, fixtureOpts{empty: true, maxBody: 4096})
	big := `{"text":"` + strings.Repeat("Turkey and Syria met. ", 400) + `"}`
	code, ct, body := f.do(t, "POST", APIPrefix+"/ingest", "application/json", big, nil)
	if code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversize body: %d %s", code, body)
	}
	checkErrorBody(t, "oversize", code, ct, body)
}

// formClient is a browser-like client with a cookie jar.
func formClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func getCSRF(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRe.FindSubmatch(b)
	if m == nil {
		t.Fatalf("no CSRF field on %s", u)
	}
	return string(m[1])
}

func postForm(t *testing.T, c *http.Client, u string, fields map[string]string, files map[string]string) (int, string) {
	t.Helper()
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, content := range files {
		w, _ := mw.CreateFormFile("files", name)
		io.WriteString(w, content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", u, strings.NewReader(buf.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestIngestFormCSRF(t *testing.T) {
	f := newFixture(t, fixtureOpts{empty: true})
	c := formClient(t)
	text := "DAMASCUS — Syrian Defence Minister Murhaf Abu Qasra met SDF commander Mazloum Abdi in Damascus on Tuesday, the ministry said."
	// no CSRF token at all
	code, _ := postForm(t, c, f.ts.URL+"/ingest", map[string]string{"text": text}, nil)
	if code != http.StatusForbidden {
		t.Errorf("post without CSRF: %d", code)
	}
	tok := getCSRF(t, c, f.ts.URL+"/ingest")
	// a token from another browser (cookie) does not validate
	other := formClient(t)
	otherTok := getCSRF(t, other, f.ts.URL+"/ingest")
	if otherTok == tok {
		t.Fatal("two browsers got the same CSRF token")
	}
	code, _ = postForm(t, c, f.ts.URL+"/ingest", map[string]string{"text": text, "csrf": otherTok}, nil)
	if code != http.StatusForbidden {
		t.Errorf("post with another browser's CSRF token: %d", code)
	}
	// a cross-origin post is refused even with the token
	req, _ := http.NewRequest("POST", f.ts.URL+"/ingest", strings.NewReader(url.Values{"text": {text}, "csrf": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin post: %d", resp.StatusCode)
	}
	code, body := postForm(t, c, f.ts.URL+"/ingest", map[string]string{"text": text, "csrf": tok, "published": "2025-10-07", "outlet": "Form Test", "id": "form-1"},
		map[string]string{"upload.md": "---\nid: form-2\ntitle: Uploaded\npublished: 2025-10-08\noutlet: Upload Test\n---\nANKARA — Turkish Foreign Minister Hakan Fidan visited Damascus on Wednesday, officials said.\n"})
	if code != 200 || strings.Count(body, "<b>stored</b>") != 2 || !strings.Contains(body, "/documents/form-2") {
		t.Fatalf("form ingest: %d %.500s", code, body)
	}
	// an id applies to a single document
	code, body = postForm(t, c, f.ts.URL+"/ingest", map[string]string{"text": text + " More.", "csrf": tok, "id": "form-1"}, nil)
	if code != 200 || !strings.Contains(body, "/documents/form-1") {
		t.Fatalf("form ingest with id: %d %.500s", code, body)
	}
	for _, id := range []string{"form-1", "form-2"} {
		if _, err := f.st.Document(t.Context(), id); err != nil {
			t.Errorf("%s not stored: %v", id, err)
		}
	}
}

func TestIngestFormToken(t *testing.T) {
	f := newFixture(t, fixtureOpts{token: "tok", empty: true})
	c := formClient(t)
	tok := getCSRF(t, c, f.ts.URL+"/ingest")
	text := "ANKARA — Turkey and Syria held talks in Ankara on Monday, officials said."
	code, body := postForm(t, c, f.ts.URL+"/ingest", map[string]string{"text": text, "csrf": tok}, nil)
	if code != http.StatusUnauthorized {
		t.Errorf("form without the server token: %d", code)
	}
	checkErrorBody(t, "form without the server token", code, "application/json", body)
	code, body = postForm(t, c, f.ts.URL+"/ingest", map[string]string{"text": text, "csrf": tok, "token": "tok", "id": "tok-form"}, nil)
	if code != 200 || !strings.Contains(body, "/documents/tok-form") {
		t.Errorf("form with the server token: %d %.300s", code, body)
	}
}

func TestWatchlistAlertsFeedWebhook(t *testing.T) {
	f := newFixture(t, fixtureOpts{allowPrivate: true})
	var mu sync.Mutex
	var got []string
	var calls atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if n <= 2 { // fail twice, then accept
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	code, _, body := f.do(t, "POST", APIPrefix+"/watchlists", "application/json",
		`{"name":"Fidan watch","query":{"actor":"Hakan Fidan"},"webhook":"`+hook.URL+`/hook"}`, nil)
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var wl struct{ ID string }
	json.Unmarshal([]byte(body), &wl)
	// existing events are the baseline: no alert yet
	var alerts struct{ Items []json.RawMessage }
	f.getJSON(t, APIPrefix+"/watchlists/"+wl.ID+"/alerts", &alerts)
	if len(alerts.Items) != 0 {
		t.Fatalf("%d alerts before any new document", len(alerts.Items))
	}
	doc := `{"text":"ANKARA — Turkish Foreign Minister Hakan Fidan met Syrian Foreign Minister Asaad al-Shaibani in Ankara on Monday to discuss border security, the ministry said.","published":"2025-12-22","outlet":"Watch Test","id":"watch-1"}`
	code, _, body = f.do(t, "POST", APIPrefix+"/ingest", "application/json", doc, nil)
	if code != 201 {
		t.Fatalf("ingest: %d %s", code, body)
	}
	f.getJSON(t, APIPrefix+"/watchlists/"+wl.ID+"/alerts", &alerts)
	if len(alerts.Items) == 0 {
		t.Fatal("no alert after a new matching event")
	}
	code, ct, feed := f.get(t, "/watchlists/"+wl.ID+"/feed.atom")
	if code != 200 || !strings.HasPrefix(ct, "application/atom+xml") || !strings.Contains(feed, "<entry>") || !strings.Contains(feed, "/documents/watch-1") {
		t.Errorf("feed: %d %s %.400s", code, ct, feed)
	}
	f.watch.Close() // wait for the deliveries
	var ds struct {
		Items []struct {
			Attempt int
			OK      bool
			Status  int
		}
	}
	f.getJSON(t, APIPrefix+"/watchlists/"+wl.ID+"/deliveries", &ds)
	if len(ds.Items) != 3 || !ds.Items[0].OK || ds.Items[0].Attempt != 3 || ds.Items[2].Status != 503 {
		t.Errorf("delivery log %+v, want two failures then success", ds.Items)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], `"alerts"`) || !strings.Contains(got[0], "watch-1") {
		t.Errorf("webhook got %v", got)
	}
	_, _, page := f.get(t, "/watchlists/"+wl.ID)
	if !strings.Contains(page, "Webhook deliveries") || !strings.Contains(page, "503") {
		t.Errorf("watchlist page lacks the delivery log")
	}
}

func TestWebhookGuard(t *testing.T) {
	f := newFixture(t, fixtureOpts{empty: true})
	for _, u := range []string{"http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/x", "http://[::1]/x", "http://169.254.169.254/latest", "ftp://example.org/x", "http://user:pw@example.org/"} {
		code, ct, body := f.do(t, "POST", APIPrefix+"/watchlists", "application/json", `{"name":"g","query":{"actor":"SYR"},"webhook":"`+u+`"}`, nil)
		if code != 400 {
			t.Errorf("webhook %s: %d %s", u, code, body)
			continue
		}
		checkErrorBody(t, u, code, ct, body)
	}
}

var _ = time.Second
