package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Status is the state of a queue.
type Status struct {
	Stream   string `json:"stream"`
	Consumer string `json:"consumer"`
	// Messages is the number of jobs in the stream: not yet acknowledged.
	Messages uint64 `json:"messages"`
	Bytes    uint64 `json:"bytes"`
	// Pending jobs are queued and not yet delivered.
	Pending uint64 `json:"pending"`
	// InFlight jobs are delivered and not yet acknowledged, including
	// jobs returned by a worker (failed, or unfinished at shutdown) that
	// wait for their next delivery.
	InFlight int `json:"in_flight"`
	// Redelivered counts the jobs in flight delivered more than once.
	Redelivered int `json:"redelivered"`
	// DeadLettered is the number of jobs in the dead-letter stream.
	DeadLettered uint64 `json:"dead_lettered"`
	// Waiting is the number of pull requests waiting for a job (idle
	// worker slots).
	Waiting int `json:"waiting_pulls"`
	// Delivered and Acknowledged are the consumer's last stream sequence
	// numbers delivered and acknowledged (with every one below).
	Delivered    uint64 `json:"delivered_seq"`
	Acknowledged uint64 `json:"ack_floor_seq"`
	// Oldest is when the oldest job still in the stream was queued.
	Oldest           time.Time     `json:"oldest,omitzero"`
	OldestAge        time.Duration `json:"-"`
	OldestAgeSeconds float64       `json:"oldest_age_seconds"`
	// AckWait of the consumer.
	AckWait        time.Duration `json:"-"`
	AckWaitSeconds float64       `json:"ack_wait_seconds"`
}

// ReadStatus reads the state of the queue of cfg; the streams and the
// consumer must exist (ErrNotSetUp otherwise).
func ReadStatus(ctx context.Context, js jetstream.JetStream, cfg Config) (*Status, error) {
	cfg = cfg.withDefaults()
	s, err := js.Stream(ctx, cfg.Stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, fmt.Errorf("%w: stream %s not found", ErrNotSetUp, cfg.Stream)
	}
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", cfg.Stream, err)
	}
	si, err := s.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", cfg.Stream, err)
	}
	st := &Status{Stream: cfg.Stream, Consumer: cfg.Consumer, Messages: si.State.Msgs, Bytes: si.State.Bytes}
	if si.State.Msgs > 0 && !si.State.FirstTime.IsZero() {
		st.Oldest = si.State.FirstTime
		st.OldestAge = time.Since(si.State.FirstTime)
		st.OldestAgeSeconds = st.OldestAge.Seconds()
	}
	c, err := s.Consumer(ctx, cfg.Consumer)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil, fmt.Errorf("%w: consumer %s not found on stream %s", ErrNotSetUp, cfg.Consumer, cfg.Stream)
	}
	if err != nil {
		return nil, fmt.Errorf("consumer %s: %w", cfg.Consumer, err)
	}
	ci, err := c.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("consumer %s: %w", cfg.Consumer, err)
	}
	st.Pending = ci.NumPending
	st.InFlight = ci.NumAckPending
	st.Redelivered = ci.NumRedelivered
	st.Waiting = ci.NumWaiting
	st.Delivered = ci.Delivered.Stream
	st.Acknowledged = ci.AckFloor.Stream
	st.AckWait = ci.Config.AckWait
	st.AckWaitSeconds = st.AckWait.Seconds()
	ds, err := js.Stream(ctx, cfg.DeadStream())
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
	case err != nil:
		return nil, fmt.Errorf("stream %s: %w", cfg.DeadStream(), err)
	default:
		di, err := ds.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", cfg.DeadStream(), err)
		}
		st.DeadLettered = di.State.Msgs
	}
	return st, nil
}

// ErrNotSetUp: the queue's streams or consumer do not exist yet.
var ErrNotSetUp = errors.New("queue not set up")

// DeadLetter is one job in the dead-letter stream.
type DeadLetter struct {
	Seq      uint64    `json:"seq"`
	Job      string    `json:"job"`
	Error    string    `json:"error"`
	Attempts string    `json:"attempts"`
	FailedAt string    `json:"failed_at"`
	Queued   time.Time `json:"dead_lettered_at"`
	Size     int       `json:"size"`
}

// ListDead reads up to limit dead letters, oldest first (all when limit
// is 0). With data, fn also gets each message body (the job).
func ListDead(ctx context.Context, js jetstream.JetStream, cfg Config, limit int, fn func(DeadLetter, []byte) error) error {
	cfg = cfg.withDefaults()
	s, err := js.Stream(ctx, cfg.DeadStream())
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("stream %s: %w", cfg.DeadStream(), err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return fmt.Errorf("stream %s: %w", cfg.DeadStream(), err)
	}
	if info.State.Msgs == 0 {
		return nil
	}
	n := 0
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		if limit > 0 && n >= limit {
			return nil
		}
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue // removed
		}
		if err != nil {
			return fmt.Errorf("dead letter %d: %w", seq, err)
		}
		d := DeadLetter{Seq: seq, Queued: m.Time, Size: len(m.Data)}
		if m.Header != nil {
			d.Job = m.Header.Get(HeaderJob)
			d.Error = m.Header.Get(HeaderError)
			d.Attempts = m.Header.Get(HeaderAttempts)
			d.FailedAt = m.Header.Get(HeaderFailedAt)
		}
		n++
		if err := fn(d, m.Data); err != nil {
			return err
		}
	}
	return nil
}

// Requeue publishes dead letters back onto the job subject and removes
// them from the dead-letter stream: seqs, or all when seqs is empty. It
// returns the number requeued.
func Requeue(ctx context.Context, js jetstream.JetStream, cfg Config, seqs []uint64) (int, error) {
	cfg = cfg.withDefaults()
	s, err := js.Stream(ctx, cfg.DeadStream())
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", cfg.DeadStream(), err)
	}
	if len(seqs) == 0 {
		err := ListDead(ctx, js, cfg, 0, func(d DeadLetter, _ []byte) error {
			seqs = append(seqs, d.Seq)
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	n := 0
	for _, seq := range seqs {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			return n, fmt.Errorf("dead letter %d: %w", seq, err)
		}
		out := newJobMsg(cfg, m.Data, "")
		if m.Header != nil {
			out.Header.Set(HeaderJob, m.Header.Get(HeaderJob))
		}
		// a fresh id: the original's may still be in the duplicate window
		out.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("requeue-%s-%d-%d", cfg.Stream, seq, time.Now().UnixNano()))
		if _, err := js.PublishMsg(ctx, out); err != nil {
			return n, fmt.Errorf("requeue dead letter %d: %w", seq, err)
		}
		if err := s.DeleteMsg(ctx, seq); err != nil {
			return n, fmt.Errorf("remove dead letter %d: %w", seq, err)
		}
		n++
	}
	return n, nil
}
