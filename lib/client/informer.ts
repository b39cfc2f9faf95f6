// A shared informer: list + watch into a local cache with indexers, handlers notified of every
// change, a relist when the watch's revision has expired (410), reconnection with backoff on any
// other failure, and an optional periodic resync that replays the cache as updates.
//
// It is also where objects enter a component, so it applies the kind's check (lib/api/checks):
// an object that fails it never reaches the cache or the handlers (a log line, a metric count and
// onInvalid instead). An object that was valid and turns invalid keeps its last valid copy in the
// cache — treating it as deleted could make a kubelet kill a running pod or a controller replace
// what still exists — until it is valid again or really deleted.
import type { KObject } from '../api/types';
import type { ResourceType } from '../api/resources';
import type { ApiClient, WatchHandle } from './api-client';
import { ApiError } from '../errors';
import { componentLogger, type Logger } from '../log';
import { keyOf } from './workqueue';
import { objectProblems } from '../api/checks';
import { componentOfInformer, InvalidObjects, safeKeyOf } from './invalid-objects';

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
  /**
   * An object failed its kind's check and was skipped; lastValid is the copy the cache keeps, if
   * any. Called once per key and resourceVersion. The object is raw: only its problems are known.
   */
  onInvalid?(obj: KObject, problems: string[], lastValid: T | undefined): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Replays every cached object to onUpdate at this interval; 0 disables. */
  resyncMs?: number;
  name?: string;
  /** The component label of the skipped-objects metric; defaults to the one the name starts with. */
  component?: string;
  /** What is wrong with an object (default: the kind's check by resource); false checks nothing. */
  check?: ((obj: unknown) => string[]) | false;
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
  private readonly invalid: InvalidObjects;
  private readonly check: ((obj: unknown) => string[]) | undefined;

  constructor(
    private readonly client: ApiClient,
    private readonly rt: ResourceType,
    private readonly opts: InformerOptions = {},
  ) {
    this.log = componentLogger('informer', { resource: rt.resource, informer: opts.name });
    this.invalid = new InvalidObjects(opts.component ?? componentOfInformer(opts.name), rt.resource, this.log);
    this.check = opts.check === false ? undefined : (opts.check ?? ((o) => objectProblems(rt.resource, o, rt.namespaced)));
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
    for (const item of list.items as unknown[]) {
      // Lists omit apiVersion/kind on items; fill them so handlers see whole objects.
      const obj = (item && typeof item === 'object' && !Array.isArray(item) ? { apiVersion: this.rt.apiVersion, kind: this.rt.kind, ...item } : item) as T;
      const problems = this.problemsOf(obj);
      if (problems.length) {
        const key = safeKeyOf(obj);
        // Its last valid copy (if any) stays: the relist must not count it as deleted.
        if (key && this.cache.has(key)) seen.add(key);
        this.rejected(key, obj, problems);
        continue;
      }
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
          if (ev.type === 'DELETED') {
            // Deleted is deleted, valid or not: whatever the cache holds under its key goes.
            const key = safeKeyOf(obj);
            if (!key) return;
            this.invalid.clear(key, 'deleted');
            this.remove(key, this.cache.get(key) ?? obj);
            return;
          }
          const problems = this.problemsOf(obj);
          if (problems.length) this.rejected(safeKeyOf(obj), obj, problems);
          else this.upsert(keyOf(obj), obj);
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

  /** The object's problems; a check that throws is a problem too, never a crash. */
  private problemsOf(obj: unknown): string[] {
    if (!this.check) return [];
    try {
      return this.check(obj);
    } catch (err) {
      return [`<object>: the check failed: ${(err as Error).message}`];
    }
  }

  /** An object that failed its check: recorded once per resourceVersion; the cache keeps what it had. */
  private rejected(key: string | undefined, obj: unknown, problems: string[]): void {
    const lastValid = key ? this.cache.get(key) : undefined;
    if (!this.invalid.report(key, obj, problems, !!lastValid)) return;
    for (const h of this.handlers) this.safe(() => h.onInvalid?.(obj as KObject, problems, lastValid));
  }

  private upsert(key: string, obj: T): void {
    this.invalid.clear(key, 'valid');
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
