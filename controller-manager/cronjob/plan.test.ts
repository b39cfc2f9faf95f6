import { strict as assert } from 'node:assert';
import type { CronJob, Job } from '../../lib/api/batch';
import { historyToDelete, jobFromTemplate, jobNameFor, reconcileActive, rfc3339In, scheduleDecision } from './plan';

const at = (s: string) => Date.parse(s);
const CREATED = '2026-01-01T00:00:10Z';

function mkCron(spec: Partial<CronJob['spec']> = {}, status: CronJob['status'] = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'tick', namespace: 'default', uid: 'cj-uid', creationTimestamp: CREATED },
    spec: {
      schedule: '*/1 * * * *', timeZone: 'UTC', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { app: 'tick' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } },
      ...spec,
    },
    status,
  };
}

function mkJob(name: string, done?: 'Complete' | 'Failed', o: { start?: string; completion?: string } = {}): Job {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true }] },
    spec: { template: { spec: { containers: [] } } },
    status: { startTime: o.start, ...(done ? { conditions: [{ type: done, status: 'True' }], completionTime: o.completion } : {}) },
  };
}

const ref = (name: string) => ({ kind: 'Job', name, namespace: 'default', uid: `uid-${name}`, apiVersion: 'batch/v1' });

describe('cronjob plan: scheduling with a fake clock', () => {
  it('waits before the first time, then creates the run of the most recent minute', () => {
    const cj = mkCron();
    const before = scheduleDecision(cj, at('2026-01-01T00:00:50Z'));
    assert.deepEqual(before, { action: 'wait', requeueMs: 10_100, events: [] });
    const due = scheduleDecision(cj, at('2026-01-01T00:03:05Z'));
    assert.equal(due.action, 'create');
    assert.equal(due.action === 'create' && due.scheduled, at('2026-01-01T00:03:00Z'));
    assert.equal(due.requeueMs, 55_100);
  });

  it('does not run the same time twice', () => {
    const cj = mkCron({}, { lastScheduleTime: '2026-01-01T00:03:00Z' });
    assert.equal(scheduleDecision(cj, at('2026-01-01T00:03:30Z')).action, 'wait');
    const named = mkCron({}, { active: [ref(jobNameFor(mkCron(), at('2026-01-01T00:03:00Z')))] });
    assert.equal(scheduleDecision(named, at('2026-01-01T00:03:30Z')).action, 'wait');
  });

  it('Forbid skips while a run is active; Replace replaces it; Allow runs beside it', () => {
    const now = at('2026-01-01T00:05:01Z');
    const status = { active: [ref('tick-29440084')], lastScheduleTime: '2026-01-01T00:04:00Z' };
    const forbid = scheduleDecision(mkCron({ concurrencyPolicy: 'Forbid' }, status), now);
    assert.equal(forbid.action, 'wait');
    assert.deepEqual(forbid.events, [['Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid']]);
    const replace = scheduleDecision(mkCron({ concurrencyPolicy: 'Replace' }, status), now);
    assert.equal(replace.action === 'create' && replace.replace, true);
    const allow = scheduleDecision(mkCron({ concurrencyPolicy: 'Allow' }, status), now);
    assert.equal(allow.action === 'create' && !allow.replace, true);
  });

  it('startingDeadlineSeconds: a run older than the deadline is not started', () => {
    // The last run was long ago; the deadline window only looks back 30 s, so the 00:05 run is too late at 00:05:45.
    const cj = mkCron({ startingDeadlineSeconds: 30, schedule: '*/5 * * * *' }, { lastScheduleTime: '2026-01-01T00:00:00Z' });
    const late = scheduleDecision(cj, at('2026-01-01T00:05:45Z'));
    assert.equal(late.action, 'wait');
    const ok = scheduleDecision(cj, at('2026-01-01T00:05:20Z'));
    assert.equal(ok.action, 'create');
  });

  it('reports more than 100 missed times and still runs the most recent', () => {
    const d = scheduleDecision(mkCron(), at('2026-01-02T00:00:30Z'));
    assert.equal(d.action === 'create' && d.scheduled, at('2026-01-02T00:00:00Z'));
    assert.equal(d.events[0][1], 'TooManyMissedTimes');
  });

  it('a suspended CronJob creates nothing; a bad time zone says so', () => {
    assert.deepEqual(scheduleDecision(mkCron({ suspend: true }), at('2026-01-01T00:05:00Z')), { action: 'wait', events: [] });
    const bad = scheduleDecision(mkCron({ timeZone: 'Mars/Olympus' }), at('2026-01-01T00:05:00Z'));
    assert.equal(bad.events[0][1], 'UnknownTimeZone');
  });

  it('names the Job <cronjob>-<minutes since the epoch> and stamps the scheduled time in the zone', () => {
    const t = at('2026-01-01T00:03:00Z');
    const j = jobFromTemplate(mkCron({ timeZone: 'America/New_York' }), t);
    assert.equal(j.metadata.name, `tick-${t / 60_000}`);
    assert.equal(j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2025-12-31T19:03:00-05:00');
    assert.equal(j.metadata.labels?.app, 'tick');
    assert.equal(j.metadata.ownerReferences?.[0].kind, 'CronJob');
    assert.equal(rfc3339In(t, undefined), '2026-01-01T00:03:00Z');
  });
});

describe('cronjob plan: active list and history', () => {
  it('drops finished runs from active and advances lastSuccessfulTime', () => {
    const cj = mkCron({}, { active: [ref('a'), ref('b'), ref('gone')] });
    const r = reconcileActive(cj, [mkJob('a', 'Complete', { completion: '2026-01-01T00:02:00Z' }), mkJob('b'), mkJob('c')]);
    assert.deepEqual(r.active.map((x) => x.name), ['b', 'gone']);
    assert.deepEqual(r.missing.map((x) => x.name), ['gone']);
    assert.equal(r.lastSuccessfulTime, '2026-01-01T00:02:00Z');
    assert.deepEqual(r.events.map((e) => e[1]), ['SawCompletedJob', 'UnexpectedJob']);
  });

  it('keeps the newest finished runs within the limits', () => {
    const cj = mkCron({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 0 });
    const jobs = [
      mkJob('s1', 'Complete', { start: '2026-01-01T00:01:00Z' }),
      mkJob('s2', 'Complete', { start: '2026-01-01T00:02:00Z' }),
      mkJob('f1', 'Failed', { start: '2026-01-01T00:03:00Z' }),
      mkJob('r', undefined, { start: '2026-01-01T00:04:00Z' }),
    ];
    assert.deepEqual(historyToDelete(cj, jobs).map((j) => j.metadata.name), ['s1', 'f1']);
  });
});
