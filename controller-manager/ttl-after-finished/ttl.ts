// When a finished Job with spec.ttlSecondsAfterFinished expires: the transition time of its
// Complete or Failed condition plus the TTL.
import { finishedCondition, type Job } from '../../lib/api/batch';

export type TtlDecision = { action: 'none' } | { action: 'delete' } | { action: 'wait'; ms: number };

export function ttlDecision(j: Job, now: number): TtlDecision {
  const ttl = j.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || j.metadata.deletionTimestamp) return { action: 'none' };
  const cond = finishedCondition(j);
  if (!cond) return { action: 'none' };
  const finished = cond.lastTransitionTime ? Date.parse(cond.lastTransitionTime) : NaN;
  // A finished Job without a transition time cannot expire (upstream reports an error and waits too).
  if (!Number.isFinite(finished)) return { action: 'none' };
  const left = finished + ttl * 1000 - now;
  return left <= 0 ? { action: 'delete' } : { action: 'wait', ms: left };
}
