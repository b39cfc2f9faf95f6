import { strict as assert } from 'node:assert';
import { jsonEqual } from './json-equal';

describe('jsonEqual', () => {
  const cases: [string, unknown, unknown, boolean][] = [
    ['key order', { a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, true],
    ['an undefined key is absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['list order counts', [1, 2], [2, 1], false],
    ['null is not an object', { a: null }, { a: {} }, false],
    ['an array is not an object', { a: [] }, { a: {} }, false],
    ['numbers and strings differ', { a: 1 }, { a: '1' }, false],
    ['a missing key', { a: 1 }, { a: 1, b: 2 }, false],
  ];
  for (const [name, a, b, want] of cases) it(name, () => assert.equal(jsonEqual(a, b), want));
});
