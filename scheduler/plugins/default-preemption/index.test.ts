import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../lib/api/types';
import { CycleState } from '../../framework/cycle-state';
import { Code } from '../../framework/status';
import { PluginArgsError } from '../../framework/types';
import { mkNode } from '../../../test/fixtures/scheduler/objects';
import { pdb, prioPod } from '../../../test/fixtures/scheduler/preempt';
import { FakePreemptHandle, UNRESOLVABLE_LABEL } from '../../../test/fixtures/scheduler/fake-handle-preempt';
import { DefaultPreemption, plugin, validateArgs } from './index';

const nodes = (n: number, o: { unresolvable?: boolean } = {}): Node[] =>
  Array.from({ length: n }, (_, i) => mkNode(`n${i}`, { cpu: '2', labels: o.unresolvable ? { [UNRESOLVABLE_LABEL]: 'true' } : {} }));

function setup(ns: Node[], pods: Pod[]) {
  const h = new FakePreemptHandle(ns, pods);
  const pl = plugin.factory(plugin.defaultArgs!(), h) as DefaultPreemption;
  pl.offset = () => 0;
  const run = (p: Pod) => pl.postFilter(new CycleState(), p, h.statuses(p));
  return { h, pl, run };
}

describe('DefaultPreemption plugin', () => {
  it('preempts: marks and deletes the victims, records events, nominates the node, stays Unschedulable without reasons', async () => {
    const { h, run } = setup(nodes(2), [
      prioPod('a', { cpu: '1', priority: 5, nodeName: 'n0' }),
      prioPod('b', { cpu: '1', priority: 50, nodeName: 'n0' }),
      prioPod('c', { cpu: '1', priority: 1, nodeName: 'n1' }),
      prioPod('d', { cpu: '1', priority: 1, nodeName: 'n1' }),
    ]);
    const p = prioPod('p', { cpu: '1', priority: 100 });
    const r = await run(p);
    // n0's victim has priority 5, n1's only 1: n1 is cheaper.
    assert.equal(r.nominatedNodeName, 'n1');
    assert.equal(r.status.code, Code.Unschedulable);
    assert.deepEqual(r.status.reasons, []);
    const [mark, del, nominate] = h.calls;
    assert.equal(mark.verb, 'patch');
    assert.equal(mark.subresource, 'status');
    // c and d are equally important (same priority, not started): c, first, is reprieved.
    assert.equal(mark.name, 'd');
    assert.equal((mark.body as any).status.conditions.length, 1);
    const cond = (mark.body as any).status.conditions[0];
    assert.deepEqual([cond.type, cond.status, cond.reason, cond.message], ['DisruptionTarget', 'True', 'PreemptionByScheduler', 'default-scheduler: preempting to accommodate a higher priority pod']);
    assert.deepEqual(del, { verb: 'delete', name: 'd', opts: { preconditions: { uid: 'uid-d' } } });
    assert.deepEqual(nominate, { verb: 'patch', name: 'p', body: { status: { nominatedNodeName: 'n1' } }, subresource: 'status' });
    assert.equal(h.calls.length, 3);
    assert.deepEqual(h.events, [{ name: 'd', type: 'Normal', reason: 'Preempted', message: 'Preempted by pod uid-p on node n1' }]);
  });

  it('lets a PodDisruptionBudget steer the choice to the node where no budget is violated', async () => {
    const { h, run } = setup(nodes(2), [
      prioPod('a', { cpu: '2', priority: 1, nodeName: 'n0', labels: { app: 'db' } }),
      prioPod('b', { cpu: '2', priority: 9, nodeName: 'n1' }),
    ]);
    h.pdbList = [pdb('db', { app: 'db' }, 0)];
    const r = await run(prioPod('p', { cpu: '2', priority: 100 }));
    assert.equal(r.nominatedNodeName, 'n1');
    assert.deepEqual(h.calls.filter((c) => c.verb === 'delete').map((c) => c.name), ['b']);
  });

  it('takes the nomination away from lower-priority pods nominated to the chosen node', async () => {
    const { h, run } = setup(nodes(1), [prioPod('a', { cpu: '2', priority: 1, nodeName: 'n0' })]);
    h.nominate(prioPod('low', { cpu: '1', priority: 2, nominatedNodeName: 'n0' }), 'n0');
    h.nominate(prioPod('high', { cpu: '0', priority: 500, nominatedNodeName: 'n0' }), 'n0');
    const r = await run(prioPod('p', { cpu: '2', priority: 100 }));
    assert.equal(r.nominatedNodeName, 'n0');
    assert.deepEqual(
      h.calls.filter((c) => c.verb === 'patch' && c.name !== 'a').map((c) => [c.name, c.body]),
      [['low', { status: { nominatedNodeName: null } }], ['p', { status: { nominatedNodeName: 'n0' } }]],
    );
  });

  it('a victim held at Permit is rejected, not deleted', async () => {
    const { h, run } = setup(nodes(1), [prioPod('a', { cpu: '1', priority: 1, nodeName: 'n0' }), prioPod('b', { cpu: '1', priority: 1, nodeName: 'n0' })]);
    h.waiting.add('uid-a');
    const r = await run(prioPod('p', { cpu: '2', priority: 100 }));
    assert.equal(r.nominatedNodeName, 'n0');
    assert.deepEqual(h.rejected, ['uid-a: DefaultPreemption: preempted']);
    assert.deepEqual(h.calls.filter((c) => c.verb === 'delete').map((c) => c.name), ['b']);
    assert.deepEqual(h.events.map((e) => e.name).sort(), ['a', 'b']);
  });

  it('a victim already gone is no failure', async () => {
    const { h, run } = setup(nodes(1), [prioPod('a', { cpu: '2', priority: 1, nodeName: 'n0' })]);
    h.goneOnDelete.add('a');
    const r = await run(prioPod('p', { cpu: '2', priority: 100 }));
    assert.equal(r.nominatedNodeName, 'n0');
    assert.equal(r.status.code, Code.Unschedulable);
  });

  const refusals: { name: string; nodes: Node[]; pods: Pod[]; preemptor: Pod; reason: string; clears?: boolean }[] = [
    {
      name: 'preemptionPolicy Never',
      nodes: nodes(1),
      pods: [prioPod('a', { cpu: '2', priority: 1, nodeName: 'n0' })],
      preemptor: prioPod('p', { cpu: '2', priority: 100, preemptionPolicy: 'Never' }),
      reason: 'preemption: not eligible due to preemptionPolicy=Never.',
    },
    {
      name: 'its nominated node still has a lower-priority victim terminating',
      nodes: nodes(1),
      pods: [prioPod('a', { cpu: '2', priority: 1, nodeName: 'n0', preempted: true })],
      preemptor: prioPod('p', { cpu: '2', priority: 100, nominatedNodeName: 'n0' }),
      reason: 'preemption: not eligible due to a terminating pod on the nominated node.',
    },
    {
      name: 'no victims on any node',
      nodes: nodes(3),
      pods: ['n0', 'n1', 'n2'].map((n) => prioPod(`x-${n}`, { cpu: '2', priority: 100, nodeName: n })),
      preemptor: prioPod('p', { cpu: '1', priority: 100 }),
      reason: 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    },
    {
      name: 'no victims any more where it was nominated: the nomination is cleared',
      nodes: nodes(2),
      pods: ['n0', 'n1'].map((n) => prioPod(`x-${n}`, { cpu: '2', priority: 100, nodeName: n })),
      preemptor: prioPod('p', { cpu: '1', priority: 100, nominatedNodeName: 'n0' }),
      reason: 'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
      clears: true,
    },
    {
      name: 'every node unresolvable: preemption is not helpful, and a stale nomination is cleared',
      nodes: nodes(3, { unresolvable: true }),
      pods: [],
      preemptor: prioPod('p', { cpu: '1', priority: 100, nominatedNodeName: 'n1' }),
      reason: 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      clears: true,
    },
  ];
  for (const c of refusals) {
    it(`refuses: ${c.name}`, async () => {
      const { h, run } = setup(c.nodes, c.pods);
      const r = await run(c.preemptor);
      assert.equal(r.status.code, Code.Unschedulable);
      assert.deepEqual(r.status.reasons, [c.reason]);
      assert.ok(!r.nominatedNodeName);
      assert.deepEqual(h.calls, c.clears ? [{ verb: 'patch', name: 'p', body: { status: { nominatedNodeName: null } }, subresource: 'status' }] : []);
      assert.deepEqual(h.events, []);
    });
  }

  it('preempts again when the nominated node became unresolvable, even with victims terminating there', async () => {
    const ns = [mkNode('n0', { cpu: '2', labels: { [UNRESOLVABLE_LABEL]: 'true' } }), mkNode('n1', { cpu: '2' })];
    const { run } = setup(ns, [prioPod('a', { cpu: '2', priority: 1, nodeName: 'n0', preempted: true }), prioPod('b', { cpu: '2', priority: 1, nodeName: 'n1' })]);
    const r = await run(prioPod('p', { cpu: '2', priority: 100, nominatedNodeName: 'n0' }));
    assert.equal(r.nominatedNodeName, 'n1');
  });

  it('validates its arguments as upstream', () => {
    assert.deepEqual(validateArgs(undefined), { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 });
    assert.deepEqual(validateArgs({ minCandidateNodesAbsolute: 0 }), { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 0 });
    const bad: [unknown, string][] = [
      [{ minCandidateNodesPercentage: 101 }, 'DefaultPreemption: minCandidateNodesPercentage: Invalid value: 101: not in valid range [0, 100]'],
      [{ minCandidateNodesPercentage: -1 }, 'DefaultPreemption: minCandidateNodesPercentage: Invalid value: -1: not in valid range [0, 100]'],
      [{ minCandidateNodesAbsolute: -3 }, 'DefaultPreemption: minCandidateNodesAbsolute: Invalid value: -3: not in valid range [0, inf)'],
      [{ minCandidateNodesAbsolute: 'x' }, 'DefaultPreemption: minCandidateNodesAbsolute: Invalid value: "x": not in valid range [0, inf)'],
      [
        { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 0 },
        'DefaultPreemption: [minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute, minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage]',
      ],
    ];
    for (const [args, msg] of bad) assert.throws(() => plugin.factory(args, new FakePreemptHandle([], [])), (e: Error) => e instanceof PluginArgsError && e.message === msg, JSON.stringify(args));
  });

  it('registers pod deletions (victims leaving) as the event that retries a preemptor', () => {
    const pl = plugin.factory(undefined, new FakePreemptHandle([], [])) as DefaultPreemption;
    assert.equal(pl.name, 'DefaultPreemption');
    assert.deepEqual(pl.eventsToRegister().map((e) => e.event), [{ resource: 'Pod', actionType: 2 }]);
  });
});
