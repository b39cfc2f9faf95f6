import assert from 'node:assert/strict';
import { mkPod, mkRS } from '../../test/fixtures/controller-manager/objects';
import { claimPods, computeRSStatus, podFromTemplate, replicaDiff, sortForDeletion, statusEqual } from './replica-plan';

describe('replicaset plan', () => {
  const rs = mkRS('web', 3, { app: 'web' });
  const owned = (name: string, state: Parameters<typeof mkPod>[1], created?: string) => mkPod(name, state, { owner: rs, created });

  describe('replicaDiff', () => {
    const cases: { title: string; replicas: number; pods: ReturnType<typeof mkPod>[]; create: number; remove: string[] }[] = [
      { title: 'scale up from zero', replicas: 3, pods: [], create: 3, remove: [] },
      { title: 'steady', replicas: 2, pods: [owned('a', 'ready'), owned('b', 'ready')], create: 0, remove: [] },
      { title: 'scale down removes the least useful', replicas: 1, pods: [owned('a', 'ready'), owned('b', 'pending'), owned('c', 'unscheduled')], create: 0, remove: ['c', 'b'] },
      { title: 'terminating pods do not count', replicas: 2, pods: [owned('a', 'ready'), { ...owned('b', 'ready'), metadata: { ...owned('b', 'ready').metadata, deletionTimestamp: 'x' } }], create: 1, remove: [] },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const d = replicaDiff({ ...rs, spec: { ...rs.spec, replicas: c.replicas } }, c.pods);
        assert.equal(d.create, c.create);
        assert.deepEqual(d.remove.map((p) => p.metadata.name), c.remove);
      });
    }
  });

  it('delete order: unscheduled < pending < not ready < ready, newer first', () => {
    const pods = [
      owned('ready-old', 'ready', '2024-01-01T00:00:00Z'),
      owned('ready-new', 'ready', '2024-01-02T00:00:00Z'),
      owned('notready', 'notready'),
      owned('pending', 'pending'),
      owned('unscheduled', 'unscheduled'),
    ];
    assert.deepEqual(sortForDeletion(pods).map((p) => p.metadata.name), ['unscheduled', 'pending', 'notready', 'ready-new', 'ready-old']);
  });

  it('claims owned pods, adopts orphans, releases non-matching, ignores others', () => {
    const foreign = mkPod('foreign', 'ready', { owner: mkRS('other', 1) });
    const orphan = mkPod('orphan', 'ready');
    const relabeled = mkPod('relabeled', 'ready', { owner: rs, labels: { app: 'db' } });
    const terminatingOrphan = mkPod('dying', 'ready');
    terminatingOrphan.metadata.deletionTimestamp = 'x';
    const c = claimPods(rs, [owned('mine', 'ready'), foreign, orphan, relabeled, terminatingOrphan, mkPod('unrelated', 'ready', { labels: { app: 'x' } })]);
    assert.deepEqual(c.owned.map((p) => p.metadata.name), ['mine']);
    assert.deepEqual(c.adopt.map((p) => p.metadata.name), ['orphan']);
    assert.deepEqual(c.release.map((p) => p.metadata.name), ['relabeled']);
  });

  it('pods from the template carry a controller reference and generateName', () => {
    const p = podFromTemplate(rs);
    assert.equal(p.metadata.generateName, 'web-');
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(p.metadata.labels, { app: 'web' });
  });

  it('status counts active, labeled, ready and available pods', () => {
    const s = computeRSStatus({ ...rs, metadata: { ...rs.metadata, generation: 4 } }, [owned('a', 'ready'), owned('b', 'notready'), owned('c', 'pending')], Date.now());
    assert.deepEqual(s, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 1, availableReplicas: 1, observedGeneration: 4 });
  });

  describe('the ReplicaFailure condition', () => {
    const NOW = Date.parse('2026-01-01T00:00:00Z');
    const failing = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2025-12-31T23:00:00Z', reason: 'FailedCreate', message: 'old' };
    const other = { type: 'Other', status: 'False' };
    const withConds = (conditions?: object[]) => ({ ...rs, status: { replicas: 0, ...(conditions ? { conditions } : {}) } }) as typeof rs;
    const cases: [string, object[] | undefined, { reason: 'FailedCreate' | 'FailedDelete'; message: string } | undefined, object[] | undefined][] = [
      ['a failed create adds it', undefined, { reason: 'FailedCreate', message: 'exceeded quota' }, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'FailedCreate', message: 'exceeded quota' }]],
      ['a failed delete adds it', [other], { reason: 'FailedDelete', message: 'boom' }, [other, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'FailedDelete', message: 'boom' }]],
      ['a present one is kept as it is', [failing], { reason: 'FailedCreate', message: 'new' }, [failing]],
      ['a round without failure removes it', [other, failing], undefined, [other]],
      ['none and no failure: no conditions', undefined, undefined, undefined],
    ];
    for (const [name, before, failure, want] of cases)
      it(name, () => assert.deepEqual(computeRSStatus(withConds(before), [], NOW, failure).conditions, want));

    it('a status differing only in conditions is written', () => {
      const s = computeRSStatus(withConds(undefined), [], NOW, { reason: 'FailedCreate', message: 'x' });
      assert.equal(statusEqual({ ...s, conditions: undefined }, s), false);
      assert.equal(statusEqual(s, s), true);
    });
  });
});
