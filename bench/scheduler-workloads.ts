// bench:scheduler's workloads, in the shapes of upstream's scheduler_perf (misc/ and affinity/
// performance-config.yaml): nodes of the default node template (cpu 4, memory 32Gi, pods 110,
// Ready, one of three zones), then warm-up pods that stay, then the measured pods. Counts are
// scaled so the whole run fits in a few minutes on two shared cores. Options come from the
// environment (BENCH_SCHED_*) → defaults → a typed config; a workload whose plugins the scheduler
// does not have is reported "unsupported" rather than run and passed off as measured.
import type { Node, Pod } from '../lib/api/types';

export type WorkloadName = 'SchedulingBasic_1000Nodes' | 'SchedulingBasic_5000Nodes' | 'SchedulingPodAntiAffinity' | 'TopologySpreading' | 'PreemptionBasic' | 'SchedulingWithMixedChurn';

export interface Workload {
  name: WorkloadName;
  nodes: number;
  warmupPods: number;
  measurePods: number;
  /** Upstream plugin names the workload needs (by these names in scheduler/framework/registry.ts). */
  needs: string[];
  warmupTemplate: PodShape;
  measureTemplate: PodShape;
  /**
   * While the measured pods are created, every second one Node, one Service and one pod that fits
   * nowhere (9 cpu, high priority) are replaced by new ones (upstream's churn opcode, recreate mode).
   */
  churn?: boolean;
}

/** Which pod template (upstream: pod-default, pod-with-pod-anti-affinity, ...). */
export type PodShape = 'default' | 'anti-affinity' | 'topology-spreading' | 'low-priority' | 'high-priority' | 'high-priority-large-cpu';

export interface SchedBenchConfig {
  /** Pod creates in flight at once. */
  concurrency: number;
  /** Pod creates per second at most; 0: as fast as the concurrency allows (as scheduler_perf's createPods). */
  ratePerSec: number;
  /** How long one workload's pods may take to be bound before it is reported as timed out. */
  timeoutSec: number;
  workloads: Workload[];
}

/** Node names carry the index, so the zone of a node is a pure function of its name. */
export const ZONES = ['zone-a', 'zone-b', 'zone-c'];
export const nodeName = (i: number) => `sched-bench-node-${String(i).padStart(5, '0')}`;

/** Upstream's node-default template, with allocatable as a kubelet would report it and a zone label (labelNodePrepareStrategy). */
export function benchNode(i: number): Node {
  const resources = { cpu: '4', memory: '32Gi', pods: '110' };
  const name = nodeName(i);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': ZONES[i % ZONES.length], 'sched-bench': 'true' } },
    spec: {},
    status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True' }], phase: 'Running' },
  } as Node;
}

const PRIORITY_CLASS: Partial<Record<PodShape, string>> = { 'low-priority': 'sched-bench-low', 'high-priority': 'sched-bench-high', 'high-priority-large-cpu': 'sched-bench-high' };
export const PRIORITY_CLASSES = [
  { name: 'sched-bench-low', value: 0 },
  { name: 'sched-bench-high', value: 10 },
];

/** The pod of a shape: upstream's templates (pause container, 100m / 500Mi unless the shape says otherwise). */
export function benchPod(shape: PodShape, namespace: string, name: string): Pod {
  const cpu = shape === 'low-priority' ? '900m' : shape === 'high-priority' ? '3' : shape === 'high-priority-large-cpu' ? '9' : '100m';
  const requests = { cpu, memory: '500Mi' };
  const labels: Record<string, string> = { 'sched-bench': 'true' };
  const spec: Record<string, unknown> = {
    containers: [{ name: 'pause', image: 'k8ts/pause:1.0', ports: [{ containerPort: 80 }], resources: { requests, limits: requests } }],
  };
  if (shape === 'anti-affinity') {
    labels.color = 'green';
    spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname' }] } };
  }
  if (shape === 'topology-spreading') {
    labels.color = 'blue';
    spec.topologySpreadConstraints = [{ maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } }];
  }
  const pc = PRIORITY_CLASS[shape];
  if (pc) spec.priorityClassName = pc;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec } as unknown as Pod;
}

