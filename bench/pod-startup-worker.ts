// Runs inside the cluster's network namespace (started by pod-startup.ts): times pod creation to
// Running as seen through a watch, and the raw CRI sequence on the same containerd.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { GrpcApiClient, grpcOptionsFromKubeconfig } from '../lib/client/grpc-client';
import { Resources } from '../lib/api/resources';
import type { Pod } from '../lib/api/types';
import { CriClient } from '../kubelet/cri/client';
import type { PodSandboxConfig } from '../kubelet/cri/types';

const [kubeconfig, socket, scratchDir, cgroupParent] = process.argv.slice(2);
const WEB = 'docker.io/k8ts/web:1.0';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const round = (n: number) => Math.round(n * 10) / 10;

/** RunPodSandbox + CreateContainer + StartContainer, as a kubelet does for one pod, timed. */
async function rawCriStart(cri: CriClient, n: number): Promise<{ ms: number; sandbox: string }> {
  const uid = randomUUID();
  const name = `raw-${n}`;
  const logDirectory = path.join(scratchDir, uid);
  fs.mkdirSync(logDirectory, { recursive: true });
  // No io.kubernetes.pod.uid label: the kubelet leaves sandboxes it does not own alone.
  const sandboxConfig: PodSandboxConfig = {
    metadata: { name, namespace: 'bench-raw', uid, attempt: 0 },
    hostname: name,
    logDirectory,
    labels: { 'k8ts.bench': 'raw' },
    linux: { cgroupParent: `${cgroupParent}/bench-raw-${uid}` },
  };
  const t = performance.now();
  const sandbox = await cri.runPodSandbox(sandboxConfig);
  const id = await cri.createContainer(
    sandbox,
    { metadata: { name: 'web', attempt: 0 }, image: { image: WEB }, logPath: 'web/0.log', labels: { 'k8ts.bench': 'raw' } },
    sandboxConfig,
  );
  await cri.startContainer(id);
  return { ms: performance.now() - t, sandbox };
}

function podOf(name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { bench: 'pod-startup' } },
    spec: { containers: [{ name: 'web', image: 'k8ts/web:1.0' }], terminationGracePeriodSeconds: 0 },
  };
}

/** When each pod was first seen bound to the node, relative to its creation (the scheduler's share). */
const boundAfter = new Map<string, number>();

/** Creates pods and resolves with each one's create → Running latency seen through a watch. */
async function timePods(client: GrpcApiClient, names: string[]): Promise<number[]> {
  const created = new Map<string, number>();
  const latencies = new Map<string, number>();
  const list = await client.list(Resources.pods, 'default');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out: ${latencies.size}/${names.length} pods running`)), 300_000);
    const watch = client.watch<Pod>(Resources.pods, 'default', { resourceVersion: list.metadata.resourceVersion, labelSelector: 'bench=pod-startup' }, {
      onEvent: (ev) => {
        const name = ev.object.metadata.name!;
        const t0 = created.get(name);
        if (t0 !== undefined && ev.object.spec.nodeName && !boundAfter.has(name)) boundAfter.set(name, performance.now() - t0);
        if (t0 === undefined || latencies.has(name) || ev.object.status?.phase !== 'Running') return;
        latencies.set(name, performance.now() - t0);
        if (latencies.size === names.length) {
          clearTimeout(timer);
          watch.stop();
          resolve(names.map((n) => latencies.get(n)!));
        }
      },
      onClose: (err) => err && reject(err),
    });
    for (const name of names) {
      created.set(name, performance.now());
      client.create(Resources.pods, podOf(name)).catch(reject);
    }
  });
}

async function rssMiB(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function main(): Promise<void> {
  const client = new GrpcApiClient(grpcOptionsFromKubeconfig(kubeconfig));
  const cri = new CriClient(`unix://${socket}`);
  const kubeletPid = Number(process.env.K8TS_KUBELET_PID);

  // Single pods, raw CRI and through k8ts taking turns so that both see the same machine (a
  // noisy neighbour slows both, not one): a warm-up of each first, then 8 of each.
  const raw: number[] = [];
  const single: number[] = [];
  for (let i = 0; i < 9; i++) {
    const r = await rawCriStart(cri, i);
    await cri.stopPodSandbox(r.sandbox);
    await cri.removePodSandbox(r.sandbox);
    const [ms] = await timePods(client, [`bench-single-${i}`]);
    if (i > 0) {
      raw.push(r.ms);
      single.push(ms);
    }
  }
  // Raw CRI for 30 sandboxes at once: the floor the k8ts batch of 30 is measured against.
  const rawBatch = await Promise.all(Array.from({ length: 30 }, (_, i) => rawCriStart(cri, 100 + i)));
  await Promise.all(rawBatch.map(async (r) => {
    await cri.stopPodSandbox(r.sandbox);
    await cri.removePodSandbox(r.sandbox);
  }));

  // Through k8ts: a batch of 30 at once.
  const batchNames = Array.from({ length: 30 }, (_, i) => `bench-batch-${i}`);
  const batch = await timePods(client, batchNames);
  await new Promise((r) => setTimeout(r, 3000));
  const kubeletRss = kubeletPid ? await rssMiB(kubeletPid) : NaN;

  const s = (a: number[]) => [...a].sort((x, y) => x - y);
  const rawP50 = percentile(s(raw), 50);
  const singleP50 = percentile(s(single), 50);
  console.log(
    JSON.stringify({
      bench: 'pod-startup',
      raw_cri_p50_ms: round(rawP50),
      single_pod_p50_ms: round(singleP50),
      single_pod_ratio_to_raw: round(singleP50 / rawP50),
      raw_cri_batch30_p99_ms: round(percentile(s(rawBatch.map((r) => r.ms)), 99)),
      batch30_p50_ms: round(percentile(s(batch), 50)),
      batch30_p99_ms: round(percentile(s(batch), 99)),
      // How much of the batch is the way to the node: create → bound as seen through the watch.
      batch30_bound_p50_ms: round(percentile(s(batchNames.map((n) => boundAfter.get(n) ?? NaN)), 50)),
      batch30_bound_p99_ms: round(percentile(s(batchNames.map((n) => boundAfter.get(n) ?? NaN)), 99)),
      kubelet_rss_mib_with_30_pods: kubeletRss,
    }),
  );
  client.close();
  cri.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
