// The client half of an HTTP/1.1 Upgrade, shared by the WebSocket and SPDY/3.1 clients: one
// request with `Connection: Upgrade`, answered either by 101 (the socket then belongs to the new
// protocol) or by an ordinary response (refused: its status and body go into the caller's error).
// What the 101 must carry differs per protocol, so the caller checks it.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';

export interface UpgradeTls {
  ca?: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
  servername?: string;
  rejectUnauthorized?: boolean;
}

export interface UpgradeRequest {
  url: URL;
  /** Whether the request goes over TLS (the caller knows which URL schemes mean that). */
  secure: boolean;
  method: 'GET' | 'POST';
  /** Sent as given, plus Connection: Upgrade and Upgrade: <upgrade>. */
  headers: OutgoingHttpHeaders;
  upgrade: string;
  tls?: UpgradeTls;
  timeoutMs: number;
}

export interface Upgraded {
  res: IncomingMessage;
  socket: Duplex;
  /** Bytes of the new protocol that arrived with the 101. */
  head: Buffer;
}

/** A failed upgrade; each protocol names its own subclass with a stable code. */
export abstract class HandshakeError extends Error {
  abstract readonly code: string;
  constructor(message: string, readonly statusCode?: number, readonly body?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The caller's handshake error class (refusals carry the status and body). */
export type HandshakeFailure = new (message: string, statusCode?: number, body?: string) => HandshakeError;

/** Sends the upgrade request; resolves with the 101 and its socket, rejects with a `Fail` otherwise. */
export function requestUpgrade(r: UpgradeRequest, Fail: HandshakeFailure): Promise<Upgraded> {
  const u = r.url;
  const reqOpts: https.RequestOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port || (r.secure ? 443 : 80),
    path: u.pathname + u.search,
    method: r.method,
    headers: { ...r.headers, Connection: 'Upgrade', Upgrade: r.upgrade },
    // agent: false gives the upgraded socket to us alone rather than to a keep-alive pool.
    ...(r.secure ? { ...r.tls, agent: false } : { agent: false }),
  };
  return new Promise((resolve, reject) => {
    const req = (r.secure ? https : http).request(reqOpts);
    const timer = setTimeout(() => req.destroy(new Fail(`no upgrade from ${u.host} within ${r.timeoutMs} ms`)), r.timeoutMs);
    req.on('upgrade', (res, socket, head) => {
      clearTimeout(timer);
      resolve({ res, socket, head });
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        reject(new Fail(`upgrade refused: ${res.statusCode} ${body.slice(0, 500)}`, res.statusCode, body));
      });
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}
