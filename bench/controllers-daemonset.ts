// The DaemonSet part of bench:controllers: on a running cluster, one pod per eligible node created
// directly by a client (each pinned to its node by the same node affinity a DaemonSet gives its
// pods, so both go through the scheduler) until every one is Ready — the baseline — beside a
// DaemonSet from create until status.numberAvailable = desiredNumberScheduled = nodes, then its
// rolling update (maxUnavailable 1) until the status says what `kubectl rollout status` waits for.
// Both sides are timed by watches through the in-process gRPC client (bench/watch-until.ts) and
// run several times, alternating, so the figures are medians of samples taken under the same load.
// bench/controllers.ts calls daemonSetRollout from its worker; run alone
// (`node dist/bench/controllers-daemonset.js [--nodes N] [--samples S]`) it brings up a cluster of
// its own (bench/daemonset-cluster.ts: N nodes as network namespaces) and prints one JSON line.
import { randomBytes } from 'node:crypto';
import { Resources } from '../lib/api/resources';
import type { Node, Pod } from '../lib/api/types';
import type { GrpcApiClient } from '../lib/client/grpc-client';
import type { DaemonSet } from '../controller-manager/daemonset/daemon-set';
import { isReady } from '../test/harness/readiness';
import { untilNone, watchUntil } from './watch-until';

export interface DaemonSetRolloutOptions {
  client: GrpcApiClient;
  /** Namespace to work in (default "default"); what the bench creates there is deleted after. */
  namespace?: string;
  image?: string;
  /** Samples of each side (default 7). */
  samples?: number;
  timeoutMs?: number;
}

export interface DaemonSetRolloutFigures {
  daemonset_nodes: number;
  daemonset_samples: number;
  /** Client-created pods, one per node, from the first create to all Ready (median). */
  direct_pods_to_ready_ms: number;
  /** DaemonSet create to numberAvailable = desired = nodes (median). */
  daemonset_create_to_available_ms: number;
  ratio_daemonset_to_direct: number;
  /** A template change to the rollout done: observed, every pod updated and available (median). */
  daemonset_rolling_update_ms: number;
  /** Create → all pods exist: the client's creates beside the controller's revision and pod writes. */
  direct_create_to_pods_created_ms: number;
  daemonset_create_to_pods_created_ms: number;
  /** All the DaemonSet's pods Ready → its status available (the controller's status write). */
  daemonset_pods_ready_to_available_ms: number;
  /**
   * What the controller adds, apart from the pods' start-up (whose spread dominates the ratio):
   * the difference of the two create figures above plus the status write, from their medians.
   */
  daemonset_controller_overhead_ms: number;
  direct_pods_to_ready_samples_ms: number[];
  daemonset_create_to_available_samples_ms: number[];
  daemonset_rolling_update_samples_ms: number[];
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The middle sample (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const pinned = (name: string, node: string, ns: string, image: string, label: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { 'bench-direct': label } },
  spec: {
    terminationGracePeriodSeconds: 1,
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } },
    containers: [{ name: 'c', image }],
  },
} as Pod);

const daemonSet = (name: string, ns: string, image: string): DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: { 'bench-ds': name } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    template: { metadata: { labels: { 'bench-ds': name } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image }] } },
  },
} as DaemonSet);

const liveReady = (p: Pod) => !p.metadata.deletionTimestamp && isReady(p);

