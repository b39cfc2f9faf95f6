// The kubelet's HTTPS port (10250): /healthz and /metrics, /pods, /stats/summary, container logs
// and exec/attach streams. Everything except /healthz needs a client certificate signed by the
// cluster CA that names the apiserver (CN kube-apiserver-kubelet-client) or an admin (O system:masters).
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Pod } from '../../lib/api/types';
import { componentLogger } from '../../lib/log';
import type { CriClient } from '../cri/client';
import { LABEL_CONTAINER_NAME, LABEL_POD_NAME, LABEL_POD_NAMESPACE } from '../pods/cri-state';
import { logFileFor, LogOptionsError, parseLogOptions, podLogDirFor, selectLog, parseLogLine, renderRecord } from './container-logs';
import { CriStreaming } from './cri-streaming';
import { parseExecParams, serveExec, type StreamKind } from './exec-bridge';
import { connectInNetns } from './netns-relay';
import { servePortForwardUpgrade } from './port-forward';
import { collectSummary } from '../stats/collect';
import { CpuRates } from '../stats/summary';
import { processMetrics, type MetricsRegistry } from '../../lib/metrics/prometheus';

export const APISERVER_CLIENT_CN = 'kube-apiserver-kubelet-client';

export interface KubeletServerOptions {
  port: number;
  host?: string;
  tls: { cert: Buffer; key: Buffer; ca: Buffer };
  nodeName: string;
  rootDir: string;
  cgroupRoot: string;
  criEndpoint: string;
  cri: CriClient;
  metrics: MetricsRegistry;
  pods: () => Pod[];
}

const log = componentLogger('kubelet', { part: 'server' });

/** Pure: may this verified certificate subject use the kubelet API? */
export function subjectAllowed(subject: { CN?: string | string[]; O?: string | string[] } | undefined): boolean {
  if (!subject) return false;
  const cns = ([] as string[]).concat(subject.CN ?? []);
  const orgs = ([] as string[]).concat(subject.O ?? []);
  return cns.includes(APISERVER_CLIENT_CN) || orgs.includes('system:masters');
}

function authorized(req: IncomingMessage): boolean {
  const s = req.socket as TLSSocket;
  if (!s.authorized) return false;
  return subjectAllowed(s.getPeerCertificate()?.subject as never);
}

