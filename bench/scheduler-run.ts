// The effects of bench:scheduler: registering fake nodes, creating pods at a bounded concurrency
// (and optional rate) while a watch notes when each one is bound, deleting them again, and the raw
// etcd baseline — the same number of pod-sized puts at the same concurrency.
import { Etcd3 } from 'etcd3';
import { Resources } from '../lib/api/resources';
import type { KObject, Node, Pod } from '../lib/api/types';
import type { GrpcApiClient } from '../lib/client/grpc-client';
import { isAlreadyExists } from '../lib/errors';
import { benchNode, benchPod, type PodShape } from './scheduler-workloads';

/**
 * Runs op(0..n-1) with at most `concurrency` in flight and, with ratePerSec > 0, starts no more
 * than that many per second (each start has its slot on a fixed schedule, so the rate is steady
 * rather than bursty). Resolves with when the first op started (performance.now()).
 */
export async function paced(n: number, concurrency: number, ratePerSec: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        if (ratePerSec > 0) {
          const wait = t0 + (i * 1000) / ratePerSec - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        await op(i);
      }
    }),
  );
  return t0;
}

/** Registers nodes from..to-1 through the API; a node whose create dropped its status gets it through the status subresource. */
export async function addNodes(client: GrpcApiClient, from: number, to: number): Promise<void> {
  if (to <= from) return;
  await paced(to - from, 50, 0, async (k) => {
    const node = benchNode(from + k);
    const created = await client.create<Node>(Resources.nodes, node);
    if (!created.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
      await client.patch(Resources.nodes, undefined, node.metadata.name!, 'merge', { status: node.status }, 'status');
    }
  });
}

/**
 * Returns once the scheduler has seen every node created so far. Node creates run concurrently,
 * so no one of them is known to be last: a label written on one node after all of them returned
 * is (its revision is higher than every create), and a pod that selects that label can only be
 * bound once the scheduler's node informer has passed every create. The pod is deleted again.
 */
