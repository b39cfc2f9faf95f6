import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../lib/api/types';
import { fakeHandle, newState, type TopoWorld } from '../../../test/fixtures/scheduler/fake-handle-topo';
import { HOST, lPod, replicaSet, service, spread, ZONE, zNode } from '../../../test/fixtures/scheduler/topology';
import { CycleState } from '../../framework/cycle-state';
import { newPodInfo } from '../../framework/pod-info';
import { PluginArgsError } from '../../framework/types';
import { ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH, plugin, PodTopologySpread, type PodTopologySpreadArgs } from '.';

const web = { app: 'web' };
/** `n` pods labelled app=web on `node` (names unique per node). */
const webPods = (node: string, n: number, o: { ns?: string; deleting?: boolean; labels?: Record<string, string> } = {}): Pod[] =>
  Array.from({ length: n }, (_, i) => lPod(`${node}-w${i}${o.ns ?? ''}${o.deleting ? 'd' : ''}`, o.labels ?? web, { nodeName: node, ns: o.ns, deleting: o.deleting }));
/** zoneA: n1, n2; zoneB: n3, n4 — the layout of the kubernetes.io examples. */
const fourNodes = (): Node[] => [zNode('n1', 'zoneA'), zNode('n2', 'zoneA'), zNode('n3', 'zoneB'), zNode('n4', 'zoneB')];

/** Runs PreFilter on every node, then Filter on each: node → code (and reason when rejected). */
function filterAll(w: TopoWorld, pod: Pod, args?: PodTopologySpreadArgs): { pre: string; nodes: Record<string, string> } {
  const h = fakeHandle(w);
  const pl = new PodTopologySpread(args, h);
  const state = newState();
  const { status } = pl.preFilter(state, pod, h.infos);
  const nodes: Record<string, string> = {};
  if (status.code !== 'Success') return { pre: status.code, nodes };
  for (const info of h.infos) {
    const s = pl.filter(state, pod, info);
    nodes[info.name] = s.code === 'Success' ? 'ok' : `${s.code}: ${s.reasons.join(',')}`;
  }
  return { pre: status.code, nodes };
}

const U = `Unschedulable: ${ERR_REASON_CONSTRAINTS_NOT_MATCH}`;
const L = `UnschedulableAndUnresolvable: ${ERR_REASON_NODE_LABEL_NOT_MATCH}`;

