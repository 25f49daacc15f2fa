package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/store/storetest"
)

// EnvTest names the PostgreSQL server the tests use.
const envTest = "SITREP_TEST_POSTGRES"

// open opens a store in a schema of its own, dropped after the test, so
// that test runs do not interfere.
func open(t *testing.T, tr store.Tracker) store.Store {
	t.Helper()
	dsn := os.Getenv(envTest)
	if dsn == "" {
		t.Skip(envTest + " is not set: skipping the PostgreSQL tests (set it to postgres://user@host:port/db?sslmode=disable)")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("sitrep_test_%d", rand.Uint64()>>1)
	if err := postgres.CreateSchema(ctx, dsn, schema); err != nil {
		t.Fatal(err)
	}
	sdsn, err := postgres.WithSearchPath(dsn, schema)
	if err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(ctx, sdsn, postgres.Options{Tracker: tr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if err := postgres.DropSchema(context.Background(), dsn, schema); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	return s
}

func TestStoreConformance(t *testing.T) {
	if os.Getenv(envTest) == "" {
		t.Skip(envTest + " is not set: skipping the PostgreSQL tests (set it to postgres://user@host:port/db?sslmode=disable)")
	}
	storetest.Run(t, open)
}
