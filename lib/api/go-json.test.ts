import assert from 'node:assert/strict';
import { goJson, goJsonIndent, goJsonLine } from './go-json';

describe('lib/api/go-json: JSON as Go encoding/json writes it', () => {
  // Expected texts are what json.Marshal / json.MarshalIndent(v, "", "  ") produce in Go 1.22+.
  const compact: [string, unknown, string][] = [
    ['plain object', { a: 1, b: 'x' }, '{"a":1,"b":"x"}'],
    ['HTML characters escaped', { m: 'a<b>&c' }, '{"m":"a\\u003cb\\u003e\\u0026c"}'],
    ['line and paragraph separators escaped', { m: 'x\u2028y\u2029z' }, '{"m":"x\\u2028y\\u2029z"}'],
    ['control characters as Go writes them', { m: '\b\f\n\r\t\u0001' }, '{"m":"\\b\\f\\n\\r\\t\\u0001"}'],
    ['quotes and backslashes', { m: '"\\' }, '{"m":"\\"\\\\"}'],
    ['non-ASCII kept as is', { m: 'héllo ✓' }, '{"m":"héllo ✓"}'],
    ['empty containers', { o: {}, a: [] }, '{"o":{},"a":[]}'],
    ['undefined fields dropped', { a: undefined, b: 1 }, '{"b":1}'],
    ['a bare value', 'x&y', '"x\\u0026y"'],
  ];
  for (const [name, v, want] of compact) it(name, () => assert.equal(goJson(v), want));

  it('Encode adds the trailing newline', () => assert.equal(goJsonLine({ a: '<' }), '{"a":"\\u003c"}\n'));
  it('MarshalIndent: two spaces, no trailing newline, escaping kept', () => {
    assert.equal(goJsonIndent({ a: [1, { b: '>' }], e: {} }), '{\n  "a": [\n    1,\n    {\n      "b": "\\u003e"\n    }\n  ],\n  "e": {}\n}');
  });
});