/** Nodes a DaemonSet without tolerations runs on: Ready, and no NoSchedule/NoExecute taint. */
export async function eligibleNodes(client: GrpcApiClient): Promise<string[]> {
  const nodes = (await client.list<Node>(Resources.nodes)).items;
  return nodes
    .filter(isReady)
    .filter((n) => !((n.spec?.taints ?? []) as { effect?: string }[]).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'))
    .map((n) => n.metadata.name!);
}

/**
 * After the pods of a sample are gone from the API, the kubelet may still be removing their
 * sandboxes (network teardown, cgroups); a short pause keeps that work out of the next sample.
 */
const SETTLE_MS = 2000;
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

/**
 * Watches the pods of one sample: when all `count` exist (their first event) and when all are
 * Ready, as performance.now() instants; `finished` resolves at the latter.
 */
async function podMilestones(client: GrpcApiClient, ns: string, selector: string, count: number, timeoutMs: number) {
  const seen = new Set<string>();
  const ready = new Set<string>();
  const at = { created: NaN, ready: NaN };
  const { finished } = await watchUntil<Pod>(client, Resources.pods, (p) => {
    const name = p.metadata.name!;
    seen.add(name);
    if (seen.size === count && Number.isNaN(at.created)) at.created = performance.now();
    if (p.status?.phase === 'Failed') throw new Error(`bench pod ${name} failed`);
    if (liveReady(p)) ready.add(name);
    if (ready.size < count) return false;
    at.ready = performance.now();
    return true;
  }, { namespace: ns, labelSelector: selector, timeoutMs });
  return { at, finished };
}

async function directSample(client: GrpcApiClient, nodes: string[], ns: string, image: string, label: string, timeoutMs: number): Promise<{ readyMs: number; createdMs: number }> {
  const pods = await podMilestones(client, ns, `bench-direct=${label}`, nodes.length, timeoutMs);
  const t0 = performance.now();
  await Promise.all(nodes.map((n, i) => client.create(Resources.pods, pinned(`${label}-${i}`, n, ns, image, label))));
  await pods.finished;
  await removeDirect(client, ns, label, timeoutMs);
  return { readyMs: pods.at.ready - t0, createdMs: pods.at.created - t0 };
}

async function removeDirect(client: GrpcApiClient, ns: string, label: string, timeoutMs: number): Promise<void> {
  const pods = await client.list<Pod>(Resources.pods, ns, { labelSelector: `bench-direct=${label}` });
  await Promise.all(pods.items.map((p) => client.delete(Resources.pods, ns, p.metadata.name!).catch(() => undefined)));
  await untilNone(client, Resources.pods, { namespace: ns, labelSelector: `bench-direct=${label}`, timeoutMs });
}

/** What `kubectl rollout status daemonset/x` waits for, with desired = the nodes counted here. */
const rolledOut = (ds: DaemonSet, nodes: number, generation: number) => {
  const s = ds.status;
  return (s?.observedGeneration ?? 0) >= generation && s?.desiredNumberScheduled === nodes && s.updatedNumberScheduled === nodes && s.numberAvailable === nodes;
};

interface DaemonSetSample {
  createMs: number;
  /** DaemonSet create → all its pods exist (the controller's revision and pod writes). */
  podsCreatedMs: number;
  /** All its pods Ready → the status says available (the controller's status write). */
  readyToAvailableMs: number;
  updateMs: number;
}

async function daemonSetSample(client: GrpcApiClient, nodes: number, ns: string, image: string, name: string, timeoutMs: number): Promise<DaemonSetSample> {
  const mine = (ds: DaemonSet) => ds.metadata.name === name;
  const pods = await podMilestones(client, ns, `bench-ds=${name}`, nodes, timeoutMs);
  const available = await watchUntil<DaemonSet>(client, Resources.daemonsets, (ds) => mine(ds) && rolledOut(ds, nodes, 1), { namespace: ns, timeoutMs });
  let t0 = performance.now();
  const created = await client.create(Resources.daemonsets, daemonSet(name, ns, image));
  await available.finished;
  const t1 = performance.now();
  await pods.finished;
  const createMs = t1 - t0;
  const podsCreatedMs = pods.at.created - t0;
  const readyToAvailableMs = t1 - pods.at.ready;

  // A template change: a new revision, old pods replaced one node at a time.
  const generation = (created.metadata.generation ?? 1) + 1;
  const updated = await watchUntil<DaemonSet>(client, Resources.daemonsets, (ds) => mine(ds) && rolledOut(ds, nodes, generation), { namespace: ns, timeoutMs });
  t0 = performance.now();
  await client.patch(Resources.daemonsets, ns, name, 'merge', { spec: { template: { metadata: { annotations: { 'bench/stage': '2' } } } } });
  await updated.finished;
  const updateMs = performance.now() - t0;
  await removeDaemonSet(client, ns, name, timeoutMs);
  return { createMs, podsCreatedMs, readyToAvailableMs, updateMs };
}

async function removeDaemonSet(client: GrpcApiClient, ns: string, name: string, timeoutMs: number): Promise<void> {
  await client.delete(Resources.daemonsets, ns, name).catch(() => undefined);
  await untilNone(client, Resources.pods, { namespace: ns, labelSelector: `bench-ds=${name}`, timeoutMs });
}

export async function daemonSetRollout(o: DaemonSetRolloutOptions): Promise<DaemonSetRolloutFigures> {
  const client = o.client;
  const ns = o.namespace ?? 'default';
  const image = o.image ?? 'k8ts/web:1.0';
  const timeout = o.timeoutMs ?? 300_000;
  const samples = o.samples ?? 7;
  const id = randomBytes(3).toString('hex');
  const nodes = await eligibleNodes(client);
  if (nodes.length === 0) throw new Error('no Ready, untainted node to run a DaemonSet on');
  const direct: { readyMs: number; createdMs: number }[] = [];
  const ds: DaemonSetSample[] = [];
  const used: { direct: string[]; ds: string[] } = { direct: [], ds: [] };
  const runDirect = async (i: number) => {
    const label = `bench-direct-${id}-${i}`;
    used.direct.push(label);
    direct.push(await directSample(client, nodes, ns, image, label, timeout));
    await settle();
  };
  const runDaemonSet = async (i: number) => {
    const name = `bench-ds-${id}-${i}`;
    used.ds.push(name);
    ds.push(await daemonSetSample(client, nodes.length, ns, image, name, timeout));
    await settle();
  };
  try {
    // Alternating, and each pair in the other order than the last (ABBA), so a drift of the
    // machine's load over the run weighs on both sides alike.
    for (let i = 0; i < samples; i++) {
      if (i % 2 === 0) {
        await runDirect(i);
        await runDaemonSet(i);
      } else {
        await runDaemonSet(i);
        await runDirect(i);
      }
    }
  } finally {
    // What a failed sample left behind; a no-op after a clean run.
    for (const label of used.direct) await removeDirect(client, ns, label, timeout).catch(() => undefined);
    for (const name of used.ds) await removeDaemonSet(client, ns, name, timeout).catch(() => undefined);
  }
  const directMs = median(direct.map((d) => d.readyMs));
  const createMs = median(ds.map((d) => d.createMs));
  const directCreated = median(direct.map((d) => d.createdMs));
  const dsCreated = median(ds.map((d) => d.podsCreatedMs));
  const readyToAvailable = median(ds.map((d) => d.readyToAvailableMs));
  return {
    daemonset_nodes: nodes.length,
    daemonset_samples: samples,
    direct_pods_to_ready_ms: round(directMs),
    daemonset_create_to_available_ms: round(createMs),
    ratio_daemonset_to_direct: Number((createMs / directMs).toFixed(2)),
    daemonset_rolling_update_ms: round(median(ds.map((d) => d.updateMs))),
    direct_create_to_pods_created_ms: round(directCreated),
    daemonset_create_to_pods_created_ms: round(dsCreated),
    daemonset_pods_ready_to_available_ms: round(readyToAvailable),
    daemonset_controller_overhead_ms: round(dsCreated - directCreated + readyToAvailable),
    direct_pods_to_ready_samples_ms: direct.map((d) => round(d.readyMs)),
    daemonset_create_to_available_samples_ms: ds.map((d) => round(d.createMs)),
    daemonset_rolling_update_samples_ms: ds.map((d) => round(d.updateMs)),
  };
}

if (require.main === module) {
  // Loaded only here: bench/controllers.ts imports this file for daemonSetRollout alone.
  void import('./daemonset-cluster').then((m) => m.main(process.argv.slice(2)));
}
