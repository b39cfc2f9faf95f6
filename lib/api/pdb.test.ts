import assert from 'node:assert/strict';
import { conditionsAreUpToDate, setStatusCondition, withDisruptionAllowedCondition, type PodDisruptionBudget } from './pdb';
import { withPodCondition } from './pod-conditions';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const T1 = Date.parse('2026-01-01T00:01:00Z');

describe('PodDisruptionBudget conditions', () => {
  it('DisruptionAllowed follows disruptionsAllowed; the transition time moves only with the status', () => {
    const base = { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, observedGeneration: 1 };
    const a = withDisruptionAllowedCondition({ ...base, disruptionsAllowed: 1 }, T0);
    assert.deepEqual(a.conditions, [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z' }]);
    const same = withDisruptionAllowedCondition({ ...a, disruptionsAllowed: 2 }, T1);
    assert.equal(same.conditions![0].lastTransitionTime, '2026-01-01T00:00:00Z');
    const b = withDisruptionAllowedCondition({ ...a, disruptionsAllowed: 0 }, T1);
    assert.deepEqual([b.conditions![0].status, b.conditions![0].reason, b.conditions![0].lastTransitionTime], ['False', 'InsufficientPods', '2026-01-01T00:01:00Z']);
  });

  it('setStatusCondition keeps the other conditions', () => {
    const list = setStatusCondition([{ type: 'Other', status: 'True', reason: 'R', message: '', lastTransitionTime: 'x' }], { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: 'boom' }, T0);
    assert.deepEqual(list.map((c) => c.type), ['Other', 'DisruptionAllowed']);
  });

  describe('conditionsAreUpToDate', () => {
    const pdb = (allowed: number, cond?: [string, string], observed = 1, generation = 1): PodDisruptionBudget => ({
      metadata: { name: 'b', generation },
      spec: {},
      status: {
        disruptionsAllowed: allowed, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, observedGeneration: observed,
        conditions: cond ? [{ type: 'DisruptionAllowed', status: cond[0] as 'True', reason: cond[1], message: '', lastTransitionTime: 'x' }] : undefined,
      },
    });
    const cases: [string, PodDisruptionBudget, boolean][] = [
      ['allowed and True/SufficientPods', pdb(1, ['True', 'SufficientPods']), true],
      ['none allowed and False/InsufficientPods', pdb(0, ['False', 'InsufficientPods']), true],
      ['allowed but False', pdb(1, ['False', 'InsufficientPods']), false],
      ['SyncFailed is not up to date', pdb(0, ['False', 'SyncFailed']), false],
      ['no condition', pdb(0), false],
      ['a newer generation', pdb(1, ['True', 'SufficientPods'], 1, 2), false],
    ];
    for (const [title, p, want] of cases) it(title, () => assert.equal(conditionsAreUpToDate(p), want));
  });
});

describe('pod conditions (UpdatePodCondition)', () => {
  const cond = { type: 'DisruptionTarget', status: 'True' as const, reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };
  it('adds a missing condition with the time now', () => {
    const r = withPodCondition({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }, cond, T0);
    assert.equal(r.changed, true);
    assert.deepEqual(r.status.conditions![1], { ...cond, lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z' });
  });
  it('the same condition again changes nothing', () => {
    const first = withPodCondition({}, cond, T0).status;
    const again = withPodCondition(first, cond, T1);
    assert.equal(again.changed, false);
    assert.equal(again.status.conditions![0].lastTransitionTime, '2026-01-01T00:00:00Z');
  });
  it('a new status is a transition', () => {
    const first = withPodCondition({}, cond, T0).status;
    const r = withPodCondition(first, { ...cond, status: 'False' }, T1);
    assert.equal(r.changed, true);
    assert.equal(r.status.conditions![0].lastTransitionTime, '2026-01-01T00:01:00Z');
  });
  it('a new reason with the same status keeps the transition time', () => {
    const first = withPodCondition({}, cond, T0).status;
    const r = withPodCondition(first, { ...cond, reason: 'EvictionByEvictionAPI' }, T1);
    assert.equal(r.changed, true);
    assert.equal(r.status.conditions![0].lastTransitionTime, '2026-01-01T00:00:00Z');
  });
});
