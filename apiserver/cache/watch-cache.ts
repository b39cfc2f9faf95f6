// The watch cache of one resource type: an in-memory copy of the current objects and a ring of
// recent events, from which every client watch and cached list of that resource is served. It has
// no etcd watch of its own: the registry-wide hub (watch-caches.ts) feeds every resource's cache
// from one etcd watch on the whole prefix (load/applyEvent/resyncTo), so one feed exists to get right.
// Events are applied and fanned out synchronously in etcd's order, so a snapshot plus a
// subscription taken in the same tick can neither miss nor repeat an event.
import type { KObject } from '../../lib/api/types';
import { componentLogger } from '../../lib/log';
import type { StoreEvent } from '../storage/etcd-store';
import type { ResourceName } from '../storage/errors';
import { EventRing } from './event-ring';
import { diffStates, objectKey } from './resync-diff';

const log = componentLogger('apiserver', { part: 'watch-cache' });

export type CacheListener = (ev: StoreEvent) => void;

export interface Subscription {
  stop(): void;
}

export interface WatchCacheOptions {
  /** Events kept for replay to watches from an exact resourceVersion. */
  capacity: number;
  /** Told the object count after each change (the watch cache size metric). */
  onSize?: (resource: string, size: number) => void;
  /**
   * The revision up to which every change of this resource is applied, when the feeder sees more
   * than this resource and so knows better than the last event of this resource (the hub).
   */
  clock?: () => string;
}

export class WatchCache {
  private objects = new Map<string, KObject>();
  /** objects' keys in order, kept until a key comes or goes. */
  private sortedKeys: string[] | undefined;
  private rev = '0';
  private ring: EventRing;
  private listeners = new Set<CacheListener>();
  private stopped = false;

  constructor(
    readonly resource: ResourceName,
    private readonly opts: WatchCacheOptions,
  ) {
    this.ring = new EventRing(opts.capacity, '0');
  }

  /** The revision up to which every event of this resource has been applied. */
  get revision(): string {
    return this.opts.clock?.() ?? this.rev;
  }

  get size(): number {
    return this.objects.size;
  }

  get watcherCount(): number {
    return this.listeners.size;
  }

  stop(): void {
    this.stopped = true;
    this.listeners.clear();
  }

  /** One current object by namespace and name (a shallow copy), or undefined. */
  get(namespace: string | undefined, name: string): KObject | undefined {
    const o = this.objects.get(`${namespace ?? ''}/${name}`);
    return o && { ...o };
  }

  /** Current objects (shallow copies, key order; only those `keep` accepts) and their revision. */
  snapshot(keep?: (o: KObject) => boolean): { items: KObject[]; revision: string } {
    this.sortedKeys ??= [...this.objects.keys()].sort();
    const items: KObject[] = [];
    for (const k of this.sortedKeys) {
      const o = this.objects.get(k)!;
      if (!keep || keep(o)) items.push({ ...o });
    }
    return { items, revision: this.revision };
  }

  /** The current state and a subscription to every later event, taken atomically. */
  snapshotAndSubscribe(listener: CacheListener): { items: KObject[]; revision: string; sub: Subscription } {
    const snap = this.snapshot();
    return { ...snap, sub: this.subscribe(listener) };
  }

  /**
   * Replays the events after `revision` to the listener, then keeps it subscribed. Null when the
   * ring no longer holds all events after `revision` (the caller answers 410 or reads etcd).
   */
  subscribeFrom(revision: string, listener: CacheListener): Subscription | null {
    const replay = this.ring.since(revision);
    if (!replay) return null;
    const after = BigInt(revision);
    for (const ev of replay) listener(ev);
    // Events the cache has not seen yet but that are at or below a future revision are skipped.
    return this.subscribe((ev) => {
      if (BigInt(ev.revision) > after) listener(ev);
    });
  }

  private subscribe(listener: CacheListener): Subscription {
    this.listeners.add(listener);
    return { stop: () => this.listeners.delete(listener) };
  }

  /** Replaces the whole state with a list read at revision (the feeder's fill). */
  load(items: KObject[], revision: string): void {
    this.replaceAll(items, revision);
  }

  /** One change, in etcd's order (the feeder's dispatch). */
  applyEvent(ev: StoreEvent): void {
    this.apply(ev);
  }

  /**
   * After the feeder lost etcd history: the differences to a fresh list (read at revision) become
   * events for live watchers, and only changes after revision can be replayed from now on.
   */
  resyncTo(items: KObject[], revision: string): number {
    const diffs = diffStates(this.objects, items, revision);
    for (const ev of diffs) this.apply(ev);
    this.rev = revision;
    this.ring.reset(revision);
    return diffs.length;
  }

  private replaceAll(items: KObject[], revision: string): void {
    this.objects = new Map(items.map((o) => [objectKey(o), o]));
    this.sortedKeys = undefined;
    this.rev = revision;
    this.ring.reset(revision);
    this.opts.onSize?.(this.resource.resource, this.objects.size);
  }

  private apply(ev: StoreEvent): void {
    if (this.stopped) return;
    // The feeder's restarted watch starts after the last applied revision; older is a stale echo.
    // (Equal revisions are legal: one etcd transaction may touch several keys.)
    if (BigInt(ev.revision) < BigInt(this.rev)) return;
    const key = objectKey(ev.object);
    if (ev.type === 'DELETED') {
      if (this.objects.delete(key)) this.sortedKeys = undefined;
    } else {
      if (!this.objects.has(key)) this.sortedKeys = undefined;
      this.objects.set(key, ev.object);
    }
    this.rev = ev.revision;
    this.ring.push(ev);
    this.opts.onSize?.(this.resource.resource, this.objects.size);
    for (const l of [...this.listeners]) {
      try {
        l(ev);
      } catch (e) {
        log.warn({ err: String(e), resource: this.resource.resource }, 'watch listener failed');
      }
    }
  }
}
