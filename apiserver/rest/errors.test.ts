import { strict as assert } from 'node:assert';
import { apiError } from '../../lib/errors';
import { SelectorParseError } from '../../lib/api/labels';
import { encodeStatus } from '../../lib/api/status';
import { methodNotAllowedStatus, notFoundStatus, successStatus, toStatus } from './errors';

describe('rest errors', () => {
  const cases: [string, unknown, number, string, boolean][] = [
    ['ApiError keeps its status', apiError(409, 'Conflict', 'c'), 409, 'Conflict', false],
    ['selector errors are 400', new SelectorParseError('bad'), 400, 'BadRequest', false],
    ['plain errors are 500', new Error('bug'), 500, 'InternalError', true],
    ['non-errors are 500', 'str', 500, 'InternalError', true],
  ];
  for (const [name, err, code, reason, internal] of cases) {
    it(name, () => {
      const s = toStatus(err);
      assert.equal(s.status.code, code);
      assert.equal(s.status.reason, reason);
      assert.equal(s.status.kind, 'Status');
      assert.equal(s.status.status, 'Failure');
      assert.equal(s.internal, internal);
    });
  }
  // kube-apiserver's bodies for these, byte for byte (go-restful's 404/405 through
  // NewGenericServerResponse; the registry's finalizeDelete).
  const golden: [string, unknown, string][] = [
    ['generic 404', notFoundStatus(), '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}\n'],
    ['generic 405', methodNotAllowedStatus(), '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server does not allow this method on the requested resource","reason":"MethodNotAllowed","details":{},"code":405}\n'],
    [
      'delete success',
      successStatus({ name: 'web', group: '', kind: 'pods', uid: 'u-1' }),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"web","kind":"pods","uid":"u-1"}}\n',
    ],
    [
      'delete success in a group',
      successStatus({ name: 'web', group: 'apps', kind: 'deployments', uid: 'u-2' }),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"web","group":"apps","kind":"deployments","uid":"u-2"}}\n',
    ],
  ];
  for (const [name, status, want] of golden) it(`encodes the ${name} as kube-apiserver does`, () => assert.equal(encodeStatus(status as never), want));
});
