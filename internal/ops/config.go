package ops

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
)

// EnvPrefix is the prefix of the environment variables that set flags:
// --metrics-addr is SITREP_METRICS_ADDR.
const EnvPrefix = "SITREP_"

// ConfigFlag is the name of the flag naming the configuration file, and
// EnvConfig the variable naming it when the flag is not given.
const (
	ConfigFlag = "config"
	EnvConfig  = EnvPrefix + "CONFIG"
)

// ConfigOptions say where LoadConfig looks.
type ConfigOptions struct {
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
	// Command is the subcommand: a section of that name in the file
	// applies to it only, and overrides the top level.
	Command string
	// File is the configuration file; when empty, the value of the
	// --config flag, else $SITREP_CONFIG, else none.
	File string
}

// Source of a flag's value, as LoadConfig reports it.
const (
	SourceDefault = "default"
	SourceFlag    = "flag"
	SourceEnv     = "env"
	SourceFile    = "file"
)

// Loaded tells where each flag's value came from.
type Loaded struct {
	// File is the configuration file read ("" when none).
	File string
	// Sources maps each flag name to SourceFlag, SourceEnv, SourceFile
	// or SourceDefault.
	Sources map[string]string
	// Unknown lists keys of the file that name no flag of the command
	// (they may belong to another command).
	Unknown []string
}

// EnvName is the environment variable of a flag: SITREP_ and the name in
// upper case with dashes as underscores.
func EnvName(flagName string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// LoadConfig completes a parsed flag set from the environment and a
// configuration file, in this order of precedence: a flag given on the
// command line, then $SITREP_<FLAG>, then the file, then the default.
//
// The file is YAML or JSON (JSON is YAML): a map of flag names (dashes or
// underscores) to values; a list sets a repeatable flag once per element;
// a map named after the command holds settings for that command only:
//
//	queue: nats://nats.internal:4222
//	db: postgres://sitrep@db.internal/sitrep
//	worker:
//	  concurrency: 4
//	  metrics-addr: ":9464"
func LoadConfig(fs *flag.FlagSet, opts ConfigOptions) (*Loaded, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	path := opts.File
	if path == "" {
		if f := fs.Lookup(ConfigFlag); f != nil {
			path = f.Value.String()
		}
	}
	if path == "" {
		path = strings.TrimSpace(getenv(EnvConfig))
	}
	ld := &Loaded{File: path, Sources: map[string]string{}}
	file := map[string]any{}
	if path != "" {
		var err error
		if file, err = readConfigFile(path, opts.Command, fs); err != nil {
			return nil, err
		}
	}
	used := map[string]bool{}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == ConfigFlag {
			return
		}
		if given[f.Name] {
			ld.Sources[f.Name] = SourceFlag
			return
		}
		env := EnvName(f.Name)
		if v, ok := lookupEnv(getenv, env); ok {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", env, v, err))
			}
			ld.Sources[f.Name] = SourceEnv
			used[f.Name] = true
			return
		}
		if v, ok := file[f.Name]; ok {
			used[f.Name] = true
			if err := setFromFile(fs, f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %s: %w", path, f.Name, err))
			}
			ld.Sources[f.Name] = SourceFile
			return
		}
		ld.Sources[f.Name] = SourceDefault
	})
	for k := range file {
		if fs.Lookup(k) == nil && k != ConfigFlag {
			ld.Unknown = append(ld.Unknown, k)
		}
	}
	sort.Strings(ld.Unknown)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ld, nil
}

// lookupEnv treats an empty variable as unset, as shells make it easy to
// export one by mistake.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// readConfigFile reads the file into flag name -> value, the command's
// section merged over the top level. Keys are folded to flag names
// (underscores become dashes). Sections of other commands are dropped.
func readConfigFile(path, command string, fs *flag.FlagSet) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("configuration file: %w", err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("configuration file %s: %w", filepath.Base(path), err)
	}
	out := map[string]any{}
	var section map[string]any
	for k, v := range raw {
		name := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(k)), "_", "-")
		if m, ok := v.(map[string]any); ok {
			if fs.Lookup(name) != nil {
				return nil, fmt.Errorf("configuration file %s: %s: a map is not a flag value", path, k)
			}
			if name == command {
				section = m
			}
			continue
		}
		out[name] = v
	}
	for k, v := range section {
		name := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(k)), "_", "-")
		if _, ok := v.(map[string]any); ok {
			return nil, fmt.Errorf("configuration file %s: %s.%s: a map is not a flag value", path, command, k)
		}
		out[name] = v
	}
	return out, nil
}

func setFromFile(fs *flag.FlagSet, name string, v any) error {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		for _, e := range x {
			if _, ok := e.(map[string]any); ok {
				return errors.New("a map is not a flag value")
			}
			if err := fs.Set(name, scalar(e)); err != nil {
				return err
			}
		}
		return nil
	}
	return fs.Set(name, scalar(v))
}

// scalar renders a YAML/JSON scalar as the flag package reads it.
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprint(int64(x))
		}
	}
	return fmt.Sprint(v)
}
