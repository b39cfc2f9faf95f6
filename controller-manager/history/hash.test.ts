import assert from 'node:assert/strict';
import { fnv32, fnv32a, revisionHash, revisionName, safeEncodeString, templateHash } from './hash';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('history hashes', () => {
  const vectors: [string, string, number, number][] = [
    // input, title, FNV-1 32, FNV-1a 32 (the published test vectors)
    ['', 'empty', 0x811c9dc5, 0x811c9dc5],
    ['a', 'one byte', 0x050c5d7e, 0xe40c292c],
    ['foobar', 'a word', 0x31f0b262, 0xbf9cf968],
  ];
  for (const [input, title, v1, v1a] of vectors) {
    it(`FNV-1 and FNV-1a 32 of ${title}`, () => {
      assert.equal(fnv32(bytes(input)), v1);
      assert.equal(fnv32a(bytes(input)), v1a);
    });
  }

  it('SafeEncodeString maps digits onto the vowel-free alphabet', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });

  const data = { spec: { template: { metadata: { labels: { app: 'a' } }, $patch: 'replace' } } };
  const cases: { title: string; a: () => string; b: () => string; same: boolean }[] = [
    { title: 'key order does not change a revision hash', a: () => revisionHash(data), b: () => revisionHash({ spec: { template: { $patch: 'replace', metadata: { labels: { app: 'a' } } } } }), same: true },
    { title: 'different data, different revision hash', a: () => revisionHash(data), b: () => revisionHash({ spec: { template: { $patch: 'replace' } } }), same: false },
    { title: 'a collision count of 0 is written (upstream writes any non-nil probe)', a: () => revisionHash(data), b: () => revisionHash(data, 0), same: false },
    { title: 'each collision count gives a new revision hash', a: () => revisionHash(data, 1), b: () => revisionHash(data, 2), same: false },
    { title: 'template hash is stable', a: () => templateHash({ spec: { containers: [{ name: 'c' }] } }), b: () => templateHash({ spec: { containers: [{ name: 'c' }] } }), same: true },
    { title: 'template hash changes with the collision count', a: () => templateHash({ spec: {} }, 1), b: () => templateHash({ spec: {} }), same: false },
  ];
  for (const c of cases) it(c.title, () => assert.equal(c.a() === c.b(), c.same));

  it('hashes are spelled only with the safe alphabet', () => {
    for (const h of [revisionHash(data), revisionHash(data, 7), templateHash(data), templateHash(data, 3)]) assert.match(h, /^[4-9bcdf]{1,10}$/);
  });

  it('names are <prefix>-<hash>, the prefix cut to 223 characters', () => {
    assert.equal(revisionName('web', 'abc'), 'web-abc');
    assert.equal(revisionName('x'.repeat(300), 'h').length, 225);
  });
});
