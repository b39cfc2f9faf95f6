// kube-proxy's metrics, named as upstream's where it has them: sync counts, the sync latency
// histogram, the last sync's duration and time, the rules per table, the routes kept for routing
// safety and the iptables backend. Recorded around each sync, served on the metrics port.
import { MetricsRegistry } from '../lib/metrics/prometheus';

/** Upstream's buckets for sync latency: 1 ms doubling 15 times (to about 16 s). */
export const SYNC_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

export interface ProxyState {
  rules: Record<string, number>;
  routes: number;
}

export class ProxyMetrics {
  readonly registry = new MetricsRegistry();
  private readonly syncs = this.registry.counter('kubeproxy_sync_proxy_rules_total', 'Successful syncs of the proxy rules.');
  private readonly failures = this.registry.counter('kubeproxy_sync_proxy_rules_failures_total', 'Failed syncs of the proxy rules.');
  private readonly duration = this.registry.histogram('kubeproxy_sync_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds.', SYNC_BUCKETS);
  private readonly lastDuration = this.registry.gauge('kubeproxy_sync_proxy_rules_last_duration_seconds', 'Duration of the last sync.');
  private readonly lastSuccess = this.registry.gauge('kubeproxy_sync_proxy_rules_last_timestamp_seconds', 'When the last successful sync ended.');
  private readonly rules = this.registry.gauge('kubeproxy_sync_proxy_rules_iptables_total', 'Rules in the last payload, per table.');
  private readonly routes = this.registry.gauge('kubeproxy_node_routes_total', 'Routes kube-proxy keeps for routing safety.');
  private readonly backend = this.registry.gauge('kubeproxy_iptables_backend_info', 'The iptables backend in use.');

  setBackend(backend: string): void {
    this.backend.reset();
    this.backend.set({ backend }, 1);
  }

  /** One sync attempt ended after `seconds`; state is what the proxier holds after it. */
  recordSync(ok: boolean, seconds: number, endedAtMs: number, state: ProxyState): void {
    this.duration.observe({}, seconds);
    this.lastDuration.set({}, seconds);
    if (!ok) {
      this.failures.inc();
      return;
    }
    this.syncs.inc();
    this.lastSuccess.set({}, endedAtMs / 1000);
    for (const [table, n] of Object.entries(state.rules)) this.rules.set({ table }, n);
    this.routes.set({}, state.routes);
  }

  /** Wraps a sync so every attempt is recorded; failures still reach the caller (the sync loop retries). */
  instrument(sync: () => Promise<void>, state: () => ProxyState, now: () => number = Date.now): () => Promise<void> {
    return async () => {
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        await sync();
      } catch (e) {
        this.recordSync(false, seconds(), now(), state());
        throw e;
      }
      this.recordSync(true, seconds(), now(), state());
    };
  }
}
