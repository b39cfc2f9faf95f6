import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import { JOB_TRACKING_FINALIZER, type Job, type JobSpec, type JobStatus } from '../../lib/api/batch';
import {
  backoffRemainingMs, countPods, countUncounted, finalCondition, isComplete, matchSuccessPolicy, planPodChanges, suspendCondition, terminalCondition,
  trackFinishedPods, type JobPlanConfig,
} from './job-plan';
import { podForJob } from './job-pods';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const CFG: JobPlanConfig = { backoffBaseMs: 10_000, backoffMaxMs: 360_000 };

function mkJob(spec: Partial<JobSpec> = {}, status: JobStatus = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'job-uid' },
    spec: { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } }, ...spec },
    status,
  };
}

type State = 'running' | 'ready' | 'succeeded' | 'failed' | 'terminating';
let n = 0;
function mkPod(state: State, o: { index?: number; finalizer?: boolean; finishedAt?: number; exit?: number; created?: number; conditions?: { type: string; status: 'True' }[] } = {}): Pod {
  const name = `p${n++}`;
  const p: Pod = {
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: iso(o.created ?? T0),
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'job-uid', controller: true }],
      ...(o.finalizer === false ? {} : { finalizers: [JOB_TRACKING_FINALIZER] }),
      ...(o.index !== undefined ? { annotations: { 'batch.kubernetes.io/job-completion-index': String(o.index) } } : {}),
      ...(state === 'terminating' ? { deletionTimestamp: iso(T0) } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'n' },
    status: { phase: 'Running', conditions: state === 'ready' ? [{ type: 'Ready', status: 'True' }] : [] },
  };
  if (state === 'succeeded' || state === 'failed') {
    p.status = {
      phase: state === 'succeeded' ? 'Succeeded' : 'Failed',
      conditions: o.conditions ?? [],
      containerStatuses: [{ name: 'c', state: { terminated: { exitCode: o.exit ?? (state === 'succeeded' ? 0 : 1), finishedAt: iso(o.finishedAt ?? T0) } }, ready: false, restartCount: 0, image: 'i', imageID: '' }],
    };
  }
  return p;
}

describe('job plan: counting and pod changes', () => {
  it('creates up to parallelism, never more than the completions left', () => {
    const j = mkJob({ completions: 5, parallelism: 3 });
    assert.equal(planPodChanges(j, [], countPods(j, []), T0, CFG).create, 3);
    const pods = [mkPod('succeeded'), mkPod('succeeded'), mkPod('succeeded'), mkPod('running')];
    assert.equal(planPodChanges(j, pods, countPods(j, pods), T0, CFG).create, 1);
  });

  it('counts a pod once: not again while its UID is uncounted, never without the finalizer', () => {
    const j = mkJob({ completions: 3 }, { succeeded: 1 });
    const a = mkPod('succeeded');
    const b = mkPod('succeeded', { finalizer: false }); // counted before (in succeeded: 1)
    const j2 = mkJob({ completions: 3 }, { succeeded: 1, uncountedTerminatedPods: { succeeded: [a.metadata.uid!] } });
    assert.equal(countPods(j, [a, b]).succeeded, 2);
    assert.equal(countPods(j2, [a, b]).succeeded, 2);
    const tr = trackFinishedPods(j2, j2.status!, [a, b], countPods(j2, [a, b]), undefined);
    assert.deepEqual(tr.status.uncountedTerminatedPods?.succeeded, [a.metadata.uid]);
    assert.deepEqual(tr.removeFinalizer.map((p) => p.metadata.name), [a.metadata.name]);
    assert.equal(tr.changed, false);
  });

  it('moves UIDs into the counters only once the finalizer is gone', () => {
    const s: JobStatus = { succeeded: 1, failed: 0, uncountedTerminatedPods: { succeeded: ['a', 'b'], failed: ['c'] } };
    assert.deepEqual(countUncounted(s, new Set(['b'])).status, { succeeded: 2, failed: 1, uncountedTerminatedPods: { succeeded: ['b'], failed: [] } });
    assert.equal(countUncounted(s, new Set(['a', 'b', 'c'])).changed, false);
  });

  it('waits out the failure backoff: 10 s, then doubling, capped', () => {
    const j = mkJob({ completions: 1 });
    const one = [mkPod('failed', { finishedAt: T0 })];
    assert.equal(backoffRemainingMs(j, one, T0 + 4_000, CFG), 6_000);
    const three = [mkPod('failed', { finishedAt: T0 - 50_000 }), mkPod('failed', { finishedAt: T0 - 20_000 }), mkPod('failed', { finishedAt: T0 })];
    assert.equal(backoffRemainingMs(j, three, T0, CFG), 40_000);
    const many = Array.from({ length: 12 }, () => mkPod('failed', { finishedAt: T0 }));
    assert.equal(backoffRemainingMs(j, many, T0, CFG), 360_000);
    const afterSuccess = [mkPod('failed', { finishedAt: T0 - 1000 }), mkPod('succeeded', { finishedAt: T0 })];
    assert.equal(backoffRemainingMs(j, afterSuccess, T0, CFG), 0);
    const c = planPodChanges(j, one, countPods(j, one), T0 + 4_000, CFG);
    assert.deepEqual([c.create, c.backoffMs], [0, 6_000]);
  });

  it('deletes every active pod of a suspended Job and sets Suspended', () => {
    const j = mkJob({ completions: 4, parallelism: 2, suspend: true });
    const pods = [mkPod('running'), mkPod('ready')];
    assert.equal(planPodChanges(j, pods, countPods(j, pods), T0, CFG).remove.length, 2);
    const s = suspendCondition(j, T0);
    assert.equal(s.conditions[0].reason, 'JobSuspended');
    assert.deepEqual(s.event, ['Suspended', 'Job suspended']);
    const resumed = suspendCondition(mkJob({}, { conditions: s.conditions }), T0 + 1);
    assert.deepEqual([resumed.conditions[0].status, resumed.conditions[0].reason, resumed.resumed], ['False', 'JobResumed', true]);
    assert.equal(suspendCondition(mkJob(), T0).conditions.length, 0, 'never suspended: no condition');
  });

  it('removes excess pods, least advanced first', () => {
    const j = mkJob({ completions: undefined, parallelism: 1 });
    const ready = mkPod('ready');
    const running = mkPod('running');
    const c = planPodChanges(j, [ready, running], countPods(j, [ready, running]), T0, CFG);
    assert.deepEqual(c.remove.map((p) => p.metadata.name), [running.metadata.name]);
  });

  it('with podReplacementPolicy Failed, waits for terminating pods before replacing', () => {
    const j = mkJob({ completions: 2, parallelism: 2, podReplacementPolicy: 'Failed' });
    const pods = [mkPod('terminating'), mkPod('running')];
    assert.equal(planPodChanges(j, pods, countPods(j, pods), T0, CFG).create, 0);
    const j2 = mkJob({ completions: 2, parallelism: 2 });
    assert.equal(planPodChanges(j2, pods, countPods(j2, pods), T0 + 60_000, CFG).create, 1);
  });
});

