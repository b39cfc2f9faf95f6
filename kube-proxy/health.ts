// /healthz and /metrics. Pure renderers decide what to answer; a tiny http layer serves them.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SyncStats } from './sync-loop';

export interface ProxyMetrics {
  sync: SyncStats;
  rules: { filter: number; nat: number };
  routes: number;
  backend: string;
}

/** Healthy once a sync succeeded and the last success is recent: periodic resyncs land every sync
 *  period, so two periods plus slack without one means the proxier is stuck or failing. */
export function healthz(now: number, stats: SyncStats, syncPeriodMs: number): { code: number; body: string } {
  const limitMs = 2 * syncPeriodMs + 10_000;
  const healthy = stats.lastSuccessAt > 0 && now - stats.lastSuccessAt <= limitMs;
  const body = JSON.stringify({
    lastUpdated: stats.lastSuccessAt ? new Date(stats.lastSuccessAt).toISOString() : null,
    currentTime: new Date(now).toISOString(),
    ...(stats.lastError ? { lastError: stats.lastError } : {}),
  });
  return { code: healthy ? 200 : 503, body };
}

function metric(lines: string[], name: string, type: 'counter' | 'gauge', help: string, samples: [string, number][]): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
}

/** Prometheus text exposition format 0.0.4. */
export function renderMetrics(m: ProxyMetrics): string {
  const lines: string[] = [];
  metric(lines, 'kubeproxy_sync_proxy_rules_total', 'counter', 'Successful syncs of the proxy rules.', [['', m.sync.syncs]]);
  metric(lines, 'kubeproxy_sync_proxy_rules_failures_total', 'counter', 'Failed syncs of the proxy rules.', [['', m.sync.failures]]);
  metric(lines, 'kubeproxy_sync_proxy_rules_last_duration_seconds', 'gauge', 'Duration of the last sync.', [
    ['', m.sync.lastDurationMs / 1000],
  ]);
  metric(lines, 'kubeproxy_sync_proxy_rules_last_timestamp_seconds', 'gauge', 'When the last successful sync ended.', [
    ['', m.sync.lastSuccessAt / 1000],
  ]);
  metric(lines, 'kubeproxy_sync_proxy_rules_iptables_total', 'gauge', 'Rules in the last payload, per table.', [
    ['{table="filter"}', m.rules.filter],
    ['{table="nat"}', m.rules.nat],
  ]);
  metric(lines, 'kubeproxy_node_routes_total', 'gauge', 'Routes kube-proxy keeps for routing safety.', [['', m.routes]]);
  metric(lines, 'kubeproxy_iptables_backend_info', 'gauge', 'The iptables backend in use.', [[`{backend="${m.backend}"}`, 1]]);
  return lines.join('\n') + '\n';
}

export interface HttpEndpoint {
  port: number;
  close(): Promise<void>;
}

/** Serves fixed paths; everything else is 404. */
export function serve(
  host: string,
  port: number,
  routes: Record<string, () => { code: number; body: string; type?: string }>,
): Promise<HttpEndpoint> {
  const server = http.createServer((req, res) => {
    const handler = routes[(req.url ?? '/').split('?')[0]];
    const out = handler ? handler() : { code: 404, body: 'not found\n' };
    res.writeHead(out.code, { 'content-type': out.type ?? 'application/json' });
    res.end(out.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
