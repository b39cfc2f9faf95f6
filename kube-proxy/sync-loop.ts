// When to sync: as soon as something changed but never more often than the minimum sync period,
// at least once per sync period even when nothing changed (a full resync repairs rules someone
// else deleted), and after a failure again with exponential backoff. One sync at a time.
import type { Logger } from '../lib/log';

export interface SyncLoopOptions {
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  sync: () => Promise<void>;
  log?: Logger;
}

export interface SyncStats {
  syncs: number;
  failures: number;
  consecutiveFailures: number;
  lastDurationMs: number;
  /** Epoch ms of the last successful sync's end; 0 before the first. */
  lastSuccessAt: number;
  lastError?: string;
}

/** Delay before retry number n (1-based) after consecutive failures. */
export function retryDelay(n: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, n - 1));
}

export class SyncLoop {
  readonly stats: SyncStats = { syncs: 0, failures: 0, consecutiveFailures: 0, lastDurationMs: 0, lastSuccessAt: 0 };
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private running?: Promise<void>;
  private pending = false;
  private lastStart = -Infinity;
  private stopped = false;
  private started = false;

  constructor(private readonly opts: SyncLoopOptions) {}

  /** Runs the first sync now, then keeps the schedule. */
  start(): void {
    this.started = true;
    this.scheduleAt(Date.now());
  }

  /** Something changed: sync soon, respecting the minimum period. Calls coalesce. */
  request(): void {
    this.pending = true;
    if (!this.started || this.running) return; // picked up when the running sync finishes
    this.scheduleAt(this.lastStart + this.opts.minSyncPeriodMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private scheduleAt(at: number): void {
    if (this.stopped) return;
    if (this.timer && this.timerAt <= at) return; // an earlier run is already due
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.running = this.runOnce().finally(() => (this.running = undefined));
    }, Math.max(0, at - Date.now()));
  }

  private async runOnce(): Promise<void> {
    if (this.stopped) return;
    this.pending = false;
    this.lastStart = Date.now();
    const s = this.stats;
    try {
      await this.opts.sync();
      s.syncs++;
      s.consecutiveFailures = 0;
      s.lastSuccessAt = Date.now();
      s.lastError = undefined;
    } catch (err) {
      s.failures++;
      s.consecutiveFailures++;
      s.lastError = err instanceof Error ? err.message : String(err);
      this.opts.log?.warn({ err: s.lastError, attempt: s.consecutiveFailures }, 'sync failed');
    }
    s.lastDurationMs = Date.now() - this.lastStart;
    this.scheduleNext();
  }

  private scheduleNext(): void {
    const now = Date.now();
    const minNext = this.lastStart + this.opts.minSyncPeriodMs;
    const s = this.stats;
    if (s.consecutiveFailures > 0) {
      const delay = retryDelay(s.consecutiveFailures, this.opts.retryBaseMs ?? 1000, this.opts.retryMaxMs ?? 30_000);
      this.scheduleAt(Math.max(minNext, now + delay));
    } else if (this.pending) {
      this.scheduleAt(minNext);
    } else {
      this.scheduleAt(now + this.opts.syncPeriodMs);
    }
  }
}
