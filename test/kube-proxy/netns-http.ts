// What the kube-proxy suites share to send traffic inside the network namespaces they create: an
// HTTP GET with busybox nc (busybox's static wget crashes resolving here), polling until the
// kernel's rules let something through, and a free loopback port for in-process servers.
import { execFileSync } from 'node:child_process';
import * as net from 'node:net';

export const sh = (args: string[], input?: string): string => execFileSync(args[0], args.slice(1), { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

/** GET / from inside `netns`: whether an HTTP answer with a body came back, and the body (or the error text). */
export function fetchVia(netns: string, host: string, port: number): { ok: boolean; out: string } {
  try {
    const res = sh(['nsenter', `--net=/run/netns/${netns}`, '--', 'busybox', 'nc', '-w', '3', host, String(port)], 'GET / HTTP/1.0\r\n\r\n');
    const body = res.split('\r\n\r\n').slice(1).join('\r\n\r\n');
    return { ok: res.startsWith('HTTP/1.') && body.length > 0, out: body };
  } catch (err) {
    return { ok: false, out: String((err as { stderr?: string }).stderr ?? err) };
  }
}

/** Polls fn every 100 ms until it returns something truthy; fails naming `what` (and the last error). */
export async function eventually<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, attempts = 100): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
