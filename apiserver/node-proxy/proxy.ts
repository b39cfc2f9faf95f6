// The apiserver side of pods/log, pods/exec, pods/attach, pods/portforward and nodes/proxy:
// finds the node's kubelet (InternalIP + daemonEndpoints.kubeletEndpoint.Port from Node status)
// and forwards the request there over TLS with the apiserver's kubelet-client certificate.
// Plain requests are re-issued and their responses streamed back; upgrades are spliced byte for
// byte after the request line, so the kubelet's 101 and every frame pass through unchanged.
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { apiError } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import type { Registry } from '../registry/types';
import { convertForwardPorts, kubeletPath, nodeProxyTarget, pickContainer, type NodeProxyTarget } from './target';

export interface NodeProxyOptions {
  registry: Registry;
  /** Trust for the kubelets' serving certificates (the cluster CA). */
  ca: Buffer;
  /** The apiserver's identity towards kubelets; without it the proxy answers 503. */
  clientCert?: { cert: Buffer; key: Buffer };
}

const log = componentLogger('apiserver', { part: 'node-proxy' });

interface Upstream {
  host: string;
  port: number;
  path: string;
}

const HOP_HEADERS = new Set(['connection', 'upgrade', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'host', 'authorization']);

function defOf(o: NodeProxyOptions, plural: string) {
  const d = o.registry.all().find((x) => x.group === '' && x.version === 'v1' && x.resource === plural);
  if (!d) throw apiError(404, 'NotFound', `resource ${plural} not served`);
  return d;
}

async function kubeletAddress(o: NodeProxyOptions, nodeName: string): Promise<{ host: string; port: number }> {
  const node = (await o.registry.get(defOf(o, 'nodes'), undefined, nodeName)) as any;
  const addrs: { type: string; address: string }[] = node.status?.addresses ?? [];
  const host = addrs.find((a) => a.type === 'InternalIP')?.address ?? addrs.find((a) => a.type === 'Hostname')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !port) throw apiError(503, 'ServiceUnavailable', `node ${nodeName} does not report a kubelet address`);
  return { host, port };
}

export async function resolveUpstream(o: NodeProxyOptions, t: NodeProxyTarget, q: URLSearchParams): Promise<Upstream> {
  if (t.kind === 'node') {
    const a = await kubeletAddress(o, t.name);
    const qs = q.toString();
    return { ...a, path: t.path + (qs ? `?${qs}` : '') };
  }
  const pod = (await o.registry.get(defOf(o, 'pods'), t.namespace, t.name)) as any;
  const nodeName: string | undefined = pod.spec?.nodeName;
  if (!nodeName) throw apiError(400, 'BadRequest', `pod ${t.name} does not have a host assigned`);
  let container = '';
  if (t.sub === 'portforward') {
    const ports = convertForwardPorts(q.getAll('ports'));
    if (typeof ports === 'string') throw apiError(400, 'BadRequest', ports);
  } else {
    const names: string[] = (pod.spec?.containers ?? []).map((c: { name: string }) => c.name);
    // Init containers (sidecars above all) have logs and may be exec'd into, as upstream allows;
    // only the default is chosen among the app containers.
    const inits: string[] = (pod.spec?.initContainers ?? []).map((c: { name: string }) => c.name);
    const pick = pickContainer(names, q.get('container'), t.name, inits);
    if (!pick.container) throw apiError(400, 'BadRequest', pick.error ?? 'no container');
    container = pick.container;
  }
  return { ...(await kubeletAddress(o, nodeName)), path: kubeletPath(t, container, q) };
}

function tlsOptions(o: NodeProxyOptions) {
  if (!o.clientCert) throw apiError(503, 'ServiceUnavailable', 'the apiserver has no kubelet client certificate (--kubelet-client-certificate)');
  return { ca: o.ca, cert: o.clientCert.cert, key: o.clientCert.key };
}

/** Handles a plain request when it targets a kubelet; false when it is not ours. */
export async function proxyRequest(o: NodeProxyOptions, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const t = nodeProxyTarget(url.pathname);
  if (!t) return false;
  if (t.kind === 'pod' && t.sub !== 'log') throw apiError(400, 'BadRequest', `Upgrade request required`);
  if (t.kind === 'pod' && req.method !== 'GET') throw apiError(405, 'MethodNotAllowed', `the server does not allow method ${String(req.method)} on pods/log`);
  const up = await resolveUpstream(o, t, url.searchParams);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_HEADERS.has(k)) headers[k] = v;
  await new Promise<void>((resolve, reject) => {
    const ureq = https.request({ host: up.host, port: up.port, path: up.path, method: req.method, headers, agent: false, ...tlsOptions(o) }, (ures) => {
      const h: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(ures.headers)) if (v !== undefined && !HOP_HEADERS.has(k)) h[k] = v;
      res.writeHead(ures.statusCode ?? 502, h);
      // Follow streams: flush every chunk as it comes.
      ures.on('data', (c: Buffer) => res.write(c));
      ures.on('end', () => {
        res.end();
        resolve();
      });
      ures.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    // res 'close' (not req's, which fires once the request body is read) means the client left.
    res.on('close', () => ureq.destroy());
    ureq.on('error', (e) => (res.headersSent ? (res.destroy(), resolve()) : reject(apiError(502, 'ServiceUnavailable', `error trying to reach the kubelet: ${e.message}`))));
    req.pipe(ureq);
  });
  return true;
}

/** Splices an upgrade request through to the kubelet; false when it is not ours. */
export async function proxyUpgrade(o: NodeProxyOptions, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<boolean> {
  const t = nodeProxyTarget(url.pathname);
  if (!t) return false;
  const up = await resolveUpstream(o, t, url.searchParams);
  const upstream = tls.connect({ host: up.host, port: up.port, servername: /^[\d.]+$/.test(up.host) ? undefined : up.host, ...tlsOptions(o) });
  await new Promise<void>((resolve, reject) => {
    upstream.once('secureConnect', () => resolve());
    upstream.once('error', (e) => reject(apiError(502, 'ServiceUnavailable', `error dialing the kubelet: ${e.message}`)));
  });
  const lines = [`${req.method ?? 'GET'} ${up.path} HTTP/1.1`, `Host: ${up.host}:${up.port}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i];
    const lk = k.toLowerCase();
    if (lk === 'host' || lk === 'authorization') continue;
    lines.push(`${k}: ${req.rawHeaders[i + 1]}`);
  }
  upstream.write(lines.join('\r\n') + '\r\n\r\n');
  if (head.length) upstream.write(head);
  upstream.pipe(socket);
  socket.pipe(upstream);
  // The kubelet's side failing (often a reset because the client still sent stdin after the
  // process ended) must not throw away output already on its way to the client: the client's
  // socket is ended, which flushes what is queued, not destroyed. The client going away ends all.
  // Once the kubelet's side is done, what the client still sends (stdin of a process that has
  // ended) is read and dropped, so the client is never blocked writing and sees the end.
  const finishClient = () => {
    socket.unpipe(upstream);
    socket.resume();
    socket.end();
    setTimeout(() => socket.destroy(), 10_000).unref();
  };
  upstream.on('error', () => {
    upstream.destroy();
    finishClient();
  });
  socket.on('error', () => {
    socket.destroy();
    upstream.destroy();
  });
  upstream.on('close', finishClient);
  socket.on('close', () => upstream.destroy());
  log.debug({ path: up.path }, 'stream proxied');
  return true;
}
