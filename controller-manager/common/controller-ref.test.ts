import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { mkPod, mkRS } from '../../test/fixtures/controller-manager/objects';
import { claimByControllerRef, claimPods, REPLICASET_CLAIM_RULES } from './controller-ref';

const names = (ps: Pod[]) => ps.map((p) => p.metadata.name);
const deleting = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } });
const finished = (p: Pod): Pod => ({ ...p, status: { phase: 'Succeeded' } });

describe('claimByControllerRef (ControllerRefManager)', () => {
  const rs = mkRS('web', 2, { app: 'web' });
  const other = mkRS('other', 1, { app: 'web' });
  const own = (name: string, labels = { app: 'web' }) => mkPod(name, 'ready', { owner: rs, labels });
  const orphan = (name: string, labels = { app: 'web' }) => mkPod(name, 'ready', { labels });
  const elsewhere = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, namespace: 'elsewhere' } });

  const cases: [string, Pod[], string[], string[], string[]][] = [
    ['owned and matching: owned', [own('a')], ['a'], [], []],
    ['owned by another controller: left alone', [mkPod('b', 'ready', { owner: other })], [], [], []],
    ['matching orphan: adopted', [orphan('o')], [], ['o'], []],
    ['orphan that does not match: left alone', [orphan('x', { app: 'db' })], [], [], []],
    ['owned but relabelled: released', [own('r', { app: 'db' })], [], [], ['r']],
    ['another namespace: left alone', [elsewhere(orphan('n'))], [], [], []],
    // The ReplicaSet's rules: only active pods are adopted; a pod on its way out is not released.
    ['deleting orphan: not adopted', [deleting(orphan('d'))], [], [], []],
    ['finished orphan: not adopted by a ReplicaSet', [finished(orphan('f'))], [], [], []],
    ['deleting and relabelled: not released by a ReplicaSet', [deleting(own('dr', { app: 'db' }))], [], [], []],
  ];
  for (const [title, pods, owned, adopt, release] of cases) {
    it(title, () => {
      const c = claimPods(rs, pods);
      assert.deepEqual([names(c.owned), names(c.adopt), names(c.release)], [owned, adopt, release]);
    });
  }

  it('an owner being deleted adopts nothing', () => {
    const gone = { ...rs, metadata: { ...rs.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
    assert.deepEqual(claimPods(gone, [orphan('o')]).adopt, []);
  });

  it('the rules decide adoption and release', () => {
    const c = claimByControllerRef(rs, rs.spec.selector, [finished(orphan('f')), deleting(own('dr', { app: 'db' }))], { adoptable: () => true, releasable: () => true });
    assert.deepEqual([names(c.adopt), names(c.release)], [['f'], ['dr']]);
    assert.equal(REPLICASET_CLAIM_RULES.adoptable(finished(orphan('f'))), false);
  });
});
