// policy/v1 PodDisruptionBudget as the disruption controller and the apiserver's eviction read and
// write it: which pods a budget selects, and its DisruptionAllowed condition (upstream's
// component-helpers poddisruptionbudget and apimachinery's SetStatusCondition).
import type { KObject, LabelSelector, Pod } from './types';
import { selectorMatches } from './labels';
import { rfc3339 } from './pod-conditions';

/** A metav1.Condition: message is always written (it is not omitempty upstream). */
export interface MetaCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: MetaCondition[];
}

export interface PodDisruptionBudget extends KObject {
  spec: {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector?: LabelSelector | null;
    unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow' | string;
  };
  status?: PodDisruptionBudgetStatus;
}

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';

/**
 * Whether the budget covers the pod: same namespace and a selector that matches. In policy/v1 an
 * empty selector matches every pod and a missing one none; a selector that cannot be compiled
 * matches nothing.
 */
export function pdbSelectsPod(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
  try {
    return selectorMatches(pdb.spec?.selector ?? null, pod.metadata.labels);
  } catch {
    return false;
  }
}

/** SetStatusCondition on a copy: a new transition time only when the status changes. */
export function setStatusCondition(conditions: MetaCondition[] | undefined, cond: Omit<MetaCondition, 'lastTransitionTime'>, nowMs: number): MetaCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === cond.type);
  if (i < 0) return [...list, { ...cond, lastTransitionTime: rfc3339(nowMs) }];
  const old = list[i];
  const next: MetaCondition = { ...old, reason: cond.reason, message: cond.message };
  if (cond.observedGeneration !== undefined) next.observedGeneration = cond.observedGeneration;
  else delete next.observedGeneration;
  if (old.status !== cond.status) {
    next.status = cond.status;
    next.lastTransitionTime = rfc3339(nowMs);
  }
  list[i] = next;
  return list;
}

/** UpdateDisruptionAllowedCondition: True/SufficientPods when a disruption is allowed, else False/InsufficientPods. */
export function withDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, nowMs: number): PodDisruptionBudgetStatus {
  const allowed = status.disruptionsAllowed > 0;
  const cond: Omit<MetaCondition, 'lastTransitionTime'> = {
    type: DISRUPTION_ALLOWED,
    status: allowed ? 'True' : 'False',
    reason: allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS,
    message: '',
  };
  if (status.observedGeneration) cond.observedGeneration = status.observedGeneration;
  return { ...status, conditions: setStatusCondition(status.conditions, cond, nowMs) };
}

/** ConditionsAreUpToDate: the condition agrees with disruptionsAllowed and the generation is observed. */
export function conditionsAreUpToDate(pdb: PodDisruptionBudget): boolean {
  const st = pdb.status;
  const cond = st?.conditions?.find((c) => c.type === DISRUPTION_ALLOWED);
  if (!st || !cond) return false;
  if ((st.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  if (st.disruptionsAllowed > 0) return cond.status === 'True' && cond.reason === SUFFICIENT_PODS;
  return cond.status === 'False' && cond.reason === INSUFFICIENT_PODS;
}
