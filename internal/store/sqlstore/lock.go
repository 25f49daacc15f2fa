package sqlstore

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/sitrep/sitrep"
	"github.com/sitrep/sitrep/internal/corpus/fingerprint"
	"github.com/sitrep/sitrep/internal/store"
)

// Concurrent writers (PostgreSQL; SQLite has one writer) store the parts
// of a document that belong to it alone (its row, sentences, entities,
// quotes, event mentions, agreements and commitments) side by side, and
// wait for each other only where they merge into records other documents
// share. A write transaction takes transaction-scoped locks
// (Dialect.Lock) in three steps, each in one statement with its keys
// sorted:
//
//  1. before it looks for the document: the document's id, content hash,
//     canonical URL and the id of the original it names, and its MinHash
//     bands. Two writers of the same document wait for each other (the
//     second finds it stored), and a near duplicate shares a band with its
//     original (that is how it is found), so it waits until the original
//     is committed and then finds it.
//  2. before it merges events: one key per (event merge key, day) for the
//     days a dated event of the document can merge with (its date, the
//     day before and the day after; the date alone when it is not a day).
//     An event created at date D can be matched only by an event dated
//     within a day of D, whose keys include (key, D), as the creator's do:
//     two writers never both create the same cross-document event.
//     Undated events never merge and take no key.
//  3. before the Tracker runs, when the document has agreements or
//     commitments: one key for all canonical records, since a Tracker may
//     read and rewrite any of them. It comes late, so that what it
//     serialises is short: the tracking, the actor counters and the
//     commit.
//
// Between and after these steps a transaction waits only for row locks on
// rows other writers share, which it takes in one order: event sources
// and event counters (by event id), then, after the tracking, new actor
// names (sorted) and actor counters (by actor id), last because the
// actors of common names are in most documents. A transaction holding
// the tracking key never waits for one that wants it (that one holds no
// actor rows yet), and every other wait follows the order above, so
// writers do not deadlock; should one happen anyway (or a serialisation
// failure), write runs the transaction again (Dialect.Retry).
//
// The keys are hashes of the store's lock space (database and schema)
// and the key, so that stores in other schemas never wait for each other.

// lockKeys are the keys of one step.
type lockKeys []string

func (k *lockKeys) add(kind string, parts ...string) {
	s := kind
	for _, p := range parts {
		s += "\x00" + p
	}
	*k = append(*k, s)
}

// lock takes the locks of keys for the rest of the transaction.
func (t *txn) lock(keys lockKeys) error {
	if t.s.d.Lock == "" || len(keys) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(keys))
	for _, k := range keys {
		ids = append(ids, lockID(t.s.lockSpace, k))
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if _, err := t.exec(t.s.d.Lock, ids); err != nil {
		return fmt.Errorf("lock for writing: %w", err)
	}
	return nil
}

// lockID is the 64-bit lock key of key in a lock space.
func lockID(space, key string) int64 {
	sum := sha256.Sum256([]byte(space + "\x00" + key))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// documentLocks are the keys of the first step: the document's identity
// and its MinHash bands.
func documentLocks(d *sitrep.Document, curl string, sig fingerprint.Signature, signed bool) lockKeys {
	var k lockKeys
	k.add("doc", d.ID)
	k.add("sha256", d.SHA256)
	if curl != "" {
		k.add("url", curl)
	}
	if d.DuplicateOf != nil && *d.DuplicateOf != "" {
		k.add("doc", *d.DuplicateOf)
	}
	if signed {
		for b, v := range sig.BandKeys() {
			k.add("band", fmt.Sprint(b), fmt.Sprint(v))
		}
	}
	return k
}

// mergeLocks are the keys of the second step: the event merge windows of
// the document's dated events.
func mergeLocks(x *sitrep.Extraction) lockKeys {
	var k lockKeys
	for i := range x.Events {
		ev := &x.Events[i]
		date := deref(ev.Date)
		if date == "" {
			continue // undated events never merge across documents
		}
		key := store.MergeKey(ev)
		if !store.IsDay(date) {
			k.add("event", key, date)
			continue
		}
		for _, d := range []int{-1, 0, 1} {
			k.add("event", key, store.AddDays(date, d))
		}
	}
	return k
}
