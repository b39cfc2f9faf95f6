// RateLimitedTimedQueue: the per-zone queue of nodes waiting for their NoExecute taint, released
// through a token bucket (burst 1) so that a zone loses at most --node-eviction-rate nodes' pods
// per second. A node is queued once per outage: after it was processed it stays known until it is
// removed (when it is Ready again), so re-queueing it does nothing.

/** A token bucket with a burst of one; qps 0 never accepts. */
export class TokenBucket {
  private tokens = 1;
  private last: number;

  constructor(readonly qps: number, private readonly now: () => number) {
    this.last = now();
  }

  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const t = this.now();
    this.tokens = Math.min(1, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Item {
  value: string;
  processAt: number;
}

/** The outcome of processing one item: done, or try again after retryAfterMs. */
export type TryResult = { ok: true } | { ok: false; retryAfterMs: number };

export class RateLimitedQueue {
  private items: Item[] = [];
  /** Everything added and not removed, processed or not. */
  private readonly known = new Set<string>();
  private limiter: TokenBucket;
  private running = false;

  constructor(qps: number, private readonly now: () => number = Date.now) {
    this.limiter = new TokenBucket(qps, now);
  }

  get qps(): number {
    return this.limiter.qps;
  }

  get pending(): number {
    return this.items.length;
  }

  /** Queues the value unless it is already known; true when it was added. */
  add(value: string): boolean {
    if (this.known.has(value)) return false;
    this.known.add(value);
    this.insert({ value, processAt: this.now() });
    return true;
  }

  /** Forgets the value, queued or processed, so that it may be added again. */
  remove(value: string): boolean {
    const had = this.known.delete(value);
    this.items = this.items.filter((i) => i.value !== value);
    return had;
  }

  /**
   * SwapLimiter: a new rate. When the old bucket is empty the new one starts empty too, so that a
   * rate change does not let an extra node through.
   */
  swapLimiter(qps: number): void {
    if (qps === this.limiter.qps) return;
    const next = new TokenBucket(qps, this.now);
    if (qps > 0 && !this.limiter.tryAccept()) next.tryAccept();
    this.limiter = next;
  }

  /** Processes due items in order while the bucket has tokens. One pass at a time. */
  async try(fn: (value: string) => Promise<TryResult>): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.items.length > 0) {
        const head = this.items[0];
        if (head.processAt > this.now()) return;
        if (!this.limiter.tryAccept()) return;
        this.items.shift();
        const r = await fn(head.value).catch((): TryResult => ({ ok: false, retryAfterMs: 1000 }));
        // Removed meanwhile (the node recovered): nothing to put back.
        if (!r.ok && this.known.has(head.value)) this.insert({ value: head.value, processAt: this.now() + r.retryAfterMs });
      }
    } finally {
      this.running = false;
    }
  }

  private insert(item: Item): void {
    const i = this.items.findIndex((x) => x.processAt > item.processAt);
    if (i < 0) this.items.push(item);
    else this.items.splice(i, 0, item);
  }
}
