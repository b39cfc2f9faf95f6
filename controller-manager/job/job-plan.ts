// The pure decisions of one Job sync, in upstream's order: count what finished, decide whether the
// Job has met a terminal criterion (podFailurePolicy FailJob, backoffLimit, activeDeadlineSeconds,
// failed indexes, successPolicy, completions), then which pods to delete or create (suspension,
// excess, duplicate indexes, the failure backoff), and the status that results. Terminal
// conditions go through an interim one (FailureTarget, SuccessCriteriaMet) as in Kubernetes 1.32:
// the final Complete/Failed is written only once every pod is counted and none is terminating.
import type { Pod } from '../../lib/api/types';
import type { Job, JobCondition, JobStatus } from '../../lib/api/batch';
import { rfc3339 } from '../../lib/api/pod-conditions';
import { isPodReady } from '../common/pod-utils';
import { sortForDeletion } from '../replicaset/replica-plan';
import { completionIndexOf, formatIndexes, parseIndexes } from './indexes';
import { matchPodFailurePolicy } from './pod-failure-policy';
import { finishTime, hasTrackingFinalizer, isActive, isIndexed, isPodFailed, isTerminatingPod, onlyReplaceFailed } from './job-pods';

export interface JobPlanConfig {
  /** The first failure backoff (upstream: 10 s), doubled per failure since the last success. */
  backoffBaseMs: number;
  /** The backoff cap (upstream: 6 min). */
  backoffMaxMs: number;
}

export const DEFAULT_JOB_BACKOFF: JobPlanConfig = { backoffBaseMs: 10_000, backoffMaxMs: 360_000 };

/** Upstream's cap on creates/deletes per sync, so one big Job does not starve the others. */
export const MAX_POD_CHANGES_PER_SYNC = 500;

