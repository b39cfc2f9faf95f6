// Starts a containerd for one k8ts node and waits until its CRI answers. The network namespace
// is entered with `nsenter --net` rather than `ip netns exec`: the latter also unshares the mount
// namespace and remounts /sys, which hides /sys/fs/cgroup from containerd and runc.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { CriClient } from '../cri/client';
import { componentLogger } from '../../lib/log';

export class ContainerdStartError extends Error {
  readonly code = 'CONTAINERD_START_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ContainerdStartError';
  }
}

export interface ContainerdHandle {
  pid: number;
  stop(): Promise<void>;
}

export interface StartContainerdOptions {
  configFile: string;
  socket: string;
  logFile: string;
  /** Name of a network namespace (as in `ip netns add <name>`) to run containerd in. */
  netns?: string;
  /** How long to wait for the CRI to answer, ms (default 60000). */
  readyTimeoutMs?: number;
  containerdBinary?: string;
}

/** The argv that runs containerd (pure, for tests). */
export function containerdCommand(o: StartContainerdOptions): string[] {
  const bin = o.containerdBinary ?? 'containerd';
  const base = [bin, '--config', o.configFile];
  return o.netns ? ['nsenter', `--net=/var/run/netns/${o.netns}`, '--', ...base] : base;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startContainerd(o: StartContainerdOptions): Promise<ContainerdHandle> {
  const log = componentLogger('containerd-launcher', { socket: o.socket });
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  fs.mkdirSync(path.dirname(o.socket), { recursive: true });
  const out = fs.openSync(o.logFile, 'a');
  const [cmd, ...args] = containerdCommand(o);
  // PATH must reach containerd-shim-runc-v2 and runc.
  const env = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` };
  const child = spawn(cmd, args, { stdio: ['ignore', out, out], env, detached: false });
  fs.closeSync(out);
  let exited: { code: number | null; signal: string | null } | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  child.once('error', (err) => {
    exited = { code: -1, signal: String(err) };
  });
  if (!child.pid) throw new ContainerdStartError(`cannot spawn ${cmd}`);
  log.info({ pid: child.pid, config: o.configFile, netns: o.netns }, 'containerd spawned');

  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exitPromise;
    clearTimeout(killer);
    log.info({ pid: child.pid }, 'containerd stopped');
  };

  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  let lastErr = 'socket not created';
  while (Date.now() < deadline) {
    if (exited) {
      throw new ContainerdStartError(
        `containerd exited during start-up (code ${exited.code}, signal ${exited.signal}); see ${o.logFile}`,
      );
    }
    if (fs.existsSync(o.socket)) {
      const cri = new CriClient(o.socket);
      try {
        await cri.version(2000);
        cri.close();
        log.info({ pid: child.pid }, 'containerd CRI ready');
        return { pid: child.pid, stop };
      } catch (e) {
        lastErr = (e as Error).message;
      }
      cri.close();
    }
    await sleep(200);
  }
  await stop();
  throw new ContainerdStartError(`containerd CRI did not answer on ${o.socket}: ${lastErr}; see ${o.logFile}`);
}
