import assert from 'node:assert/strict';
import type { KObject, Pod } from '../../../lib/api/types';
import { mkNode } from '../../../test/fixtures/scheduler/objects';
import { fakeVolHandle, updateClaim, type VolWorld } from '../../../test/fixtures/scheduler/fake-handle-vol';
import { mkClaim, mkClass, mkPV, podWithVolumes, pvcVol } from '../../../test/fixtures/scheduler/volumes';
import { CycleState } from '../../framework/cycle-state';
import { PluginArgsError } from '../../framework/types';
import { eligibleNodes, plugin, usesClaim, VolumeBinding, REASON_BIND_CONFLICT, REASON_NODE_CONFLICT, REASON_PV_NOT_EXIST, REASON_UNBOUND_IMMEDIATE } from '.';
import type { Volume } from './volumes';

const nodes = [mkNode('n1', { labels: { 'kubernetes.io/hostname': 'n1', zone: 'a' } }), mkNode('n2', { labels: { 'kubernetes.io/hostname': 'n2', zone: 'b' } })];
const world = (w: VolWorld): VolWorld => ({ nodes, classes: [mkClass('wffc'), mkClass('immediate', { wffc: false }), mkClass('static', { provisioner: 'kubernetes.io/no-provisioner' }), mkClass('zone-a', { zones: ['a'] })], ...w });
const pod = (...claims: string[]) => podWithVolumes('p', claims.map((c) => pvcVol(c)));

/** Runs PreFilter then Filter on every node: 'skip', the PreFilter rejection, or node → code: reasons. */
function run(w: VolWorld, p: Pod): unknown {
  const h = fakeVolHandle(world(w));
  const pl = new VolumeBinding({}, h);
  const state = new CycleState();
  const pre = pl.preFilter(state, p, h.infos);
  if (pre.status.code === 'Skip') return 'skip';
  if (pre.status.code !== 'Success') return `${pre.status.code}: ${pre.status.reasons.join(', ')}`;
  const out: Record<string, string> = {};
  for (const info of h.infos) {
    const s = pl.filter(state, p, info);
    out[info.name] = s.code === 'Success' ? 'ok' : `${s.code}: ${s.reasons.join(', ')}`;
  }
  return out;
}

