import assert from 'node:assert/strict';
import { median } from './controllers-daemonset';

describe('bench controllers-daemonset: median', () => {
  const cases: { xs: number[]; want: number }[] = [
    { xs: [5], want: 5 },
    { xs: [3, 1, 2], want: 2 },
    { xs: [4, 1, 3, 2], want: 2.5 },
    { xs: [900, 350, 400, 330, 1100], want: 400 },
  ];
  for (const c of cases) {
    it(`median of ${JSON.stringify(c.xs)} is ${c.want}`, () => assert.equal(median(c.xs), c.want));
  }

  it('leaves its input in order', () => {
    const xs = [3, 1, 2];
    median(xs);
    assert.deepEqual(xs, [3, 1, 2]);
  });
});
