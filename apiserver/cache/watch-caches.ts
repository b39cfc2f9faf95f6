// One WatchCache per resource type, started on first use and shared by every watcher and
// resourceVersion=0 list of that resource.
import type { EtcdStore } from '../storage/etcd-store';
import type { ResourceName } from '../storage/errors';
import { WatchCache, type WatchCacheOptions } from './watch-cache';

export class WatchCaches {
  private caches = new Map<string, Promise<WatchCache>>();
  private closed = false;

  constructor(
    private readonly store: EtcdStore,
    private readonly opts: WatchCacheOptions = { capacity: 1000 },
  ) {}

  /** The started cache of a resource; a failed start is forgotten so the next call retries. */
  forResource(r: ResourceName): Promise<WatchCache> {
    const key = `${r.group}/${r.resource}`;
    let p = this.caches.get(key);
    if (!p) {
      const cache = new WatchCache(this.store, { group: r.group, resource: r.resource }, this.opts);
      p = cache.start().then(() => {
        if (this.closed) cache.stop();
        return cache;
      });
      p.catch(() => this.caches.delete(key));
      this.caches.set(key, p);
    }
    return p;
  }

  /** Caches already started (for metrics and tests). */
  async started(): Promise<WatchCache[]> {
    const out: WatchCache[] = [];
    for (const p of this.caches.values()) {
      const c = await p.catch(() => undefined);
      if (c) out.push(c);
    }
    return out;
  }

  close(): void {
    this.closed = true;
    for (const p of this.caches.values()) p.then((c) => c.stop(), () => undefined);
    this.caches.clear();
  }
}
