// The one health and metrics server of the components: /livez, /readyz, /healthz and /metrics over
// HTTP, or HTTPS when the component has a serving certificate. The component says which probes it
// serves and what they answer (kube-proxy's /healthz is JSON with its own 503 rule; the others say
// "ok"); /metrics renders the component's registry and the process-wide one.
import * as http from 'node:http';
import * as https from 'node:https';
import { listenTracked } from './listen-tracked';
import { EXPOSITION_CONTENT_TYPE, exposition, type MetricsRegistry } from './metrics/prometheus';

export interface ProbeResult {
  code: number;
  body: string;
  /** Content-Type; default text/plain. */
  type?: string;
}

export type Probe = () => ProbeResult;
export type ProbePath = '/livez' | '/readyz' | '/healthz';

export const alwaysOk: Probe = () => ({ code: 200, body: 'ok' });

/** A readiness probe from a predicate: 200 "ok", or 503 "not ready". */
export function readiness(ready: () => boolean): Probe {
  return () => (ready() ? { code: 200, body: 'ok' } : { code: 503, body: 'not ready' });
}

/** What the control-plane components serve: live while the process runs, ready by the predicate. */
export function standardProbes(ready: () => boolean): Record<ProbePath, Probe> {
  return { '/livez': alwaysOk, '/healthz': alwaysOk, '/readyz': readiness(ready) };
}

export interface HealthRoutes {
  /** The probes served; a path left out is 404. */
  probes: Partial<Record<ProbePath, Probe>>;
  /** Serves /metrics: this registry, then the process-wide one. Left out: no /metrics. */
  metrics?: MetricsRegistry;
}

/** Pure routing: the answer to one request. A probe that throws is a 500, never a crash. */
export function route(method: string, url: string, routes: HealthRoutes): ProbeResult {
  const path = url.split('?')[0];
  const probe = routes.probes[path as ProbePath];
  const known = !!probe || (path === '/metrics' && !!routes.metrics);
  if (!known) return { code: 404, body: '404 page not found\n' };
  if (method !== 'GET' && method !== 'HEAD') return { code: 405, body: 'method not allowed\n' };
  try {
    if (probe) return probe();
    return { code: 200, body: exposition(routes.metrics!), type: EXPOSITION_CONTENT_TYPE };
  } catch (e) {
    return { code: 500, body: `internal error: ${(e as Error).message}\n` };
  }
}

export interface HealthServer {
  port: number;
  stop(): Promise<void>;
}

export interface HealthServerOptions extends HealthRoutes {
  port: number;
  host?: string;
  /** PEM serving certificate and key: serve HTTPS instead of HTTP. */
  tls?: { cert: Buffer | string; key: Buffer | string };
}

export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const out = route(req.method ?? 'GET', req.url ?? '/', opts);
    res.writeHead(out.code, { 'content-type': out.type ?? 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(out.body) });
    res.end(req.method === 'HEAD' ? undefined : out.body);
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : http.createServer(handler);
  // Keep-alive connections (scrapers, probes) would hold close() open: tracked and destroyed on stop.
  return listenTracked(server, opts.port, opts.host ?? '0.0.0.0');
}
