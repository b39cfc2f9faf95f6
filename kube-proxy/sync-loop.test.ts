import assert from 'node:assert/strict';
import { retryDelay, SyncLoop } from './sync-loop';

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kube-proxy SyncLoop', () => {
  let loop: SyncLoop | undefined;
  afterEach(async () => loop?.stop());

  it('coalesces requests made while a sync runs into one follow-up sync', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    loop = new SyncLoop({
      minSyncPeriodMs: 0,
      syncPeriodMs: 3_600_000,
      sync: async () => {
        calls++;
        if (calls === 1) await gate;
      },
    });
    loop.start();
    await waitFor(() => calls === 1, 'first sync');
    for (let i = 0; i < 10; i++) loop.request();
    release();
    await waitFor(() => loop!.stats.syncs === 2, 'second sync');
    await sleep(50);
    assert.equal(calls, 2);
  });

  it('does not sync before start, then syncs once for earlier requests', async () => {
    let calls = 0;
    loop = new SyncLoop({ minSyncPeriodMs: 0, syncPeriodMs: 3_600_000, sync: async () => void calls++ });
    loop.request();
    loop.request();
    await sleep(30);
    assert.equal(calls, 0);
    loop.start();
    await waitFor(() => calls >= 1, 'sync after start');
    await sleep(30);
    assert.equal(calls, 1);
  });

  it('retries a failing sync until it succeeds', async () => {
    let calls = 0;
    loop = new SyncLoop({
      minSyncPeriodMs: 0,
      syncPeriodMs: 3_600_000,
      retryBaseMs: 5,
      retryMaxMs: 20,
      sync: async () => {
        if (++calls <= 3) throw new Error(`boom ${calls}`);
      },
    });
    loop.start();
    await waitFor(() => loop!.stats.syncs === 1, 'successful sync');
    assert.equal(loop.stats.failures, 3);
    assert.equal(loop.stats.consecutiveFailures, 0);
    assert.equal(loop.stats.lastError, undefined);
    assert.ok(loop.stats.lastSuccessAt > 0);
  });

  it('resyncs periodically without any request', async () => {
    let calls = 0;
    loop = new SyncLoop({ minSyncPeriodMs: 0, syncPeriodMs: 5, sync: async () => void calls++ });
    loop.start();
    await waitFor(() => calls >= 3, 'three periodic syncs');
  });

  it('stops: waits for the running sync and runs no more', async () => {
    let calls = 0;
    loop = new SyncLoop({
      minSyncPeriodMs: 0,
      syncPeriodMs: 1,
      sync: async () => {
        calls++;
        await sleep(20);
      },
    });
    loop.start();
    await waitFor(() => calls === 1, 'first sync');
    await loop.stop();
    const after = calls;
    loop.request();
    await sleep(30);
    assert.equal(calls, after);
  });

  const delays: [number, number][] = [
    [1, 100],
    [2, 200],
    [3, 400],
    [6, 3200],
    [7, 5000],
    [30, 5000],
  ];
  for (const [n, want] of delays) {
    it(`backs off retry ${n} by ${want}ms (base 100, max 5000)`, () => assert.equal(retryDelay(n, 100, 5000), want));
  }
});
