// The client end of a SPDY/3.1 connection, as Kubernetes' remotecommand and port-forward clients
// make it: `POST <url>` with `Connection: Upgrade`, `Upgrade: SPDY/3.1` and one
// `X-Stream-Protocol-Version` per protocol we speak (preferred first); the server answers 101
// with the version it chose, and the socket then carries SPDY frames. Streams are opened with
// `openStream`, which resolves once the server's SYN_REPLY arrives.
import type { OutgoingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { HandshakeError, requestUpgrade, type UpgradeTls } from '../http-upgrade';
import { SpdySession, type SpdyStream } from './session';
import type { SpdyHeaders } from './header-codec';

export const SPDY_UPGRADE = 'SPDY/3.1';
const PROTOCOL_HEADER = 'x-stream-protocol-version';
/** Kubernetes' streamCreationTimeout: how long a stream may wait for its reply. */
export const STREAM_REPLY_TIMEOUT_MS = 30_000;
/** After GOAWAY and our FIN, how long the peer gets to close before the socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;

export class SpdyHandshakeError extends HandshakeError {
  readonly code = 'SPDY_HANDSHAKE_FAILED';
}

export class SpdyStreamRefusedError extends Error {
  readonly code = 'SPDY_STREAM_REFUSED';
  constructor(message: string, readonly resetStatus?: number) {
    super(message);
    this.name = 'SpdyStreamRefusedError';
  }
}

export interface SpdyConnectOptions {
  /** X-Stream-Protocol-Version values, preferred first; empty means none is negotiated. */
  protocols: string[];
  headers?: Record<string, string>;
  tls?: UpgradeTls;
  timeoutMs?: number;
}

export interface SpdyConnection {
  session: SpdySession;
  /** The protocol version the server chose ('' when none was asked for). */
  protocol: string;
}

/** Pure: the protocol the server chose, if it is one we offered. */
export function chosenProtocol(offered: string[], header: string | string[] | undefined): string | undefined {
  const v = (Array.isArray(header) ? header[0] : header ?? '').trim();
  if (offered.length === 0) return '';
  return offered.includes(v) ? v : undefined;
}

/**
 * Binds a client session to an upgraded socket.
 *
 * Writes are gathered and handed to the socket after the event loop's poll phase (setImmediate).
 * A runtime streaming server (containerd's) closes the connection right after the exec's final
 * output and Status while we may still be sending stdin, so its kernel answers our data with a
 * reset. Node destroys a socket whose write fails, dropping whatever the kernel had received but
 * Node had not read yet: the last output and the exit Status. Writing only after the poll phase
 * means what arrived before the reset has been read (and has closed the streams) first.
 */
export function clientSessionOver(socket: Duplex, head: Buffer): SpdySession {
  let queued: Buffer[] = [];
  let blocked = false;
  const flush = () => {
    if (queued.length === 0) return;
    const out = queued.length === 1 ? queued[0] : Buffer.concat(queued);
    queued = [];
    if (!socket.destroyed && !socket.writableEnded) blocked = !socket.write(out);
  };
  const session = new SpdySession(
    {
      write: (b) => {
        if (queued.length === 0) setImmediate(flush);
        queued.push(b);
        return !blocked;
      },
      close: () => {
        flush();
        socket.end();
        setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      },
    },
    { client: true },
  );
  socket.on('data', (c: Buffer) => session.receive(c));
  socket.on('drain', () => {
    blocked = false;
    session.drained();
  });
  socket.on('close', () => session.transportClosed());
  // A reset connection ends in 'close' too; the session reports it by closing.
  socket.on('error', () => undefined);
  if (head.length) session.receive(head);
  return session;
}

/** Upgrades an HTTP(S) request at `url` to SPDY/3.1. */
export async function connectSpdy(url: string, o: SpdyConnectOptions): Promise<SpdyConnection> {
  const u = new URL(url);
  const headers: OutgoingHttpHeaders = { ...o.headers };
  if (o.protocols.length) headers['X-Stream-Protocol-Version'] = o.protocols;
  const { res, socket, head } = await requestUpgrade(
    { url: u, secure: u.protocol === 'https:', method: 'POST', headers, upgrade: SPDY_UPGRADE, tls: o.tls, timeoutMs: o.timeoutMs ?? 30_000 },
    SpdyHandshakeError,
  );
  const protocol = chosenProtocol(o.protocols, res.headers[PROTOCOL_HEADER]);
  if ((res.headers.upgrade ?? '').toLowerCase() !== SPDY_UPGRADE.toLowerCase() || protocol === undefined) {
    socket.destroy();
    throw new SpdyHandshakeError(`the server upgraded to ${res.headers.upgrade} with protocol ${res.headers[PROTOCOL_HEADER] ?? '(none)'}`, res.statusCode);
  }
  (socket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
  return { session: clientSessionOver(socket, head), protocol };
}

/** Resolves when the peer replies to `s`; rejects if it resets it or the session ends first. */
export function awaitReply(s: SpdyStream, timeoutMs = STREAM_REPLY_TIMEOUT_MS): Promise<SpdyHeaders> {
  if (s.replyHeaders) return Promise.resolve(s.replyHeaders);
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      s.off('reply', onReply);
      s.off('close', onClose);
    };
    const onReply = (h: SpdyHeaders) => {
      done();
      resolve(h);
    };
    const onClose = () => {
      done();
      reject(new SpdyStreamRefusedError(`stream ${s.id} closed before its reply`, s.resetStatus));
    };
    const timer = setTimeout(() => {
      done();
      reject(new SpdyStreamRefusedError(`no reply to stream ${s.id} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('reply', onReply);
    s.on('close', onClose);
  });
}

/** Opens a stream and waits for its reply. */
export async function openStream(session: SpdySession, headers: SpdyHeaders, timeoutMs?: number): Promise<SpdyStream> {
  const s = session.openStream(headers);
  await awaitReply(s, timeoutMs);
  return s;
}
