// The watch cache and list chunking against a real etcd: many watchers share one etcd watch,
// exact-revision replay, bookmarks at the cache's revision, resync after a lost etcd watch (with
// and without compaction), and chunked lists read at one revision with 410 on an expired token.
import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import { expired } from '../../apiserver/storage/errors';
import { EXPIRED_CONTINUE_MESSAGE } from '../../apiserver/registry/list-chunking';
import { breakableHub, etcdWatchers, registryOnEtcd, until } from './watch-cache-helpers';

const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data }) as KObject;

describe('apiserver watch cache and list chunking (real etcd)', function () {
  this.timeout(60_000);
  const ctx = registryOnEtcd({ bookmarkIntervalMs: 50, watchCacheCapacity: 50 });

  it('serves two hundred watchers from one etcd watch, each seeing the change', async () => {
    const before = await etcdWatchers(ctx.etcd);
    const seen: string[][] = [];
    const stops = [];
    for (let i = 0; i < 200; i++) {
      const mine: string[] = [];
      seen.push(mine);
      stops.push(await ctx.registry.watch(ctx.configmaps, 'default', { resourceVersion: '0' }, { send: (t, o) => mine.push(`${t} ${(o as KObject).metadata?.name}`), end: () => undefined }));
    }
    try {
      assert.ok((await etcdWatchers(ctx.etcd)) - before <= 1, 'at most one new etcd watch for all of them');
      await ctx.registry.create(ctx.configmaps, 'default', cm('fan'), {});
      await until(() => seen.every((s) => s.includes('ADDED fan')), 'every watcher to see the create');
    } finally {
      for (const s of stops) s.stop();
    }
  });

  it('replays from an exact revision, filters by selector, and bookmarks the cache revision', async () => {
    const a = await ctx.registry.create(ctx.configmaps, 'default', cm('replay-a', {}, { app: 'x' }), {});
    await ctx.registry.create(ctx.configmaps, 'default', cm('replay-b', {}, { app: 'y' }), {});
    const events: [string, KObject][] = [];
    const w = await ctx.registry.watch(ctx.configmaps, 'default', { resourceVersion: a.metadata.resourceVersion, labelSelector: 'app=y', allowBookmarks: true }, { send: (t, o) => events.push([t, o as KObject]), end: () => undefined });
    try {
      const b2 = await ctx.registry.patch(ctx.configmaps, 'default', 'replay-a', 'merge', { metadata: { labels: { app: 'y' } } }, {});
      await until(() => events.some(([t]) => t === 'BOOKMARK') && events.filter(([t]) => t !== 'BOOKMARK').length >= 2, 'events and a bookmark');
      const real = events.filter(([t]) => t !== 'BOOKMARK').map(([t, o]) => `${t} ${o.metadata.name}`);
      assert.deepEqual(real.slice(0, 2), ['ADDED replay-b', 'ADDED replay-a']);
      const bm = events.find(([t]) => t === 'BOOKMARK')![1];
      assert.ok(BigInt(bm.metadata.resourceVersion!) >= BigInt(b2.metadata.resourceVersion!));
    } finally {
      w.stop();
    }
  });

  it('lists resourceVersion=0 from the cache, equal to a consistent list', async () => {
    const cached = await ctx.registry.list(ctx.configmaps, 'default', { resourceVersion: '0' });
    const fresh = await ctx.registry.list(ctx.configmaps, 'default', {});
    assert.deepEqual(cached.items.map((o) => o.metadata.name).sort(), fresh.items.map((o) => o.metadata.name).sort());
  });

  it('resumes a lost etcd watch from its last revision without losing or reordering events', async () => {
    const { hub, store: bs, cache, got } = await breakableHub(ctx.client, ['secrets']);
    try {
      const h = bs.cut();
      const k = (n: string) => ({ group: '', resource: 'secrets', namespace: 'default', name: n });
      const s1 = await ctx.store.create(k('s1'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1', namespace: 'default' } });
      await ctx.store.update(k('s1'), { ...s1, data: { a: 'Yg==' } } as KObject, s1.metadata.resourceVersion);
      await ctx.store.create(k('s2'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's2', namespace: 'default' } });
      await ctx.store.delete(k('s1'));
      h.onError(expired('etcd watch canceled'));
      await until(() => got.length >= 4, 'the missed events');
      assert.deepEqual(got, ['ADDED s1', 'MODIFIED s1', 'ADDED s2', 'DELETED s1']);
      assert.deepEqual(cache.snapshot().items.map((o) => o.metadata.name), ['s2']);
    } finally {
      hub.close();
    }
  });

  it('relists after a lost watch whose revision was compacted, emitting the differences', async () => {
    const k = (n: string) => ({ group: '', resource: 'serviceaccounts', namespace: 'default', name: n });
    const sa = (n: string): KObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: n, namespace: 'default' } });
    const keep = await ctx.store.create(k('keep'), sa('keep'));
    await ctx.store.create(k('gone'), sa('gone'));
    const { hub, store: bs, got } = await breakableHub(ctx.client, ['serviceaccounts']);
    try {
      const h = bs.cut();
      await ctx.store.update(k('keep'), { ...keep, secrets: [] } as KObject, keep.metadata.resourceVersion);
      await ctx.store.delete(k('gone'));
      await ctx.store.create(k('new'), sa('new'));
      await ctx.store.compact(await ctx.store.currentRevision());
      h.onError(expired());
      await until(() => got.length >= 3, 'the differences');
      assert.deepEqual(got, ['DELETED gone', 'MODIFIED keep', 'ADDED new']);
      // Live events flow again after the relist.
      await ctx.store.create(k('later'), sa('later'));
      await until(() => got.includes('ADDED later'), 'a live event after the relist');
    } finally {
      hub.close();
    }
  });

  it('chunks a list at the first page revision and answers an expired token with 410', async () => {
    for (let i = 0; i < 7; i++) await ctx.registry.create(ctx.configmaps, 'kube-public', { ...cm(`page-${i}`), metadata: { name: `page-${i}`, namespace: 'kube-public' } } as KObject, {});
    const p1 = await ctx.registry.list(ctx.configmaps, 'kube-public', { limit: 3 });
    assert.equal(p1.items.length, 3);
    assert.ok(p1.metadata.continue);
    await ctx.registry.create(ctx.configmaps, 'kube-public', { ...cm('page-9'), metadata: { name: 'page-9', namespace: 'kube-public' } } as KObject, {});
    const p2 = await ctx.registry.list(ctx.configmaps, 'kube-public', { limit: 3, continueToken: p1.metadata.continue });
    const p3 = await ctx.registry.list(ctx.configmaps, 'kube-public', { limit: 3, continueToken: p2.metadata.continue });
    assert.equal(p2.metadata.resourceVersion, p1.metadata.resourceVersion);
    assert.equal(p3.metadata.continue, undefined);
    const names = [...p1.items, ...p2.items, ...p3.items].map((o) => o.metadata.name);
    assert.deepEqual(names, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);

    const q1 = await ctx.registry.list(ctx.configmaps, 'kube-public', { limit: 2 });
    await ctx.registry.create(ctx.configmaps, 'kube-public', { ...cm('page-10'), metadata: { name: 'page-10', namespace: 'kube-public' } } as KObject, {});
    await ctx.store.compact(await ctx.store.currentRevision());
    const err = await ctx.registry.list(ctx.configmaps, 'kube-public', { limit: 2, continueToken: q1.metadata.continue }).then(() => undefined, (e) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 410);
    assert.equal(err.reason, 'Expired');
    assert.equal(err.message, EXPIRED_CONTINUE_MESSAGE);
    const fresh = err.status.metadata.continue as string;
    const rest = await ctx.registry.list(ctx.configmaps, 'kube-public', { limit: 100, continueToken: fresh });
    assert.ok(rest.items.map((o) => o.metadata.name).includes('page-9'));
  });
});
