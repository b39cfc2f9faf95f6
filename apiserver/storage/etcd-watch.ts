// The one etcd watch behind both of the store's watches: a collection's (watch-stream reads from
// etcd when the watch cache cannot serve) and the whole prefix's (the watch cache hub). Both turn
// etcd's put/delete into ADDED/MODIFIED/DELETED in revision order and report a lost watch the same
// way, so the translation lives here once.
import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import type { KObject } from '../../lib/api/types';
import type { ApiError } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import { isCompactedError, wrap } from './etcd-calls';
import type { Decoded, ObjectDecoder } from './object-decoder';
import { expired } from './errors';

const log = componentLogger('apiserver', { part: 'storage' });

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

export interface WatchRange {
  /** Every key starting with this is watched. */
  prefix: string;
  /** Changes after this revision are reported; undefined = from now. */
  after: string | undefined;
  accept: PrefixFilter;
}

/**
 * What a put means to watchers. A value that cannot be decoded leaves lists, so a good object
 * turning corrupt is DELETED (with its last good state) and a corrupt one turning good is ADDED;
 * values nobody could see (corrupt before and after) produce no object at all.
 */
export function putEvent(cur: Decoded, prev: Decoded | undefined, created: boolean, revision: string): Omit<KeyedStoreEvent, 'key' | 'revision'> {
  if (cur.object) {
    if (created || prev?.corrupt) return { type: 'ADDED', object: cur.object };
    return { type: 'MODIFIED', object: cur.object, previous: prev?.object };
  }
  if (!created && prev?.object) return { type: 'DELETED', object: withRevision(prev.object, revision), previous: prev.object };
  return {};
}

/** What a delete means to watchers: only an object they could see is DELETED. */
export function deleteEvent(prev: Decoded | undefined, revision: string): Omit<KeyedStoreEvent, 'key' | 'revision'> {
  if (!prev?.object) return {};
  return { type: 'DELETED', object: withRevision(prev.object, revision), previous: prev.object };
}

const withRevision = (o: KObject, revision: string): KObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: revision } });

/**
 * Opens one etcd watch. Every change is reported, object-less when the key is refused, its value
 * undecodable or deleted without its previous value, so a caller counting revisions sees each one.
 */
export async function openWatch(client: Etcd3, decoder: ObjectDecoder, range: WatchRange, h: PrefixWatchHandlers): Promise<{ stop(): void }> {
  const b = client.watch().prefix(range.prefix).withPreviousKV();
  if (range.after !== undefined) b.startRevision(String(BigInt(range.after) + 1n));
  let stopped = false;
  let watcher: Watcher;
  try {
    watcher = await b.create();
  } catch (e) {
    throw wrap(e);
  }
  const emit = (kv: IKeyValue, build: () => Omit<KeyedStoreEvent, 'key' | 'revision'>) => {
    if (stopped) return;
    const key = kv.key.toString();
    const revision = String(kv.mod_revision);
    const ev: KeyedStoreEvent = range.accept(key) ? { ...build(), key, revision } : { key, revision };
    h.onEvent(ev);
  };
  watcher.on('put', (kv, prev) =>
    emit(kv, () => {
      const created = String(kv.create_revision) === String(kv.mod_revision);
      const before = prev && !created ? decoder.tryDecode(prev, undefined, true) : undefined;
      return putEvent(decoder.tryDecode(kv), before, created, String(kv.mod_revision));
    }),
  );
  watcher.on('delete', (kv, prev) =>
    emit(kv, () => {
      // Without the previous value there is no object to report; the revision still counts.
      const before = prev ? decoder.tryDecode(prev, undefined, true) : undefined;
      decoder.deleted(kv.key.toString());
      return deleteEvent(before, String(kv.mod_revision));
    }),
  );
  watcher.on('error', (err) => {
    if (stopped) return;
    stopped = true;
    // Any unrecoverable etcd watch failure (compaction is the usual one) sends the watcher back
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

/** A collection watch's handlers as a prefix watch's: only object-bearing changes, without keys. */
export function objectEventsOnly(h: StoreWatchHandlers): PrefixWatchHandlers {
  return {
    onEvent: ({ type, object, previous, revision }) => {
      if (type && object) h.onEvent({ type, object, previous, revision });
    },
    onError: (err) => h.onError(err),
  };
}
