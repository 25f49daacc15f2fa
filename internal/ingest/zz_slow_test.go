package ingest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSlowCorpus(t *testing.T) {
	dir := os.Getenv("CORPUS")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		lines := strings.SplitN(string(b), "\n", 4)
		name, _ := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "string("), ")"))
		data, _ := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(lines[2]), "[]byte("), ")"))
		st := time.Now()
		_, err := Read(context.Background(), name, bytes.NewReader([]byte(data)), Options{MaxBytes: 1 << 20})
		if d := time.Since(st); d > 100*time.Millisecond {
			fmt.Println(filepath.Base(f), d, len(data), err)
		}
	}
}
