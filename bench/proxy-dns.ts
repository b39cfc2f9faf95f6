// bench:proxy's DNS phase: the cluster DNS server answering A queries for a ClusterIP Service among
// 1,000, next to a trivial UDP responder (one canned answer, the query's ID copied in) measured by
// the same load generator in the same run. The generator (bench/dns-load.ts) is its own process,
// as a pod would be; both servers run in this process's otherwise idle event loop, so the ratio
// compares the server's work per query and nothing else.
import { execFile } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Resources } from '../lib/api/resources';
import type { Service } from '../lib/api/types';
import { DNS_FLAGS, dnsConfigFromFlags } from '../dns/config';
import { startDns } from '../dns/start';
import { emptyHeader, encodeMessage, RRClass, RRType, type DnsMessage } from '../dns/wire';
import { startTestApiserver } from '../test/helpers/apiserver';
import type { LoadResult } from './dns-load';

const run = promisify(execFile);

export interface DnsBenchResult {
  services: number;
  queries: number;
  concurrency: number;
  dns: LoadResult;
  trivial: LoadResult;
  /** dns.qps / trivial.qps (goal ≥ 0.5). */
  qpsRatio: number;
}

/** The trivial responder: every datagram gets the same A answer back with the query's ID. */
function startTrivialResponder(name: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const canned: DnsMessage = {
    header: { ...emptyHeader(0), qr: true, aa: true, rd: true },
    questions: [{ name, type: RRType.A, class: RRClass.IN }],
    answers: [{ name, type: RRType.A, class: RRClass.IN, ttl: 30, data: { kind: 'A', address: '10.96.0.77' } }],
    authority: [],
    additional: [],
  };
  const reply = encodeMessage(canned);
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 2) return;
    const out = Buffer.from(reply);
    msg.copy(out, 0, 0, 2);
    socket.send(out, rinfo.port, rinfo.address);
  });
  return new Promise((resolve) => {
    socket.bind(0, '127.0.0.1', () =>
      resolve({ port: socket.address().port, stop: () => new Promise<void>((r) => socket.close(() => r())) }),
    );
  });
}

async function load(port: number, name: string, count: number, concurrency: number): Promise<LoadResult> {
  const script = path.join(__dirname, 'dns-load.js');
  const { stdout } = await run(process.execPath, [script, '127.0.0.1', String(port), name, String(count), String(concurrency)]);
  return JSON.parse(stdout.trim()) as LoadResult;
}

export async function benchDns(o: { services: number; queries: number; concurrency: number }): Promise<DnsBenchResult> {
  const api = await startTestApiserver({ name: 'bench-proxy-dns' });
  try {
    const c = api.client;
    const ips = Array.from({ length: o.services }, (_, i) => `10.96.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`);
    for (let i = 0; i < o.services; i += 50) {
      await Promise.all(
        ips.slice(i, i + 50).map((ip, j) =>
          c.create<Service>(Resources.services, {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { namespace: 'default', name: `svc-${i + j}` },
            spec: { type: 'ClusterIP', clusterIP: ip, ports: [{ name: 'http', protocol: 'TCP', port: 80 }] },
          } as Service),
        ),
      );
    }
    const config = dnsConfigFromFlags({ ...DNS_FLAGS, kubeconfig: 'unused: the bench passes a client', bindAddress: '127.0.0.1', port: 0, upstream: 'none', healthPort: 0, metricsPort: 0 });
    const dns = await startDns(config, { client: c });
    const trivial = await startTrivialResponder('svc-500.default.svc.cluster.local');
    try {
      const name = `svc-${Math.floor(o.services / 2)}.default.svc.cluster.local`;
      // warm both (JIT, caches), then measure
      await load(dns.port, name, 2000, o.concurrency);
      await load(trivial.port, name, 2000, o.concurrency);
      const dnsResult = await load(dns.port, name, o.queries, o.concurrency);
      const trivialResult = await load(trivial.port, name, o.queries, o.concurrency);
      return {
        services: o.services,
        queries: o.queries,
        concurrency: o.concurrency,
        dns: dnsResult,
        trivial: trivialResult,
        qpsRatio: +(dnsResult.qps / Math.max(1, trivialResult.qps)).toFixed(3),
      };
    } finally {
      await trivial.stop();
      await dns.stop();
    }
  } finally {
    await api.stop();
  }
}

if (require.main === module) {
  benchDns({ services: Number(process.env.BENCH_DNS_SERVICES ?? 1000), queries: Number(process.env.BENCH_DNS_QUERIES ?? 20000), concurrency: 16 })
    .then((r) => console.log(JSON.stringify(r)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