export function newCondition(type: string, status: 'True' | 'False', reason: string, message: string, now: number): JobCondition {
  const t = rfc3339(now);
  return { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
}

const hasTrue = (s: JobStatus | undefined, type: string) => (s?.conditions ?? []).find((c) => c.type === type && c.status === 'True');

/** What one sync knows about the Job's pods beside its status. */
export interface JobCounts {
  active: Pod[];
  ready: number;
  terminating: number;
  /** Finished pods with the finalizer that the status does not hold yet. */
  newSucceeded: Pod[];
  newFailed: Pod[];
  succeeded: number;
  failed: number;
  /** Indexed Jobs: completed indexes from the status and from succeeded pods not yet counted. */
  succeededIndexes: number[];
  failedIndexes?: number[];
}

const validIndex = (j: Job, p: Pod) => {
  const ix = completionIndexOf(p);
  return ix !== undefined && ix < (j.spec.completions ?? 0) ? ix : undefined;
};

export function countPods(j: Job, pods: Pod[]): JobCounts {
  const unc = j.status?.uncountedTerminatedPods ?? {};
  const uncS = new Set(unc.succeeded ?? []);
  const uncF = new Set(unc.failed ?? []);
  const indexed = isIndexed(j);
  const tracked = pods.filter((p) => hasTrackingFinalizer(p) && (!indexed || validIndex(j, p) !== undefined));
  const newSucceeded = tracked.filter((p) => !uncS.has(p.metadata.uid!) && p.status?.phase === 'Succeeded');
  const newFailed = tracked.filter((p) => !uncF.has(p.metadata.uid!) && isPodFailed(p, j));
  const active = pods.filter(isActive);
  const counted = newFailed.filter((p) => matchPodFailurePolicy(j.spec.podFailurePolicy, p).countFailed).length;
  const out: JobCounts = {
    active,
    ready: active.filter(isPodReady).length,
    terminating: pods.filter(isTerminatingPod).length,
    newSucceeded,
    newFailed,
    succeeded: (j.status?.succeeded ?? 0) + newSucceeded.length + uncS.size,
    failed: (j.status?.failed ?? 0) + counted + uncF.size,
    succeededIndexes: [],
  };
  if (indexed) {
    const completions = j.spec.completions ?? 0;
    const done = new Set(parseIndexes(j.status?.completedIndexes, completions));
    for (const p of pods) {
      const ix = validIndex(j, p);
      if (ix !== undefined && p.status?.phase === 'Succeeded' && hasTrackingFinalizer(p)) done.add(ix);
    }
    out.succeededIndexes = [...done].sort((a, b) => a - b);
    out.succeeded = out.succeededIndexes.length;
    if (j.spec.backoffLimitPerIndex !== undefined) out.failedIndexes = failedIndexes(j, pods, done);
  }
  return out;
}

/**
 * backoffLimitPerIndex: an index fails when a FailIndex rule matches one of its pods or its counted
 * failures exceed the limit. Failures are counted from the failed pods themselves (they stay until
 * the Job goes), so the count survives a controller restart without an annotation.
 */
function failedIndexes(j: Job, pods: Pod[], done: Set<number>): number[] {
  const completions = j.spec.completions ?? 0;
  const failed = new Set(parseIndexes(j.status?.failedIndexes, completions));
  const failures = new Map<number, number>();
  for (const p of pods) {
    const ix = validIndex(j, p);
    if (ix === undefined || done.has(ix) || !isPodFailed(p, j)) continue;
    const m = matchPodFailurePolicy(j.spec.podFailurePolicy, p);
    if (m.action === 'FailIndex') failed.add(ix);
    if (m.countFailed) failures.set(ix, (failures.get(ix) ?? 0) + 1);
  }
  for (const [ix, n] of failures) if (n > (j.spec.backoffLimitPerIndex ?? 0)) failed.add(ix);
  return [...failed].sort((a, b) => a - b);
}

/** The remaining failure backoff: base·2^(n−1), capped, after the last of n failures since the last success. */
export function backoffRemainingMs(j: Job, pods: Pod[], now: number, cfg: JobPlanConfig): number {
  let lastSuccess = -Infinity;
  for (const p of pods) if (p.status?.phase === 'Succeeded') lastSuccess = Math.max(lastSuccess, finishTime(p, now));
  const failures = pods.filter((p) => isPodFailed(p, j)).map((p) => finishTime(p, now)).filter((t) => t > lastSuccess);
  if (!failures.length) return 0;
  const delay = Math.min(cfg.backoffBaseMs * 2 ** Math.min(failures.length - 1, 30), cfg.backoffMaxMs);
  return Math.max(0, Math.max(...failures) + delay - now);
}

/** The message of the first FailJob rule matched by a failed pod. */
function failJobMessage(j: Job, pods: Pod[]): string | undefined {
  if (!j.spec.podFailurePolicy) return undefined;
  for (const p of pods) {
    if (!isPodFailed(p, j)) continue;
    const m = matchPodFailurePolicy(j.spec.podFailurePolicy, p);
    if (m.message) return m.message;
  }
  return undefined;
}

/** successPolicy: the first rule met by the succeeded indexes. */
export function matchSuccessPolicy(j: Job, succeeded: number[]): string | undefined {
  const completions = j.spec.completions ?? 0;
  const done = new Set(succeeded);
  for (const [i, rule] of (j.spec.successPolicy?.rules ?? []).entries()) {
    if (rule.succeededIndexes !== undefined) {
      const want = parseIndexes(rule.succeededIndexes, completions);
      const have = want.filter((x) => done.has(x)).length;
      if (rule.succeededCount !== undefined ? have >= rule.succeededCount : have === want.length) return `Matched rules at index ${i}`;
    } else if (rule.succeededCount !== undefined && done.size >= rule.succeededCount) return `Matched rules at index ${i}`;
  }
  return undefined;
}

export const isSuspended = (j: Job): boolean => j.spec.suspend === true;

/** The terminal criterion this sync has met, as its interim condition, and when to look again for the deadline. */
export function terminalCondition(j: Job, pods: Pod[], c: JobCounts, now: number): { condition?: JobCondition; deadlineInMs?: number } {
  const s = j.status;
  if (hasTrue(s, 'SuccessCriteriaMet')) return { condition: hasTrue(s, 'SuccessCriteriaMet') };
  const target = hasTrue(s, 'FailureTarget');
  if (target) return { condition: target };
  const failMsg = failJobMessage(j, pods);
  if (failMsg) return { condition: newCondition('FailureTarget', 'True', 'PodFailurePolicy', failMsg, now) };
  if (c.failed > (j.spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(j, pods))
    return { condition: newCondition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now) };
  const deadline = j.spec.activeDeadlineSeconds;
  // A Job being resumed (no longer suspended, its Suspended condition still True) gets a new
  // startTime in this very sync: its deadline counts from now, never from before the suspension.
  const resuming = !isSuspended(j) && !!hasTrue(s, 'Suspended');
  const start = resuming ? now : s?.startTime ? Date.parse(s.startTime) : NaN;
  let deadlineInMs: number | undefined;
  if (deadline !== undefined && Number.isFinite(start) && !isSuspended(j)) {
    const left = start + deadline * 1000 - now;
    if (left <= 0) return { condition: newCondition('FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline', now) };
    deadlineInMs = left;
  }
  if (isIndexed(j)) {
    const completions = j.spec.completions ?? 0;
    const fi = c.failedIndexes;
    if (fi) {
      if (j.spec.maxFailedIndexes !== undefined && fi.length > j.spec.maxFailedIndexes)
        return { condition: newCondition('FailureTarget', 'True', 'MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes', now) };
      if (fi.length > 0 && fi.length + c.succeededIndexes.length >= completions)
        return { condition: newCondition('FailureTarget', 'True', 'FailedIndexes', 'Job has failed indexes', now) };
    }
    const msg = matchSuccessPolicy(j, c.succeededIndexes);
    if (msg) return { condition: newCondition('SuccessCriteriaMet', 'True', 'SuccessPolicy', msg, now), deadlineInMs };
  }
  return { deadlineInMs };
}

/** restartPolicy OnFailure: the restarts of running pods count against backoffLimit. */
function pastBackoffLimitOnFailure(j: Job, pods: Pod[]): boolean {
  if (j.spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += cs.restartCount ?? 0;
  }
  const limit = j.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** What to change among the pods: either deletions or creations in one sync, deletions first. */
export interface PodChanges {
  remove: Pod[];
  /** How many pods to create; for Indexed Jobs, their indexes. */
  create: number;
  indexes?: number[];
  /** The failure backoff holds creations back this long. */
  backoffMs?: number;
}

export function wantActive(j: Job, c: JobCounts): number {
  const parallelism = j.spec.parallelism ?? 1;
  if (j.spec.completions === undefined) return c.succeeded > 0 ? c.active.length : parallelism;
  return Math.max(0, Math.min(j.spec.completions - c.succeeded, parallelism));
}

/** Active pods to remove from an Indexed Job: those with no valid index and the extra pods of a repeated index. */
function duplicateIndexPods(j: Job, active: Pod[]): { remove: Pod[]; left: Pod[] } {
  const seen = new Set<number>();
  const remove: Pod[] = [];
  const left: Pod[] = [];
  const byAge = [...active].sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? ''));
  for (const p of byAge) {
    const ix = validIndex(j, p);
    if (ix === undefined || seen.has(ix)) remove.push(p);
    else {
      seen.add(ix);
      left.push(p);
    }
  }
  return { remove, left };
}

