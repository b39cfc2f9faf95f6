// Pure: the replica count one Resource metric asks for, as upstream's replica calculator decides
// it. Usages and requests are milli-units (millicores, milli-bytes) so that CPU and memory share
// one arithmetic. In words:
// - Pods being deleted or Failed are ignored altogether. Pending pods, and (for CPU) pods still
//   warming up (not Ready, or whose sample predates their readiness), count as unready; their
//   samples are set aside. Pods without a sample are missing.
// - The usage ratio is measured over the pods with samples. Within the tolerance (0.1) nothing
//   changes; otherwise, with no unready or missing pods to account for, the answer is the ratio
//   times the ready pods, rounded up.
// - Otherwise the ratio is measured again, conservatively: on a scale-down missing pods count as
//   using exactly their target (request, or the target value), on a scale-up as using nothing,
//   and on a scale-up unready pods count as using nothing. If that second ratio is within the
//   tolerance or points the other way, nothing changes; else the answer is that ratio times the
//   pods considered, rounded up, unless that would move against the first ratio's direction.
import type { Container, Pod } from '../../lib/api/types';
import { parseQuantity } from '../../lib/api/quantity';

export const DEFAULT_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period. */
export const DEFAULT_CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay. */
export const DEFAULT_INITIAL_READINESS_DELAY_MS = 30_000;

export type ResourceName = 'cpu' | 'memory';

export interface PodSample {
  /** Milli-units of the resource (the sum over the pod's containers, or the one container's). */
  value: number;
  timestampMs: number;
  windowMs: number;
}

export interface CalcOptions {
  tolerance: number;
  cpuInitializationPeriodMs: number;
  initialReadinessDelayMs: number;
  nowMs: number;
}

export const DEFAULT_CALC_OPTIONS = (nowMs: number): CalcOptions => ({
  tolerance: DEFAULT_TOLERANCE,
  cpuInitializationPeriodMs: DEFAULT_CPU_INITIALIZATION_PERIOD_MS,
  initialReadinessDelayMs: DEFAULT_INITIAL_READINESS_DELAY_MS,
  nowMs,
});

export type Target = { type: 'Utilization'; averageUtilization: number } | { type: 'AverageValue'; averageValueMilli: number };

export type CalcResult =
  | { ok: true; replicas: number; /** percent of request (Utilization targets) */ utilization?: number; /** milli-units per pod */ averageMilli: number }
  | { ok: false; error: string };

export class HpaCalcError extends Error {
  readonly code = 'HPA_CALCULATION_FAILED';
}

