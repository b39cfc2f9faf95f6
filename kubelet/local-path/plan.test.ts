import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import type { StorageClass } from '../../lib/api/storage';
import { claimsInUse, directoryFor, needsVolume, reclaimPlan, volumeFor, type Claim, type Volume } from './plan';

const cls: StorageClass = { metadata: { name: 'local-path' }, provisioner: 'k8ts.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' };
const claim = (over: Partial<Claim['metadata']> = {}, spec: Partial<Claim['spec']> = {}): Claim => ({
  metadata: { name: 'data-db-0', namespace: 'ns', uid: 'u1', resourceVersion: '5', annotations: { 'volume.kubernetes.io/selected-node': 'n1' }, ...over },
  spec: { storageClassName: 'local-path', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});

describe('local-path plan', () => {
  const cases: [string, Claim, StorageClass | undefined, Volume[], boolean][] = [
    ['a claim selected for this node is provisioned', claim(), cls, [], true],
    ['not when selected for another node', claim({ annotations: { 'volume.kubernetes.io/selected-node': 'n2' } }), cls, [], false],
    ['not before a node is selected', claim({ annotations: {} }), cls, [], false],
    ['not for another provisioner', claim(), { ...cls, provisioner: 'other.io/x' }, [], false],
    ['not when the class is missing', claim(), undefined, [], false],
    ['not twice', claim(), cls, [{ metadata: { name: 'pvc-u1' }, spec: {} }], false],
    ['not when bound', claim({}, { volumeName: 'v' }), cls, [], false],
    ['not while deleting', claim({ deletionTimestamp: 'x' }), cls, [], false],
    ['not for block volumes', claim({}, { volumeMode: 'Block' }), cls, [], false],
  ];
  for (const [title, c, k, vols, want] of cases) it(title, () => assert.equal(needsVolume(c, k, 'n1', vols), want));

  it('builds a pre-bound hostPath volume on this node under the base dir', () => {
    const v = volumeFor(claim(), cls, 'n1', 'n1-host', '/var/lib/k8ts/local-path');
    assert.equal(v.metadata.name, 'pvc-u1');
    assert.deepEqual(v.spec.hostPath, { path: '/var/lib/k8ts/local-path/pvc-u1_ns_data-db-0', type: 'DirectoryOrCreate' });
    assert.deepEqual(v.spec.nodeAffinity, { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1-host'] }] }] } });
    assert.deepEqual(v.spec.claimRef, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'ns', name: 'data-db-0', uid: 'u1', resourceVersion: '5' });
    assert.equal(v.spec.persistentVolumeReclaimPolicy, 'Delete');
    assert.deepEqual(v.spec.capacity, { storage: '1Gi' });
    assert.equal(v.spec.storageClassName, 'local-path');
    assert.equal(v.metadata.annotations!['pv.kubernetes.io/provisioned-by'], 'k8ts.io/local-path');
  });

  describe('reclaim', () => {
    const base = '/state/local-path';
    const vol = (name: string, phase: string, over: Partial<Volume['spec']> = {}, node = 'n1'): Volume => ({
      metadata: { name, uid: `uid-${name}`, annotations: { 'pv.kubernetes.io/provisioned-by': 'k8ts.io/local-path', 'k8ts.io/local-path-node': node } },
      spec: { persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: `${base}/${name}_ns_c` }, claimRef: { namespace: 'ns', name: `c-${name}` }, ...over },
      status: { phase },
    });
    it('deletes released Delete volumes of this node that no pod here uses, refuses paths outside the base dir', () => {
      const plan = reclaimPlan(
        [
          vol('gone', 'Released'),
          vol('bound', 'Bound'),
          vol('kept', 'Released', { persistentVolumeReclaimPolicy: 'Retain' }),
          vol('elsewhere', 'Released', {}, 'n2'),
          vol('used', 'Released'),
          vol('escape', 'Released', { hostPath: { path: '/etc' } }),
          vol('nested', 'Released', { hostPath: { path: `${base}/a/b` } }),
          vol('root', 'Released', { hostPath: { path: base } }),
        ],
        'n1',
        base,
        new Set(['ns/c-used']),
      );
      assert.deepEqual(
        plan.map((r) => ('dir' in r ? `${r.volume.metadata.name} rm ${r.dir}` : `${r.volume.metadata.name} refused`)),
        [`gone rm ${base}/gone_ns_c`, 'escape refused', 'nested refused', 'root refused'],
      );
    });

    it('counts claims of unfinished pods as in use', () => {
      const pod = (phase: string, claimName: string): Pod => ({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [], volumes: [{ name: 'd', persistentVolumeClaim: { claimName } }] }, status: { phase } }) as Pod;
      assert.deepEqual([...claimsInUse([pod('Running', 'a'), pod('Succeeded', 'b'), pod('Pending', 'c')])], ['ns/a', 'ns/c']);
    });
  });

  it('names directories as k3s does', () => assert.equal(directoryFor('/b', claim()), '/b/pvc-u1_ns_data-db-0'));
});
