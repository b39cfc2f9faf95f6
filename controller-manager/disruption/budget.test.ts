import assert from 'node:assert/strict';
import type { OwnerReference, Pod } from '../../lib/api/types';
import type { PodDisruptionBudget } from '../../lib/api/pdb';
import { BudgetError, countHealthy, disruptedPodMap, expectedPodCount, failSafeStatus, nextStatus, scaledValue, type ScaleLookup } from './budget';

const NOW = Date.parse('2026-03-01T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const rsRef: OwnerReference = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs1', controller: true };
const pod = (name: string, o: { ready?: boolean; deleting?: boolean; owner?: OwnerReference | null } = {}): Pod => ({
  metadata: {
    name, namespace: 'ns', labels: { app: 'web' },
    ownerReferences: o.owner === null ? undefined : [o.owner ?? rsRef],
    ...(o.deleting ? { deletionTimestamp: iso(NOW) } : {}),
  },
  spec: { containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});
const pdb = (spec: PodDisruptionBudget['spec'], status?: Partial<NonNullable<PodDisruptionBudget['status']>>, generation = 1): PodDisruptionBudget => ({
  metadata: { name: 'web', namespace: 'ns', generation },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  status: status ? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...status } : undefined,
});
/** The RS belongs to a Deployment of 6 replicas. */
const lookup: ScaleLookup = (ref) => (ref.uid === 'rs1' ? { uid: 'dep1', replicas: 6 } : undefined);

describe('disruption budget arithmetic', () => {
  it('scaled values (GetScaledValueFromIntOrPercent, rounding up)', () => {
    assert.equal(scaledValue(3, 10, true), 3);
    assert.equal(scaledValue('25%', 10, true), 3);
    assert.equal(scaledValue('25%', 10, false), 2);
    assert.throws(() => scaledValue('3', 10, true), /string is not a percentage/);
    assert.throws(() => scaledValue('x%', 10, true), BudgetError);
  });

  describe('expected pods and desired healthy', () => {
    const six = Array.from({ length: 6 }, (_, i) => pod(`p${i}`));
    const cases: [string, PodDisruptionBudget['spec'], Pod[], [number, number]][] = [
      ['minAvailable 5: expected = the pods', { minAvailable: 5 }, six, [6, 5]],
      ['minAvailable 5 with a pod gone: expected follows the pods', { minAvailable: 5 }, six.slice(1), [5, 5]],
      ['minAvailable 50%: expected = the deployment\'s replicas', { minAvailable: '50%' }, six.slice(2), [6, 3]],
      ['maxUnavailable 1: the deployment\'s replicas minus one', { maxUnavailable: 1 }, six.slice(3), [6, 5]],
      ['maxUnavailable 10%: rounded up, so one may go', { maxUnavailable: '10%' }, six, [6, 5]],
      ['maxUnavailable larger than the scale: desired 0', { maxUnavailable: 10 }, six, [6, 0]],
      ['neither: nothing expected', {}, six, [0, 0]],
    ];
    for (const [title, spec, pods, [expected, desired]] of cases) {
      it(title, () => {
        const c = expectedPodCount(pdb(spec), pods, lookup);
        assert.deepEqual([c.expected, c.desiredHealthy], [expected, desired]);
      });
    }
    it('a pod without a controller is unmanaged (scale needed)', () => {
      const c = expectedPodCount(pdb({ maxUnavailable: 1 }), [pod('a', { owner: null }), pod('b')], lookup);
      assert.deepEqual(c, { expected: 6, desiredHealthy: 5, unmanaged: ['a'] });
    });
    it('a controller that cannot be found is an error', () => {
      const other = { ...rsRef, uid: 'nope' };
      assert.throws(() => expectedPodCount(pdb({ maxUnavailable: 1 }), [pod('a', { owner: other })], lookup), /found no controllers for pod "a"/);
    });
  });

  describe('disrupted pods and healthy count', () => {
    const recent = iso(NOW - 30_000);
    const old = iso(NOW - 3 * 60_000);
    const b = pdb({ minAvailable: 1 }, { disruptedPods: { a: recent, b: old, gone: recent, c: recent } });
    const pods = [pod('a'), pod('b'), pod('c', { deleting: true }), pod('d'), pod('e', { ready: false })];
    const m = disruptedPodMap(pods, b, NOW);
    it('keeps recent evictions of pods not yet deleting; drops deleted, deleting and expired ones', () => {
      assert.deepEqual(m.map, { a: recent });
      assert.deepEqual(m.notDeleted.map((p) => p.metadata.name), ['b']);
      assert.equal(m.recheckAt, NOW - 30_000 + 120_000);
    });
    it('healthy: ready, not deleting, not just evicted', () => assert.equal(countHealthy(pods, m.map, NOW), 2));
  });

  describe('status', () => {
    it('allowed = healthy - desired, with the condition and the generation observed', () => {
      const st = nextStatus(pdb({ minAvailable: 5 }, {}), 6, 5, 6, {}, NOW)!;
      assert.deepEqual(
        { ...st, conditions: st.conditions!.map((c) => [c.type, c.status, c.reason]) },
        { currentHealthy: 6, desiredHealthy: 5, expectedPods: 6, disruptionsAllowed: 1, observedGeneration: 1, conditions: [['DisruptionAllowed', 'True', 'SufficientPods']] },
      );
    });
    it('never negative, and nothing allowed while no pods are expected', () => {
      assert.equal(nextStatus(pdb({ minAvailable: 5 }), 3, 5, 6, {}, NOW)!.disruptionsAllowed, 0);
      assert.equal(nextStatus(pdb({ minAvailable: 0 }), 2, 0, 0, {}, NOW)!.disruptionsAllowed, 0);
    });
    it('unchanged: nothing to write', () => {
      const b = pdb({ minAvailable: 5 }, {});
      b.status = nextStatus(b, 6, 5, 6, {}, NOW);
      assert.equal(nextStatus(b, 6, 5, 6, {}, NOW + 1000), undefined);
      assert.ok(nextStatus(b, 5, 5, 6, {}, NOW + 1000), 'a changed count is written');
      assert.ok(nextStatus({ ...b, metadata: { ...b.metadata, generation: 2 } }, 6, 5, 6, {}, NOW), 'a new generation is written');
    });
    it('fail safe: nothing allowed, SyncFailed with the message', () => {
      const st = failSafeStatus(pdb({ minAvailable: 5 }, { disruptionsAllowed: 3, observedGeneration: 1 }), 'found no controllers for pod "a"', NOW);
      assert.equal(st.disruptionsAllowed, 0);
      assert.deepEqual(st.conditions!.map((c) => [c.status, c.reason, c.message]), [['False', 'SyncFailed', 'found no controllers for pod "a"']]);
    });
  });
});
