import { strict as assert } from 'node:assert';
import { boundClaim, boundPV, choosePV, claimStatus, pvFits, type PV, type PVC } from './match';

const pv = (name: string, storage: string, extra: Partial<PV['spec']> = {}, phase = 'Available'): PV => ({
  metadata: { name },
  spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/data/${name}` }, ...extra },
  status: { phase },
});
const claim: PVC = { metadata: { name: 'c', namespace: 'ns', uid: 'u1', resourceVersion: '7' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };

describe('pv-binder matching', () => {
  it('picks the smallest Available hostPath PV that fits', () => {
    const pvs = [pv('big', '10Gi'), pv('small', '2Gi'), pv('tiny', '500Mi'), pv('taken', '1Gi', { claimRef: { namespace: 'x', name: 'y', uid: 'z' } })];
    assert.equal(choosePV(claim, pvs)?.metadata.name, 'small');
  });

  it('checks storage class, access modes and the volume source', () => {
    assert.equal(pvFits(pv('a', '5Gi', { storageClassName: 'fast' }), claim), false);
    assert.equal(pvFits(pv('a', '5Gi', { storageClassName: 'fast' }), { ...claim, spec: { ...claim.spec, storageClassName: 'fast' } }), true);
    assert.equal(pvFits(pv('a', '5Gi', { accessModes: ['ReadOnlyMany'] }), claim), false);
    assert.equal(pvFits({ ...pv('a', '5Gi'), spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'] } }, claim), false);
  });

  it('honours pre-binding from either side', () => {
    const pre = pv('pre', '9Gi', { claimRef: { namespace: 'ns', name: 'c' } });
    assert.equal(choosePV(claim, [pv('small', '2Gi'), pre])?.metadata.name, 'pre');
    assert.equal(choosePV({ ...claim, spec: { ...claim.spec, volumeName: 'big' } }, [pv('small', '2Gi'), pv('big', '10Gi')])?.metadata.name, 'big');
  });

  it('a WaitForFirstConsumer claim takes only a volume pre-bound to it (the scheduler chooses)', () => {
    assert.equal(choosePV(claim, [pv('small', '2Gi')], true), undefined);
    assert.equal(choosePV(claim, [pv('small', '2Gi'), pv('pre', '9Gi', { claimRef: { namespace: 'ns', name: 'c', uid: 'u1' } })], true)?.metadata.name, 'pre');
  });

  it('builds the bound objects', () => {
    const v = boundPV(pv('small', '2Gi'), claim);
    assert.deepEqual(v.spec.claimRef, { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'ns', name: 'c', uid: 'u1', resourceVersion: '7' });
    const c = boundClaim(claim, v);
    assert.equal(c.spec.volumeName, 'small');
    assert.equal(c.metadata.annotations!['pv.kubernetes.io/bind-completed'], 'yes');
    assert.deepEqual(claimStatus(v), { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
  });
});
