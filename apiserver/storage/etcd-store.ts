// The etcd3-backed object store. Objects are Kubernetes JSON; a key is
// <prefix>/<group or "core">/<resource>/<namespace>/<name>; resourceVersion is the etcd mod_revision
// and every write is a transaction, so concurrent writers see 409s instead of lost updates.
import type { Etcd3, IKeyValue, IRequestOp, Watcher } from 'etcd3';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { apiserverMetrics } from '../metrics';
import { alreadyExists, conflict, expired, internal, notFound, unavailable, type ResourceName } from './errors';

const log = componentLogger('apiserver', { part: 'storage' });

export interface ObjectKey extends ResourceName {
  namespace?: string;
  name: string;
}

export interface CollectionKey extends ResourceName {
  namespace?: string;
}

export interface ListResult {
  items: KObject[];
  /** The etcd header revision the list was read at. */
  revision: string;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  object: KObject;
  /** The previous state (MODIFIED and DELETED) when etcd still had it. */
  previous?: KObject;
  revision: string;
}

export interface StoreWatchHandlers {
  onEvent(ev: StoreEvent): void;
  /** The watch cannot continue; err is an ApiError (410 Expired when the revision is compacted). */
  onError(err: ApiError): void;
}

export interface WriteOpts {
  /** Attach the key to a lease of this many seconds (Events expire after an hour). */
  ttlSeconds?: number;
}

function decode(kv: IKeyValue, revision?: string): KObject {
  let obj: KObject;
  try {
    obj = JSON.parse(kv.value.toString('utf8')) as KObject;
  } catch (e) {
    throw internal(`cannot decode ${kv.key.toString()}: ${(e as Error).message}`);
  }
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: revision ?? String(kv.mod_revision) };
  return obj;
}

/** What goes into etcd: the object without its resourceVersion (etcd's revision is the truth). */
function encode(obj: KObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata ?? {};
  return JSON.stringify({ ...obj, metadata: meta });
}

function isCompactedError(e: unknown): boolean {
  return /compacted/i.test(String((e as Error)?.message ?? e));
}

/** Turns transport failures into Status errors; ApiErrors pass through. */
function wrap(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const msg = String((e as Error)?.message ?? e);
  if (isCompactedError(e)) return expired(`too old resource version: ${msg}`);
  if (/unavailable|deadline|connect|closed/i.test(msg)) return unavailable(`etcd: ${msg}`);
  return internal(`etcd: ${msg}`);
}

/** Times one etcd round trip into etcd_request_duration_seconds, failed ones included. */
async function timed<T>(operation: string, type: string, fn: () => Promise<T>): Promise<T> {
  const t0 = process.hrtime.bigint();
  try {
    return await fn();
  } finally {
    apiserverMetrics.observeEtcd(operation, type, Number(process.hrtime.bigint() - t0) / 1e9);
  }
}

export interface PageQuery {
  /** Most items to return (0 = all). */
  limit: number;
  /** First key to read (inclusive); defaults to the start of the collection. */
  startKey?: string;
  /** Read at this revision (a consistent later page); defaults to the latest. */
  revision?: string;
}

export interface PageResult extends ListResult {
  /** The etcd keys of items, in order. */
  keys: string[];
  /** More keys follow the last one. */
  more: boolean;
  /** Keys in the whole range from startKey at that revision, returned or not (etcd's count). */
  count: number;
}

/** One stored value under the store's prefix, by key (objects only: see PrefixFilter). */
export interface KeyedObject {
  key: string;
  object: KObject;
}

/** A change under the store's prefix; object-less when the key is not a resource object. */
export interface KeyedStoreEvent extends Partial<StoreEvent> {
  key: string;
  revision: string;
}

/** Decides which keys under the prefix hold resource objects (others are never decoded). */
export type PrefixFilter = (key: string) => boolean;

export interface PrefixWatchHandlers {
  /** Every change under the prefix in revision order; ev.type is unset for keys the filter refused. */
  onEvent(ev: KeyedStoreEvent): void;
  onError(err: ApiError): void;
}

/** The smallest key greater than every key starting with prefix (etcd's range_end for a prefix). */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i] < 0xff) {
      const out = Buffer.from(b.subarray(0, i + 1));
      out[i]++;
      return out;
    }
  }
  return Buffer.from([0]);
}

