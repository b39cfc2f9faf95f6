// One client watch: optional synthetic ADDED events for the current state (closed by a BOOKMARK
// annotated k8s.io/initial-events-end for a streaming list), then storage events
// filtered by label and field selectors, periodic BOOKMARKs, and a 410 ERROR when the requested
// revision is gone. Served from the resource's watch cache; a start older than the cache's ring
// that etcd still has, or one the cache cannot reach in time although etcd has it, falls back to a
// watch of its own on etcd. A start newer than anything stored ends with a 504 ERROR event.
import type { KObject } from '../../lib/api/types';
import { matchesRequirements, parseSelector, SelectorParseError, type Labels } from '../../lib/api/labels';
import { ApiError, apiError } from '../../lib/errors';
import { componentLogger } from '../../lib/log';
import type { ResourceSpec } from '../resources/types';
import type { EtcdStore, StoreEvent } from '../storage/etcd-store';
import type { WatchCaches } from '../cache/watch-caches';
import type { Subscription, WatchCache } from '../cache/watch-cache';
import type { CachedReads } from '../cache/cached-reads';
import { apiserverMetrics } from '../metrics';
import { parseFieldSelector, matchesFields } from './field-selector';
import type { WatchQuery, WatchSink, WatchStop } from './types';
import { filterEvent } from './watch-filter';
import { INITIAL_EVENTS_END_ANNOTATION, planWatch, type WatchPlan } from './list-options';

const log = componentLogger('apiserver', { part: 'watch' });

/** Compiles a label selector string; 400 BadRequest when it does not parse. */
export function compileLabelSelector(s: string | undefined): (labels: Labels) => boolean {
  try {
    const reqs = parseSelector(s);
    return (l) => matchesRequirements(reqs, l);
  } catch (e) {
    if (e instanceof SelectorParseError) throw apiError(400, 'BadRequest', `unable to parse requirement: ${e.message}`);
    throw e;
  }
}

/** The BOOKMARK that ends a streaming list's initial events, at the revision of the state sent. */
export function initialEventsEnd(spec: ResourceSpec, revision: string): Record<string, unknown> {
  return {
    apiVersion: spec.apiVersion,
    kind: spec.kind,
    metadata: { resourceVersion: revision, annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } },
  };
}

export interface StartWatchOptions {
  store: EtcdStore;
  spec: ResourceSpec;
  namespace?: string;
  query: WatchQuery;
  sink: WatchSink;
  bookmarkIntervalMs: number;
  /** When given, the watch is served from the cache instead of an etcd watch of its own. */
  caches?: WatchCaches;
  /** With caches: the bounded waits for the cache to reach etcd or the asked resourceVersion. */
  reads?: CachedReads;
}

export async function startWatch(o: StartWatchOptions): Promise<WatchStop> {
  const { store, spec, sink, query } = o;
  const labels = compileLabelSelector(query.labelSelector);
  const fields = parseFieldSelector(spec, query.fieldSelector);
  const matches = (obj: KObject) => labels(obj.metadata.labels) && matchesFields(spec, fields, obj);
  const collection = { group: spec.group, resource: spec.resource, namespace: o.namespace };
  const typed = (obj: KObject): KObject => ({ ...obj, apiVersion: spec.apiVersion, kind: spec.kind });

  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  let inner: { stop(): void } | undefined;
  const finish = () => {
    if (ended) return;
    ended = true;
    if (timer) clearInterval(timer);
    inner?.stop();
  };
  const fail = (err: ApiError) => {
    if (ended) return;
    sink.send('ERROR', err.status as unknown as Record<string, unknown>);
    finish();
    sink.end();
  };

  // Validated before anything is sent, so a refused watch answers with a plain Status.
  const plan = planWatch(query);
  if (o.caches) {
    const cached = await startCachedWatch(o, plan, matches, typed);
    if (cached) return cached;
  }
  let from: string;
  if (plan.initialEvents) {
    // The current objects as ADDED (at least as new as a resourceVersion asked for: the cache
    // path has settled that etcd has it), then changes after that revision.
    const cur = await store.list(collection);
    for (const obj of cur.items) if (matches(obj)) sink.send('ADDED', typed(obj));
    if (plan.markInitialEventsEnd) sink.send('BOOKMARK', initialEventsEnd(spec, cur.revision));
    from = cur.revision;
  } else if (plan.start.mode === 'notOlderThan') {
    from = plan.start.revision;
  } else {
    // sendInitialEvents=false from "now": only changes after etcd's current revision.
    from = await store.currentRevision();
  }
  let lastRv = from;
  try {
    inner = await store.watch(collection, from, {
      onEvent: (ev) => {
        if (ended) return;
        lastRv = ev.revision;
        const out = filterEvent(ev, matches);
        if (out) sink.send(out.type, typed(out.object));
      },
      onError: (err) => fail(err),
    });
  } catch (e) {
    if (e instanceof ApiError && e.code === 410) {
      // A compacted start is reported in-stream, as the Kubernetes apiserver does.
      fail(e);
      return { stop: () => undefined };
    }
    throw e;
  }
  if (ended) inner.stop();
  if (query.allowBookmarks && o.bookmarkIntervalMs > 0) {
    timer = setInterval(() => {
      if (ended) return;
      sink.send('BOOKMARK', { apiVersion: spec.apiVersion, kind: spec.kind, metadata: { resourceVersion: lastRv } });
    }, o.bookmarkIntervalMs);
    timer.unref();
  }
  log.debug({ resource: spec.resource, namespace: o.namespace, from }, 'watch started');
  return { stop: finish };
}

