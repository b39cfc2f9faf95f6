import assert from 'node:assert/strict';
import { resourceId, resourceOfKey } from './resource-keys';
import { RevisionWaiters } from './revision-waiters';
import { isTooLargeResourceVersion, tooLargeResourceVersion } from './too-large';
import { remainingAfter } from '../registry/list-chunking';

describe('watch cache hub: pure parts', () => {
  const keys: [string, string, string | undefined][] = [
    ['/registry', '/registry/core/pods/default/web', '/pods'],
    ['/registry', '/registry/core/namespaces/default', '/namespaces'],
    ['/registry', '/registry/apps/deployments/kube-system/dns', 'apps/deployments'],
    ['/registry/', '/registry/coordination.k8s.io/leases/kube-node-lease/n1', 'coordination.k8s.io/leases'],
    ['/registry', '/registry/ranges/serviceips/10.96.0.1', 'ranges/serviceips'], // a claim: the hub knows no such resource
    ['/registry', '/registry/core/pods', undefined],
    ['/registry', '/registry/core/pods/', undefined],
    ['/registry', '/registry2/core/pods/default/web', undefined],
    ['/registry', '/other/core/pods/default/web', undefined],
  ];
  for (const [prefix, key, want] of keys) {
    it(`maps ${key} under ${prefix} to ${want ?? 'no resource'}`, () => {
      const r = resourceOfKey(prefix, key);
      assert.equal(r && resourceId(r), want);
    });
  }

  it('releases waiters whose revision was reached, and times out the others with false', async () => {
    const w = new RevisionWaiters();
    assert.equal(await w.wait('7', '5', 1000), true, 'already reached');
    assert.equal(await w.wait('4', '5', 0), false, 'no time to wait');
    const a = w.wait('4', '5', 10_000);
    const b = w.wait('4', '9', 20);
    const c = w.wait('4', '6', 10_000);
    w.advance('5');
    assert.equal(await a, true);
    assert.equal(await b, false);
    assert.equal(w.size, 1);
    w.close();
    assert.equal(await c, false);
    assert.equal(w.size, 0);
  });

  it('words a too-large resourceVersion as Kubernetes does', () => {
    const e = tooLargeResourceVersion('120', '100');
    assert.equal(e.code, 504);
    assert.equal(e.reason, 'Timeout');
    assert.equal(e.message, 'Timeout: Too large resource version: 120, current: 100');
    assert.deepEqual(e.status.details, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
    assert.ok(isTooLargeResourceVersion(e));
    assert.equal(tooLargeResourceVersion('3', '2', 0).status.details?.retryAfterSeconds, undefined);
  });

  const remaining: [number, number, number][] = [
    [10, 3, 7],
    [3, 3, 0],
    [2, 3, 0],
  ];
  for (const [count, returned, want] of remaining) {
    it(`counts ${want} remaining of a range of ${count} after ${returned}`, () => assert.equal(remainingAfter(count, returned), want));
  }
});
