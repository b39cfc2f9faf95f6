import assert from 'node:assert/strict';
import type { Pod } from '../../../lib/api/types';
import { mkNode } from '../../../test/fixtures/scheduler/objects';
import { fakeVolHandle, type VolWorld } from '../../../test/fixtures/scheduler/fake-handle-vol';
import { mkClaim, podWithVolumes, pvcVol } from '../../../test/fixtures/scheduler/volumes';
import { CycleState } from '../../framework/cycle-state';
import { newPodInfo } from '../../framework/pod-info';
import { deletedPodFrees, plugin, VolumeRestrictions, REASON_DISK_CONFLICT, REASON_RWOP_CONFLICT } from '.';
import { volumesConflict, type DiskVolume } from './disk-conflict';

const nodes = [mkNode('n1'), mkNode('n2')];
const gce = (pdName: string, readOnly?: boolean) => ({ gcePersistentDisk: { pdName, readOnly } });
const ebs = (volumeID: string) => ({ awsElasticBlockStore: { volumeID } });
const iscsi = (iqn: string, readOnly?: boolean) => ({ iscsi: { iqn, readOnly } });
const rbd = (monitors: string[], image: string, o: { pool?: string; readOnly?: boolean } = {}) => ({ rbd: { monitors, image, ...o } });

describe('VolumeRestrictions disk conflicts', () => {
  const cases: [string, DiskVolume, DiskVolume, boolean][] = [
    ['same GCE PD', gce('a'), gce('a'), true],
    ['same GCE PD, both read-only', gce('a', true), gce('a', true), false],
    ['same GCE PD, one read-only', gce('a', true), gce('a'), true],
    ['different GCE PDs', gce('a'), gce('b'), false],
    ['same EBS volume, even read-only', ebs('vol-1'), ebs('vol-1'), true],
    ['different EBS volumes', ebs('vol-1'), ebs('vol-2'), false],
    ['same ISCSI target', iscsi('iqn.a'), iscsi('iqn.a'), true],
    ['same ISCSI target, both read-only', iscsi('iqn.a', true), iscsi('iqn.a', true), false],
    ['RBD: overlapping monitors, same image', rbd(['m1', 'm2'], 'img'), rbd(['m2', 'm3'], 'img'), true],
    ['RBD: default pool equals "rbd"', rbd(['m1'], 'img'), rbd(['m1'], 'img', { pool: 'rbd' }), true],
    ['RBD: other pool', rbd(['m1'], 'img'), rbd(['m1'], 'img', { pool: 'other' }), false],
    ['RBD: no common monitor', rbd(['m1'], 'img'), rbd(['m9'], 'img'), false],
    ['RBD: both read-only', rbd(['m1'], 'img', { readOnly: true }), rbd(['m1'], 'img', { readOnly: true }), false],
    ['different kinds never conflict', gce('a'), ebs('a'), false],
  ];
  for (const [title, a, b, want] of cases) it(title, () => assert.equal(volumesConflict(a, b), want));
});

/** PreFilter, then Filter on each node: 'skip', the PreFilter rejection, or node → status. */
function run(w: VolWorld, p: Pod): unknown {
  const h = fakeVolHandle({ nodes, ...w });
  const pl = new VolumeRestrictions(h);
  const state = new CycleState();
  const pre = pl.preFilter(state, p, h.infos);
  if (pre.status.code === 'Skip') return 'skip';
  if (pre.status.code !== 'Success') return `${pre.status.code}: ${pre.status.reasons.join(', ')}`;
  return Object.fromEntries(h.infos.map((i) => {
    const s = pl.filter(state, p, i);
    return [i.name, s.code === 'Success' ? 'ok' : `${s.code}: ${s.reasons.join(', ')}`];
  }));
}

