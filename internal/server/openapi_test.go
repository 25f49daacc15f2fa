package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
)

type oaParam struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
	Example  any    `json:"example"`
}

type oaResponse struct {
	Ref     string                     `json:"$ref"`
	Content map[string]json.RawMessage `json:"content"`
}

type oaOperation struct {
	OperationID string                `json:"operationId"`
	Parameters  []oaParam             `json:"parameters"`
	RequestBody json.RawMessage       `json:"requestBody"`
	Responses   map[string]oaResponse `json:"responses"`
}

type oaDoc struct {
	OpenAPI    string                            `json:"openapi"`
	Servers    []struct{ URL string }            `json:"servers"`
	Paths      map[string]map[string]oaOperation `json:"paths"`
	Components struct {
		Parameters map[string]oaParam    `json:"parameters"`
		Responses  map[string]oaResponse `json:"responses"`
		Schemas    map[string]struct {
			Required []string `json:"required"`
		} `json:"schemas"`
	} `json:"components"`
}

func loadOpenAPI(t *testing.T) oaDoc {
	t.Helper()
	var d oaDoc
	if err := json.Unmarshal(openapiJSON, &d); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(d.OpenAPI, "3.") || len(d.Servers) != 1 || d.Servers[0].URL != APIPrefix {
		t.Fatalf("openapi.json: version %q servers %v", d.OpenAPI, d.Servers)
	}
	return d
}

// TestOpenAPIMatchesRoutes checks that every registered API route is
// documented and that every documented operation is registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	d := loadOpenAPI(t)
	f := newFixture(t, fixtureOpts{empty: true})
	documented := map[string]bool{}
	for p, ops := range d.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+APIPrefix+p] = true
		}
	}
	routed := map[string]bool{}
	for _, r := range f.srv.Routes() {
		if !r.API {
			if strings.HasPrefix(r.Pattern, APIPrefix) {
				t.Errorf("page route %s %s under the API prefix", r.Method, r.Pattern)
			}
			continue
		}
		k := r.Method + " " + r.Pattern
		routed[k] = true
		if !documented[k] {
			t.Errorf("route %s is not documented in openapi.json", k)
		}
	}
	for k := range documented {
		if !routed[k] {
			t.Errorf("openapi.json documents %s, which is not routed", k)
		}
	}
	if len(routed) < 15 {
		t.Errorf("only %d API routes", len(routed))
	}
}

