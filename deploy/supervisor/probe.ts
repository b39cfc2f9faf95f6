// Readiness probes: a TCP connect (from inside a network namespace when the unit runs in one) or
// a unix-socket connect. A probe never throws: it answers whether the unit is ready.
import * as net from 'node:net';
import { spawn } from 'node:child_process';
import type { Probe } from './unit';

function connects(opts: net.NetConnectOpts, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(opts);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Whether host:port accepts connections, probed from inside the netns at nsPath when given. */
export function tcpOpen(host: string, port: number, nsPath?: string): Promise<boolean> {
  if (!nsPath) return connects({ host, port }, 1000);
  // bash's /dev/tcp: one connect() from inside the namespace without another Node process.
  // --norc and no stdin: bash reads ~/.bashrc when its stdin is a socket (its rsh heuristic).
  return new Promise((resolve) => {
    const child = spawn('nsenter', [`--net=${nsPath}`, '--', 'bash', '--norc', '--noprofile', '-c', `exec 3<>/dev/tcp/${host}/${port}`], {
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

export function unixOpen(file: string): Promise<boolean> {
  return connects({ path: file }, 1000);
}

export function probeOnce(p: Probe): Promise<boolean> {
  return 'unix' in p ? unixOpen(p.unix) : tcpOpen(p.tcp.host, p.tcp.port, p.netns);
}

export async function allReady(probes: Probe[] | undefined): Promise<boolean> {
  for (const p of probes ?? []) if (!(await probeOnce(p))) return false;
  return true;
}