export interface PodGroups {
  readyCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

const readyCondition = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready');

/** Sorts the selected pods as the calculator sees them (names are unique within the namespace). */
export function groupPods(pods: Pod[], samples: Map<string, PodSample>, resource: ResourceName, o: CalcOptions): PodGroups {
  const g: PodGroups = { readyCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const p of pods) {
    const name = p.metadata.name!;
    if (p.metadata.deletionTimestamp || p.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (!p.status?.phase || p.status.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const sample = samples.get(name);
    if (!sample) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu' && cpuUnready(p, sample, o)) g.unready.add(name);
    else g.readyCount++;
  }
  return g;
}

/**
 * CPU samples of a pod that is only starting are not trusted: inside the initialization period a
 * pod counts as unready while it is not Ready or when its sample began before it became Ready;
 * after it, only a pod whose readiness went false within the initial delay of its start (it never
 * became Ready) counts as unready.
 */
function cpuUnready(p: Pod, sample: PodSample, o: CalcOptions): boolean {
  const cond = readyCondition(p);
  const start = p.status?.startTime ? Date.parse(p.status.startTime) : NaN;
  if (!cond || !Number.isFinite(start)) return true;
  const transition = cond.lastTransitionTime ? Date.parse(cond.lastTransitionTime) : NaN;
  if (start + o.cpuInitializationPeriodMs > o.nowMs) {
    return cond.status === 'False' || !Number.isFinite(transition) || sample.timestampMs < transition + sample.windowMs;
  }
  return cond.status === 'False' && Number.isFinite(transition) && start + o.initialReadinessDelayMs > transition;
}

/** The pod's request in milli-units, or an error naming the container without one. */
export function podRequestMilli(p: Pod, resource: ResourceName, container?: string): number | string {
  // Sidecars (restartable init containers) run beside the app containers and count with them.
  const cs: Container[] = [...p.spec.containers, ...(p.spec.initContainers ?? []).filter((c) => (c as { restartPolicy?: string }).restartPolicy === 'Always')];
  let total = 0;
  for (const c of cs) {
    if (container && c.name !== container) continue;
    const q = c.resources?.requests?.[resource];
    if (q === undefined || q === null || q === '') return `missing request for ${resource} in container ${c.name} of Pod ${p.metadata.name}`;
    total += parseQuantity(q) * 1000;
  }
  return total;
}

const sumOf = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Utilization ratio over the pods that have both a usage and a request. */
function utilizationRatio(usage: Map<string, number>, requests: Map<string, number>, target: number): { ratio: number; utilization: number; average: number } | string {
  let used = 0;
  let requested = 0;
  let n = 0;
  for (const [name, v] of usage) {
    const r = requests.get(name);
    if (r === undefined) continue;
    used += v;
    requested += r;
    n++;
  }
  if (requested === 0) return 'no metrics returned matched known pods';
  const utilization = Math.trunc((used * 100) / requested);
  return { ratio: utilization / target, utilization, average: Math.trunc(used / n) };
}

export function calcResourceReplicas(currentReplicas: number, target: Target, resource: ResourceName, pods: Pod[], samples: Map<string, PodSample>, o: CalcOptions, container?: string): CalcResult {
  if (pods.length === 0) return { ok: false, error: 'no pods returned by selector while calculating replica count' };
  const g = groupPods(pods, samples, resource, o);
  const usage = new Map<string, number>();
  for (const p of pods) {
    const name = p.metadata.name!;
    const s = samples.get(name);
    if (s && !g.ignored.has(name) && !g.unready.has(name)) usage.set(name, s.value);
  }
  if (usage.size === 0) return { ok: false, error: 'did not receive metrics for targeted pods (pods might be unready)' };

  let ratioOf: (u: Map<string, number>) => { ratio: number; utilization?: number; average: number } | string;
  let missingAtTarget: (name: string) => number;
  if (target.type === 'Utilization') {
    const requests = new Map<string, number>();
    for (const p of pods) {
      if (g.ignored.has(p.metadata.name!)) continue;
      const r = podRequestMilli(p, resource, container);
      if (typeof r === 'string') return { ok: false, error: r };
      requests.set(p.metadata.name!, r);
    }
    ratioOf = (u) => utilizationRatio(u, requests, target.averageUtilization);
    missingAtTarget = (name) => requests.get(name) ?? 0;
  } else {
    ratioOf = (u) => {
      const average = sumOf(u) / u.size;
      return { ratio: average / target.averageValueMilli, average: Math.trunc(average) };
    };
    missingAtTarget = () => target.averageValueMilli;
  }

  const first = ratioOf(usage);
  if (typeof first === 'string') return { ok: false, error: first };
  const { ratio, utilization, average } = first;
  const keep = { ok: true as const, replicas: currentReplicas, utilization, averageMilli: average };
  const rebalanceUnready = g.unready.size > 0 && ratio > 1;
  if (!rebalanceUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= o.tolerance) return keep;
    return { ...keep, replicas: Math.ceil(ratio * g.readyCount) };
  }
  if (g.missing.size > 0) {
    for (const name of g.missing) {
      if (ratio < 1) usage.set(name, missingAtTarget(name));
      else if (ratio > 1) usage.set(name, 0);
    }
  }
  if (rebalanceUnready) for (const name of g.unready) usage.set(name, 0);
  const second = ratioOf(usage);
  if (typeof second === 'string') return { ok: false, error: second };
  const next = second.ratio;
  if (Math.abs(1 - next) <= o.tolerance || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return keep;
  const replicas = Math.ceil(next * usage.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return keep;
  return { ...keep, replicas };
}
