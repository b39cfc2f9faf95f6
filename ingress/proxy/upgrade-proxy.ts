// Upgrade requests (WebSocket and any other `Connection: Upgrade` protocol): routed like every
// request, sent to the endpoint on a connection of their own (never the keep-alive pool), and on
// the backend's 101 the two sockets are joined byte for byte until either side closes. A backend
// that answers something else has that answer relayed; the controller's own answers (404, 503,
// 502, 504) are written on the raw socket, which is then closed.
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { requestPath, route } from '../routes/route';
import { upstreamRequestHeaders } from './forward-headers';
import type { ProxyOptions } from './reverse-proxy';

const HOP_BY_HOP = /^(connection|keep-alive|transfer-encoding|upgrade|proxy-connection|te|trailer)$/i;
const REASONS: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

/** An HTTP/1.1 response head from node's raw header list (names as the backend spelled them). */
export function responseHead(status: number, message: string, rawHeaders: readonly string[]): string {
  const lines = [`HTTP/1.1 ${status} ${message}`];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

export function upgradeHandler(o: ProxyOptions, proto: 'http' | 'https'): (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const start = process.hrtime.bigint();
    const host = req.headers.host ?? '';
    const path = requestPath(req.url);
    let upstream = '';
    let ingress = '';
    let logged = false;
    const done = (status: number) => {
      if (logged) return;
      logged = true;
      o.metrics.requests.inc({ ingress, status: String(status) });
      o.log.info({ host, method: req.method, path, status, upgrade: req.headers.upgrade, duration: Number(process.hrtime.bigint() - start) / 1e9, upstream: upstream || undefined, ingress: ingress || undefined }, 'request');
    };
    const answer = (status: number) => {
      if (socket.writable) socket.end(responseHead(status, REASONS[status] ?? '', ['connection', 'close', 'content-length', '0']));
      else socket.destroy();
      done(status);
    };
    socket.on('error', () => socket.destroy());

    const r = route(o.table(), host, path);
    if (r.kind === 'not-found') return answer(404);
    ingress = r.ingress;
    const ep = o.balancer.pick(r.backend);
    if (!ep) return answer(503);
    upstream = ep.address.includes(':') ? `[${ep.address}]:${ep.port}` : `${ep.address}:${ep.port}`;

    const s = req.socket as Socket;
    const headers = { ...upstreamRequestHeaders(req.headers, { remoteAddress: s.remoteAddress, proto, localPort: s.localPort }), connection: 'Upgrade', upgrade: String(req.headers.upgrade ?? '') };
    let up: http.ClientRequest;
    try {
      up = http.request({ host: ep.address, port: ep.port, method: req.method, path: req.url, headers, agent: false, setHost: false });
    } catch {
      return answer(400);
    }
    const timer = setTimeout(() => up.destroy(Object.assign(new Error('upstream timed out'), { code: 'INGRESS_UPSTREAM_TIMEOUT' })), o.upstreamTimeoutMs);
    socket.on('close', () => {
      clearTimeout(timer);
      up.destroy();
    });
    up.on('upgrade', (ures, usocket, uhead) => {
      clearTimeout(timer);
      o.metrics.upstreamDuration.observeSince({ ingress }, start);
      socket.write(responseHead(101, ures.statusMessage || 'Switching Protocols', ures.rawHeaders));
      if (uhead.length) socket.write(uhead);
      if (head.length) usocket.write(head);
      usocket.on('error', () => socket.destroy());
      usocket.on('close', () => socket.destroy());
      socket.on('close', () => usocket.destroy());
      usocket.pipe(socket);
      socket.pipe(usocket);
      done(101);
    });
    up.on('response', (ures) => {
      // The backend declined the upgrade: relay its answer and close.
      clearTimeout(timer);
      const pairs: string[] = [];
      for (let i = 0; i + 1 < ures.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.test(ures.rawHeaders[i])) pairs.push(ures.rawHeaders[i], ures.rawHeaders[i + 1]);
      }
      // node has undone any chunking: the body goes as it is, delimited by closing the connection.
      socket.write(responseHead(ures.statusCode ?? 502, ures.statusMessage ?? '', [...pairs, 'connection', 'close']));
      ures.pipe(socket);
      done(ures.statusCode ?? 502);
    });
    up.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const timedOut = err.code === 'INGRESS_UPSTREAM_TIMEOUT';
      o.metrics.upstreamErrors.inc({ ingress, reason: timedOut ? 'timeout' : 'error' });
      answer(timedOut ? 504 : 502);
    });
    up.end();
  };
}
