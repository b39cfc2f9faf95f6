// The apiserver's REST door: HTTPS with client-certificate authentication, Kubernetes paths and
// verbs over the generic registry. Every request is handled inside one try/catch that answers
// with a Status, so client input can never crash the server.
import * as https from 'node:https';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ApiError, statusOf } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import type { Registry } from '../registry/types';
import { authenticate, isAnonymousPath, type UserInfo } from './authn';
import { bearerToken, type TokenAuthenticator } from '../auth/token-authenticator';
import { authorize, authorizePath, isBootstrapper, proxyAttributes } from '../auth/authorize';
import { guardRegistry } from '../auth/guarded-registry';
import { AGGREGATED_CONTENT_TYPE, aggregatedDiscovery, wantsAggregated } from './discovery-aggregated';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery';
import { PAGE_NOT_FOUND, methodNotAllowedStatus, notFoundStatus, toStatus } from './errors';
import { handleCreate, handleDelete, handleGet, handlePatch, handleUpdate, type Reply, type VerbContext } from './handlers';
import { negotiate, type ResponseFormat } from './negotiate';
import { encodeResponse, errorOutput, outputOf, prettyRequested, type Output } from './encode';
import { isWatch } from './query';
import { kubeletStreamQuery } from './stream-query';
import { nodeProxyTarget } from '../node-proxy/target';
import { resolveTarget, route, type ResourceRoute } from './router';
import { serveWatch } from './watch';
import { openapiDispatch } from './openapi-routes';
import { proxyRequest, proxyUpgrade, type NodeProxyOptions } from '../node-proxy/proxy';
import { apiserverMetrics } from '../metrics';
import { processMetrics } from '../../lib/metrics/prometheus';

export interface RestServerOptions {
  registry: Registry;
  host: string;
  port: number;
  tls: { cert: Buffer; key: Buffer; ca: Buffer };
  etcdHealthy: () => Promise<boolean>;
  /** pods/log|exec|attach|portforward and nodes/proxy go to the kubelets (apiserver/node-proxy). */
  nodeProxy?: NodeProxyOptions;
  /** Bearer tokens (bootstrap tokens); without it only client certificates authenticate. */
  tokens?: TokenAuthenticator;
}

/**
 * The caller: a verified client certificate first (as kube-apiserver's x509 authenticator runs
 * before its token authenticators), else a bearer token; 'invalid' for a token that does not
 * authenticate (401 on every path), undefined for no credentials at all.
 */
async function identify(o: RestServerOptions, req: IncomingMessage): Promise<UserInfo | 'invalid' | undefined> {
  const cert = authenticate(req.socket as TLSSocket);
  if (cert) return cert;
  const token = bearerToken(req.headers.authorization);
  if (token === undefined) return undefined;
  return o.tokens ? o.tokens.authenticate(token) : 'invalid';
}

/**
 * Bootstrap identities reach only discovery and their CertificateSigningRequests
 * (auth/authorize.ts): what they ask outside the resource tree, and every kubelet-proxied path, is
 * refused here; resource requests are judged by the guarded registry.
 */
function bootstrapRefusal(user: UserInfo, method: string, pathname: string, resourceRoute: boolean): ApiError | undefined {
  if (!isBootstrapper(user)) return undefined;
  const proxied = nodeProxyTarget(pathname);
  if (proxied) {
    const a = proxyAttributes(method, proxied);
    const d = authorize(user, a);
    return d.allowed ? undefined : new ApiError(statusOf(403, 'Forbidden', d.message, { name: a.name, kind: a.resource }));
  }
  if (resourceRoute) return undefined;
  const d = authorizePath(user, method, pathname);
  return d.allowed ? undefined : new ApiError(statusOf(403, 'Forbidden', d.message));
}

