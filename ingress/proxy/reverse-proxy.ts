// The request handler both listeners share: route on the current table, pick an endpoint round
// robin, forward with node:http over a keep-alive agent, stream bodies both ways, and log one
// access line per request. Outcomes the controller itself produces: 404 (no rule, no default
// backend), 503 (a matched backend with no ready endpoint), 502 (the backend failed: refused,
// reset, bad response), 504 (no response headers within the upstream timeout).
import * as http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../lib/log';
import type { IngressMetrics } from '../metrics';
import type { ResolvedBackend, Upstream } from '../routes/backends';
import { requestPath, route } from '../routes/route';
import type { RouteTable } from '../routes/route-table';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forward-headers';

/** Round robin per backend; counters of backends that left the table are dropped on reset(). */
export class RoundRobin {
  private readonly next = new Map<string, number>();

  pick(b: ResolvedBackend): Upstream | undefined {
    if (!b.endpoints.length) return undefined;
    const i = this.next.get(b.key) ?? 0;
    this.next.set(b.key, (i + 1) % b.endpoints.length);
    return b.endpoints[i % b.endpoints.length];
  }

  reset(): void {
    this.next.clear();
  }
}

class UpstreamTimeout extends Error {
  override name = 'UpstreamTimeout';
  readonly code = 'INGRESS_UPSTREAM_TIMEOUT';
}

export interface ProxyOptions {
  table(): RouteTable;
  balancer: RoundRobin;
  agent: http.Agent;
  upstreamTimeoutMs: number;
  metrics: IngressMetrics;
  log: Logger;
}

const hostPort = (u: Upstream) => (u.address.includes(':') ? `[${u.address}]:${u.port}` : `${u.address}:${u.port}`);

export function proxyHandler(o: ProxyOptions, proto: 'http' | 'https'): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const start = process.hrtime.bigint();
    const host = req.headers.host ?? '';
    const path = requestPath(req.url);
    let bytes = 0;
    let upstream = '';
    let ingress = '';
    let logged = false;
    const done = (status: number) => {
      if (logged) return;
      logged = true;
      o.metrics.requests.inc({ ingress, status: String(status) });
      o.log.info(
        { host, method: req.method, path, status, bytes, duration: Number(process.hrtime.bigint() - start) / 1e9, upstream: upstream || undefined, ingress: ingress || undefined },
        'request',
      );
    };
    const answer = (status: number, body: string) => {
      const b = Buffer.from(body);
      bytes = b.length;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': b.length });
      res.end(req.method === 'HEAD' ? undefined : b);
      // The request body, if any, is not wanted: drain it so the connection can be reused.
      req.resume();
      done(status);
    };

    const r = route(o.table(), host, path);
    if (r.kind === 'not-found') return answer(404, 'default backend - 404\n');
    ingress = r.ingress;
    const ep = o.balancer.pick(r.backend);
    if (!ep) return answer(503, `no ready endpoints for ${r.backend.key}\n`);
    upstream = hostPort(ep);

    const socket = req.socket as Socket;
    const headers = upstreamRequestHeaders(req.headers, { remoteAddress: socket.remoteAddress, proto, localPort: socket.localPort });
    let clientGone = false;
    let current: http.ClientRequest | undefined;
    let timer: NodeJS.Timeout | undefined;
    // The client went away before the response finished: stop the upstream request too.
    res.on('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) {
        clientGone = true;
        current?.destroy();
        done(499);
      }
    });

    const send = (attempt: number) => {
      const sent = process.hrtime.bigint();
      let up: http.ClientRequest;
      try {
        up = http.request({ host: ep.address, port: ep.port, method: req.method, path: req.url, headers, agent: o.agent, setHost: false });
      } catch (err) {
        // node refuses to send what the client sent (a path or header it will not write): the
        // client's request is the problem, and it must never take the process down.
        o.log.warn({ upstream, ingress, err: (err as Error).message }, 'request not forwardable');
        return answer(400, 'bad request\n');
      }
      current = up;
      timer = setTimeout(() => up.destroy(new UpstreamTimeout(`no response from ${upstream} within ${o.upstreamTimeoutMs} ms`)), o.upstreamTimeoutMs);
      up.on('response', (ur) => {
        clearTimeout(timer);
        o.metrics.upstreamDuration.observeSince({ ingress }, sent);
        const status = ur.statusCode ?? 502;
        try {
          res.writeHead(status, ur.statusMessage, downstreamResponseHeaders(ur.headers));
        } catch (err) {
          // A status line or header node will not send on (a bad status code): the backend's fault.
          ur.destroy();
          o.metrics.upstreamErrors.inc({ ingress, reason: 'error' });
          o.log.warn({ upstream, ingress, err: (err as Error).message }, 'upstream response not forwardable');
          return answer(502, 'bad gateway\n');
        }
        ur.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        ur.on('end', () => done(status));
        ur.on('error', () => res.destroy());
        ur.pipe(res);
      });
      up.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (clientGone) return;
        const timedOut = err instanceof UpstreamTimeout;
        // A keep-alive connection the backend closed while idle fails at once on reuse: that says
        // nothing about the backend, so a request without a body goes once more on a new one.
        if (!timedOut && attempt === 0 && up.reusedSocket && !hasBody(req) && !res.headersSent && err.code === 'ECONNRESET') return send(1);
        o.metrics.upstreamErrors.inc({ ingress, reason: timedOut ? 'timeout' : 'error' });
        if (res.headersSent) {
          // Mid-response: the only honest signal left is a broken connection.
          res.destroy();
          done(res.statusCode);
          return;
        }
        o.log.warn({ upstream, ingress, err: err.message }, 'upstream request failed');
        answer(timedOut ? 504 : 502, timedOut ? 'upstream timed out\n' : 'bad gateway\n');
      });
      if (attempt === 0) req.pipe(up);
      else up.end();
    };
    send(0);
  };
}

function hasBody(req: http.IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}
