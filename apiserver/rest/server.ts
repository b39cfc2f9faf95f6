// The apiserver's REST door: HTTPS with client-certificate authentication, Kubernetes paths and
// verbs over the generic registry. Every request is handled inside one try/catch that answers
// with a Status, so client input can never crash the server.
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { apiError, statusOf } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import type { Registry } from '../registry/types';
import { authenticate, isAnonymousPath } from './authn';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery';
import { notFoundPath, toStatus } from './errors';
import { handleCreate, handleDelete, handleGet, handlePatch, handleUpdate, type Reply, type VerbContext } from './handlers';
import { encodeBody, negotiate, type ResponseFormat } from './negotiate';
import { isWatch } from './query';
import { resolveTarget, route, type ResourceRoute } from './router';
import { serveWatch } from './watch';
import { openapiDispatch } from './openapi-routes';

export interface RestServerOptions {
  registry: Registry;
  host: string;
  port: number;
  tls: { cert: Buffer; key: Buffer; ca: Buffer };
  etcdHealthy: () => Promise<boolean>;
}

/** Request bodies above this size are refused with 413, as kube-apiserver does (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const log = componentLogger('apiserver', { door: 'rest' });

function bodyReader(req: IncomingMessage): () => Promise<Buffer> {
  let pending: Promise<Buffer> | undefined;
  return () => {
    if (pending) return pending;
    pending = new Promise<Buffer>((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? '0');
      if (declared > MAX_BODY_BYTES) {
        req.resume();
        reject(apiError(413, 'RequestEntityTooLarge', `the request body is too large: ${declared} bytes, limit is ${MAX_BODY_BYTES}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(c);
      });
      req.on('end', () => {
        if (tooLarge) reject(apiError(413, 'RequestEntityTooLarge', `the request body is too large: limit is ${MAX_BODY_BYTES} bytes`));
        else resolve(Buffer.concat(chunks));
      });
      req.on('error', (e) => reject(apiError(400, 'BadRequest', `reading the request body failed: ${e.message}`)));
    });
    return pending;
  };
}

function send(res: ServerResponse, code: number, body: unknown, encoding: 'json' | 'yaml' = 'json'): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const { body: text, contentType } = encodeBody(body, encoding);
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function serveHealth(o: RestServerOptions, check: string, res: ServerResponse): Promise<void> {
  if (check !== 'readyz') return sendText(res, 200, 'ok');
  let ok = false;
  try {
    ok = await o.etcdHealthy();
  } catch {
    ok = false;
  }
  if (ok) sendText(res, 200, 'ok');
  else sendText(res, 500, '[-]etcd failed: reason withheld\nreadyz check failed');
}

async function serveResource(
  o: RestServerOptions,
  r: ResourceRoute,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  format: ResponseFormat,
  user: VerbContext['user'],
): Promise<Reply | undefined> {
  const defs = o.registry.all().filter((d) => d.group === r.group && d.version === r.version);
  if (defs.length === 0) return { code: 404, body: notFoundPath(url.pathname) };
  const target = resolveTarget(r.segments, (p) => defs.find((d) => d.resource === p)?.namespaced);
  const def = target && defs.find((d) => d.resource === target.plural);
  if (!target || !def) return { code: 404, body: notFoundPath(url.pathname) };
  const ctx: VerbContext = {
    registry: o.registry,
    def,
    target,
    query: url.searchParams,
    format,
    user,
    contentType: req.headers['content-type'],
    readBody: bodyReader(req),
  };
  switch (req.method) {
    case 'GET':
      if (r.legacyWatch || isWatch(url.searchParams)) {
        await serveWatch(ctx, req, res, log);
        return undefined;
      }
      return handleGet(ctx);
    case 'POST':
      return handleCreate(ctx);
    case 'PUT':
      return handleUpdate(ctx);
    case 'PATCH':
      return handlePatch(ctx);
    case 'DELETE':
      return handleDelete(ctx);
    default:
      throw apiError(405, 'MethodNotAllowed', `the server does not allow method ${String(req.method)} on the requested resource`);
  }
}

async function handle(o: RestServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://apiserver.invalid');
  const r = route(url.pathname);
  if (r.kind === 'health') return serveHealth(o, r.check, res);
  const user = authenticate(req.socket as TLSSocket);
  if (!user) {
    if (isAnonymousPath(url.pathname)) return sendText(res, 200, 'ok');
    return send(res, 401, statusOf(401, 'Unauthorized', 'Unauthorized'));
  }
  let encoding: 'json' | 'yaml' = 'json';
  try {
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (r.kind !== 'resource' && !isRead) {
      throw apiError(r.kind === 'notFound' ? 404 : 405, r.kind === 'notFound' ? 'NotFound' : 'MethodNotAllowed',
        r.kind === 'notFound' ? `the server could not find the requested resource` : `the server does not allow method ${String(req.method)} on ${url.pathname}`);
    }
    if (r.kind === 'openapi') {
      if (!openapiDispatch(o.registry.all(), r, url, req.headers.accept, res)) send(res, 404, notFoundPath(url.pathname));
      return;
    }
    const format = r.kind === 'resource' ? negotiate(req.headers.accept) : { encoding: 'json' as const, table: false, aggregatedDiscovery: false };
    encoding = format.encoding;
    const defs = o.registry.all();
    let reply: Reply | undefined;
    switch (r.kind) {
      case 'version':
        reply = { code: 200, body: versionInfo() };
        break;
      case 'apiVersions':
        reply = { code: 200, body: apiVersions(`${req.socket.localAddress ?? o.host}:${req.socket.localPort ?? o.port}`) };
        break;
      case 'apiGroupList':
        reply = { code: 200, body: apiGroupList(defs) };
        break;
      case 'apiGroup': {
        const g = apiGroup(defs, r.group);
        reply = g ? { code: 200, body: g } : { code: 404, body: notFoundPath(url.pathname) };
        break;
      }
      case 'resourceList': {
        const l = apiResourceList(defs, r.group, r.version);
        reply = l ? { code: 200, body: l } : { code: 404, body: notFoundPath(url.pathname) };
        break;
      }
      case 'resource':
        reply = await serveResource(o, r, req, res, url, format, user);
        break;
      default:
        reply = { code: 404, body: notFoundPath(url.pathname) };
    }
    if (reply) send(res, reply.code, reply.body, encoding);
  } catch (err) {
    const { status, internal } = toStatus(err);
    if (internal) log.error({ err: (err as Error)?.stack ?? String(err), method: req.method, path: url.pathname }, 'request failed with an internal error');
    else log.debug({ code: status.code, reason: status.reason, method: req.method, path: url.pathname }, 'request failed');
    send(res, status.code, status, encoding);
  }
}

export function startRestServer(o: RestServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = https.createServer(
    { cert: o.tls.cert, key: o.tls.key, ca: o.tls.ca, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      handle(o, req, res).catch((err) => {
        // Only reachable if writing the error itself failed: never let it escape.
        log.error({ err: (err as Error)?.message }, 'response could not be written');
        try {
          if (!res.headersSent) send(res, 500, statusOf(500, 'InternalError', 'Internal error occurred'));
          else res.end();
        } catch {
          res.destroy();
        }
      });
    },
  );
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', (err) => log.debug({ err: err.message }, 'tls handshake failed'));
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      log.info({ host: o.host, port }, 'rest server listening');
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
