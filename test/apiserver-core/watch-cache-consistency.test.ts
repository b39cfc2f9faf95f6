// Consistent reads from the registry-wide watch cache against a real etcd: one etcd watch for every
// resource, lists that see a write made just before them without reading the objects from etcd,
// 504 ResourceVersionTooLarge for lists and watches from the future (on the REST door too),
// remainingItemCount on chunked lists, a shared etcd whose foreign writes must not break any of
// it, the relist after a compacted hub watch, and a resource registered after start.
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import { expired } from '../../apiserver/storage/errors';
import { WatchCaches } from '../../apiserver/cache/watch-caches';
import { apiserverMetrics } from '../../apiserver/metrics';
import { startRestHarness, type RestHarness } from '../apiserver-rest/harness';
import { breakableHub, etcdWatchers, registryOnEtcd, until } from './watch-cache-helpers';

const cm = (name: string, namespace = 'default', labels?: Record<string, string>): KObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data: { a: name } }) as KObject;

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
  return e;
}

function assertTooLarge(status: { code?: number; reason?: string; message?: string; details?: unknown }, asked: string): void {
  assert.equal(status.code, 504);
  assert.equal(status.reason, 'Timeout');
  assert.match(status.message ?? '', new RegExp(`Too large resource version: ${asked}, current: \\d+`));
  assert.deepEqual((status.details as { causes: unknown }).causes, [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
  assert.equal((status.details as { retryAfterSeconds: number }).retryAfterSeconds, 1);
}

describe('apiserver consistent reads from the watch cache (real etcd)', function () {
  this.timeout(60_000);
  const ctx = registryOnEtcd({ cachedReads: { tooLargeWaitMs: 300 } }, true);

  it('feeds every resource from one etcd watch', async () => {
    assert.ok(ctx.registry.cachesStarted());
    const before = await etcdWatchers(ctx.etcd);
    const stops = [];
    for (const r of ['pods', 'services', 'configmaps', 'secrets', 'nodes']) {
      stops.push(await ctx.registry.watch(ctx.registry.resolve('v1', r)!, undefined, { resourceVersion: '0' }, { send: () => undefined, end: () => undefined }));
    }
    const deployments = ctx.registry.resolve('apps/v1', 'deployments')!;
    stops.push(await ctx.registry.watch(deployments, undefined, {}, { send: () => undefined, end: () => undefined }));
    try {
      assert.equal(await etcdWatchers(ctx.etcd), before, 'no etcd watch beyond the hub');
    } finally {
      for (const s of stops) s.stop();
    }
  });

  it('lists a write made just before, through the store, every time', async () => {
    for (let i = 0; i < 60; i++) {
      const name = `fresh-${i}`;
      const k = { group: '', resource: 'configmaps', namespace: 'default', name };
      const made = await ctx.store.create(k, cm(name));
      const list = await ctx.registry.list(ctx.configmaps, 'default', {});
      const got = list.items.find((o) => o.metadata.name === name);
      assert.ok(got, `iteration ${i}: the list holds the object created just before`);
      assert.equal(got.metadata.resourceVersion, made.metadata.resourceVersion);
      assert.ok(BigInt(list.metadata.resourceVersion!) >= BigInt(made.metadata.resourceVersion!));
      await ctx.store.delete(k);
      const after = await ctx.registry.list(ctx.configmaps, 'default', { labelSelector: '' });
      assert.ok(!after.items.some((o) => o.metadata.name === name), `iteration ${i}: the delete is seen as well`);
    }
  });

  it('answers a consistent list without reading the objects from etcd', async () => {
    await ctx.registry.create(ctx.configmaps, 'default', cm('counted'), {});
    const lists = () => apiserverMetrics.etcdDuration.count({ operation: 'list', type: 'configmaps' });
    const revisions = () => apiserverMetrics.etcdDuration.count({ operation: 'get', type: 'currentResourceVersion' });
    const [l0, r0] = [lists(), revisions()];
    const list = await ctx.registry.list(ctx.configmaps, undefined, {});
    assert.ok(list.items.some((o) => o.metadata.name === 'counted'));
    assert.equal(lists(), l0, 'no etcd list of configmaps');
    assert.equal(revisions(), r0 + 1, 'one read of etcd revision');
    // A chunked list still reads its pages from etcd, as Kubernetes 1.32 does.
    await ctx.registry.list(ctx.configmaps, undefined, { limit: 1 });
    assert.equal(lists(), l0 + 1);
  });

  it('waits for a resourceVersion about to come, and answers 504 to one that does not', async () => {
    const cur = BigInt((await ctx.registry.list(ctx.configmaps, undefined, {})).metadata.resourceVersion!);
    const soon = String(cur + 1n);
    const pending = ctx.registry.list(ctx.configmaps, 'default', { resourceVersion: soon });
    await ctx.registry.create(ctx.configmaps, 'default', cm('soon'), {});
    const list = await pending;
    assert.ok(list.items.some((o) => o.metadata.name === 'soon'));

    const far = String(cur + 1000n);
    assertTooLarge((await rejection(ctx.registry.list(ctx.configmaps, 'default', { resourceVersion: far }))).status, far);

    const events: [string, Record<string, unknown>][] = [];
    let ended = false;
    await ctx.registry.watch(ctx.configmaps, 'default', { resourceVersion: far }, { send: (t, o) => events.push([t, o as Record<string, unknown>]), end: () => (ended = true) });
    assert.equal(events.length, 1);
    assert.equal(events[0][0], 'ERROR');
    assertTooLarge(events[0][1], far);
    assert.ok(ended, 'the watch ends after the error');
  });

  it('counts the remaining items of a chunked list without selectors', async () => {
    for (let i = 0; i < 5; i++) await ctx.registry.create(ctx.configmaps, 'kube-public', cm(`rest-${i}`, 'kube-public', { n: String(i) }), {});
    const p1 = await ctx.registry.list(ctx.configmaps, 'kube-public', { limit: 2 });
    assert.equal(p1.metadata.remainingItemCount, 3);
    const p2 = await ctx.registry.list(ctx.configmaps, 'kube-public', { limit: 2, continueToken: p1.metadata.continue });
    assert.equal(p2.metadata.remainingItemCount, 1);
    const p3 = await ctx.registry.list(ctx.configmaps, 'kube-public', { limit: 2, continueToken: p2.metadata.continue });
    assert.equal(p3.metadata.continue, undefined);
    assert.equal(p3.metadata.remainingItemCount, undefined);
    const selected = await ctx.registry.list(ctx.configmaps, 'kube-public', { limit: 2, labelSelector: 'n' });
    assert.ok(selected.metadata.continue);
    assert.equal(selected.metadata.remainingItemCount, undefined, 'a selector makes the count unknowable');
  });

  it('serves 504 and remainingItemCount through the REST door', async () => {
    const rest: RestHarness = await startRestHarness(ctx.registry);
    try {
      const get = (path: string) =>
        new Promise<{ code: number; body: Record<string, unknown> }>((resolve, reject) => {
          const req = https.request({ host: '127.0.0.1', port: rest.port, path, ca: rest.ca, cert: rest.admin.cert, key: rest.admin.key }, (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
          });
          req.on('error', reject);
          req.end();
        });
      const tooLarge = await get('/api/v1/namespaces/kube-public/configmaps?resourceVersion=99999999');
      assert.equal(tooLarge.code, 504);
      assertTooLarge(tooLarge.body, '99999999');
      const page = await get('/api/v1/namespaces/kube-public/configmaps?limit=2');
      assert.equal(page.code, 200);
      assert.equal((page.body.metadata as { remainingItemCount?: number }).remainingItemCount, 3);
    } finally {
      await rest.stop();
    }
  });

  it('still answers when another prefix on the same etcd moved the revision (falls back to etcd)', async () => {
    // A write outside our prefix: etcd's revision moves, our hub never sees it.
    const foreign = await ctx.client.put('/elsewhere/core/configmaps/default/x').value('{}').exec();
    const foreignRev = String(foreign.header.revision);
    const list = await ctx.registry.list(ctx.configmaps, 'default', {});
    assert.ok(BigInt(list.metadata.resourceVersion!) >= BigInt(foreignRev), 'read from etcd at its revision');
    assert.ok(list.items.some((o) => o.metadata.name === 'soon'));
    const atForeign = await ctx.registry.list(ctx.configmaps, 'default', { resourceVersion: foreignRev });
    assert.ok(atForeign.items.some((o) => o.metadata.name === 'soon'), 'not too large: etcd has that revision');

    const seen: string[] = [];
    const w = await ctx.registry.watch(ctx.configmaps, 'default', { resourceVersion: foreignRev }, { send: (t, o) => seen.push(`${t} ${(o as KObject).metadata?.name}`), end: () => undefined });
    try {
      await ctx.registry.create(ctx.configmaps, 'default', cm('after-foreign'), {});
      await until(() => seen.includes('ADDED after-foreign'), 'the watch from the foreign revision to see a later create');
      assert.ok(!seen.some((s) => s.startsWith('ERROR')));
    } finally {
      w.stop();
      await ctx.client.delete().key('/elsewhere/core/configmaps/default/x').exec();
    }
    // Once our prefix changes again the hub passes the foreign revision and reads come from memory.
    const lists = () => apiserverMetrics.etcdDuration.count({ operation: 'list', type: 'configmaps' });
    await ctx.registry.create(ctx.configmaps, 'default', cm('caught-up'), {});
    const l0 = lists();
    assert.ok((await ctx.registry.list(ctx.configmaps, 'default', {})).items.some((o) => o.metadata.name === 'caught-up'));
    assert.equal(lists(), l0);
  });

  it('relists every cache after a compacted hub watch, giving watchers the differences', async () => {
    const { hub, store: bs, got } = await breakableHub(ctx.client, ['configmaps', 'secrets']);
    try {
      const h = bs.cut();
      const k = (n: string) => ({ group: '', resource: 'configmaps', namespace: 'kube-system', name: n });
      await ctx.store.create(k('hub-new'), cm('hub-new', 'kube-system'));
      await ctx.store.create(k('hub-gone'), cm('hub-gone', 'kube-system'));
      await ctx.store.delete(k('hub-gone'));
      const rev = await ctx.store.currentRevision();
      await ctx.store.compact(rev);
      h.onError(expired());
      await until(() => got.includes('ADDED hub-new'), 'the difference after the relist');
      assert.ok(!got.some((s) => s.endsWith('hub-gone')), 'a create and delete both missed leave no trace');
      assert.ok(BigInt(hub.revision) >= BigInt(rev));
      await ctx.store.create(k('hub-later'), cm('hub-later', 'kube-system'));
      await until(() => got.includes('ADDED hub-later'), 'live events after the relist');
    } finally {
      hub.close();
    }
  });

  it('fills a resource first asked for after start, then feeds it live', async () => {
    const hub = new WatchCaches(ctx.store, { capacity: 100, resources: [{ group: '', resource: 'secrets' }] });
    try {
      await hub.start();
      const late = await hub.forResource({ group: '', resource: 'configmaps' });
      assert.ok(late.snapshot().items.some((o) => o.metadata.name === 'caught-up'));
      const got: string[] = [];
      late.snapshotAndSubscribe((ev) => got.push(`${ev.type} ${ev.object.metadata.name}`));
      await ctx.store.create({ group: '', resource: 'configmaps', namespace: 'default', name: 'late-live' }, cm('late-live'));
      await until(() => got.includes('ADDED late-live'), 'a live event for the late resource');
      assert.ok(await hub.waitForRevision(await ctx.store.currentRevision(), 5000));
    } finally {
      hub.close();
    }
  });
});
