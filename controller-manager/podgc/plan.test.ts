import { strict as assert } from 'node:assert';
import type { Node, Pod } from '../../lib/api/types';
import { byEvictionAndAge, failedStatus, missingNodes, planPodGc, quarantineStep, DELETION_BY_POD_GC, OUT_OF_SERVICE_TAINT } from './plan';

const NOW = '2024-05-01T00:00:00.000Z';
function pod(name: string, o: { node?: string; phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed'; created?: string; deleting?: boolean; reason?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z', ...(o.deleting ? { deletionTimestamp: '2024-04-30T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: { phase: o.phase ?? 'Running', ...(o.reason ? { reason: o.reason } : {}) },
  };
}
function node(name: string, o: { ready?: boolean; taints?: string[] } = {}): Node {
  return {
    metadata: { name },
    spec: { taints: (o.taints ?? []).map((key) => ({ key, effect: 'NoExecute' })) },
    status: { conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] as never },
  };
}
const summary = (ds: ReturnType<typeof planPodGc>) => ds.map((d) => `${d.pod.metadata.name}:${d.reason}`);

describe('podgc plan', () => {
  const cases: { name: string; pods: Pod[]; nodes?: Node[]; deleted?: string[]; threshold?: number; expect: string[] }[] = [
    { name: 'nothing to collect', pods: [pod('a', { node: 'n1' })], nodes: [node('n1')], expect: [] },
    {
      name: 'terminated beyond the threshold: oldest first',
      pods: [
        pod('new', { node: 'n1', phase: 'Succeeded', created: '2024-03-01T00:00:00Z' }),
        pod('old', { node: 'n1', phase: 'Failed', created: '2024-01-01T00:00:00Z' }),
        pod('mid', { node: 'n1', phase: 'Succeeded', created: '2024-02-01T00:00:00Z' }),
        pod('live', { node: 'n1', created: '2023-01-01T00:00:00Z' }),
      ],
      nodes: [node('n1')],
      threshold: 1,
      expect: ['old:terminated', 'mid:terminated'],
    },
    {
      name: 'evicted pods go before older terminated ones',
      pods: [pod('old', { node: 'n1', phase: 'Succeeded', created: '2024-01-01T00:00:00Z' }), pod('evicted', { node: 'n1', phase: 'Failed', reason: 'Evicted', created: '2024-05-01T00:00:00Z' })],
      nodes: [node('n1')],
      threshold: 1,
      expect: ['evicted:terminated'],
    },
    { name: 'threshold 0 never collects terminated pods', pods: [pod('a', { node: 'n1', phase: 'Succeeded' })], nodes: [node('n1')], threshold: 0, expect: [] },
    { name: 'at the threshold: nothing', pods: [pod('a', { node: 'n1', phase: 'Succeeded' })], nodes: [node('n1')], threshold: 1, expect: [] },
    { name: 'bound to a node confirmed gone', pods: [pod('a', { node: 'ghost' }), pod('b', { node: 'n1' })], nodes: [node('n1')], deleted: ['ghost'], expect: ['a:orphaned'] },
    { name: 'bound to a missing node still in quarantine: kept', pods: [pod('a', { node: 'ghost' })], nodes: [], expect: [] },
    { name: 'terminating and never scheduled', pods: [pod('a', { deleting: true, phase: 'Pending' }), pod('b', { phase: 'Pending' })], expect: ['a:unscheduled-terminating'] },
    {
      name: 'terminating on a NotReady out-of-service node',
      pods: [pod('a', { node: 'down', deleting: true }), pod('b', { node: 'down' }), pod('c', { node: 'tainted-ready', deleting: true })],
      nodes: [node('down', { ready: false, taints: [OUT_OF_SERVICE_TAINT] }), node('tainted-ready', { taints: [OUT_OF_SERVICE_TAINT] })],
      expect: ['a:out-of-service'],
    },
    { name: 'NotReady without the taint: left to the node lifecycle', pods: [pod('a', { node: 'down', deleting: true })], nodes: [node('down', { ready: false })], expect: [] },
    {
      name: 'a pod picked for two reasons is deleted once',
      pods: [pod('a', { node: 'ghost', phase: 'Failed' })],
      deleted: ['ghost'],
      threshold: 0,
      expect: ['a:orphaned'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = planPodGc({ pods: c.pods, nodes: c.nodes ?? [], deletedNodes: new Set(c.deleted ?? []), terminatedPodThreshold: c.threshold ?? 12_500 }, NOW);
      assert.deepEqual(summary(out), c.expect);
    });
  }

  it('orphans get the DisruptionTarget condition', () => {
    const [d] = planPodGc({ pods: [pod('a', { node: 'ghost' })], nodes: [], deletedNodes: new Set(['ghost']), terminatedPodThreshold: 0 }, NOW);
    assert.deepEqual(d.condition, { ...DELETION_BY_POD_GC, lastProbeTime: null, lastTransitionTime: NOW });
  });

  it('missing nodes: bound pods whose node the cache lacks, once each', () => {
    assert.deepEqual(missingNodes([pod('a', { node: 'x' }), pod('b', { node: 'x' }), pod('c', { node: 'n1' }), pod('d')], [node('n1')]), ['x']);
  });

  it('quarantine: a node enters, waits, is verified; one back in the cache leaves', () => {
    const q0 = quarantineStep(['x'], new Map(), 1000, 40_000);
    assert.deepEqual([q0.verify, [...q0.next]], [[], [['x', 1000]]]);
    const q1 = quarantineStep(['x'], q0.next, 40_999, 40_000);
    assert.deepEqual(q1.verify, []);
    const q2 = quarantineStep(['x'], q1.next, 41_000, 40_000);
    assert.deepEqual(q2.verify, ['x']);
    const q3 = quarantineStep([], q2.next, 50_000, 40_000);
    assert.equal(q3.next.size, 0);
  });

  it('failedStatus: phase Failed and the condition; nothing for a terminal pod without one', () => {
    const cond = { ...DELETION_BY_POD_GC, lastTransitionTime: NOW };
    const s = failedStatus(pod('a'), cond)!;
    assert.equal(s.phase, 'Failed');
    assert.deepEqual(s.conditions, [cond]);
    assert.equal(failedStatus(pod('b', { phase: 'Succeeded' }), undefined), undefined);
  });

  it('order: evicted, then oldest, then name', () => {
    const ps = [pod('b', { created: '2024-01-01T00:00:00Z' }), pod('a', { created: '2024-01-01T00:00:00Z' }), pod('e', { phase: 'Failed', reason: 'Evicted', created: '2025-01-01T00:00:00Z' })];
    assert.deepEqual(ps.sort(byEvictionAndAge).map((p) => p.metadata.name), ['e', 'a', 'b']);
  });
});