describe('plugin PodTopologySpread: Filter (DoNotSchedule)', () => {
  const cases: { name: string; w: TopoWorld; pod: Pod; want: Record<string, string> }[] = [
    {
      name: 'docs: one zone constraint, maxSkew 1 — 2 pods in zoneA, 1 in zoneB → only zoneB',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 1), ...webPods('n2', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web)] }),
      want: { n1: U, n2: U, n3: 'ok', n4: 'ok' },
    },
    {
      name: 'docs: zone and hostname constraints → only n4 (empty host in the emptier zone)',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 1), ...webPods('n2', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web), spread(HOST, 1, web)] }),
      want: { n1: U, n2: U, n3: U, n4: 'ok' },
    },
    {
      name: 'docs: conflicting constraints leave no node',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 3), ...webPods('n3', 1), ...webPods('n4', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web), spread(HOST, 1, web)] }),
      want: { n1: U, n2: U, n3: U, n4: U },
    },
    {
      name: 'maxSkew 2 tolerates one more',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 1), ...webPods('n2', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 2, web)] }),
      want: { n1: 'ok', n2: 'ok', n3: 'ok', n4: 'ok' },
    },
    {
      name: 'a node without the topology key is rejected as unresolvable, and its pods count nowhere',
      w: { nodes: [zNode('n1', 'zoneA'), zNode('n2', 'zoneB'), zNode('bare')], pods: [...webPods('n1', 1), ...webPods('bare', 5)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web)] }),
      want: { n1: U, n2: 'ok', bare: L },
    },
    {
      name: 'pods of other namespaces and terminating pods are not counted',
      w: {
        nodes: fourNodes(),
        pods: [...webPods('n1', 2, { ns: 'other' }), ...webPods('n2', 2, { deleting: true }), ...webPods('n3', 1)],
      },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web)] }),
      // zoneA counts 0 (4 pods there, none counted), zoneB 1.
      want: { n1: 'ok', n2: 'ok', n3: U, n4: U },
    },
    {
      name: 'an incoming pod its selector does not match adds nothing to the skew',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 1)] },
      pod: lPod('p', { app: 'other' }, { spread: [spread(ZONE, 1, web)] }),
      want: { n1: 'ok', n2: 'ok', n3: 'ok', n4: 'ok' },
    },
    {
      name: 'a constraint without labelSelector matches no pod (skew stays 0)',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 4)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, null)] }),
      want: { n1: 'ok', n2: 'ok', n3: 'ok', n4: 'ok' },
    },
    {
      name: 'matchExpressions selectors work like matchLabels',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 1), ...webPods('n3', 1, { labels: { app: 'api' } }), ...webPods('n4', 1, { labels: { app: 'api' } })] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] })] }),
      want: { n1: 'ok', n2: 'ok', n3: U, n4: U },
    },
    {
      name: 'minDomains 3 with only 2 zones: the global minimum counts as 0',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { minDomains: 3 })] }),
      want: { n1: U, n2: U, n3: U, n4: U },
    },
    {
      name: 'minDomains 2 with 2 zones: the real minimum applies',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { minDomains: 2 })] }),
      want: { n1: 'ok', n2: 'ok', n3: 'ok', n4: 'ok' },
    },
    {
      name: 'nodeAffinityPolicy Honor (default): zones the pod may not use are no domain',
      w: { nodes: [...fourNodes(), zNode('n5', 'zoneC')], pods: [...webPods('n1', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web)], affinity: zoneIn(['zoneA', 'zoneB']) }),
      want: { n1: 'ok', n2: 'ok', n3: 'ok', n4: 'ok', n5: 'ok' },
    },
    {
      name: 'nodeAffinityPolicy Ignore: the empty zoneC is the minimum',
      w: { nodes: [...fourNodes(), zNode('n5', 'zoneC')], pods: [...webPods('n1', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { nodeAffinityPolicy: 'Ignore' })], affinity: zoneIn(['zoneA', 'zoneB']) }),
      want: { n1: U, n2: U, n3: U, n4: U, n5: 'ok' },
    },
    {
      name: 'nodeSelector is node affinity too (Honor)',
      w: { nodes: [zNode('n1', 'zoneA', { disk: 'ssd' }), zNode('n2', 'zoneB', { disk: 'ssd' }), zNode('n3', 'zoneC')], pods: [...webPods('n1', 1), ...webPods('n2', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web)], nodeSelector: { disk: 'ssd' } }),
      want: { n1: 'ok', n2: 'ok', n3: 'ok' },
    },
    {
      name: 'nodeTaintsPolicy Ignore (default): a tainted empty zone still is the minimum',
      w: { nodes: [...fourNodes(), zNode('n5', 'zoneC', {}, { taints: [{ key: 'gpu', effect: 'NoSchedule' }] })], pods: [...webPods('n1', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web)] }),
      want: { n1: U, n2: U, n3: U, n4: U, n5: 'ok' },
    },
    {
      name: 'nodeTaintsPolicy Honor: an untolerated NoSchedule taint takes the zone out',
      w: { nodes: [...fourNodes(), zNode('n5', 'zoneC', {}, { taints: [{ key: 'gpu', effect: 'NoSchedule' }] })], pods: [...webPods('n1', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { nodeTaintsPolicy: 'Honor' })] }),
      want: { n1: 'ok', n2: 'ok', n3: 'ok', n4: 'ok', n5: 'ok' },
    },
    {
      name: 'nodeTaintsPolicy Honor: a tolerated taint keeps the zone',
      w: { nodes: [...fourNodes(), zNode('n5', 'zoneC', {}, { taints: [{ key: 'gpu', effect: 'NoSchedule' }] })], pods: [...webPods('n1', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { nodeTaintsPolicy: 'Honor' })], tolerations: [{ key: 'gpu', operator: 'Exists' }] }),
      want: { n1: U, n2: U, n3: U, n4: U, n5: 'ok' },
    },
    {
      name: 'nodeTaintsPolicy Honor: PreferNoSchedule taints do not exclude',
      w: { nodes: [...fourNodes(), zNode('n5', 'zoneC', {}, { taints: [{ key: 'gpu', effect: 'PreferNoSchedule' }] })], pods: [...webPods('n1', 1), ...webPods('n3', 1)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { nodeTaintsPolicy: 'Honor' })] }),
      want: { n1: U, n2: U, n3: U, n4: U, n5: 'ok' },
    },
    {
      name: 'matchLabelKeys: only pods of the same revision count',
      w: {
        nodes: fourNodes(),
        pods: [...webPods('n1', 3, { labels: { app: 'web', 'pod-template-hash': 'v1' } }), ...webPods('n3', 1, { labels: { app: 'web', 'pod-template-hash': 'v2' } })],
      },
      pod: lPod('p', { app: 'web', 'pod-template-hash': 'v2' }, { spread: [spread(ZONE, 1, web, { matchLabelKeys: ['pod-template-hash'] })] }),
      want: { n1: 'ok', n2: 'ok', n3: U, n4: U },
    },
    {
      name: 'matchLabelKeys the pod lacks are ignored',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 1, { labels: { app: 'web', 'pod-template-hash': 'v1' } })] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { matchLabelKeys: ['pod-template-hash'] })] }),
      want: { n1: U, n2: U, n3: 'ok', n4: 'ok' },
    },
    {
      name: 'ScheduleAnyway constraints do not filter',
      w: { nodes: fourNodes(), pods: [...webPods('n1', 5)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web), spread(HOST, 1, web, { anyway: true })] }),
      want: { n1: U, n2: U, n3: 'ok', n4: 'ok' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = filterAll(c.w, c.pod);
      assert.equal(got.pre, 'Success');
      assert.deepEqual(got.nodes, c.want);
    });
  }

  it('skips pods with no DoNotSchedule constraint (and none by default)', () => {
    const w = { nodes: fourNodes(), pods: webPods('n1', 2), objects: [service('web', web)] };
    assert.equal(filterAll(w, lPod('p', web)).pre, 'Skip', 'system defaults are ScheduleAnyway only');
    assert.equal(filterAll(w, lPod('p', web, { spread: [spread(ZONE, 1, web, { anyway: true })] })).pre, 'Skip');
  });

  it('List defaulting: a DoNotSchedule default applies to a pod a Service selects, with the Service selector', () => {
    const args: PodTopologySpreadArgs = { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' }] };
    const w = { nodes: fourNodes(), pods: webPods('n1', 1), objects: [service('web', web)] };
    assert.deepEqual(filterAll(w, lPod('p', { app: 'web', tier: 'x' }), args).nodes, { n1: U, n2: U, n3: 'ok', n4: 'ok' });
    assert.equal(filterAll({ ...w, objects: [] }, lPod('p', web), args).pre, 'Skip', 'nothing selects the pod');
    assert.equal(filterAll(w, lPod('p', web, { spread: [spread(HOST, 9, web, { anyway: true })] }), args).pre, 'Skip', 'own constraints replace the defaults');
  });

  it('an unreadable selector is an Error', () => {
    const pod = lPod('p', web, { spread: [spread(ZONE, 1, { matchExpressions: [{ key: 'app', operator: 'Near', values: ['x'] }] })] });
    assert.equal(filterAll({ nodes: fourNodes() }, pod).pre, 'Error');
  });
});

