import assert from 'node:assert/strict';
import { lPod, ZONE } from '../../../test/fixtures/scheduler/topology';
import type { Pod } from '../../../lib/api/types';
import { NodeInfo } from '../../framework/node-info';
import { newPodInfo } from '../../framework/pod-info';
import { compileConstraints, countMatching, countOnNode, CriticalPaths, NodeCounter, selectorGroups, selectorKey, type TopologySpreadConstraintSpec } from './constraints';

describe('PodTopologySpread helpers: compileConstraints', () => {
  const base = { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule' as const };
  const cases: { name: string; spec: Partial<TopologySpreadConstraintSpec>; podLabels: Record<string, string>; selects: Record<string, string>[]; rejects: Record<string, string>[] }[] = [
    { name: 'matchLabels', spec: { labelSelector: { matchLabels: { app: 'web' } } }, podLabels: {}, selects: [{ app: 'web', x: 'y' }], rejects: [{ app: 'db' }, {}] },
    { name: 'empty selector selects all', spec: { labelSelector: {} }, podLabels: {}, selects: [{}, { a: 'b' }], rejects: [] },
    { name: 'no selector selects none', spec: {}, podLabels: {}, selects: [], rejects: [{}, { app: 'web' }] },
    {
      name: 'matchLabelKeys narrow to the pod value',
      spec: { labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['rev'] },
      podLabels: { app: 'web', rev: '2' },
      selects: [{ app: 'web', rev: '2' }],
      rejects: [{ app: 'web', rev: '1' }, { app: 'web' }],
    },
    { name: 'matchLabelKeys alone (no selector) select by the pod value', spec: { matchLabelKeys: ['rev'] }, podLabels: { rev: '2' }, selects: [{ rev: '2' }], rejects: [{ rev: '1' }] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [k] = compileConstraints([{ ...base, ...c.spec }], c.podLabels, 'DoNotSchedule');
      const m = (l: Record<string, string>) => k.selector !== null && countMatching([newPodInfo(lPod('x', l))], k.selector, 'default') === 1;
      for (const l of c.selects) assert.ok(m(l), `selects ${JSON.stringify(l)}`);
      for (const l of c.rejects) assert.ok(!m(l), `rejects ${JSON.stringify(l)}`);
    });
  }

  it('applies defaults: minDomains 1, nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore; filters by action', () => {
    const specs: TopologySpreadConstraintSpec[] = [base, { ...base, whenUnsatisfiable: 'ScheduleAnyway', minDomains: 3, nodeAffinityPolicy: 'Ignore', nodeTaintsPolicy: 'Honor' }];
    const [hard] = compileConstraints(specs, {}, 'DoNotSchedule');
    assert.deepEqual([hard.minDomains, hard.nodeAffinityPolicy, hard.nodeTaintsPolicy], [1, 'Honor', 'Ignore']);
    const soft = compileConstraints(specs, {}, 'ScheduleAnyway');
    assert.deepEqual(soft.map((c) => [c.minDomains, c.nodeAffinityPolicy, c.nodeTaintsPolicy]), [[3, 'Ignore', 'Honor']]);
  });
});

describe('PodTopologySpread helpers: countMatching', () => {
  const sel = [{ key: 'app', op: '=' as const, values: ['web'] }];
  it('counts selected pods of the namespace, not terminating nor finished ones', () => {
    const done = lPod('done', { app: 'web' });
    done.status = { phase: 'Succeeded' };
    const pods = [lPod('a', { app: 'web' }), lPod('b', { app: 'web' }, { ns: 'other' }), lPod('c', { app: 'web' }, { deleting: true }), lPod('d', { app: 'db' }), done];
    assert.equal(countMatching(pods.map(newPodInfo), sel, 'default'), 1);
    assert.equal(countMatching(pods.map(newPodInfo), null, 'default'), 0);
  });
});

describe('PodTopologySpread helpers: CriticalPaths', () => {
  const cases: { name: string; updates: [string, number][]; want: [string, number] }[] = [
    { name: 'minimum of several domains', updates: [['a', 3], ['b', 1], ['c', 2]], want: ['b', 1] },
    { name: 'ties keep the first', updates: [['a', 1], ['b', 1]], want: ['a', 1] },
    { name: 'the minimum domain growing hands over to the second', updates: [['a', 0], ['b', 1], ['a', 2]], want: ['b', 1] },
    { name: 'a domain shrinking below the minimum takes over', updates: [['a', 1], ['b', 2], ['b', 0]], want: ['b', 0] },
    { name: 'an empty-string domain value is a domain like any', updates: [['', 2], ['a', 3]], want: ['', 2] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = new CriticalPaths();
      for (const [v, n] of c.updates) p.update(v, n);
      assert.deepEqual([p.v0, p.n0], c.want);
      assert.ok(p.n1 >= p.n0);
    });
  }
});

describe('PodTopologySpread helpers: selector groups', () => {
  const c = (topologyKey: string, app: string): TopologySpreadConstraintSpec => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app } } });
  it('constraints with equal selectors share a group and one count per node', () => {
    const cs = compileConstraints([c(ZONE, 'web'), c('h', 'db'), c('kubernetes.io/hostname', 'web')], {}, 'DoNotSchedule');
    assert.deepEqual(selectorGroups(cs), [0, 1, 0]);
    const counter = new NodeCounter(cs, 'default');
    const node = (name: string, pods: Pod[]) => new NodeInfo({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: {} } as never, pods);
    const both = node('n1', [lPod('a', { app: 'web' }), lPod('b', { app: 'db' })]);
    assert.deepEqual([counter.count(0, both), counter.count(1, both), counter.count(2, both)], [1, 1, 1]);
    counter.next();
    assert.equal(counter.count(2, node('n2', [lPod('b', { app: 'db' })])), 0, 'next() forgets the previous node');
  });

  it('a node’s counts are remembered across cycles until its NodeInfo changes', () => {
    const cs = compileConstraints([c(ZONE, 'web')], {}, 'DoNotSchedule');
    const info = new NodeInfo({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: {}, status: {} } as never, [lPod('a', { app: 'web' })]);
    const key = selectorKey(cs[0].selector, 'default');
    assert.equal(countOnNode(info, cs[0].selector, 'default', key), 1);
    info.addPod(lPod('b', { app: 'web' }));
    assert.equal(countOnNode(info, cs[0].selector, 'default', key), 2, 'a new generation is counted again');
    const copy = info.clone();
    copy.removePod(lPod('a', { app: 'web' }));
    assert.equal(countOnNode(copy, cs[0].selector, 'default', key), 1, 'a changed clone (preemption) has its own count');
    assert.equal(countOnNode(info, cs[0].selector, 'default', key), 2);
    assert.equal(countOnNode(info, cs[0].selector, 'other', selectorKey(cs[0].selector, 'other')), 0, 'namespaces are apart');
  });
});
