// A controller work queue in the client-go mould: keys are de-duplicated while waiting, one key is
// never processed by two workers at once (a key added while it is processing runs again after),
// failures retry with per-key exponential backoff under an overall token-bucket rate limit.
import type { KObject } from '../api/types';
import { componentLogger } from '../log';
import { processMetrics } from '../metrics/prometheus';

// client-go's work queue metrics, labelled by queue name (a controller's name): how long one
// reconcile takes is workqueue_work_duration_seconds{name="replicaset"}.
const WORK_BUCKETS = Array.from({ length: 10 }, (_, i) => 1e-8 * 10 ** i);
const queueMetrics = {
  depth: processMetrics.gauge('workqueue_depth', 'Current depth of workqueue.'),
  adds: processMetrics.counter('workqueue_adds_total', 'Total number of adds handled by workqueue.'),
  retries: processMetrics.counter('workqueue_retries_total', 'Total number of retries handled by workqueue.'),
  work: processMetrics.histogram('workqueue_work_duration_seconds', 'How long in seconds processing an item from workqueue takes.', WORK_BUCKETS),
};

/** The longest a worker runs reconciles back to back before letting I/O and timers in. */
export const YIELD_EVERY_MS = 10;

export interface WorkQueueOptions {
  name?: string;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Overall retry rate limit: tokens per second and burst. */
  qps?: number;
  burst?: number;
}

export function keyOf(obj: KObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : `${obj.metadata.name}`;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private shuttingDown = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly qps: number;
  private readonly burst: number;
  private tokens: number;
  private lastRefill = Date.now();
  private readonly log;
  private readonly labels: { name: string };

  constructor(opts: WorkQueueOptions = {}) {
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 1000_000;
    this.qps = opts.qps ?? 10;
    this.burst = opts.burst ?? 100;
    this.tokens = this.burst;
    this.log = componentLogger('workqueue', { queue: opts.name ?? 'default' });
    this.labels = { name: opts.name ?? 'default' };
  }

  len(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    queueMetrics.adds.inc(this.labels);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    queueMetrics.depth.inc(this.labels);
    this.waiters.shift()?.();
  }

  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, ms);
    this.timers.add(t);
  }

  /** Delay before the next retry of key: per-key exponential backoff, at least the bucket's wait. */
  nextDelay(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const perKey = Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs);
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.qps);
    this.lastRefill = now;
    this.tokens -= 1;
    const bucket = this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
    return Math.max(perKey, bucket);
  }

  addRateLimited(key: string): void {
    queueMetrics.retries.inc(this.labels);
    this.addAfter(key, this.nextDelay(key));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  private async next(): Promise<string | undefined> {
    while (this.queue.length === 0) {
      if (this.shuttingDown) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    queueMetrics.depth.dec(this.labels);
    return this.queue.shift();
  }

  private done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      queueMetrics.depth.inc(this.labels);
      this.waiters.shift()?.();
    }
  }

  /** Starts `workers` loops calling reconcile; a throw re-queues the key with backoff. */
  run(workers: number, reconcile: (key: string) => Promise<void>): void {
    for (let i = 0; i < workers; i++) {
      const loop = (async () => {
        let lastYield = performance.now();
        for (;;) {
          // A reconcile that does its work synchronously (the scheduler's) resolves in a
          // microtask, and so does next() while keys wait: without a macrotask turn now and then,
          // a long queue would keep watch events, API replies and timers waiting until it is empty.
          if (performance.now() - lastYield >= YIELD_EVERY_MS) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            lastYield = performance.now();
          }
          const key = await this.next();
          if (key === undefined) return;
          this.dirty.delete(key);
          this.processing.add(key);
          const started = process.hrtime.bigint();
          try {
            await reconcile(key);
            this.forget(key);
          } catch (err) {
            this.log.warn({ key, err: (err as Error).message }, 'reconcile failed, requeueing');
            this.addRateLimited(key);
          } finally {
            queueMetrics.work.observeSince(this.labels, started);
            this.done(key);
          }
        }
      })();
      this.inFlight.add(loop);
      void loop.finally(() => this.inFlight.delete(loop));
    }
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    queueMetrics.depth.dec(this.labels, this.queue.length);
    this.queue.length = 0;
    while (this.waiters.length) this.waiters.shift()!();
    await Promise.all([...this.inFlight]);
  }
}