function zoneIn(zones: string[]) {
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: zones }] }] } } };
}

describe('plugin PodTopologySpread: AddPod / RemovePod (preemption)', () => {
  it('removing a victim lowers its domain; the clone is independent', () => {
    const pods = [...webPods('n1', 1), ...webPods('n2', 1), ...webPods('n3', 1)];
    const h = fakeHandle({ nodes: fourNodes(), pods });
    const pl = new PodTopologySpread(undefined, h);
    const pod = lPod('p', web, { spread: [spread(ZONE, 1, web)] });
    const state = new CycleState();
    assert.equal(pl.preFilter(state, pod, h.infos).status.code, 'Success');
    const n1 = h.infos[0];
    assert.equal(pl.filter(state, pod, n1).code, 'Unschedulable');
    const copy = state.clone();
    const ext = pl.preFilterExtensions();
    assert.equal(ext.removePod(copy, pod, n1.pods[0], n1).code, 'Success');
    assert.equal(pl.filter(copy, pod, n1).code, 'Success', 'zoneA now holds 1 like zoneB');
    assert.equal(pl.filter(state, pod, n1).code, 'Unschedulable', 'the original state is untouched');
    // Adding back a nominated pod restores the verdict; a pod of another namespace changes nothing.
    assert.equal(ext.addPod(copy, pod, newPodInfo(lPod('x', web, { ns: 'other' })), n1).code, 'Success');
    assert.equal(pl.filter(copy, pod, n1).code, 'Success');
    assert.equal(ext.addPod(copy, pod, newPodInfo(lPod('y', web)), n1).code, 'Success');
    assert.equal(pl.filter(copy, pod, n1).code, 'Unschedulable');
  });

  it('adding to the emptiest domain moves the minimum (critical paths)', () => {
    const h = fakeHandle({ nodes: [zNode('a1', 'A'), zNode('b1', 'B'), zNode('c1', 'C')], pods: [...webPods('a1', 2), ...webPods('b1', 1)] });
    const pl = new PodTopologySpread(undefined, h);
    const pod = lPod('p', web, { spread: [spread(ZONE, 1, web)] });
    const state = new CycleState();
    pl.preFilter(state, pod, h.infos);
    const [a1, b1, c1] = h.infos;
    assert.equal(pl.filter(state, pod, b1).code, 'Unschedulable', 'B: 1+1-0');
    pl.preFilterExtensions().addPod(state, pod, newPodInfo(lPod('n', web)), c1);
    assert.equal(pl.filter(state, pod, b1).code, 'Success', 'min is now 1 (B and C)');
    assert.equal(pl.filter(state, pod, a1).code, 'Unschedulable');
  });

  it('without PreFilter state the extensions and Filter report an Error', () => {
    const h = fakeHandle({ nodes: fourNodes() });
    const pl = new PodTopologySpread(undefined, h);
    assert.equal(pl.filter(new CycleState(), lPod('p', web), h.infos[0]).code, 'Error');
    assert.equal(pl.preFilterExtensions().addPod(new CycleState(), lPod('p', web), newPodInfo(lPod('x', web)), h.infos[0]).code, 'Error');
  });
});

