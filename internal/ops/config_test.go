package ops

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type testFlags struct {
	fs          *flag.FlagSet
	queue, db   *string
	concurrency *int
	ackWait     *time.Duration
	json        *bool
	dicts       listFlag
	config      *string
}

func newTestFlags() *testFlags {
	f := &testFlags{fs: flag.NewFlagSet("worker", flag.ContinueOnError)}
	f.fs.SetOutput(io.Discard)
	f.queue = f.fs.String("queue", "nats://default:4222", "")
	f.db = f.fs.String("db", "", "")
	f.concurrency = f.fs.Int("concurrency", 1, "")
	f.ackWait = f.fs.Duration("ack-wait", 30*time.Second, "")
	f.json = f.fs.Bool("json", false, "")
	f.fs.Var(&f.dicts, "dict", "")
	f.config = f.fs.String("config", "", "")
	return f
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigPrecedence(t *testing.T) {
	file := writeFile(t, "sitrep.yaml", `
queue: nats://file:4222
db: postgres://file/sitrep
concurrency: 3
ack_wait: 45s
`)
	f := newTestFlags()
	if err := f.fs.Parse([]string{"--config", file, "--queue", "nats://flag:4222"}); err != nil {
		t.Fatal(err)
	}
	env := envOf(map[string]string{"SITREP_QUEUE": "nats://env:4222", "SITREP_DB": "postgres://env/sitrep"})
	ld, err := LoadConfig(f.fs, ConfigOptions{Getenv: env, Command: "worker"})
	if err != nil {
		t.Fatal(err)
	}
	if *f.queue != "nats://flag:4222" {
		t.Errorf("queue = %q, want the flag's value", *f.queue)
	}
	if *f.db != "postgres://env/sitrep" {
		t.Errorf("db = %q, want the environment's value over the file's", *f.db)
	}
	if *f.concurrency != 3 || *f.ackWait != 45*time.Second {
		t.Errorf("concurrency %d, ack-wait %v: want the file's 3 and 45s", *f.concurrency, *f.ackWait)
	}
	if *f.json {
		t.Errorf("json set without any source")
	}
	want := map[string]string{"queue": SourceFlag, "db": SourceEnv, "concurrency": SourceFile, "ack-wait": SourceFile, "json": SourceDefault}
	for k, v := range want {
		if ld.Sources[k] != v {
			t.Errorf("source of %s = %q, want %q", k, ld.Sources[k], v)
		}
	}
	if ld.File != file {
		t.Errorf("file = %q", ld.File)
	}
}

func TestConfigFileFromEnvAndSections(t *testing.T) {
	file := writeFile(t, "sitrep.json", `{
		"concurrency": 2,
		"dict": ["a", "b"],
		"worker": {"concurrency": 6, "json": true},
		"serve": {"concurrency": 9, "listen": ":8080"},
		"bogus": 1
	}`)
	f := newTestFlags()
	if err := f.fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	ld, err := LoadConfig(f.fs, ConfigOptions{Getenv: envOf(map[string]string{EnvConfig: file}), Command: "worker"})
	if err != nil {
		t.Fatal(err)
	}
	if *f.concurrency != 6 {
		t.Errorf("concurrency = %d, want the worker section's 6", *f.concurrency)
	}
	if !*f.json {
		t.Errorf("json not set from the worker section")
	}
	if !slices.Equal(f.dicts, listFlag{"a", "b"}) {
		t.Errorf("dict = %v, want [a b]", f.dicts)
	}
	if !slices.Equal(ld.Unknown, []string{"bogus"}) {
		t.Errorf("unknown = %v, want [bogus]", ld.Unknown)
	}
	if *f.queue != "nats://default:4222" {
		t.Errorf("queue = %q, want the default", *f.queue)
	}
}

func TestConfigEmptyEnvIgnored(t *testing.T) {
	f := newTestFlags()
	if err := f.fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(f.fs, ConfigOptions{Getenv: envOf(map[string]string{"SITREP_QUEUE": ""})}); err != nil {
		t.Fatal(err)
	}
	if *f.queue != "nats://default:4222" {
		t.Errorf("queue = %q: an empty variable must not override the default", *f.queue)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name, file string
		env        map[string]string
		want       string
	}{
		{name: "bad env value", env: map[string]string{"SITREP_CONCURRENCY": "many"}, want: "SITREP_CONCURRENCY"},
		{name: "bad file value", file: "concurrency: many\n", want: "concurrency"},
		{name: "map as value", file: "db: {a: 1}\n", want: "map"},
		{name: "not yaml", file: "queue: [unclosed\n", want: "sitrep.yaml"},
		{name: "missing file", file: "-", want: "configuration file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newTestFlags()
			if err := f.fs.Parse(nil); err != nil {
				t.Fatal(err)
			}
			opts := ConfigOptions{Getenv: envOf(c.env)}
			switch c.file {
			case "":
			case "-":
				opts.File = filepath.Join(t.TempDir(), "absent.yaml")
			default:
				opts.File = writeFile(t, "sitrep.yaml", c.file)
			}
			_, err := LoadConfig(f.fs, opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

func TestEnvName(t *testing.T) {
	if got := EnvName("metrics-addr"); got != "SITREP_METRICS_ADDR" {
		t.Errorf("EnvName = %q", got)
	}
}
