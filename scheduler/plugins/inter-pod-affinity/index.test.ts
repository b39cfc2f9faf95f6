import assert from 'node:assert/strict';
import type { Node, Pod } from '../../../lib/api/types';
import { fakeHandle, newState, type TopoWorld } from '../../../test/fixtures/scheduler/fake-handle-topo';
import { affinity, HOST, lPod, term, ZONE, zNode } from '../../../test/fixtures/scheduler/topology';
import { CycleState } from '../../framework/cycle-state';
import { newPodInfo } from '../../framework/pod-info';
import { PluginArgsError } from '../../framework/types';
import { ERR_REASON_AFFINITY_RULES_NOT_MATCH, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH, InterPodAffinity, plugin } from '.';

const A = `UnschedulableAndUnresolvable: ${ERR_REASON_AFFINITY_RULES_NOT_MATCH}`;
const AA = `Unschedulable: ${ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH}`;
const EA = `Unschedulable: ${ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH}`;
const web = { app: 'web' };
const db = { app: 'db' };
/** n1, n2 in zone A; n3 in zone B; `bare` has no zone. */
const nodes = (): Node[] => [zNode('n1', 'A'), zNode('n2', 'A'), zNode('n3', 'B')];

function filterAll(w: TopoWorld, pod: Pod): { pre: string; nodes: Record<string, string> } {
  const h = fakeHandle(w);
  const pl = new InterPodAffinity(undefined, h);
  const state = newState();
  const { status } = pl.preFilter(state, pod, h.infos);
  const out: Record<string, string> = {};
  if (status.code !== 'Success') return { pre: status.code, nodes: out };
  for (const info of h.infos) {
    const s = pl.filter(state, pod, info);
    out[info.name] = s.code === 'Success' ? 'ok' : `${s.code}: ${s.reasons.join(',')}`;
  }
  return { pre: status.code, nodes: out };
}

