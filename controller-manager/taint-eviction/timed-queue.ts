// TimedWorkerQueue: one timer per key that runs its work no earlier than its fire time. After a
// successful run the key stays (with no timer) so that the same work is not added again until it
// is cancelled; after a failed run it is forgotten, so the next event may add it afresh.

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Worker {
  createdAt: number;
  fireAt: number;
  handle?: unknown;
  fired?: boolean;
}

export class TimedQueue {
  /** key → its pending worker, or null once its work ran. */
  private readonly workers = new Map<string, Worker | null>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly work: (key: string, fireAt: number) => Promise<void>,
    private readonly now: () => number = Date.now,
    private readonly timers: Timers = realTimers,
  ) {}

  /** The pending worker of a key (null: its work ran; undefined: nothing known). */
  get(key: string): { createdAt: number; fireAt: number } | null | undefined {
    const w = this.workers.get(key);
    return w === null ? null : w && { createdAt: w.createdAt, fireAt: w.fireAt };
  }

  /** Adds work for the key unless the key is already known. */
  add(key: string, createdAt: number, fireAt: number): void {
    if (this.workers.has(key)) return;
    const w: Worker = { createdAt, fireAt };
    this.workers.set(key, w);
    const delay = fireAt - this.now();
    const fire = () => {
      if (this.workers.get(key) !== w) return;
      w.fired = true;
      const p = this.work(key, fireAt).then(
        () => {
          if (this.workers.get(key) === w) this.workers.set(key, null);
        },
        () => {
          if (this.workers.get(key) === w) this.workers.delete(key);
        },
      );
      this.running.add(p);
      void p.finally(() => this.running.delete(p));
    };
    if (delay <= 0) fire();
    else w.handle = this.timers.set(fire, delay);
  }

  /**
   * Forgets the key; true when a timer that had not fired yet was stopped (work already running
   * cannot be stopped, so that is not a cancellation).
   */
  cancel(key: string): boolean {
    const w = this.workers.get(key);
    if (w === undefined) return false;
    this.workers.delete(key);
    if (w === null || w.handle === undefined || w.fired) return false;
    this.timers.clear(w.handle);
    return true;
  }

  /** Cancels every timer and waits for the work already running. */
  async stop(): Promise<void> {
    for (const w of this.workers.values()) if (w?.handle !== undefined) this.timers.clear(w.handle);
    this.workers.clear();
    await Promise.all([...this.running]);
  }
}
