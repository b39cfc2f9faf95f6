// Stored values the apiserver cannot decode (written straight into etcd) against a real etcd: they
// stay out of every list path and every watch while the rest of the resource is served, a read of
// one answers 500 naming its key, a plain DELETE removes it, and a namespace holding some is still
// deleted. See apiserver/storage/object-decoder.ts for the rule.
import assert from 'node:assert/strict';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import { processMetrics } from '../../lib/metrics/prometheus';
import { createRegistry } from '../../apiserver/registry/registry';
import { EtcdStore } from '../../apiserver/storage/etcd-store';
import { breakableHub, registryOnEtcd, until } from './watch-cache-helpers';
import { expired } from '../../apiserver/storage/errors';

const NS = 'poison';
const cm = (name: string, extra: Partial<KObject> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { k: 'v' }, ...extra }) as KObject;
const key = (name: string, ns = NS) => `/registry/core/configmaps/${ns}/${name}`;

/** The bad values of the suite, each written straight into etcd under its name. */
const BAD: Record<string, string> = {
  'bad-json': '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad-json"',
  'bad-array': '[1,2,3]',
  'bad-type': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad-type', namespace: NS }, data: { k: 7 } }),
  'bad-version': JSON.stringify({ apiVersion: 'v9', kind: 'ConfigMap', metadata: { name: 'bad-version', namespace: NS } }),
  'bad-name': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'someone-else', namespace: NS } }),
  'bad-meta': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: 'nope' }),
};

async function apiErrorOf(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail('expected an API error');
}

