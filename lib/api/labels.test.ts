import assert from 'node:assert/strict';
import { matchesRequirements, parseSelector, selectorMatches, SelectorParseError } from './labels';

describe('label selectors', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'db' }, false],
    ['app!=web', {}, true],
    ['env in (a,b),tier', { env: 'b', tier: 'x' }, true],
    ['env notin (a,b)', { env: 'a' }, false],
    ['!tier', { tier: 'x' }, false],
    ['', { any: 'thing' }, true],
  ];
  for (const [sel, labels, want] of cases) {
    it(`"${sel}" on ${JSON.stringify(labels)} → ${want}`, () => {
      assert.equal(matchesRequirements(parseSelector(sel), labels), want);
    });
  }
  it('rejects malformed selectors', () => {
    for (const bad of ['a in (b', '=x', 'a b c', 'a=b c']) assert.throws(() => parseSelector(bad), SelectorParseError);
  });
  it('structured selectors: missing matches nothing, empty everything', () => {
    assert.equal(selectorMatches(undefined, { a: 'b' }), false);
    assert.equal(selectorMatches({}, { a: 'b' }), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }, { a: 'b' }), true);
  });
});
