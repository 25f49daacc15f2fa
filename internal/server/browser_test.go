package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sitrep/sitrep/internal/store"
)

// chromium is Debian's browser; the browser test skips without it.
const chromium = "/usr/bin/chromium"

// artifacts is where the browser test saves its screenshots: $SITREP_ARTIFACTS,
// else a temporary directory.
func artifacts(t *testing.T) string {
	dir := os.Getenv("SITREP_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowser drives headless Chromium through the UI on the demo store:
// search, a document with its highlights, the network, the agreement
// tracker, the commitments, a dyad chart and the map, saving a screenshot
// of each, and fails on any JavaScript error.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no browser at %s (apt-get install chromium): %v", chromium, err)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	f := newFixture(t, fixtureOpts{})
	dir := artifacts(t)
	base := f.ts.URL

	// Chromium's helpers may still write in the profile for a moment
	// after it stops, so the profile is removed with retries.
	profile, err := os.MkdirTemp("", "sitrep-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	var mu sync.Mutex
	var jsErrors []string
	// Listen starts the browser; its context has no deadline, as the
	// browser lives as long as the context of its first call
	err = chromedp.Listen(bctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			mu.Lock()
			jsErrors = append(jsErrors, fmt.Sprintf("%s (%s:%d)", msg, d.URL, d.LineNumber))
			mu.Unlock()
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				mu.Lock()
				jsErrors = append(jsErrors, "console.error: "+strings.Join(parts, " "))
				mu.Unlock()
			}
		}
	})
	if err != nil {
		t.Fatalf("start the browser: %v", err)
	}
	ctx, cancelTime := context.WithTimeout(bctx, 3*time.Minute)
	defer cancelTime()

	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
		if err != nil {
			t.Fatalf("count %s: %v", sel, err)
		}
		return n
	}
	attr := func(sel, name string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
		if err != nil {
			t.Fatalf("attribute %s of %s: %v", name, sel, err)
		}
		return v.Value
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	// search: type words, submit, see hits (htmx swaps the results in)
	do("search",
		chromedp.Navigate(base+"/search"),
		chromedp.WaitVisible(css(`#q`)),
		chromedp.SendKeys(css(`#q`), "integration"),
		chromedp.Click(css(`#searchform button[type=submit]`)),
		chromedp.WaitVisible(css(`#results ol.hits li`)),
	)
	hits := count(`#results ol.hits li`)
	shot("search.png")
	if hits == 0 {
		t.Fatal("search for integration found nothing")
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.Contains(loc, "q=integration") {
		t.Errorf("search did not push its URL: %s %v", loc, err)
	}

	// open the first hit: the document with its highlights
	do("open hit",
		chromedp.Click(css(`#results ol.hits li a.hit`)),
		chromedp.WaitVisible(css(`#doctext`)),
	)
	spans, sentences := count(`#doctext span.hl`), count(`#doctext span.sent`)
	shot("document-from-search.png")
	if spans < 3 || sentences == 0 {
		t.Errorf("document from search: %d highlight spans, %d sentences", spans, sentences)
	}

	// the document with the most events: events are highlighted, and
	// hovering one gives its details
	docs, err := f.st.Documents(t.Context(), store.DocFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	doc, most := "", 0
	for _, d := range docs {
		if d.Events > most && d.DuplicateOf == "" {
			doc, most = d.ID, d.Events
		}
	}
	do("document", chromedp.Navigate(base+"/documents/"+doc), chromedp.WaitVisible(css(`#doctext`)))
	events, ents, quotes := count(`#doctext span.hl-event`), count(`#doctext span.hl-ent`), count(`#doctext span.hl-quote`)
	hover := attr(`#doctext span.hl-event`, "title")
	shot("document.png")
	t.Logf("document %s: %d event, %d entity, %d quote highlights", doc, events, ents, quotes)
	if events == 0 || ents == 0 {
		t.Errorf("document %s: %d event and %d entity highlights", doc, events, ents)
	}
	for _, w := range []string{"CAMEO", "→", "date", "confidence"} {
		if !strings.Contains(hover, w) {
			t.Errorf("event hover %q lacks %q", hover, w)
		}
	}

	// the network: cytoscape draws the nodes
	do("network", chromedp.Navigate(base+"/network"), chromedp.WaitVisible(css(`#network[data-ready]`)), chromedp.Sleep(300*time.Millisecond))
	ready, canvases := attr(`#network`, "data-ready"), count(`#network canvas`)
	shot("network.png")
	if ready == "" || ready == "0" || canvases == 0 {
		t.Errorf("network: %s nodes, %d canvases", ready, canvases)
	}

	// the agreement tracker: status charts whose steps link to evidence
	do("agreements", chromedp.Navigate(base+"/agreements"), chromedp.WaitVisible(css(`svg.stepchart`)))
	steps, charts, href := count(`svg.stepchart a.step`), count(`svg.stepchart`), attr(`ol.steps a.evidence`, "href")
	shot("agreements.png")
	if steps == 0 || charts == 0 || !strings.Contains(href, "#s") {
		t.Errorf("agreements: %d charts, %d steps, evidence link %q", charts, steps, href)
	}
	// the evidence link lands on its sentence
	do("evidence", chromedp.Click(css(`ol.steps a.evidence`)), chromedp.WaitVisible(css(`#doctext`)))
	target, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(":target")||{}).id||""`))
	if err != nil || !strings.HasPrefix(target, "s") {
		t.Errorf("evidence link %s: target %q is not a sentence (%v)", href, target, err)
	}

	do("commitments", chromedp.Navigate(base+"/commitments"), chromedp.WaitVisible(css(`section.thread`)))
	threads := count(`section.thread`)
	shot("commitments.png")
	if threads == 0 {
		t.Error("no commitment threads")
	}

	do("dyad", chromedp.Navigate(base+"/dyads/TUR/SYR"), chromedp.WaitVisible(css(`#chart .uplot canvas`)))
	plots := count(`#chart .uplot canvas`)
	shot("dyad.png")
	if plots == 0 {
		t.Error("dyad chart not drawn")
	}

	do("map", chromedp.Navigate(base+"/map"), chromedp.WaitVisible(css(`#map circle.dot`)), chromedp.Sleep(300*time.Millisecond))
	dots := count(`#map circle.dot`)
	worldLoaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`fetch(document.querySelector("#map image").getAttribute("href")).then(r => r.ok)`, chromedp.EvalAwaitPromise))
	shot("map.png")
	if dots == 0 || !worldLoaded || err != nil {
		t.Errorf("map: %d dots, outline loaded %v (%v)", dots, worldLoaded, err)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, e := range jsErrors {
		t.Errorf("JavaScript error: %s", e)
	}
	t.Logf("screenshots in %s", dir)
}
