// The disruption controller's arithmetic as plain values (upstream's pkg/controller/disruption):
// how many pods a budget expects (from its pods' controllers' scale when it is a percentage or
// maxUnavailable), how many must be healthy, how many are, which evictions are still pending, and
// the status that follows.
import type { OwnerReference, Pod } from '../../lib/api/types';
import { isPodReady } from '../../lib/api/pod-conditions';
import { conditionsAreUpToDate, DISRUPTION_ALLOWED, setStatusCondition, SYNC_FAILED, withDisruptionAllowedCondition, type PodDisruptionBudget, type PodDisruptionBudgetStatus } from '../../lib/api/pdb';
import { canonicalJson, controllerRefOf } from '../common/pod-utils';

/** DeletionTimeout: how long an eviction recorded in disruptedPods waits to be seen as a deletion. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export class BudgetError extends Error {
  readonly code = 'DISRUPTION_BUDGET_UNCOMPUTABLE';
  constructor(message: string) {
    super(message);
    this.name = 'BudgetError';
  }
}

/** A pod's controller and its scale: undefined when the reference names nothing that exists. */
export type ScaleLookup = (ref: OwnerReference, namespace: string) => { uid: string; replicas: number } | undefined;

/** GetScaledValueFromIntOrPercent. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) throw new BudgetError('nil value for IntOrString');
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') throw new BudgetError('invalid value for IntOrString: invalid type: neither int nor percentage');
  if (!v.endsWith('%')) throw new BudgetError('invalid value for IntOrString: invalid type: string is not a percentage');
  const n = v.slice(0, -1);
  if (!/^[+-]?\d+$/.test(n)) throw new BudgetError(`invalid value for IntOrString: invalid value "${v}": strconv.Atoi: parsing "${n}": invalid syntax`);
  const pct = Number(n);
  return roundUp ? Math.ceil((pct * total) / 100) : Math.floor((pct * total) / 100);
}

/**
 * getExpectedScale: the sum of the scales of the pods' controllers (each counted once). Pods
 * without a controller are returned as unmanaged; a controller that cannot be found is an error.
 */
export function expectedScale(pods: Pod[], lookup: ScaleLookup): { expected: number; unmanaged: string[] } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerRefOf(pod);
    if (!ref) {
      unmanaged.push(pod.metadata.name!);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = lookup(ref, pod.metadata.namespace!);
    if (!found) throw new BudgetError(`found no controllers for pod "${pod.metadata.name}"`);
    scales.set(found.uid, found.replicas);
  }
  let expected = 0;
  for (const n of scales.values()) expected += n;
  return { expected, unmanaged };
}

/** getExpectedPodCount: expectedPods, desiredHealthy and the unmanaged pods (when scales were needed). */
export function expectedPodCount(pdb: PodDisruptionBudget, pods: Pod[], lookup: ScaleLookup): { expected: number; desiredHealthy: number; unmanaged: string[] } {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expected, unmanaged } = expectedScale(pods, lookup);
    const maxUnavailable = scaledValue(spec.maxUnavailable, expected, true);
    return { expected, desiredHealthy: Math.max(0, expected - maxUnavailable), unmanaged };
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number') return { expected: pods.length, desiredHealthy: spec.minAvailable, unmanaged: [] };
    const { expected, unmanaged } = expectedScale(pods, lookup);
    return { expected, desiredHealthy: scaledValue(spec.minAvailable, expected, true), unmanaged };
  }
  return { expected: 0, desiredHealthy: 0, unmanaged: [] };
}

/**
 * buildDisruptedPodMap: the evictions still expected to show up as deletions, when to look again,
 * and the pods whose eviction was recorded but never followed by a deletion.
 */
export function disruptedPodMap(pods: Pod[], pdb: PodDisruptionBudget, nowMs: number): { map: Record<string, string>; recheckAt?: number; notDeleted: Pod[] } {
  const recorded = pdb.status?.disruptedPods ?? {};
  const map: Record<string, string> = {};
  const notDeleted: Pod[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = recorded[pod.metadata.name!];
    if (at === undefined) continue;
    const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (!(expectedDeletion >= nowMs)) {
      notDeleted.push(pod);
      continue;
    }
    if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
    map[pod.metadata.name!] = at;
  }
  return { map, recheckAt, notDeleted };
}

/** countHealthyPods: Ready pods that are neither being deleted nor about to be. */
export function countHealthy(pods: Pod[], disrupted: Record<string, string>, nowMs: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disrupted[pod.metadata.name!];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > nowMs) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

/**
 * updatePdbStatus: the status to write, or undefined when the stored one already says it. No
 * disruption is allowed while the budget expects no pods, so that its first pods are safe before
 * the controller has counted them.
 */
export function nextStatus(pdb: PodDisruptionBudget, currentHealthy: number, desiredHealthy: number, expected: number, disrupted: Record<string, string>, nowMs: number): PodDisruptionBudgetStatus | undefined {
  let allowed = currentHealthy - desiredHealthy;
  if (expected <= 0 || allowed <= 0) allowed = 0;
  const st = pdb.status;
  const generation = pdb.metadata.generation ?? 0;
  if (
    st &&
    st.currentHealthy === currentHealthy &&
    st.desiredHealthy === desiredHealthy &&
    st.expectedPods === expected &&
    st.disruptionsAllowed === allowed &&
    canonicalJson(st.disruptedPods ?? {}) === canonicalJson(disrupted) &&
    (st.observedGeneration ?? 0) === generation &&
    conditionsAreUpToDate(pdb)
  )
    return undefined;
  const next: PodDisruptionBudgetStatus = {
    currentHealthy,
    desiredHealthy,
    expectedPods: expected,
    disruptionsAllowed: allowed,
    observedGeneration: generation,
    conditions: st?.conditions,
  };
  if (Object.keys(disrupted).length) next.disruptedPods = disrupted;
  if (!next.conditions) delete next.conditions;
  return withDisruptionAllowedCondition(next, nowMs);
}

/** failSafe: nothing allowed, and a DisruptionAllowed=False/SyncFailed condition saying why. */
export function failSafeStatus(pdb: PodDisruptionBudget, message: string, nowMs: number): PodDisruptionBudgetStatus {
  const st: PodDisruptionBudgetStatus = { ...(pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 }), disruptionsAllowed: 0 };
  const cond = { type: DISRUPTION_ALLOWED, status: 'False' as const, reason: SYNC_FAILED, message, ...(st.observedGeneration ? { observedGeneration: st.observedGeneration } : {}) };
  return { ...st, conditions: setStatusCondition(st.conditions, cond, nowMs) };
}
