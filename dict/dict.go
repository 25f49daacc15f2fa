// Package dict holds sitrep's embedded dictionaries (see README.md) and
// the overlay rule by which a user directory extends or overrides them.
package dict

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed *.tsv *.txt VERSION
var embedded embed.FS

// Source is the content of one dictionary file from one place.
type Source struct {
	// Name is where the content came from: "embedded:agents.tsv" or a path.
	Name string
	Data []byte
}

// Set is the embedded dictionaries plus user directories, in order.
type Set struct {
	dirs []string
}

// New returns the embedded dictionaries overlaid with the files of dirs,
// later directories overriding earlier ones.
func New(dirs ...string) (*Set, error) {
	for _, d := range dirs {
		st, err := os.Stat(d)
		if err != nil {
			return nil, fmt.Errorf("dictionary directory: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("dictionary directory %s: not a directory", d)
		}
	}
	return &Set{dirs: dirs}, nil
}

// Version is the version of the embedded data files.
func Version() string {
	b, err := embedded.ReadFile("VERSION")
	if err != nil {
		return "unknown"
	}
	return string(trimNL(b))
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// Files returns every version of the named file: the embedded one first (if
// any), then each user directory's. Entries of later sources override
// earlier ones with the same key; parsing is the caller's.
func (s *Set) Files(name string) ([]Source, error) {
	var out []Source
	b, err := embedded.ReadFile(name)
	switch {
	case err == nil:
		out = append(out, Source{Name: "embedded:" + name, Data: b})
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, fmt.Errorf("read embedded %s: %w", name, err)
	}
	if s == nil {
		return out, nil
	}
	for _, d := range s.dirs {
		p := filepath.Join(d, name)
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read dictionary %s: %w", p, err)
		}
		out = append(out, Source{Name: p, Data: b})
	}
	return out, nil
}
