package corpus

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/store"
)

// minContent is the shortest feed entry body used as the document with
// FeedContent; shorter ones (teasers) are fetched from their link.
const minContent = 400

// PollFeed fetches the feed at feedURL with a conditional GET (the ETag
// and Last-Modified remembered in st) and sends one item per entry whose
// link is not stored yet, oldest first. Each entry is fetched from its
// link, or taken from the feed itself when useContent is set and the
// entry carries a full body. It returns the feed state to save once the
// items are stored, and whether the feed was unchanged (HTTP 304).
func (r *Reader) PollFeed(ctx context.Context, st store.Store, feedURL string, useContent bool, out chan<- Item) (store.FeedState, bool, error) {
	if r.Fetcher == nil {
		return store.FeedState{}, false, fmt.Errorf("feed %s: fetching is not enabled", feedURL)
	}
	prev, _, err := st.Feed(ctx, feedURL)
	if err != nil {
		return store.FeedState{}, false, err
	}
	resp, err := r.Fetcher.Get(ctx, feedURL, &Conditional{ETag: prev.ETag, LastModified: prev.LastModified})
	if err != nil {
		return store.FeedState{}, false, err
	}
	state := store.FeedState{URL: feedURL, ETag: resp.ETag, LastModified: resp.LastModified, CheckedAt: time.Now().UTC(), Status: resp.Status}
	if resp.NotModified {
		state.ETag, state.LastModified = prev.ETag, prev.LastModified
		return state, true, nil
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(resp.Body))
	if err != nil {
		return store.FeedState{}, false, fmt.Errorf("feed %s: %w", feedURL, err)
	}
	send := func(it Item) error {
		select {
		case out <- it:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for i := len(feed.Items) - 1; i >= 0; i-- {
		e := feed.Items[i]
		link := strings.TrimSpace(e.Link)
		if link == "" {
			continue
		}
		if _, found, err := st.Lookup(ctx, &sitrep.Document{URL: link}); err != nil {
			return store.FeedState{}, false, err
		} else if found {
			continue
		}
		it := Item{Name: link}
		published := ""
		if e.PublishedParsed != nil {
			published = e.PublishedParsed.UTC().Format("2006-01-02")
		} else if e.UpdatedParsed != nil {
			published = e.UpdatedParsed.UTC().Format("2006-01-02")
		}
		outlet := r.Options.Outlet
		if outlet == "" {
			outlet = strings.TrimSpace(feed.Title)
		}
		body := e.Content
		if len(body) < len(e.Description) {
			body = e.Description
		}
		if useContent && len(body) >= minContent {
			o := r.Options
			o.ID = ""
			it.Doc, it.Err = ingest.FromRecord(ctx, ingest.Record{Text: body, Title: e.Title, URL: link, Published: published, Outlet: outlet}, o)
		} else if IsURL(link) {
			it.Doc, it.Err = r.Fetcher.Document(ctx, link, r.Options)
		} else {
			it.Err = fmt.Errorf("entry link %q is not an http(s) URL", link)
		}
		if d := it.Doc; d != nil {
			if d.Published == nil && published != "" {
				d.Published = sitrep.StrPtr(published)
				d.PublishedSource = sitrep.PublishedMetadata
			}
			if d.Title == "" {
				d.Title = strings.TrimSpace(e.Title)
			}
			if d.Outlet == "" {
				d.Outlet = outlet
			}
		}
		if err := send(it); err != nil {
			return store.FeedState{}, false, err
		}
	}
	return state, false, nil
}