describe('plugin VolumeBinding: PreFilter and Filter', () => {
  const U = 'UnschedulableAndUnresolvable';
  const cases: [string, VolWorld, Pod, unknown][] = [
    ['no claims: skipped', {}, podWithVolumes('p', [{ emptyDir: {} }]), 'skip'],
    ['a missing claim', {}, pod('nope'), `${U}: persistentvolumeclaim "nope" not found`],
    ['a claim being deleted', { claims: [mkClaim('c', { cls: 'wffc', deleting: true })] }, pod('c'), `${U}: persistentvolumeclaim "c" is being deleted`],
    ['an unbound Immediate claim', { claims: [mkClaim('c', { cls: 'immediate' })] }, pod('c'), `${U}: ${REASON_UNBOUND_IMMEDIATE}`],
    ['an unbound claim of a class that does not exist is immediate', { claims: [mkClaim('c', { cls: 'gone' })] }, pod('c'), `${U}: ${REASON_UNBOUND_IMMEDIATE}`],
    [
      'a bound claim follows its volume node affinity',
      { claims: [mkClaim('c', { volumeName: 'pv' })], volumes: [mkPV('pv', { hostnames: ['n2'], claim: 'c' })] },
      pod('c'),
      { n1: `${U}: ${REASON_NODE_CONFLICT}`, n2: 'ok' },
    ],
    ['a bound volume without node affinity fits every node', { claims: [mkClaim('c', { volumeName: 'pv' })], volumes: [mkPV('pv', { claim: 'c' })] }, pod('c'), { n1: 'ok', n2: 'ok' }],
    ['a claim bound to a volume that does not exist', { claims: [mkClaim('c', { volumeName: 'gone' })] }, pod('c'), { n1: `${U}: ${REASON_PV_NOT_EXIST}`, n2: `${U}: ${REASON_PV_NOT_EXIST}` }],
    ['WaitForFirstConsumer with a provisioner: any node', { claims: [mkClaim('c', { cls: 'wffc' })] }, pod('c'), { n1: 'ok', n2: 'ok' }],
    ['WaitForFirstConsumer, class allowedTopologies zone a', { claims: [mkClaim('c', { cls: 'zone-a' })] }, pod('c'), { n1: 'ok', n2: `${U}: ${REASON_BIND_CONFLICT}` }],
    ['a claim already selected for n1 stays there', { claims: [mkClaim('c', { cls: 'wffc', selectedNode: 'n1' })] }, pod('c'), { n1: 'ok', n2: `${U}: ${REASON_BIND_CONFLICT}` }],
    [
      'no-provisioner class: only where a static volume matches',
      { claims: [mkClaim('c', { cls: 'static' })], volumes: [mkPV('local-n1', { cls: 'static', hostnames: ['n1'] })] },
      pod('c'),
      { n1: 'ok', n2: `${U}: ${REASON_BIND_CONFLICT}` },
    ],
    [
      'a static volume too small does not match',
      { claims: [mkClaim('c', { cls: 'static', size: '5Gi' })], volumes: [mkPV('local-n1', { cls: 'static', hostnames: ['n1'], size: '1Gi' })] },
      pod('c'),
      { n1: `${U}: ${REASON_BIND_CONFLICT}`, n2: `${U}: ${REASON_BIND_CONFLICT}` },
    ],
    [
      'a static volume of another access mode does not match',
      { claims: [mkClaim('c', { cls: 'static', modes: ['ReadWriteMany'] })], volumes: [mkPV('local-n1', { cls: 'static', hostnames: ['n1'] })] },
      pod('c'),
      { n1: `${U}: ${REASON_BIND_CONFLICT}`, n2: `${U}: ${REASON_BIND_CONFLICT}` },
    ],
    [
      'a static volume claimed by another claim does not match',
      { claims: [mkClaim('c', { cls: 'static' })], volumes: [mkPV('local-n1', { cls: 'static', hostnames: ['n1'], claim: 'other' })] },
      pod('c'),
      { n1: `${U}: ${REASON_BIND_CONFLICT}`, n2: `${U}: ${REASON_BIND_CONFLICT}` },
    ],
    [
      'two claims cannot share one static volume',
      { claims: [mkClaim('a', { cls: 'static' }), mkClaim('b', { cls: 'static' })], volumes: [mkPV('local-n1', { cls: 'static', hostnames: ['n1'] })] },
      pod('a', 'b'),
      { n1: `${U}: ${REASON_BIND_CONFLICT}`, n2: `${U}: ${REASON_BIND_CONFLICT}` },
    ],
    [
      'a bound conflict and an unbound conflict report both reasons',
      { claims: [mkClaim('b', { volumeName: 'pv' }), mkClaim('c', { cls: 'static' })], volumes: [mkPV('pv', { hostnames: ['n2'], claim: 'b' })] },
      pod('b', 'c'),
      { n1: `${U}: ${REASON_NODE_CONFLICT}, ${REASON_BIND_CONFLICT}`, n2: `${U}: ${REASON_BIND_CONFLICT}` },
    ],
    [
      'an ephemeral volume whose claim is not created yet',
      {},
      podWithVolumes('p', [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { storageClassName: 'wffc' } } } }]),
      `${U}: waiting for ephemeral volume controller to create the persistentvolumeclaim "p-scratch"`,
    ],
    [
      'an ephemeral claim not owned by the pod',
      { claims: [mkClaim('p-scratch', { cls: 'wffc', ownerUid: 'someone-else' })] },
      podWithVolumes('p', [{ name: 'scratch', ephemeral: {} }]),
      `${U}: PVC default/p-scratch was not created for pod default/p (pod is not owner)`,
    ],
    ['an ephemeral claim owned by the pod', { claims: [mkClaim('p-scratch', { cls: 'wffc', ownerUid: 'uid-p' })] }, podWithVolumes('p', [{ name: 'scratch', ephemeral: {} }]), { n1: 'ok', n2: 'ok' }],
  ];
  for (const [title, w, p, want] of cases) it(title, () => assert.deepEqual(run(w, p), want));

  it('PreFilter narrows to the hostnames of bound local volumes, as upstream', () => {
    const local = (hosts: string[]) => ({ pv: mkPV('x', { hostnames: hosts }) as Volume });
    assert.deepEqual(eligibleNodes([local(['n1', 'n2']), local(['n2'])]), { nodeNames: new Set(['n2']) });
    assert.equal(eligibleNodes([{ pv: mkPV('z', { zone: 'a' }) as Volume }]), undefined);
    assert.equal(eligibleNodes([{ pv: undefined }]), undefined);
  });

  it('prefers a volume pre-bound to the claim, then the smallest that fits', () => {
    const w = world({
      claims: [mkClaim('c', { cls: 'static' })],
      volumes: [mkPV('big', { cls: 'static', size: '10Gi' }), mkPV('small', { cls: 'static', size: '2Gi' })],
    });
    const pick = (extra: KObject[]) => {
      const h = fakeVolHandle({ ...w, volumes: [...w.volumes!, ...extra] });
      const pl = new VolumeBinding({}, h);
      const state = new CycleState();
      pl.preFilter(state, pod('c'), h.infos);
      assert.equal(pl.filter(state, pod('c'), h.infos[0]).code, 'Success');
      assert.equal(pl.reserve(state, pod('c'), 'n1').code, 'Success');
      return state.read<{ reserved: { staticBindings: { pv: KObject }[] } } & import('../../framework/cycle-state').StateData>('PreFilterVolumeBinding')!.reserved.staticBindings.map((b) => b.pv.metadata.name);
    };
    assert.deepEqual(pick([]), ['small']);
    assert.deepEqual(pick([mkPV('pre', { cls: 'static', size: '50Gi', claim: 'c' })]), ['pre']);
  });
});

