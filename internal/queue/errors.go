package queue

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sitrep/sitrep/internal/ingest"
	"github.com/sitrep/sitrep/internal/store"
)

// permanentError marks an error no retry can cure.
type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

func permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// isPermanent reports whether a job failed for a reason of its own that
// another delivery would meet again: malformed, unreadable, conflicting
// with a stored document, or refused by the pipeline.
func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p) ||
		errors.Is(err, ErrMalformed) ||
		errors.Is(err, store.ErrConflict) ||
		errors.Is(err, store.ErrInvalid) ||
		errors.Is(err, ingest.ErrEmpty) ||
		errors.Is(err, ingest.ErrBinary) ||
		errors.Is(err, ingest.ErrTooLarge) ||
		errors.Is(err, ingest.ErrUndecodable) ||
		errors.Is(err, ingest.ErrInvalidOption)
}

// Transient reports whether err means the store is unreachable or busy
// (see isTransient); commands use it to wait for a store at start.
func Transient(err error) bool { return isTransient(err) }

// isTransient reports whether a store error is about the store being
// unreachable or busy rather than about the document: a lost or refused
// connection, a server shutting down or restarting, a serialisation
// failure or deadlock, too many connections, an SQLite database locked
// by another writer, a full disk. The worker retries such an error in
// place without spending the job's attempts.
func isTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			strings.HasPrefix(pe.Code, "53"),       // insufficient resources
			strings.HasPrefix(pe.Code, "57P"),      // operator intervention: shutdown, cannot connect now
			pe.Code == "40001", pe.Code == "40P01", // serialisation failure, deadlock
			pe.Code == "55P03", // lock not available
			pe.Code == "25006": // read-only transaction (a replica during failover)
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return true
	}
	var code interface{ Code() int }
	if errors.As(err, &code) {
		switch code.Code() & 0xff {
		case 5, 6, 10, 13, 14: // SQLITE_BUSY, LOCKED, IOERR, FULL, CANTOPEN
			return true
		}
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	for _, target := range []error{io.EOF, io.ErrUnexpectedEOF, driver.ErrBadConn, sql.ErrConnDone,
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE, syscall.ECONNABORTED, syscall.ETIMEDOUT,
		context.DeadlineExceeded} {
		if errors.Is(err, target) {
			return true
		}
	}
	msg := err.Error()
	for _, s := range []string{"conn closed", "connection reset", "broken pipe", "connection refused", "unexpected EOF", "database is locked", "bad connection"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