/**
 * The cache-served watch; null when the start revision is older than the cache's ring, so the
 * caller reads etcd (which answers 410 when it is compacted there too).
 */
async function startCachedWatch(
  o: StartWatchOptions,
  plan: WatchPlan,
  matches: (obj: KObject) => boolean,
  typed: (obj: KObject) => KObject,
): Promise<WatchStop | null> {
  const { spec, sink, query } = o;
  const start = plan.start;
  const from = start.mode === 'notOlderThan' ? start.revision : start.mode === 'any' ? '0' : '';
  let cache: WatchCache | null;
  try {
    // Unset: start from the newest state, which the cache must have caught up with; a number the
    // cache has not reached yet is waited for (bounded); "0" is whatever the cache holds.
    if (o.reads && start.mode === 'consistent') cache = await o.reads.consistent(spec);
    else if (o.reads && start.mode === 'notOlderThan') cache = await o.reads.notOlderThan(spec, start.revision);
    else cache = await o.caches!.forResource(spec);
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 504)) throw e;
    // Like the 410, reported in-stream once the request was accepted, as Kubernetes' cacher does.
    sink.send('ERROR', e.status as unknown as Record<string, unknown>);
    sink.end();
    return { stop: () => undefined };
  }
  if (!cache) return null;
  const inScope = (obj: KObject) => !o.namespace || obj.metadata.namespace === o.namespace;
  const scoped = (obj: KObject) => inScope(obj) && matches(obj);
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  let sub: Subscription | undefined;
  const onEvent = (ev: StoreEvent) => {
    if (ended) return;
    const out = filterEvent(ev, scoped);
    if (out) sink.send(out.type, typed(out.object));
  };
  if (plan.initialEvents || start.mode !== 'notOlderThan') {
    // The state at the start and every later event, atomically; without initial events the
    // state is dropped and only the changes after the cache's revision go out.
    const snap = cache!.snapshotAndSubscribe(onEvent);
    sub = snap.sub;
    if (plan.initialEvents) {
      for (const obj of snap.items) if (scoped(obj)) sink.send('ADDED', typed(obj));
      if (plan.markInitialEventsEnd) sink.send('BOOKMARK', initialEventsEnd(spec, snap.revision));
    }
  } else {
    // The ring may still hold what etcd compacted away; clients expect 410 from then on anyway,
    // so one cheap read at that revision decides (the etcd path reports the 410 in-stream).
    try {
      await o.store.checkNotCompacted(from);
    } catch (e) {
      if (e instanceof ApiError && e.code === 410) return null;
      throw e;
    }
    const s = cache!.subscribeFrom(from, onEvent);
    if (!s) return null;
    sub = s;
  }
  apiserverMetrics.watchStarted(spec.group, spec.resource);
  const finish = () => {
    if (ended) return;
    ended = true;
    if (timer) clearInterval(timer);
    sub?.stop();
    apiserverMetrics.watchEnded(spec.group, spec.resource);
  };
  if (query.allowBookmarks && o.bookmarkIntervalMs > 0) {
    timer = setInterval(() => {
      if (ended) return;
      // Every event up to the cache's revision has been delivered synchronously by now.
      sink.send('BOOKMARK', { apiVersion: spec.apiVersion, kind: spec.kind, metadata: { resourceVersion: cache!.revision } });
    }, o.bookmarkIntervalMs);
    timer.unref();
  }
  log.debug({ resource: spec.resource, namespace: o.namespace, from }, 'cached watch started');
  return { stop: finish };
}
