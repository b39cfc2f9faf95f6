// One worker per pod UID: syncs never overlap for a pod, and updates that arrive while a sync
// runs collapse into one more sync that reads the newest pod from the cache. An update that
// marks the pod for termination while a sync is starting it abandons that sync (its signal is
// aborted; the sync stops at its next step), and the next sync tears down what exists.
import type { Pod } from '../../lib/api/types';
import { componentLogger } from '../../lib/log';
import type { SyncResult } from './pod-sync';
import { abandonsSync } from './pod-termination';

export interface PodSyncTarget {
  /** `signal` is aborted when the pod starts terminating during the sync: stop at the next step. */
  sync(pod: Pod, signal?: AbortSignal): Promise<SyncResult>;
  teardownOrphan(uid: string): Promise<void>;
}

interface WorkerState {
  running: boolean;
  dirty: boolean;
  failures: number;
  timer?: NodeJS.Timeout;
  /** The sync in progress: the pod it began with, and how to abandon it. */
  current?: { pod: Pod; abort: AbortController };
}

const log = componentLogger('kubelet', { part: 'pod-workers' });

export class PodWorkers {
  private readonly workers = new Map<string, WorkerState>();
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;

  /** getPod returns the current pod with this UID from the cache, or undefined if it is gone. */
  constructor(private readonly target: PodSyncTarget, private readonly getPod: (uid: string) => Pod | undefined) {}

  update(uid: string): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { running: false, dirty: false, failures: 0 };
      this.workers.set(uid, w);
    }
    if (w.timer) {
      clearTimeout(w.timer);
      w.timer = undefined;
    }
    if (w.running) {
      w.dirty = true;
      if (w.current && !w.current.abort.signal.aborted && abandonsSync(w.current.pod, this.getPod(uid))) {
        log.info({ uid }, 'pod is terminating: abandoning the sync in progress');
        w.current.abort.abort();
      }
      return;
    }
    const p = this.run(uid, w);
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private after(uid: string, w: WorkerState, ms: number): void {
    if (this.stopped) return;
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => {
      w.timer = undefined;
      this.update(uid);
    }, ms);
    w.timer.unref?.();
  }

  private async run(uid: string, w: WorkerState): Promise<void> {
    w.running = true;
    do {
      w.dirty = false;
      const pod = this.getPod(uid);
      try {
        if (pod) {
          w.current = { pod, abort: new AbortController() };
          const r = await this.target.sync(pod, w.current.abort.signal);
          w.failures = 0;
          // An abandoned sync is followed at once by one with the terminating pod.
          if (r.abandoned) w.dirty = true;
          else if (r.requeueAfterMs !== undefined && !w.dirty) this.after(uid, w, Math.max(50, r.requeueAfterMs));
        } else {
          await this.target.teardownOrphan(uid);
          this.workers.delete(uid);
        }
      } catch (e) {
        // A step cut short because the sync was abandoned is not a failure.
        if (w.current?.abort.signal.aborted) {
          w.dirty = true;
          continue;
        }
        w.failures++;
        const delay = Math.min(500 * 2 ** (w.failures - 1), 30_000);
        log.warn({ uid, err: (e as Error).message, retryMs: delay }, 'pod sync failed');
        if (!w.dirty) this.after(uid, w, delay);
      } finally {
        w.current = undefined;
      }
    } while (w.dirty && !this.stopped);
    w.running = false;
    if (!this.getPod(uid) && !w.timer) this.workers.delete(uid);
  }

  known(): string[] {
    return [...this.workers.keys()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.workers.values()) if (w.timer) clearTimeout(w.timer);
    await Promise.allSettled([...this.inflight]);
  }
}
