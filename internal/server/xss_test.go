package server

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/store"
)

// hostile is a report full of script and attribute injection attempts,
// in its front matter and in its text.
const hostile = `---
id: xss-1
title: <script>alert('title')</script> Turkey "><img src=x onerror=alert(1)>
published: 2025-12-30
outlet: Evil Outlet"><svg onload=alert(2)>
url: javascript:alert(document.cookie)
---
ANKARA — Turkish Foreign Minister Hakan Fidan met <script>alert("body")</script> Syrian Foreign Minister Asaad al-Shaibani in Ankara on Monday, the ministry said "><img src=x onerror=alert(3)>.

"We reject <iframe src=javascript:alert(4)></iframe> and '><body onload=alert(5)>," Fidan told reporters in Aleppo after Turkey condemned the attack.

Syria asked Turkey for <b onmouseover=alert(6)>electricity</b>; the officials said </span></div><script>alert(7)</script> was not a problem.

Erdoğan said &lt;script&gt;alert(11)&lt;/script&gt; and &quot;&gt;&lt;img src=x onerror=alert(12)&gt; in Ankara on Tuesday.
`

// hostileText is stored as given (not through ingest, which strips tags
// from HTML input), so that raw markup reaches the highlighter.
const hostileText = "DAMASCUS — Syrian President Ahmed al-Sharaa <script>alert(13)</script> met Turkish President Recep Tayyip Erdoğan in Damascus on Monday \"><img src=x onerror=alert(14)>.\n\n\"We <b onclick=alert(15)>agreed</b> on </span></p><script>alert(16)</script>,\" al-Sharaa told reporters.\n"

var (
	// ourScript are the script elements the templates write.
	ourScript = regexp.MustCompile(`^(src=/static/[^ ]+|type=application/json id=[a-z-]+)$`)
	// markup elements no page of sitrep writes
	foreign = map[string]bool{"img": true, "iframe": true, "object": true, "embed": true, "base": true, "frame": true, "applet": true}
)

// checkMarkup parses a page as HTML and reports script elements not
// written by the templates, event handler attributes, javascript: URLs
// and elements that can only come from content.
func checkMarkup(t *testing.T, page, doc string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		var attrs []string
		for _, a := range tok.Attr {
			k := strings.ToLower(a.Key)
			if strings.HasPrefix(k, "on") {
				t.Errorf("%s: <%s> has an event handler attribute %s=%q", page, tok.Data, a.Key, a.Val)
			}
			v := strings.ToLower(strings.TrimSpace(a.Val))
			if (k == "href" || k == "src" || k == "action" || k == "formaction" || k == "xlink:href") && strings.HasPrefix(v, "javascript:") {
				t.Errorf("%s: <%s %s=%q>", page, tok.Data, a.Key, a.Val)
			}
			attrs = append(attrs, k+"="+a.Val)
		}
		switch {
		case tok.Data == "script" && !ourScript.MatchString(strings.Join(attrs, " ")):
			t.Errorf("%s: script element %v from content", page, attrs)
		case foreign[tok.Data]:
			t.Errorf("%s: <%s %v> from content", page, tok.Data, attrs)
		}
	}
}

