// The pure decisions of the CronJob controller (upstream's cronjob_controllerv2): which child Jobs
// are still active, whether a scheduled time is due now (startingDeadlineSeconds, suspend,
// concurrencyPolicy), the Job to create for it — named <cronjob>-<scheduled minutes since the
// epoch>, so that a restart can never create the same run twice — and which finished Jobs fall out
// of the history limits. Time is always a parameter: unit tests drive it with a fake clock.
import { finishedCondition, isJobFinished, CRONJOB_SCHEDULED_TIMESTAMP, type CronJob, type Job, type ObjectReference } from '../../lib/api/batch';
import { rfc3339 } from '../../lib/api/pod-conditions';
import { CronScheduleError, mostRecentSchedule, nextAfter, parseCronSchedule, wallClock, type CronSchedule } from '../../lib/api/cron-schedule';
import { deepCopy, ownerRefFor } from '../common/pod-utils';

export type CronEvent = ['Normal' | 'Warning', string, string];

/** Upstream adds 100 ms to the next schedule time, so the sync runs just after it. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

export const jobNameFor = (cj: CronJob, scheduled: number): string => `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;

export const childJobs = (cj: CronJob, jobs: Job[]): Job[] =>
  jobs.filter((j) => j.metadata.namespace === cj.metadata.namespace && (j.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === cj.metadata.uid));

export interface ActiveResult {
  active: ObjectReference[];
  lastSuccessfulTime?: string;
  events: CronEvent[];
  /** References to Jobs not in the cache: the controller confirms with a read before dropping them. */
  missing: ObjectReference[];
  changed: boolean;
}

/** Drops finished Jobs from status.active and advances lastSuccessfulTime. */
export function reconcileActive(cj: CronJob, children: Job[]): ActiveResult {
  const events: CronEvent[] = [];
  let active = [...(cj.status?.active ?? [])];
  let last = cj.status?.lastSuccessfulTime;
  let changed = false;
  const inActive = (uid?: string) => active.some((r) => r.uid === uid);
  for (const j of children) {
    const finished = finishedCondition(j);
    if (!inActive(j.metadata.uid) && !finished) {
      events.push(['Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`]);
    } else if (inActive(j.metadata.uid) && finished) {
      active = active.filter((r) => r.uid !== j.metadata.uid);
      events.push(['Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${finished.type}`]);
      changed = true;
    }
    const done = j.status?.completionTime;
    if (finished?.type === 'Complete' && done && (!last || Date.parse(done) > Date.parse(last))) {
      last = done;
      changed = true;
    }
  }
  const uids = new Set(children.map((j) => j.metadata.uid));
  const missing = active.filter((r) => !uids.has(r.uid));
  return { active, lastSuccessfulTime: last, events, missing, changed };
}

export type ScheduleDecision =
  | { action: 'wait'; requeueMs?: number; events: CronEvent[] }
  | { action: 'create'; scheduled: number; replace: boolean; requeueMs?: number; events: CronEvent[] };

function parse(cj: CronJob): CronSchedule | { error: CronEvent } {
  try {
    return parseCronSchedule(cj.spec.schedule, cj.spec.timeZone ?? '');
  } catch (e) {
    if (!(e instanceof CronScheduleError)) throw e;
    if (/time zone/.test(e.message)) return { error: ['Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(cj.spec.timeZone)}: ${e.message}`] };
    return { error: ['Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${e.message}`] };
  }
}

function requeueAfter(s: CronSchedule, now: number): number | undefined {
  const next = nextAfter(s, now);
  return next === undefined ? undefined : next + NEXT_SCHEDULE_DELTA_MS - now;
}

/** Whether a run is due now, given the active list already reconciled. */
export function scheduleDecision(cj: CronJob, now: number): ScheduleDecision {
  if (cj.metadata.deletionTimestamp) return { action: 'wait', events: [] };
  const s = parse(cj);
  if ('error' in s) return { action: 'wait', events: [s.error] };
  if (cj.spec.suspend) return { action: 'wait', events: [] };
  const events: CronEvent[] = [];
  const requeueMs = requeueAfter(s, now);
  const deadline = cj.spec.startingDeadlineSeconds;
  let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '');
  if (!Number.isFinite(earliest)) earliest = now;
  if (deadline !== undefined && deadline !== null) earliest = Math.max(earliest, now - deadline * 1000);
  if (earliest > now) return { action: 'wait', requeueMs, events };
  const recent = mostRecentSchedule(s, earliest, now);
  if (recent.missed > 100)
    events.push(['Warning', 'TooManyMissedTimes', `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`]);
  const scheduled = recent.time;
  if (scheduled === undefined) return { action: 'wait', requeueMs, events };
  if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
    events.push(['Warning', 'MissSchedule', `Missed scheduled time to start a job: ${new Date(scheduled).toUTCString().replace('GMT', '+0000')}`]);
    return { action: 'wait', requeueMs, events };
  }
  const name = jobNameFor(cj, scheduled);
  const last = cj.status?.lastScheduleTime ? Date.parse(cj.status.lastScheduleTime) : NaN;
  if ((cj.status?.active ?? []).some((r) => r.name === name) || last === scheduled) return { action: 'wait', requeueMs, events };
  const policy = cj.spec.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && (cj.status?.active ?? []).length > 0) {
    events.push(['Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid']);
    return { action: 'wait', requeueMs, events };
  }
  return { action: 'create', scheduled, replace: policy === 'Replace', requeueMs, events };
}

/** An instant as RFC 3339 in a zone (Go's time.Format(time.RFC3339) of t.In(zone)). */
export function rfc3339In(ms: number, timeZone: string | undefined): string {
  if (!timeZone || timeZone === 'UTC') return rfc3339(ms);
  const w = wallClock(ms, timeZone);
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, new Date(ms).getUTCSeconds());
  const off = Math.round((wallMs - Math.floor(ms / 1000) * 1000) / 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${new Date(wallMs).toISOString().slice(0, 19)}${off === 0 ? 'Z' : `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`}`;
}

/** The Job of one scheduled run: the template's labels, annotations and spec, owned by the CronJob. */
export function jobFromTemplate(cj: CronJob, scheduled: number): Job {
  const t = deepCopy(cj.spec.jobTemplate);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduled),
      namespace: cj.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}) },
      annotations: { ...(t.metadata?.annotations ?? {}), [CRONJOB_SCHEDULED_TIMESTAMP]: rfc3339In(scheduled, cj.spec.timeZone) },
      ownerReferences: [ownerRefFor(cj, 'batch/v1', 'CronJob')],
    },
    spec: t.spec,
  };
}

export const jobRef = (j: Job): ObjectReference => ({
  kind: 'Job', namespace: j.metadata.namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion,
});

/** Finished child Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit, oldest first. */
export function historyToDelete(cj: CronJob, children: Job[]): Job[] {
  const started = (j: Job) => Date.parse(j.status?.startTime ?? j.metadata.creationTimestamp ?? '') || 0;
  const out: Job[] = [];
  const pick = (type: string, limit: number | undefined) => {
    if (limit === undefined || limit === null) return;
    const done = children.filter((j) => isJobFinished(j) && finishedCondition(j)!.type === type && !j.metadata.deletionTimestamp).sort((a, b) => started(a) - started(b));
    out.push(...done.slice(0, Math.max(0, done.length - limit)));
  };
  pick('Complete', cj.spec.successfulJobsHistoryLimit);
  pick('Failed', cj.spec.failedJobsHistoryLimit);
  return out;
}
