// What bench:scale creates and watches: its config from the environment, the Deployments spread
// over a few namespaces, and a tracker of their pods (one informer on the bench's label) that
// counts them created, bound and Running+Ready and notes when each became ready.
import { Resources } from '../lib/api/resources';
import type { KObject, Pod } from '../lib/api/types';
import { isPodReady } from '../lib/api/pod-conditions';
import type { ApiClient } from '../lib/client/api-client';
import { Informer } from '../lib/client/informer';
import { isAlreadyExists } from '../lib/errors';
import { forEachLimited } from '../hollow-node/hollow-nodes';

export const BENCH_LABEL = 'k8ts-bench';
export const BENCH_VALUE = 'scale';

export interface ScaleConfig {
  nodes: number;
  podsPerNode: number;
  deployments: number;
  namespaces: number;
  /** Per Deployment: ⌈nodes × podsPerNode / deployments⌉. */
  replicas: number;
  /** From the first Deployment created to the deadline at which what was reached is reported. */
  timeoutSec: number;
  registerTimeoutSec: number;
  rawConcurrency: number;
  probe: { mutating: number; get: number; list_namespace: number; list_cluster: number };
  logLevel: string;
  smoke: boolean;
}

function num(env: NodeJS.ProcessEnv, key: string, def: number, min: number, integer = true): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new Error(`${key} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, not ${JSON.stringify(raw)}`);
  return n;
}

/**
 * The run's config. BENCH_SCALE_SMOKE=1 changes the defaults to a run of seconds (20 nodes, 2
 * pods each); every BENCH_SCALE_* variable still wins over either set of defaults.
 */
export function scaleConfig(env: NodeJS.ProcessEnv = process.env): ScaleConfig {
  const smoke = env.BENCH_SCALE_SMOKE === '1';
  const nodes = num(env, 'BENCH_SCALE_NODES', smoke ? 20 : 1000, 1);
  const podsPerNode = num(env, 'BENCH_SCALE_PODS_PER_NODE', smoke ? 2 : 30, 0);
  const deployments = num(env, 'BENCH_SCALE_DEPLOYMENTS', smoke ? 4 : 100, 1);
  const namespaces = Math.min(deployments, num(env, 'BENCH_SCALE_NAMESPACES', smoke ? 2 : 10, 1));
  const q = (k: string, def: number) => num(env, `BENCH_SCALE_PROBE_${k}_QPS`, def, 0, false);
  return {
    nodes,
    podsPerNode,
    deployments,
    namespaces,
    replicas: Math.ceil((nodes * podsPerNode) / deployments),
    timeoutSec: num(env, 'BENCH_SCALE_TIMEOUT_S', smoke ? 120 : 420, 1),
    registerTimeoutSec: num(env, 'BENCH_SCALE_REGISTER_TIMEOUT_S', 180, 1),
    rawConcurrency: num(env, 'BENCH_SCALE_RAW_CONCURRENCY', 20, 1),
    probe: { mutating: q('MUTATING', 3), get: q('GET', 3), list_namespace: q('LIST_NAMESPACE', 0.5), list_cluster: q('LIST_CLUSTER', 0.1) },
    logLevel: env.BENCH_SCALE_LOG_LEVEL || 'info',
    smoke,
  };
}

/** Deployment i's namespace: scale-0 … scale-<namespaces-1>, round robin. */
export const namespaceOf = (deployment: number, namespaces: number) => `scale-${deployment % namespaces}`;

/** Deployment i: small requests (so NodeResourcesFit has something to count), one pause container. */
export function benchDeployment(i: number, namespace: string, replicas: number): KObject {
  const app = `scale-${i}`;
  const requests = { cpu: '10m', memory: '16Mi' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, namespace, labels: { [BENCH_LABEL]: BENCH_VALUE } },
    spec: {
      replicas,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app, [BENCH_LABEL]: BENCH_VALUE } },
        spec: { containers: [{ name: 'pause', image: 'k8ts/pause:1.0', resources: { requests, limits: requests } }] },
      },
    },
  } as unknown as KObject;
}

export async function createNamespaces(client: ApiClient, names: string[]): Promise<void> {
  for (const name of names) {
    await client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KObject).catch((e: unknown) => {
      if (!isAlreadyExists(e)) throw e;
    });
  }
}

/** Creates every Deployment (10 in flight); resolves with performance.now() of the first create. */
export async function createDeployments(client: ApiClient, cfg: ScaleConfig): Promise<number> {
  const t0 = performance.now();
  const idx = Array.from({ length: cfg.deployments }, (_, i) => i);
  await forEachLimited(idx, 10, async (i) => {
    await client.create(Resources.deployments, benchDeployment(i, namespaceOf(i, cfg.namespaces), cfg.replicas));
  });
  return t0;
}

export interface PodCounts {
  created: number;
  bound: number;
  ready: number;
}

/**
 * The bench's pods as an informer sees them. A pod counts as ready once it is Running with its
 * Ready condition True; each pod's first such moment is noted (performance.now()).
 */
export class PodTracker {
  private readonly informer: Informer<Pod>;
  private readonly state = new Map<string, { bound: boolean; ready: boolean }>();
  readonly readyAtMs: number[] = [];
  private readonly counts: PodCounts = { created: 0, bound: 0, ready: 0 };
  private keys: string[] = [];

  constructor(client: ApiClient) {
    this.informer = new Informer<Pod>(client, Resources.pods, { name: 'bench-scale-pods', component: 'bench', labelSelector: `${BENCH_LABEL}=${BENCH_VALUE}` });
    const seen = (p: Pod) => {
      const key = `${p.metadata.namespace}/${p.metadata.name}`;
      let s = this.state.get(key);
      if (!s) {
        this.state.set(key, (s = { bound: false, ready: false }));
        this.counts.created++;
        this.keys.push(key);
      }
      if (!s.bound && p.spec.nodeName) {
        s.bound = true;
        this.counts.bound++;
      }
      if (!s.ready && p.status?.phase === 'Running' && isPodReady(p)) {
        s.ready = true;
        this.counts.ready++;
        this.readyAtMs.push(performance.now());
      }
    };
    this.informer.addHandler({ onAdd: seen, onUpdate: (_, p) => seen(p) });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): void {
    this.informer.stop();
  }

  get(): PodCounts {
    return { ...this.counts };
  }

  /** A pod seen so far, picked at random (for the probe's GETs). */
  anyPod(): { namespace: string; name: string } | undefined {
    if (!this.keys.length) return undefined;
    const [namespace, name] = this.keys[Math.floor(Math.random() * this.keys.length)].split('/');
    return { namespace, name };
  }
}