export class EtcdStore {
  /** A lease is shared by writes within a minute, as upstream does, so Events don't cost one lease each. */
  private leaseCache = new Map<number, { id: string; grantedAt: number }>();

  constructor(
    readonly client: Etcd3,
    readonly prefix = '/registry',
  ) {
    this.prefix = prefix.replace(/\/+$/, '');
  }

  collectionPrefix(c: CollectionKey): string {
    const base = `${this.prefix}/${c.group || 'core'}/${c.resource}/`;
    return c.namespace ? `${base}${c.namespace}/` : base;
  }

  keyOf(k: ObjectKey): string {
    return `${this.collectionPrefix(k)}${k.name}`;
  }

  private async leaseFor(ttlSeconds: number): Promise<string> {
    const now = Date.now();
    const cached = this.leaseCache.get(ttlSeconds);
    if (cached && now - cached.grantedAt < 60_000) return cached.id;
    // Granted straight through the lease RPC: the client's Lease helper would keep it alive forever.
    const res = await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds + 60 });
    this.leaseCache.set(ttlSeconds, { id: String(res.ID), grantedAt: now });
    return String(res.ID);
  }

  /** The put as a raw request op: a PutBuilder is thenable, so awaiting it would run it on its own. */
  private async putOp(key: string, obj: KObject, opts: WriteOpts): Promise<IRequestOp> {
    const put = this.client.put(key).value(encode(obj));
    if (opts.ttlSeconds) put.lease(await this.leaseFor(opts.ttlSeconds));
    return put.op();
  }

  async currentRevision(): Promise<string> {
    try {
      const r = await timed('get', 'currentResourceVersion', () => this.client.get(`${this.prefix}/`).exec());
      return String(r.header.revision);
    } catch (e) {
      throw wrap(e);
    }
  }

  async get(k: ObjectKey): Promise<KObject> {
    let res;
    try {
      res = await timed('get', k.resource, () => this.client.get(this.keyOf(k)).exec());
    } catch (e) {
      throw wrap(e);
    }
    if (res.kvs.length === 0) throw notFound(k, k.name);
    return decode(res.kvs[0]);
  }

  async list(c: CollectionKey): Promise<ListResult> {
    try {
      const res = await timed('list', c.resource, () => this.client.getAll().prefix(this.collectionPrefix(c)).exec());
      const items: KObject[] = [];
      for (const kv of res.kvs) {
        // A namespaced prefix without a namespace also matches deeper keys; all are objects of this resource.
        items.push(decode(kv));
      }
      return { items, revision: String(res.header.revision) };
    } catch (e) {
      throw wrap(e);
    }
  }

  /**
   * One page of a collection in key order, read at `revision` when given so that every page of a
   * chunked list sees the same state. A compacted revision throws 410 Expired.
   */
  async listPage(c: CollectionKey, q: PageQuery): Promise<PageResult> {
    const prefix = this.collectionPrefix(c);
    try {
      const res = await timed('list', c.resource, () =>
        this.client.kv.range({
          key: Buffer.from(q.startKey ?? prefix),
          range_end: prefixEnd(prefix),
          limit: q.limit > 0 ? String(q.limit) : '0',
          revision: q.revision ?? '0',
        }),
      );
      const kvs = res.kvs ?? [];
      return {
        items: kvs.map((kv) => decode(kv)),
        keys: kvs.map((kv) => kv.key.toString()),
        more: !!res.more,
        count: Number(res.count ?? kvs.length),
        // The header carries etcd's newest revision; a page read in the past is at q.revision.
        revision: q.revision && q.revision !== '0' ? q.revision : String(res.header.revision),
      };
    } catch (e) {
      throw wrap(e);
    }
  }

  /**
   * Every object under the store's prefix at one revision (the watch cache's fill), read in pages
   * pinned to the first page's revision so a large registry never needs one huge response.
   */
  async listAll(accept: PrefixFilter, pageSize = 1000): Promise<{ items: KeyedObject[]; revision: string }> {
    const prefix = `${this.prefix}/`;
    const end = prefixEnd(prefix);
    const items: KeyedObject[] = [];
    let start = Buffer.from(prefix);
    let revision = '0';
    try {
      for (;;) {
        const res = await timed('list', 'all', () => this.client.kv.range({ key: start, range_end: end, limit: String(pageSize), revision }));
        revision = String(res.header.revision);
        const kvs = res.kvs ?? [];
        for (const kv of kvs) {
          const key = kv.key.toString();
          if (!accept(key)) continue;
          try {
            items.push({ key, object: decode(kv) });
          } catch (e) {
            log.warn({ err: String(e), key }, 'skipping undecodable object');
          }
        }
        if (!res.more || kvs.length === 0) return { items, revision };
        start = Buffer.concat([kvs[kvs.length - 1].key, Buffer.from([0])]);
      }
    } catch (e) {
      throw wrap(e);
    }
  }

  /**
   * One etcd watch on the whole prefix after afterRevision. Every change is reported, also those
   * of keys that are not objects (allocator claims), so the caller's revision covers the prefix.
   */
  async watchAll(afterRevision: string, accept: PrefixFilter, h: PrefixWatchHandlers): Promise<{ stop(): void }> {
    await this.checkNotCompacted(afterRevision);
    const b = this.client.watch().prefix(`${this.prefix}/`).withPreviousKV().startRevision(String(BigInt(afterRevision) + 1n));
    let stopped = false;
    let watcher: Watcher;
    try {
      watcher = await b.create();
    } catch (e) {
      throw wrap(e);
    }
    const emit = (kv: IKeyValue, build: (key: string) => Omit<KeyedStoreEvent, 'key' | 'revision'>) => {
      if (stopped) return;
      const key = kv.key.toString();
      const revision = String(kv.mod_revision);
      let ev: KeyedStoreEvent = { key, revision };
      if (accept(key)) {
        try {
          ev = { ...build(key), key, revision };
        } catch (e) {
          log.warn({ err: String(e), key }, 'skipping undecodable watch event');
        }
      }
      h.onEvent(ev);
    };
    watcher.on('put', (kv, prev) =>
      emit(kv, () => {
        const created = String(kv.create_revision) === String(kv.mod_revision);
        return { type: created ? 'ADDED' : 'MODIFIED', object: decode(kv), previous: prev && !created ? decode(prev) : undefined };
      }),
    );
    watcher.on('delete', (kv, prev) =>
      emit(kv, () => {
        // Without the previous value there is no object to report; the revision still counts.
        if (!prev) return {};
        return { type: 'DELETED', object: decode(prev, String(kv.mod_revision)), previous: decode(prev) };
      }),
    );
    watcher.on('error', (err) => {
      if (stopped) return;
      stopped = true;
      log.info({ err: String(err) }, 'etcd watch canceled');
      h.onError(isCompactedError(err) || /canceled/i.test(String(err)) ? expired() : wrap(err));
      watcher.cancel().catch(() => undefined);
    });
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        watcher.cancel().catch(() => undefined);
      },
    };
  }

  /** Creates only when the key is absent; the stored object comes back with its resourceVersion. */
  async create(k: ObjectKey, obj: KObject, opts: WriteOpts = {}): Promise<KObject> {
    const key = this.keyOf(k);
    try {
      const op = await this.putOp(key, obj, opts);
      const res = await timed('create', k.resource, () => this.client.if(key, 'Create', '==', 0).then(op).commit());
      if (!res.succeeded) throw alreadyExists(k, k.name);
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(res.header.revision) } };
    } catch (e) {
      throw wrap(e);
    }
  }

  /**
   * Replaces the object. With expectedRv the write happens only if the stored mod_revision still
   * equals it (409 Conflict otherwise); without it, only if the object exists (404 otherwise).
   */
  async update(k: ObjectKey, obj: KObject, expectedRv?: string, opts: WriteOpts = {}): Promise<KObject> {
    const key = this.keyOf(k);
    try {
      const txn = expectedRv
        ? this.client.if(key, 'Mod', '==', expectedRv)
        : this.client.if(key, 'Create', '>', 0);
      const op = await this.putOp(key, obj, opts);
      const res = await timed('update', k.resource, () => txn.then(op).commit());
      if (!res.succeeded) {
        const exists = (await this.client.get(key).exec()).kvs.length > 0;
        throw exists ? conflict(k, k.name) : notFound(k, k.name);
      }
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(res.header.revision) } };
    } catch (e) {
      throw wrap(e);
    }
  }

  /**
   * Deletes the object, guarded by expectedRv when given. Returns the last stored state with
   * resourceVersion set to the delete revision, as watchers see it.
   */
  async delete(k: ObjectKey, expectedRv?: string): Promise<KObject> {
    const key = this.keyOf(k);
    try {
      for (;;) {
        const cur = await this.client.get(key).exec();
        if (cur.kvs.length === 0) throw notFound(k, k.name);
        const kv = cur.kvs[0];
        if (expectedRv && String(kv.mod_revision) !== expectedRv) throw conflict(k, k.name);
        const res = await timed('delete', k.resource, () =>
          this.client.if(key, 'Mod', '==', String(kv.mod_revision)).then(this.client.delete().key(key)).commit(),
        );
        if (res.succeeded) return decode(kv, String(res.header.revision));
        if (expectedRv) throw conflict(k, k.name);
        // Changed between the read and the delete: read again and retry.
      }
    } catch (e) {
      throw wrap(e);
    }
  }

  /** Raw create-if-absent of a plain key (IP and port allocation claims). True when claimed. */
  async claim(key: string, value: string): Promise<boolean> {
    try {
      const full = `${this.prefix}/${key}`;
      const res = await this.client.if(full, 'Create', '==', 0).then(this.client.put(full).value(value)).commit();
      return res.succeeded;
    } catch (e) {
      throw wrap(e);
    }
  }

  async release(key: string): Promise<void> {
    try {
      await this.client.delete().key(`${this.prefix}/${key}`).exec();
    } catch (e) {
      throw wrap(e);
    }
  }

  async claimedKeys(prefix: string): Promise<Map<string, string>> {
    try {
      const full = `${this.prefix}/${prefix}`;
      const res = await this.client.getAll().prefix(full).exec();
      return new Map(res.kvs.map((kv) => [kv.key.toString().slice(full.length), kv.value.toString()]));
    } catch (e) {
      throw wrap(e);
    }
  }

  /** Compacts etcd history up to revision (tests and maintenance). */
  async compact(revision: string): Promise<void> {
    try {
      await this.client.kv.compact({ revision, physical: true });
    } catch (e) {
      throw wrap(e);
    }
  }

  /** Throws 410 Expired when revision was compacted away. */
  async checkNotCompacted(revision: string): Promise<void> {
    try {
      await this.client.get(`${this.prefix}/`).revision(revision).exec();
    } catch (e) {
      if (isCompactedError(e)) throw expired(`too old resource version: ${revision}`);
      if (/future/i.test(String((e as Error).message))) return;
      throw wrap(e);
    }
  }

  /**
   * Watches a collection for changes after afterRevision ("" = from now). Events arrive in
   * revision order; the etcd3 client resubscribes by itself after disconnects.
   */
  async watch(c: CollectionKey, afterRevision: string, h: StoreWatchHandlers): Promise<{ stop(): void }> {
    if (afterRevision) await this.checkNotCompacted(afterRevision);
    const b = this.client.watch().prefix(this.collectionPrefix(c)).withPreviousKV();
    if (afterRevision) b.startRevision(String(BigInt(afterRevision) + 1n));
    let stopped = false;
    let watcher: Watcher;
    try {
      watcher = await b.create();
    } catch (e) {
      throw wrap(e);
    }
    const emit = (ev: StoreEvent) => {
      if (!stopped) h.onEvent(ev);
    };
    watcher.on('put', (kv, prev) => {
      try {
        const object = decode(kv);
        const created = String(kv.create_revision) === String(kv.mod_revision);
        emit({
          type: created ? 'ADDED' : 'MODIFIED',
          object,
          previous: prev && !created ? decode(prev) : undefined,
          revision: String(kv.mod_revision),
        });
      } catch (e) {
        log.warn({ err: String(e), key: kv.key.toString() }, 'skipping undecodable watch event');
      }
    });
    watcher.on('delete', (kv, prev) => {
      if (!prev) return; // without the previous value there is nothing meaningful to report
      try {
        const rev = String(kv.mod_revision);
        emit({ type: 'DELETED', object: decode(prev, rev), previous: decode(prev), revision: rev });
      } catch (e) {
        log.warn({ err: String(e), key: kv.key.toString() }, 'skipping undecodable watch event');
      }
    });
    watcher.on('error', (err) => {
      if (stopped) return;
      stopped = true;
      // Any unrecoverable etcd watch failure (compaction is the usual one) sends the client back
      // to relist, which 410 Expired asks for.
      log.info({ err: String(err) }, 'etcd watch canceled');
      h.onError(isCompactedError(err) || /canceled/i.test(String(err)) ? expired() : wrap(err));
      watcher.cancel().catch(() => undefined);
    });
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        watcher.cancel().catch(() => undefined);
      },
    };
  }
}
