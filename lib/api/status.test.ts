import assert from 'node:assert/strict';
import { statusOf } from '../errors';
import { canonicalStatus, encodeStatus, isStatus } from './status';

describe('lib/api/status: Status bodies as kube-apiserver encodes them', () => {
  // Golden texts: what kube-apiserver sends (upstream's notfoundhandler test, a compacted-etcd
  // watch, an Invalid create, a NotFound get), with fields given here in any order.
  const golden: [string, Record<string, unknown>, string][] = [
    [
      'retry hint (upstream notfoundhandler test)',
      { code: 503, details: { retryAfterSeconds: 5 }, reason: 'ServiceUnavailable', message: 'the request has been made before all known HTTP paths have been installed, please try again', status: 'Failure', metadata: {}, apiVersion: 'v1', kind: 'Status' },
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the request has been made before all known HTTP paths have been installed, please try again","reason":"ServiceUnavailable","details":{"retryAfterSeconds":5},"code":503}\n',
    ],
    [
      'expired watch (the object of an ERROR event)',
      { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (2692711)', reason: 'Expired', code: 410 },
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2692711)","reason":"Expired","code":410}\n',
    ],
    [
      'not found with details, empty group omitted',
      statusOf(404, 'NotFound', 'pods "nope" not found', { name: 'nope', group: '', kind: 'pods' }) as unknown as Record<string, unknown>,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"nope\\" not found","reason":"NotFound","details":{"name":"nope","kind":"pods"},"code":404}\n',
    ],
    [
      'invalid with causes in reason, message, field order',
      {
        apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 422, reason: 'Invalid',
        message: 'Pod "p" is invalid: spec.containers[0].image: Required value',
        details: { causes: [{ field: 'spec.containers[0].image', message: 'Required value', reason: 'FieldValueRequired' }], kind: 'Pod', name: 'p' },
      },
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \\"p\\" is invalid: spec.containers[0].image: Required value","reason":"Invalid","details":{"name":"p","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers[0].image"}]},"code":422}\n',
    ],
    [
      'HTML characters escaped as Go does',
      { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'a <b> & c', reason: 'BadRequest', code: 400 },
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"a \\u003cb\\u003e \\u0026 c","reason":"BadRequest","code":400}\n',
    ],
    [
      'success without code, empty causes and zero retry omitted',
      { apiVersion: 'v1', kind: 'Status', status: 'Success', details: { name: 'a', kind: 'pods', uid: 'u', causes: [], retryAfterSeconds: 0 } },
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"a","kind":"pods","uid":"u"}}\n',
    ],
    [
      'empty details kept (a non-nil pointer upstream)',
      { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'm', reason: 'NotFound', details: {}, code: 404 },
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"m","reason":"NotFound","details":{},"code":404}\n',
    ],
  ];
  for (const [name, s, want] of golden) it(name, () => assert.equal(encodeStatus(s), want));

  it('statusOf builds in that order already', () => {
    assert.equal(JSON.stringify(statusOf(409, 'Conflict', 'c')), JSON.stringify(canonicalStatus(statusOf(409, 'Conflict', 'c'))));
  });
  const kinds: [unknown, boolean][] = [
    [{ kind: 'Status', apiVersion: 'v1' }, true],
    [{ kind: 'Status', apiVersion: 'v2' }, false],
    [{ kind: 'Pod', apiVersion: 'v1' }, false],
    [[], false],
    [null, false],
  ];
  for (const [v, want] of kinds) it(`isStatus(${JSON.stringify(v)})`, () => assert.equal(isStatus(v), want));
});
