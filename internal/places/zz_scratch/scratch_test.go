package scratch

import (
	"bytes"
	stdgzip "compress/gzip"
	"io"
	"os"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func raw(b *testing.B) []byte {
	gz, _ := os.ReadFile("../data/places.tsv.gz")
	zr, _ := stdgzip.NewReader(bytes.NewReader(gz))
	d, _ := io.ReadAll(zr)
	return d
}

func BenchmarkStd(b *testing.B) {
	gz, _ := os.ReadFile("../data/places.tsv.gz")
	for b.Loop() {
		zr, _ := stdgzip.NewReader(bytes.NewReader(gz))
		var buf bytes.Buffer
		buf.Grow(7 << 20)
		io.Copy(&buf, zr)
	}
}
func BenchmarkKlaus(b *testing.B) {
	gz, _ := os.ReadFile("../data/places.tsv.gz")
	for b.Loop() {
		zr, _ := kgzip.NewReader(bytes.NewReader(gz))
		var buf bytes.Buffer
		buf.Grow(7 << 20)
		io.Copy(&buf, zr)
	}
}
func BenchmarkZstd(b *testing.B) {
	d := raw(b)
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	z := enc.EncodeAll(d, nil)
	b.Logf("zstd size %d", len(z))
	dec, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	for b.Loop() {
		dec.DecodeAll(z, make([]byte, 0, len(d)))
	}
}
