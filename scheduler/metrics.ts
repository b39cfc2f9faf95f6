// The scheduler's metrics, named and labelled as kube-scheduler's so dashboards read them: attempts
// and their latency by result and profile, and the pods waiting. The leader gauge joins the same
// registry (lib/leader-gated).
import { MetricsRegistry, type Counter, type Gauge, type Histogram } from '../lib/metrics/prometheus';

/** kube-scheduler's buckets for attempt latency: 1 ms doubling 15 times (to about 16 s). */
export const ATTEMPT_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

export class SchedulerMetrics {
  readonly registry = new MetricsRegistry();
  readonly attempts: Counter = this.registry.counter('scheduler_schedule_attempts_total', 'Number of attempts to schedule pods, by the result.');
  readonly attemptDuration: Histogram = this.registry.histogram(
    'scheduler_scheduling_attempt_duration_seconds',
    'Scheduling attempt latency in seconds (scheduling algorithm + binding).',
    ATTEMPT_BUCKETS,
  );
  readonly pending: Gauge = this.registry.gauge('scheduler_pending_pods', 'Pods waiting in the scheduling queue.');

  /** One finished attempt; start is the process.hrtime.bigint() reading when it began. */
  attempt(result: AttemptResult, profile: string, start: bigint): void {
    this.attempts.inc({ result, profile });
    this.attemptDuration.observeSince({ result, profile }, start);
  }
}
