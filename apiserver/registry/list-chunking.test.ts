import assert from 'node:assert/strict';
import { ApiError } from '../../lib/errors';
import { decodeContinue, encodeContinue } from './list-chunking';

describe('list chunking: continue tokens', () => {
  it('round-trips a token in the Kubernetes shape', () => {
    const t = encodeContinue({ rv: 42, start: 'default/web-1\u0000' });
    assert.deepEqual(JSON.parse(Buffer.from(t, 'base64url').toString()), { v: 'meta.k8s.io/v1', rv: 42, start: 'default/web-1\u0000' });
    assert.deepEqual(decodeContinue(t), { rv: 42, start: 'default/web-1\u0000' });
  });

  const bad: [string, string][] = [
    ['not base64 json', '%%%'],
    ['empty', ''],
    ['wrong version', Buffer.from(JSON.stringify({ v: 'x', rv: 1, start: 'a' })).toString('base64url')],
    ['zero revision', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' })).toString('base64url')],
    ['string revision', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: '5', start: 'a' })).toString('base64url')],
    ['escaping key', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 5, start: '../secrets/x' })).toString('base64url')],
    ['array', Buffer.from('[]').toString('base64url')],
  ];
  for (const [name, token] of bad) {
    it(`rejects ${name} with 400`, () => {
      assert.throws(() => decodeContinue(token), (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest');
    });
  }
});
