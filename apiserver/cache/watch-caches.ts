// The registry-wide watch cache hub. One list of the whole key prefix at one revision fills every
// resource's cache, then ONE etcd watch on the prefix feeds them all, dispatched by key. Because a
// single etcd watcher delivers changes in revision order, the hub's revision means "every change
// under the prefix up to here is applied" for every resource at once — what lets a consistent
// list be answered from memory once the hub has reached etcd's current revision.
import { ApiError } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import type { EtcdStore, KeyedStoreEvent, StoreEvent } from '../storage/etcd-store';
import type { ResourceName } from '../storage/errors';
import { resourceId, resourceOfKey } from './resource-keys';
import { RevisionWaiters } from './revision-waiters';
import { WatchCache, type WatchCacheOptions } from './watch-cache';

const log = componentLogger('apiserver', { part: 'watch-cache' });

export interface WatchCachesOptions extends Omit<WatchCacheOptions, 'clock'> {
  /** First delay before restarting a failed etcd watch (doubles up to 5 s). */
  retryMs?: number;
  /** Resources filled at start; others get a cache of their own fill when first asked for. */
  resources?: ResourceName[];
}

interface Loading {
  /** Events of the resource that arrived while its fill was being read. */
  buffer: StoreEvent[];
  done: Promise<WatchCache>;
}

export class WatchCaches {
  private caches = new Map<string, WatchCache>();
  private loading = new Map<string, Loading>();
  /** Ids whose every object key is decoded and dispatched. */
  private known: Set<string>;
  private rev = '0';
  private startPromise: Promise<void> | undefined;
  private isStarted = false;
  private inner: { stop(): void } | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private waiters = new RevisionWaiters();
  private readonly cacheOpts: WatchCacheOptions;

  constructor(
    private readonly store: EtcdStore,
    private readonly opts: WatchCachesOptions = { capacity: 1000 },
  ) {
    this.known = new Set((opts.resources ?? []).map(resourceId));
    this.cacheOpts = { capacity: opts.capacity, onSize: opts.onSize, clock: () => this.rev };
  }

  /** Every change under the prefix up to this revision is applied to every cache. */
  get revision(): string {
    return this.rev;
  }

  /** The first fill is done and the etcd watch runs (readiness). */
  get started(): boolean {
    return this.isStarted && !this.closed;
  }

  /** Fills every cache and starts the one etcd watch; concurrent and repeated calls share one start. */
  start(): Promise<void> {
    if (!this.startPromise) {
      this.startPromise = this.fillAndWatch();
      this.startPromise.catch(() => (this.startPromise = undefined));
    }
    return this.startPromise;
  }

  /** The cache of a resource, starting the hub first when nobody has. */
  async forResource(r: ResourceName): Promise<WatchCache> {
    if (!this.isStarted) await this.start();
    const id = resourceId(r);
    return this.caches.get(id) ?? this.register(id, r);
  }

  /** True once the hub has applied `revision`; false when timeoutMs passed first. */
  waitForRevision(revision: string, timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return this.waiters.wait(this.rev, revision, timeoutMs);
  }

  /** Caches already filled (for metrics and tests). */
  async startedCaches(): Promise<WatchCache[]> {
    return [...this.caches.values()];
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.inner?.stop();
    for (const c of this.caches.values()) c.stop();
    this.caches.clear();
    this.waiters.close();
  }

  private accepts = (key: string): boolean => {
    const r = resourceOfKey(this.store.prefix, key);
    if (!r) return false;
    const id = resourceId(r);
    return this.known.has(id) || this.loading.has(id);
  };