function text(res: ServerResponse, code: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export class KubeletServer {
  private server?: https.Server;
  private readonly sockets = new Set<Socket>();
  private readonly streaming: CriStreaming;
  /** Baselines for the CPU rates /stats/summary reports. */
  private readonly cpuRates = new CpuRates();
  port = 0;

  constructor(private readonly o: KubeletServerOptions) {
    this.streaming = new CriStreaming(o.criEndpoint);
  }

  async start(): Promise<void> {
    const s = https.createServer({ cert: this.o.tls.cert, key: this.o.tls.key, ca: this.o.tls.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      this.handle(req, res).catch((e) => {
        log.warn({ err: (e as Error).message, path: req.url }, 'request failed');
        if (!res.headersSent) text(res, 500, (e as Error).message);
        else res.end();
      });
    });
    s.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch((e) => {
        log.warn({ err: (e as Error).message, path: req.url }, 'stream failed');
        socket.destroy();
      });
    });
    s.on('connection', (c: Socket) => {
      this.sockets.add(c);
      c.on('close', () => this.sockets.delete(c));
    });
    s.on('secureConnection', (c: Socket) => {
      this.sockets.add(c);
      c.on('close', () => this.sockets.delete(c));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(this.o.port, this.o.host ?? '0.0.0.0', () => resolve());
    });
    this.server = s;
    const a = s.address();
    this.port = typeof a === 'object' && a ? a.port : this.o.port;
  }

  /** A renewed serving certificate: new connections get it, open ones keep theirs. */
  setCertificate(cert: Buffer, key: Buffer): void {
    this.o.tls = { ...this.o.tls, cert, key };
    this.server?.setSecureContext({ cert, key, ca: this.o.tls.ca });
  }

  async stop(): Promise<void> {
    this.streaming.close();
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      for (const c of this.sockets) c.destroy();
    });
  }

  /** The running container's CRI id for ns/pod/container (the first container when unnamed). */
  private async containerId(ns: string, pod: string, container?: string): Promise<string | undefined> {
    const labels: Record<string, string> = { [LABEL_POD_NAMESPACE]: ns, [LABEL_POD_NAME]: pod };
    if (container) labels[LABEL_CONTAINER_NAME] = container;
    const cs = await this.o.cri.listContainers({ state: 'CONTAINER_RUNNING', labelSelector: labels });
    return cs.sort((a, b) => b.createdAt - a.createdAt)[0]?.id;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
    const p = url.pathname;
    if (p === '/healthz' || p === '/livez' || p === '/readyz') return text(res, 200, 'ok');
    if (!authorized(req)) return text(res, 401, 'Unauthorized');
    if (p === '/metrics') return text(res, 200, this.o.metrics.render() + processMetrics.render(), 'text/plain; version=0.0.4');
    if (p === '/pods' || p === '/pods/') {
      return text(res, 200, JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: this.o.pods() }), 'application/json');
    }
    if (p === '/stats/summary') {
      const summary = await collectSummary({ nodeName: this.o.nodeName, cgroupRoot: this.o.cgroupRoot, pods: this.o.pods(), cri: this.o.cri, rates: this.cpuRates });
      return text(res, 200, JSON.stringify(summary), 'application/json');
    }
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(p);
    if (m && req.method === 'GET') return this.serveLogs(decodeURIComponent(m[1]), decodeURIComponent(m[2]), decodeURIComponent(m[3]), url.searchParams, res);
    text(res, 404, '404 page not found');
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
    if (!authorized(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\nConnection: close\r\n\r\nUnauthorized');
      return;
    }
    const pf = /^\/portForward\/([^/]+)\/([^/]+)(?:\/[^/]*)?\/?$/.exec(url.pathname);
    if (pf) return this.portForward(decodeURIComponent(pf[1]), decodeURIComponent(pf[2]), req, socket, head, url.searchParams);
    const m = /^\/(exec|attach)\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (!m) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found');
      return;
    }
    const [, kind, ns, pod, container] = m.map(decodeURIComponent);
    const id = await this.containerId(ns, pod, container);
    await serveExec(req, socket, head, kind as StreamKind, id, parseExecParams(url.searchParams), this.streaming);
  }

  private async portForward(ns: string, pod: string, req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams): Promise<void> {
    const sandboxes = await this.o.cri.listPodSandbox({ state: 'SANDBOX_READY', labelSelector: { [LABEL_POD_NAMESPACE]: ns, [LABEL_POD_NAME]: pod } });
    const sandbox = sandboxes.sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!sandbox) {
      const body = `pod ${ns}/${pod} not found or has no running sandbox`;
      socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    const netns = await this.streaming.sandboxNetns(sandbox.id);
    servePortForwardUpgrade(req, socket, head, query, { namespace: ns, name: pod, connect: (port) => connectInNetns(netns, port) });
  }

  private async serveLogs(ns: string, name: string, container: string, q: URLSearchParams, res: ServerResponse): Promise<void> {
    let o;
    try {
      o = parseLogOptions(q);
    } catch (e) {
      if (e instanceof LogOptionsError) return text(res, 400, e.message);
      throw e;
    }
    const uid = this.o.pods().find((p) => p.metadata.namespace === ns && p.metadata.name === name)?.metadata.uid;
    const dir = podLogDirFor(this.o.rootDir, ns, name, uid);
    const file = dir && logFileFor(dir, container, o.previous);
    if (!file) {
      const what = o.previous ? `previous terminated container "${container}" in pod "${name}" not found` : `container "${container}" in pod "${name}" is not available`;
      return text(res, 400, what);
    }
    let limit = o.limitBytes ?? Infinity;
    const write = (s: string): boolean => {
      if (limit <= 0) return false;
      let b = Buffer.from(s);
      if (b.length > limit) b = b.subarray(0, limit);
      limit -= b.length;
      if (b.length) res.write(b);
      return limit > 0;
    };
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Transfer-Encoding': 'chunked' });
    const content = fs.readFileSync(file);
    let offset = content.length;
    if (!write(selectLog(content.toString(), o, Date.now())) || !o.follow || o.previous) return void res.end();
    // Follow: poll the file for appended records until the client goes away or a newer attempt
    // replaces this one (the container restarted).
    let pending = '';
    let done = false;
    const finish = () => {
      done = true;
      clearInterval(timer);
      res.end();
    };
    res.on('close', () => finish());
    const timer = setInterval(() => {
      if (done) return;
      try {
        const size = fs.statSync(file).size;
        if (size > offset) {
          const fd = fs.openSync(file, 'r');
          const buf = Buffer.alloc(size - offset);
          fs.readSync(fd, buf, 0, buf.length, offset);
          fs.closeSync(fd);
          offset = size;
          pending += buf.toString();
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const l of lines) {
            const r = parseLogLine(l);
            if (r && !write(renderRecord(r, o.timestamps))) return finish();
          }
        } else if (logFileFor(dir, container, false) !== file) finish();
      } catch {
        finish();
      }
    }, 200);
  }
}
