import { strict as assert } from 'node:assert';
import { ApiError } from '../../lib/errors';
import { deleteQuery, dryRun, isWatch, listQuery, orphanDependentsFalse, watchQuery } from './query';

const q = (s: string) => new URLSearchParams(s);

describe('rest query parameters', () => {
  it('list passthrough', () => {
    assert.deepEqual(listQuery(q('labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dx&limit=5&continue=abc&resourceVersion=7')), {
      labelSelector: 'app=web', fieldSelector: 'metadata.name=x', limit: 5, continueToken: 'abc', resourceVersion: '7',
    });
    assert.deepEqual(listQuery(q('limit=0')), {});
    assert.deepEqual(listQuery(q('resourceVersion=9&resourceVersionMatch=Exact')), { resourceVersion: '9', resourceVersionMatch: 'Exact' });
    assert.deepEqual(listQuery(q('resourceVersionMatch=')), {});
    assert.throws(() => listQuery(q('limit=x')), (e: unknown) => e instanceof ApiError && e.code === 400);
  });
  it('watch options', () => {
    assert.deepEqual(watchQuery(q('watch=1&resourceVersion=3&allowWatchBookmarks=true&timeoutSeconds=10')), { resourceVersion: '3', allowBookmarks: true, timeoutSeconds: 10 });
  });
  // kube-apiserver's reading of booleans: the Python client sends watch=True.
  const watches: [string, boolean][] = [
    ['', false], ['watch=true', true], ['watch=True', true], ['watch=1', true], ['watch=', true], ['watch=yes', true],
    ['watch=false', false], ['watch=False', false], ['watch=0', false], ['watch=0&watch=1', false],
  ];
  for (const [qs, want] of watches) it(`isWatch(${qs || '<none>'}) = ${want}`, () => assert.equal(isWatch(q(qs)), want));
  const bookmarks: [string, boolean][] = [['allowWatchBookmarks=True', true], ['allowWatchBookmarks=1', true], ['allowWatchBookmarks=false', false], ['', false]];
  for (const [qs, want] of bookmarks) it(`allowWatchBookmarks from ${qs || '<none>'}`, () => assert.equal(watchQuery(q(qs)).allowBookmarks === true, want));
  const streaming: [string, unknown][] = [
    ['watch=1', {}],
    ['watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan', { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' }],
    ['watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=4', { sendInitialEvents: false, resourceVersionMatch: 'NotOlderThan', resourceVersion: '4' }],
    ['watch=1&sendInitialEvents=0', { sendInitialEvents: false }],
    ['watch=1&sendInitialEvents=FALSE', { sendInitialEvents: false }],
    ['watch=1&sendInitialEvents=1', { sendInitialEvents: true }],
    ['watch=1&sendInitialEvents=yes', { sendInitialEvents: true }],
    ['watch=1&resourceVersionMatch=Exact', { resourceVersionMatch: 'Exact' }],
  ];
  for (const [qs, want] of streaming) it(`watch streaming-list options ${qs}`, () => assert.deepEqual(watchQuery(q(qs)), want));
  it('passes sendInitialEvents on a list through for the registry to refuse', () => {
    assert.deepEqual(listQuery(q('sendInitialEvents=true')), { sendInitialEvents: true });
  });
  const deletes: [string, unknown, unknown][] = [
    ['', undefined, {}],
    ['propagationPolicy=Foreground', undefined, { propagationPolicy: 'Foreground' }],
    ['', { kind: 'DeleteOptions', propagationPolicy: 'Background', gracePeriodSeconds: 0 }, { propagationPolicy: 'Background', gracePeriodSeconds: 0 }],
    ['gracePeriodSeconds=30', { preconditions: { uid: 'u' } }, { gracePeriodSeconds: 30, preconditions: { uid: 'u' } }],
    ['', { orphanDependents: true }, { propagationPolicy: 'Orphan' }],
    ['orphanDependents=True', undefined, { propagationPolicy: 'Orphan' }],
    ['orphanDependents=1', undefined, { propagationPolicy: 'Orphan' }],
    ['orphanDependents=false', undefined, {}],
    ['orphanDependents=True', { orphanDependents: false }, {}],
    ['dryRun=All', undefined, { dryRun: true }],
    ['', { dryRun: ['All'] }, { dryRun: true }],
  ];
  for (const [qs, body, want] of deletes) it(`delete options ${qs} ${JSON.stringify(body)}`, () => assert.deepEqual(deleteQuery(q(qs), body), want));
  const noOrphan: [string, unknown, boolean][] = [
    ['orphanDependents=false', undefined, true],
    ['orphanDependents=False', undefined, true],
    ['orphanDependents=0', undefined, true],
    ['orphanDependents=True', undefined, false],
    ['', undefined, false],
    ['', { orphanDependents: false }, true],
    ['orphanDependents=false', { orphanDependents: true }, false],
  ];
  for (const [qs, body, want] of noOrphan) it(`orphanDependents=false asked: ${qs} ${JSON.stringify(body)}`, () => assert.equal(orphanDependentsFalse(q(qs), body), want));
  it('rejects bad delete options and dryRun values', () => {
    assert.throws(() => deleteQuery(q('propagationPolicy=Sideways'), undefined), /invalid propagationPolicy/);
    assert.throws(() => deleteQuery(q('gracePeriodSeconds=-1'), undefined), /must not be negative/);
    assert.throws(() => dryRun(q('dryRun=Some')), /only "All"/);
  });
});