describe('plugin VolumeBinding: Reserve, Unreserve and PreBind', () => {
  const schedule = (h: ReturnType<typeof fakeVolHandle>, pl: VolumeBinding, p: Pod, node: string) => {
    const state = new CycleState();
    assert.equal(pl.preFilter(state, p, h.infos).status.code, 'Success');
    const statuses = h.infos.map((i) => pl.filter(state, p, i).code);
    return { state, statuses, reserve: () => pl.reserve(state, p, node) };
  };

  it('a reserved static volume is not offered to the next pod until released', () => {
    const h = fakeVolHandle(world({ claims: [mkClaim('a', { cls: 'static' }), mkClaim('b', { cls: 'static' })], volumes: [mkPV('only', { cls: 'static', hostnames: ['n1'] })] }));
    const pl = new VolumeBinding({}, h);
    const first = schedule(h, pl, podWithVolumes('pa', [pvcVol('a')]), 'n1');
    assert.equal(first.reserve().code, 'Success');
    assert.deepEqual(schedule(h, pl, podWithVolumes('pb', [pvcVol('b')]), 'n1').statuses, ['UnschedulableAndUnresolvable', 'UnschedulableAndUnresolvable']);
    pl.unreserve(first.state, podWithVolumes('pa', [pvcVol('a')]), 'n1');
    assert.deepEqual(schedule(h, pl, podWithVolumes('pb', [pvcVol('b')]), 'n1').statuses, ['Success', 'UnschedulableAndUnresolvable']);
  });

  it('PreBind annotates the claim with the node and waits until it is bound', async () => {
    const h = fakeVolHandle(world({ claims: [mkClaim('c', { cls: 'wffc' })] }));
    // The "provisioner": binds the claim once it sees the selected node.
    h.onPatch = (call, hh) => {
      if (call.resource === 'persistentvolumeclaims') setTimeout(() => updateClaim(hh, 'default/c', { spec: { volumeName: 'pvc-c' } }), 5);
    };
    const pl = new VolumeBinding({}, h, 1);
    const s = schedule(h, pl, pod('c'), 'n2');
    assert.equal(s.reserve().code, 'Success');
    const st = await pl.preBind(s.state, pod('c'), 'n2');
    assert.equal(st.code, 'Success', st.reasons.join());
    assert.deepEqual(h.patches, [{ resource: 'persistentvolumeclaims', namespace: 'default', name: 'c', patch: { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'n2' } } } }]);
  });

  it('PreBind writes the static volume claimRef and waits for the binder', async () => {
    const h = fakeVolHandle(world({ claims: [mkClaim('c', { cls: 'static' })], volumes: [mkPV('local-n1', { cls: 'static', hostnames: ['n1'] })] }));
    h.onPatch = (call, hh) => {
      if (call.resource === 'persistentvolumes') setTimeout(() => updateClaim(hh, 'default/c', { spec: { volumeName: call.name } }), 5);
    };
    const pl = new VolumeBinding({}, h, 1);
    const s = schedule(h, pl, pod('c'), 'n1');
    assert.equal(s.reserve().code, 'Success');
    assert.equal((await pl.preBind(s.state, pod('c'), 'n1')).code, 'Success');
    assert.equal(h.patches.length, 1);
    assert.deepEqual((h.volumes.get('local-n1') as Volume).spec.claimRef, { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'c', uid: 'uid-c' });
  });

  it('PreBind fails when the claims are not bound within bindTimeoutSeconds', async () => {
    const h = fakeVolHandle(world({ claims: [mkClaim('c', { cls: 'wffc' })] }));
    const pl = new VolumeBinding({ bindTimeoutSeconds: 0 }, h, 1);
    const s = schedule(h, pl, pod('c'), 'n1');
    s.reserve();
    assert.deepEqual(await pl.preBind(s.state, pod('c'), 'n1'), { code: 'Error', reasons: ['binding volumes: timed out waiting for the condition'] });
  });

  it('PreBind fails when the provisioner resets the selected node', async () => {
    const h = fakeVolHandle(world({ claims: [mkClaim('c', { cls: 'wffc' })] }));
    h.onPatch = (_call, hh) => setTimeout(() => updateClaim(hh, 'default/c', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': null } } }), 5);
    const pl = new VolumeBinding({}, h, 1);
    const s = schedule(h, pl, pod('c'), 'n1');
    s.reserve();
    assert.deepEqual(await pl.preBind(s.state, pod('c'), 'n1'), { code: 'Error', reasons: ['binding volumes: selectedNode annotation reset for PVC "c"'] });
  });

  it('PreBind without an API client is an error; with nothing to bind it succeeds', async () => {
    const h = fakeVolHandle(world({ claims: [mkClaim('c', { cls: 'wffc' }), mkClaim('b', { volumeName: 'pv' })], volumes: [mkPV('pv', { claim: 'b' })] }), false);
    const pl = new VolumeBinding({}, h);
    const s = schedule(h, pl, pod('c'), 'n1');
    s.reserve();
    assert.deepEqual(await pl.preBind(s.state, pod('c'), 'n1'), { code: 'Error', reasons: ['binding volumes: no API client'] });
    const bound = schedule(h, pl, pod('b'), 'n1');
    bound.reserve();
    assert.equal((await pl.preBind(bound.state, pod('b'), 'n1')).code, 'Success');
  });
});

