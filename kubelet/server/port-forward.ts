// /portForward/<ns>/<pod>: the portforward.k8s.io protocol over SPDY/3.1. kubectl 1.32 first
// asks for a WebSocket with subprotocol SPDY/3.1+portforward.k8s.io (SPDY frames tunneled in
// binary messages) and falls back to a plain `Upgrade: SPDY/3.1`. Per forwarded connection it
// opens two streams sharing a `requestid`: `streamtype: error` (we write a failure message there,
// then close it) and `streamtype: data` (the bytes, relayed to the pod's port). The official
// clients' WebSocket channel form is served by port-forward-ws.ts.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { componentLogger } from '../../lib/log';
import { acceptUpgrade, chooseProtocol, isWebSocketUpgrade, MessageSender, offeredProtocols, refuseUpgrade } from '../../lib/websocket/websocket';
import { RST_REFUSED_STREAM } from '../../lib/spdy/frames';
import { SpdySession, type SpdyStream, type SpdyTransport } from '../../lib/spdy/session';
import type { PodConnection } from './netns-relay';
import { CHANNEL_PORT_FORWARD_PROTOCOLS, parseForwardPorts, PortForwardOptionsError, serveChannelPortForward } from './port-forward-ws';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
export const WS_TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;
/** How long the second stream of a pair may lag the first (Kubernetes' streamCreationTimeout). */
export const STREAM_PAIR_TIMEOUT_MS = 30_000;

const log = componentLogger('kubelet', { part: 'port-forward' });

export interface ForwardTarget {
  namespace: string;
  name: string;
  /** Opens a connection to `port` inside the pod. */
  connect(port: number): PodConnection;
}

export const isSpdyUpgrade = (req: IncomingMessage): boolean => (req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1';

/** Pure: the requested protocol versions (X-Stream-Protocol-Version may repeat or be a list). */
export function requestedProtocols(req: IncomingMessage): string[] {
  const out: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === 'x-stream-protocol-version') out.push(...req.rawHeaders[i + 1].split(',').map((s) => s.trim()).filter(Boolean));
  }
  return out;
}

/** Pure: a stream pair's key; old clients without requestid pair by stream id (data = error + 2). */
export function pairKey(s: { id: number; header(n: string): string | undefined }): string {
  const rid = s.header('requestid');
  if (rid !== undefined) return rid;
  return String(s.header('streamtype') === 'data' ? s.id - 2 : s.id);
}

/** Pure: the port header, or why it is unusable. */
export function parsePort(v: string | undefined): number | string {
  if (v === undefined || v === '') return 'port header not specified';
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) return `invalid port header value "${v}"`;
  return n;
}

/** The WebSocket subprotocols /portForward serves: kubectl's SPDY tunnel, then the channel forms. */
export const WS_PORT_FORWARD_PROTOCOLS = [WS_TUNNEL_PROTOCOL, ...CHANNEL_PORT_FORWARD_PROTOCOLS];

/**
 * Completes whichever upgrade the client asked for and serves it: kubectl's SPDY/3.1 (plain, or
 * tunnelled in WebSocket binary messages), or the WebSocket channel form of the official clients
 * (which needs the `ports` query parameter). Answers an HTTP error when it can serve none.
 */
export function servePortForwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams, target: ForwardTarget): void {
  if (isWebSocketUpgrade(req)) {
    const protocol = chooseProtocol(offeredProtocols(req.headers['sec-websocket-protocol']), WS_PORT_FORWARD_PROTOCOLS);
    if (protocol !== undefined && protocol !== WS_TUNNEL_PROTOCOL) {
      let ports: number[];
      try {
        ports = parseForwardPorts(query.getAll('ports'));
      } catch (e) {
        if (!(e instanceof PortForwardOptionsError)) throw e;
        refuseUpgrade(socket, 400, 'Bad Request', e.message);
        return;
      }
      const accepted = acceptUpgrade(req, socket, head, [protocol]);
      if (accepted) serveChannelPortForward(accepted.ws, accepted.protocol, ports, target);
      return;
    }
    const accepted = acceptUpgrade(req, socket, head, [WS_TUNNEL_PROTOCOL]);
    if (!accepted) return;
    const { ws } = accepted;
    // SPDY frames in binary messages; the session writes nothing before it is served.
    const session: SpdySession = new SpdySession({ write: (b) => sender.send(b), close: () => ws.close(1000) });
    const sender = new MessageSender(ws, () => session.drained());
    ws.on('message', (d: Buffer) => session.receive(d));
    ws.on('close', () => session.transportClosed());
    servePortForward(session, target);
    return;
  }
  if (!isSpdyUpgrade(req)) {
    refuseUpgrade(socket, 400, 'Bad Request', 'unable to upgrade: missing upgrade headers in request');
    return;
  }
  const offered = requestedProtocols(req);
  if (offered.length > 0 && !offered.includes(PORT_FORWARD_PROTOCOL)) {
    refuseUpgrade(socket, 403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORT_FORWARD_PROTOCOL}]`);
    return;
  }
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1'];
  if (offered.length > 0) lines.push(`X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  const transport: SpdyTransport = { write: (b) => socket.write(b), close: () => socket.end() };
  const session = new SpdySession(transport);
  socket.on('data', (d: Buffer) => session.receive(d));
  socket.on('drain', () => session.drained());
  socket.on('close', () => session.transportClosed());
  socket.on('error', () => socket.destroy());
  if (head.length) session.receive(head);
  servePortForward(session, target);
}

