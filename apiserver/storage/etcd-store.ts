// The etcd3-backed object store. Objects are Kubernetes JSON; a key is
// <prefix>/<group or "core">/<resource>/<namespace>/<name>; resourceVersion is the etcd mod_revision
// and every write is a transaction, so concurrent writers see 409s instead of lost updates.
import type { Etcd3, IRequestOp } from 'etcd3';
import type { KObject } from '../../lib/api/types';
import { claimKey, claimsUnder, releaseKey } from './etcd-claims';
import { encode, isCompactedError, timed, wrap } from './etcd-calls';
import { objectEventsOnly, openWatch, type PrefixFilter, type PrefixWatchHandlers, type StoreWatchHandlers } from './etcd-watch';
import { alreadyExists, conflict, expired, notFound, type ResourceName } from './errors';
import { ObjectDecoder, parseStoredKey, type Decoded, type StoredObjectCheck } from './object-decoder';
import type { EtcdUnaryClient } from './etcd-unary';
import { CompareResult, CompareTarget, decodeTxnAnswer, encodePutTxn } from './etcd-wire';

export type { StoredKey, StoredObjectCheck } from './object-decoder';
export type { KeyedStoreEvent, PrefixFilter, PrefixWatchHandlers, StoreEvent, StoreEventType, StoreWatchHandlers } from './etcd-watch';

export interface ObjectKey extends ResourceName {
  namespace?: string;
  name: string;
}

export interface CollectionKey extends ResourceName {
  namespace?: string;
}

/** A stored value of the collection that cannot be decoded (left out of items). */
export interface CorruptEntry {
  key: string;
  namespace?: string;
  name: string;
  /** Its mod revision: what a delete of exactly this value compares against. */
  revision: string;
  reason: string;
}

export interface ListResult {
  items: KObject[];
  /** The etcd header revision the list was read at. */
  revision: string;
  /** Values under the collection that could not be decoded, in key order. */
  corrupt: CorruptEntry[];
}

export interface WriteOpts {
  /** Attach the key to a lease of this many seconds (Events expire after an hour). */
  ttlSeconds?: number;
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
  /** The last key read, decodable or not: where the next page starts after. */
  lastKey?: string;
}

/** One stored value under the store's prefix, by key (objects only: see PrefixFilter). */
export interface KeyedObject {
  key: string;
  object: KObject;
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
  /** Reads stored values back; knows which are corrupt. */
  readonly objects: ObjectDecoder;

  constructor(
    readonly client: Etcd3,
    readonly prefix = '/registry',
    /** Carries the create and update transactions when given (etcd-unary.ts); else the etcd3 client does. */
    private readonly writer?: EtcdUnaryClient,
  ) {
    this.prefix = prefix.replace(/\/+$/, '');
    this.objects = new ObjectDecoder(this.prefix);
  }

