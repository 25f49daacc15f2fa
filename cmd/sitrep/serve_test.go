package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/demo"
)

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true, "127.1.2.3:1": true,
		":8080": false, "0.0.0.0:8080": false, "192.168.1.2:80": false, "[::]:80": false, "example.org:80": false, "bad": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v", addr, got)
		}
	}
}

func TestServeNeedsTokenOffLoopback(t *testing.T) {
	t.Setenv(envToken, "")
	var out, errb bytes.Buffer
	code := run([]string{"serve", "--addr", "0.0.0.0:0", "--db", filepath.Join(t.TempDir(), "x.db")}, strings.NewReader(""), &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "--token") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	if err := checkServeFlags(&serveFlags{addr: "0.0.0.0:0", token: "t", watchEvery: time.Minute}); err != nil {
		t.Errorf("with a token: %v", err)
	}
}

func TestWatchPath(t *testing.T) {
	if got := watchPath("data/s.db", ""); got != "data/s.db.watch.json" {
		t.Errorf("sqlite: %s", got)
	}
	if got := watchPath("sqlite:data/s.db", ""); got != "data/s.db.watch.json" {
		t.Errorf("sqlite: prefix: %s", got)
	}
	if got := watchPath("postgres://u@h/db", ""); got != "sitrep-watch.json" {
		t.Errorf("postgres: %s", got)
	}
	if got := watchPath("x.db", "w.json"); got != "w.json" {
		t.Errorf("flag: %s", got)
	}
}

// TestDemoServes builds the demo store and serves it until the context ends.
func TestDemoServes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo store")
	}
	db := filepath.Join(t.TempDir(), "demo.db")
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	if err := runDemo(context.Background(), e, []string{"--db", db, "--no-serve"}); err != nil {
		t.Fatalf("demo: %v (%s)", err, errb.String())
	}
	files, err := demo.Files()
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d reports (%d stored, 1 near duplicates", len(files), len(files)-1); !strings.Contains(out.String(), want) {
		t.Errorf("summary %q", out.String())
	}
	st, err := openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- serveStore(ctx, e, st, db, serveFlags{addr: "127.0.0.1:0", watchEvery: time.Minute}, nil, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	}
	resp, err := http.Get("http://" + addr + "/api/v1/counts")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("counts: %d", resp.StatusCode)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	st.Close()
}
