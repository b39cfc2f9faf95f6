import assert from 'node:assert/strict';
import { newNodeObject } from '../kubelet/node/node-status';
import { forEachLimited, HOLLOW_DEFAULTS, HOLLOW_LABEL, hollowStatusInputs } from './hollow-nodes';

describe('hollow nodes', () => {
  it('the Node a hollow node registers: labels, capacity = allocatable, a hollow runtime, a loopback address', () => {
    const n = newNodeObject(hollowStatusInputs('hollow-7', 7, { cpu: '3500m', memory: '16Gi', maxPods: 250 }, '2026-01-01T00:00:00.000Z'));
    assert.equal(n.metadata.labels?.[HOLLOW_LABEL], 'true');
    assert.equal(n.metadata.labels?.['kubernetes.io/hostname'], 'hollow-7');
    assert.deepEqual(n.status?.capacity, { cpu: '3500m', memory: `${16 * 2 ** 20}Ki`, pods: '250' });
    assert.deepEqual(n.status?.allocatable, n.status?.capacity);
    assert.equal(n.status?.nodeInfo?.containerRuntimeVersion, 'hollow://1.0');
    assert.deepEqual(n.status?.addresses, [{ type: 'InternalIP', address: '127.1.0.8' }, { type: 'Hostname', address: 'hollow-7' }]);
    assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(HOLLOW_DEFAULTS.leaseRenewMs, 10_000, "the kubelet's schedule");
  });

  it('forEachLimited: every item once, never more than the limit in flight, the first failure after all settled', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const items = Array.from({ length: 50 }, (_, i) => i);
    await forEachLimited(items, 7, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      seen.push(i);
      inFlight--;
    });
    assert.equal(peak, 7);
    assert.deepEqual(seen.sort((a, b) => a - b), items);
    const done: number[] = [];
    await assert.rejects(
      forEachLimited(items.slice(0, 5), 2, async (i) => {
        if (i === 1) throw new Error('boom 1');
        done.push(i);
      }),
      /boom 1/,
    );
    assert.deepEqual(done, [0, 2, 3, 4]);
  });
});
