import assert from 'node:assert/strict';
import type { Pod } from '../../lib/api/types';
import { mkDaemonPod, mkDS, mkNode } from '../../test/fixtures/controller-manager/daemon-sets';
import { nodesToDaemonPods } from './daemon-plan';
import { planRollingUpdate, scaled, updateBudget } from './rolling-update';

const NOW = Date.parse('2024-06-01T00:00:00Z');
const nodes = ['a', 'b', 'c', 'd'].map((n) => mkNode(n));

describe('daemonset rolling update', () => {
  it('resolves budgets as upstream: percentages round up, both zero means one unavailable', () => {
    assert.equal(scaled('25%', 4), 1);
    assert.equal(scaled('30%', 4), 2);
    assert.equal(scaled(3, 4), 3);
    const zero = mkDS('x', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } });
    assert.deepEqual(updateBudget(zero, nodes, new Map()), { maxSurge: 0, maxUnavailable: 1, desired: 4 });
  });

  const ds = (maxUnavailable: number | string, maxSurge: number | string) => mkDS('agent', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge } } });
  type Case = { title: string; ds: ReturnType<typeof mkDS>; pods: (d: ReturnType<typeof mkDS>) => Pod[]; remove: string[]; create: string[] };
  const old = (d: ReturnType<typeof mkDS>, n: string, state: 'ready' | 'notready' = 'ready') => mkDaemonPod(d, n, 'old', state, { name: `old-${n}` });
  const cur = (d: ReturnType<typeof mkDS>, n: string, state: 'ready' | 'notready' = 'ready') => mkDaemonPod(d, n, 'new', state, { name: `new-${n}` });
  const cases: Case[] = [
    { title: 'maxUnavailable 1: one old pod at a time', ds: ds(1, 0), pods: (d) => nodes.map((n) => old(d, n.metadata.name!)), remove: ['old-a'], create: [] },
    { title: 'maxUnavailable 2: two at a time', ds: ds(2, 0), pods: (d) => nodes.map((n) => old(d, n.metadata.name!)), remove: ['old-a', 'old-b'], create: [] },
    { title: 'a node without a pod uses the budget', ds: ds(1, 0), pods: (d) => ['b', 'c', 'd'].map((n) => old(d, n)), remove: [], create: [] },
    { title: 'a new pod not yet ready uses the budget', ds: ds(1, 0), pods: (d) => [cur(d, 'a', 'notready'), old(d, 'b'), old(d, 'c'), old(d, 'd')], remove: [], create: [] },
    { title: 'a ready new pod frees the budget', ds: ds(1, 0), pods: (d) => [cur(d, 'a'), old(d, 'b'), old(d, 'c'), old(d, 'd')], remove: ['old-b'], create: [] },
    { title: 'unavailable old pods are always replaced', ds: ds(1, 0), pods: (d) => [cur(d, 'a', 'notready'), old(d, 'b', 'notready'), old(d, 'c'), old(d, 'd')], remove: ['old-b'], create: [] },
    { title: 'percent: 50% of 4 is 2', ds: ds('50%', 0), pods: (d) => nodes.map((n) => old(d, n.metadata.name!)), remove: ['old-a', 'old-b'], create: [] },
    { title: 'all updated: nothing', ds: ds(1, 0), pods: (d) => nodes.map((n) => cur(d, n.metadata.name!)), remove: [], create: [] },
    { title: 'surge 1: one new pod beside an old one', ds: ds(0, 1), pods: (d) => nodes.map((n) => old(d, n.metadata.name!)), remove: [], create: ['a'] },
    { title: 'surge: waiting for the surged pod', ds: ds(0, 1), pods: (d) => [old(d, 'a'), cur(d, 'a', 'notready'), old(d, 'b'), old(d, 'c'), old(d, 'd')], remove: [], create: [] },
    { title: 'surge: surged pod available: old goes, next node surges', ds: ds(0, 1), pods: (d) => [old(d, 'a'), cur(d, 'a'), old(d, 'b'), old(d, 'c'), old(d, 'd')], remove: ['old-a'], create: ['b'] },
    { title: 'surge: an unavailable old pod is replaced beside the budget', ds: ds(0, 1), pods: (d) => [old(d, 'a', 'notready'), old(d, 'b'), old(d, 'c'), old(d, 'd')], remove: [], create: ['a', 'b'] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const p = planRollingUpdate(c.ds, nodes, nodesToDaemonPods(c.pods(c.ds)), 'new', NOW);
      assert.deepEqual(p.remove.map((x) => x.metadata.name).sort(), c.remove);
      assert.deepEqual(p.create, c.create);
    });
  }
});
