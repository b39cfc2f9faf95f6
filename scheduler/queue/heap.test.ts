import assert from 'node:assert/strict';
import { KeyedHeap } from './heap';

describe('KeyedHeap', () => {
  it('pops in order and supports update and delete by key', () => {
    const h = new KeyedHeap<number>((a, b) => a < b);
    const values = [5, 3, 9, 1, 7, 2, 8];
    values.forEach((v, i) => h.push(`k${i}`, v));
    h.push('k2', 0); // 9 → 0
    h.delete('k3'); // drop 1
    const out: number[] = [];
    while (h.size) out.push(h.pop()!);
    assert.deepEqual(out, [0, 2, 3, 5, 7, 8]);
  });
});
