import { strict as assert } from 'node:assert';
import { ApiError } from '../../lib/errors';
import { planListRead, planWatch, type ListRead, type WatchPlan } from './list-options';
import type { ListQuery, WatchQuery } from './types';

const FORBIDDEN_NO_RV = 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided';
const FORBIDDEN_CONTINUE = 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided';
const FORBIDDEN_EXACT_0 = 'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"';
const UNSUPPORTED = (v: string) => `resourceVersionMatch: Unsupported value: "${v}": supported values: "Exact", "NotOlderThan", ""`;

/** The call throws 422 Invalid on ListOptions.meta.k8s.io with exactly these causes, in order. */
function assertInvalid(call: () => unknown, causes: string[]): void {
  assert.throws(call, (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 422);
    assert.equal(e.reason, 'Invalid');
    const summary = causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`;
    assert.equal(e.message, `ListOptions.meta.k8s.io "" is invalid: ${summary}`);
    assert.equal(e.status.details?.kind, 'ListOptions');
    assert.equal(e.status.details?.group, 'meta.k8s.io');
    assert.deepEqual(e.status.details?.causes?.map((c) => `${c.field}: ${c.message}`), causes);
    return true;
  });
}

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
    ['sendInitialEvents on a list', { sendInitialEvents: true }, ['sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list']],
    ['sendInitialEvents=false on a list', { resourceVersion: '3', sendInitialEvents: false }, ['sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list']],
  ];
  for (const [name, q, causes] of invalid)
    it(`refuses ${name} with 422 on ListOptions.meta.k8s.io`, () => assertInvalid(() => planListRead(q), causes));

  const bad: [string, ListQuery, RegExp][] = [
    ['a non-numeric rv', { resourceVersion: 'abc' }, /invalid resource version "abc"/],
    ['an rv beside continue', { resourceVersion: '7', continueToken: 'x' }, /specifying resource version is not allowed when using continue/],
  ];
  for (const [name, q, msg] of bad)
    it(`answers 400 to ${name}`, () => assert.throws(() => planListRead(q), (e: unknown) => e instanceof ApiError && e.code === 400 && msg.test(e.message)));
});

const SIE_NEEDS_NOT_OLDER_THAN = 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan';
const MATCH_NEEDS_SIE = 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided';
const WATCH_UNSUPPORTED = (v: string) => `resourceVersionMatch: Unsupported value: "${v}": supported values: "NotOlderThan"`;

describe('watch options (sendInitialEvents, resourceVersionMatch, resourceVersion)', () => {
  const NOT_OLDER = { resourceVersionMatch: 'NotOlderThan' } as const;
  const plans: [string, WatchQuery, WatchPlan][] = [
    // Legacy watches are defaulted into streaming lists when they start "now" (WatchList on).
    ['legacy unset', {}, { start: { mode: 'consistent' }, initialEvents: true, markInitialEventsEnd: false }],
    ['legacy unset with bookmarks', { allowBookmarks: true }, { start: { mode: 'consistent' }, initialEvents: true, markInitialEventsEnd: true }],
    ['legacy 0 with bookmarks', { resourceVersion: '0', allowBookmarks: true }, { start: { mode: 'any' }, initialEvents: true, markInitialEventsEnd: true }],
    ['legacy N', { resourceVersion: '9', allowBookmarks: true }, { start: { mode: 'notOlderThan', revision: '9' }, initialEvents: false, markInitialEventsEnd: false }],
    ['initial events, rv unset', { ...NOT_OLDER, sendInitialEvents: true, allowBookmarks: true }, { start: { mode: 'consistent' }, initialEvents: true, markInitialEventsEnd: true }],
    ['initial events, rv 0', { ...NOT_OLDER, sendInitialEvents: true, allowBookmarks: true, resourceVersion: '0' }, { start: { mode: 'any' }, initialEvents: true, markInitialEventsEnd: true }],
    ['initial events, rv N', { ...NOT_OLDER, sendInitialEvents: true, allowBookmarks: true, resourceVersion: '9' }, { start: { mode: 'notOlderThan', revision: '9' }, initialEvents: true, markInitialEventsEnd: true }],
    ['initial events without bookmarks: no end marker', { ...NOT_OLDER, sendInitialEvents: true }, { start: { mode: 'consistent' }, initialEvents: true, markInitialEventsEnd: false }],
    ['no initial events, rv N', { ...NOT_OLDER, sendInitialEvents: false, resourceVersion: '9' }, { start: { mode: 'notOlderThan', revision: '9' }, initialEvents: false, markInitialEventsEnd: false }],
    ['no initial events, rv unset', { ...NOT_OLDER, sendInitialEvents: false, allowBookmarks: true }, { start: { mode: 'consistent' }, initialEvents: false, markInitialEventsEnd: false }],
    ['no initial events, rv 0', { ...NOT_OLDER, sendInitialEvents: false, resourceVersion: '0' }, { start: { mode: 'any' }, initialEvents: false, markInitialEventsEnd: false }],
  ];
  for (const [name, q, want] of plans) it(`plans ${name}`, () => assert.deepEqual(planWatch(q), want));

  const invalid: [string, WatchQuery, string[]][] = [
    ['sendInitialEvents without a match', { sendInitialEvents: true, allowBookmarks: true }, [SIE_NEEDS_NOT_OLDER_THAN]],
    ['sendInitialEvents=false without a match', { sendInitialEvents: false, resourceVersion: '4' }, [SIE_NEEDS_NOT_OLDER_THAN]],
    ['sendInitialEvents with Exact', { sendInitialEvents: true, resourceVersionMatch: 'Exact', resourceVersion: '4' }, [SIE_NEEDS_NOT_OLDER_THAN, WATCH_UNSUPPORTED('Exact')]],
    ['a match without sendInitialEvents', { resourceVersionMatch: 'NotOlderThan' }, [MATCH_NEEDS_SIE]],
    ['a match without sendInitialEvents at rv N', { resourceVersionMatch: 'NotOlderThan', resourceVersion: '4' }, [MATCH_NEEDS_SIE]],
    ['an unknown match without sendInitialEvents', { resourceVersionMatch: 'Exact', resourceVersion: '4' }, [MATCH_NEEDS_SIE, WATCH_UNSUPPORTED('Exact')]],
  ];
  for (const [name, q, causes] of invalid) it(`refuses a watch with ${name} (422)`, () => assertInvalid(() => planWatch(q), causes));

  it('answers 400 to a non-numeric resourceVersion', () =>
    assert.throws(() => planWatch({ resourceVersion: 'x', sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' }), (e: unknown) => e instanceof ApiError && e.code === 400));
});
