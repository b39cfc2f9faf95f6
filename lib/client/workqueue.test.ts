import assert from 'node:assert/strict';
import { processMetrics, type Counter, type Gauge, type Histogram } from '../metrics/prometheus';
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

  it('records adds, depth, retries and reconcile durations by queue name (client-go names)', async () => {
    const q = new WorkQueue({ name: 'metrics-test', baseDelayMs: 1 });
    const labels = { name: 'metrics-test' };
    const adds = processMetrics.get('workqueue_adds_total') as Counter;
    const depth = processMetrics.get('workqueue_depth') as Gauge;
    const retries = processMetrics.get('workqueue_retries_total') as Counter;
    const work = processMetrics.get('workqueue_work_duration_seconds') as Histogram;
    q.add('a');
    q.add('b');
    q.add('a'); // de-duplicated: not an add
    assert.equal(adds.get(labels), 2);
    assert.equal(depth.get(labels), 2);
    let failed = false;
    const done = new Promise<void>((resolve) =>
      q.run(1, async (key) => {
        if (key === 'b' && !failed) {
          failed = true;
          throw new Error('once');
        }
        if (key === 'b') resolve();
      }),
    );
    await done;
    await tick(5);
    assert.equal(work.count(labels), 3, 'a, b failed, b again');
    assert.equal(retries.get(labels), 1);
    assert.equal(depth.get(labels), 0);
    assert.match(processMetrics.render(), /^workqueue_work_duration_seconds_count\{name="metrics-test"\} 3$/m);
    await q.shutdown();
  });

  it('lets timers and I/O in while a long queue of synchronous reconciles drains', async () => {
    const q = new WorkQueue();
    let processed = 0;
    let processedWhenTimerFired = -1;
    for (let i = 0; i < 100; i++) q.add(`k${i}`);
    setTimeout(() => (processedWhenTimerFired = processed), 0);
    q.run(1, async () => {
      const until = performance.now() + 1; // a reconcile that computes for 1 ms without awaiting
      while (performance.now() < until);
      processed++;
    });
    while (processed < 100) await tick(5);
    assert.ok(processedWhenTimerFired >= 0 && processedWhenTimerFired < 100, `the timer ran after ${processedWhenTimerFired} of 100`);
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
