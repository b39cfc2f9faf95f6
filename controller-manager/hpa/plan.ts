// Pure: one HPA reconcile's decisions, from what the controller read (the target's Scale, the
// selected pods, their PodMetrics) and the history it keeps. Mirrors upstream's
// reconcileAutoscaler: a target outside [min, max] is brought back inside first; a target at zero
// replicas is left alone (scaling disabled); otherwise every metric proposes a count, the largest
// wins, and behavior (or the older rules) normalizes it. Conditions, reasons and messages are
// upstream's; the status is rebuilt each time and written only when it differs.
import type { Pod } from '../../lib/api/types';
import { parseQuantity } from '../../lib/api/quantity';
import { parseGoDuration } from '../../lib/go-duration';
import { defaultScaleDown, defaultScaleUp, normalizeWithBehavior, normalizeWithoutBehavior, type Condition, type Recommendation, type ScaleEvent } from './behavior';
import { calcResourceReplicas, type CalcOptions, type PodSample, type ResourceName, type Target } from './replica-calculator';
import type { Hpa, HpaCondition, HpaStatus, MetricSpec, MetricStatus, PodMetrics } from './types';

/** A milli-value as a decimal quantity in its shortest exact form ("250m", "1", "21M"). */
export function milliQuantity(milli: number): string {
  let n = Math.round(milli);
  if (n === 0) return '0';
  const suffixes = ['m', '', 'k', 'M', 'G', 'T', 'P'];
  let i = 0;
  while (i < suffixes.length - 1 && n % 1000 === 0) {
    n /= 1000;
    i++;
  }
  return `${n}${suffixes[i]}`;
}

/** Per-pod samples of one resource from PodMetrics; a pod lacking the resource on a container is left out. */
export function podSamples(metrics: PodMetrics[], resource: ResourceName, container?: string): Map<string, PodSample> {
  const out = new Map<string, PodSample>();
  for (const m of metrics) {
    const cs = (m.containers ?? []).filter((c) => !container || c.name === container);
    if (cs.length === 0) continue;
    let value = 0;
    let complete = true;
    for (const c of cs) {
      const q = c.usage?.[resource];
      if (q === undefined) {
        complete = false;
        break;
      }
      value += parseQuantity(q) * 1000;
    }
    if (!complete) continue;
    out.set(m.metadata.name!, { value, timestampMs: Date.parse(m.timestamp ?? '') || 0, windowMs: parseGoDuration(m.window ?? '') ?? 0 });
  }
  return out;
}

export type MetricsRead = { ok: true; items: PodMetrics[] } | { ok: false; error: string };

export interface Proposal {
  replicas: number;
  metricName: string;
  statuses: MetricStatus[];
  scalingActive: Condition;
  /** Set when no usable proposal came out (the reconcile stops after writing status). */
  error?: { reason: string; message: string };
}

const KEY_OF: Record<string, 'resource' | 'containerResource'> = { Resource: 'resource', ContainerResource: 'containerResource' };

