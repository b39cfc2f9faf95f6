import assert from 'node:assert/strict';
import type { StorageClass } from '../../lib/api/storage';
import type { PV, PVC } from './match';
import { volumePhase, waitsForFirstConsumer } from './volume-phase';

const claim = (uid: string, extra: Partial<PVC['spec']> = {}, annotations?: Record<string, string>): PVC => ({
  metadata: { name: 'c', namespace: 'ns', uid, annotations },
  spec: { accessModes: ['ReadWriteOnce'], ...extra },
});
const pv = (phase: string | undefined, claimRef?: PV['spec']['claimRef'], deleting = false): PV => ({
  metadata: { name: 'v', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { hostPath: { path: '/x' }, claimRef },
  status: phase ? { phase } : undefined,
});

describe('pv-binder volume phase', () => {
  const ref = { namespace: 'ns', name: 'c', uid: 'u1' };
  const cases: [string, PV, PVC | undefined, string | undefined][] = [
    ['a new unclaimed volume becomes Available', pv('Pending'), undefined, 'Available'],
    ['an Available volume stays', pv('Available'), undefined, undefined],
    ['a bound volume whose claim exists stays', pv('Bound', ref), claim('u1'), undefined],
    ['a bound volume whose claim is gone is Released', pv('Bound', ref), undefined, 'Released'],
    ['a claim of the same name but another uid releases it', pv('Bound', ref), claim('u2'), 'Released'],
    ['a pre-bound volume (no uid yet) waits', pv('Pending', { namespace: 'ns', name: 'c' }), undefined, undefined],
    ['Released stays Released', pv('Released', ref), undefined, undefined],
    ['a deleting volume is left alone', pv('Bound', ref, true), undefined, undefined],
  ];
  for (const [title, v, c, want] of cases) it(title, () => assert.equal(volumePhase(v, () => c), want));

  it('WaitForFirstConsumer claims wait until a node is selected', () => {
    const classes: Record<string, StorageClass> = {
      wffc: { metadata: { name: 'wffc' }, provisioner: 'p', volumeBindingMode: 'WaitForFirstConsumer' },
      now: { metadata: { name: 'now' }, provisioner: 'p', volumeBindingMode: 'Immediate' },
    };
    const of = (n: string) => classes[n];
    assert.equal(waitsForFirstConsumer(claim('u', { storageClassName: 'wffc' }), of), true);
    assert.equal(waitsForFirstConsumer(claim('u', { storageClassName: 'wffc' }, { 'volume.kubernetes.io/selected-node': 'n1' }), of), false);
    assert.equal(waitsForFirstConsumer(claim('u', { storageClassName: 'wffc', volumeName: 'v' }), of), false);
    assert.equal(waitsForFirstConsumer(claim('u', { storageClassName: 'now' }), of), false);
    assert.equal(waitsForFirstConsumer(claim('u', {}), of), false);
  });
});
