import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../lib/api/types';
import { mkNode } from '../../../test/fixtures/scheduler/objects';
import { fakeVolHandle, type VolWorld } from '../../../test/fixtures/scheduler/fake-handle-vol';
import { mkClaim, mkClass, mkCSINode, mkPV, podWithVolumes, pvcVol } from '../../../test/fixtures/scheduler/volumes';
import { CycleState } from '../../framework/cycle-state';
import { NodeVolumeLimits, plugin, REASON_MAX_VOLUME_COUNT } from '.';
import { volumeLimits } from './count';

const D = 'ebs.csi.aws.com';
const E = 'other.csi.example.com';
// Claims c1..c4 bound to CSI volumes of driver D (handles h1..h4); u1 unbound with a class of driver D; x1 bound to driver E.
const claims = [1, 2, 3, 4].map((i) => mkClaim(`c${i}`, { volumeName: `pv${i}` })).concat(mkClaim('u1', { cls: 'ebs' }), mkClaim('x1', { volumeName: 'pvx' }));
const volumes = [1, 2, 3, 4].map((i) => mkPV(`pv${i}`, { csi: { driver: D, handle: `h${i}` }, claim: `c${i}` })).concat(mkPV('pvx', { csi: { driver: E, handle: 'hx' }, claim: 'x1' }));
const base: VolWorld = { nodes: [mkNode('n1')], claims, volumes, classes: [mkClass('ebs', { provisioner: D })], csiNodes: [mkCSINode('n1', { [D]: 2, [E]: undefined })] };
const on = (name: string, ...claimNames: string[]) => podWithVolumes(name, claimNames.map((c) => pvcVol(c)), { nodeName: 'n1' });
const pod = (...claimNames: string[]) => podWithVolumes('p', claimNames.map((c) => pvcVol(c)));

function run(w: VolWorld, p: Pod): string {
  const h = fakeVolHandle({ ...base, ...w });
  const pl = new NodeVolumeLimits(h);
  const state = new CycleState();
  const pre = pl.preFilter(state, p, h.infos);
  if (pre.status.code === 'Skip') return 'skip';
  const s = pl.filter(state, p, h.infos[0]);
  return s.code === 'Success' ? 'ok' : `${s.code}: ${s.reasons.join(', ')}`;
}

describe('plugin NodeVolumeLimits', () => {
  const X = `Unschedulable: ${REASON_MAX_VOLUME_COUNT}`;
  const cases: [string, VolWorld, Pod, string][] = [
    ['no claims or CSI volumes: skipped', {}, podWithVolumes('p', [{ emptyDir: {} }]), 'skip'],
    ['within the limit', { pods: [on('a', 'c1')] }, pod('c2'), 'ok'],
    ['over the limit', { pods: [on('a', 'c1'), on('b', 'c2')] }, pod('c3'), X],
    ['two new volumes over the limit on an empty node', {}, pod('c1', 'c2', 'c3'), X],
    ['a volume already attached there is not counted again', { pods: [on('a', 'c1'), on('b', 'c2')] }, pod('c1'), 'ok'],
    ['the same volume twice in one pod counts once', { pods: [on('a', 'c1')] }, pod('c2', 'c2'), 'ok'],
    ['an unbound claim counts for its class provisioner', { pods: [on('a', 'c1'), on('b', 'c2')] }, pod('u1'), X],
    ['another driver without a limit', { pods: [on('a', 'c1'), on('b', 'c2')] }, pod('x1'), 'ok'],
    ['no CSINode: no limits', { csiNodes: [], pods: [on('a', 'c1'), on('b', 'c2')] }, pod('c3'), 'ok'],
    ['CSINode limit 0', { csiNodes: [mkCSINode('n1', { [D]: 0 })] }, pod('c1'), X],
    ['a new pod with a missing claim', {}, pod('gone'), 'UnschedulableAndUnresolvable: looking up PVC default/gone: persistentvolumeclaim "gone" not found'],
    ['a pod on the node with a missing claim counts nothing for it', { pods: [on('a', 'gone', 'c1')] }, pod('c2'), 'ok'],
    [
      'inline CSI volumes count per pod volume',
      { pods: [podWithVolumes('a', [{ csi: { driver: D } }, { csi: { driver: D } }], { nodeName: 'n1' })] },
      podWithVolumes('p', [{ csi: { driver: D } }]),
      X,
    ],
  ];
  for (const [title, w, p, want] of cases) it(title, () => assert.equal(run(w, p), want));

  it("limits: the node's attachable-volumes-csi-* allocatable, overridden by CSINode", () => {
    const node: Node = mkNode('n1');
    node.status!.allocatable = { ...node.status!.allocatable, [`attachable-volumes-csi-${D}`]: '39', [`attachable-volumes-csi-${E}`]: '5' };
    assert.deepEqual([...volumeLimits(node, mkCSINode('n1', { [D]: 25 }))], [[D, 25], [E, 5]]);
    assert.deepEqual([...volumeLimits(mkNode('n1'), undefined)], []);
  });

  it('registers CSINode, pod deletion, claim and node events', () => {
    const pl = plugin.factory({}, fakeVolHandle({}));
    assert.equal(pl.name, 'NodeVolumeLimits');
    assert.deepEqual(pl.eventsToRegister!().map((e) => e.event.resource), ['CSINode', 'Pod', 'PersistentVolumeClaim', 'Node']);
  });
});
