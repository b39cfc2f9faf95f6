import assert from 'node:assert/strict';
import { AssumeCache } from './assume-cache';
import { backoffMs } from './scheduling-queue';
import { mkPod } from '../test/fixtures/scheduler/objects';

describe('scheduling backoff', () => {
  const cases: [number, number][] = [[0, 0], [1, 1000], [2, 2000], [3, 4000], [6, 32_000], [7, 60_000], [20, 60_000]];
  for (const [n, want] of cases) it(`attempt ${n} → ${want}ms`, () => assert.equal(backoffMs(n), want));
});

describe('assume cache', () => {
  const key = (p: { metadata: { namespace?: string; name?: string } }) => `${p.metadata.namespace}/${p.metadata.name}`;
  it('overlays assumed pods until the informer shows them bound, and expires them', () => {
    let t = 0;
    const c = new AssumeCache(1000, () => t);
    const p = mkPod('p', { cpu: '1' });
    c.assume('default/p', p, 'n1');
    assert.equal(p.spec.nodeName, undefined, 'the cached pod is not changed');
    assert.equal(c.overlay([p], key)[0].spec.nodeName, 'n1');
    const bound = mkPod('p', { cpu: '1', nodeName: 'n2' });
    assert.equal(c.overlay([bound], key)[0].spec.nodeName, 'n2');
    assert.equal(c.overlay([], key).length, 1, 'an assumed pod missing from the informer still counts');
    t = 5000;
    assert.equal(c.isAssumed('default/p'), true, 'no expiry while its Binding is in flight');
    c.finishBinding('default/p');
    t = 5999;
    assert.equal(c.isAssumed('default/p'), true);
    t = 6001;
    assert.equal(c.isAssumed('default/p'), false);
    assert.equal(c.overlay([p], key)[0].spec.nodeName, undefined);
  });
});
