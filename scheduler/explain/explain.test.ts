import assert from 'node:assert/strict';
import { labeledNode, mkNode, mkPod, verdicts, withPod } from '../../test/fixtures/scheduler/explain';
import type { Node, Pod } from '../../lib/api/types';
import { parseConfiguration } from '../config/load';
import { Code } from '../framework/status';
import { explainSchedule, ExplainError, type Explanation } from './explain';
import type { ClusterObjects } from './inputs';

const AFFINITY = "node(s) didn't match Pod's node affinity/selector";

interface Case {
  name: string;
  pod: Pod;
  nodes: Node[];
  pods?: Pod[];
  extra?: Partial<ClusterObjects>;
  /** node → "feasible" or its failures (every rejecting plugin, in order). */
  verdicts: Record<string, string>;
  /** Node names in the printed order. */
  order?: string[];
  selected?: string;
  best?: string[];
  message?: string;
  check?: (e: Explanation) => void;
}

const three = () => [mkNode('a'), mkNode('b'), mkNode('c')];

const cases: Case[] = [
  {
    name: 'a nodeSelector: only the labelled node fits, the others fail NodeAffinity',
    pod: mkPod('p', { nodeSelector: { disk: 'ssd' } }),
    nodes: [mkNode('a'), labeledNode('b', { disk: 'ssd' }), mkNode('c')],
    verdicts: { a: `NodeAffinity: ${AFFINITY}`, b: 'feasible', c: `NodeAffinity: ${AFFINITY}` },
    order: ['b', 'a', 'c'],
    selected: 'b',
  },
  {
    name: 'too big for two nodes: they fail NodeResourcesFit with Insufficient cpu',
    pod: mkPod('p', { cpu: '3' }),
    nodes: [mkNode('a'), mkNode('b'), mkNode('c', { cpu: '4' })],
    verdicts: { a: 'NodeResourcesFit: Insufficient cpu', b: 'NodeResourcesFit: Insufficient cpu', c: 'feasible' },
    selected: 'c',
  },
  {
    name: 'every rejecting plugin is shown; the summary counts the first one per node, as the scheduler records it',
    pod: mkPod('p', { cpu: '3', memory: '5Gi', nodeSelector: { disk: 'ssd' } }),
    nodes: [mkNode('a'), labeledNode('b', { disk: 'ssd' }), mkNode('c', { cpu: '4', memory: '8Gi' })],
    verdicts: {
      a: `NodeAffinity: ${AFFINITY}; NodeResourcesFit: Insufficient cpu, Insufficient memory`,
      b: 'NodeResourcesFit: Insufficient cpu, Insufficient memory',
      c: `NodeAffinity: ${AFFINITY}`,
    },
    message: `0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 2 ${AFFINITY}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.`,
    check: (e) => {
      const a = e.nodes.find((n) => n.name === 'a')!;
      assert.equal(a.status?.plugin, 'NodeAffinity');
      assert.equal(a.status?.code, Code.UnschedulableAndUnresolvable);
      assert.equal(e.feasible, 0);
      assert.deepEqual(e.best, []);
    },
  },
  {
    name: 'identical nodes tie: no certain pick, every node among the best',
    pod: mkPod('p', { cpu: '100m' }),
    nodes: three(),
    verdicts: { a: 'feasible', b: 'feasible', c: 'feasible' },
    best: ['a', 'b', 'c'],
    selected: undefined,
  },
  {
    name: 'the emptier node scores higher (LeastAllocated, BalancedAllocation) and is picked',
    pod: mkPod('p', { cpu: '500m', memory: '1Gi' }),
    nodes: [mkNode('a'), mkNode('b')],
    pods: [mkPod('busy', { cpu: '1', memory: '1Gi', nodeName: 'a' })],
    verdicts: { a: 'feasible', b: 'feasible' },
    order: ['b', 'a'],
    selected: 'b',
    check: (e) => {
      const [b, a] = e.nodes;
      const fit = (n: typeof a) => n.scores.find((s) => s.plugin === 'NodeResourcesFit')!;
      assert.ok(fit(b).score! > fit(a).score!);
      assert.equal(fit(b).weight, 1);
      // The total is the weighted sum of the plugins' normalized scores.
      for (const n of e.nodes) assert.equal(n.total, n.scores.reduce((t, s) => t + s.weighted, 0));
      const taint = b.scores.find((s) => s.plugin === 'TaintToleration')!;
      assert.equal(taint.weight, 3);
      assert.equal(taint.weighted, taint.score! * 3);
      assert.equal(e.selectedBecause, 'highest-score');
    },
  },
  {
    name: 'a bound pod does not compete with itself: it would fit on its own full node again',
    pod: mkPod('p', { cpu: '1500m', nodeName: 'a' }),
    nodes: [mkNode('a'), mkNode('b')],
    pods: [mkPod('p', { cpu: '1500m', nodeName: 'a' }), mkPod('other', { cpu: '1', nodeName: 'b' })],
    verdicts: { a: 'feasible', b: 'NodeResourcesFit: Insufficient cpu' },
    selected: 'a',
    check: (e) => assert.equal(e.pod.boundTo, 'a'),
  },
  {
    name: 'PreFilter narrows to named nodes (matchFields metadata.name): the rest fail it and NodeAffinity',
    pod: withPod(mkPod('p'), {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] }] } } },
    }),
    nodes: three(),
    verdicts: { a: `NodeAffinity: node(s) didn't satisfy plugin(s) [NodeAffinity]; NodeAffinity: ${AFFINITY}`, b: `NodeAffinity: node(s) didn't satisfy plugin(s) [NodeAffinity]; NodeAffinity: ${AFFINITY}`, c: 'feasible' },
    selected: 'c',
    check: (e) => {
      assert.deepEqual(e.preFilter.narrowedBy, ['NodeAffinity']);
      assert.deepEqual(e.preFilter.nodeNames, ['c']);
      assert.deepEqual(e.nodes.find((n) => n.name === 'a')!.failures.map((f) => f.point), ['PreFilter', 'Filter']);
    },
  },
  {
    name: 'PreFilter rejects the pod (missing claim): every node carries its verdict, no Filter runs',
    pod: withPod(mkPod('p'), { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] }),
    nodes: [mkNode('a'), mkNode('b')],
    verdicts: { a: 'VolumeRestrictions: persistentvolumeclaim "data" not found', b: 'VolumeRestrictions: persistentvolumeclaim "data" not found' },
    message: '0/2 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    check: (e) => assert.equal(e.preFilter.code, Code.UnschedulableAndUnresolvable),
  },
  {
    name: 'a nominated pod of higher priority holds room on its node',
    pod: withPod(mkPod('p', { cpu: '1' }), { priority: 10 }),
    nodes: [mkNode('a'), mkNode('b')],
    pods: [withPod(mkPod('big', { cpu: '1500m' }), { priority: 100 }, { nominatedNodeName: 'a' })],
    verdicts: { a: 'NodeResourcesFit: Insufficient cpu', b: 'feasible' },
    selected: 'b',
  },
  {
    name: "the pod's own nominated node is picked when it fits, as the scheduler tries it first",
    pod: withPod(mkPod('p', { cpu: '100m' }), {}, { nominatedNodeName: 'a' }),
    nodes: [mkNode('a'), mkNode('b')],
    pods: [mkPod('busy', { cpu: '1', nodeName: 'a' })],
    verdicts: { a: 'feasible', b: 'feasible' },
    order: ['b', 'a'],
    selected: 'a',
    check: (e) => {
      assert.equal(e.selectedBecause, 'nominated');
      assert.deepEqual(e.best, ['b']);
    },
  },
  {
    name: 'scheduling gates: PreEnqueue keeps the pod out of the queue (the cycle is still explained)',
    pod: withPod(mkPod('p'), { schedulingGates: [{ name: 'example.com/wait' }] }),
    nodes: [mkNode('a')],
    verdicts: { a: 'feasible' },
    selected: 'a',
    check: (e) => assert.deepEqual(e.preEnqueue, { plugin: 'SchedulingGates', code: Code.UnschedulableAndUnresolvable, reasons: ['waiting for scheduling gates: [example.com/wait]'] }),
  },
  {
    name: 'nothing fits but preemption would: the victims and the node, and no preemption part in the message',
    pod: withPod(mkPod('p', { cpu: '1500m' }), { priority: 100 }),
    nodes: [mkNode('a'), mkNode('b')],
    pods: [withPod(mkPod('low', { cpu: '1', nodeName: 'a' }), { priority: 1 }), withPod(mkPod('high', { cpu: '1', nodeName: 'b' }), { priority: 1000 })],
    verdicts: { a: 'NodeResourcesFit: Insufficient cpu', b: 'NodeResourcesFit: Insufficient cpu' },
    message: '0/2 nodes are available: 2 Insufficient cpu.',
    check: (e) => assert.deepEqual(e.preemption, { node: 'a', victims: [{ namespace: 'default', name: 'low', priority: 1 }] }),
  },
  {
    name: 'preemptionPolicy Never: preemption says why it does not apply',
    pod: withPod(mkPod('p', { cpu: '3' }), { preemptionPolicy: 'Never' }),
    nodes: [mkNode('a')],
    verdicts: { a: 'NodeResourcesFit: Insufficient cpu' },
    message: '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
  },
  {
    name: 'no nodes at all',
    pod: mkPod('p'),
    nodes: [],
    verdicts: {},
    message: 'no nodes available to schedule pods',
  },
  {
    name: 'unready, cordoned and tainted nodes each say why',
    pod: mkPod('p'),
    nodes: [mkNode('a', { ready: 'False' }), mkNode('b', { unschedulable: true }), mkNode('c', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] })],
    verdicts: {
      a: 'NodeReady: node(s) were not ready',
      b: 'NodeUnschedulable: node(s) were unschedulable',
      c: 'TaintToleration: node(s) had untolerated taint {k: v}',
    },
    message: '0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 1 node(s) were not ready, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
  },
  {
    name: 'an object that fails its kind check is left out and named',
    pod: mkPod('p'),
    nodes: [mkNode('a')],
    pods: [{ ...mkPod('broken', { nodeName: 'a' }), spec: { nodeName: 'a' } } as unknown as Pod],
    verdicts: { a: 'feasible' },
    check: (e) => assert.match(e.skippedObjects.join('\n'), /^pods default\/broken: /),
  },
];

