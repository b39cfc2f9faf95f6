// The scheduling queue: pods waiting for a node. Active pods are tried in arrival order by one
// worker (decisions must see each other's assumptions). A pod that fits nowhere backs off
// 1s, 2s, 4s ... 60s, but every unschedulable pod is retried at once when the cluster changes in
// a way that could help (a node added or updated, a pod removed).
import { WorkQueue } from '../lib/client/workqueue';

export const INITIAL_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 60_000;

export function backoffMs(attempts: number, initial = INITIAL_BACKOFF_MS, max = MAX_BACKOFF_MS): number {
  if (attempts <= 0) return 0;
  return Math.min(initial * 2 ** (attempts - 1), max);
}

export class SchedulingQueue {
  private readonly q: WorkQueue;
  private readonly attempts = new Map<string, number>();
  private readonly unschedulable = new Set<string>();

  constructor(private readonly opts: { initialBackoffMs?: number; maxBackoffMs?: number } = {}) {
    this.q = new WorkQueue({ name: 'scheduler', baseDelayMs: 100, maxDelayMs: MAX_BACKOFF_MS });
  }

  add(key: string): void {
    this.q.add(key);
  }

  /** The pod fits nowhere right now: retry after its backoff, or sooner on a cluster change. */
  markUnschedulable(key: string): number {
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    this.unschedulable.add(key);
    const delay = backoffMs(n, this.opts.initialBackoffMs, this.opts.maxBackoffMs);
    this.q.addAfter(key, delay);
    return delay;
  }

  /** The pod left the queue for good (bound, deleted, or no longer ours). */
  done(key: string): void {
    this.attempts.delete(key);
    this.unschedulable.delete(key);
    this.q.forget(key);
  }

  attemptsOf(key: string): number {
    return this.attempts.get(key) ?? 0;
  }

  unschedulableKeys(): string[] {
    return [...this.unschedulable];
  }

  /** Something changed that might let waiting pods fit: try them all now. */
  moveAllToActive(): void {
    for (const k of this.unschedulable) this.q.add(k);
  }

  run(handler: (key: string) => Promise<void>): void {
    this.q.run(1, handler);
  }

  len(): number {
    return this.q.len();
  }

  shutdown(): Promise<void> {
    return this.q.shutdown();
  }
}
