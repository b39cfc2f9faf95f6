import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../lib/api/types';
import { fakeHandle, newState, type TopoWorld } from '../../../test/fixtures/scheduler/fake-handle-topo';
import { affinity, HOST, lPod, term, weighted, ZONE, zNode } from '../../../test/fixtures/scheduler/topology';
import type { NodeScore } from '../../framework/types';
import { InterPodAffinity, type InterPodAffinityArgs } from '.';

const web = { app: 'web' };
const db = { app: 'db' };
const nodes = (): Node[] => [zNode('n1', 'A'), zNode('n2', 'A'), zNode('n3', 'B')];

function scoreAll(w: TopoWorld, pod: Pod, args?: InterPodAffinityArgs): { pre: string; raw: Record<string, number>; final: Record<string, number> } {
  const h = fakeHandle(w);
  const pl = new InterPodAffinity(args, h);
  const state = newState();
  const pre = pl.preScore(state, pod, h.infos).code;
  const raw: Record<string, number> = {};
  const final: Record<string, number> = {};
  if (pre !== 'Success') return { pre, raw, final };
  const scores: NodeScore[] = h.infos.map((i) => ({ name: i.name, score: pl.score(state, pod, i) }));
  for (const s of scores) raw[s.name] = s.score;
  assert.equal(pl.normalizeScore(state, pod, scores).code, 'Success');
  for (const s of scores) final[s.name] = s.score;
  return { pre, raw, final };
}

describe('plugin InterPodAffinity: Score (preferred terms)', () => {
  const cases: { name: string; w: TopoWorld; pod: Pod; args?: InterPodAffinityArgs; raw: Record<string, number>; final: Record<string, number> }[] = [
    {
      name: 'preferred affinity: the zone of the db pod gets the weight',
      w: { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n1' })] },
      pod: lPod('p', web, { affinity: affinity({ pref: [weighted(5, term(ZONE, db))] }) }),
      raw: { n1: 5, n2: 5, n3: 0 },
      final: { n1: 100, n2: 100, n3: 0 },
    },
    {
      name: 'preferred anti-affinity: the host of a web pod loses the weight',
      w: { nodes: nodes(), pods: [lPod('w1', web, { nodeName: 'n1' })] },
      pod: lPod('p', web, { affinity: affinity({ antiPref: [weighted(10, term(HOST, web))] }) }),
      raw: { n1: -10, n2: 0, n3: 0 },
      final: { n1: 0, n2: 100, n3: 100 },
    },
    {
      // n1: +8 (zone A has db) −4 (n1 has web); n2: +8; n3: 0 → min 0, max 8.
      name: 'affinity and anti-affinity add up per domain, normalised min..max',
      w: { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n2' }), lPod('w1', web, { nodeName: 'n1' })] },
      pod: lPod('p', web, { affinity: affinity({ pref: [weighted(8, term(ZONE, db))], antiPref: [weighted(4, term(HOST, web))] }) }),
      raw: { n1: 4, n2: 8, n3: 0 },
      final: { n1: 50, n2: 100, n3: 0 },
    },
    {
      name: 'every matching pod adds its weight again',
      w: { nodes: nodes(), pods: [lPod('db1', db, { nodeName: 'n1' }), lPod('db2', db, { nodeName: 'n1' }), lPod('db3', db, { nodeName: 'n3' })] },
      pod: lPod('p', web, { affinity: affinity({ pref: [weighted(3, term(ZONE, db))] }) }),
      raw: { n1: 6, n2: 6, n3: 3 },
      final: { n1: 100, n2: 100, n3: 0 },
    },
    {
      name: "an existing pod's required affinity selecting the incoming pod weighs hardPodAffinityWeight (default 1)",
      w: { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n3', affinity: affinity({ req: [term(ZONE, web)] }) })] },
      pod: lPod('p', web),
      raw: { n1: 0, n2: 0, n3: 1 },
      final: { n1: 0, n2: 0, n3: 100 },
    },
    {
      name: "existing pods' preferred affinity and anti-affinity selecting the incoming pod",
      w: {
        nodes: nodes(),
        pods: [
          lPod('db', db, { nodeName: 'n3', affinity: affinity({ pref: [weighted(7, term(ZONE, web))] }) }),
          lPod('batch', { app: 'batch' }, { nodeName: 'n1', affinity: affinity({ antiPref: [weighted(2, term(HOST, web))] }) }),
        ],
      },
      pod: lPod('p', web),
      raw: { n1: -2, n2: 0, n3: 7 },
      final: { n1: 0, n2: 22, n3: 100 },
    },
    {
      name: 'the incoming pod terms look only in its namespace unless told',
      w: { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n1', ns: 'other' }), lPod('db2', db, { nodeName: 'n3', ns: 'ops' })], namespaces: { ops: { team: 'ops' } } },
      pod: lPod('p', web, { affinity: affinity({ pref: [weighted(5, term(ZONE, db)), weighted(1, term(ZONE, db, { namespaceSelector: { team: 'ops' } }))] }) }),
      raw: { n1: 0, n2: 0, n3: 1 },
      final: { n1: 0, n2: 0, n3: 100 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = scoreAll(c.w, c.pod, c.args);
      assert.equal(got.pre, 'Success');
      assert.deepEqual(got.raw, c.raw);
      assert.deepEqual(got.final, c.final);
    });
  }

  it('hardPodAffinityWeight 0 ignores existing required affinity (nothing to score: Skip)', () => {
    const w = { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n3', affinity: affinity({ req: [term(ZONE, web)] }) })] };
    assert.equal(scoreAll(w, lPod('p', web), { hardPodAffinityWeight: 0 }).pre, 'Skip');
  });

  it('ignorePreferredTermsOfExistingPods skips a pod without preferred terms of its own', () => {
    const w = { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n3', affinity: affinity({ pref: [weighted(7, term(ZONE, web))] }) })] };
    assert.equal(scoreAll(w, lPod('p', web), { ignorePreferredTermsOfExistingPods: true }).pre, 'Skip');
    assert.equal(scoreAll(w, lPod('p', web)).pre, 'Success');
    const own = scoreAll(w, lPod('p', web, { affinity: affinity({ pref: [weighted(1, term(ZONE, db))] }) }), { ignorePreferredTermsOfExistingPods: true });
    assert.deepEqual(own.raw, { n1: 0, n2: 0, n3: 8 }, 'with terms of its own, existing pods still count');
  });

  it('equal raw scores normalise to 0; nothing matching is Skip', () => {
    const w = { nodes: [zNode('n1', 'A'), zNode('n2', 'A')], pods: [lPod('db', db, { nodeName: 'n1' })] };
    assert.deepEqual(scoreAll(w, lPod('p', web, { affinity: affinity({ pref: [weighted(5, term(ZONE, db))] }) })).final, { n1: 0, n2: 0 });
    assert.equal(scoreAll(w, lPod('p', web, { affinity: affinity({ pref: [weighted(5, term(ZONE, { app: 'none' }))] }) })).pre, 'Skip');
    assert.equal(scoreAll(w, lPod('p', web)).pre, 'Skip');
  });
});
