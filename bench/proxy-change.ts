// bench:proxy's change phase: a real etcd + apiserver (its own process) holding the 1,000
// Services and their EndpointSlices, a real kube-proxy started in-process on a network namespace
// of its own, and N EndpointSlice updates one after another, each adding a new endpoint address.
// Each is timed from the update call to the return of the first rules transaction
// (iptables-restore / nft -f) whose payload holds the new address: the rule is in the kernel.
// The updates come at a steady pace (default one every 250 ms) rather than one per sync.
import { Resources } from '../lib/api/resources';
import type { EndpointSlice } from '../lib/api/endpoint-slice';
import type { Service } from '../lib/api/types';
import { parseKubeProxyConfig } from '../kube-proxy/config';
import { localRunner } from '../kube-proxy/exec';
import { startKubeProxy } from '../kube-proxy/start';
import type { TestApiserver } from '../test/helpers/apiserver';
import { percentile } from './dns-load';
import { PayloadWatch } from './payload-watch';
import { addedEndpointIP, benchService, benchSlice, endpointIP, withEndpoint } from './proxy-fixtures';
import { BENCH_NODE_IP, withNetns } from './proxy-sync';

export interface ChangeFigures {
  mode: string;
  minSyncPeriod: string;
  updates: number;
  paceMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Single changes on a quiet proxy, one landing before the next. */
  singles: number;
  singleP50Ms: number;
  singleMaxMs: number;
  transactions: number;
}

/** Loads the apiserver with the Services and slices; returns the slices as stored (with resourceVersions). */
export async function loadState(api: TestApiserver, services: number, perService: number): Promise<EndpointSlice[]> {
  const c = api.client;
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < services; i += 50) {
    const ids = Array.from({ length: Math.min(50, services - i) }, (_, j) => i + j);
    await Promise.all(ids.map((k) => c.create<Service>(Resources.services, benchService(k))));
    slices.push(...(await Promise.all(ids.map((k) => c.create<EndpointSlice>(Resources.endpointslices, benchSlice(k, perService))))));
  }
  return slices;
}

const TIMEOUT_MS = 120_000;

/**
 * Runs `updates` changes, one every paceMs, against a kube-proxy of the given mode and sync period. `slices` is the
 * stored state, updated in place; `added` numbers the new addresses across calls so each run adds
 * addresses no earlier run used.
 */
export async function benchChange(o: {
  api: TestApiserver;
  slices: EndpointSlice[];
  mode: 'iptables' | 'nftables';
  minSyncPeriod: string;
  updates: number;
  /** Time between two updates. */
  paceMs: number;
  /** Single changes after the stream, each waiting for the previous one to land. */
  singles: number;
  added: { next: number };
  services: number;
  perService: number;
}): Promise<ChangeFigures> {
  return withNetns(async (netns) => {
    const watch = new PayloadWatch(localRunner({ netns }));
    const config = {
      ...parseKubeProxyConfig([
        '--kubeconfig=/unused: the bench passes its client',
        '--node-name=bench-node',
        `--node-ip=${BENCH_NODE_IP}`,
        `--proxy-mode=${o.mode}`,
        `--min-sync-period=${o.minSyncPeriod}`,
        '--sync-period=30s',
        '--healthz-port=0',
        '--metrics-port=0',
        '--health-check-bind-address=127.0.0.1',
      ]),
      netns,
    };
    // the first full sync holds the last fixture endpoint: from then on the proxy is in step
    const synced = watch.next(endpointIP(o.services * o.perService - 1));
    const proxy = await startKubeProxy(config, { client: o.api.client, runner: watch.runner });
    try {
      await withTimeout(synced, 'first sync');
      await new Promise((r) => setTimeout(r, 2000));
      // A paced stream of changes, as a busy cluster makes them: an update every paceMs, each to
      // another slice, none waiting for the previous one to land. One after another with a wait
      // would cost updates × a whole sync (seconds at this size) and measure no stream.
      const landed: Promise<number>[] = [];
      for (let n = 0; n < o.updates; n++) {
        const i = n % o.slices.length;
        const ip = addedEndpointIP(o.added.next++);
        const applied = watch.next(ip);
        const t0 = performance.now();
        o.slices[i] = await o.api.client.update<EndpointSlice>(Resources.endpointslices, withEndpoint(o.slices[i], ip));
        landed.push(withTimeout(applied, `rule for ${ip}`).then((t) => t - t0));
        await new Promise((r) => setTimeout(r, o.paceMs));
      }
      const latencies = await Promise.all(landed);
      // Then single changes on a quiet proxy, each landing before the next: the floor of the
      // stream's figures (one min-sync-period wait at most, plus one sync), without queueing.
      await new Promise((r) => setTimeout(r, 2000));
      const singles: number[] = [];
      for (let n = 0; n < o.singles; n++) {
        const i = (o.updates + n) % o.slices.length;
        const ip = addedEndpointIP(o.added.next++);
        const applied = watch.next(ip);
        const t0 = performance.now();
        o.slices[i] = await o.api.client.update<EndpointSlice>(Resources.endpointslices, withEndpoint(o.slices[i], ip));
        singles.push((await withTimeout(applied, `rule for ${ip}`)) - t0);
        await new Promise((r) => setTimeout(r, 1000));
      }
      singles.sort((a, b) => a - b);
      latencies.sort((a, b) => a - b);
      return {
        mode: o.mode,
        minSyncPeriod: o.minSyncPeriod,
        updates: o.updates,
        paceMs: o.paceMs,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        maxMs: +latencies[latencies.length - 1].toFixed(3),
        singles: o.singles,
        singleP50Ms: percentile(singles, 50),
        singleMaxMs: singles.length ? +singles[singles.length - 1].toFixed(3) : 0,
        transactions: watch.transactions,
      };
    } finally {
      await proxy.stop();
    }
  });
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`bench:proxy: no transaction with ${what} within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS))),
  ]);
}
