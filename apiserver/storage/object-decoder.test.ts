import assert from 'node:assert/strict';
import type { IKeyValue } from 'etcd3';
import { processMetrics } from '../../lib/metrics/prometheus';
import { CorruptObjectLog } from './corrupt-objects';
import { CorruptObjectApiError, isCorruptObject } from './errors';
import { deleteEvent, putEvent } from './etcd-watch';
import { ObjectDecoder, parseStoredKey, type Decoded } from './object-decoder';

const kv = (key: string, value: string, rev = 5): IKeyValue =>
  ({ key: Buffer.from(key), value: Buffer.from(value), mod_revision: String(rev), create_revision: '1', version: '1', lease: '0' }) as IKeyValue;
const cm = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });

describe('object decoder', () => {
  const keys: [string, string | undefined][] = [
    ['/registry/core/pods/default/web', 'pods default/web'],
    ['/registry/core/nodes/n1', 'nodes /n1'],
    ['/registry/apps/deployments/kube-system/dns', 'deployments.apps kube-system/dns'],
    ['/registry/ranges/serviceips', undefined],
    ['/registry/core/pods/default/web/extra', undefined],
    ['/registry/core/pods//web', undefined],
    ['/other/core/pods/default/web', undefined],
  ];
  for (const [key, want] of keys) {
    it(`reads ${key} as ${want ?? 'no object key'}`, () => {
      const at = parseStoredKey('/registry', key);
      assert.equal(at && `${at.group ? `${at.resource}.${at.group}` : at.resource} ${at.namespace ?? ''}/${at.name}`, want);
    });
  }

  const values: [string, string, RegExp | undefined][] = [
    ['good JSON object', cm('a'), undefined],
    ['not JSON', '{"apiVersion":', /^invalid JSON: /],
    ['a JSON array', '[1,2]', /^the stored value is an array, not a JSON object$/],
    ['a JSON string', '"x"', /^the stored value is a string, not a JSON object$/],
    ['null', 'null', /^the stored value is null, not a JSON object$/],
    ['no metadata', '{"kind":"ConfigMap"}', /^metadata: the stored object has no metadata$/],
    ['metadata not an object', '{"metadata":"x"}', /^metadata: expected an object$/],
  ];
  for (const [name, value, want] of values) {
    it(`judges ${name}`, () => {
      const d = new ObjectDecoder('/registry').tryDecode(kv('/registry/core/configmaps/default/a', value));
      if (!want) assert.equal(d.object?.metadata.resourceVersion, '5');
      else assert.match(d.corrupt?.reason ?? '(decoded)', want);
    });
  }

  it('asks the check it was given, and throws the upstream 500 from decode()', () => {
    const dec = new ObjectDecoder('/registry');
    dec.useCheck((at, v) => (at.name !== (v.metadata as { name?: string }).name ? 'name mismatch' : undefined));
    assert.ok(dec.tryDecode(kv('/registry/core/configmaps/default/a', cm('a'))).object);
    let err: unknown;
    try {
      dec.decode(kv('/registry/core/configmaps/default/a', cm('b'), 9));
    } catch (e) {
      err = e;
    }
    assert.ok(isCorruptObject(err));
    const e = err as CorruptObjectApiError;
    assert.equal(e.code, 500);
    assert.equal(e.reason, 'InternalError');
    assert.equal(
      e.message,
      'Internal error occurred: StorageError: corrupt object, Code: 7, Key: /registry/core/configmaps/default/a, ResourceVersion: 0, AdditionalErrorMsg: object not decodable revision=9: name mismatch',
    );
    assert.equal(e.modRevision, '9');
  });

  it('reports a corrupt value once per revision and forgets it when it is gone or good', () => {
    const log = new CorruptObjectLog();
    const dec = new ObjectDecoder('/registry', log);
    const gauge = () => processMetrics.get('apiserver_storage_corrupt_objects')!.render();
    const total = () => processMetrics.get('apiserver_storage_corrupt_objects_total')!.render();
    const count = (text: string) => Number(/resource="secrets"\} (-?\d+)/.exec(text)?.[1] ?? 0);
    const [g0, t0] = [count(gauge()), count(total())];
    const key = '/registry/core/secrets/default/s';
    dec.tryDecode(kv(key, 'nope', 3));
    dec.tryDecode(kv(key, 'nope', 3));
    assert.equal(count(total()) - t0, 1, 'the same revision counts once');
    assert.equal(count(gauge()) - g0, 1);
    dec.tryDecode(kv(key, 'still nope', 4));
    assert.equal(count(total()) - t0, 2, 'a new corrupt revision counts again');
    assert.equal(count(gauge()) - g0, 1, 'but it is still one object');
    dec.tryDecode(kv(key, 'old', 2), undefined, true);
    assert.ok(log.has(key), 'a quiet decode of an older value changes nothing');
    dec.tryDecode(kv(key, JSON.stringify({ metadata: { name: 's', namespace: 'default' } }), 6));
    assert.equal(log.has(key), false);
    assert.equal(count(gauge()) - g0, 0);
    dec.tryDecode(kv(key, 'broken again', 7));
    dec.tryDecode(kv(key, JSON.stringify({ metadata: { name: 's', namespace: 'default' } }), 6));
    assert.ok(log.has(key), 'a read of the past (an older good value) does not clear a newer corrupt one');
    dec.tryDecode(kv(key, 'older garbage', 5));
    assert.equal(count(total()) - t0, 3, 'nor does an older corrupt value count again');
    dec.deleted(key);
    assert.equal(count(gauge()) - g0, 0);
  });
});

describe('watch events across corrupt values', () => {
  const obj = (rv: string) => ({ metadata: { name: 'a', namespace: 'default', resourceVersion: rv } });
  const good = (rv: string): Decoded => ({ object: obj(rv) });
  const bad: Decoded = { corrupt: { key: 'k', revision: '1', reason: 'x' } as never };
  const show = (e: ReturnType<typeof putEvent>) => (e.type ? `${e.type}@${e.object!.metadata.resourceVersion}${e.previous ? ` prev@${e.previous.metadata.resourceVersion}` : ''}` : 'none');
  const puts: [string, Decoded, Decoded | undefined, boolean, string][] = [
    ['created good', good('9'), undefined, true, 'ADDED@9'],
    ['good over good', good('9'), good('4'), false, 'MODIFIED@9 prev@4'],
    ['good over an unknown previous value', good('9'), undefined, false, 'MODIFIED@9'],
    ['good over corrupt: the object appears', good('9'), bad, false, 'ADDED@9'],
    ['corrupt over good: the object leaves', bad, good('4'), false, 'DELETED@9 prev@4'],
    ['created corrupt: nothing to see', bad, undefined, true, 'none'],
    ['corrupt over corrupt', bad, bad, false, 'none'],
  ];
  for (const [name, cur, prev, created, want] of puts) it(`put: ${name}`, () => assert.equal(show(putEvent(cur, prev, created, '9')), want));

  const dels: [string, Decoded | undefined, string][] = [
    ['of a good object', good('4'), 'DELETED@9 prev@4'],
    ['of a corrupt value: nobody saw it', bad, 'none'],
    ['without the previous value', undefined, 'none'],
  ];
  for (const [name, prev, want] of dels) it(`delete ${name}`, () => assert.equal(show(deleteEvent(prev, '9')), want));
});