describe('job plan: indexed jobs', () => {
  it('creates the lowest pending indexes and removes duplicates', () => {
    const j = mkJob({ completionMode: 'Indexed', completions: 5, parallelism: 3 });
    const pods = [mkPod('succeeded', { index: 0 }), mkPod('running', { index: 2 })];
    const c = countPods(j, pods);
    assert.deepEqual(c.succeededIndexes, [0]);
    assert.deepEqual(planPodChanges(j, pods, c, T0, CFG).indexes, [1, 3]);
    const dup = [mkPod('running', { index: 1, created: T0 }), mkPod('running', { index: 1, created: T0 + 1 }), mkPod('running', { index: 9 })];
    assert.equal(planPodChanges(j, dup, countPods(j, dup), T0, CFG).remove.length, 2);
  });

  it('writes completed indexes before the finalizers go', () => {
    const j = mkJob({ completionMode: 'Indexed', completions: 5, parallelism: 5 }, { completedIndexes: '0,1', succeeded: 2 });
    const pods = [mkPod('succeeded', { index: 2 }), mkPod('succeeded', { index: 4 })];
    const tr = trackFinishedPods(j, j.status!, pods, countPods(j, pods), undefined);
    assert.equal(tr.status.completedIndexes, '0-2,4');
    assert.equal(tr.status.succeeded, 4);
    assert.equal(tr.changed, true);
    assert.equal(tr.removeFinalizer.length, 2);
  });

  it('the pod of an index carries it: annotation, label, hostname and JOB_COMPLETION_INDEX', () => {
    const p = podForJob(mkJob({ completionMode: 'Indexed', completions: 3 }), 2);
    assert.equal(p.metadata.generateName, 'pi-2-');
    assert.equal(p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], '2');
    assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], '2');
    assert.equal(p.spec.hostname, 'pi-2');
    assert.deepEqual(p.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
    assert.deepEqual((p.spec.containers[0] as { env?: unknown[] }).env, [
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
    ]);
  });

  it('successPolicy: succeededIndexes and succeededCount', () => {
    const j = mkJob({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededIndexes: '0-2', succeededCount: 2 }, { succeededCount: 4 }] } });
    assert.equal(matchSuccessPolicy(j, [0, 3, 4]), undefined);
    assert.equal(matchSuccessPolicy(j, [0, 2]), 'Matched rules at index 0');
    assert.equal(matchSuccessPolicy(j, [3, 4, 0, 1]), 'Matched rules at index 0');
    const k = mkJob({ completionMode: 'Indexed', completions: 5, successPolicy: { rules: [{ succeededCount: 3 }] } });
    assert.equal(matchSuccessPolicy(k, [1, 3, 4]), 'Matched rules at index 0');
  });

  it('backoffLimitPerIndex fails an index, maxFailedIndexes the Job', () => {
    const j = mkJob({ completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimitPerIndex: 1, maxFailedIndexes: 0, backoffLimit: 2147483647 });
    const pods = [mkPod('failed', { index: 1 }), mkPod('failed', { index: 1 }), mkPod('failed', { index: 2 })];
    const c = countPods(j, pods);
    assert.deepEqual(c.failedIndexes, [1]);
    assert.equal(terminalCondition(j, pods, c, T0).condition?.reason, 'MaxFailedIndexesExceeded');
  });
});