/** Serves portforward.k8s.io on an accepted session: pairs streams and forwards each pair. */
export function servePortForward(session: SpdySession, target: ForwardTarget): void {
  const waiting = new Map<string, { error?: SpdyStream; data?: SpdyStream; timer: NodeJS.Timeout }>();
  session.on('error', (e: Error) => log.warn({ err: e.message, pod: target.name }, 'port-forward session failed'));
  session.on('close', () => {
    for (const w of waiting.values()) clearTimeout(w.timer);
    waiting.clear();
  });
  session.on('stream', (s: SpdyStream) => {
    s.reply();
    const type = s.header('streamtype');
    if (type !== 'error' && type !== 'data') {
      s.reset(RST_REFUSED_STREAM);
      return;
    }
    const key = pairKey(s);
    let w = waiting.get(key);
    if (!w) {
      const timer = setTimeout(() => {
        waiting.delete(key);
        w?.error?.reset(RST_REFUSED_STREAM);
        w?.data?.reset(RST_REFUSED_STREAM);
      }, STREAM_PAIR_TIMEOUT_MS);
      timer.unref();
      w = { timer };
      waiting.set(key, w);
    }
    if (w[type]) {
      s.reset(RST_REFUSED_STREAM);
      return;
    }
    w[type] = s;
    // Hold the data stream's early bytes until the pod connection exists.
    if (type === 'data') holdData(s);
    if (w.error && w.data) {
      clearTimeout(w.timer);
      waiting.delete(key);
      forwardPair(w.error, w.data, target);
    }
  });
}

const EARLY = Symbol('early');
type Held = SpdyStream & { [EARLY]?: { chunks: Buffer[]; ended: boolean; stop: () => void } };

function holdData(s: Held): void {
  const early = { chunks: [] as Buffer[], ended: false, stop: () => undefined };
  const onData = (d: Buffer) => early.chunks.push(d);
  const onEnd = () => (early.ended = true);
  s.on('data', onData);
  s.on('end', onEnd);
  early.stop = () => {
    s.off('data', onData);
    s.off('end', onEnd);
  };
  s[EARLY] = early;
}

function forwardPair(errorStream: SpdyStream, dataStream: Held, target: ForwardTarget): void {
  const finish = (message?: string) => {
    if (message) errorStream.write(Buffer.from(`error forwarding port ${portText} to pod ${target.namespace}/${target.name}: ${message}`));
    errorStream.end();
    dataStream.end();
  };
  const portText = dataStream.header('port') ?? '';
  const port = parsePort(dataStream.header('port'));
  const early = dataStream[EARLY]!;
  early.stop();
  if (typeof port === 'string') return finish(port);
  let conn: PodConnection;
  try {
    conn = target.connect(port);
  } catch (e) {
    return finish((e as Error).message);
  }
  const { child } = conn;
  for (const c of early.chunks) child.stdin.write(c);
  if (early.ended) child.stdin.end();
  // spdystream peers ignore flow control, so there is no way to slow kubectl down: buffer.
  dataStream.on('data', (d: Buffer) => child.stdin.write(d));
  dataStream.on('end', () => child.stdin.end());
  // The client went away (reset or lost session): stop the relay.
  dataStream.on('close', () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  child.stdout.on('data', (d: Buffer) => {
    if (!dataStream.write(d)) child.stdout.pause();
  });
  dataStream.on('drain', () => child.stdout.resume());
  void conn.done.then((err) => {
    if (err) log.info({ pod: target.name, port, err }, 'port-forward connection failed');
    finish(err);
  });
}
