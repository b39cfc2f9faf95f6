// WebSocket ends for the Kubernetes channel protocols (kubectl and the official clients ↔ the
// kubelet ↔ containerd's streaming server), on the `ws` library: it checks client masking,
// control-frame sizes, UTF-8 in text messages and close codes, and caps every message at
// MAX_MESSAGE_BYTES (a peer that goes over gets close code 1009). What is ours: choosing the
// subprotocol (kubectl's `SPDY/3.1+portforward.k8s.io` is not an RFC 7230 token, which `ws`
// refuses to parse, so the header is read here), refusing an upgrade with a readable answer, and
// backpressure for senders that must stop reading their source while the socket is full.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { HandshakeError, type UpgradeTls } from '../http-upgrade';
import { componentLogger } from '../log';

export { WebSocket };

/**
 * The largest message either end accepts: golang.org/x/net/websocket's default, which the
 * Kubernetes streaming servers have always used. kubectl and the clients send stdin and tunnelled
 * SPDY frames in pieces of 32 KiB or so.
 */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** How long a peer gets to answer our close frame before its socket is destroyed. */
const CLOSE_TIMEOUT_MS = 5_000;

const log = componentLogger('websocket');

export class WebSocketHandshakeError extends HandshakeError {
  readonly code = 'WEBSOCKET_HANDSHAKE_FAILED';
}

export const isWebSocketUpgrade = (req: IncomingMessage): boolean =>
  (req.headers.upgrade ?? '').toLowerCase() === 'websocket' &&
  (req.headers.connection ?? '').toLowerCase().split(/\s*,\s*/).includes('upgrade');

/** Pure: the client's offered subprotocols, in its order of preference (header may repeat). */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  return ([] as string[])
    .concat(header ?? [])
    .flatMap((h) => h.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Pure: the subprotocol to answer with, as the Kubernetes servers choose it: the first one the
 * client offers that the server supports; '' when the client offers none and the server accepts
 * that (its list holds ''); undefined when there is no match.
 */
export function chooseProtocol(offered: string[], supported: readonly string[]): string | undefined {
  if (offered.length === 0) return supported.includes('') ? '' : undefined;
  return offered.find((p) => p !== '' && supported.includes(p));
}

export interface Accepted {
  ws: WebSocket;
  /** The negotiated subprotocol ('' for none). */
  protocol: string;
}

/** Answers an upgrade request with an HTTP error instead of switching protocols. */
export function refuseUpgrade(socket: Duplex, code: number, reason: string, body: string): void {
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Server side: completes the handshake with the protocol chooseProtocol picks from `supported`
 * (put '' in it to accept a client that offers none). Answers 400 and returns undefined when
 * nothing matches or the request is not a valid WebSocket handshake.
 */
export function acceptUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, supported: readonly string[]): Accepted | undefined {
  const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
  const protocol = chooseProtocol(offered, supported);
  if (!isWebSocketUpgrade(req) || protocol === undefined) {
    refuseUpgrade(socket, 400, 'Bad Request', `unable to upgrade: no supported protocol in [${offered.join(', ')}]`);
    return undefined;
  }
  // The protocol is chosen here; ws must not parse the header (it rejects names with '/').
  delete req.headers['sec-websocket-protocol'];
  const server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_MESSAGE_BYTES,
    closeTimeout: CLOSE_TIMEOUT_MS,
  } as ConstructorParameters<typeof WebSocketServer>[0]);
  if (protocol) server.on('headers', (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${protocol}`));
  let accepted: WebSocket | undefined;
  // Calls back synchronously once the 101 is written; never when ws answered an error itself.
  server.handleUpgrade(req, socket, head, (ws) => (accepted = ws));
  if (!accepted) return undefined;
  watchErrors(accepted, 'server');
  return { ws: accepted, protocol };
}

/** ws reports a peer's protocol violation as 'error' before closing; without a listener it throws. */
function watchErrors(ws: WebSocket, role: 'server' | 'client'): void {
  ws.on('error', (e: Error & { code?: string }) => log.debug({ role, err: e.message, code: e.code }, 'websocket closed on error'));
}

export interface ConnectOptions {
  protocols: string[];
  headers?: Record<string, string>;
  /** TLS client identity and trust for wss:// or https:// URLs. */
  tls?: UpgradeTls;
  timeoutMs?: number;
}

/**
 * Client side: `url` may be ws://, wss://, http:// or https://. Resolves once open; attach the
 * listeners in the code right after the await (messages are held until then).
 */
export function connectWebSocket(url: string, o: ConnectOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, o.protocols, {
      headers: o.headers,
      ...o.tls,
      perMessageDeflate: false,
      maxPayload: MAX_MESSAGE_BYTES,
      handshakeTimeout: o.timeoutMs ?? 30_000,
      closeTimeout: CLOSE_TIMEOUT_MS,
    } as WebSocket.ClientOptions);
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      reject(e);
    };
    // A refusal: its status and body go into the error, as kubectl shows them.
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        fail(new WebSocketHandshakeError(`upgrade refused: ${res.statusCode} ${body.slice(0, 500)}`, res.statusCode, body));
        ws.terminate();
      });
      res.on('error', (e) => fail(e));
    });
    ws.once('error', (e) => fail(new WebSocketHandshakeError(e.message)));
    ws.once('open', () => {
      settled = true;
      watchErrors(ws, 'client');
      // The server may speak first (containerd sends output as soon as the stream connects), and
      // ws would emit those messages before the awaiting caller has attached its listeners. Held
      // until the caller's code after the await has run.
      ws.pause();
      setImmediate(() => ws.resume());
      resolve(ws);
    });
  });
}

/** Sending stops being "free" past this many queued bytes: the sender should wait for drain. */
export const SEND_HIGH_WATER_BYTES = 1024 * 1024;

/**
 * Backpressure over a WebSocket (ws has no 'drain' event): send() says whether the caller may go
 * on, and onDrain runs once the queue has gone below the mark again after a send said no.
 */
export class MessageSender {
  private blocked = false;

  constructor(private readonly ws: WebSocket, private readonly onDrain: () => void, private readonly highWater = SEND_HIGH_WATER_BYTES) {}

  send(data: Buffer | string): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return true;
    this.ws.send(data, (err) => {
      if (err || !this.blocked || this.ws.bufferedAmount >= this.highWater) return;
      this.blocked = false;
      this.onDrain();
    });
    if (this.ws.bufferedAmount >= this.highWater) this.blocked = true;
    return !this.blocked;
  }
}