describe('job plan: terminal conditions', () => {
  const cases: [string, Job, Pod[], number, string | undefined][] = [
    ['backoffLimit exceeded', mkJob({ backoffLimit: 1 }), [mkPod('failed'), mkPod('failed')], T0, 'BackoffLimitExceeded'],
    ['within backoffLimit', mkJob({ backoffLimit: 2 }), [mkPod('failed'), mkPod('failed')], T0, undefined],
    ['activeDeadlineSeconds passed', mkJob({ activeDeadlineSeconds: 5 }, { startTime: iso(T0) }), [mkPod('running')], T0 + 5_000, 'DeadlineExceeded'],
    ['activeDeadlineSeconds not yet', mkJob({ activeDeadlineSeconds: 5 }, { startTime: iso(T0) }), [mkPod('running')], T0 + 4_000, undefined],
    ['a suspended Job has no deadline', mkJob({ activeDeadlineSeconds: 5, suspend: true }, { startTime: iso(T0) }), [], T0 + 9_000, undefined],
    ['a Job being resumed counts its deadline from the resume', mkJob({ activeDeadlineSeconds: 5 }, { startTime: iso(T0), conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended' }] }), [], T0 + 9_000, undefined],
    [
      'podFailurePolicy FailJob',
      mkJob({ podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } }),
      [mkPod('failed', { exit: 42 })],
      T0,
      'PodFailurePolicy',
    ],
    [
      'podFailurePolicy Ignore on DisruptionTarget does not count',
      mkJob({ backoffLimit: 0, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } }),
      [mkPod('failed', { conditions: [{ type: 'DisruptionTarget', status: 'True' }] })],
      T0,
      undefined,
    ],
  ];
  for (const [what, j, pods, now, reason] of cases)
    it(what, () => {
      const got = terminalCondition(j, pods, countPods(j, pods), now).condition;
      assert.equal(got?.reason, reason);
      if (reason) assert.equal(got?.type, 'FailureTarget');
    });

  it('FailureTarget becomes Failed once nothing is uncounted or terminating', () => {
    const interim = { type: 'FailureTarget', status: 'True' as const, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    assert.equal(finalCondition({ uncountedTerminatedPods: { failed: ['x'] } }, interim, T0), undefined);
    assert.equal(finalCondition({ terminating: 1, uncountedTerminatedPods: {} }, interim, T0), undefined);
    const done = finalCondition({ conditions: [interim], terminating: 0, uncountedTerminatedPods: {} }, interim, T0)!;
    assert.deepEqual(done.conditions!.map((c) => [c.type, c.reason]), [['FailureTarget', 'BackoffLimitExceeded'], ['Failed', 'BackoffLimitExceeded']]);
    assert.equal(done.completionTime, undefined);
  });

  it('SuccessCriteriaMet becomes Complete with completionTime', () => {
    const interim = { type: 'SuccessCriteriaMet', status: 'True' as const, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    const done = finalCondition({ conditions: [interim], succeeded: 1, uncountedTerminatedPods: {} }, interim, T0)!;
    assert.deepEqual(done.conditions!.map((c) => c.type), ['SuccessCriteriaMet', 'Complete']);
    assert.equal(done.completionTime, iso(T0));
  });

  it('is complete at completions with nothing active; without completions at the first success', () => {
    const j = mkJob({ completions: 2 });
    const pods = [mkPod('succeeded'), mkPod('succeeded')];
    assert.equal(isComplete(j, countPods(j, pods), 0), true);
    assert.equal(isComplete(j, countPods(j, pods.slice(1)), 0), false);
    const w = mkJob({ completions: undefined, parallelism: 2 });
    assert.equal(isComplete(w, countPods(w, [mkPod('succeeded')]), 1), false);
    assert.equal(isComplete(w, countPods(w, [mkPod('succeeded')]), 0), true);
  });

  it('a failing Job counts its deleted running pods as failed and releases them', () => {
    const j = mkJob({ backoffLimit: 0 });
    const pods = [mkPod('terminating')];
    const interim = { type: 'FailureTarget', status: 'True' as const, reason: 'DeadlineExceeded' };
    const tr = trackFinishedPods(j, {}, pods, countPods(j, pods), interim);
    assert.deepEqual(tr.status.uncountedTerminatedPods?.failed, [pods[0].metadata.uid]);
    assert.equal(tr.removeFinalizer.length, 1);
  });
});
