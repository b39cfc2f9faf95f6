import { strict as assert } from 'node:assert';
import { ApiError } from '../../lib/errors';
import { planListRead, type ListRead } from './list-options';
import type { ListQuery } from './types';

const FORBIDDEN_NO_RV = 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided';
const FORBIDDEN_CONTINUE = 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided';
const FORBIDDEN_EXACT_0 = 'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"';
const UNSUPPORTED = (v: string) => `resourceVersionMatch: Unsupported value: "${v}": supported values: "Exact", "NotOlderThan", ""`;

describe('list options (resourceVersion, resourceVersionMatch, continue)', () => {
  const plans: [string, ListQuery, ListRead][] = [
    ['nothing: consistent', {}, { mode: 'consistent' }],
    ['rv 0: any', { resourceVersion: '0' }, { mode: 'any' }],
    ['rv 0 with limit: any (limit ignored)', { resourceVersion: '0', limit: 5 }, { mode: 'any' }],
    ['rv N: not older than', { resourceVersion: '12' }, { mode: 'notOlderThan', revision: '12' }],
    ['rv N NotOlderThan', { resourceVersion: '12', resourceVersionMatch: 'NotOlderThan' }, { mode: 'notOlderThan', revision: '12' }],
    ['rv 0 NotOlderThan', { resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' }, { mode: 'any' }],
    ['rv N NotOlderThan with limit', { resourceVersion: '12', resourceVersionMatch: 'NotOlderThan', limit: 2 }, { mode: 'notOlderThan', revision: '12' }],
    ['rv N Exact', { resourceVersion: '12', resourceVersionMatch: 'Exact' }, { mode: 'exact', revision: '12' }],
    ['rv N Exact with limit', { resourceVersion: '12', resourceVersionMatch: 'Exact', limit: 2 }, { mode: 'exact', revision: '12' }],
    ['legacy: rv N with limit is exact', { resourceVersion: '12', limit: 2 }, { mode: 'exact', revision: '12' }],
    ['continue', { continueToken: 'x' }, { mode: 'continue' }],
    ['continue with rv 0', { continueToken: 'x', resourceVersion: '0' }, { mode: 'continue' }],
  ];
  for (const [name, q, want] of plans) it(`plans ${name}`, () => assert.deepEqual(planListRead(q), want));

  const invalid: [string, ListQuery, string[]][] = [
    ['Exact without rv', { resourceVersionMatch: 'Exact' }, [FORBIDDEN_NO_RV]],
    ['NotOlderThan without rv', { resourceVersionMatch: 'NotOlderThan' }, [FORBIDDEN_NO_RV]],
    ['match with continue', { resourceVersion: '5', resourceVersionMatch: 'Exact', continueToken: 'x' }, [FORBIDDEN_CONTINUE]],
    ['unknown match', { resourceVersion: '5', resourceVersionMatch: 'exact' }, [UNSUPPORTED('exact')]],
    ['Exact at 0', { resourceVersion: '0', resourceVersionMatch: 'Exact' }, [FORBIDDEN_EXACT_0]],
    ['everything wrong at once', { resourceVersionMatch: 'Sometimes', continueToken: 'x' }, [FORBIDDEN_NO_RV, FORBIDDEN_CONTINUE, UNSUPPORTED('Sometimes')]],
  ];
  for (const [name, q, causes] of invalid)
    it(`refuses ${name} with 422 on ListOptions.meta.k8s.io`, () => {
      assert.throws(
        () => planListRead(q),
        (e: unknown) => {
          assert.ok(e instanceof ApiError);
          assert.equal(e.code, 422);
          assert.equal(e.reason, 'Invalid');
          const summary = causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`;
          assert.equal(e.message, `ListOptions.meta.k8s.io "" is invalid: ${summary}`);
          assert.equal(e.status.details?.kind, 'ListOptions');
          assert.equal(e.status.details?.group, 'meta.k8s.io');
          assert.deepEqual(e.status.details?.causes?.map((c) => `${c.field}: ${c.message}`), causes);
          return true;
        },
      );
    });

  const bad: [string, ListQuery, RegExp][] = [
    ['a non-numeric rv', { resourceVersion: 'abc' }, /invalid resource version "abc"/],
    ['an rv beside continue', { resourceVersion: '7', continueToken: 'x' }, /specifying resource version is not allowed when using continue/],
  ];
  for (const [name, q, msg] of bad)
    it(`answers 400 to ${name}`, () => assert.throws(() => planListRead(q), (e: unknown) => e instanceof ApiError && e.code === 400 && msg.test(e.message)));
});
