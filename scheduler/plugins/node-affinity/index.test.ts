import assert from 'node:assert/strict';
import { nodeWith, podWith } from '../../../test/fixtures/scheduler/basic';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-basic';
import { CycleState } from '../../framework/cycle-state';
import { NodeInfo } from '../../framework/node-info';
import { PluginArgsError } from '../../framework/types';
import { NodeAffinity, nodeNamesOfTerms, plugin } from '.';

const REASON = "node(s) didn't match Pod's node affinity/selector";
type Req = { key: string; operator: string; values?: string[] };
const term = (matchExpressions?: Req[], matchFields?: Req[]) => ({ matchExpressions, matchFields });
const required = (...terms: unknown[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
const preferred = (...terms: { weight: number; preference: unknown }[]) => ({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms } });

describe('plugin NodeAffinity: filter', () => {
  const labels = { foo: 'bar', zone: 'a', gpus: '4' };
  const cases: { title: string; spec: Record<string, unknown>; node?: string; labels?: Record<string, string>; want: 'Success' | 'Skip' | 'Unresolvable' }[] = [
    { title: 'no selector, no affinity: PreFilter skips', spec: {}, want: 'Skip' },
    { title: 'nodeSelector matches', spec: { nodeSelector: { foo: 'bar' } }, want: 'Success' },
    { title: 'nodeSelector wrong value', spec: { nodeSelector: { foo: 'baz' } }, want: 'Unresolvable' },
    { title: 'nodeSelector label missing', spec: { nodeSelector: { disk: 'ssd' } }, want: 'Unresolvable' },
    { title: 'In matches', spec: { affinity: required(term([{ key: 'foo', operator: 'In', values: ['x', 'bar'] }])) }, want: 'Success' },
    { title: 'NotIn excludes', spec: { affinity: required(term([{ key: 'foo', operator: 'NotIn', values: ['bar'] }])) }, want: 'Unresolvable' },
    { title: 'NotIn with missing label matches', spec: { affinity: required(term([{ key: 'absent', operator: 'NotIn', values: ['bar'] }])) }, want: 'Success' },
    { title: 'Exists', spec: { affinity: required(term([{ key: 'zone', operator: 'Exists' }])) }, want: 'Success' },
    { title: 'DoesNotExist on present label', spec: { affinity: required(term([{ key: 'zone', operator: 'DoesNotExist' }])) }, want: 'Unresolvable' },
    { title: 'Gt', spec: { affinity: required(term([{ key: 'gpus', operator: 'Gt', values: ['3'] }])) }, want: 'Success' },
    { title: 'Lt fails', spec: { affinity: required(term([{ key: 'gpus', operator: 'Lt', values: ['3'] }])) }, want: 'Unresolvable' },
    { title: 'expressions within a term are ANDed', spec: { affinity: required(term([{ key: 'foo', operator: 'In', values: ['bar'] }, { key: 'zone', operator: 'In', values: ['b'] }])) }, want: 'Unresolvable' },
    { title: 'terms are ORed', spec: { affinity: required(term([{ key: 'zone', operator: 'In', values: ['b'] }]), term([{ key: 'foo', operator: 'Exists' }])) }, want: 'Success' },
    { title: 'an empty term matches nothing', spec: { affinity: required(term([])) }, want: 'Unresolvable' },
    { title: 'no terms match nothing', spec: { affinity: required() }, want: 'Unresolvable' },
    { title: 'nodeSelector and affinity must both hold', spec: { nodeSelector: { foo: 'bar' }, affinity: required(term([{ key: 'zone', operator: 'In', values: ['b'] }])) }, want: 'Unresolvable' },
    { title: 'matchFields metadata.name on its node', spec: { affinity: required(term(undefined, [{ key: 'metadata.name', operator: 'In', values: ['n1'] }])) }, node: 'n1', want: 'Success' },
    { title: 'matchFields metadata.name on another node', spec: { affinity: required(term(undefined, [{ key: 'metadata.name', operator: 'In', values: ['n2'] }])) }, node: 'n1', want: 'Unresolvable' },
    { title: 'only preferred affinity: PreFilter skips', spec: { affinity: preferred({ weight: 1, preference: term([{ key: 'foo', operator: 'Exists' }]) }) }, want: 'Skip' },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const pl = new NodeAffinity();
      const pod = podWith('p', c.spec);
      const info = new NodeInfo(nodeWith(c.node ?? 'n1', { labels: c.labels ?? labels }));
      const state = new CycleState();
      const pre = pl.preFilter(state, pod, [info]);
      if (c.want === 'Skip') return assert.equal(pre.status.code, 'Skip');
      assert.equal(pre.status.code, 'Success');
      const st = pl.filter(state, pod, info);
      assert.equal(st.code, c.want === 'Success' ? 'Success' : 'UnschedulableAndUnresolvable');
      assert.deepEqual(st.reasons, c.want === 'Success' ? [] : [REASON]);
    });
  }
});

