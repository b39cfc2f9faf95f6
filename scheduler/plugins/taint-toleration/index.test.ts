import assert from 'node:assert/strict';
import { nodeWith } from '../../../test/fixtures/scheduler/basic';
import { fakeHandle } from '../../../test/fixtures/scheduler/fake-handle-basic';
import { mkPod } from '../../../test/fixtures/scheduler/objects';
import { CycleState } from '../../framework/cycle-state';
import { NodeInfo } from '../../framework/node-info';
import { isSchedulableAfterNodeChange, isSchedulableAfterPodTolerationChange, plugin, TaintToleration } from '.';

type T = { key: string; value?: string; effect: string };
type Tol = { key?: string; operator?: string; value?: string; effect?: string };

describe('plugin TaintToleration: filter', () => {
  const pl = new TaintToleration();
  const cases: { title: string; taints: T[]; tolerations?: Tol[]; reason?: string }[] = [
    { title: 'no taints', taints: [] },
    { title: 'untolerated NoSchedule', taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], reason: 'node(s) had untolerated taint {dedicated: user1}' },
    { title: 'tolerated with Equal', taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], tolerations: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }] },
    { title: 'Equal with another value', taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }], reason: 'node(s) had untolerated taint {dedicated: user1}' },
    { title: 'Exists ignores the value', taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], tolerations: [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }] },
    { title: 'empty toleration effect matches every effect', taints: [{ key: 'foo', value: 'bar', effect: 'NoExecute' }], tolerations: [{ key: 'foo', value: 'bar' }] },
    { title: 'toleration for another effect', taints: [{ key: 'foo', value: 'bar', effect: 'NoExecute' }], tolerations: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], reason: 'node(s) had untolerated taint {foo: bar}' },
    { title: 'PreferNoSchedule never filters', taints: [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }] },
    { title: 'first untolerated taint named', taints: [{ key: 'a', value: '1', effect: 'NoSchedule' }, { key: 'b', effect: 'NoExecute' }], tolerations: [{ key: 'a', operator: 'Exists' }], reason: 'node(s) had untolerated taint {b: }' },
    { title: 'empty key with Exists tolerates everything', taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'NoExecute' }], tolerations: [{ operator: 'Exists' }] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const st = pl.filter(new CycleState(), mkPod('p', { tolerations: c.tolerations }), new NodeInfo(nodeWith('n', { taints: c.taints })));
      assert.equal(st.code, c.reason ? 'UnschedulableAndUnresolvable' : 'Success');
      assert.deepEqual(st.reasons, c.reason ? [c.reason] : []);
    });
  }
});

describe('plugin TaintToleration: score', () => {
  const pl = new TaintToleration();
  const run = (tolerations: Tol[], nodes: T[][]) => {
    const pod = mkPod('p', { tolerations });
    const state = new CycleState();
    assert.equal(pl.preScore(state, pod, []).code, 'Success');
    const scores = nodes.map((taints, i) => ({ name: `n${i}`, score: pl.score(state, pod, new NodeInfo(nodeWith(`n${i}`, { taints }))) }));
    const raw = scores.map((s) => s.score);
    pl.normalizeScore(state, pod, scores);
    return { raw, normalized: scores.map((s) => s.score) };
  };
  const pref = (key: string, value = 'v'): T => ({ key, value, effect: 'PreferNoSchedule' });

  it('a tolerated PreferNoSchedule taint costs nothing', () => {
    assert.deepEqual(run([{ key: 'foo', operator: 'Equal', value: 'v', effect: 'PreferNoSchedule' }], [[pref('foo')], [pref('bar')]]), { raw: [0, 1], normalized: [100, 0] });
  });
  it('the more intolerable taints, the lower the score', () => {
    assert.deepEqual(run([], [[], [pref('a')], [pref('a'), pref('b')], [pref('a'), pref('b'), pref('c'), pref('d')]]), { raw: [0, 1, 2, 4], normalized: [100, 75, 50, 0] });
  });
  it('only PreferNoSchedule taints count', () => {
    assert.deepEqual(run([], [[{ key: 'x', effect: 'NoSchedule' }], [pref('a')]]), { raw: [0, 1], normalized: [100, 0] });
  });
  it('tolerations for NoSchedule do not tolerate PreferNoSchedule', () => {
    assert.deepEqual(run([{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }], [[pref('a')], []]), { raw: [1, 0], normalized: [0, 100] });
  });
  it('no taints anywhere: every node 100', () => {
    assert.deepEqual(run([], [[], []]), { raw: [0, 0], normalized: [100, 100] });
  });
});

describe('plugin TaintToleration: events', () => {
  const taint = { key: 'dedicated', value: 'x', effect: 'NoSchedule' };
  it('node hint: queue when the node becomes tolerable', () => {
    const pod = mkPod('p');
    assert.equal(isSchedulableAfterNodeChange(pod, undefined, nodeWith('n')), 'Queue');
    assert.equal(isSchedulableAfterNodeChange(pod, undefined, nodeWith('n', { taints: [taint] })), 'QueueSkip');
    assert.equal(isSchedulableAfterNodeChange(pod, nodeWith('n', { taints: [taint] }), nodeWith('n')), 'Queue');
    assert.equal(isSchedulableAfterNodeChange(pod, nodeWith('n'), nodeWith('n')), 'QueueSkip');
  });
  it('pod hint: only the pod itself', () => {
    const pod = mkPod('p');
    assert.equal(isSchedulableAfterPodTolerationChange(pod, pod, mkPod('p', { tolerations: [{ operator: 'Exists' }] })), 'Queue');
    assert.equal(isSchedulableAfterPodTolerationChange(pod, undefined, mkPod('q')), 'QueueSkip');
  });
  it('factory', () => {
    const p = plugin.factory(undefined, fakeHandle()) as TaintToleration;
    assert.equal(p.name, 'TaintToleration');
    assert.equal(p.eventsToRegister().length, 2);
  });
});