// TestOpenAPIResponses calls every documented operation on the demo store
// and checks that the status is one the document lists for it, that the
// body is JSON (or another content type documented for that status) and
// that it has the required fields of its schema.
func TestOpenAPIResponses(t *testing.T) {
	d := loadOpenAPI(t)
	f := newFixture(t, fixtureOpts{})

	// live ids for path parameters without an example
	var evs struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	f.getJSON(t, APIPrefix+"/events?limit=1", &evs)
	var actors struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	f.getJSON(t, APIPrefix+"/actors?limit=1", &actors)
	if len(evs.Items) == 0 || len(actors.Items) == 0 {
		t.Fatal("demo store has no events or actors")
	}
	code, _, body := f.do(t, "POST", APIPrefix+"/watchlists", "application/json", `{"name":"spec","query":{"actor":"SYR"}}`, nil)
	if code != http.StatusCreated {
		t.Fatalf("create watchlist: %d %s", code, body)
	}
	var wl struct{ ID string }
	json.Unmarshal([]byte(body), &wl)
	ids := map[string]string{
		"/events/{id}/mentions": strconv.FormatInt(evs.Items[0].ID, 10),
		"/actors/{id}":          actors.Items[0].ID,
		"/watchlists/{id}":      wl.ID,
	}
	bodies := map[string]string{
		"POST /ingest":     `{"text":"ANKARA — Turkey and Syria signed a trade agreement in Ankara on Monday, officials said.","published":"2025-12-01","outlet":"Spec Test","id":"spec-test-1"}`,
		"POST /watchlists": `{"name":"another","query":{"type":"ASSAULT"}}`,
	}
	var keys []string
	for p, ops := range d.Paths {
		for m := range ops {
			keys = append(keys, p+" "+m)
		}
	}
	// deletions last
	sort.Slice(keys, func(i, j int) bool {
		di, dj := strings.HasSuffix(keys[i], " delete"), strings.HasSuffix(keys[j], " delete")
		if di != dj {
			return dj
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		p, m, _ := strings.Cut(k, " ")
		op := d.Paths[p][m]
		path := p
		q := url.Values{}
		for _, prm := range op.Parameters {
			if prm.Ref != "" {
				prm = d.Components.Parameters[strings.TrimPrefix(prm.Ref, "#/components/parameters/")]
			}
			val := ""
			if prm.Example != nil {
				val = fmt.Sprint(prm.Example)
			}
			if prm.In == "path" {
				if val == "" {
					for pre, id := range ids {
						if strings.HasPrefix(p, pre) || p == pre {
							val = id
						}
					}
				}
				if val == "" {
					t.Fatalf("%s: no value for path parameter %s", k, prm.Name)
				}
				path = strings.Replace(path, "{"+prm.Name+"}", url.PathEscape(val), 1)
			} else if prm.In == "query" && (prm.Required || val != "") {
				q.Set(prm.Name, val)
			}
		}
		target := APIPrefix + path
		if len(q) > 0 {
			target += "?" + q.Encode()
		}
		method := strings.ToUpper(m)
		ctype, reqBody := "", ""
		if len(op.RequestBody) > 0 {
			ctype, reqBody = "application/json", bodies[method+" "+p]
			if reqBody == "" {
				t.Fatalf("%s: no test body", k)
			}
		}
		code, gotType, body := f.do(t, method, target, ctype, reqBody, nil)
		resp, ok := op.Responses[strconv.Itoa(code)]
		if !ok {
			t.Errorf("%s %s: status %d not documented (%.200s)", method, target, code, body)
			continue
		}
		if resp.Ref != "" {
			resp = d.Components.Responses[strings.TrimPrefix(resp.Ref, "#/components/responses/")]
		}
		if code == http.StatusNoContent {
			if body != "" {
				t.Errorf("%s %s: 204 with a body", method, target)
			}
			continue
		}
		if code >= 300 {
			t.Errorf("%s %s: %d %.200s", method, target, code, body)
		}
		mt, _, _ := strings.Cut(gotType, ";")
		schema, ok := resp.Content[mt]
		if !ok {
			t.Errorf("%s %s: content type %q not documented for %d", method, target, gotType, code)
			continue
		}
		if mt != "application/json" {
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &obj); err != nil {
			t.Errorf("%s %s: body is not a JSON object: %v", method, target, err)
			continue
		}
		var sch struct {
			Ref string `json:"$ref"`
		}
		json.Unmarshal(schema, &sch)
		sch.Ref = strings.TrimPrefix(sch.Ref, "#/components/schemas/")
		for _, field := range d.Components.Schemas[sch.Ref].Required {
			if _, ok := obj[field]; !ok {
				t.Errorf("%s %s: response lacks required field %q of %s", method, target, field, sch.Ref)
			}
		}
	}
}

// TestAPIErrors checks the JSON error envelope on documented error cases.
func TestAPIErrors(t *testing.T) {
	d := loadOpenAPI(t)
	f := newFixture(t, fixtureOpts{empty: true})
	cases := []struct {
		method, path, ctype, body string
		status                    int
		op                        string
	}{
		{"GET", "/events?since=yesterday", "", "", 400, "/events get"},
		{"GET", "/events?limit=0", "", "", 400, "/events get"},
		{"GET", "/events?cursor=abc", "", "", 400, "/events get"},
		{"GET", "/search", "", "", 400, "/search get"},
		{"GET", "/documents/no-such-document", "", "", 404, "/documents/{id} get"},
		{"GET", "/actors/0000", "", "", 404, "/actors/{id} get"},
		{"GET", "/events/abc/mentions", "", "", 400, "/events/{id}/mentions get"},
		{"GET", "/events/12345/mentions", "", "", 404, "/events/{id}/mentions get"},
		{"GET", "/timelines", "", "", 400, "/timelines get"},
		{"GET", "/dyads/TUR/SYR?by=year", "", "", 400, "/dyads/{a}/{b} get"},
		{"GET", "/exports/xml", "", "", 400, "/exports/{format} get"},
		{"POST", "/ingest", "text/plain", "hello", 415, "/ingest post"},
		{"POST", "/ingest", "application/json", "{", 400, "/ingest post"},
		{"POST", "/ingest", "application/json", `{"text":"   "}`, 400, "/ingest post"},
		{"POST", "/ingest", "application/json", `{"unknown":1}`, 400, "/ingest post"},
		{"POST", "/watchlists", "application/json", `{"name":"x","query":{}}`, 400, "/watchlists post"},
		{"GET", "/watchlists/nope", "", "", 404, "/watchlists/{id} get"},
		{"DELETE", "/watchlists/nope", "", "", 404, "/watchlists/{id} delete"},
		{"GET", "/nothing/here", "", "", 404, ""},
		{"PUT", "/events", "", "", 405, ""},
		{"DELETE", "/ingest", "", "", 405, ""},
	}
	for _, c := range cases {
		code, ct, body := f.do(t, c.method, APIPrefix+c.path, c.ctype, c.body, nil)
		what := c.method + " " + c.path
		if code != c.status {
			t.Errorf("%s: %d, want %d (%.200s)", what, code, c.status, body)
			continue
		}
		checkErrorBody(t, what, code, ct, body)
		if c.op != "" {
			p, m, _ := strings.Cut(c.op, " ")
			if _, ok := d.Paths[p][m].Responses[strconv.Itoa(code)]; !ok {
				t.Errorf("%s: status %d is not documented for %s", what, code, c.op)
			}
		}
	}
	// a cursor is bound to its query
	code, _, body := f.get(t, APIPrefix+"/documents?limit=1&cursor="+pageReq{key: 1}.cursor(1))
	if code != 400 {
		t.Errorf("foreign cursor: %d %s", code, body)
	}
}
