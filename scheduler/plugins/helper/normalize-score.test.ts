import assert from 'node:assert/strict';
import { defaultNormalizeScore } from './normalize-score';

describe('defaultNormalizeScore', () => {
  const cases: { title: string; raw: number[]; reverse: boolean; want: number[] }[] = [
    { title: 'scales the best to 100', raw: [1, 2, 4], reverse: false, want: [25, 50, 100] },
    { title: 'integer division truncates', raw: [1, 3], reverse: false, want: [33, 100] },
    { title: 'reversed: the fewest is best', raw: [0, 1, 4], reverse: true, want: [100, 75, 0] },
    { title: 'all zero stays zero', raw: [0, 0], reverse: false, want: [0, 0] },
    { title: 'all zero reversed: all best', raw: [0, 0], reverse: true, want: [100, 100] },
    { title: 'no nodes', raw: [], reverse: true, want: [] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const scores = c.raw.map((score, i) => ({ name: `n${i}`, score }));
      defaultNormalizeScore(scores, c.reverse);
      assert.deepEqual(
        scores.map((s) => s.score),
        c.want,
      );
    });
  }
});
