// The processes bench:scale adds to the apiserver and the scheduler: the real controller-manager
// and one hollow-node process running N hollow kubelets, each its own process (dist/…/main.js, as
// a cluster runs them) with an admin kubeconfig in the apiserver's temp dir (removed with it); and
// memory figures from /proc: VmHWM is the kernel's own peak RSS, so no sampling can miss a spike.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderKubeconfig } from '../lib/client/kubeconfig';
import type { TestApiserver } from '../test/helpers/apiserver';
import { freePort } from '../test/helpers/etcd';

export interface ComponentProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Throws if the process has exited (with the tail of its log), so a crash fails the bench. */
  check(): void;
  stop(): Promise<void>;
}

function kubeconfigFor(server: TestApiserver, name: string): string {
  const file = path.join(server.dir, `${name}.kubeconfig`);
  fs.writeFileSync(file, renderKubeconfig({ server: `https://127.0.0.1:${server.api.securePort}`, ca: server.certs.ca, cert: server.certs.clientCert, key: server.certs.clientKey, user: 'admin' }));
  return file;
}

/**
 * Spawns `node dist/<entry> --kubeconfig … --apiserver-grpc … <args>` logging to the server's dir
 * and resolves once ready() says so (or throws with the log's tail when it exits or times out).
 */
async function startComponent(server: TestApiserver, name: string, entry: string, args: string[], ready: (log: () => string) => Promise<boolean>, timeoutMs: number): Promise<ComponentProcess> {
  const logFile = path.join(server.dir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const main = path.join(__dirname, '..', entry);
  const child = spawn(process.execPath, [main, '--kubeconfig', kubeconfigFor(server, name), '--apiserver-grpc', `127.0.0.1:${server.api.grpcPort}`, ...args], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tail = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').slice(-2000);
    } catch {
      return '';
    }
  };
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (alive()) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (alive()) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const check = () => {
    if (!alive()) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}): ${tail()}`);
  };
  const deadline = Date.now() + timeoutMs;
  const whole = () => fs.readFileSync(logFile, 'utf8');
  while (!(await ready(whole).catch(() => false))) {
    if (!alive() || Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not start within ${timeoutMs} ms: ${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name, pid: child.pid ?? 0, logFile, check, stop };
}

async function readyz(port: number): Promise<boolean> {
  return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
}

/**
 * The controller-manager with every controller, leader election off. The cluster CIDR is wide
 * enough for one /24 per node at any node count this bench runs (the default /16 holds 256).
 */
export async function startControllerManager(server: TestApiserver, logLevel: string): Promise<ComponentProcess> {
  const healthPort = await freePort();
  const args = ['--leader-elect=false', '--health-port', String(healthPort), '--bind-address', '127.0.0.1', '--cluster-cidr', '10.128.0.0/12', '--log-level', logLevel];
  return startComponent(server, 'controller-manager', 'controller-manager/main.js', args, () => readyz(healthPort), 60_000);
}

/** One hollow-node process with `nodes` kubelets; resolves once it logs that all are registered. */
export async function startHollowNodeProcess(server: TestApiserver, nodes: number, timeoutMs: number): Promise<ComponentProcess> {
  const args = ['--nodes', String(nodes), '--name-prefix', 'hollow-', '--log-level', 'info'];
  // The line is logged at info once every node is registered (hollow-node/hollow-nodes.ts).
  return startComponent(server, 'hollow-node', 'hollow-node/main.js', args, async (log) => log().includes('hollow nodes registered'), timeoutMs);
}

/** Resident memory of a process in MiB from /proc/<pid>/status: now (VmRSS) and its peak (VmHWM). */
export function rssMiB(pid: number): { rss: number; peak: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rss: 0, peak: 0 };
  }
}
