// The HTTP and HTTPS listeners. Both use the same proxy handler; the HTTPS one terminates TLS
// with the certificate SNI selects. Sockets are tracked so a stop closes keep-alive connections
// instead of waiting for clients to hang up.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { listenTracked } from '../../lib/listen-tracked';
import type { Duplex } from 'node:stream';
import type { SecureContexts } from '../tls/secure-contexts';

export interface Listener {
  port: number;
  stop(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

function listen(server: http.Server, host: string, port: number, upgrade?: UpgradeHandler): Promise<Listener> {
  // A client that sends garbage gets 400 and a closed connection, never a crash.
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  if (upgrade) server.on('upgrade', upgrade);
  else server.on('upgrade', (_req, socket: Socket) => socket.end('HTTP/1.1 501 Not Implemented\r\nconnection: close\r\ncontent-length: 0\r\n\r\n'));
  return listenTracked(server, port, host);
}

export function startHttp(host: string, port: number, handler: Handler, upgrade?: UpgradeHandler): Promise<Listener> {
  return listen(http.createServer(handler), host, port, upgrade);
}

export function startHttps(host: string, port: number, contexts: SecureContexts, handler: Handler, upgrade?: UpgradeHandler): Promise<Listener> {
  const server = https.createServer({ ...contexts.defaultPair, SNICallback: contexts.sniCallback() }, handler);
  // A failed handshake (a scanner, a client that rejects our certificate) is the client's business.
  server.on('tlsClientError', () => undefined);
  return listen(server, host, port, upgrade);
}
