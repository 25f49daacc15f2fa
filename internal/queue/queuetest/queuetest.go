// Package queuetest gives tests a NATS server with JetStream (the one of
// $SITREP_TEST_NATS, or an embedded one) and queue names of their own.
package queuetest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/sitrep/sitrep/internal/queue"
)

// Server is an embedded NATS server with JetStream that a test can stop
// and restart on the same port and storage.
type Server struct {
	t    testing.TB
	srv  *server.Server
	port int
	dir  string
}

// Start starts an embedded server, stopped at the end of the test. A
// server that cannot start skips the test.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, port: -1, dir: t.TempDir()}
	s.start()
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start() {
	s.t.Helper()
	opts := &server.Options{Host: "127.0.0.1", Port: s.port, JetStream: true, StoreDir: s.dir, NoLog: true, NoSigs: true}
	for try := 0; try < 50; try++ { // the port may linger briefly after a stop
		srv, err := server.NewServer(opts)
		if err != nil {
			s.t.Skipf("no embedded NATS server could be made (%v): skipping the queue test", err)
		}
		go srv.Start()
		if srv.ReadyForConnections(10 * time.Second) {
			s.srv = srv
			s.port = srv.Addr().(*net.TCPAddr).Port
			return
		}
		srv.Shutdown()
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Skipf("the embedded NATS server did not start on port %d: skipping the queue test", s.port)
}

// Stop stops the server (and does nothing when it is stopped).
func (s *Server) Stop() {
	if s.srv != nil {
		s.srv.Shutdown()
		s.srv.WaitForShutdown()
		s.srv = nil
	}
}

// Restart stops the server, waits down, and starts it again on the same
// port with the same storage.
func (s *Server) Restart(down time.Duration) {
	s.Stop()
	time.Sleep(down)
	s.start()
}

// URL is the server's address.
func (s *Server) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.port) }

// URL returns the server of $SITREP_TEST_NATS (failing the test when it
// does not answer), else the address of an embedded server that lives as
// long as the test.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("SITREP_TEST_NATS"); u != "" {
		nc, err := nats.Connect(u, nats.Timeout(3*time.Second))
		if err != nil {
			t.Fatalf("SITREP_TEST_NATS=%s: %v", u, err)
		}
		nc.Close()
		return u
	}
	return Start(t).URL()
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

// Config names a stream (prefix, the test's name and a random suffix) and
// a consumer for this test only, and deletes the streams at its end.
func Config(t testing.TB, url, prefix string) queue.Config {
	t.Helper()
	name := strings.ToUpper(nonWord.ReplaceAllString(t.Name(), "_"))
	if len(name) > 40 {
		name = name[:40]
	}
	b := make([]byte, 4)
	rand.Read(b)
	suffix := hex.EncodeToString(b)
	cfg := queue.Config{URL: url, Stream: prefix + "_" + name + "_" + suffix, Consumer: "workers_" + suffix}
	t.Cleanup(func() {
		if err := queue.DeleteAt(cfg); err != nil {
			t.Logf("clean up streams: %v", err)
		}
	})
	return cfg
}
