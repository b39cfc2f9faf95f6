import assert from 'node:assert/strict';
import type { Deployment } from '../../lib/api/types';
import { mkDeployment } from '../../test/fixtures/controller-manager/objects';
import { newReplicaSetConditions, pausedConditions, rolloutConditions, stuckRequeueMs, withReplicaFailure, type Condition, type DeploymentStatus } from './progress';

const T0 = Date.parse('2024-05-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const prog = (reason: string, status: Condition['status'], at = T0, since = at): Condition => ({ type: 'Progressing', status, reason, message: 'm', lastUpdateTime: iso(at), lastTransitionTime: iso(since) });

function dep(o: { replicas?: number; deadline?: number | null; paused?: boolean; status?: DeploymentStatus } = {}): Deployment {
  const d = mkDeployment('web', o.replicas ?? 3);
  d.metadata.generation = 1;
  if (o.deadline === null) delete d.spec.progressDeadlineSeconds;
  else d.spec.progressDeadlineSeconds = o.deadline ?? 60;
  if (o.paused) d.spec.paused = true;
  if (o.status) d.status = o.status;
  return d;
}
const counts = (replicas: number, updated: number, available: number, conditions: Condition[] = []): DeploymentStatus => ({ observedGeneration: 1, replicas, updatedReplicas: updated, readyReplicas: available, availableReplicas: available, conditions });
const reason = (cs: Condition[] | undefined) => cs?.find((c) => c.type === 'Progressing')?.reason;

describe('deployment progress', () => {
  const rollout: { name: string; d: Deployment; s: DeploymentStatus; now: number; reason: string | undefined; message?: string }[] = [
    {
      name: 'complete: NewReplicaSetAvailable',
      d: dep({ status: counts(4, 2, 2, [prog('ReplicaSetUpdated', 'True')]) }),
      s: counts(3, 3, 3, [prog('ReplicaSetUpdated', 'True')]),
      now: T0 + 5_000,
      reason: 'NewReplicaSetAvailable',
      message: 'ReplicaSet "web-abc" has successfully progressed.',
    },
    {
      name: 'progress made: ReplicaSetUpdated',
      d: dep({ status: counts(4, 1, 2, [prog('NewReplicaSetCreated', 'True')]) }),
      s: counts(4, 2, 2, [prog('NewReplicaSetCreated', 'True')]),
      now: T0 + 5_000,
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "web-abc" is progressing.',
    },
    {
      name: 'no progress within the deadline: still progressing by the last update',
      d: dep({ status: counts(4, 1, 2, [prog('ReplicaSetUpdated', 'True')]) }),
      s: counts(4, 1, 2, [prog('ReplicaSetUpdated', 'True')]),
      now: T0 + 59_000,
      reason: 'ReplicaSetUpdated',
    },
    {
      name: 'no progress past the deadline: ProgressDeadlineExceeded',
      d: dep({ status: counts(4, 1, 2, [prog('ReplicaSetUpdated', 'True')]) }),
      s: counts(4, 1, 2, [prog('ReplicaSetUpdated', 'True')]),
      now: T0 + 61_000,
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-abc" has timed out progressing.',
    },
    {
      name: 'a finished rollout is not re-judged on resync',
      d: dep({ status: counts(3, 3, 3, [prog('NewReplicaSetAvailable', 'True')]) }),
      s: counts(3, 3, 2, [prog('NewReplicaSetAvailable', 'True')]),
      now: T0 + 600_000,
      reason: 'NewReplicaSetAvailable',
    },
    {
      name: 'a resumed rollout counts from the resume',
      d: dep({ status: counts(4, 1, 2, [prog('DeploymentResumed', 'Unknown', T0 + 50_000)]) }),
      s: counts(4, 1, 2, [prog('DeploymentResumed', 'Unknown', T0 + 50_000)]),
      now: T0 + 100_000,
      reason: 'DeploymentResumed',
    },
    { name: 'no deadline: no Progressing condition at all', d: dep({ deadline: null }), s: counts(3, 3, 3, [prog('ReplicaSetUpdated', 'True')]), now: T0, reason: undefined },
  ];
  for (const c of rollout) {
    it(c.name, () => {
      const out = rolloutConditions(c.d, c.s, 'web-abc', c.now);
      assert.equal(reason(out), c.reason);
      if (c.message) assert.equal(out.find((x) => x.type === 'Progressing')!.message, c.message);
    });
  }

  it('progress refreshes lastUpdateTime and keeps lastTransitionTime', () => {
    const d = dep({ status: counts(4, 1, 2, [prog('ReplicaSetUpdated', 'True', T0, T0 - 1000)]) });
    const out = rolloutConditions(d, counts(4, 2, 2, d.status!.conditions), 'web-abc', T0 + 30_000).find((x) => x.type === 'Progressing')!;
    assert.deepEqual([out.lastUpdateTime, out.lastTransitionTime], [iso(T0 + 30_000), iso(T0 - 1000)]);
  });

  it('pause and resume set Unknown conditions; a timeout is never overwritten', () => {
    const now = iso(T0);
    assert.equal(reason(pausedConditions(dep({ paused: true }), [prog('ReplicaSetUpdated', 'True')], now)), 'DeploymentPaused');
    const resumed = pausedConditions(dep(), [prog('DeploymentPaused', 'Unknown')], now)!;
    assert.deepEqual([reason(resumed), resumed[0].status, resumed[0].message], ['DeploymentResumed', 'Unknown', 'Deployment is resumed']);
    assert.equal(reason(pausedConditions(dep({ paused: true }), [prog('ProgressDeadlineExceeded', 'False')], now)), 'ProgressDeadlineExceeded');
    assert.equal(reason(pausedConditions(dep(), [prog('ReplicaSetUpdated', 'True')], now)), 'ReplicaSetUpdated');
    assert.deepEqual(pausedConditions(dep({ paused: true, deadline: null }), [], now), []);
  });

  it('a created ReplicaSet resets the clock; a found one only starts it when nothing did', () => {
    const now = iso(T0);
    const created = newReplicaSetConditions(dep(), [prog('NewReplicaSetAvailable', 'True', T0 - 9999)], 'web-new', true, now)!;
    assert.deepEqual([reason(created), created[0].message, created[0].lastUpdateTime], ['NewReplicaSetCreated', 'Created new replica set "web-new"', now]);
    assert.equal(reason(newReplicaSetConditions(dep(), [], 'web-new', false, now)), 'FoundNewReplicaSet');
    assert.equal(reason(newReplicaSetConditions(dep(), [prog('ReplicaSetUpdated', 'True')], 'web-new', false, now)), 'ReplicaSetUpdated');
  });

  it('a rollout that may get stuck is looked at again just after its deadline', () => {
    const s = counts(4, 1, 2, [prog('ReplicaSetUpdated', 'True')]);
    assert.equal(stuckRequeueMs(dep(), s, T0 + 10_000), 51_000);
    assert.equal(stuckRequeueMs(dep(), counts(3, 3, 3, [prog('NewReplicaSetAvailable', 'True')]), T0), undefined);
    assert.equal(stuckRequeueMs(dep(), counts(4, 1, 2, [prog('ProgressDeadlineExceeded', 'False')]), T0), undefined);
    assert.equal(stuckRequeueMs(dep({ paused: true }), s, T0), undefined);
  });

  describe('a ReplicaSet\'s ReplicaFailure moves up to the Deployment', () => {
    const fail = (reason: string, at: string) => ({ status: { conditions: [{ type: 'ReplicaFailure', status: 'True', reason, message: `${reason} msg`, lastTransitionTime: at }] } });
    const ok = { status: { conditions: [] } };
    const avail: Condition = { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' };
    const cases: { name: string; conds: Condition[]; newRS?: object; all: object[]; want: Condition[] }[] = [
      { name: 'none anywhere: nothing added', conds: [avail], newRS: ok, all: [ok, ok], want: [avail] },
      { name: 'the new set failing', conds: [avail], newRS: fail('FailedCreate', 't1'), all: [fail('FailedCreate', 't1')],
        want: [avail, { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'FailedCreate msg', lastUpdateTime: 't1', lastTransitionTime: 't1' }] },
      { name: 'the new set wins over an old one', conds: [], newRS: fail('FailedCreate', 't2'), all: [fail('FailedCreate', 't2'), fail('FailedDelete', 't1')],
        want: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'FailedCreate msg', lastUpdateTime: 't2', lastTransitionTime: 't2' }] },
      { name: 'an old set failing when the new one is fine', conds: [], newRS: ok, all: [ok, fail('FailedDelete', 't1')],
        want: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedDelete', message: 'FailedDelete msg', lastUpdateTime: 't1', lastTransitionTime: 't1' }] },
      { name: 'gone from every set: removed', conds: [avail, { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' }], newRS: ok, all: [ok], want: [avail] },
    ];
    for (const c of cases) it(c.name, () => assert.deepEqual(withReplicaFailure(c.conds, c.newRS, c.all), c.want));
  });
});