/** Request bodies above this size are refused with 413, as kube-apiserver does (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const log = componentLogger('apiserver', { door: 'rest' });

/** kube-apiserver's 413, worded as its body reader words it. */
const tooLarge = (): ApiError => new ApiError(statusOf(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`));

function bodyReader(req: IncomingMessage): () => Promise<Buffer> {
  let pending: Promise<Buffer> | undefined;
  return () => {
    if (pending) return pending;
    pending = new Promise<Buffer>((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? '0');
      if (declared > MAX_BODY_BYTES) {
        req.resume();
        reject(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let overLimit = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) overLimit = true;
        else chunks.push(c);
      });
      req.on('end', () => {
        if (overLimit) reject(tooLarge());
        else resolve(Buffer.concat(chunks));
      });
      req.on('error', (e) => reject(new ApiError(statusOf(400, 'BadRequest', `reading the request body failed: ${e.message}`))));
    });
    return pending;
  };
}

const JSON_OUT: Output = { encoding: 'json', pretty: false };

function send(res: ServerResponse, code: number, body: unknown, out: Output = JSON_OUT, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const { body: text, contentType } = encodeResponse(body, out);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Whether kube-apiserver has a REST route tree for this path (its go-restful web services: /api,
 * /api/<anything>, /apis, /apis/<served group>/..., /version). Under one, an unknown path is a
 * NotFound Status; anywhere else it is Go's plain-text "404 page not found".
 */
function routeServed(r: ReturnType<typeof route>, groups: Set<string>): boolean {
  switch (r.kind) {
    case 'version':
    case 'apiVersions':
    case 'apiGroupList':
      return true;
    case 'apiGroup':
      return groups.has(r.group);
    case 'resourceList':
    case 'resource':
      return r.group === '' || groups.has(r.group);
    default:
      return false;
  }
}

/**
 * The URL a pods/log|exec|attach request is forwarded with: its boolean options in the spelling
 * kube-apiserver gives the kubelet (stream-query.ts). Other paths are forwarded as they came.
 */
function kubeletUrl(url: URL): URL {
  const t = nodeProxyTarget(url.pathname);
  if (t?.kind !== 'pod') return url;
  const out = new URL(url.href);
  out.search = kubeletStreamQuery(t.sub, url.searchParams).toString();
  return out;
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

/** What a request was, for metrics: Kubernetes verb and group/resource/subresource. */
interface RequestInfo {
  verb: string;
  group: string;
  resource: string;
  subresource: string;
}

function kubeVerb(method: string | undefined, collection: boolean, watch: boolean): string {
  switch (method) {
    case 'GET': return watch ? 'WATCH' : collection ? 'LIST' : 'GET';
    case 'POST': return 'POST';
    case 'PUT': return 'PUT';
    case 'PATCH': return 'PATCH';
    case 'DELETE': return collection ? 'DELETECOLLECTION' : 'DELETE';
    default: return String(method ?? '').toUpperCase();
  }
}

async function serveResource(
  o: RestServerOptions,
  r: ResourceRoute,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  format: ResponseFormat,
  user: VerbContext['user'],
  info: RequestInfo,
): Promise<Reply | undefined> {
  const defs = o.registry.all().filter((d) => d.group === r.group && d.version === r.version);
  if (defs.length === 0) return { code: 404, body: notFoundStatus() };
  const target = resolveTarget(r.segments, (p) => defs.find((d) => d.resource === p)?.namespaced);
  const def = target && defs.find((d) => d.resource === target.plural);
  if (!target || !def) return { code: 404, body: notFoundStatus() };
  info.verb = kubeVerb(req.method, target.name === undefined, r.legacyWatch || isWatch(url.searchParams));
  info.group = def.group;
  info.resource = def.resource;
  info.subresource = target.subresource ?? '';
  const ctx: VerbContext = {
    registry: guardRegistry(o.registry, user),
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
      throw new ApiError(methodNotAllowedStatus());
  }
}

async function handle(o: RestServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://apiserver.invalid');
  const r = route(url.pathname);
  if (r.kind === 'health') return serveHealth(o, r.check, res);
  const pretty = prettyRequested(url.searchParams, req.headers['user-agent']);
  // Errors are negotiated apart from answers, as upstream does: no Table or metadata-only form.
  const errorOut = errorOutput(req.headers.accept, pretty);
  let user: UserInfo | 'invalid' | undefined;
  try {
    user = await identify(o, req);
  } catch (err) {
    return send(res, toStatus(err).status.code, toStatus(err).status, errorOut);
  }
  if (!user || user === 'invalid') {
    if (!user && isAnonymousPath(url.pathname)) return sendText(res, 200, 'ok');
    return send(res, 401, statusOf(401, 'Unauthorized', 'Unauthorized'), errorOut);
  }
  const refused = bootstrapRefusal(user, req.method ?? 'GET', url.pathname, r.kind === 'resource');
  if (refused) return send(res, 403, refused.status, errorOut);
  if (url.pathname === '/metrics') {
    if (req.method !== 'GET') return send(res, 405, methodNotAllowedStatus(), errorOut);
    const text = apiserverMetrics.render() + processMetrics.render();
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  const started = process.hrtime.bigint();
  const info: RequestInfo = { verb: kubeVerb(req.method, false, false), group: '', resource: '', subresource: '' };
  // Watches are long-running: Kubernetes counts them but keeps them out of the latency histogram.
  res.on('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (info.verb === 'WATCH') apiserverMetrics.requests.inc({ verb: info.verb, group: info.group, resource: info.resource, subresource: info.subresource, code: String(res.statusCode) });
    else apiserverMetrics.observeRequest(info.verb, info.group, info.resource, info.subresource, res.statusCode, seconds);
  });
  try {
    if (o.nodeProxy && (await proxyRequest(o.nodeProxy, req, res, kubeletUrl(url)))) return;
    const defs = o.registry.all();
    if (r.kind !== 'openapi' && !routeServed(r, new Set(defs.map((d) => d.group)))) return sendText(res, 404, PAGE_NOT_FOUND);
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (r.kind !== 'resource' && !isRead) throw new ApiError(methodNotAllowedStatus());
    if (r.kind === 'openapi') {
      if (!openapiDispatch(defs, r, url, req.headers.accept, res)) sendText(res, 404, PAGE_NOT_FOUND);
      return;
    }
    const format: ResponseFormat = r.kind === 'resource' ? negotiate(req.headers.accept) : { encoding: 'json', pretty: false };
    const out = outputOf(format, pretty);
    let reply: Reply | undefined;
    switch (r.kind) {
      case 'version':
        reply = { code: 200, body: versionInfo() };
        break;
      case 'apiVersions':
        if (wantsAggregated(req.headers.accept)) {
          reply = { code: 200, body: aggregatedDiscovery(defs, true), headers: { 'Content-Type': AGGREGATED_CONTENT_TYPE } };
          break;
        }
        reply = { code: 200, body: apiVersions(`${req.socket.localAddress ?? o.host}:${req.socket.localPort ?? o.port}`) };
        break;
      case 'apiGroupList':
        if (wantsAggregated(req.headers.accept)) {
          reply = { code: 200, body: aggregatedDiscovery(defs, false), headers: { 'Content-Type': AGGREGATED_CONTENT_TYPE } };
          break;
        }
        reply = { code: 200, body: apiGroupList(defs) };
        break;
      case 'apiGroup': {
        const g = apiGroup(defs, r.group);
        reply = g ? { code: 200, body: g } : { code: 404, body: notFoundStatus() };
        break;
      }
      case 'resourceList': {
        const l = apiResourceList(defs, r.group, r.version);
        reply = l ? { code: 200, body: l } : { code: 404, body: notFoundStatus() };
        break;
      }
      case 'resource':
        reply = await serveResource(o, r, req, res, url, format, user, info);
        break;
      default:
        reply = { code: 404, body: notFoundStatus() };
    }
    // A 404 or 405 found on the way is an error like any other: written as errors are.
    if (reply) send(res, reply.code, reply.body, reply.code >= 400 ? errorOut : out, reply.headers);
  } catch (err) {
    const { status, internal } = toStatus(err);
    if (internal) log.error({ err: (err as Error)?.stack ?? String(err), method: req.method, path: url.pathname }, 'request failed with an internal error');
    else log.debug({ code: status.code, reason: status.reason, method: req.method, path: url.pathname }, 'request failed');
    // As Kubernetes does, a retry hint in the Status is also given as the Retry-After header.
    const retry = status.details?.retryAfterSeconds;
    send(res, status.code, status, errorOut, retry ? { 'Retry-After': String(retry) } : undefined);
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
  // WebSocket upgrades (kubectl exec/attach/port-forward) go to the node proxy.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://apiserver.invalid');
    const out = errorOutput(req.headers.accept, prettyRequested(url.searchParams, req.headers['user-agent']));
    const fail = (code: number, status: unknown) => {
      const { body, contentType } = encodeResponse(status, out);
      socket.end(
        `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\nContent-Type: ${contentType}\r\nCache-Control: no-cache, private\r\n` +
          `X-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    identify(o, req)
      .then((user) => {
        if (!user || user === 'invalid') return fail(401, statusOf(401, 'Unauthorized', 'Unauthorized'));
        const refused = bootstrapRefusal(user, req.method ?? 'GET', url.pathname, true);
        if (refused) return fail(403, refused.status);
        return (o.nodeProxy ? proxyUpgrade(o.nodeProxy, req, socket, head, kubeletUrl(url)) : Promise.resolve(false)).then((handled) => {
          if (!handled) fail(404, notFoundStatus());
        });
      })
      .catch((err) => fail(toStatus(err).status.code, toStatus(err).status));
  });
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
