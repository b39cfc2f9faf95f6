// /livez, /readyz and /metrics over HTTP, or HTTPS when the component has a serving certificate. Readiness is a
// callback so the component decides what "ready" means; metrics are counters and gauges rendered
// in the Prometheus text format.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { labelString, processMetrics } from './metrics/prometheus';

export class Metrics {
  private readonly counters = new Map<string, { help: string; type: 'counter' | 'gauge'; values: Map<string, number> }>();

  define(name: string, help: string, type: 'counter' | 'gauge' = 'counter'): void {
    if (!this.counters.has(name)) this.counters.set(name, { help, type, values: new Map() });
  }

  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    const m = this.counters.get(name);
    if (!m) return;
    const k = labelString(labels);
    m.values.set(k, (m.values.get(k) ?? 0) + by);
  }

  set(name: string, value: number, labels: Record<string, string> = {}): void {
    this.counters.get(name)?.values.set(labelString(labels), value);
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, m] of this.counters) {
      lines.push(`# HELP ${name} ${m.help}`, `# TYPE ${name} ${m.type}`);
      if (m.values.size === 0) lines.push(`${name} 0`);
      for (const [labels, v] of m.values) lines.push(`${name}${labels} ${v}`);
    }
    return lines.join('\n') + '\n';
  }
}


export interface HealthServer {
  port: number;
  stop(): Promise<void>;
}

export interface HealthServerOptions {
  port: number;
  host?: string;
  ready: () => boolean;
  metrics: Metrics;
  /** PEM serving certificate and key: serve HTTPS instead of HTTP. */
  tls?: { cert: Buffer | string; key: Buffer | string };
}

export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/livez' || path === '/healthz') return reply(res, 200, 'ok');
    if (path === '/readyz') return opts.ready() ? reply(res, 200, 'ok') : reply(res, 503, 'not ready');
    if (path === '/metrics') return reply(res, 200, opts.metrics.render() + processMetrics.render(), 'text/plain; version=0.0.4');
    reply(res, 404, 'not found');
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

function reply(res: http.ServerResponse, code: number, body: string, type = 'text/plain'): void {
  res.writeHead(code, { 'content-type': type });
  res.end(body);
}
