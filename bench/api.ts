// `npm run bench:api`: the apiserver's own figures next to raw etcd, measured in one run on one
// etcd through the same etcd3 client library. Prints one JSON line: create throughput and p50/p99
// at 50 concurrent gRPC clients (and through REST), get and list, watch fan-out (one change
// reaching 100 watchers), raw etcd put/get throughput, and the ratios against the goals.
// The apiserver runs as its own process, as in a cluster, and each phase also reports the CPU
// time per operation that the bench client, the apiserver and etcd spent: on a 2-core machine
// throughput is bounded by their sum, which is what the ratios have to be read against.
import * as https from 'node:https';
import * as os from 'node:os';
import { startTestApiserver } from '../test/helpers/apiserver';
import { Etcd3 } from 'etcd3';
import { Resources } from '../lib/api/resources';
import type { KObject } from '../lib/api/types';
import { cpuSeconds, findPid } from './proc-stats';

const CONCURRENCY = 50;
const N = Number(process.env.BENCH_API_N ?? 2000);
const WATCHERS = 100;

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2);
}

const pids = { apiserver: 0, etcd: 0 };

/** Runs n operations with `concurrency` in flight; throughput (ops/s), latency percentiles (ms) and CPU µs per op by process. */
async function drive(n: number, concurrency: number, op: (i: number) => Promise<unknown>) {
  const self0 = process.cpuUsage();
  const api0 = cpuSeconds(pids.apiserver);
  const etcd0 = cpuSeconds(pids.etcd);
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await op(i);
        lat.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const self = process.cpuUsage(self0);
  const perOp = (s: number) => Math.round((s * 1e6) / n);
  const cpuUsPerOp = {
    client: perOp((self.user + self.system) / 1e6),
    apiserver: pids.apiserver ? perOp(cpuSeconds(pids.apiserver) - api0) : 0,
    etcd: pids.etcd ? perOp(cpuSeconds(pids.etcd) - etcd0) : 0,
  };
  return { opsPerSec: Math.round(n / secs), p50Ms: pct(lat, 50), p99Ms: pct(lat, 99), cpuUsPerOp };
}

const cm = (name: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: 'v'.repeat(200) } }) as KObject;

function restPost(agent: https.Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/namespaces/default/configmaps', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve(201) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const server = await startTestApiserver({ name: 'bench-api', logLevel: 'warn', ownProcess: true });
  const { etcd, api, certs, client } = server;
  pids.apiserver = findPid('apiserver/main.js', `--grpc-port ${api.grpcPort}`);
  pids.etcd = findPid('etcd', etcd.dataDir);
  const cleanups: (() => Promise<void> | void)[] = [() => server.stop()];
  try {
    const raw = new Etcd3({ hosts: etcd.endpoint });
    cleanups.unshift(() => raw.close());
    const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, servername: 'localhost' });
    cleanups.unshift(() => agent.destroy());

    const value = JSON.stringify(cm('x'));
    // Warm the etcd client (connection, JIT) first, so the raw baseline is not charged for a cold start.
    await drive(200, CONCURRENCY, (i) => raw.put(`/bench/warm/${i}`).value(value).exec());
    const etcdPut = await drive(N, CONCURRENCY, (i) => raw.put(`/bench/raw/${i}`).value(value).exec());
    const etcdGet = await drive(N, CONCURRENCY, (i) => raw.get(`/bench/raw/${i}`).exec());
    // The apiserver is warmed the same way (connections, JIT) before its figures are taken.
    await drive(500, CONCURRENCY, (i) => client.create(Resources.configmaps, cm(`warm-${i}`)));
    const create = await drive(N, CONCURRENCY, (i) => client.create(Resources.configmaps, cm(`grpc-${i}`)));
    // Latency without queueing: one client at a time, for etcd and for the apiserver.
    const etcdPutSerial = await drive(N / 4, 1, (i) => raw.put(`/bench/serial/${i}`).value(value).exec());
    const createSerial = await drive(N / 4, 1, (i) => client.create(Resources.configmaps, cm(`serial-${i}`)));
    // REST clients keep their TLS connections: open them (50 handshakes) before timing.
    await drive(200, CONCURRENCY, (i) => restPost(agent, api.securePort, JSON.stringify(cm(`rest-warm-${i}`))));
    const restCreate = await drive(Math.floor(N / 2), CONCURRENCY, (i) => restPost(agent, api.securePort, JSON.stringify(cm(`rest-${i}`))));
    const get = await drive(N, CONCURRENCY, (i) => client.get(Resources.configmaps, 'default', `grpc-${i}`));
    const list = await drive(20, 4, () => client.list(Resources.configmaps, 'default'));

    // Fan-out: 100 watchers, then changes; latency from the write's start to each delivery.
    const sent = new Map<string, number>();
    const delivery: number[] = [];
    const handles = Array.from({ length: WATCHERS }, () =>
      client.watch(Resources.configmaps, 'default', { labelSelector: 'fan=yes' }, {
        onEvent: (ev) => {
          const t = sent.get((ev.object as KObject).metadata?.name ?? '');
          if (t !== undefined) delivery.push(performance.now() - t);
        },
        onClose: () => undefined,
      }),
    );
    await new Promise((r) => setTimeout(r, 1000)); // every watch established
    const changes = 10;
    for (let i = 0; i < changes; i++) {
      const name = `fan-${i}`;
      sent.set(name, performance.now());
      await client.create(Resources.configmaps, { ...cm(name), metadata: { name, namespace: 'default', labels: { fan: 'yes' } } } as KObject);
      const deadline = Date.now() + 5000;
      while (delivery.length < (i + 1) * WATCHERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    }
    for (const h of handles) h.stop();
    delivery.sort((a, b) => a - b);
    const fanout = { watchers: WATCHERS, changes, delivered: delivery.length, p50Ms: pct(delivery, 50), p99Ms: pct(delivery, 99) };

    const ratio = +(create.opsPerSec / etcdPut.opsPerSec).toFixed(2);
    process.stdout.write(
      JSON.stringify({
        bench: 'api', n: N, concurrency: CONCURRENCY,
        cores: os.cpus().length,
        etcd: { put: etcdPut, get: etcdGet, putOneClient: etcdPutSerial },
        create, createOneClient: createSerial, restCreate, get, list: { ...list, items: 700 + N + N / 4 + Math.floor(N / 2) },
        watchFanout: fanout,
        ratios: { createVsEtcdPut: ratio, getVsEtcdGet: +(get.opsPerSec / etcdGet.opsPerSec).toFixed(2) },
        goals: { createThroughput: ratio >= 0.7, createP99: create.p99Ms < 25, createP99OneClient: createSerial.p99Ms < 25, fanoutP99: fanout.p99Ms < 50 },
      }) + '\n',
    );
  } finally {
    for (const c of cleanups) await Promise.resolve().then(c).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench:api failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
