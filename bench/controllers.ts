// bench:controllers — how much the workload controllers cost beside doing their work by hand, on
// one node (real etcd, containerd, CNI) in its own network namespace. One JSON line:
// - a Job of 100 completions at parallelism 10, from create to its Complete condition, beside the
//   same 100 pods created directly by a client in waves of 10 (each wave waits for its pods to
//   succeed) in the same run, and the ratio (goal ≤ 1.2);
// - a DaemonSet created to available beside the same pods created by a client, and its rolling
//   update: medians of alternating samples, timed by watches (bench/controllers-daemonset.ts);
// - the HPA's reaction from CPU load to the new replica Running (bench/controllers-hpa.ts).
// The parent brings the cluster up and runs this same file again inside the namespace as the worker.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { up, down, type ClusterOptions } from '../deploy/cluster/cluster';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../lib/client/grpc-client';
import { Resources } from '../lib/api/resources';
import type { Pod } from '../lib/api/types';
import type { Job } from '../lib/api/batch';
import { daemonSetRollout } from './controllers-daemonset';
import { watchUntil } from './watch-until';
import { hpaReaction } from './controllers-hpa';

const COMPLETIONS = 100;
const PARALLELISM = 10;
const round = (n: number) => Math.round(n * 10) / 10;

const podSpec = () => ({
  restartPolicy: 'Never' as const,
  terminationGracePeriodSeconds: 0,
  containers: [{ name: 'work', image: 'k8ts/web:1.0', command: ['sh', '-c', 'exit 0'] }],
});

/** The baseline: the same pods created by a client, ten at a time, each wave waiting for success. */
async function rawWaves(client: GrpcApiClient): Promise<number> {
  const t0 = performance.now();
  for (let wave = 0; wave < COMPLETIONS / PARALLELISM; wave++) {
    const names = Array.from({ length: PARALLELISM }, (_, i) => `raw-${wave}-${i}`);
    const left = new Set(names);
    const { finished } = await watchUntil<Pod>(client, Resources.pods, (p) => {
      if (p.status?.phase === 'Succeeded') left.delete(p.metadata.name!);
      if (p.status?.phase === 'Failed') throw new Error(`raw pod ${p.metadata.name} failed`);
      return left.size === 0;
    }, { labelSelector: `bench=raw-${wave}`, timeoutMs: 300_000 });
    await Promise.all(names.map((name) => client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { bench: `raw-${wave}` } }, spec: podSpec() } as Pod)));
    await finished;
  }
  return performance.now() - t0;
}

async function jobRun(client: GrpcApiClient): Promise<number> {
  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'bench-job', namespace: 'default' },
    spec: { completions: COMPLETIONS, parallelism: PARALLELISM, template: { spec: podSpec() } },
  };
  const { finished: complete } = await watchUntil<Job>(client, Resources.jobs, (j) => (j.status?.conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True'), { timeoutMs: 600_000 });
  const t0 = performance.now();
  await client.create(Resources.jobs, job);
  await complete;
  return performance.now() - t0;
}

/**
 * Deletes the pods a phase left and waits until they are gone and the kubelet has had time to
 * remove their sandboxes, so the next phase starts on an empty, quiet node.
 */
async function clearPods(client: GrpcApiClient): Promise<void> {
  const pods = await client.list<Pod>(Resources.pods, 'default');
  await Promise.all(pods.items.map((p) => client.delete(Resources.pods, 'default', p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined)));
  for (let i = 0; i < 600 && (await client.list(Resources.pods, 'default')).items.length > 0; i++) await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, 10_000));
}

async function worker(kubeconfig: string): Promise<void> {
  const client = new GrpcApiClient(grpcOptionsFromKubeconfig(kubeconfig));
  const rawMs = await rawWaves(client);
  await clearPods(client);
  const jobMs = await jobRun(client);
  const result: Record<string, unknown> = {
    bench: 'controllers',
    job_100x10_ms: round(jobMs),
    raw_pods_100_in_waves_of_10_ms: round(rawMs),
    job_ratio_to_raw: Number((jobMs / rawMs).toFixed(2)),
  };
  // The DaemonSet rollout and the HPA's reaction, on this same cluster after the Job measure.
  await clearPods(client);
  Object.assign(result, await daemonSetRollout({ client }));
  await clearPods(client);
  Object.assign(result, await hpaReaction({ kubeconfig }));
  console.log(JSON.stringify(result));
  client.close();
}

async function main(): Promise<void> {
  if (process.argv[2] === '--worker') return worker(process.argv[3]);
  const opts: ClusterOptions = {
    home: fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-bench-ctl-')),
    netns: `k8ts-bench-${randomBytes(3).toString('hex')}`,
    nodeName: 'bench-node-1',
  };
  let code = 1;
  try {
    const info = await up(opts);
    code = await new Promise<number>((resolve) => {
      const child = spawn('nsenter', [`--net=/run/netns/${info.netns}`, '--', process.execPath, __filename, '--worker', info.kubeconfig], { stdio: 'inherit' });
      child.on('close', (c) => resolve(c ?? 1));
    });
  } finally {
    await down(opts, { purge: true });
    fs.rmSync(opts.home, { recursive: true, force: true });
  }
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