describe('plugin NodeAffinity: PreFilter node names', () => {
  const name = (op: string, ...values: string[]) => ({ key: 'metadata.name', operator: op, values });
  const cases: { title: string; terms: unknown[]; want: string[] | undefined }[] = [
    { title: 'one term pins one node', terms: [term(undefined, [name('In', 'a')])], want: ['a'] },
    { title: 'labels only: any node', terms: [term([{ key: 'foo', operator: 'Exists' }])], want: undefined },
    { title: 'NotIn does not pin', terms: [term(undefined, [name('NotIn', 'a')])], want: undefined },
    { title: 'terms pinning different nodes: their union', terms: [term(undefined, [name('In', 'a')]), term(undefined, [name('In', 'b')])], want: ['a', 'b'] },
    { title: 'one term open: any node', terms: [term(undefined, [name('In', 'a')]), term([{ key: 'foo', operator: 'Exists' }])], want: undefined },
    { title: 'two name fields in a term: their intersection', terms: [term(undefined, [name('In', 'a', 'b'), name('In', 'b', 'c')])], want: ['b'] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const pl = new NodeAffinity();
      const pre = pl.preFilter(new CycleState(), podWith('p', { affinity: required(...c.terms) }), []);
      assert.equal(pre.status.code, 'Success');
      assert.deepEqual(pre.result?.nodeNames ? [...pre.result.nodeNames].sort() : undefined, c.want);
    });
  }

  it('contradicting name fields: unresolvable conflict', () => {
    const pre = new NodeAffinity().preFilter(new CycleState(), podWith('p', { affinity: required(term(undefined, [name('In', 'a'), name('In', 'b')])) }), []);
    assert.equal(pre.status.code, 'UnschedulableAndUnresolvable');
    assert.deepEqual(pre.status.reasons, ['pod affinity terms conflict']);
  });

  it('nodeNamesOfTerms without a required affinity', () => assert.equal(nodeNamesOfTerms(undefined), undefined));
});

describe('plugin NodeAffinity: score', () => {
  const nodes = [nodeWith('n1', { labels: { foo: 'bar' } }), nodeWith('n2', { labels: { foo: 'bar', key: 'value' } }), nodeWith('n3', { labels: { az: 'az1' } }), nodeWith('n4')];
  const terms = [
    { weight: 2, preference: term([{ key: 'foo', operator: 'In', values: ['bar'] }]) },
    { weight: 4, preference: term([{ key: 'key', operator: 'In', values: ['value'] }]) },
    { weight: 5, preference: term([{ key: 'az', operator: 'In', values: ['az1'] }]) },
    { weight: 9, preference: term([]) },
  ];
  const run = (pl: NodeAffinity, spec: Record<string, unknown>) => {
    const pod = podWith('p', spec);
    const state = new CycleState();
    const pre = pl.preScore(state, pod, []);
    if (pre.code === 'Skip') return 'Skip';
    const scores = nodes.map((n) => ({ name: n.metadata.name!, score: pl.score(state, pod, new NodeInfo(n)) }));
    const raw = scores.map((s) => s.score);
    pl.normalizeScore(state, pod, scores);
    return { raw, normalized: scores.map((s) => s.score) };
  };

  it('no preferred terms: PreScore skips', () => assert.equal(run(new NodeAffinity(), {}), 'Skip'));
  it('sums the weights of matching terms and scales to 0..100 (empty terms never match)', () => {
    assert.deepEqual(run(new NodeAffinity(), { affinity: preferred(...terms) }), { raw: [2, 6, 5, 0], normalized: [33, 100, 83, 0] });
  });
  it('one matching term: 100 for its nodes, 0 for others', () => {
    assert.deepEqual(run(new NodeAffinity(), { affinity: preferred(terms[0]) }), { raw: [2, 2, 0, 0], normalized: [100, 100, 0, 0] });
  });
  it('addedAffinity preferences count with the pod’s own', () => {
    const pl = new NodeAffinity({ addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [terms[2]] } });
    assert.deepEqual(run(pl, { affinity: preferred(terms[0]) }), { raw: [2, 2, 5, 0], normalized: [40, 40, 100, 0] });
    assert.deepEqual(run(pl, {}), { raw: [0, 0, 5, 0], normalized: [0, 0, 100, 0] });
  });
});

