// A local image registry: Debian's docker-registry (distribution 2.8) on loopback, with its own
// config and storage dir, for `k8ts image build --push` and CRI PullImage. Plain HTTP on loopback
// only; containerd is told to use http for this host (kubelet/containerd/config.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { componentLogger } from '../../lib/log';

export interface RegistryOptions {
  /** Storage and config live here. */
  dir: string;
  /** Listen address; loopback only. */
  host?: string;
  port?: number;
  binary?: string;
  /** Run inside this named network namespace (its loopback), as tests and netns clusters do. */
  netns?: string;
}

export class RegistryStartError extends Error {
  readonly code = 'REGISTRY_START_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'RegistryStartError';
  }
}

/** Pure: the registry's YAML config (deletes allowed so tests and GC can clean up). */
export function renderRegistryConfig(o: { storageDir: string; addr: string }): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(o.storageDir)}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${JSON.stringify(o.addr)}`,
    'health:',
    '  storagedriver:',
    '    enabled: false',
    '',
  ].join('\n');
}

export interface RunningRegistry {
  /** host:port, the image name prefix ("127.0.0.1:5000/app:1"). */
  address: string;
  stop(): Promise<void>;
}

const log = componentLogger('registry');

function pingInNetns(netns: string, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = spawn('nsenter', [`--net=/run/netns/${netns}`, 'curl', '-sf', '-o', '/dev/null', '--max-time', '1', `http://${address}/v2/`], { stdio: 'ignore' });
    c.once('exit', (code) => resolve(code === 0));
    c.once('error', () => resolve(false));
  });
}

function ping(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`http://${address}/v2/`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

export async function startRegistry(o: RegistryOptions): Promise<RunningRegistry> {
  const host = o.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') throw new RegistryStartError(`registry must listen on loopback, got ${host}`);
  const address = `${host}:${o.port ?? 5000}`;
  const storageDir = path.join(o.dir, 'storage');
  fs.mkdirSync(storageDir, { recursive: true });
  const configFile = path.join(o.dir, 'config.yml');
  fs.writeFileSync(configFile, renderRegistryConfig({ storageDir, addr: address }));
  const logFile = fs.openSync(path.join(o.dir, 'registry.log'), 'a');
  const argv = [o.binary ?? 'docker-registry', 'serve', configFile];
  if (o.netns) argv.unshift('nsenter', `--net=/run/netns/${o.netns}`);
  const child: ChildProcess = spawn(argv[0], argv.slice(1), { stdio: ['ignore', logFile, logFile] });
  fs.closeSync(logFile);
  let exited: number | null | undefined;
  const exit = new Promise<void>((r) => child.once('exit', (code) => ((exited = code), r())));
  child.once('error', () => undefined);
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(t);
    }
  };
  for (let i = 0; i < 100; i++) {
    if (exited !== undefined) break;
    if (await (o.netns ? pingInNetns(o.netns, address) : ping(address))) {
      log.info({ address, dir: o.dir }, 'registry started');
      return { address, stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  const tail = fs.readFileSync(path.join(o.dir, 'registry.log'), 'utf8').split('\n').slice(-5).join('\n');
  throw new RegistryStartError(`registry on ${address} did not answer: ${tail}`);
}
