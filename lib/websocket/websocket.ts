// A small RFC 6455 WebSocket: one class for both ends of an upgraded socket, the server-side
// handshake (answering an HTTP Upgrade) and the client-side one (http/https request + Upgrade).
// Used for the Kubernetes channel protocols between kubectl, the apiserver, the kubelet and
// containerd's streaming server.
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { HandshakeError, requestUpgrade, type UpgradeTls } from '../http-upgrade';
import { encodeFrame, FrameParser, OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG, OP_TEXT } from './frames';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const acceptKey = (key: string): string => createHash('sha1').update(key + GUID).digest('base64');

export class WebSocketHandshakeError extends HandshakeError {
  readonly code = 'WEBSOCKET_HANDSHAKE_FAILED';
}

/**
 * Events: 'message' (data: Buffer, binary: boolean), 'close' (code: number, reason: string),
 * 'drain' (the socket takes writes again after send returned false).
 * 'close' fires exactly once, whichever side ends the connection.
 */
export class WebSocket extends EventEmitter {
  private readonly parser = new FrameParser();
  private fragments: Buffer[] = [];
  private fragmentOp = 0;
  private closeSent = false;
  private closed = false;

  constructor(private readonly socket: Duplex, private readonly role: 'server' | 'client', readonly protocol: string, head?: Buffer) {
    super();
    socket.on('data', (c: Buffer) => this.onData(c));
    socket.on('drain', () => this.emit('drain'));
    socket.on('close', () => this.finish(1006, ''));
    socket.on('error', () => this.finish(1006, ''));
    if (head && head.length) setImmediate(() => this.onData(head));
  }

  get isOpen(): boolean {
    return !this.closed && !this.closeSent;
  }

  /** False when the socket's buffer is full: wait for 'drain' before sending more. */
  send(data: Buffer | string, binary = typeof data !== 'string'): boolean {
    if (!this.isOpen) return false;
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    return this.socket.write(encodeFrame(binary ? OP_BINARY : OP_TEXT, buf, this.role === 'client'));
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    if (!this.closeSent) {
      this.closeSent = true;
      const p = Buffer.alloc(2 + Buffer.byteLength(reason));
      p.writeUInt16BE(code, 0);
      p.write(reason, 2);
      this.socket.write(encodeFrame(OP_CLOSE, p, this.role === 'client'));
    }
    // The peer answers with its own close frame; don't wait for a misbehaving one forever.
    const t = setTimeout(() => this.socket.destroy(), 2000);
    t.unref();
    if (this.role === 'server') this.socket.end();
  }

  /** Drops the connection without a closing handshake. */
  terminate(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let frames;
    try {
      frames = this.parser.push(chunk);
    } catch {
      this.close(1009, 'frame too large');
      return;
    }
    for (const f of frames) {
      switch (f.opcode) {
        case OP_PING:
          if (!this.closeSent) this.socket.write(encodeFrame(OP_PONG, f.payload, this.role === 'client'));
          break;
        case OP_PONG:
          break;
        case OP_CLOSE: {
          const code = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
          const reason = f.payload.length > 2 ? f.payload.subarray(2).toString() : '';
          if (!this.closeSent) {
            this.closeSent = true;
            this.socket.write(encodeFrame(OP_CLOSE, f.payload.subarray(0, 2), this.role === 'client'));
          }
          this.socket.end();
          this.finish(code, reason);
          return;
        }
        case OP_TEXT:
        case OP_BINARY:
        case OP_CONT: {
          if (f.opcode !== OP_CONT) {
            this.fragmentOp = f.opcode;
            this.fragments = [];
          }
          this.fragments.push(f.payload);
          if (f.fin) {
            const data = this.fragments.length === 1 ? this.fragments[0] : Buffer.concat(this.fragments);
            this.fragments = [];
            this.emit('message', data, this.fragmentOp === OP_BINARY);
          }
          break;
        }
        default:
          this.close(1002, 'unknown opcode');
      }
    }
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', code, reason);
  }
}

export const isWebSocketUpgrade = (req: http.IncomingMessage): boolean =>
  (req.headers.upgrade ?? '').toLowerCase() === 'websocket' &&
  (req.headers.connection ?? '').toLowerCase().split(/\s*,\s*/).includes('upgrade');

/** The client's offered subprotocols, in its order of preference. */
export const offeredProtocols = (req: http.IncomingMessage): string[] =>
  String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Server side: completes the handshake choosing the first protocol the client offers that the
 * server supports. Answers 400 and returns undefined when there is none (an empty `supported`
 * list accepts a client that offers nothing).
 */
export function acceptUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, supported: string[]): WebSocket | undefined {
  const key = req.headers['sec-websocket-key'];
  const offered = offeredProtocols(req);
  const protocol = offered.find((p) => supported.includes(p));
  if (!isWebSocketUpgrade(req) || typeof key !== 'string' || (supported.length > 0 && !protocol)) {
    const body = `unable to upgrade: no supported protocol in [${offered.join(', ')}]`;
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    return undefined;
  }
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptKey(key)}`,
  ];
  if (protocol) lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  return new WebSocket(socket, 'server', protocol ?? '', head);
}

export interface ConnectOptions {
  protocols: string[];
  headers?: Record<string, string>;
  /** TLS client identity and trust for wss:// or https:// URLs. */
  tls?: UpgradeTls;
  timeoutMs?: number;
}

/** Client side: `url` may be ws://, wss://, http:// or https://. */
export async function connectWebSocket(url: string, o: ConnectOptions): Promise<WebSocket> {
  const u = new URL(url);
  const key = randomBytes(16).toString('base64');
  const headers: Record<string, string> = { ...o.headers, 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key };
  if (o.protocols.length) headers['Sec-WebSocket-Protocol'] = o.protocols.join(', ');
  const secure = u.protocol === 'wss:' || u.protocol === 'https:';
  const { res, socket, head } = await requestUpgrade(
    { url: u, secure, method: 'GET', headers, upgrade: 'websocket', tls: o.tls, timeoutMs: o.timeoutMs ?? 30_000 },
    WebSocketHandshakeError,
  );
  if (res.headers['sec-websocket-accept'] !== acceptKey(key)) {
    socket.destroy();
    throw new WebSocketHandshakeError('bad Sec-WebSocket-Accept');
  }
  return new WebSocket(socket, 'client', String(res.headers['sec-websocket-protocol'] ?? ''), head);
}
