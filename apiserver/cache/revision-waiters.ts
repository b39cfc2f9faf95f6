// Requests waiting for the watch cache to reach a revision: a consistent list waits for etcd's
// current revision, a list or watch from a newer resourceVersion for that one. Each wait is
// bounded; the answer says whether the revision was reached in time.
export class RevisionWaiters {
  private waiting: { target: bigint; done: (reached: boolean) => void; timer: NodeJS.Timeout }[] = [];

  get size(): number {
    return this.waiting.length;
  }

  /**
   * Resolves true once advance() reports a revision ≥ target, false after timeoutMs. Resolution
   * is a promise settlement, so the waiter runs only after the synchronous dispatch that advanced
   * the revision has applied every event of it.
   */
  wait(current: string, target: string, timeoutMs: number): Promise<boolean> {
    const want = BigInt(target);
    if (BigInt(current) >= want) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const entry = {
        target: want,
        done: (reached: boolean) => {
          clearTimeout(entry.timer);
          resolve(reached);
        },
        timer: setTimeout(() => {
          this.waiting = this.waiting.filter((w) => w !== entry);
          resolve(false);
        }, timeoutMs),
      };
      entry.timer.unref();
      this.waiting.push(entry);
    });
  }

  /** The revision now applied; releases every waiter it satisfies. */
  advance(revision: string): void {
    if (this.waiting.length === 0) return;
    const rev = BigInt(revision);
    const keep = [];
    for (const w of this.waiting) {
      if (w.target <= rev) w.done(true);
      else keep.push(w);
    }
    this.waiting = keep;
  }

  /** Releases everyone unanswered (shutdown). */
  close(): void {
    for (const w of this.waiting) w.done(false);
    this.waiting = [];
  }
}
