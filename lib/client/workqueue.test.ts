import assert from 'node:assert/strict';
import { WorkQueue, keyOf, splitKey } from './workqueue';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  it('de-duplicates keys that are waiting', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    assert.equal(q.len(), 2);
    await q.shutdown();
  });

  it('never runs one key twice at once and reruns a key added while it ran', async () => {
    const q = new WorkQueue();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    q.run(4, async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      await tick(20);
      running--;
    });
    q.add('k');
    await tick(5);
    q.add('k');
    q.add('k');
    await tick(80);
    assert.equal(maxRunning, 1);
    assert.equal(runs, 2);
    await q.shutdown();
  });

  it('retries failures with growing per-key delays and forgets on success', async () => {
    const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 40 });
    const delays = [q.nextDelay('x'), q.nextDelay('x'), q.nextDelay('x'), q.nextDelay('x')];
    assert.deepEqual(delays, [10, 20, 40, 40]);
    q.forget('x');
    assert.equal(q.nextDelay('x'), 10);
    let attempts = 0;
    q.run(1, async () => {
      attempts++;
      if (attempts < 3) throw new Error('boom');
    });
    q.forget('y');
    q.add('y');
    await tick(150);
    assert.equal(attempts, 3);
    assert.equal(q.numRequeues('y'), 0);
    await q.shutdown();
  });

  it('keys round-trip', () => {
    const table: [string | undefined, string, string][] = [
      ['default', 'web', 'default/web'],
      [undefined, 'node-1', 'node-1'],
    ];
    for (const [namespace, name, key] of table) {
      assert.equal(keyOf({ metadata: { namespace, name } }), key);
      assert.deepEqual(splitKey(key), namespace ? { namespace, name } : { name });
    }
  });
});
