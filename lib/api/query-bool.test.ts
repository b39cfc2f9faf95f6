import assert from 'node:assert/strict';
import { parseQueryBool, queryBool } from './query-bool';

describe('lib/api/query-bool: kube-apiserver boolean query parameters', () => {
  const cases: [string, string[], boolean][] = [
    ['absent', [], false],
    ['"true"', ['true'], true],
    ['"True" (the Python client)', ['True'], true],
    ['"1"', ['1'], true],
    ['empty value (?watch=)', [''], true],
    ['"yes"', ['yes'], true],
    ['"false"', ['false'], false],
    ['"FALSE"', ['FALSE'], false],
    ['"0"', ['0'], false],
    ['first value wins', ['0', 'true'], false],
  ];
  for (const [name, values, want] of cases) it(name, () => assert.equal(parseQueryBool(values), want));

  it('reads a URL query', () => {
    const q = new URLSearchParams('watch=True&stdin=0&tty');
    assert.equal(queryBool(q, 'watch'), true);
    assert.equal(queryBool(q, 'stdin'), false);
    assert.equal(queryBool(q, 'tty'), true);
    assert.equal(queryBool(q, 'stderr'), false);
  });
});
