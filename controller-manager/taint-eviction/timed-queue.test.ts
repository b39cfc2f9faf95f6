import assert from 'node:assert/strict';
import { TimedQueue, type Timers } from './timed-queue';

/** Timers fired by hand: advance() runs the ones that are due. */
class ManualTimers implements Timers {
  t = 0;
  private pending = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  set(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clear(h: unknown): void {
    this.pending.delete(h as number);
  }
  async advance(ms: number): Promise<void> {
    this.t += ms;
    for (const [id, p] of [...this.pending]) {
      if (p.at > this.t) continue;
      this.pending.delete(id);
      p.fn();
    }
    await new Promise((r) => setImmediate(r));
  }
}

describe('timed worker queue', () => {
  const setup = (fail = false) => {
    const timers = new ManualTimers();
    const ran: string[] = [];
    const q = new TimedQueue(
      async (key) => {
        ran.push(key);
        if (fail) throw new Error('no');
      },
      () => timers.t,
      timers,
    );
    return { timers, ran, q };
  };

  it('runs work at its time, once', async () => {
    const { timers, ran, q } = setup();
    q.add('a', 0, 10_000);
    await timers.advance(9_999);
    assert.deepEqual(ran, []);
    await timers.advance(1);
    assert.deepEqual(ran, ['a']);
    q.add('a', timers.t, timers.t);
    await timers.advance(1);
    assert.deepEqual(ran, ['a'], 'a key whose work ran is not added again until cancelled');
    assert.equal(q.get('a'), null);
  });

  it('work due now runs at once', async () => {
    const { ran, q } = setup();
    q.add('a', 0, 0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(ran, ['a']);
  });

  it('cancel stops a pending timer and says so; a finished key cancels quietly', async () => {
    const { timers, ran, q } = setup();
    q.add('a', 0, 5_000);
    assert.deepEqual(q.get('a'), { createdAt: 0, fireAt: 5_000 });
    assert.equal(q.cancel('a'), true);
    await timers.advance(10_000);
    assert.deepEqual(ran, []);
    assert.equal(q.cancel('a'), false);
    q.add('b', timers.t, timers.t);
    await new Promise((r) => setImmediate(r));
    assert.equal(q.cancel('b'), false);
    q.add('b', timers.t, timers.t);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(ran, ['b', 'b'], 'after a cancel the key can be added again');
  });

  it('failed work is forgotten, so it can be added again', async () => {
    const { ran, q } = setup(true);
    q.add('a', 0, 0);
    await new Promise((r) => setImmediate(r));
    assert.equal(q.get('a'), undefined);
    q.add('a', 0, 0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(ran, ['a', 'a']);
  });
});
