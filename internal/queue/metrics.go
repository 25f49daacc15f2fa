package queue

import (
	"github.com/sitrep/sitrep/internal/ops"
)

// Metrics are the worker's Prometheus metrics.
type Metrics struct {
	Documents    *ops.CounterVec
	Events       *ops.Counter
	Mentions     *ops.Counter
	DeadLettered *ops.Counter
	Retried      *ops.Counter
	Returned     *ops.Counter
	Redelivered  *ops.Counter
	Errors       *ops.CounterVec
	Duration     *ops.HistogramVec
	InFlight     *ops.Gauge

	Pending    *ops.Gauge
	AckPending *ops.Gauge
	Lag        *ops.Gauge
	OldestAge  *ops.Gauge
	DeadQueue  *ops.Gauge
}

// NewMetrics registers the worker metrics in r.
func NewMetrics(r *ops.Registry) *Metrics {
	return &Metrics{
		Documents:    r.CounterVec("sitrep_documents_total", "Documents whose job was acknowledged, by store status (stored, duplicate, exists).", "status"),
		Events:       r.Counter("sitrep_events_total", "Cross-document events created."),
		Mentions:     r.Counter("sitrep_event_mentions_total", "Event mentions stored."),
		DeadLettered: r.Counter("sitrep_jobs_dead_lettered_total", "Jobs moved to the dead-letter subject."),
		Retried:      r.Counter("sitrep_jobs_retried_total", "Jobs that failed and were returned to the queue for a later attempt."),
		Returned:     r.Counter("sitrep_jobs_returned_total", "Jobs returned unfinished to the queue at shutdown."),
		Redelivered:  r.Counter("sitrep_jobs_redelivered_total", "Jobs received that had been delivered before."),
		Errors:       r.CounterVec("sitrep_errors_total", "Errors by kind (malformed, extract, store, store_unavailable, ack, dead_letter, fetch).", "kind"),
		Duration:     r.HistogramVec("sitrep_job_duration_seconds", "Time spent on a job by stage (extract, store, total).", nil, "stage"),
		InFlight:     r.Gauge("sitrep_jobs_in_flight", "Jobs this worker is processing."),
		Pending:      r.Gauge("sitrep_queue_pending_messages", "Jobs queued and not yet delivered to any worker."),
		AckPending:   r.Gauge("sitrep_queue_ack_pending_messages", "Jobs delivered and not yet acknowledged (in flight in all workers)."),
		Lag:          r.Gauge("sitrep_queue_lag_messages", "Jobs not yet acknowledged: pending plus in flight."),
		OldestAge:    r.Gauge("sitrep_queue_oldest_job_age_seconds", "Age of the oldest job not yet acknowledged (0 when the queue is empty)."),
		DeadQueue:    r.Gauge("sitrep_queue_dead_letter_messages", "Jobs kept in the dead-letter stream."),
	}
}