  /** Values are judged by this check from now on (the registry's per-kind schemas). */
  checkObjectsWith(check: StoredObjectCheck): void {
    this.objects.useCheck(check);
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

  /**
   * Puts obj at key if the key's target compares to `against` as `result` (one etcd transaction);
   * succeeded and the transaction's revision.
   */
  private async putIf(key: string, obj: KObject, opts: WriteOpts, target: CompareTarget, result: CompareResult, against: string, operation: string, resource: string): Promise<{ succeeded: boolean; revision: string }> {
    // A resourceVersion that is not a revision number is judged as before (by the etcd3 path).
    if (this.writer && /^\d{1,19}$/.test(against)) {
      const writer = this.writer;
      const lease = opts.ttlSeconds ? BigInt(await this.leaseFor(opts.ttlSeconds)) : undefined;
      const message = encodePutTxn({ key: Buffer.from(key), value: Buffer.from(encode(obj)), target, result, against: BigInt(against), lease });
      return decodeTxnAnswer(await timed(operation, resource, () => writer.call('/etcdserverpb.KV/Txn', message)));
    }
    const field = target === CompareTarget.Create ? 'Create' : target === CompareTarget.Mod ? 'Mod' : 'Version';
    const op = await this.putOp(key, obj, opts);
    const res = await timed(operation, resource, () => this.client.if(key, field, result === CompareResult.Greater ? '>' : '==', against).then(op).commit());
    return { succeeded: res.succeeded, revision: String(res.header.revision) };
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
    return this.objects.decode(res.kvs[0]);
  }

  async list(c: CollectionKey): Promise<ListResult> {
    try {
      const res = await timed('list', c.resource, () => this.client.getAll().prefix(this.collectionPrefix(c)).exec());
      const items: KObject[] = [];
      const corrupt: CorruptEntry[] = [];
      for (const kv of res.kvs) {
        // A namespaced prefix without a namespace also matches deeper keys; all are objects of this resource.
        const d = this.objects.tryDecode(kv);
        if (d.object) items.push(d.object);
        else corrupt.push(this.corruptEntry(d));
      }
      return { items, revision: String(res.header.revision), corrupt };
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
      const items: KObject[] = [];
      const keys: string[] = [];
      const corrupt: CorruptEntry[] = [];
      for (const kv of kvs) {
        const d = this.objects.tryDecode(kv);
        if (d.corrupt) {
          corrupt.push(this.corruptEntry(d));
          continue;
        }
        items.push(d.object);
        keys.push(kv.key.toString());
      }
      return {
        items,
        keys,
        corrupt,
        more: !!res.more,
        count: Number(res.count ?? kvs.length),
        lastKey: kvs.length ? kvs[kvs.length - 1].key.toString() : undefined,
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
          // Corrupt values are reported by the decoder and stay out of the caches.
          const d = this.objects.tryDecode(kv);
          if (d.object) items.push({ key, object: d.object });
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
    return openWatch(this.client, this.objects, { prefix: `${this.prefix}/`, after: afterRevision, accept }, h);
  }

  /** Creates only when the key is absent; the stored object comes back with its resourceVersion. */
  async create(k: ObjectKey, obj: KObject, opts: WriteOpts = {}): Promise<KObject> {
    const key = this.keyOf(k);
    try {
      const res = await this.putIf(key, obj, opts, CompareTarget.Create, CompareResult.Equal, '0', 'create', k.resource);
      if (!res.succeeded) throw alreadyExists(k, k.name);
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: res.revision } };
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
      const res = expectedRv
        ? await this.putIf(key, obj, opts, CompareTarget.Mod, CompareResult.Equal, expectedRv, 'update', k.resource)
        : await this.putIf(key, obj, opts, CompareTarget.Create, CompareResult.Greater, '0', 'update', k.resource);
      if (!res.succeeded) {
        const exists = (await this.client.get(key).exec()).kvs.length > 0;
        throw exists ? conflict(k, k.name) : notFound(k, k.name);
      }
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: res.revision } };
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
        if (res.succeeded) {
          this.objects.deleted(key);
          return this.objects.decode(kv, String(res.header.revision));
        }
        if (expectedRv) throw conflict(k, k.name);
        // Changed between the read and the delete: read again and retry.
      }
    } catch (e) {
      throw wrap(e);
    }
  }

  /**
   * Removes the value at k only while it is still the one at modRevision: the unconditional delete
   * of a value that cannot be decoded (nothing to check preconditions or finalizers against).
   * False when the key changed or is gone meanwhile.
   */
  async removeCorrupt(k: ObjectKey, modRevision: string): Promise<boolean> {
    const key = this.keyOf(k);
    try {
      const res = await timed('delete', k.resource, () => this.client.if(key, 'Mod', '==', modRevision).then(this.client.delete().key(key)).commit());
      if (res.succeeded) this.objects.deleted(key);
      return res.succeeded;
    } catch (e) {
      throw wrap(e);
    }
  }

  private corruptEntry(d: Decoded): CorruptEntry {
    const c = d.corrupt!;
    const at = parseStoredKey(this.prefix, c.key);
    return { key: c.key, namespace: at?.namespace, name: at?.name ?? c.key.slice(c.key.lastIndexOf('/') + 1), revision: c.revision, reason: c.reason };
  }

  /** Raw create-if-absent of a plain key (IP and port allocation claims). True when claimed. */
  claim(key: string, value: string): Promise<boolean> {
    return claimKey(this.client, `${this.prefix}/${key}`, value);
  }

  release(key: string): Promise<void> {
    return releaseKey(this.client, `${this.prefix}/${key}`);
  }

  claimedKeys(prefix: string): Promise<Map<string, string>> {
    return claimsUnder(this.client, `${this.prefix}/${prefix}`);
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
    // Every key of a collection holds one of its objects (a namespace-less prefix also matches deeper keys).
    return openWatch(this.client, this.objects, { prefix: this.collectionPrefix(c), after: afterRevision || undefined, accept: () => true }, objectEventsOnly(h));
  }
}