/** computeReplicasForMetrics: the largest proposal among the metrics, and their statuses. */
export function proposeReplicas(hpa: Hpa, currentReplicas: number, pods: Pod[], metrics: MetricsRead, o: CalcOptions): Proposal {
  const specs: MetricSpec[] = hpa.spec.metrics?.length ? hpa.spec.metrics : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  const statuses: MetricStatus[] = specs.map(() => ({ type: '' }));
  let replicas = 0;
  let metricName = '';
  let invalid = 0;
  let lastError: { reason: string; message: string } | undefined;
  specs.forEach((spec, i) => {
    const key = KEY_OF[spec.type];
    const src = key ? spec[key] : undefined;
    const failedReason = spec.type === 'ContainerResource' ? 'FailedGetContainerResourceMetric' : spec.type === 'Resource' ? 'FailedGetResourceMetric' : `FailedGet${spec.type}Metric`;
    const fail = (message: string) => {
      invalid++;
      lastError = { reason: failedReason, message };
    };
    if (!key || !src) return fail(`unable to get metric of type ${spec.type}: k8ts serves only the resource metrics API (metrics.k8s.io), not the custom or external metrics APIs`);
    const resource = src.name as ResourceName;
    if (resource !== 'cpu' && resource !== 'memory') return fail(`unable to get metrics for resource ${resource}: the resource metrics API reports only cpu and memory`);
    const container = key === 'containerResource' ? (src as { container?: string }).container : undefined;
    const t = src.target;
    let target: Target;
    if (t.type === 'Utilization' && typeof t.averageUtilization === 'number') target = { type: 'Utilization', averageUtilization: t.averageUtilization };
    else if (t.type === 'AverageValue' && t.averageValue !== undefined) target = { type: 'AverageValue', averageValueMilli: parseQuantity(t.averageValue) * 1000 };
    else return fail(`invalid resource metric source: neither a utilization target nor a value target was set`);
    // Upstream's wording: the calculator's error inside "failed to get <resource> utilization|usage".
    const prefix = `failed to get ${resource} ${target.type === 'Utilization' ? 'utilization' : 'usage'}: `;
    if (!metrics.ok) return fail(`${prefix}unable to get metrics for resource ${resource}: unable to fetch metrics from resource metrics API: ${metrics.error}`);
    if (metrics.items.length === 0) return fail(`${prefix}unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
    const r = calcResourceReplicas(currentReplicas, target, resource, pods, podSamples(metrics.items, resource, container), o, container);
    if (!r.ok) return fail(`${prefix}${r.error}`);
    const current = target.type === 'Utilization' ? { averageUtilization: r.utilization, averageValue: milliQuantity(r.averageMilli) } : { averageValue: milliQuantity(r.averageMilli) };
    statuses[i] = key === 'resource' ? { type: 'Resource', resource: { name: resource, current } } : { type: 'ContainerResource', containerResource: { name: resource, container: container ?? '', current } };
    const what = key === 'resource' ? `${resource} resource` : `${resource} container resource`;
    const name = target.type === 'Utilization' ? `${what} utilization (percentage of request)` : what;
    if (r.replicas > replicas) {
      replicas = r.replicas;
      metricName = name;
    }
  });
  const specReplicas = currentReplicas;
  if (invalid >= specs.length || (invalid > 0 && replicas < specReplicas)) {
    const e = lastError!;
    return { replicas: 0, metricName: '', statuses, scalingActive: { status: 'False', reason: e.reason, message: `the HPA was unable to compute the replica count: ${e.message}` }, error: e };
  }
  return { replicas, metricName, statuses, scalingActive: { status: 'True', reason: 'ValidMetricFound', message: `the HPA was able to successfully calculate a replica count from ${metricName}` } };
}

export interface History {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export interface ScalePlan {
  desiredReplicas: number;
  rescale: boolean;
  /** The SuccessfulRescale event's reason part. */
  reason: string;
  conditions: { type: 'AbleToScale' | 'ScalingActive' | 'ScalingLimited'; c: Condition }[];
  statuses: MetricStatus[];
  /** The metrics' proposal before normalization, when one was made: stabilization's next sample. */
  proposedReplicas?: number;
  error?: { reason: string; message: string };
}

/** The reconcile's decision once the Scale has been read (AbleToScale SucceededGetScale is the caller's). */
export function planScale(hpa: Hpa, currentReplicas: number, propose: () => Proposal, h: History, nowMs: number, downscaleWindowMs: number): ScalePlan {
  const minReplicas = hpa.spec.minReplicas ?? 1;
  const max = hpa.spec.maxReplicas;
  const conditions: ScalePlan['conditions'] = [];
  if (currentReplicas === 0 && minReplicas !== 0) {
    conditions.push({ type: 'ScalingActive', c: { status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' } });
    return { desiredReplicas: 0, rescale: false, reason: '', conditions, statuses: [] };
  }
  if (currentReplicas > max) return { desiredReplicas: max, rescale: true, reason: 'Current number of replicas above Spec.MaxReplicas', conditions, statuses: [] };
  if (currentReplicas < minReplicas) return { desiredReplicas: minReplicas, rescale: true, reason: 'Current number of replicas below Spec.MinReplicas', conditions, statuses: [] };
  const p = propose();
  conditions.push({ type: 'ScalingActive', c: p.scalingActive });
  if (p.error) return { desiredReplicas: currentReplicas, rescale: false, reason: '', conditions, statuses: p.statuses, error: p.error };
  const desired = p.replicas;
  const reason = desired > currentReplicas ? `${p.metricName} above target` : desired < currentReplicas ? 'All metrics below target' : '';
  const input = { currentReplicas, desiredReplicas: desired, minReplicas, maxReplicas: max, nowMs, ...h };
  const b = hpa.spec.behavior;
  const n = b
    ? normalizeWithBehavior(input, { scaleUp: defaultScaleUp(b.scaleUp), scaleDown: defaultScaleDown(b.scaleDown, downscaleWindowMs / 1000) })
    : normalizeWithoutBehavior(input, downscaleWindowMs);
  conditions.push({ type: 'AbleToScale', c: n.ableToScale }, { type: 'ScalingLimited', c: n.scalingLimited });
  return { desiredReplicas: n.replicas, rescale: n.replicas !== currentReplicas, reason, conditions, statuses: p.statuses, proposedReplicas: desired };
}

/** Sets one condition, keeping its lastTransitionTime unless its status changes. */
export function setCondition(list: HpaCondition[], type: string, c: Condition, nowIso: string): HpaCondition[] {
  const out = list.map((x) => ({ ...x }));
  let cur = out.find((x) => x.type === type);
  if (!cur) {
    cur = { type, status: c.status };
    out.push(cur);
    cur.lastTransitionTime = nowIso;
  } else if (cur.status !== c.status) cur.lastTransitionTime = nowIso;
  cur.status = c.status;
  cur.reason = c.reason;
  cur.message = c.message;
  return out;
}

/** The status the reconcile ends with. */
export function nextStatus(prev: HpaStatus | undefined, o: { currentReplicas: number; desiredReplicas: number; metrics: MetricStatus[]; conditions: HpaCondition[]; rescaledAt?: string; generation?: number }): HpaStatus {
  const s: HpaStatus = { currentReplicas: o.currentReplicas, desiredReplicas: o.desiredReplicas };
  if (o.generation !== undefined) s.observedGeneration = o.generation;
  const last = o.rescaledAt ?? prev?.lastScaleTime;
  if (last) s.lastScaleTime = last;
  if (o.metrics.length) s.currentMetrics = o.metrics;
  if (o.conditions.length) s.conditions = o.conditions;
  return s;
}
