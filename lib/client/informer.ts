// A shared informer: list + watch into a local cache with indexers, handlers notified of every
// change, a relist when the watch's revision has expired (410), reconnection with backoff on any
// other failure, and an optional periodic resync that replays the cache as updates.
import type { KObject } from '../api/types';
import type { ResourceType } from '../api/resources';
import type { ApiClient, WatchHandle } from './api-client';
import { ApiError } from '../errors';
import { componentLogger, type Logger } from '../log';
import { keyOf } from './workqueue';

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Replays every cached object to onUpdate at this interval; 0 disables. */
  resyncMs?: number;
  name?: string;
}

const MAX_BACKOFF_MS = 5000;

export class Informer<T extends KObject = KObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly indexFns = new Map<string, (obj: T) => string[]>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private watchHandle?: WatchHandle;
  private resourceVersion = '';
  private synced = false;
  private stopped = false;
  private backoffMs = 200;
  private retryTimer?: NodeJS.Timeout;
  private resyncTimer?: NodeJS.Timeout;
  private readonly log: Logger;

  constructor(
    private readonly client: ApiClient,
    private readonly rt: ResourceType,
    private readonly opts: InformerOptions = {},
  ) {
    this.log = componentLogger('informer', { resource: rt.resource, informer: opts.name });
  }

  addHandler(h: InformerHandlers<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const obj of this.cache.values()) this.safe(() => h.onAdd?.(obj));
  }

  addIndex(name: string, fn: (obj: T) => string[]): void {
    this.indexFns.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indices.set(name, idx);
    for (const [key, obj] of this.cache) for (const v of fn(obj)) this.indexAdd(idx, v, key);
  }

  byIndex(name: string, value: string): T[] {
    const keys = this.indices.get(name)?.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.cache.get(k)!).filter(Boolean);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
  }

  /** Lists, fills the cache and starts watching; resolves once the first list is cached. */
  async start(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      try {
        await this.relist();
        break;
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'initial list failed, retrying');
        await new Promise((r) => setTimeout(r, this.nextBackoff()));
      }
    }
    this.synced = true;
    this.startWatch();
    if (this.opts.resyncMs && this.opts.resyncMs > 0) {
      this.resyncTimer = setInterval(() => this.resync(), this.opts.resyncMs);
      this.resyncTimer.unref?.();
    }
  }

  stop(): void {
    this.stopped = true;
    this.watchHandle?.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.resyncTimer) clearInterval(this.resyncTimer);
  }

  private nextBackoff(): number {
    const b = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    return b;
  }

  private async relist(): Promise<void> {
    const list = await this.client.list<T>(this.rt, this.opts.namespace, {
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
    });
    const seen = new Set<string>();
    for (const item of list.items) {
      // Lists omit apiVersion/kind on items; fill them so handlers see whole objects.
      const obj = { apiVersion: this.rt.apiVersion, kind: this.rt.kind, ...item } as T;
      const key = keyOf(obj);
      seen.add(key);
      this.upsert(key, obj);
    }
    for (const [key, obj] of [...this.cache]) {
      if (!seen.has(key)) this.remove(key, obj);
    }
    this.resourceVersion = list.metadata.resourceVersion ?? '';
  }

  private startWatch(): void {
    if (this.stopped) return;
    this.watchHandle = this.client.watch<T>(
      this.rt,
      this.opts.namespace,
      {
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        resourceVersion: this.resourceVersion,
        allowBookmarks: true,
      },
      {
        onEvent: (ev) => {
          this.backoffMs = 200;
          const rv = ev.object?.metadata?.resourceVersion;
          if (ev.type === 'ERROR') {
            const code = (ev.object as unknown as { code?: number }).code;
            this.log.info({ code }, 'watch error event');
            this.watchHandle?.stop();
            this.scheduleRestart(code === 410);
            return;
          }
          if (rv) this.resourceVersion = rv;
          if (ev.type === 'BOOKMARK') return;
          const obj = ev.object;
          const key = keyOf(obj);
          if (ev.type === 'DELETED') this.remove(key, this.cache.get(key) ?? obj);
          else this.upsert(key, obj);
        },
        onClose: (err) => {
          if (this.stopped) return;
          const gone = err instanceof ApiError && err.code === 410;
          if (err) this.log.info({ err: err.message }, 'watch closed');
          this.scheduleRestart(gone);
        },
      },
    );
  }

  private scheduleRestart(relist: boolean): void {
    if (this.stopped || this.retryTimer) return;
    const delay = relist ? 0 : this.nextBackoff();
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = undefined;
      if (this.stopped) return;
      if (relist) {
        try {
          await this.relist();
        } catch (err) {
          this.log.warn({ err: (err as Error).message }, 'relist failed');
          this.scheduleRestart(true);
          return;
        }
      }
      this.startWatch();
    }, delay);
  }

  private resync(): void {
    for (const obj of this.cache.values()) for (const h of this.handlers) this.safe(() => h.onUpdate?.(obj, obj));
  }

  private upsert(key: string, obj: T): void {
    const old = this.cache.get(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    if (old) this.unindex(key, old);
    this.cache.set(key, obj);
    this.index(key, obj);
    for (const h of this.handlers) this.safe(() => (old ? h.onUpdate?.(old, obj) : h.onAdd?.(obj)));
  }

  private remove(key: string, obj: T): void {
    const old = this.cache.get(key);
    if (!old) return;
    this.unindex(key, old);
    this.cache.delete(key);
    for (const h of this.handlers) this.safe(() => h.onDelete?.(obj));
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of this.indexFns) for (const v of fn(obj)) this.indexAdd(this.indices.get(name)!, v, key);
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexFns) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const set = idx.get(v);
        set?.delete(key);
        if (set && set.size === 0) idx.delete(v);
      }
    }
  }

  private indexAdd(idx: Map<string, Set<string>>, value: string, key: string): void {
    let set = idx.get(value);
    if (!set) idx.set(value, (set = new Set()));
    set.add(key);
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'informer handler threw');
    }
  }
}
