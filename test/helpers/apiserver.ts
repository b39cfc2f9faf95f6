// A whole apiserver for tests and benchmarks: a throwaway etcd, test certificates in a temp dir,
// the real apiserver on free loopback ports, and a gRPC client for it. stop() removes all of it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ApiserverConfig } from '../../apiserver/config';
import { startApiserver } from '../../apiserver/server';
import { GrpcApiClient } from '../../lib/client/grpc-client';
import { freePort, startEtcd, type TestEtcd } from './etcd';
import { makeTestCerts, type TestCerts } from './certs';

export interface TestApiserver {
  dir: string;
  etcd: TestEtcd;
  certs: TestCerts;
  api: { securePort: number; grpcPort: number; stop(): Promise<void> };
  /** A gRPC client authenticated as admin (system:masters); closed by stop(). */
  client: GrpcApiClient;
  stop(): Promise<void>;
}

export interface TestApiserverOptions {
  name: string;
  logLevel?: string;
  /**
   * Run the apiserver as its own process (dist/apiserver/main.js), as a real cluster does, rather
   * than in the caller's event loop: benchmarks use this so the client's work is not charged to it.
   */
  ownProcess?: boolean;
  /** Flags beyond the defaults (e.g. defaultUnreachableTolerationSeconds). */
  config?: Partial<ApiserverConfig>;
}

export async function startTestApiserver(o: TestApiserverOptions): Promise<TestApiserver> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `k8ts-${o.name}-`));
  let etcd: TestEtcd | undefined;
  let api: TestApiserver['api'] | undefined;
  try {
    etcd = await startEtcd();
    const certs = await makeTestCerts(dir);
    for (const [f, v] of Object.entries(certs)) fs.writeFileSync(path.join(dir, `${f}.pem`), v);
    const config: ApiserverConfig = {
      etcdServers: [etcd.endpoint],
      etcdPrefix: '/registry',
      bindAddress: '127.0.0.1',
      // bootstrap publishes the secure port in the kubernetes Endpoints, so take a real one
      securePort: await freePort(),
      grpcPort: await freePort(),
      advertiseAddress: '127.0.0.1',
      tlsCertFile: path.join(dir, 'serverCert.pem'),
      tlsPrivateKeyFile: path.join(dir, 'serverKey.pem'),
      clientCaFile: path.join(dir, 'ca.pem'),
      serviceClusterIpRange: '10.96.0.0/16',
      serviceNodePortRange: '30000-32767',
      logLevel: o.logLevel ?? 'error',
      ...o.config,
    };
    api = o.ownProcess ? await startApiserverProcess(config, dir) : await startApiserver(config);
    const client = new GrpcApiClient({
      address: `127.0.0.1:${api.grpcPort}`,
      ca: Buffer.from(certs.ca),
      cert: Buffer.from(certs.clientCert),
      key: Buffer.from(certs.clientKey),
    });
    const running = { etcd, api };
    return {
      dir,
      etcd,
      certs,
      api,
      client,
      stop: async () => {
        client.close();
        await running.api.stop();
        await running.etcd.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await api?.stop();
    await etcd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The flags that give main.js the same config (the inverse of parseApiserverConfig). */
function configFlags(c: ApiserverConfig): string[] {
  const flag = (k: string) => `--${k.replace(/[A-Z]/g, (ch) => '-' + ch.toLowerCase())}`;
  const out: string[] = [];
  for (const [k, v] of Object.entries(c)) if (v !== undefined && v !== '') out.push(flag(k), Array.isArray(v) ? v.join(',') : String(v));
  return out;
}

/** Spawns dist/apiserver/main.js and resolves once it logs that it is ready (its output goes to dir). */
async function startApiserverProcess(c: ApiserverConfig, dir: string): Promise<TestApiserver['api']> {
  const main = path.join(__dirname, '..', '..', 'apiserver', 'main.js');
  const logFile = path.join(dir, 'apiserver.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...(process.env.K8TS_APISERVER_NODE_ARGS ?? "").split(" ").filter(Boolean), main, ...configFlags({ ...c, logLevel: 'info' })], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!fs.readFileSync(logFile, 'utf8').includes('apiserver ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`apiserver process did not start: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    securePort: c.securePort,
    grpcPort: c.grpcPort,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
