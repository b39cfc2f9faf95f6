import assert from 'node:assert/strict';
import type { Pod } from '../../../lib/api/types';
import { fakeHandle, newState, type TopoWorld } from '../../../test/fixtures/scheduler/fake-handle-topo';
import { HOST, lPod, replicationController, service, spread, ZONE, zNode } from '../../../test/fixtures/scheduler/topology';
import type { NodeScore } from '../../framework/types';
import { PodTopologySpread, type PodTopologySpreadArgs } from '.';

const web = { app: 'web' };
const webPods = (node: string, n: number): Pod[] => Array.from({ length: n }, (_, i) => lPod(`${node}-w${i}`, web, { nodeName: node }));

/** PreScore over `feasible` (default: all nodes), Score each, NormalizeScore: node → [raw, normalised]. */
function scoreAll(w: TopoWorld, pod: Pod, feasible?: string[], args?: PodTopologySpreadArgs): { pre: string; raw: Record<string, number>; final: Record<string, number> } {
  const h = fakeHandle(w);
  const pl = new PodTopologySpread(args, h);
  const state = newState();
  const nodes = feasible ? h.infos.filter((i) => feasible.includes(i.name)) : h.infos;
  const pre = pl.preScore(state, pod, nodes).code;
  const raw: Record<string, number> = {};
  const final: Record<string, number> = {};
  if (pre !== 'Success') return { pre, raw, final };
  const scores: NodeScore[] = nodes.map((i) => ({ name: i.name, score: pl.score(state, pod, i) }));
  for (const s of scores) raw[s.name] = s.score;
  assert.equal(pl.normalizeScore(state, pod, scores).code, 'Success');
  for (const s of scores) final[s.name] = s.score;
  return { pre, raw, final };
}

describe('plugin PodTopologySpread: Score (ScheduleAnyway)', () => {
  const cases: { name: string; w: TopoWorld; pod: Pod; feasible?: string[]; args?: PodTopologySpreadArgs; raw: Record<string, number>; final: Record<string, number> }[] = [
    {
      // 2 zones: weight ln(4); zoneA 2 pods → round(2·1.386) = 3, zoneB 0.
      name: 'zone constraint: the empty zone scores 100',
      w: { nodes: [zNode('n1', 'A'), zNode('n2', 'A'), zNode('n3', 'B'), zNode('n4', 'B')], pods: webPods('n1', 2) },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { anyway: true })] }),
      raw: { n1: 3, n2: 3, n3: 0, n4: 0 },
      final: { n1: 0, n2: 0, n3: 100, n4: 100 },
    },
    {
      // hostname: weight ln(3+2); counts 2, 1, 0 → 3, 2, 0; 100·(3+0−s)/3.
      name: 'hostname constraint: counted per node',
      w: { nodes: [zNode('n1'), zNode('n2'), zNode('n3')], pods: [...webPods('n1', 2), ...webPods('n2', 1)] },
      pod: lPod('p', web, { spread: [spread(HOST, 1, web, { anyway: true })] }),
      raw: { n1: 3, n2: 2, n3: 0 },
      final: { n1: 0, n2: 33, n3: 100 },
    },
    {
      // maxSkew−1 = 2 is added to every node: 3+2, 2+2, 0+2 → 100·(5+2−s)/5.
      name: 'a larger maxSkew waters the differences down',
      w: { nodes: [zNode('n1'), zNode('n2'), zNode('n3')], pods: [...webPods('n1', 2), ...webPods('n2', 1)] },
      pod: lPod('p', web, { spread: [spread(HOST, 3, web, { anyway: true })] }),
      raw: { n1: 5, n2: 4, n3: 2 },
      final: { n1: 40, n2: 60, n3: 100 },
    },
    {
      name: 'a feasible node without the key is ignored (0) and left out of min/max',
      w: { nodes: [zNode('n1', 'A'), zNode('n2', 'B'), zNode('bare')], pods: [...webPods('n1', 1), ...webPods('bare', 3)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { anyway: true })] }),
      raw: { n1: 1, n2: 0, bare: 0 },
      final: { n1: 0, n2: 100, bare: 0 },
    },
    {
      // Domains come from feasible nodes (A, B): weight ln(4); A's infeasible n2 still adds its pods.
      name: 'pods on infeasible nodes of a feasible domain count; infeasible domains do not',
      w: { nodes: [zNode('n1', 'A'), zNode('n2', 'A'), zNode('n3', 'B'), zNode('n4', 'C')], pods: [...webPods('n2', 2), ...webPods('n4', 5)] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { anyway: true })] }),
      feasible: ['n1', 'n3'],
      raw: { n1: 3, n3: 0 },
      final: { n1: 0, n3: 100 },
    },
    {
      name: 'no matching pod anywhere: every node 100',
      w: { nodes: [zNode('n1', 'A'), zNode('n2', 'B')] },
      pod: lPod('p', web, { spread: [spread(ZONE, 1, web, { anyway: true })] }),
      raw: { n1: 0, n2: 0 },
      final: { n1: 100, n2: 100 },
    },
    {
      // System defaults: hostname (skew 3, weight ln 5) and zone (skew 5; domains "a" and the
      // zone-less "" → weight ln 4). n1: 2·1.609+2 + 2·1.386+4 = 11.99; n2: 2 + 6.77; n3 (no
      // zone label) only its hostname part: 1.609+2.
      name: 'system defaults for a pod a Service selects; zone-less nodes still spread by hostname',
      w: { nodes: [zNode('n1', 'a'), zNode('n2', 'a'), zNode('n3')], pods: [...webPods('n1', 2), ...webPods('n3', 1)], objects: [service('web', web)] },
      pod: lPod('p', web),
      raw: { n1: 12, n2: 9, n3: 4 },
      final: { n1: 33, n2: 58, n3: 100 },
    },
    {
      name: 'a ReplicationController selector is a default selector too',
      w: { nodes: [zNode('n1'), zNode('n2')], pods: webPods('n1', 1), objects: [replicationController('rc', web)] },
      pod: lPod('p', web, { ownerRef: { apiVersion: 'v1', kind: 'ReplicationController', name: 'rc' } }),
      // hostname only (no zone labels): weight ln(4), skew 3 → 1.386+2 and 0+2; 100·(3+2−s)/3.
      raw: { n1: 3, n2: 2 },
      final: { n1: 66, n2: 100 },
    },
    {
      name: 'List defaults require every key: zone-less nodes are ignored',
      w: { nodes: [zNode('n1', 'a'), zNode('n2', 'b'), zNode('n3')], pods: webPods('n1', 1), objects: [service('web', web)] },
      pod: lPod('p', web),
      args: { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway' }] },
      raw: { n1: 1, n2: 0, n3: 0 },
      final: { n1: 0, n2: 100, n3: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = scoreAll(c.w, c.pod, c.feasible, c.args);
      assert.equal(got.pre, 'Success');
      assert.deepEqual(got.raw, c.raw);
      assert.deepEqual(got.final, c.final);
    });
  }

  it('skips pods without soft constraints and an empty cluster', () => {
    assert.equal(scoreAll({ nodes: [zNode('n1', 'A')] }, lPod('p', web)).pre, 'Skip');
    assert.equal(scoreAll({ nodes: [zNode('n1', 'A')] }, lPod('p', web, { spread: [spread(ZONE, 1, web)] })).pre, 'Skip', 'DoNotSchedule only');
    assert.equal(scoreAll({ nodes: [] }, lPod('p', web, { spread: [spread(ZONE, 1, web, { anyway: true })] })).pre, 'Skip');
  });
});