export function planPodChanges(j: Job, pods: Pod[], c: JobCounts, now: number, cfg: JobPlanConfig): PodChanges {
  const active = c.active;
  if (isSuspended(j)) return { remove: [...active], create: 0 };
  const want = wantActive(j, c);
  const rmAtLeast = Math.max(0, active.length - want);
  let remove: Pod[] = [];
  let left = active;
  if (isIndexed(j)) ({ remove, left } = duplicateIndexPods(j, active));
  if (remove.length < rmAtLeast) remove = [...remove, ...sortForDeletion(left).slice(0, rmAtLeast - remove.length)];
  if (remove.length) return { remove: remove.slice(0, MAX_POD_CHANGES_PER_SYNC), create: 0 };

  const terminating = onlyReplaceFailed(j) ? c.terminating : 0;
  let diff = Math.min(want - terminating - active.length, MAX_POD_CHANGES_PER_SYNC);
  if (diff <= 0) return { remove: [], create: 0 };
  // Upstream keeps a backoff per index with backoffLimitPerIndex; here the Job-wide one applies.
  const backoffMs = backoffRemainingMs(j, pods, now, cfg);
  if (backoffMs > 0) return { remove: [], create: 0, backoffMs };
  if (!isIndexed(j)) return { remove: [], create: diff };
  const busy = new Set<number>([...c.succeededIndexes, ...(c.failedIndexes ?? [])]);
  for (const p of pods) {
    const ix = validIndex(j, p);
    if (ix !== undefined && (isActive(p) || (terminating > 0 && isTerminatingPod(p)))) busy.add(ix);
  }
  const indexes: number[] = [];
  for (let ix = 0; ix < (j.spec.completions ?? 0) && diff > 0; ix++) {
    if (busy.has(ix)) continue;
    indexes.push(ix);
    diff--;
  }
  return { remove: [], create: indexes.length, indexes };
}