describe('plugin VolumeRestrictions', () => {
  const rwop = mkClaim('solo', { modes: ['ReadWriteOncePod'] });
  const rwo = mkClaim('shared', { modes: ['ReadWriteOnce'] });
  const U = 'UnschedulableAndUnresolvable';
  const cases: [string, VolWorld, Pod, unknown][] = [
    ['no disks and no claims: skipped', {}, podWithVolumes('p', [{ emptyDir: {} }]), 'skip'],
    ['a GCE PD in use on n1', { pods: [podWithVolumes('q', [gce('a')], { nodeName: 'n1' })] }, podWithVolumes('p', [gce('a')]), { n1: `Unschedulable: ${REASON_DISK_CONFLICT}`, n2: 'ok' }],
    ['a read-only GCE PD shared read-only', { pods: [podWithVolumes('q', [gce('a', true)], { nodeName: 'n1' })] }, podWithVolumes('p', [gce('a', true)]), { n1: 'ok', n2: 'ok' }],
    ['a missing claim', {}, podWithVolumes('p', [pvcVol('nope')]), `${U}: persistentvolumeclaim "nope" not found`],
    ['a ReadWriteOncePod claim nobody uses', { claims: [rwop] }, podWithVolumes('p', [pvcVol('solo')]), { n1: 'ok', n2: 'ok' }],
    [
      'a ReadWriteOncePod claim used by a pod on n2 rejects every node',
      { claims: [rwop], pods: [podWithVolumes('q', [pvcVol('solo')], { nodeName: 'n2' })] },
      podWithVolumes('p', [pvcVol('solo')]),
      { n1: `${U}: ${REASON_RWOP_CONFLICT}`, n2: `${U}: ${REASON_RWOP_CONFLICT}` },
    ],
    ['a ReadWriteOnce claim may be shared', { claims: [rwo], pods: [podWithVolumes('q', [pvcVol('shared')], { nodeName: 'n2' })] }, podWithVolumes('p', [pvcVol('shared')]), { n1: 'ok', n2: 'ok' }],
  ];
  for (const [title, w, p, want] of cases) it(title, () => assert.deepEqual(run(w, p), want));

  it('AddPod/RemovePod move the ReadWriteOncePod count (preemption of the user frees the claim)', () => {
    const user = podWithVolumes('q', [pvcVol('solo')], { nodeName: 'n1' });
    const h = fakeVolHandle({ nodes, claims: [rwop], pods: [user] });
    const pl = new VolumeRestrictions(h);
    const p = podWithVolumes('p', [pvcVol('solo')]);
    const state = new CycleState();
    pl.preFilter(state, p, h.infos);
    assert.equal(pl.filter(state, p, h.infos[0]).code, 'UnschedulableAndUnresolvable');
    const what = state.clone();
    assert.equal(pl.preFilterExtensions().removePod(what, p, newPodInfo(user), h.infos[0]).code, 'Success');
    assert.equal(pl.filter(what, p, h.infos[0]).code, 'Success');
    // The clone changed, not the cycle's own state.
    assert.equal(pl.filter(state, p, h.infos[0]).code, 'UnschedulableAndUnresolvable');
    pl.preFilterExtensions().addPod(what, p, newPodInfo(user), h.infos[0]);
    assert.equal(pl.filter(what, p, h.infos[0]).code, 'UnschedulableAndUnresolvable');
  });

  it('a deleted pod requeues only pods it was blocking', () => {
    const p = podWithVolumes('p', [gce('a'), pvcVol('solo')]);
    assert.equal(deletedPodFrees(p, podWithVolumes('q', [gce('a')])), true);
    assert.equal(deletedPodFrees(p, podWithVolumes('q', [pvcVol('solo')])), true);
    assert.equal(deletedPodFrees(p, podWithVolumes('q', [gce('b'), pvcVol('other')])), false);
    const ev = new VolumeRestrictions(fakeVolHandle({})).eventsToRegister();
    assert.equal(ev[0].hint!(p, podWithVolumes('q', [ebs('x')]), undefined), 'QueueSkip');
  });

  it('exports its plugin definition', () => assert.equal(plugin.factory({}, fakeVolHandle({})).name, 'VolumeRestrictions'));
});
