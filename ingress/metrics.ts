// The ingress controller's metrics: requests by Ingress and status, upstream latency by Ingress,
// route table reloads and what the current table holds.
import { MetricsRegistry, type Counter, type Gauge, type Histogram } from '../lib/metrics/prometheus';

/** From a backend on this machine's network to one that takes its full timeout. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class IngressMetrics {
  readonly registry = new MetricsRegistry();
  readonly requests: Counter = this.registry.counter('k8ts_ingress_requests_total', 'HTTP requests answered, by Ingress (namespace/name; empty when no rule matched) and status code.');
  readonly upstreamDuration: Histogram = this.registry.histogram(
    'k8ts_ingress_upstream_response_seconds',
    'Time from sending a request to a backend to its response headers, by Ingress.',
    LATENCY_BUCKETS,
  );
  readonly upstreamErrors: Counter = this.registry.counter('k8ts_ingress_upstream_errors_total', 'Requests a backend did not answer, by Ingress and reason (error, timeout).');
  readonly reloads: Counter = this.registry.counter('k8ts_ingress_config_reloads_total', 'Route table rebuilds after cluster changes.');
  readonly claimed: Gauge = this.registry.gauge('k8ts_ingress_claimed_ingresses', 'Ingresses this controller serves.');
  readonly tableProblems: Gauge = this.registry.gauge('k8ts_ingress_config_problems', 'Rules, TLS entries and backends the current route table skipped or overrode.');
  readonly statusWrites: Counter = this.registry.counter('k8ts_ingress_status_updates_total', 'Ingress status writes, by result (ok, error).');
}
