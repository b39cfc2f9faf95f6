import { strict as assert } from 'node:assert';
import type { Pod } from '../../lib/api/types';
import type { SyncResult } from './pod-sync';
import { PodWorkers, type PodSyncTarget } from './pod-workers';

const UID = 'u1';
const pod = (deleting = false): Pod => ({
  metadata: { name: 'p', namespace: 'd', uid: UID, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { containers: [] },
});

/**
 * A sync target whose syncs of a live pod hang like a slow image pull: they end only when their
 * signal is aborted (returning abandoned, or throwing like a cancelled CRI call), or when released.
 */
class SlowStart implements PodSyncTarget {
  readonly syncs: { deleting: boolean; signal?: AbortSignal }[] = [];
  readonly orphans: string[] = [];
  private release: (() => void)[] = [];
  constructor(private readonly onAbort: 'return' | 'throw' = 'return') {}

  sync(p: Pod, signal?: AbortSignal): Promise<SyncResult> {
    this.syncs.push({ deleting: !!p.metadata.deletionTimestamp, signal });
    if (p.metadata.deletionTimestamp) return Promise.resolve({});
    return new Promise((resolve, reject) => {
      this.release.push(() => resolve({}));
      signal?.addEventListener('abort', () => (this.onAbort === 'throw' ? reject(new Error('PullImage: CANCELLED')) : resolve({ abandoned: true })));
    });
  }
  async teardownOrphan(uid: string): Promise<void> {
    this.orphans.push(uid);
  }
  releaseAll(): void {
    for (const r of this.release.splice(0)) r();
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('pod workers: abandoning a start when the pod terminates', () => {
  let cache: Map<string, Pod>;
  let workers: PodWorkers | undefined;
  beforeEach(() => (cache = new Map([[UID, pod()]])));
  afterEach(async () => workers?.stop());

  it('aborts the start once the pod has a deletionTimestamp, then syncs the terminating pod', async () => {
    const target = new SlowStart();
    workers = new PodWorkers(target, (uid) => cache.get(uid));
    workers.update(UID);
    await tick();
    assert.equal(target.syncs.length, 1);
    cache.set(UID, pod(true));
    workers.update(UID);
    await tick();
    assert.equal(target.syncs[0].signal?.aborted, true);
    assert.deepEqual(target.syncs.map((s) => s.deleting), [false, true]);
    assert.equal(target.syncs[1].signal?.aborted, false);
  });

  it('leaves a start alone on updates that do not terminate the pod', async () => {
    const target = new SlowStart();
    workers = new PodWorkers(target, (uid) => cache.get(uid));
    workers.update(UID);
    await tick();
    workers.update(UID); // housekeeping, a probe, a status change
    await tick();
    assert.equal(target.syncs[0].signal?.aborted, false);
    target.releaseAll();
    await tick();
    // The update that came during the sync still gets its own sync.
    assert.equal(target.syncs.length, 2);
    target.releaseAll();
  });

  it('aborts the start when the pod is gone from the API and tears it down as an orphan', async () => {
    const target = new SlowStart();
    workers = new PodWorkers(target, (uid) => cache.get(uid));
    workers.update(UID);
    await tick();
    cache.delete(UID);
    workers.update(UID);
    await tick();
    assert.equal(target.syncs[0].signal?.aborted, true);
    assert.deepEqual(target.orphans, [UID]);
  });

  it('does not count a step cut short by the abort as a failure (no retry backoff)', async () => {
    const target = new SlowStart('throw');
    workers = new PodWorkers(target, (uid) => cache.get(uid));
    workers.update(UID);
    await tick();
    cache.set(UID, pod(true));
    workers.update(UID);
    await tick();
    assert.deepEqual(target.syncs.map((s) => s.deleting), [false, true]);
  });
});