describe('plugin InterPodAffinity: Filter (required terms)', () => {
  const cases: { name: string; w: TopoWorld; pod: Pod; want: Record<string, string> }[] = [
    {
      name: 'affinity to a zone with a db pod',
      w: { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n1' })] },
      pod: lPod('p', web, { affinity: affinity({ req: [term(ZONE, db)] }) }),
      want: { n1: 'ok', n2: 'ok', n3: A },
    },
    {
      name: 'affinity needs the topology key on the node',
      w: { nodes: [...nodes(), zNode('bare')], pods: [lPod('db', db, { nodeName: 'n1' })] },
      pod: lPod('p', web, { affinity: affinity({ req: [term(ZONE, db)] }) }),
      want: { n1: 'ok', n2: 'ok', n3: A, bare: A },
    },
    {
      name: 'several affinity terms: one pod must match them all',
      w: { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n1' }), lPod('cache', { tier: 'cache' }, { nodeName: 'n3' })] },
      pod: lPod('p', web, { affinity: affinity({ req: [term(ZONE, db), term(ZONE, { tier: 'cache' })] }) }),
      want: { n1: A, n2: A, n3: A },
    },
    {
      name: 'first pod of a group: affinity to its own labels with no matching pod anywhere',
      w: { nodes: [...nodes(), zNode('bare')], pods: [lPod('db', db, { nodeName: 'n1' })] },
      pod: lPod('p', web, { affinity: affinity({ req: [term(ZONE, web)] }) }),
      want: { n1: 'ok', n2: 'ok', n3: 'ok', bare: A },
    },
    {
      name: 'not the first pod: a matching pod exists, so only its zone',
      w: { nodes: nodes(), pods: [lPod('w1', web, { nodeName: 'n3' })] },
      pod: lPod('p', web, { affinity: affinity({ req: [term(ZONE, web)] }) }),
      want: { n1: A, n2: A, n3: 'ok' },
    },
    {
      name: 'no matching pod and the pod does not match its own term: nowhere',
      w: { nodes: nodes() },
      pod: lPod('p', web, { affinity: affinity({ req: [term(ZONE, db)] }) }),
      want: { n1: A, n2: A, n3: A },
    },
    {
      name: 'anti-affinity per host',
      w: { nodes: nodes(), pods: [lPod('w1', web, { nodeName: 'n1' })] },
      pod: lPod('p', web, { affinity: affinity({ antiReq: [term(HOST, web)] }) }),
      want: { n1: AA, n2: 'ok', n3: 'ok' },
    },
    {
      name: 'anti-affinity per zone',
      w: { nodes: nodes(), pods: [lPod('w1', web, { nodeName: 'n1' })] },
      pod: lPod('p', web, { affinity: affinity({ antiReq: [term(ZONE, web)] }) }),
      want: { n1: AA, n2: AA, n3: 'ok' },
    },
    {
      name: "existing pods' anti-affinity keeps a matching pod out of their zone",
      w: { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n1', affinity: affinity({ antiReq: [term(ZONE, web)] }) })] },
      pod: lPod('p', web),
      want: { n1: EA, n2: EA, n3: 'ok' },
    },
    {
      name: 'affinity and anti-affinity together (web next to db, one web per host)',
      w: { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n1' }), lPod('w1', web, { nodeName: 'n1' })] },
      pod: lPod('p', web, { affinity: affinity({ req: [term(ZONE, db)], antiReq: [term(HOST, web)] }) }),
      want: { n1: AA, n2: 'ok', n3: A },
    },
    {
      name: 'terms look in the pod namespace by default',
      w: { nodes: nodes(), pods: [lPod('w1', web, { nodeName: 'n1', ns: 'other' })] },
      pod: lPod('p', web, { affinity: affinity({ antiReq: [term(HOST, web)] }) }),
      want: { n1: 'ok', n2: 'ok', n3: 'ok' },
    },
    {
      name: 'terms naming namespaces look there',
      w: { nodes: nodes(), pods: [lPod('w1', web, { nodeName: 'n1', ns: 'other' })] },
      pod: lPod('p', web, { affinity: affinity({ antiReq: [term(HOST, web, { namespaces: ['other'] })] }) }),
      want: { n1: AA, n2: 'ok', n3: 'ok' },
    },
    {
      name: 'namespaceSelector selects namespaces by label',
      w: {
        nodes: nodes(),
        pods: [lPod('w1', web, { nodeName: 'n1', ns: 'team-a' }), lPod('w2', web, { nodeName: 'n3', ns: 'team-b' })],
        namespaces: { 'team-a': { team: 'a' }, 'team-b': { team: 'b' } },
      },
      pod: lPod('p', web, { affinity: affinity({ antiReq: [term(HOST, web, { namespaceSelector: { team: 'a' } })] }) }),
      want: { n1: AA, n2: 'ok', n3: 'ok' },
    },
    {
      name: 'an empty namespaceSelector selects every namespace',
      w: { nodes: nodes(), pods: [lPod('w1', web, { nodeName: 'n1', ns: 'team-a' }), lPod('w2', web, { nodeName: 'n3', ns: 'team-b' })] },
      pod: lPod('p', web, { affinity: affinity({ antiReq: [{ topologyKey: HOST, labelSelector: { matchLabels: web }, namespaceSelector: {} }] }) }),
      want: { n1: AA, n2: 'ok', n3: AA },
    },
    {
      name: "an existing pod's namespaceSelector is matched against the incoming pod's namespace labels",
      w: {
        nodes: nodes(),
        pods: [lPod('db', db, { nodeName: 'n3', ns: 'infra', affinity: affinity({ antiReq: [term(ZONE, web, { namespaceSelector: { team: 'a' } })] }) })],
        namespaces: { 'team-a': { team: 'a' } },
      },
      pod: lPod('p', web, { ns: 'team-a' }),
      want: { n1: 'ok', n2: 'ok', n3: EA },
    },
    {
      name: 'matchLabelKeys: anti-affinity only against the same revision',
      w: { nodes: nodes(), pods: [lPod('w1', { app: 'web', rev: '1' }, { nodeName: 'n1' }), lPod('w2', { app: 'web', rev: '2' }, { nodeName: 'n3' })] },
      pod: lPod('p', { app: 'web', rev: '2' }, { affinity: affinity({ antiReq: [term(HOST, web, { matchLabelKeys: ['rev'] })] }) }),
      want: { n1: 'ok', n2: 'ok', n3: AA },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = filterAll(c.w, c.pod);
      assert.equal(got.pre, 'Success');
      assert.deepEqual(got.nodes, c.want);
    });
  }

  it('skips a pod without required terms when no existing anti-affinity selects it', () => {
    const w = { nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n1', affinity: affinity({ antiReq: [term(ZONE, { app: 'other' })] }) })] };
    assert.equal(filterAll(w, lPod('p', web)).pre, 'Skip');
    assert.equal(filterAll(w, lPod('p', web, { affinity: affinity({ pref: [{ weight: 1, podAffinityTerm: term(ZONE, db) }] }) })).pre, 'Skip', 'preferred terms do not filter');
  });
});

describe('plugin InterPodAffinity: AddPod / RemovePod (preemption)', () => {
  it('removing the pod whose anti-affinity rejects the pod frees its zone; the clone is independent', () => {
    const h = fakeHandle({ nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n1', affinity: affinity({ antiReq: [term(ZONE, web)] }) })] });
    const pl = new InterPodAffinity(undefined, h);
    const pod = lPod('p', web);
    const state = new CycleState();
    assert.equal(pl.preFilter(state, pod, h.infos).status.code, 'Success');
    const [n1, n2] = h.infos;
    const copy = state.clone();
    assert.equal(pl.preFilterExtensions().removePod(copy, pod, n1.pods[0], n1).code, 'Success');
    assert.equal(pl.filter(copy, pod, n2).code, 'Success');
    assert.equal(pl.filter(state, pod, n2).code, 'Unschedulable', 'the original state is untouched');
  });

  it('adding a nominated pod counts toward affinity and anti-affinity', () => {
    const h = fakeHandle({ nodes: nodes(), pods: [lPod('db', db, { nodeName: 'n1' })] });
    const pl = new InterPodAffinity(undefined, h);
    const pod = lPod('p', web, { affinity: affinity({ req: [term(ZONE, db)], antiReq: [term(HOST, { app: 'batch' })] }) });
    const state = new CycleState();
    pl.preFilter(state, pod, h.infos);
    const [, n2, n3] = h.infos;
    const ext = pl.preFilterExtensions();
    assert.equal(pl.filter(state, pod, n3).code, 'UnschedulableAndUnresolvable');
    ext.addPod(state, pod, newPodInfo(lPod('db2', db, { nodeName: 'n3' })), n3);
    assert.equal(pl.filter(state, pod, n3).code, 'Success');
    ext.addPod(state, pod, newPodInfo(lPod('b', { app: 'batch' }, { nodeName: 'n2' })), n2);
    assert.equal(pl.filter(state, pod, n2).reasons[0], ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
    ext.removePod(state, pod, newPodInfo(lPod('b', { app: 'batch' }, { nodeName: 'n2' })), n2);
    assert.equal(pl.filter(state, pod, n2).code, 'Success');
  });

  it('without PreFilter state Filter reports an Error', () => {
    const h = fakeHandle({ nodes: nodes() });
    assert.equal(new InterPodAffinity(undefined, h).filter(new CycleState(), lPod('p', web), h.infos[0]).code, 'Error');
  });
});

describe('plugin InterPodAffinity: args', () => {
  const bad: [unknown, RegExp][] = [
    [{ hardPodAffinityWeight: -1 }, /not in valid range \[0-100\]/],
    [{ hardPodAffinityWeight: 101 }, /not in valid range/],
    [{ hardPodAffinityWeight: 1.5 }, /not in valid range/],
    [{ ignorePreferredTermsOfExistingPods: 'yes' }, /boolean/],
    ['x', /object/],
  ];
  for (const [args, re] of bad) {
    it(`rejects ${JSON.stringify(args)}`, () => {
      assert.throws(() => plugin.factory(args, fakeHandle({ nodes: [] })), (e: unknown) => e instanceof PluginArgsError && re.test((e as Error).message));
    });
  }
  it('accepts defaults (hardPodAffinityWeight 1) and the bounds', () => {
    assert.equal(plugin.name, 'InterPodAffinity');
    assert.deepEqual(plugin.defaultArgs!(), { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false });
    for (const w of [0, 100]) assert.ok(plugin.factory({ hardPodAffinityWeight: w }, fakeHandle({ nodes: [] })));
  });
});
