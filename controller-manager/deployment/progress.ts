// Pure: the Deployment's Progressing condition as upstream's controller keeps it — the reasons
// NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated, NewReplicaSetAvailable and
// ProgressDeadlineExceeded for a rollout, DeploymentPaused and DeploymentResumed for
// `kubectl rollout pause|resume` — and when to look again for a rollout that may get stuck.
// `kubectl rollout status` fails with "exceeded its progress deadline" on ProgressDeadlineExceeded.
import type { Deployment } from '../../lib/api/types';

export type DeploymentStatus = NonNullable<Deployment['status']>;
export type Condition = NonNullable<DeploymentStatus['conditions']>[number];

export const PROGRESSING = 'Progressing';
export const REPLICA_FAILURE = 'ReplicaFailure';
export const REASONS = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  updated: 'ReplicaSetUpdated',
  available: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
} as const;

/** progressDeadlineSeconds unset or MaxInt32 means no deadline, as upstream. */
const MAX_INT32 = 2147483647;
const deadlineOf = (d: Deployment): number | undefined => {
  const s = d.spec.progressDeadlineSeconds;
  return s === undefined || s === null || s === MAX_INT32 ? undefined : s;
};
export const hasProgressDeadline = (d: Deployment): boolean => deadlineOf(d) !== undefined;

export const getCondition = (conds: Condition[] | undefined, type: string) => (conds ?? []).find((c) => c.type === type);

/**
 * Upstream's SetDeploymentCondition: a condition with the same status and reason is left as it
 * is; one with the same status keeps its lastTransitionTime; both times are `now` otherwise.
 */
