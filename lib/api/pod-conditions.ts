// Pod status conditions as upstream's pod helpers handle them: readiness, and UpdatePodCondition's
// rule for setting one condition (a new transition time only when the status changes, and "changed"
// meaning any of status, reason, message or times differ). Shared by the controllers and the
// apiserver's eviction, which both mark pods with the DisruptionTarget condition.
import type { Pod, PodCondition, PodStatus } from './types';

/** The condition a pod carries while it is being deleted because of a disruption. */
export const DISRUPTION_TARGET = 'DisruptionTarget';

export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const podCondition = (status: PodStatus | undefined, type: string): PodCondition | undefined =>
  (Array.isArray(status?.conditions) ? status!.conditions : []).find((c) => c?.type === type);

/** IsPodReady: the Ready condition is True. */
export const isPodReady = (pod: Pod): boolean => podCondition(pod.status, 'Ready')?.status === 'True';

const probe = (v: string | null | undefined): string => v ?? '';

/**
 * Sets the condition of its type on a copy of status. Returns the new status and whether anything
 * changed; the condition's lastTransitionTime is now unless its status stays what it was.
 */
export function withPodCondition(status: PodStatus | undefined, cond: Omit<PodCondition, 'lastTransitionTime'>, nowMs: number): { status: PodStatus; changed: boolean } {
  const next: PodStatus = { ...(status ?? {}) };
  const list = Array.isArray(next.conditions) ? [...next.conditions] : [];
  const i = list.findIndex((c) => c?.type === cond.type);
  const fresh: PodCondition = { lastProbeTime: null, ...cond, lastTransitionTime: rfc3339(nowMs) };
  if (i < 0) {
    next.conditions = [...list, fresh];
    return { status: next, changed: true };
  }
  const old = list[i];
  if (fresh.status === old.status) fresh.lastTransitionTime = old.lastTransitionTime;
  const equal =
    fresh.status === old.status &&
    (fresh.reason ?? '') === (old.reason ?? '') &&
    (fresh.message ?? '') === (old.message ?? '') &&
    probe(fresh.lastProbeTime) === probe(old.lastProbeTime) &&
    (fresh.lastTransitionTime ?? '') === (old.lastTransitionTime ?? '');
  list[i] = fresh;
  next.conditions = list;
  return { status: next, changed: !equal };
}