describe('plugin PodTopologySpread: args', () => {
  const bad: [string, unknown, RegExp][] = [
    ['unknown defaultingType', { defaultingType: 'Auto' }, /defaultingType: Unsupported value/],
    ['System with constraints', { defaultingType: 'System', defaultConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' }] }, /must be empty/],
    ['maxSkew 0', { defaultingType: 'List', defaultConstraints: [{ maxSkew: 0, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' }] }, /maxSkew/],
    ['no topologyKey', { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: '', whenUnsatisfiable: 'DoNotSchedule' }] }, /topologyKey: Required/],
    ['bad whenUnsatisfiable', { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'Never' }] }, /whenUnsatisfiable/],
    ['a selector', { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: {} }] }, /must not define a selector/],
    [
      'duplicate key and action',
      { defaultingType: 'List', defaultConstraints: [1, 2].map((maxSkew) => ({ maxSkew, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' })) },
      /Duplicate value/,
    ],
  ];
  for (const [name, args, re] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(() => plugin.factory(args, fakeHandle({ nodes: [] })), (e: unknown) => e instanceof PluginArgsError && re.test((e as Error).message));
    });
  }
  it('accepts the defaults and a valid List', () => {
    assert.equal(plugin.name, 'PodTopologySpread');
    assert.ok(plugin.factory(plugin.defaultArgs!(), fakeHandle({ nodes: [] })));
    const list = { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' }, { maxSkew: 2, topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway' }] };
    assert.ok(plugin.factory(list, fakeHandle({ nodes: [] })));
  });
});

describe('plugin PodTopologySpread: default selector (system defaults)', () => {
  const nodes = [zNode('n1', 'A'), zNode('n2', 'A')];
  const cases: { name: string; objects: TopoWorld['objects']; pod: Pod; want: 'Skip' | 'Success' }[] = [
    { name: 'no Service or controller: no default constraint', objects: [], pod: lPod('p', web), want: 'Skip' },
    { name: 'a Service selecting the pod', objects: [service('s', web)], pod: lPod('p', web), want: 'Success' },
    { name: 'a Service in another namespace does not count', objects: [service('s', web, 'other')], pod: lPod('p', web), want: 'Skip' },
    { name: 'a Service selecting other pods does not count', objects: [service('s', { app: 'db' })], pod: lPod('p', web), want: 'Skip' },
    { name: 'a Service without selector does not count', objects: [service('s', {})], pod: lPod('p', web), want: 'Skip' },
    {
      name: 'the controlling ReplicaSet',
      objects: [replicaSet('rs', { matchLabels: web })],
      pod: lPod('p', web, { ownerRef: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs' } }),
      want: 'Success',
    },
    {
      name: 'a non-controller owner does not count',
      objects: [replicaSet('rs', { matchLabels: web })],
      pod: lPod('p', web, { ownerRef: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', controller: false } }),
      want: 'Skip',
    },
    {
      name: 'the controlling StatefulSet',
      objects: [replicaSet('ss', { matchLabels: web }, 'default', 'StatefulSet')],
      pod: lPod('p', web, { ownerRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ss' } }),
      want: 'Success',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const h = fakeHandle({ nodes, objects: c.objects });
      const pl = new PodTopologySpread(undefined, h);
      assert.equal(pl.preScore(newState(), c.pod, h.infos).code, c.want);
    });
  }
});