/** Whether the Job is done: completions reached (or, without completions, one success) and nothing active. */
export function isComplete(j: Job, c: JobCounts, active: number): boolean {
  if (j.spec.completions === undefined) return c.succeeded > 0 && active === 0;
  return c.succeeded >= j.spec.completions && active === 0;
}

/** The Suspended condition after this sync (upstream keeps a False one once it existed), and the event. */
export function suspendCondition(j: Job, now: number): { conditions: JobCondition[]; event?: [string, string]; resumed: boolean } {
  const list = [...(j.status?.conditions ?? [])];
  const i = list.findIndex((x) => x.type === 'Suspended');
  const want = isSuspended(j)
    ? { status: 'True' as const, reason: 'JobSuspended', message: 'Job suspended' }
    : { status: 'False' as const, reason: 'JobResumed', message: 'Job resumed' };
  const cur = i >= 0 ? list[i] : undefined;
  if (cur && cur.status === want.status && cur.reason === want.reason && cur.message === want.message) return { conditions: list, resumed: false };
  if (!cur && want.status === 'False') return { conditions: list, resumed: false };
  const c = newCondition('Suspended', want.status, want.reason, want.message, now);
  if (i >= 0) list[i] = c;
  else list.push(c);
  return isSuspended(j) ? { conditions: list, event: ['Suspended', 'Job suspended'], resumed: false } : { conditions: list, event: ['Resumed', 'Job resumed'], resumed: true };
}

/** The tracking step: which finished pods enter uncountedTerminatedPods, and whose finalizer goes. */
export interface Tracking {
  status: JobStatus;
  removeFinalizer: Pod[];
  /** Whether status differs from what is stored (written before the finalizers are removed). */
  changed: boolean;
}

/**
 * Adds the pods that finished since the last sync to status.uncountedTerminatedPods (Indexed Jobs:
 * succeeded indexes go straight to completedIndexes) and lists the pods whose finalizer may go:
 * every finished pod, and every pod once the Job is finishing or deleted. A pod counted once never
 * counts again: its UID stays in the uncounted lists until its finalizer is gone, and a pod without
 * the finalizer is never looked at.
 */
