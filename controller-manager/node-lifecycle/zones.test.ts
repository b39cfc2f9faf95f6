import assert from 'node:assert/strict';
import type { Node } from '../../lib/api/types';
import { computeZoneState, DEFAULT_DISRUPTION_PARAMS, planDisruption, zoneKey, type ZoneState } from './zones';

const P = DEFAULT_DISRUPTION_PARAMS;

describe('node-lifecycle zones', () => {
  it('zone keys: region and zone labels, beta labels as fallback, empty without', () => {
    const n = (labels: Record<string, string>) => ({ metadata: { name: 'n', labels }, spec: {} }) as Node;
    assert.equal(zoneKey(n({})), '');
    assert.equal(zoneKey(n({ 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'a' })), 'r:\u0000:a');
    assert.equal(zoneKey(n({ 'failure-domain.beta.kubernetes.io/zone': 'b' })), ':\u0000:b');
  });

  describe('zone state (ComputeZoneState)', () => {
    const cases: [string, (string | undefined)[], ZoneState][] = [
      ['all ready', ['True', 'True', 'True'], 'Normal'],
      ['one of three down', ['True', 'True', 'Unknown'], 'Normal'],
      ['none ready', ['Unknown', 'False'], 'FullDisruption'],
      ['a single node down', ['Unknown'], 'FullDisruption'],
      ['two of three down: not more than two, still normal', ['True', 'Unknown', 'Unknown'], 'Normal'],
      ['three of five down (60%)', ['True', 'True', 'Unknown', 'Unknown', 'False'], 'PartialDisruption'],
      ['three of six down (50% < 55%)', ['True', 'True', 'True', 'Unknown', 'Unknown', 'False'], 'Normal'],
      ['a node without a Ready condition counts as down', ['True', undefined], 'Normal'],
    ];
    for (const [title, ready, want] of cases) it(title, () => assert.equal(computeZoneState(ready, P.unhealthyZoneThreshold).state, want));
  });

  describe('disruption plan (handleDisruption)', () => {
    const zones = (o: Record<string, string[]>) => new Map(Object.entries(o));
    const states = (o: Record<string, ZoneState>) => new Map(Object.entries(o));
    it('first look: zones start Initial and get the normal rate', () => {
      const p = planDisruption(new Map(), zones({ a: ['True'], b: ['True', 'Unknown'] }), P);
      assert.deepEqual([...p.states], [['a', 'Normal'], ['b', 'Normal']]);
      assert.deepEqual([...p.rates], [['a', 0.1], ['b', 0.1]]);
      assert.equal(p.enterFullDisruption, false);
    });
    it('a steady zone changes nothing', () => {
      const p = planDisruption(states({ a: 'Normal' }), zones({ a: ['True', 'Unknown'] }), P);
      assert.equal(p.rates.size, 0);
    });
    it('every zone down: full disruption, nothing tainted anywhere', () => {
      const p = planDisruption(states({ a: 'Normal', b: 'Normal' }), zones({ a: ['Unknown'], b: ['False', 'Unknown'] }), P);
      assert.equal(p.enterFullDisruption, true);
      assert.deepEqual([...p.rates], [['a', 0], ['b', 0]]);
      assert.deepEqual([...p.states.values()], ['FullDisruption', 'FullDisruption']);
    });
    it('still all down: nothing new', () => {
      const p = planDisruption(states({ a: 'FullDisruption' }), zones({ a: ['Unknown'] }), P);
      assert.deepEqual([p.enterFullDisruption, p.exitFullDisruption, p.rates.size], [false, false, 0]);
    });
    it('one zone back: leaving full disruption resets every zone\'s rate', () => {
      const p = planDisruption(states({ a: 'FullDisruption', b: 'FullDisruption' }), zones({ a: ['True'], b: ['Unknown'] }), P);
      assert.equal(p.exitFullDisruption, true);
      assert.deepEqual([...p.rates], [['a', 0.1], ['b', 0.1]]);
      assert.deepEqual([...p.states], [['a', 'Normal'], ['b', 'FullDisruption']]);
    });
    it('one zone of several down entirely: that zone keeps the normal rate', () => {
      const p = planDisruption(states({ a: 'Normal', b: 'Normal' }), zones({ a: ['True'], b: ['Unknown'] }), P);
      assert.deepEqual([...p.rates], [['b', 0.1]]);
      assert.equal(p.states.get('b'), 'FullDisruption');
    });
    it('partial disruption: stop in a small zone, the secondary rate in a large one', () => {
      const small = planDisruption(states({ a: 'Normal' }), zones({ a: ['True', 'Unknown', 'Unknown', 'Unknown'] }), P);
      assert.deepEqual([...small.rates], [['a', 0]]);
      const big = Array.from({ length: 60 }, (_, i) => (i < 40 ? 'Unknown' : 'True'));
      const large = planDisruption(states({ a: 'Normal' }), zones({ a: big }), P);
      assert.deepEqual([...large.rates], [['a', 0.01]]);
    });
    it('a zone that is gone is forgotten', () => {
      const p = planDisruption(states({ a: 'Normal', gone: 'Normal' }), zones({ a: ['True'] }), P);
      assert.deepEqual([...p.states.keys()], ['a']);
    });
  });
});
