// Running one handler (a probe or a preStop hook) against a container: exec through CRI
// ExecSync, httpGet from the kubelet to the pod IP, tcpSocket connect. Each answers ok + output.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Container } from '../../lib/api/types';
import type { CriClient } from '../cri/client';
import { resolvePort, type Handler } from '../pods/spec-types';

export interface HandlerTarget {
  containerId: string;
  container: Container;
  /** Pod IP (node IP for hostNetwork pods): the default host of httpGet and tcpSocket. */
  podIP: string;
}

export interface HandlerOutcome {
  ok: boolean;
  output: string;
}

export async function runHandler(cri: Pick<CriClient, 'execSync'>, h: Handler, t: HandlerTarget, timeoutSec: number): Promise<HandlerOutcome> {
  try {
    if (h.exec) {
      const r = await cri.execSync(t.containerId, h.exec.command ?? [], timeoutSec);
      const output = (r.stdout.toString() + r.stderr.toString()).trim();
      return { ok: r.exitCode === 0, output: output || `command exited with ${r.exitCode}` };
    }
    if (h.httpGet) {
      const port = resolvePort(t.container, h.httpGet.port);
      if (!port) return { ok: false, output: `unknown port ${h.httpGet.port}` };
      return await httpGet(h.httpGet.scheme ?? 'HTTP', h.httpGet.host || t.podIP, port, h.httpGet.path ?? '/', h.httpGet.httpHeaders ?? [], timeoutSec);
    }
    if (h.tcpSocket) {
      const port = resolvePort(t.container, h.tcpSocket.port);
      if (!port) return { ok: false, output: `unknown port ${h.tcpSocket.port}` };
      return await tcpConnect(h.tcpSocket.host || t.podIP, port, timeoutSec);
    }
    return { ok: false, output: 'handler has no action' };
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
}

/** 200–399 is success, as in Kubernetes; redirects are not followed. */
function httpGet(scheme: string, host: string, port: number, path: string, headers: { name: string; value: string }[], timeoutSec: number): Promise<HandlerOutcome> {
  return new Promise((resolve) => {
    const mod = scheme === 'HTTPS' ? https : http;
    const req = mod.get(
      {
        host,
        port,
        path,
        headers: { 'User-Agent': 'kube-probe/1.32', ...Object.fromEntries(headers.map((x) => [x.name, x.value])) },
        timeout: timeoutSec * 1000,
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve({ ok: code >= 200 && code < 400, output: `HTTP probe failed with statuscode: ${code}` });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`Get "${scheme.toLowerCase()}://${host}:${port}${path}": context deadline exceeded`)));
    req.on('error', (e) => resolve({ ok: false, output: e.message }));
  });
}

function tcpConnect(host: string, port: number, timeoutSec: number): Promise<HandlerOutcome> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (o: HandlerOutcome) => {
      sock.destroy();
      resolve(o);
    };
    sock.setTimeout(timeoutSec * 1000, () => done({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` }));
    sock.on('connect', () => done({ ok: true, output: '' }));
    sock.on('error', (e) => done({ ok: false, output: `dial tcp ${host}:${port}: ${e.message}` }));
  });
}