describe('explainSchedule', () => {
  for (const c of cases) {
    it(c.name, () => {
      const e = explainSchedule(c.pod, { nodes: c.nodes, pods: c.pods ?? [], ...c.extra });
      assert.deepEqual(verdicts(e), c.verdicts);
      if (c.order) assert.deepEqual(e.nodes.map((n) => n.name), c.order);
      if ('selected' in c) assert.equal(e.selected, c.selected);
      if (c.best) assert.deepEqual(e.best, c.best);
      assert.equal(e.message, c.message);
      assert.equal(e.error, undefined);
      // Feasible rows come first, each scored by every score plugin of the profile.
      const firstRejected = e.nodes.findIndex((n) => !n.feasible);
      if (firstRejected >= 0) assert.ok(e.nodes.slice(firstRejected).every((n) => !n.feasible && n.total === undefined));
      for (const n of e.nodes.filter((x) => x.feasible)) assert.deepEqual(n.scores.map((s) => s.plugin), e.scorePlugins.map((s) => s.plugin));
      c.check?.(e);
    });
  }

  it('runs the profile of the pod\'s schedulerName from a configuration', () => {
    const config = parseConfiguration({
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      profiles: [{ schedulerName: 'default-scheduler' }, { schedulerName: 'no-fit', plugins: { multiPoint: { disabled: [{ name: 'NodeResourcesFit' }] } } }],
    });
    const nodes = [mkNode('a')];
    const big = mkPod('p', { cpu: '3' });
    assert.deepEqual(verdicts(explainSchedule(big, { nodes, pods: [] }, { config })), { a: 'NodeResourcesFit: Insufficient cpu' });
    const e = explainSchedule(withPod(big, { schedulerName: 'no-fit' }), { nodes, pods: [] }, { config });
    assert.equal(e.profile, 'no-fit');
    assert.deepEqual(verdicts(e), { a: 'feasible' });
    assert.ok(!e.filterPlugins.includes('NodeResourcesFit'));
    assert.ok(!e.scorePlugins.some((s) => s.plugin === 'NodeResourcesFit'));
  });

  it('refuses a schedulerName no profile provides, and an invalid pod', () => {
    assert.throws(() => explainSchedule(withPod(mkPod('p'), { schedulerName: 'other' }), { nodes: [], pods: [] }), (e: unknown) => e instanceof ExplainError && /schedulerName "other", which no profile provides \(profiles: default-scheduler\)/.test(e.message));
    assert.throws(() => explainSchedule({ ...mkPod('p'), spec: {} } as unknown as Pod, { nodes: [], pods: [] }), (e: unknown) => e instanceof ExplainError && /is invalid, the scheduler does not schedule it: spec\.containers/.test(e.message));
  });
});
