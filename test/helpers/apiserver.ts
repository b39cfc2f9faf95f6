// A whole apiserver for tests and benchmarks: a throwaway etcd, test certificates in a temp dir,
// the real apiserver on free loopback ports, and a gRPC client for it. stop() removes all of it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startApiserver, type RunningApiserver } from '../../apiserver/server';
import { GrpcApiClient } from '../../lib/client/grpc-client';
import { freePort, startEtcd, type TestEtcd } from './etcd';
import { makeTestCerts, type TestCerts } from './certs';

export interface TestApiserver {
  dir: string;
  etcd: TestEtcd;
  certs: TestCerts;
  api: RunningApiserver;
  /** A gRPC client authenticated as admin (system:masters); closed by stop(). */
  client: GrpcApiClient;
  stop(): Promise<void>;
}

export async function startTestApiserver(o: { name: string; logLevel?: string }): Promise<TestApiserver> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `k8ts-${o.name}-`));
  let etcd: TestEtcd | undefined;
  let api: RunningApiserver | undefined;
  try {
    etcd = await startEtcd();
    const certs = await makeTestCerts(dir);
    for (const [f, v] of Object.entries(certs)) fs.writeFileSync(path.join(dir, `${f}.pem`), v);
    api = await startApiserver({
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
    });
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
