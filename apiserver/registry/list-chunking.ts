// List chunking (limit/continue) the Kubernetes way: the continue token is opaque base64 of
// {"v":"meta.k8s.io/v1","rv":<revision of the first page>,"start":"<next key>"}, every page is read
// at that revision, and a compacted revision is 410 Expired with a fresh token to carry on
// inconsistently. A list with resourceVersionMatch=Exact reads its first page at the asked revision
// the same way (410 once compacted, 504 when etcd has not reached it).
import type { KObject } from '../../lib/api/types';
import { ApiError, apiError } from '../../lib/errors';
import type { CollectionKey, EtcdStore } from '../storage/etcd-store';
import { tooLargeResourceVersion } from '../cache/too-large';
import { EXPIRED_LIST_MESSAGE } from './list-options';

export interface ContinueToken {
  /** The revision all pages are read at; -1 = whatever is newest (after an expired token). */
  rv: number;
  /** Key relative to the collection prefix where the next page starts. */
  start: string;
}

export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  const bad = () => apiError(400, 'BadRequest', 'continue key is not valid: ' + token.slice(0, 64));
  let raw: unknown;
  try {
    // Kubernetes clients pass base64url; tolerate padded standard base64 too.
    raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const o = raw as { v?: unknown; rv?: unknown; start?: unknown };
  if (!o || typeof o !== 'object' || o.v !== 'meta.k8s.io/v1') throw bad();
  if (typeof o.rv !== 'number' || !Number.isInteger(o.rv) || (o.rv < 1 && o.rv !== -1)) throw bad();
  if (typeof o.start !== 'string' || o.start === '' || o.start.split('/').some((p) => p === '..' || p === '.')) throw bad();
  return { rv: o.rv, start: o.start };
}

export interface ChunkedList {
  items: KObject[];
  revision: string;
  continueToken?: string;
  /** Objects after this page, when the list has no selectors (etcd's count cannot filter). */
  remainingItemCount?: number;
}

/**
 * What follows a page that ended early, as Kubernetes counts it: keys from the page's start key
 * to the end of the collection at the page's revision, minus those returned.
 */
export function remainingAfter(rangeCount: number, returned: number): number {
  return Math.max(0, rangeCount - returned);
}

/**
 * Reads up to `limit` matching objects starting at the token's key, at the token's revision (or
 * the newest for a first page). Non-matching objects are skipped, reading further pages as needed.
 */
export async function readChunk(
  store: EtcdStore,
  collection: CollectionKey,
  limit: number,
  token: ContinueToken | undefined,
  matches: (o: KObject) => boolean,
  /** No label or field selector: every key is an item, so etcd's count says what remains. */
  countRemaining = false,
  /** A first page read exactly at this revision (resourceVersionMatch Exact) instead of the newest. */
  exactRevision?: string,
): Promise<ChunkedList> {
  const prefix = store.collectionPrefix(collection);
  let startKey = token ? prefix + token.start : prefix;
  let revision = token ? (token.rv > 0 ? String(token.rv) : undefined) : exactRevision;
  const items: KObject[] = [];
  try {
    for (;;) {
      const page = await store.listPage(collection, { limit, startKey, revision });
      revision = page.revision;
      for (let i = 0; i < page.items.length; i++) {
        if (!matches(page.items[i])) continue;
        items.push(page.items[i]);
        if (items.length === limit) {
          const last = i === page.items.length - 1 && !page.more;
          if (last) return { items, revision };
          const continueToken = encodeContinue({ rv: Number(revision), start: page.keys[i].slice(prefix.length) + '\u0000' });
          if (!countRemaining) return { items, revision, continueToken };
          return { items, revision, continueToken, remainingItemCount: remainingAfter(page.count, i + 1) };
        }
      }
      // The last key read, not the last item's: a page may end in values that could not be decoded.
      if (!page.more || !page.lastKey) return { items, revision };
      startKey = page.lastKey + '\u0000';
    }
  } catch (e) {
    if (e instanceof ApiError && e.code === 410 && token) {
      const err = apiError(410, 'Expired', EXPIRED_CONTINUE_MESSAGE);
      err.status.metadata = { continue: encodeContinue({ rv: -1, start: token.start }) };
      throw err;
    }
    // A token naming a revision etcd has not reached was not made by us.
    if (e instanceof ApiError && token && /future revision/i.test(e.message)) throw apiError(400, 'BadRequest', 'continue key is not valid: too large resource version');
    if (e instanceof ApiError && exactRevision && !token) {
      if (e.code === 410) throw apiError(410, 'Expired', EXPIRED_LIST_MESSAGE);
      // An exact revision etcd has not reached: the same 504 as any read from the future.
      if (/future revision/i.test(e.message)) throw tooLargeResourceVersion(exactRevision, await store.currentRevision(), 0);
    }
    throw e;
  }
}
