import assert from 'node:assert/strict';
import { RateLimitedQueue, TokenBucket } from './rate-limited-queue';

describe('node-lifecycle rate-limited queue', () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => (t = 1_000_000));

  it('token bucket: one at once, then one per 1/qps seconds; qps 0 never', () => {
    const b = new TokenBucket(0.1, now);
    assert.deepEqual([b.tryAccept(), b.tryAccept()], [true, false]);
    t += 9_999;
    assert.equal(b.tryAccept(), false);
    t += 1;
    assert.equal(b.tryAccept(), true);
    assert.equal(new TokenBucket(0, now).tryAccept(), false);
  });

  it('releases queued nodes at the rate, in order', async () => {
    const q = new RateLimitedQueue(0.1, now);
    const done: string[] = [];
    const ok = async (v: string) => (done.push(v), { ok: true as const });
    q.add('a');
    q.add('b');
    await q.try(ok);
    assert.deepEqual(done, ['a']);
    t += 10_000;
    await q.try(ok);
    assert.deepEqual(done, ['a', 'b']);
  });

  it('a node is queued once per outage: again only after it was removed', async () => {
    const q = new RateLimitedQueue(100, now);
    const done: string[] = [];
    const ok = async (v: string) => (done.push(v), { ok: true as const });
    assert.equal(q.add('a'), true);
    await q.try(ok);
    assert.equal(q.add('a'), false, 'processed and still known');
    q.remove('a');
    assert.equal(q.add('a'), true);
    t += 1000;
    await q.try(ok);
    assert.deepEqual(done, ['a', 'a']);
  });

  it('a failed item waits its retry time and comes back', async () => {
    const q = new RateLimitedQueue(100, now);
    let calls = 0;
    const flaky = async () => (++calls === 1 ? { ok: false as const, retryAfterMs: 50 } : { ok: true as const });
    q.add('a');
    await q.try(flaky);
    assert.equal(q.pending, 1);
    t += 49;
    await q.try(flaky);
    assert.equal(calls, 1, 'not due yet');
    t += 51;
    await q.try(flaky);
    assert.deepEqual([calls, q.pending], [2, 0]);
  });

  it('swapping the limiter: 0 stops; a rate after a stop starts with an empty bucket', async () => {
    const q = new RateLimitedQueue(0.1, now);
    const done: string[] = [];
    const ok = async (v: string) => (done.push(v), { ok: true as const });
    q.add('a');
    q.add('b');
    await q.try(ok);
    q.swapLimiter(0);
    t += 60_000;
    await q.try(ok);
    assert.deepEqual(done, ['a']);
    q.swapLimiter(0.1);
    await q.try(ok);
    assert.deepEqual(done, ['a'], 'a stopped bucket accepts nothing, so the new one starts drained');
    t += 10_000;
    await q.try(ok);
    assert.deepEqual(done, ['a', 'b']);
  });
});