describe('plugin NodeAffinity: args and addedAffinity', () => {
  const added = { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term([{ key: 'pool', operator: 'In', values: ['batch'] }])] } } };

  it('enforces the added required affinity before the pod’s own', () => {
    const pl = plugin.factory(added, fakeHandle()) as NodeAffinity;
    const pod = podWith('p');
    const state = new CycleState();
    assert.equal(pl.preFilter(state, pod, []).status.code, 'Success', 'added affinity means the filter must run');
    const other = pl.filter(state, pod, new NodeInfo(nodeWith('n', { labels: { pool: 'web' } })));
    assert.deepEqual([other.code, other.reasons], ['UnschedulableAndUnresolvable', ["node(s) didn't match scheduler-enforced node affinity"]]);
    assert.equal(pl.filter(state, pod, new NodeInfo(nodeWith('n', { labels: { pool: 'batch' } }))).code, 'Success');
    const both = pl.filter(state, podWith('p', { nodeSelector: { disk: 'ssd' } }), new NodeInfo(nodeWith('n', { labels: { pool: 'batch' } })));
    assert.deepEqual(both.reasons, [REASON]);
  });

  const bad: { title: string; args: unknown; match: RegExp }[] = [
    { title: 'no required terms', args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }, match: /at least one node selector term/ },
    { title: 'bad operator', args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term([{ key: 'a', operator: 'Equals', values: ['b'] }])] } } }, match: /not a valid selector operator/ },
    { title: 'In without values', args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term([{ key: 'a', operator: 'In' }])] } } }, match: /must be specified/ },
    { title: 'weight 0', args: { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: term([{ key: 'a', operator: 'Exists' }]) }] } }, match: /range 1-100/ },
    { title: 'weight 101', args: { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, preference: term([]) }] } }, match: /range 1-100/ },
    { title: 'field other than metadata.name', args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term(undefined, [{ key: 'spec.x', operator: 'In', values: ['a'] }])] } } }, match: /field selector key/ },
  ];
  for (const c of bad) {
    it(`rejects args: ${c.title}`, () => {
      assert.throws(
        () => plugin.factory(c.args, fakeHandle()),
        (e: unknown) => e instanceof PluginArgsError && c.match.test((e as Error).message),
      );
    });
  }

  it('accepts default args', () => {
    assert.equal(plugin.factory(plugin.defaultArgs!(), fakeHandle()).name, 'NodeAffinity');
  });

  it('node-change hint: queue only when the node starts matching', () => {
    const pl = new NodeAffinity();
    const pod = podWith('p', { nodeSelector: { foo: 'bar' } });
    const yes = nodeWith('n', { labels: { foo: 'bar' } });
    const no = nodeWith('n', { labels: {} });
    assert.equal(pl.isSchedulableAfterNodeChange(pod, undefined, yes), 'Queue');
    assert.equal(pl.isSchedulableAfterNodeChange(pod, no, yes), 'Queue');
    assert.equal(pl.isSchedulableAfterNodeChange(pod, yes, yes), 'QueueSkip');
    assert.equal(pl.isSchedulableAfterNodeChange(pod, undefined, no), 'QueueSkip');
  });
});