const int = (env: NodeJS.ProcessEnv, key: string, def: number, min = 0): number => {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${key} must be an integer ≥ ${min}, not ${JSON.stringify(raw)}`);
  return n;
};

/**
 * The run's config from the environment. BENCH_SCHED_NODES / _PODS / _WARMUP size the basic
 * 1,000-node workload; BENCH_SCHED_LARGE_NODES / _LARGE_PODS / _LARGE_WARMUP the 5,000-node one
 * (BENCH_SCHED_LARGE_NODES=0 skips it); BENCH_SCHED_SHAPES=0 skips the anti-affinity, spreading
 * and preemption shapes; BENCH_SCHED_CONCURRENCY, _RATE and _TIMEOUT_S as in SchedBenchConfig.
 */
export function schedBenchConfig(env: NodeJS.ProcessEnv = process.env): SchedBenchConfig {
  const nodes = int(env, 'BENCH_SCHED_NODES', 1000, 1);
  const large = int(env, 'BENCH_SCHED_LARGE_NODES', 5000);
  const workloads: Workload[] = [
    { name: 'SchedulingBasic_1000Nodes', nodes, warmupPods: int(env, 'BENCH_SCHED_WARMUP', 500), measurePods: int(env, 'BENCH_SCHED_PODS', 1000, 1), needs: [], warmupTemplate: 'default', measureTemplate: 'default' },
  ];
  if (large > 0)
    workloads.push({ name: 'SchedulingBasic_5000Nodes', nodes: large, warmupPods: int(env, 'BENCH_SCHED_LARGE_WARMUP', 1000), measurePods: int(env, 'BENCH_SCHED_LARGE_PODS', 1000, 1), needs: [], warmupTemplate: 'default', measureTemplate: 'default' });
  if (int(env, 'BENCH_SCHED_SHAPES', 1) > 0) {
    // upstream: SchedulingPodAntiAffinity 500Nodes (100 + 400), TopologySpreading 1000Nodes
    // (1000 + 1000 pods), PreemptionBasic 1000Nodes (4000 low-priority pods filling the nodes, 1000 high-priority ones)
    workloads.push(
      { name: 'SchedulingPodAntiAffinity', nodes: 500, warmupPods: 100, measurePods: 400, needs: ['InterPodAffinity'], warmupTemplate: 'anti-affinity', measureTemplate: 'anti-affinity' },
      { name: 'TopologySpreading', nodes, warmupPods: 1000, measurePods: 1000, needs: ['PodTopologySpread'], warmupTemplate: 'default', measureTemplate: 'topology-spreading' },
      { name: 'PreemptionBasic', nodes, warmupPods: 4 * nodes, measurePods: nodes, needs: ['DefaultPreemption'], warmupTemplate: 'low-priority', measureTemplate: 'high-priority' },
      // upstream: SchedulingWithMixedChurn 1000Nodes (1000 pods)
      { name: 'SchedulingWithMixedChurn', nodes, warmupPods: 0, measurePods: 1000, needs: [], warmupTemplate: 'default', measureTemplate: 'default', churn: true },
    );
  }
  return {
    concurrency: int(env, 'BENCH_SCHED_CONCURRENCY', 20, 1),
    ratePerSec: int(env, 'BENCH_SCHED_RATE', 0),
    timeoutSec: int(env, 'BENCH_SCHED_TIMEOUT_S', 300, 1),
    workloads,
  };
}

/** The plugins a workload needs that the scheduler does not register (empty: it can run). */
export function missingPlugins(w: Workload, registered: readonly string[]): string[] {
  return w.needs.filter((n) => !registered.includes(n));
}

/**
 * Workloads run in this order so nodes are only ever added: the cluster grows from the smallest
 * node count to the largest, and pods of a finished workload are deleted before the next.
 */
export function runOrder(ws: readonly Workload[]): Workload[] {
  return [...ws].sort((a, b) => a.nodes - b.nodes);
}

/** The zone of a bench node, from the index in its name (benchNode's round-robin). */
export function zoneOfNode(name: string): string {
  const i = Number(/(\d+)$/.exec(name)?.[1] ?? NaN);
  return Number.isInteger(i) ? ZONES[i % ZONES.length] : 'unknown';
}