export function setCondition(conds: Condition[] | undefined, c: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>, now: string): Condition[] {
  const list = conds ?? [];
  const cur = getCondition(list, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return list;
  const next: Condition = { ...c, lastUpdateTime: now, lastTransitionTime: cur && cur.status === c.status ? (cur.lastTransitionTime ?? now) : now };
  return [...list.filter((x) => x.type !== c.type), next];
}

export const removeCondition = (conds: Condition[] | undefined, type: string): Condition[] => (conds ?? []).filter((c) => c.type !== type);

/**
 * Pausing and resuming mark Progressing Unknown, so that a resumed rollout's deadline counts from
 * the resume (upstream's checkPausedConditions). A reported timeout is never overwritten.
 */
export function pausedConditions(d: Deployment, conds: Condition[] | undefined, now: string): Condition[] | undefined {
  if (!hasProgressDeadline(d)) return conds;
  const cur = getCondition(conds, PROGRESSING);
  if (cur?.reason === REASONS.timedOut) return conds;
  const pausedSet = cur?.reason === REASONS.paused;
  if (d.spec.paused && !pausedSet) return setCondition(conds, { type: PROGRESSING, status: 'Unknown', reason: REASONS.paused, message: 'Deployment is paused' }, now);
  if (!d.spec.paused && pausedSet) return setCondition(conds, { type: PROGRESSING, status: 'Unknown', reason: REASONS.resumed, message: 'Deployment is resumed' }, now);
  return conds;
}

/** The condition on finding (an existing) or creating (a new) ReplicaSet for the current template. */
export function newReplicaSetConditions(d: Deployment, conds: Condition[] | undefined, rsName: string, created: boolean, now: string): Condition[] | undefined {
  if (!hasProgressDeadline(d)) return conds;
  if (created) return setCondition(conds, { type: PROGRESSING, status: 'True', reason: REASONS.newRSCreated, message: `Created new replica set "${rsName}"` }, now);
  // Someone started caring about progress of a rollout already under way: count from now.
  if (!getCondition(conds, PROGRESSING)) return setCondition(conds, { type: PROGRESSING, status: 'True', reason: REASONS.foundNewRS, message: `Found new replica set "${rsName}"` }, now);
  return conds;
}

type Counts = Pick<DeploymentStatus, 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'observedGeneration'>;

/** Every replica updated, available and counted for the current generation. */
export function deploymentComplete(d: Deployment, s: Counts): boolean {
  const want = d.spec.replicas ?? 1;
  return s.updatedReplicas === want && s.replicas === want && s.availableReplicas === want && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Any progress since the last status: more updated, fewer old, more ready or available replicas. */
export function deploymentProgressing(old: Counts | undefined, s: Counts): boolean {
  const o = old ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

/** No progress reported within the deadline since the condition was last updated. */
export function deploymentTimedOut(d: Deployment, conds: Condition[] | undefined, nowMs: number): boolean {
  const deadline = deadlineOf(d);
  const cur = getCondition(conds, PROGRESSING);
  if (deadline === undefined || !cur) return false;
  if (cur.reason === REASONS.available) return false;
  if (cur.reason === REASONS.timedOut) return true;
  const from = Date.parse(cur.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + deadline * 1000 < nowMs;
}

/**
 * The Progressing condition after a rollout step (upstream's syncRolloutStatus). `d` carries the
 * status before this sync (with the conditions of this sync's earlier steps); `s` is the new
 * counts with those conditions.
 */
export function rolloutConditions(d: Deployment, s: DeploymentStatus, newRSName: string | undefined, nowMs: number): Condition[] {
  let conds = s.conditions ?? [];
  if (!hasProgressDeadline(d)) return removeCondition(conds, PROGRESSING);
  const now = new Date(nowMs).toISOString();
  const cur = getCondition(d.status?.conditions, PROGRESSING);
  const completeBefore = s.replicas === s.updatedReplicas && cur?.reason === REASONS.available;
  if (completeBefore) return conds;
  const what = newRSName ? `ReplicaSet "${newRSName}"` : `Deployment "${d.metadata.name}"`;
  if (deploymentComplete(d, s)) {
    conds = setCondition(conds, { type: PROGRESSING, status: 'True', reason: REASONS.available, message: `${what} has successfully progressed.` }, now);
  } else if (deploymentProgressing(d.status, s)) {
    // Progress refreshes lastUpdateTime even with the same reason: the deadline counts from it.
    const next: Condition = { type: PROGRESSING, status: 'True', reason: REASONS.updated, message: `${what} is progressing.`, lastUpdateTime: now, lastTransitionTime: now };
    const had = getCondition(conds, PROGRESSING);
    if (had?.status === 'True' && had.lastTransitionTime) next.lastTransitionTime = had.lastTransitionTime;
    conds = [...removeCondition(conds, PROGRESSING), next];
  } else if (deploymentTimedOut(d, conds, nowMs)) {
    conds = setCondition(conds, { type: PROGRESSING, status: 'False', reason: REASONS.timedOut, message: `${what} has timed out progressing.` }, now);
  }
  return conds;
}

/**
 * When to sync a rollout again to notice its deadline passing without any event (upstream's
 * requeueStuckDeployment): undefined when it is complete, timed out, paused or has no deadline.
 */
export function stuckRequeueMs(d: Deployment, s: DeploymentStatus, nowMs: number): number | undefined {
  const deadline = deadlineOf(d);
  const cur = getCondition(s.conditions, PROGRESSING);
  if (deadline === undefined || !cur || d.spec.paused) return undefined;
  if (cur.reason === REASONS.available || cur.reason === REASONS.timedOut) return undefined;
  if (deploymentComplete(d, s)) return undefined;
  const at = Date.parse(cur.lastUpdateTime ?? '') + deadline * 1000;
  if (!Number.isFinite(at)) return undefined;
  // A second past the deadline, so the check sees it passed.
  return Math.max(0, at - nowMs) + 1000;
}

type RSLike = { status?: { conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[] } };

/**
 * The conditions after moving a ReplicaSet's ReplicaFailure up to the Deployment (upstream's
 * getReplicaFailures): the new set's failure wins over an old set's; none left removes it. The
 * condition keeps the set's transition time as both of its times, as upstream converts it.
 */
export function withReplicaFailure(conds: Condition[], newRS: RSLike | undefined, all: RSLike[]): Condition[] {
  const failureOf = (rs: RSLike | undefined) => rs?.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  const f = failureOf(newRS) ?? all.map(failureOf).find((c) => c !== undefined);
  const rest = removeCondition(conds, REPLICA_FAILURE);
  if (!f) return rest;
  return [...rest, { type: REPLICA_FAILURE, status: f.status, reason: f.reason, message: f.message, lastUpdateTime: f.lastTransitionTime, lastTransitionTime: f.lastTransitionTime } as Condition];
}
