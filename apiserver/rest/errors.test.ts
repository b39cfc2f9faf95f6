import { strict as assert } from 'node:assert';
import { apiError } from '../../lib/errors';
import { SelectorParseError } from '../../lib/api/labels';
import { notFoundPath, successStatus, toStatus } from './errors';

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
  it('builds NotFound and Success statuses', () => {
    assert.equal(notFoundPath('/x').code, 404);
    assert.deepEqual(successStatus({ name: 'a' }), { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 200, details: { name: 'a' } });
  });
});
