import assert from 'node:assert/strict';
import { comparePaths, hostMatches, normalizeHost, pathMatches, type MatchType } from './paths';
import { hostCandidates, requestPath } from './route';

describe('ingress path matching (networking.k8s.io/v1 examples)', () => {
  const cases: [MatchType, string, string, boolean][] = [
    ['Prefix', '/', '/anything/at/all', true],
    ['Prefix', '/', '/', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Exact', '/Foo', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
    ['Prefix', '/foo', '/foobar', false],
    ['Prefix', '/aaa', '/ccc', false],
    ['Prefix', '/aaa/bbb', '/aaa', false],
  ];
  for (const [type, path, req, want] of cases) it(`${type} ${path} ${want ? 'matches' : 'does not match'} ${req}`, () => assert.equal(pathMatches(type, path, req), want));

  it('orders candidates longest first, Exact before Prefix at equal length', () => {
    const paths: { path: string; type: MatchType }[] = [
      { path: '/', type: 'Prefix' },
      { path: '/foo', type: 'Prefix' },
      { path: '/foo', type: 'Exact' },
      { path: '/foo/bar', type: 'Prefix' },
    ];
    assert.deepEqual(
      [...paths].sort(comparePaths).map((p) => `${p.type} ${p.path}`),
      ['Prefix /foo/bar', 'Exact /foo', 'Prefix /foo', 'Prefix /'],
    );
  });
});

describe('ingress host matching', () => {
  const norm: [string | undefined, string][] = [
    ['Example.COM', 'example.com'],
    ['example.com:8080', 'example.com'],
    ['example.com.', 'example.com'],
    ['[::1]:8443', '[::1]'],
    [undefined, ''],
  ];
  for (const [h, want] of norm) it(`normalizes ${String(h)} to ${JSON.stringify(want)}`, () => assert.equal(normalizeHost(h), want));

  const wild: [string, string, boolean][] = [
    ['foo.bar.com', 'foo.bar.com', true],
    ['foo.bar.com', 'bar.com', false],
    ['*.bar.com', 'foo.bar.com', true],
    ['*.bar.com', 'bar.com', false],
    ['*.bar.com', 'baz.foo.bar.com', false],
    ['*.bar.com', 'foobar.com', false],
  ];
  for (const [rule, host, want] of wild) it(`${rule} ${want ? 'covers' : 'does not cover'} ${host}`, () => assert.equal(hostMatches(rule, host), want));

  it('tries the exact host, then its one-label wildcard, then host-less rules', () => {
    assert.deepEqual(hostCandidates('A.Example.com:80'), ['a.example.com', '*.example.com', '']);
    assert.deepEqual(hostCandidates('localhost'), ['localhost', '']);
    assert.deepEqual(hostCandidates(''), ['']);
  });
});

describe('request path', () => {
  const cases: [string | undefined, string][] = [
    ['/a/b?x=1', '/a/b'],
    ['/a#frag', '/a'],
    ['http://example.com/x/y?z', '/x/y'],
    ['http://example.com', '/'],
    ['*', '/'],
    [undefined, '/'],
  ];
  for (const [url, want] of cases) it(`${String(url)} → ${want}`, () => assert.equal(requestPath(url), want));
});
