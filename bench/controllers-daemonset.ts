// The DaemonSet part of bench:controllers: on a running cluster, one pod per node created directly
// by a client (each pinned to its node by the same node affinity a DaemonSet gives its pods, so
// both go through the scheduler) until all are Ready — the baseline — then a DaemonSet from
// create until every node has an available pod, and a rolling update (maxUnavailable 1) until
// `kubectl rollout status` says it is done. bench/controllers.ts calls daemonSetRollout; run
// alone (`node dist/bench/controllers-daemonset.js`) it brings up a single-node cluster of its own
// and prints one JSON line.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kubectl } from '../test/harness/kubectl';
import { waitFor } from '../test/harness/exec';
import { isReady } from '../test/harness/readiness';

export interface DaemonSetRolloutOptions {
  kubectl: Kubectl;
  /** Namespace to work in (default "default"); what the bench creates there is deleted after. */
  namespace?: string;
  image?: string;
  timeoutMs?: number;
}

export interface DaemonSetRolloutFigures {
  daemonset_nodes: number;
  /** Client-created pods, one per node, from the first create to all Ready. */
  direct_pods_to_ready_ms: number;
  /** DaemonSet create to numberAvailable = desired = nodes. */
  daemonset_create_to_available_ms: number;
  ratio_daemonset_to_direct: number;
  /** A template change to `kubectl rollout status` done (maxUnavailable 1). */
  daemonset_rolling_update_ms: number;
}

interface PodList {
  items: { metadata: { deletionTimestamp?: string }; status: { conditions?: { type: string; status: string }[] } }[];
}

const pinned = (name: string, node: string, ns: string, image: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { bench: 'direct' } },
  spec: {
    terminationGracePeriodSeconds: 1,
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } },
    containers: [{ name: 'c', image }],
  },
});

const daemonSet = (name: string, ns: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: { bench: name } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    template: { metadata: { labels: { bench: name } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image }] } },
  },
});

const ready = (p: PodList['items'][number]) => !p.metadata.deletionTimestamp && isReady(p);

/** Nodes a DaemonSet without tolerations runs on: Ready, and no NoSchedule/NoExecute taint. */
async function eligibleNodes(k: Kubectl): Promise<string[]> {
  type N = { metadata: { name: string }; spec: { taints?: { effect: string }[] }; status: { conditions?: { type: string; status: string }[] } };
  const nodes = (await k.json<{ items: N[] }>(['get', 'nodes'])).items;
  return nodes
    .filter(isReady)
    .filter((n) => !(n.spec.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'))
    .map((n) => n.metadata.name);
}

export async function daemonSetRollout(o: DaemonSetRolloutOptions): Promise<DaemonSetRolloutFigures> {
  const k = o.kubectl;
  const ns = o.namespace ?? 'default';
  const image = o.image ?? 'k8ts/web:1.0';
  const timeout = o.timeoutMs ?? 300_000;
  const name = `bench-ds-${randomBytes(3).toString('hex')}`;
  const nodes = await eligibleNodes(k);
  if (nodes.length === 0) throw new Error('no Ready, untainted node to run a DaemonSet on');
  const readyCount = async (selector: string) => (await k.json<PodList>(['get', 'pods', '-n', ns, '-l', selector])).items.filter(ready).length;
  const gone = (selector: string) => waitFor(`${selector} pods gone`, async () => (await k.json<PodList>(['get', 'pods', '-n', ns, '-l', selector])).items.length === 0, timeout);

  try {
    // Baseline: the same pods, created by a client in one request.
    const list = { apiVersion: 'v1', kind: 'List', items: nodes.map((n, i) => pinned(`${name}-direct-${i}`, n, ns, image)) };
    let t = performance.now();
    await k.out(['create', '-f', '-'], JSON.stringify(list));
    await waitFor('direct pods Ready', async () => (await readyCount('bench=direct')) === nodes.length, timeout, 100);
    const directMs = performance.now() - t;
    await k.out(['delete', 'pods', '-n', ns, '-l', 'bench=direct', '--wait=false']);
    await gone('bench=direct');

    t = performance.now();
    await k.out(['create', '-f', '-'], JSON.stringify(daemonSet(name, ns, image)));
    await waitFor('the DaemonSet available on every node', async () => {
      const s = (await k.json<{ status?: { desiredNumberScheduled?: number; numberAvailable?: number } }>(['get', 'ds', name, '-n', ns])).status;
      return s?.desiredNumberScheduled === nodes.length && s.numberAvailable === nodes.length;
    }, timeout, 100);
    const dsMs = performance.now() - t;

    t = performance.now();
    await k.out(['set', 'env', '-n', ns, `daemonset/${name}`, 'BENCH_STAGE=2']);
    await k.out(['rollout', 'status', '-n', ns, `daemonset/${name}`, `--timeout=${Math.round(timeout / 1000)}s`]);
    const updateMs = performance.now() - t;

    return {
      daemonset_nodes: nodes.length,
      direct_pods_to_ready_ms: Math.round(directMs),
      daemonset_create_to_available_ms: Math.round(dsMs),
      ratio_daemonset_to_direct: Number((dsMs / directMs).toFixed(2)),
      daemonset_rolling_update_ms: Math.round(updateMs),
    };
  } finally {
    await k.run(['delete', 'pods', '-n', ns, '-l', 'bench=direct', '--ignore-not-found']).catch(() => undefined);
    await k.run(['delete', 'daemonset', '-n', ns, name, '--ignore-not-found']).catch(() => undefined);
    await gone(`bench=${name}`).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const { up, down } = await import('../deploy/cluster/cluster');
  const opts = { home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-ds-')), netns: `k8ts-bds-${randomBytes(3).toString('hex')}`, nodeName: 'bench-node-1' };
  try {
    const info = await up(opts);
    const figures = await daemonSetRollout({ kubectl: new Kubectl(info.kubeconfig, info.netns) });
    console.log(JSON.stringify({ bench: 'controllers-daemonset', ...figures }));
  } finally {
    await down(opts, { purge: true }).catch(() => undefined);
    fs.rmSync(opts.home, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
