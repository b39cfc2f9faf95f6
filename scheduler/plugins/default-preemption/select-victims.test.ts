import assert from 'node:assert/strict';
import type { Pod } from '../../../lib/api/types';
import type { PodDisruptionBudget } from '../../../lib/api/pdb';
import { CycleState } from '../../framework/cycle-state';
import { newPodInfo } from '../../framework/pod-info';
import { Code } from '../../framework/status';
import { mkNode } from '../../../test/fixtures/scheduler/objects';
import { pdb, prioPod } from '../../../test/fixtures/scheduler/preempt';
import { FakePreemptHandle } from '../../../test/fixtures/scheduler/fake-handle-preempt';
import { moreImportantPod, NO_VICTIMS, selectVictimsOnNode, splitByPDBViolation } from './select-victims';

const T = (h: number) => `2026-01-01T0${h}:00:00Z`;
const on = (name: string, cpu: string, priority: number, extra: Parameters<typeof prioPod>[1] = {}) => prioPod(name, { cpu, priority, nodeName: 'n1', ...extra });

describe('DefaultPreemption: selectVictimsOnNode', () => {
  const cases: {
    name: string;
    pods: Pod[];
    preemptor: Pod;
    pdbs?: PodDisruptionBudget[];
    nominated?: Pod[];
    victims?: string[];
    violations?: number;
    code?: Code;
    reason?: string;
  }[] = [
    {
      name: 'no lower-priority pod: unresolvable, nothing to evict',
      pods: [on('a', '1', 10), on('b', '1', 20)],
      preemptor: prioPod('p', { cpu: '1', priority: 10 }),
      code: Code.UnschedulableAndUnresolvable,
      reason: NO_VICTIMS,
    },
    {
      name: 'not fitting even with every lower-priority pod gone: the filter reason',
      pods: [on('a', '1500m', 100), on('b', '500m', 1)],
      preemptor: prioPod('p', { cpu: '1', priority: 10 }),
      code: Code.Unschedulable,
      reason: 'Insufficient cpu',
    },
    {
      name: 'the highest-priority victim is reprieved first',
      pods: [on('a', '1', 1), on('b', '1', 2)],
      preemptor: prioPod('p', { cpu: '1', priority: 10 }),
      victims: ['a'],
      violations: 0,
    },
    {
      name: 'every lower pod goes when the preemptor needs the whole node, most important first',
      pods: [on('a', '1', 1), on('b', '1', 2)],
      preemptor: prioPod('p', { cpu: '2', priority: 10 }),
      victims: ['b', 'a'],
      violations: 0,
    },
    {
      name: 'equal priority: the one started earlier is more important and spared',
      pods: [on('late', '1', 1, { startTime: T(5) }), on('early', '1', 1, { startTime: T(1) })],
      preemptor: prioPod('p', { cpu: '1', priority: 10 }),
      victims: ['late'],
      violations: 0,
    },
    {
      name: 'a pod whose budget would be violated is reprieved before higher-priority others',
      pods: [on('a', '1', 1, { labels: { app: 'x' } }), on('b', '1', 2)],
      preemptor: prioPod('p', { cpu: '1', priority: 10 }),
      pdbs: [pdb('x', { app: 'x' }, 0)],
      victims: ['b'],
      violations: 0,
    },
    {
      name: 'a budget-violating victim that cannot be spared counts, and victims are resorted',
      pods: [on('a', '1', 1, { labels: { app: 'x' } }), on('b', '1', 2)],
      preemptor: prioPod('p', { cpu: '2', priority: 10 }),
      pdbs: [pdb('x', { app: 'x' }, 0)],
      victims: ['b', 'a'],
      violations: 1,
    },
    {
      name: 'a budget with disruptions left is no violation',
      pods: [on('a', '1', 1, { labels: { app: 'x' } }), on('b', '1', 2)],
      preemptor: prioPod('p', { cpu: '2', priority: 10 }),
      pdbs: [pdb('x', { app: 'x' }, 1)],
      victims: ['b', 'a'],
      violations: 0,
    },
    {
      name: 'a budget with an empty selector covers nothing for preemption',
      pods: [on('a', '1', 1, { labels: { app: 'x' } }), on('b', '1', 2)],
      preemptor: prioPod('p', { cpu: '2', priority: 10 }),
      pdbs: [pdb('all', {}, 0)],
      victims: ['b', 'a'],
      violations: 0,
    },
    {
      name: 'a pod already in the budget\'s disruptedPods is not counted again',
      pods: [on('a', '1', 1, { labels: { app: 'x' } }), on('b', '1', 2)],
      preemptor: prioPod('p', { cpu: '2', priority: 10 }),
      pdbs: [pdb('x', { app: 'x' }, 0, { disruptedPods: { a: '2026-01-01T11:59:00Z' } })],
      victims: ['b', 'a'],
      violations: 0,
    },
    {
      name: 'a budget of another namespace does not count',
      pods: [on('a', '1', 1, { labels: { app: 'x' } }), on('b', '1', 2)],
      preemptor: prioPod('p', { cpu: '1', priority: 10 }),
      pdbs: [pdb('x', { app: 'x' }, 0, { namespace: 'other' })],
      victims: ['a'],
      violations: 0,
    },
    {
      name: 'a higher-priority pod nominated to the node keeps its room: one more victim',
      pods: [on('a', '1', 1), on('b', '1', 2)],
      preemptor: prioPod('p', { cpu: '1', priority: 10 }),
      nominated: [prioPod('nom', { cpu: '1', priority: 50 })],
      victims: ['b', 'a'],
      violations: 0,
    },
    {
      name: 'a lower-priority nominated pod does not count',
      pods: [on('a', '1', 1), on('b', '1', 2)],
      preemptor: prioPod('p', { cpu: '1', priority: 10 }),
      nominated: [prioPod('nom', { cpu: '1', priority: 5 })],
      victims: ['a'],
      violations: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const h = new FakePreemptHandle([mkNode('n1', { cpu: '2' })], c.pods);
      for (const p of c.nominated ?? []) h.nominate(p, 'n1');
      const original = h.nodes[0];
      const copy = original.clone();
      const r = selectVictimsOnNode(h.framework(), new CycleState(), c.preemptor, copy, c.pdbs ?? [], h.nowMs);
      if (c.victims) {
        assert.equal(r.status.code, Code.Success, r.status.reasons.join());
        assert.deepEqual(r.victims.map((v) => v.metadata.name), c.victims);
        assert.equal(r.numPDBViolations, c.violations);
        // The copy ends without the victims; the snapshot's NodeInfo is untouched.
        assert.deepEqual(copy.pods.map((pi) => pi.pod.metadata.name).filter((n) => c.victims!.includes(n!)), []);
        assert.equal(original.pods.length, c.pods.length);
      } else {
        assert.equal(r.status.code, c.code);
        assert.deepEqual(r.status.reasons, [c.reason]);
        assert.deepEqual(r.victims, []);
      }
    });
  }

  it('tells the PreFilter extensions about every pod removed and put back', () => {
    const h = new FakePreemptHandle([mkNode('n1', { cpu: '2' })], [on('a', '1', 1), on('b', '1', 2), on('c', '0', 99)]);
    selectVictimsOnNode(h.framework(), new CycleState(), prioPod('p', { cpu: '1', priority: 10 }), h.nodes[0].clone(), [], h.nowMs);
    // a and b removed; b put back (fits); a put back, does not fit, removed again.
    assert.deepEqual(h.extension, { remove: 3, add: 2 });
  });
});