export async function nodeBarrier(client: GrpcApiClient, namespace: string, node: string, round: number, timeoutMs: number): Promise<void> {
  const value = String(round);
  await client.patch(Resources.nodes, undefined, node, 'merge', { metadata: { labels: { 'sched-bench-barrier': value } } });
  const name = `barrier-${round}`;
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { 'sched-bench-barrier': value } }, spec: { nodeSelector: { 'sched-bench-barrier': value }, containers: [{ name: 'pause', image: 'k8ts/pause:1.0' }] } } as unknown as Pod;
  await client.create(Resources.pods, pod);
  const deadline = performance.now() + timeoutMs;
  while (!(await client.get<Pod>(Resources.pods, namespace, name)).spec.nodeName) {
    if (performance.now() > deadline) throw new Error(`the scheduler did not place the barrier pod on ${node} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await client.delete(Resources.pods, namespace, name, { gracePeriodSeconds: 0 });
}

export async function ensureNamespace(client: GrpcApiClient, name: string): Promise<void> {
  await client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KObject).catch((e: unknown) => {
    if (!isAlreadyExists(e)) throw e;
  });
}

export interface PhaseResult {
  /** performance.now() of the first create sent. */
  firstCreateMs: number;
  /** performance.now() when the last create returned: creates/s says whether the client side was the limit. */
  lastCreateDoneMs: number;
  /** Per bound pod: create sent → binding observed (ms). */
  latencyMs: number[];
  /** Per bound pod: when the binding was observed (performance.now()). */
  boundAtMs: number[];
  /** Per bound pod: its node. */
  nodes: string[];
  created: number;
  timedOut: boolean;
}

export interface PhaseOptions {
  namespace: string;
  shape: PodShape;
  count: number;
  /** Pod names are `${prefix}-${i}`. */
  prefix: string;
  concurrency: number;
  ratePerSec: number;
  timeoutMs: number;
  /** Called every second while waiting: throws to abort (the scheduler process died). */
  check?: () => void;
}

/**
 * Creates the pods and waits for each to be bound, as seen by one watch on the namespace opened
 * before the first create (so no binding is missed and none is seen late through polling).
 */
export async function runPhase(client: GrpcApiClient, o: PhaseOptions): Promise<PhaseResult> {
  const sentAt = new Map<string, number>();
  const bound = new Map<string, { at: number; node: string }>();
  const list = await client.list(Resources.pods, o.namespace, { labelSelector: 'sched-bench=true' });
  let wake: () => void = () => undefined;
  // Set by the watch's callbacks, read by the wait loop: a holder, so no narrowing hides the change.
  const watch: { error?: Error } = {};
  const w = client.watch<Pod>(Resources.pods, o.namespace, { resourceVersion: list.metadata.resourceVersion, labelSelector: 'sched-bench=true' }, {
    onEvent: (ev) => {
      if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') return;
      const name = ev.object.metadata.name!;
      const node = ev.object.spec?.nodeName;
      if (!node || bound.has(name) || !name.startsWith(`${o.prefix}-`)) return;
      bound.set(name, { at: performance.now(), node });
      if (bound.size >= o.count) wake();
    },
    onClose: (err) => {
      watch.error ??= err ?? new Error('the pod watch ended');
      wake();
    },
  });
  const done = new Promise<void>((resolve) => (wake = resolve));
  let timedOut = false;
  let lastCreateDoneMs = 0;
  try {
    const firstCreateMs = await paced(o.count, o.concurrency, o.ratePerSec, async (i) => {
      const name = `${o.prefix}-${i}`;
      sentAt.set(name, performance.now());
      await client.create(Resources.pods, benchPod(o.shape, o.namespace, name));
      lastCreateDoneMs = Math.max(lastCreateDoneMs, performance.now());
    });
    const deadline = firstCreateMs + o.timeoutMs;
    while (bound.size < o.count && !watch.error) {
      if (performance.now() > deadline) {
        timedOut = true;
        break;
      }
      o.check?.();
      await Promise.race([done, new Promise((r) => setTimeout(r, 1000))]);
    }
    if (watch.error && bound.size < o.count) throw watch.error;
    const latencyMs: number[] = [];
    const boundAtMs: number[] = [];
    const nodes: string[] = [];
    for (const [name, b] of bound) {
      latencyMs.push(b.at - (sentAt.get(name) ?? firstCreateMs));
      boundAtMs.push(b.at);
      nodes.push(b.node);
    }
    return { firstCreateMs, lastCreateDoneMs, latencyMs, boundAtMs, nodes, created: sentAt.size, timedOut };
  } finally {
    w.stop();
  }
}

/** Deletes every bench pod in the namespace (no kubelet: grace 0) and waits until the list is empty. */
export async function deletePods(client: GrpcApiClient, namespace: string): Promise<void> {
  const pods = await client.list(Resources.pods, namespace, { labelSelector: 'sched-bench=true' });
  const names = pods.items.map((p) => p.metadata.name!);
  await paced(names.length, 50, 0, (i) => client.delete(Resources.pods, namespace, names[i], { gracePeriodSeconds: 0 }).catch(() => undefined));
  for (let i = 0; i < 600 && (await client.list(Resources.pods, namespace, { labelSelector: 'sched-bench=true' })).items.length > 0; i++) await new Promise((r) => setTimeout(r, 500));
}

/**
 * The raw baseline: n puts of a pod's JSON (as the apiserver would store it, bound) under a
 * scratch prefix, at the same concurrency, on the same etcd; writes per second. A warm-up first,
 * so the client's connection and JIT are not charged to it. The scratch keys are deleted after.
 */
export async function rawEtcdWrites(endpoint: string, n: number, concurrency: number): Promise<number> {
  const raw = new Etcd3({ hosts: endpoint });
  try {
    const pod = benchPod('default', 'sched-bench', 'raw') as unknown as KObject & { spec: Record<string, unknown> };
    pod.metadata = { ...pod.metadata, uid: '00000000-0000-0000-0000-000000000000', resourceVersion: '1', creationTimestamp: new Date().toISOString() };
    pod.spec = { ...pod.spec, nodeName: 'sched-bench-node-00000', schedulerName: 'default-scheduler', restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' };
    const value = JSON.stringify(pod);
    await paced(200, concurrency, 0, (i) => raw.put(`/sched-bench-raw/warm/${i}`).value(value).exec());
    const t0 = performance.now();
    await paced(n, concurrency, 0, (i) => raw.put(`/sched-bench-raw/pods/${i}`).value(value).exec());
    const rate = (n * 1000) / (performance.now() - t0);
    await raw.delete().prefix('/sched-bench-raw/').exec();
    return Math.round(rate * 10) / 10;
  } finally {
    raw.close();
  }
}
