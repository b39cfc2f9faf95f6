import { strict as assert } from 'node:assert';
import { formatIndexes, parseIndexes } from './indexes';

describe('job completion indexes', () => {
  const fmt: [number[], string][] = [
    [[], ''],
    [[0], '0'],
    [[0, 1], '0,1'],
    [[0, 1, 2], '0-2'],
    [[1, 3, 4, 5, 7], '1,3-5,7'],
    [[5, 1, 1, 2, 3], '1-3,5'],
  ];
  for (const [idx, text] of fmt) it(`formats [${idx}] as "${text}"`, () => assert.equal(formatIndexes(idx), text));

  const parse: [string | undefined, number, number[]][] = [
    [undefined, 5, []],
    ['', 5, []],
    ['1,3-5,7', 10, [1, 3, 4, 5, 7]],
    ['1,3-5,7', 5, [1, 3, 4]],
    ['x,2,1-', 5, [2]],
    ['2,0-2', 5, [0, 1, 2]],
  ];
  for (const [text, completions, idx] of parse) it(`parses "${text}" below ${completions}`, () => assert.deepEqual(parseIndexes(text, completions), idx));
});