describe('plugin VolumeBinding: args and events', () => {
  const cases: [string, unknown, string | undefined][] = [
    ['defaults', undefined, undefined],
    ['zero timeout', { bindTimeoutSeconds: 0 }, undefined],
    ['negative timeout', { bindTimeoutSeconds: -1 }, 'VolumeBinding: bindTimeoutSeconds: Invalid value: -1: invalid BindTimeoutSeconds, should not be a negative value'],
    ['shape out of order', { shape: [{ utilization: 50, score: 1 }, { utilization: 10, score: 2 }] }, 'VolumeBinding: shape[1].utilization: values must be sorted in increasing order'],
    ['shape score above 10', { shape: [{ utilization: 0, score: 11 }] }, 'VolumeBinding: shape[0].score: must be an integer in 0..10'],
  ];
  for (const [title, args, err] of cases) {
    it(`args: ${title}`, () => {
      const make = () => plugin.factory(args ?? plugin.defaultArgs!(), fakeVolHandle({}));
      if (err) assert.throws(make, (e: Error) => e instanceof PluginArgsError && e.message === err);
      else assert.equal(make().name, 'VolumeBinding');
    });
  }

  it('a claim event requeues only pods that use that claim', () => {
    const p = pod('c');
    assert.equal(usesClaim(p, mkClaim('c')), true);
    assert.equal(usesClaim(p, mkClaim('other')), false);
    assert.equal(usesClaim(p, mkClaim('c', { ns: 'elsewhere' })), false);
    const ev = new VolumeBinding({}, fakeVolHandle({})).eventsToRegister();
    assert.deepEqual(ev.map((e) => e.event.resource), ['PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'Node', 'CSINode']);
    assert.equal(ev[0].hint!(p, undefined, mkClaim('other')), 'QueueSkip');
  });
});