describe('corrupt stored objects (real etcd)', function () {
  this.timeout(60_000);
  const ctx = registryOnEtcd({ bookmarkIntervalMs: 50, namespaceCleanupIntervalMs: 100 }, true);
  const names = (items: KObject[]) => items.map((o) => o.metadata.name).sort();

  before(async () => {
    const nsDef = ctx.registry.resolve('v1', 'namespaces')!;
    await ctx.registry.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, {});
    for (const n of ['good-1', 'good-2', 'good-3']) await ctx.registry.create(ctx.configmaps, NS, cm(n), {});
    for (const [name, value] of Object.entries(BAD)) await ctx.client.put(key(name)).value(value);
  });

  it('leaves them out of every list path and keeps serving the good objects', async () => {
    const want = ['good-1', 'good-2', 'good-3'];
    const consistent = await ctx.registry.list(ctx.configmaps, NS, {});
    assert.deepEqual(names(consistent.items), want, 'consistent list (watch cache)');
    assert.deepEqual(names((await ctx.registry.list(ctx.configmaps, NS, { resourceVersion: '0' })).items), want, 'resourceVersion=0');
    assert.deepEqual(
      names((await ctx.registry.list(ctx.configmaps, NS, { resourceVersion: consistent.metadata.resourceVersion, resourceVersionMatch: 'Exact' })).items),
      want,
      'resourceVersionMatch=Exact (etcd)',
    );
    assert.deepEqual(names((await ctx.registry.list(ctx.configmaps, undefined, {})).items.filter((o) => o.metadata.namespace === NS)), want, 'all namespaces');
    // Pages of one from etcd: corrupt keys between and after the good ones must neither end the
    // list early nor appear.
    const paged: KObject[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = await ctx.registry.list(ctx.configmaps, NS, { limit: 1, continueToken: cont });
      paged.push(...page.items);
      cont = page.metadata.continue;
      assert.ok(++pages < 20, 'paging ends');
    } while (cont);
    assert.deepEqual(names(paged), want, 'limit=1 paging');
    const all = await ctx.store.list({ group: '', resource: 'configmaps', namespace: NS });
    assert.deepEqual(all.corrupt.map((c) => c.name).sort(), Object.keys(BAD).sort(), 'the store names every corrupt key');
  });

  it('answers a read of one with the 500 kube-apiserver gives, naming the key', async () => {
    for (const name of Object.keys(BAD)) {
      const e = await apiErrorOf(ctx.registry.get(ctx.configmaps, NS, name));
      assert.equal(e.code, 500);
      assert.equal(e.reason, 'InternalError');
      assert.ok(e.message.startsWith(`Internal error occurred: StorageError: corrupt object, Code: 7, Key: ${key(name)}, ResourceVersion: 0, AdditionalErrorMsg: object not decodable revision=`), e.message);
    }
    const e = await apiErrorOf(ctx.registry.get(ctx.configmaps, NS, 'bad-type'));
    assert.match(e.message, /data\.k: expected string, got integer$/);
    assert.equal((await ctx.registry.get(ctx.configmaps, NS, 'good-1')).metadata.name, 'good-1');
    // Writes to it fail the same way instead of overwriting what nobody could read.
    const upd = await apiErrorOf(ctx.registry.patch(ctx.configmaps, NS, 'bad-json', 'merge', { data: { x: 'y' } }, {}));
    assert.equal(upd.code, 500);
    assert.equal((await apiErrorOf(ctx.registry.create(ctx.configmaps, NS, cm('bad-json'), {}))).reason, 'AlreadyExists');
  });

  it('counts them in the apiserver metrics', () => {
    const text = processMetrics.render();
    const gauge = /^apiserver_storage_corrupt_objects\{resource="configmaps"\} (\d+)$/m.exec(text);
    assert.ok(gauge && Number(gauge[1]) >= Object.keys(BAD).length, text);
    assert.match(text, /^apiserver_storage_corrupt_objects_total\{resource="configmaps"\} \d+$/m);
  });

  it('watches: a good object turning corrupt is DELETED, turning good again ADDED, a new corrupt one is never seen', async () => {
    await ctx.registry.create(ctx.configmaps, NS, cm('flip'), {});
    const start = (await ctx.registry.list(ctx.configmaps, NS, {})).metadata.resourceVersion;
    const cached: string[] = [];
    const w = await ctx.registry.watch(ctx.configmaps, NS, { resourceVersion: start }, { send: (t, o) => cached.push(`${t} ${(o as KObject).metadata.name}`), end: () => undefined });
    // The store's own etcd watch (what a watch falls back to when the cache cannot serve it).
    const direct: string[] = [];
    const d = await ctx.store.watch({ group: '', resource: 'configmaps', namespace: NS }, start!, {
      onEvent: (ev) => direct.push(`${ev.type} ${ev.object.metadata.name}`),
      onError: () => undefined,
    });
    try {
      await ctx.client.put(key('flip')).value('garbage');
      await ctx.client.put(key('never-seen')).value('{"also": garbage');
      await ctx.client.put(key('flip')).value(JSON.stringify(cm('flip', { data: { back: 'yes' } })));
      await ctx.client.delete().key(key('never-seen'));
      await ctx.registry.create(ctx.configmaps, NS, cm('after'), {});
      const want = ['DELETED flip', 'ADDED flip', 'ADDED after'];
      await until(() => cached.length >= 3 && direct.length >= 3, 'the events');
      assert.deepEqual(cached, want, 'cached watch');
      assert.deepEqual(direct, want, 'etcd watch');
      const back = await ctx.registry.get(ctx.configmaps, NS, 'flip');
      assert.deepEqual((back as KObject & { data: unknown }).data, { back: 'yes' });
    } finally {
      w.stop();
      d.stop();
    }
  });

  it('deletes one with a plain DELETE (no finalizers, preconditions or grace apply) and refuses the unsafe option on a readable one', async () => {
    await ctx.client.put(key('doomed')).value('{{{');
    const dry = await ctx.registry.delete(ctx.configmaps, NS, 'doomed', { dryRun: true });
    assert.equal(dry.metadata.name, 'doomed');
    assert.equal((await apiErrorOf(ctx.registry.get(ctx.configmaps, NS, 'doomed'))).code, 500, 'a dry run deletes nothing');
    const gone = await ctx.registry.delete(ctx.configmaps, NS, 'doomed', { preconditions: { uid: 'whatever' } });
    assert.deepEqual(gone.metadata, { name: 'doomed', namespace: NS });
    assert.equal((await apiErrorOf(ctx.registry.get(ctx.configmaps, NS, 'doomed'))).code, 404);

    await ctx.client.put(key('doomed-2')).value('[]');
    await ctx.registry.delete(ctx.configmaps, NS, 'doomed-2', { ignoreStoreReadErrorWithClusterBreakingPotential: true });
    assert.equal((await apiErrorOf(ctx.registry.get(ctx.configmaps, NS, 'doomed-2'))).code, 404);

    await ctx.registry.create(ctx.configmaps, NS, cm('kept', { metadata: { name: 'kept', namespace: NS, finalizers: ['example.com/keep'] } }), {});
    const refused = await apiErrorOf(ctx.registry.delete(ctx.configmaps, NS, 'kept', { ignoreStoreReadErrorWithClusterBreakingPotential: true }));
    assert.equal(refused.code, 422);
    assert.equal(
      refused.message,
      'configmaps "kept" is invalid: ignoreStoreReadErrorWithClusterBreakingPotential: Invalid value: true: is exclusively used to delete corrupt object(s), try again by removing this option',
    );
    await ctx.registry.patch(ctx.configmaps, NS, 'kept', 'merge', { metadata: { finalizers: null } }, {});
  });

  it('relists around them after a lost, compacted etcd watch: turned corrupt is DELETED, turned good ADDED', async () => {
    const saKey = (n: string) => `/registry/core/serviceaccounts/${NS}/${n}`;
    const sa = (n: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: n, namespace: NS } });
    await ctx.client.put(saKey('turns-bad')).value(sa('turns-bad'));
    await ctx.client.put(saKey('turns-good')).value('garbage');
    const { hub, store: bs, got } = await breakableHub(ctx.client, ['serviceaccounts']);
    try {
      const h = bs.cut();
      await ctx.client.put(saKey('turns-bad')).value('{"oops"');
      await ctx.client.put(saKey('turns-good')).value(sa('turns-good'));
      await ctx.client.put(saKey('new-bad')).value('[]');
      await ctx.store.compact(await ctx.store.currentRevision());
      h.onError(expired());
      await until(() => got.length >= 2, 'the differences');
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(got, ['DELETED turns-bad', 'ADDED turns-good'], 'in key order, and nothing for the new corrupt value');
    } finally {
      hub.close();
    }
  });

  it('fills the watch caches of a restarted apiserver around them', async () => {
    const store = new EtcdStore(ctx.client);
    const again = createRegistry({ store });
    try {
      await again.start();
      const got = await again.list(again.resolve('v1', 'configmaps')!, NS, { resourceVersion: '0' });
      assert.ok(!names(got.items).some((n) => n!.startsWith('bad-')), names(got.items).join(','));
      assert.ok(names(got.items).includes('good-1'));
    } finally {
      again.close();
    }
  });

  it('still deletes a namespace that holds corrupt objects', async () => {
    const nsDef = ctx.registry.resolve('v1', 'namespaces')!;
    await ctx.registry.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed-ns' } }, {});
    await ctx.registry.create(ctx.configmaps, 'doomed-ns', { ...cm('fine'), metadata: { name: 'fine', namespace: 'doomed-ns' } }, {});
    await ctx.client.put(key('broken', 'doomed-ns')).value('not json at all');
    await ctx.client.put('/registry/core/pods/doomed-ns/broken-pod').value(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'broken-pod', namespace: 'doomed-ns' }, spec: { containers: 'x' } }));
    await ctx.registry.delete(nsDef, undefined, 'doomed-ns', {});
    const deadline = Date.now() + 20_000;
    for (;;) {
      const e = await ctx.registry.get(nsDef, undefined, 'doomed-ns').then(() => undefined, (err: ApiError) => err);
      if (e?.code === 404) break;
      assert.ok(Date.now() < deadline, 'the namespace is removed');
      await new Promise((r) => setTimeout(r, 100));
    }
    const left = await ctx.client.getAll().prefix('/registry/core/').keys();
    assert.deepEqual(left.filter((k) => k.includes('/doomed-ns/')), []);
  });
});
