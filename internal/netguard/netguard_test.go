package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	refused := []string{"127.0.0.1", "127.8.9.1", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"169.254.169.254", "fe80::1", "fc00::1", "fd12:3456::1", "0.0.0.0", "::", "100.64.0.1", "224.0.0.1", "ff02::1",
		"255.255.255.255", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "198.18.0.1"}
	for _, s := range refused {
		if err := Check(netip.MustParseAddr(s)); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: err %v, want ErrForbidden", s, err)
		}
	}
	allowed := []string{"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.4.4"}
	for _, s := range allowed {
		if err := Check(netip.MustParseAddr(s)); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if err := CheckAddress("[::1]:443"); !errors.Is(err, ErrForbidden) {
		t.Errorf("[::1]:443: %v", err)
	}
	if err := CheckAddress("example.org:80"); !errors.Is(err, ErrForbidden) {
		t.Errorf("an unresolved name must be refused: %v", err)
	}
}

// TestDialer connects to a loopback test server: refused by the guarded
// dialer (before any connection is made), accepted with allowPrivate.
func TestDialer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	client := func(allow bool) *http.Client {
		d := Dialer(2*time.Second, allow)
		return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	}
	_, err := client(false).Get(srv.URL)
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("guarded dialer reached %s: %v", srv.URL, err)
	}
	resp, err := client(true).Get(srv.URL)
	if err != nil {
		t.Fatalf("allowPrivate: %v", err)
	}
	resp.Body.Close()
	// A name that resolves to loopback is refused too (checked after resolution).
	d := Dialer(2*time.Second, false)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	if _, err := d.DialContext(context.Background(), "tcp", net.JoinHostPort("localhost", port)); !errors.Is(err, ErrForbidden) {
		t.Fatalf("localhost: %v", err)
	}
}
