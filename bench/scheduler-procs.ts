// The processes bench:scheduler measures: the real scheduler as its own process (dist/scheduler/
// main.js, as `up` runs it, so its event loop is not the bench client's), and CPU accounting of
// it, the apiserver and etcd from /proc, since on two shared cores throughput is bounded by the
// sum of what all of them spend.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderKubeconfig } from '../lib/client/kubeconfig';
import type { TestApiserver } from '../test/helpers/apiserver';
import { freePort } from '../test/helpers/etcd';
import { cpuSeconds } from './proc-stats';

async function ready(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
  } catch {
    return false;
  }
}

export interface SchedulerProcess {
  pid: number;
  logFile: string;
  /** Throws if the process has exited (with the tail of its log), so a crash fails the bench. */
  check(): void;
  stop(): Promise<void>;
}

/**
 * Starts the scheduler with an admin kubeconfig in the apiserver's temp dir (removed with it),
 * leader election off, logging at info as a cluster runs it; resolves once its /readyz answers
 * 200 (its informers have synced: the contract a kubelet probe relies on, not a log message).
 */
export async function startSchedulerProcess(server: TestApiserver): Promise<SchedulerProcess> {
  const kubeconfig = path.join(server.dir, 'scheduler.kubeconfig');
  fs.writeFileSync(kubeconfig, renderKubeconfig({ server: `https://127.0.0.1:${server.api.securePort}`, ca: server.certs.ca, cert: server.certs.clientCert, key: server.certs.clientKey, user: 'admin' }));
  const logFile = path.join(server.dir, 'scheduler.log');
  const out = fs.openSync(logFile, 'a');
  const main = path.join(__dirname, '..', 'scheduler', 'main.js');
  const healthPort = await freePort();
  const args = [main, '--kubeconfig', kubeconfig, '--apiserver-grpc', `127.0.0.1:${server.api.grpcPort}`, '--leader-elect=false', '--health-port', String(healthPort), '--bind-address', '127.0.0.1', '--log-level', 'info'];
  // BENCH_SCHED_NODE_ARGS: extra node flags for the scheduler process (e.g. --cpu-prof to profile it).
  const nodeArgs = (process.env.BENCH_SCHED_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tail = () => fs.readFileSync(logFile, 'utf8').slice(-2000);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const check = () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the scheduler exited (${child.exitCode ?? child.signalCode}): ${tail()}`);
  };
  const deadline = Date.now() + 30_000;
  while (!(await ready(healthPort))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the scheduler did not start: ${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid ?? 0, logFile, check, stop };
}

export interface CpuMeter {
  /** CPU seconds each process spent since the meter was made. */
  read(): { scheduler: number; apiserver: number; etcd: number; bench: number };
}

export function cpuMeter(pids: { scheduler: number; apiserver: number; etcd: number }): CpuMeter {
  const s0 = cpuSeconds(pids.scheduler);
  const a0 = cpuSeconds(pids.apiserver);
  const e0 = cpuSeconds(pids.etcd);
  const self0 = process.cpuUsage();
  const r = (n: number) => Math.round(n * 10) / 10;
  return {
    read: () => {
      const self = process.cpuUsage(self0);
      return {
        scheduler: r(cpuSeconds(pids.scheduler) - s0),
        apiserver: r(cpuSeconds(pids.apiserver) - a0),
        etcd: r(cpuSeconds(pids.etcd) - e0),
        bench: r((self.user + self.system) / 1e6),
      };
    },
  };
}