  private async fillAndWatch(): Promise<void> {
    const res = await this.store.listAll(this.accepts);
    if (this.closed) return;
    const byId = new Map<string, StoreEvent['object'][]>([...this.known].map((id) => [id, []]));
    for (const { key, object } of res.items) byId.get(resourceId(resourceOfKey(this.store.prefix, key)!))?.push(object);
    this.rev = res.revision;
    for (const [id, items] of byId) {
      const [group, resource] = splitId(id);
      const cache = new WatchCache({ group, resource }, this.cacheOpts);
      cache.load(items, res.revision);
      this.caches.set(id, cache);
    }
    await this.watchFrom(res.revision);
    this.isStarted = true;
    log.info({ revision: res.revision, objects: res.items.length, resources: byId.size }, 'watch caches filled');
  }

  /** A resource not filled at start: read at the hub's revision, with its live events held meanwhile. */
  private register(id: string, r: ResourceName): Promise<WatchCache> {
    const pending = this.loading.get(id);
    if (pending) return pending.done;
    const at = this.rev;
    const buffer: StoreEvent[] = [];
    const done = (async () => {
      const page = await this.store.listPage({ group: r.group, resource: r.resource }, { limit: 0, revision: at });
      const cache = new WatchCache({ group: r.group, resource: r.resource }, this.cacheOpts);
      cache.load(page.items, at);
      for (const ev of buffer) cache.applyEvent(ev);
      this.loading.delete(id);
      this.known.add(id);
      if (this.closed) cache.stop();
      else this.caches.set(id, cache);
      return cache;
    })();
    done.catch(() => this.loading.delete(id));
    this.loading.set(id, { buffer, done });
    return done;
  }

  private dispatch(ev: KeyedStoreEvent): void {
    if (this.closed) return;
    // A restarted watch starts after the last applied revision; anything older is a stale echo.
    // (Equal revisions are legal: one etcd transaction may touch several keys.)
    if (BigInt(ev.revision) < BigInt(this.rev)) return;
    this.rev = ev.revision;
    if (ev.type && ev.object) {
      const id = resourceId(resourceOfKey(this.store.prefix, ev.key)!);
      const cache = this.caches.get(id);
      if (cache) cache.applyEvent(ev as StoreEvent);
      else this.loading.get(id)?.buffer.push(ev as StoreEvent);
    }
    this.waiters.advance(this.rev);
  }

  private async watchFrom(revision: string): Promise<void> {
    this.inner = await this.store.watchAll(revision, this.accepts, {
      onEvent: (ev) => this.dispatch(ev),
      onError: (err) => this.recover(err, this.opts.retryMs ?? 100),
    });
    if (this.closed) this.inner.stop();
  }

  /** Restarts the etcd watch from the last applied revision; past compaction, relists and diffs. */
  private recover(err: ApiError, delayMs: number): void {
    if (this.closed) return;
    log.info({ err: err.message, revision: this.rev }, 'etcd watch lost, resyncing');
    this.retryTimer = setTimeout(() => {
      this.resync().catch((e) => {
        log.warn({ err: String(e) }, 'watch cache resync failed');
        const again = e instanceof ApiError ? e : new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 500, message: String(e) });
        this.recover(again, Math.min(delayMs * 2, 5000));
      });
    }, delayMs);
    this.retryTimer.unref();
  }

  private async resync(): Promise<void> {
    if (this.closed) return;
    try {
      await this.watchFrom(this.rev);
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 410)) throw e;
    }
    const res = await this.store.listAll(this.accepts);
    if (this.closed) return;
    const byId = new Map<string, StoreEvent['object'][]>([...this.caches.keys()].map((id) => [id, []]));
    for (const { key, object } of res.items) byId.get(resourceId(resourceOfKey(this.store.prefix, key)!))?.push(object);
    // The clock moves first, so watchers handed the differences see bookmarks at the new revision.
    this.rev = res.revision;
    let changes = 0;
    for (const [id, items] of byId) changes += this.caches.get(id)!.resyncTo(items, res.revision);
    this.waiters.advance(this.rev);
    log.info({ changes, revision: res.revision }, 'watch caches relisted');
    await this.watchFrom(res.revision);
  }
}

function splitId(id: string): [string, string] {
  const i = id.indexOf('/');
  return [id.slice(0, i), id.slice(i + 1)];
}
