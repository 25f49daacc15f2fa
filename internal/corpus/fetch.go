package corpus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/netguard"
)

// FetchOptions configure a Fetcher.
type FetchOptions struct {
	// AllowPrivate permits loopback, private and link-local addresses.
	AllowPrivate bool
	// MaxBytes is the largest body accepted; ingest.DefaultMaxBytes when 0.
	MaxBytes int64
	// Timeout bounds one request, redirects and body included; 30 s when 0.
	Timeout time.Duration
	// PerHost is the least time between two requests to one host; 1 s
	// when 0, none when negative.
	PerHost time.Duration
	// UserAgent is sent with every request; "sitrep/<version>" when empty.
	UserAgent string
}

// Fetcher gets pages and feeds over HTTP politely: timeouts, a size cap,
// a per-host rate limit, and no private addresses (redirects included).
type Fetcher struct {
	client *http.Client
	opts   FetchOptions

	mu   sync.Mutex
	next map[string]time.Time
}

// NewFetcher returns a fetcher.
func NewFetcher(opts FetchOptions) *Fetcher {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = ingest.DefaultMaxBytes
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.PerHost == 0 {
		opts.PerHost = time.Second
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "sitrep/" + sitrep.Version
	}
	dialer := netguard.Dialer(10*time.Second, opts.AllowPrivate)
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would hide the address the guard checks
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 20 * time.Second,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       60 * time.Second,
	}
	c := &http.Client{
		Transport: tr,
		Timeout:   opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("more than 5 redirects")
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to a %s URL refused", req.URL.Scheme)
			}
			return nil
		},
	}
	return &Fetcher{client: c, opts: opts, next: map[string]time.Time{}}
}

// Response is a fetched body.
type Response struct {
	// URL is the final URL, after redirects.
	URL          string
	Status       int
	Body         []byte
	ContentType  string
	ETag         string
	LastModified string
	// NotModified is set for a 304 answer to a conditional request.
	NotModified bool
}

// Conditional holds validators of a conditional GET.
type Conditional struct {
	ETag, LastModified string
}

// IsURL reports whether s is an http or https URL.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// Get fetches u. With cond, it sends If-None-Match/If-Modified-Since and
// a 304 answer returns NotModified. Any other status than 200 is an error.
func (f *Fetcher) Get(ctx context.Context, u string, cond *Conditional) (*Response, error) {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return nil, fmt.Errorf("%s: not an http(s) URL", u)
	}
	if err := f.wait(ctx, pu.Host); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,text/plain;q=0.9,*/*;q=0.5")
	if cond != nil {
		if cond.ETag != "" {
			req.Header.Set("If-None-Match", cond.ETag)
		}
		if cond.LastModified != "" {
			req.Header.Set("If-Modified-Since", cond.LastModified)
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, netguard.ErrForbidden) {
			return nil, fmt.Errorf("%s: %w", u, netguard.ErrForbidden)
		}
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	r := &Response{URL: resp.Request.URL.String(), Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	if resp.StatusCode == http.StatusNotModified && cond != nil {
		r.NotModified = true
		return r, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: HTTP %s", u, resp.Status)
	}
	if resp.ContentLength > f.opts.MaxBytes {
		return nil, fmt.Errorf("fetch %s: %w (%d bytes announced)", u, ingest.ErrTooLarge, resp.ContentLength)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: read body: %w", u, err)
	}
	if int64(len(body)) > f.opts.MaxBytes {
		return nil, fmt.Errorf("fetch %s: %w (more than %d bytes)", u, ingest.ErrTooLarge, f.opts.MaxBytes)
	}
	r.Body = body
	return r, nil
}

// wait blocks until the host may be asked again.
func (f *Fetcher) wait(ctx context.Context, host string) error {
	if f.opts.PerHost < 0 {
		return nil
	}
	host = strings.ToLower(host)
	f.mu.Lock()
	now := time.Now()
	at := f.next[host]
	if at.Before(now) {
		at = now
	}
	f.next[host] = at.Add(f.opts.PerHost)
	f.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Document fetches a page and reads it as a document. The final URL
// becomes the document's URL unless the page names its own.
func (f *Fetcher) Document(ctx context.Context, u string, opts ingest.Options) (*sitrep.Document, error) {
	r, err := f.Get(ctx, u, nil)
	if err != nil {
		return nil, err
	}
	name := u
	if pu, err := url.Parse(r.URL); err == nil {
		name = pu.Path
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index"
		}
		if strings.Contains(r.ContentType, "html") && !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".htm") {
			name += ".html"
		}
	}
	doc, err := ingest.Read(ctx, name, strings.NewReader(string(r.Body)), opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	doc.File = ""
	if doc.URL == "" {
		doc.URL = r.URL
	}
	return doc, nil
}