// TestHostileDocumentIsEscaped ingests a hostile document and checks that
// every page renders its content as text: no script element, event
// handler attribute or javascript: URL comes from it.
func TestHostileDocumentIsEscaped(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	body, _ := json.Marshal(map[string]string{"text": hostile})
	code, _, resp := f.do(t, "POST", APIPrefix+"/ingest", "application/json", string(body), nil)
	if code != 201 {
		t.Fatalf("ingest: %d %s", code, resp)
	}
	var res IngestResult
	json.Unmarshal([]byte(resp), &res)
	if res.ID != "xss-1" {
		t.Fatalf("stored as %q", res.ID)
	}
	raw := &sitrep.Document{ID: "xss-2", Title: `<script>alert(17)</script>`, URL: `javascript:alert(18)`, Outlet: `"><img src=x onerror=alert(19)>`,
		Published: sitrep.StrPtr("2025-12-31"), Text: hostileText}
	rx, err := testPipeline(t).Extract(t.Context(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(rx.Entities) == 0 {
		t.Fatal("the raw document has no entities to highlight")
	}
	if _, err := f.st.Put(t.Context(), rx, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	wl := `{"name":"<script>alert(8)</script>\"><img src=x onerror=alert(9)>","query":{"actor":"<script>alert(10)</script>"}}`
	code, _, resp = f.do(t, "POST", APIPrefix+"/watchlists", "application/json", wl, nil)
	if code != 201 {
		t.Fatalf("watchlist: %d %s", code, resp)
	}
	var w struct{ ID string }
	json.Unmarshal([]byte(resp), &w)

	pages := []string{"/", "/documents", "/documents/xss-1", "/documents/xss-2", "/network", "/map", "/agreements", "/commitments", "/actors",
		"/search?q=" + url.QueryEscape("script alert"), "/search?q=" + url.QueryEscape(`"><img src=x onerror=alert(1)>`),
		"/search?actor=" + url.QueryEscape("<script>alert(1)</script>") + "&place=" + url.QueryEscape(`"><svg onload=alert(1)>`),
		"/search?outlet=" + url.QueryEscape(`Evil Outlet"><svg onload=alert(2)>`),
		"/search?since=" + url.QueryEscape(`"><script>alert(1)</script>`),
		"/dyads/" + url.PathEscape("<script>x</script>") + "/" + url.PathEscape(`"><img src=x onerror=alert(1)>`),
		"/map?since=" + url.QueryEscape(`2025-01-01"><script>`),
		"/watchlists", "/watchlists/" + w.ID, "/watchlists/" + w.ID + "/feed.atom",
		"/documents/" + url.PathEscape(`<script>alert(1)</script>`),
	}
	x1, err := f.st.Document(t.Context(), "xss-1")
	if err != nil {
		t.Fatal(err)
	}
	// the actors and events the hostile documents brought
	var actors struct{ Items []store.ActorRecord }
	f.getJSON(t, APIPrefix+"/actors?limit=500", &actors)
	for _, a := range actors.Items {
		if strings.ContainsAny(a.Name, `<>"`) || strings.Contains(a.Name, "alert") {
			pages = append(pages, "/actors/"+a.ID)
		}
	}
	for _, e := range append(x1.Events, rx.Events...) {
		for _, side := range []string{e.Source.Code, e.Source.Country, e.Target.Code} {
			if side != "" {
				pages = append(pages, "/dyads/"+url.PathEscape(side)+"/SYR")
			}
		}
	}
	for _, p := range pages {
		code, _, body := f.get(t, p)
		if code >= 500 {
			t.Errorf("GET %s: %d", p, code)
			continue
		}
		checkMarkup(t, p, body)
	}
	// the content is there, as text
	_, _, doc := f.get(t, "/documents/xss-1")
	for _, want := range []string{"&lt;script&gt;alert(11)&lt;/script&gt;", "&lt;img src=x onerror=alert(12)&gt;", "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"} {
		if !strings.Contains(doc, want) {
			t.Errorf("document page lacks the escaped text %q", want)
		}
	}
	if !strings.Contains(doc, "source URL (not a web link)") {
		t.Error("the javascript: URL is not shown as text")
	}
	if strings.Count(doc, "<span") != strings.Count(doc, "</span>") {
		t.Error("unbalanced spans on the document page")
	}
	_, _, doc = f.get(t, "/documents/xss-2")
	for _, want := range []string{"&lt;script&gt;alert(13)&lt;/script&gt;", "&lt;img src=x onerror=alert(14)&gt;", "&lt;/span&gt;&lt;/p&gt;&lt;script&gt;alert(16)"} {
		if !strings.Contains(doc, want) {
			t.Errorf("raw document page lacks the escaped text %q", want)
		}
	}
	if strings.Count(doc, "<span") != strings.Count(doc, "</span>") {
		t.Error("unbalanced spans on the raw document page")
	}
}
