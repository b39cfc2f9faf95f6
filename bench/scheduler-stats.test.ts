import assert from 'node:assert/strict';
import { antiAffinityViolations, latencies, percentile, spread, throughput } from './scheduler-stats';

describe('bench:scheduler figures', () => {
  describe('percentile (nearest rank)', () => {
    const cases: { title: string; values: number[]; p: number; want: number }[] = [
      { title: 'no values', values: [], p: 50, want: 0 },
      { title: 'one value', values: [7], p: 99, want: 7 },
      { title: 'median of 1..10', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 50, want: 5 },
      { title: 'p99 of 1..100', values: Array.from({ length: 100 }, (_, i) => i + 1), p: 99, want: 99 },
      { title: 'p100 is the max', values: [1, 2, 3], p: 100, want: 3 },
      { title: 'p0 is the min', values: [1, 2, 3], p: 0, want: 1 },
    ];
    for (const c of cases) it(c.title, () => assert.equal(percentile(c.values, c.p), c.want));
  });

  it('latencies sorts before taking percentiles', () => {
    assert.deepEqual(latencies([30, 10, 20]), { p50Ms: 20, p99Ms: 30, maxMs: 30 });
    assert.deepEqual(latencies([]), { p50Ms: 0, p99Ms: 0, maxMs: 0 });
  });

  describe('throughput', () => {
    it('no bindings: zeros', () => assert.deepEqual(throughput(0, []), { podsPerSec: 0, steadyPodsPerSec: 0, durationMs: 0 }));
    it('counts from the first create to the last binding', () => {
      // 4 pods, first create at 1000 ms, last bound at 3000 ms: 4 pods in 2 s
      assert.deepEqual(throughput(1000, [3000, 1500, 2000, 2500]), { podsPerSec: 2, steadyPodsPerSec: 2, durationMs: 2000 });
    });
    it('the steady middle leaves out a slow start and a slow tail', () => {
      // 100 pods: the first 10 take 10 s to bind, the middle 80 one per 10 ms, the last 10 another 10 s
      const t: number[] = [];
      for (let i = 0; i < 10; i++) t.push(1000 * (i + 1));
      for (let i = 0; i < 80; i++) t.push(10_000 + 10 * (i + 1));
      for (let i = 0; i < 10; i++) t.push(10_800 + 1000 * (i + 1));
      const r = throughput(0, t);
      assert.equal(r.durationMs, 20_800);
      assert.equal(r.podsPerSec, 4.8);
      // t[10]..t[89]: 79 intervals of 10 ms
      assert.equal(r.steadyPodsPerSec, 100);
    });
  });

  describe('spread', () => {
    // want: max, min, max − min, groups at max
    const cases: { title: string; groups: string[]; placements: string[]; want: [number, number, number, number] }[] = [
      { title: 'no groups', groups: [], placements: [], want: [0, 0, 0, 0] },
      { title: 'perfectly even', groups: ['a', 'b'], placements: ['a', 'b', 'a', 'b'], want: [2, 2, 0, 2] },
      { title: 'within one', groups: ['a', 'b', 'c'], placements: ['a', 'b', 'c', 'a'], want: [2, 1, 1, 1] },
      { title: 'an empty node counts', groups: ['a', 'b', 'c'], placements: ['a', 'a', 'b'], want: [2, 0, 2, 1] },
      { title: 'a placement outside the groups still counts', groups: ['a'], placements: ['a', 'x', 'x'], want: [2, 1, 1, 1] },
    ];
    for (const c of cases)
      it(c.title, () => {
        const s = spread(c.groups, c.placements);
        assert.deepEqual([s.maxPodsPerNode, s.minPodsPerNode, s.spreadMaxMinusMin, s.groupsAtMax], c.want);
      });
  });

  it('anti-affinity violations count every pod beyond the first on a node', () => {
    assert.equal(antiAffinityViolations([]), 0);
    assert.equal(antiAffinityViolations(['a', 'b', 'c']), 0);
    assert.equal(antiAffinityViolations(['a', 'a', 'a', 'b', 'b']), 3);
  });
});
