import assert from 'node:assert/strict';
import { CycleState } from '../../framework/cycle-state';
import { Code, error, unresolvable, unschedulable, type Status } from '../../framework/status';
import { mkNode } from '../../../test/fixtures/scheduler/objects';
import { pdb, prioPod } from '../../../test/fixtures/scheduler/preempt';
import { FakePreemptHandle, UNRESOLVABLE_LABEL } from '../../../test/fixtures/scheduler/fake-handle-preempt';
import { dryRunPreemption, nodesForPreemption, preemptionFitMessage } from './find-candidates';

/** n nodes of 2 cpu, each full with two 1-cpu pods of priority 1 (labelled app=<node> for budgets). */
function fullCluster(n: number, extra: { unresolvable?: string[] } = {}) {
  const nodes = Array.from({ length: n }, (_, i) => mkNode(`n${i}`, { cpu: '2', labels: extra.unresolvable?.includes(`n${i}`) ? { [UNRESOLVABLE_LABEL]: 'true' } : {} }));
  const pods = nodes.flatMap((node) => [0, 1].map((j) => prioPod(`${node.metadata.name}-${j}`, { cpu: '1', priority: 1, nodeName: node.metadata.name, labels: { app: node.metadata.name! } })));
  return new FakePreemptHandle(nodes, pods);
}

describe('DefaultPreemption: candidates', () => {
  it('tries only the nodes the filters found Unschedulable', () => {
    const h = fullCluster(3, { unresolvable: ['n1'] });
    const statuses = h.statuses(prioPod('p', { cpu: '1', priority: 10 }));
    assert.deepEqual([...statuses].map(([n, s]) => [n, s.code]), [['n0', Code.Unschedulable], ['n1', Code.UnschedulableAndUnresolvable], ['n2', Code.Unschedulable]]);
    assert.deepEqual(nodesForPreemption(h.nodes, statuses).map((n) => n.name), ['n0', 'n2']);
  });

  it('starts at the offset, wraps around, and stops once it has enough with one that violates no budget', () => {
    const h = fullCluster(5);
    const p = prioPod('p', { cpu: '1', priority: 10 });
    const run = dryRunPreemption(h.framework(), new CycleState(), p, h.nodes, [], 3, 3, h.nowMs);
    assert.deepEqual(run.candidates.map((c) => c.name), ['n3', 'n4', 'n0']);
    // Equally important pods: the first is put back first and stays; the second is the victim.
    assert.deepEqual(run.candidates.map((c) => c.victims.map((v) => v.metadata.name)), [['n3-1'], ['n4-1'], ['n0-1']]);
    assert.equal(run.nodeStatuses.size, 0);
    // The snapshot itself is never changed by the dry run.
    assert.deepEqual(h.nodes.map((n) => n.pods.length), [2, 2, 2, 2, 2]);
  });

  it('keeps looking past budget-violating candidates until one is clean, and lists clean ones first', () => {
    const h = fullCluster(4);
    const p = prioPod('p', { cpu: '2', priority: 10 });
    const budgets = [pdb('b0', { app: 'n0' }, 0), pdb('b1', { app: 'n1' }, 0)];
    const run = dryRunPreemption(h.framework(), new CycleState(), p, h.nodes, budgets, 0, 1, h.nowMs);
    assert.deepEqual(run.candidates.map((c) => [c.name, c.numPDBViolations]), [['n2', 0], ['n0', 2], ['n1', 2]]);
  });

  it('records why each node is no candidate', () => {
    const h = new FakePreemptHandle(
      [mkNode('n0', { cpu: '2' }), mkNode('n1', { cpu: '2' })],
      [prioPod('hi', { cpu: '2', priority: 100, nodeName: 'n0' }), prioPod('lo', { cpu: '1', priority: 1, nodeName: 'n1' }), prioPod('hi2', { cpu: '1', priority: 100, nodeName: 'n1' })],
    );
    const run = dryRunPreemption(h.framework(), new CycleState(), prioPod('p', { cpu: '2', priority: 10 }), h.nodes, [], 0, 2, h.nowMs);
    assert.deepEqual(run.candidates, []);
    assert.deepEqual([...run.nodeStatuses].map(([n, s]) => [n, s.code, s.reasons]), [
      ['n0', Code.UnschedulableAndUnresolvable, ['No preemption victims found for incoming pod']],
      ['n1', Code.Unschedulable, ['Insufficient cpu']],
    ]);
    assert.deepEqual(run.errors, []);
  });
});

describe('DefaultPreemption: the failure message', () => {
  const m = (entries: [string, Status][]) => new Map(entries);
  const table: [string, number, Map<string, Status>, string][] = [
    ['no node could be tried', 3, m([]), '0/3 nodes are available: 3 Preemption is not helpful for scheduling.'],
    [
      'no victims anywhere',
      3,
      m([['a', unresolvable('No preemption victims found for incoming pod')], ['b', unresolvable('No preemption victims found for incoming pod')], ['c', unresolvable('No preemption victims found for incoming pod')]]),
      '0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    ],
    [
      'a histogram sorted as text, absent nodes counted as not helpful',
      5,
      m([['a', unresolvable('No preemption victims found for incoming pod')], ['b', unschedulable('Insufficient cpu')], ['c', unschedulable('Insufficient cpu', 'Too many pods')]]),
      '0/5 nodes are available: 1 No preemption victims found for incoming pod, 1 Too many pods, 2 Insufficient cpu, 2 Preemption is not helpful for scheduling.',
    ],
    ['an error status without reasons adds nothing', 1, m([['a', { code: Code.Error, reasons: [] }]]), '0/1 nodes are available:'],
    ['an error with its reason', 1, m([['a', error('boom')]]), '0/1 nodes are available: 1 boom.'],
  ];
  for (const [name, n, statuses, want] of table) it(name, () => assert.equal(preemptionFitMessage(n, statuses), want));
});
