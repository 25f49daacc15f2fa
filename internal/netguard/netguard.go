// Package netguard keeps sitrep's fetcher away from the machine's own
// network: it refuses loopback, private, link-local, carrier-grade NAT,
// multicast and unspecified addresses. Check is the rule; Control applies
// it to every connection a net.Dialer makes (after DNS resolution, so DNS
// rebinding and redirects to such addresses are refused too).
package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrForbidden is wrapped by the errors of refused addresses.
var ErrForbidden = errors.New("address not allowed (private, loopback or link-local; use --allow-private to permit)")

// Check returns an error wrapping ErrForbidden when ip is not a public
// unicast address.
func Check(ip netip.Addr) error {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return fmt.Errorf("invalid address: %w", ErrForbidden)
	case ip.IsLoopback():
		return fmt.Errorf("%s is a loopback address: %w", ip, ErrForbidden)
	case ip.IsPrivate():
		return fmt.Errorf("%s is a private address: %w", ip, ErrForbidden)
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return fmt.Errorf("%s is a link-local address: %w", ip, ErrForbidden)
	case ip.IsUnspecified():
		return fmt.Errorf("%s is unspecified: %w", ip, ErrForbidden)
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return fmt.Errorf("%s is a multicast address: %w", ip, ErrForbidden)
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return fmt.Errorf("%s is in reserved range %s: %w", ip, p, ErrForbidden)
		}
	}
	return nil
}

// reserved are special-purpose ranges Go's netip predicates do not cover.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
}

// CheckAddress checks a host:port whose host is an IP address.
func CheckAddress(address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%q is not an IP address: %w", host, ErrForbidden)
	}
	return Check(ip)
}

// Control is a net.Dialer Control function applying Check to the address
// being connected to.
func Control(network, address string, _ syscall.RawConn) error {
	return CheckAddress(address)
}

// Dialer returns a dialer with the timeout given that refuses non-public
// addresses, unless allowPrivate is set.
func Dialer(timeout time.Duration, allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = Control
	}
	return d
}