describe('DefaultPreemption: PDB accounting and importance', () => {
  it('uses up a budget pod by pod: the pods past disruptionsAllowed violate it', () => {
    const pods = ['a', 'b', 'c'].map((n) => newPodInfo(prioPod(n, { labels: { app: 'x' } })));
    const other = newPodInfo(prioPod('d', { labels: { app: 'y' } }));
    const unlabelled = newPodInfo(prioPod('e'));
    const { violating, nonViolating } = splitByPDBViolation([...pods, other, unlabelled], [pdb('x', { app: 'x' }, 1), pdb('none', undefined, 0)]);
    assert.deepEqual(violating.map((p) => p.pod.metadata.name), ['b', 'c']);
    assert.deepEqual(nonViolating.map((p) => p.pod.metadata.name), ['a', 'd', 'e']);
  });

  it('orders by priority, then by start time (not started counts as now)', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const table: [Pod, Pod, boolean][] = [
      [prioPod('a', { priority: 2 }), prioPod('b', { priority: 1 }), true],
      [prioPod('a', { priority: 1 }), prioPod('b', { priority: 2 }), false],
      [prioPod('a', { priority: 1, startTime: T(1) }), prioPod('b', { priority: 1, startTime: T(2) }), true],
      [prioPod('a', { priority: 1 }), prioPod('b', { priority: 1, startTime: T(2) }), false],
      [prioPod('a', { priority: 1 }), prioPod('b', { priority: 1 }), false],
      [prioPod('a'), prioPod('b', { priority: -5 }), true],
    ];
    for (const [a, b, want] of table) assert.equal(moreImportantPod(a, b, now), want, `${JSON.stringify(a.spec)} vs ${JSON.stringify(b.spec)}`);
  });
});