export function trackFinishedPods(j: Job, status: JobStatus, pods: Pod[], c: JobCounts, finishing: JobCondition | undefined): Tracking {
  const indexed = isIndexed(j);
  const completions = j.spec.completions ?? 0;
  const unc = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
  const uncS = new Set(unc.succeeded);
  const uncF = new Set(unc.failed);
  let changed = false;
  const removeFinalizer: Pod[] = [];
  const failing = finishing !== undefined && finishing.type !== 'SuccessCriteriaMet';
  for (const p of pods) {
    if (!hasTrackingFinalizer(p)) continue;
    const failed = isPodFailed(p, j);
    const succeeded = p.status?.phase === 'Succeeded';
    const canRemove = !!j.metadata.deletionTimestamp || finishing !== undefined || succeeded || failed;
    if (!canRemove) continue;
    removeFinalizer.push(p);
    const uid = p.metadata.uid!;
    const ix = completionIndexOf(p);
    const validIx = !indexed || (ix !== undefined && ix < completions);
    if (succeeded && !uncF.has(uid)) {
      if (!indexed && !uncS.has(uid)) {
        unc.succeeded.push(uid);
        uncS.add(uid);
        changed = true;
      }
    } else if ((failed || failing) && !uncF.has(uid) && validIx) {
      if (matchPodFailurePolicy(j.spec.podFailurePolicy, p).countFailed) {
        unc.failed.push(uid);
        uncF.add(uid);
        changed = true;
      }
    }
  }
  const next: JobStatus = { ...status, uncountedTerminatedPods: unc };
  if (indexed) {
    const text = formatIndexes(c.succeededIndexes);
    if (text !== (status.completedIndexes ?? '')) changed = true;
    next.completedIndexes = text;
    next.succeeded = c.succeededIndexes.length;
    if (c.failedIndexes) {
      const f = formatIndexes(c.failedIndexes);
      if (f !== status.failedIndexes) changed = true;
      next.failedIndexes = f;
    }
  }
  return { status: next, removeFinalizer, changed };
}

/**
 * Moves the UIDs of pods whose finalizer is gone (or that are gone) from the uncounted lists into
 * the counters. uidsWithFinalizer: the pods that still carry it.
 */
export function countUncounted(status: JobStatus, uidsWithFinalizer: Set<string>): { status: JobStatus; changed: boolean } {
  const unc = status.uncountedTerminatedPods ?? {};
  const keepS = (unc.succeeded ?? []).filter((u) => uidsWithFinalizer.has(u));
  const keepF = (unc.failed ?? []).filter((u) => uidsWithFinalizer.has(u));
  const movedS = (unc.succeeded ?? []).length - keepS.length;
  const movedF = (unc.failed ?? []).length - keepF.length;
  if (!movedS && !movedF) return { status, changed: false };
  return {
    status: {
      ...status,
      succeeded: (status.succeeded ?? 0) + movedS,
      failed: (status.failed ?? 0) + movedF,
      uncountedTerminatedPods: { succeeded: keepS, failed: keepF },
    },
    changed: true,
  };
}

/**
 * The final condition once nothing is uncounted and no pod is terminating: Failed from a
 * FailureTarget, Complete from SuccessCriteriaMet (with completionTime). Undefined: not yet.
 */
export function finalCondition(status: JobStatus, interim: JobCondition | undefined, now: number): JobStatus | undefined {
  if (!interim) return undefined;
  const unc = status.uncountedTerminatedPods ?? {};
  if ((unc.succeeded ?? []).length + (unc.failed ?? []).length > 0) return undefined;
  if ((status.terminating ?? 0) > 0) return undefined;
  const type = interim.type === 'SuccessCriteriaMet' ? 'Complete' : 'Failed';
  if (hasTrue(status, type)) return undefined;
  const cond = newCondition(type, 'True', interim.reason ?? '', interim.message ?? '', now);
  const conditions = [...(status.conditions ?? []).filter((x) => x.type !== type), cond];
  return { ...status, conditions, ...(type === 'Complete' ? { completionTime: cond.lastTransitionTime } : {}) };
}

/** Adds the interim condition to the status when it is not there yet. */
export function withInterim(status: JobStatus, interim: JobCondition): JobStatus {
  if (hasTrue(status, interim.type)) return status;
  return { ...status, conditions: [...(status.conditions ?? []).filter((x) => x.type !== interim.type), interim] };
}

export const successCondition = (now: number): JobCondition => newCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
