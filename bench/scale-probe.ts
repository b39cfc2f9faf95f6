// bench:scale's probe client: a steady mix of API calls while the cluster fills, each timed from
// this side (what a user of the API waits for, queueing in the client included). One loop per
// class, each call after the one before returned and on a fixed schedule (a slow call delays the
// next, calls do not pile up): mutating (ConfigMap create → update → delete in turn), single-object
// GETs (a pod and a node in turn), LISTs of pods in one namespace and across the cluster.
import { Resources } from '../lib/api/resources';
import type { KObject } from '../lib/api/types';
import type { ApiClient } from '../lib/client/api-client';
import { percentile } from './scheduler-stats';

export type ProbeClass = 'mutating' | 'get' | 'list_namespace' | 'list_cluster';

export interface ProbeRates {
  /** Calls per second of each class. */
  mutating: number;
  get: number;
  list_namespace: number;
  list_cluster: number;
}

export interface ProbeTargets {
  /** The namespace the ConfigMaps are written in (exists already). */
  namespace: string;
  /** A pod to GET, or undefined while there is none. */
  pod(): { namespace: string; name: string } | undefined;
  node(): string;
  /** The namespace whose pods are listed. */
  listNamespace(): string;
}

export interface ProbeClassReport {
  count: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

export interface Probe {
  stop(): Promise<Record<ProbeClass, ProbeClassReport>>;
}

/** Latencies (ms) → the class's figures; pure, so it is table-tested. */
export function summarize(ms: number[], errors: number): ProbeClassReport {
  const s = [...ms].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n);
  return { count: s.length, errors, p50_ms: r(percentile(s, 50)), p99_ms: r(percentile(s, 99)), max_ms: r(s[s.length - 1] ?? 0) };
}

export function startProbe(client: ApiClient, t: ProbeTargets, rates: ProbeRates): Probe {
  let stopped = false;
  const results = {} as Record<ProbeClass, { ms: number[]; errors: number }>;
  let wake: () => void = () => undefined;
  const stopSignal = new Promise<void>((r) => (wake = r));

  const loop = async (cls: ProbeClass, op: (i: number) => Promise<boolean>) => {
    const res = (results[cls] = { ms: [] as number[], errors: 0 });
    const rate = rates[cls];
    if (!(rate > 0)) return;
    const t0 = performance.now();
    for (let i = 0; !stopped; i++) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      if (wait > 0) await Promise.race([stopSignal, new Promise((r) => setTimeout(r, wait))]);
      if (stopped) break;
      const start = performance.now();
      try {
        // false: nothing to call yet (no pod to read): not a sample.
        if (await op(i)) res.ms.push(performance.now() - start);
      } catch {
        res.errors++;
      }
    }
  };

  const cm = (i: number, rev: number): KObject =>
    ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `probe-${Math.floor(i / 3)}`, namespace: t.namespace, labels: { 'k8ts-bench': 'scale-probe' } }, data: { payload: 'x'.repeat(1024), rev: String(rev) } }) as unknown as KObject;
  const loops = [
    loop('mutating', async (i) => {
      const name = `probe-${Math.floor(i / 3)}`;
      if (i % 3 === 0) await client.create(Resources.configmaps, cm(i, 0));
      else if (i % 3 === 1) await client.update(Resources.configmaps, cm(i, 1));
      else await client.delete(Resources.configmaps, t.namespace, name);
      return true;
    }),
    loop('get', async (i) => {
      const pod = i % 2 === 0 ? t.pod() : undefined;
      if (pod) await client.get(Resources.pods, pod.namespace, pod.name);
      else await client.get(Resources.nodes, undefined, t.node());
      return true;
    }),
    loop('list_namespace', async () => {
      await client.list(Resources.pods, t.listNamespace());
      return true;
    }),
    loop('list_cluster', async () => {
      await client.list(Resources.pods);
      return true;
    }),
  ];
  return {
    stop: async () => {
      stopped = true;
      wake();
      await Promise.all(loops);
      const out = {} as Record<ProbeClass, ProbeClassReport>;
      for (const [cls, r] of Object.entries(results)) out[cls as ProbeClass] = summarize(r.ms, r.errors);
      return out;
    },
  };
}
