// ObjectManager on the in-memory FakeApiClient: one by-name watch per referenced object shared by
// reference count, cached reads, immutable objects read once, release stopping the watch, and the
// direct-GET fallback for objects not (yet) cached.
import { strict as assert } from 'node:assert';
import type { KList, KObject, Pod } from '../../lib/api/types';
import { Resources, type ResourceType } from '../../lib/api/resources';
import type { ListOptions, WatchCallbacks, WatchHandle, WatchOptions } from '../../lib/client/api-client';
import { FakeApiClient } from '../../test/fixtures/client/fake-client';
import { isNotFound } from '../../lib/errors';
import { ObjectManager, podHoldsReferences } from './object-manager';
import { ReadThroughClient } from './read-through-client';

/** FakeApiClient that remembers the watches open right now and counts GETs. */
class CountingClient extends FakeApiClient {
  readonly open = new Set<string>();
  gets = 0;
  /** While set, lists wait for it: an object manager whose first list is still in flight. */
  listGate?: Promise<void>;
  override watch<T extends KObject>(rt: ResourceType, ns: string | undefined, opts: WatchOptions, cb: WatchCallbacks<T>): WatchHandle {
    const id = `${rt.resource} ${ns ?? '*'} ${opts.fieldSelector ?? ''}`;
    this.open.add(id);
    const h = super.watch(rt, ns, opts, cb);
    return { stop: () => (this.open.delete(id), h.stop()) };
  }
  override async list<T extends KObject>(rt: ResourceType, ns?: string, opts?: ListOptions): Promise<KList<T>> {
    await this.listGate;
    return super.list<T>(rt, ns, opts);
  }
  override async get<T extends KObject>(rt: ResourceType, ns: string | undefined, name: string): Promise<T> {
    this.gets++;
    return super.get<T>(rt, ns, name);
  }
}

const tick = () => new Promise((r) => setImmediate(r));
async function until(what: string, fn: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (fn()) return;
    await tick();
  }
  throw new Error(`never happened: ${what}`);
}

const cm = (name: string, data: Record<string, string>, extra: Record<string, unknown> = {}, namespace = 'ns1') =>
  ({ metadata: { name, namespace }, data, ...extra }) as KObject;

const pod = (uid: string, volumes: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[], namespace = 'ns1'): Pod =>
  ({ metadata: { name: `p-${uid}`, namespace, uid }, spec: { containers: [], volumes } }) as Pod;

const CM = { kind: 'ConfigMap' as const, namespace: 'ns1' };

describe('ObjectManager', () => {
  let client: CountingClient;
  let objects: ObjectManager;
  let changes: string[];
  beforeEach(() => {
    client = new CountingClient();
    changes = [];
    objects = new ObjectManager(client, { onChange: (ref, obj) => changes.push(`${ref.kind}/${ref.name}=${obj ? JSON.stringify((obj as { data?: unknown }).data) : 'deleted'}`) });
  });
  afterEach(() => objects.stop());

  it('keeps one by-name watch per object while any pod references it', async () => {
    client.seed(Resources.configmaps, cm('shared', { a: '1' }));
    objects.registerPod(pod('u1', [{ name: 'v', configMap: { name: 'shared' } }]));
    objects.registerPod(pod('u2', [{ name: 'v', configMap: { name: 'shared' } }]));
    await until('watch open', () => client.open.size === 1);
    assert.deepEqual([...client.open], ['configmaps ns1 metadata.name=shared']);
    assert.equal(objects.refCount({ ...CM, name: 'shared' }), 2);

    objects.unregisterPod('u1');
    assert.deepEqual(objects.watching(), ['ConfigMap/ns1/shared']);
    assert.equal(client.open.size, 1);
    objects.unregisterPod('u2');
    assert.deepEqual(objects.watching(), []);
    assert.equal(client.open.size, 0);
    assert.equal(objects.refCount({ ...CM, name: 'shared' }), 0);
  });

  it('serves reads from the cache and follows changes through the watch', async () => {
    client.seed(Resources.configmaps, cm('c', { a: '1' }));
    objects.registerPod(pod('u1', [{ name: 'v', configMap: { name: 'c' } }]));
    await until('first read', () => changes.length === 1);
    await until('watch open', () => client.open.size === 1);
    client.mutate<KObject & { data: Record<string, string> }>(Resources.configmaps, 'ns1', 'c', (o) => (o.data.a = '2'));
    await until('change seen', () => changes.length === 2);
    assert.deepEqual(changes, ['ConfigMap/c={"a":"1"}', 'ConfigMap/c={"a":"2"}']);
    const got = (await objects.get('ConfigMap', 'ns1', 'c')) as KObject & { data: Record<string, string> };
    assert.equal(got.data.a, '2');
    assert.equal(client.gets, 0);

    await client.delete(Resources.configmaps, 'ns1', 'c');
    await until('delete seen', () => changes.length === 3);
    assert.equal(changes[2], 'ConfigMap/c=deleted');
    await assert.rejects(objects.get('ConfigMap', 'ns1', 'c'), (e) => isNotFound(e));
    assert.equal(client.gets, 0);
  });

  it('sees an object created after the pod registered (and ignores same-named objects elsewhere)', async () => {
    objects.registerPod(pod('u1', [{ name: 'v', secret: { secretName: 's' } }]));
    await until('watch open', () => client.open.size === 1);
    await assert.rejects(objects.get('Secret', 'ns1', 's'), (e) => isNotFound(e));
    client.seed(Resources.secrets, cm('s', { k: 'b3RoZXI=' }, {}, 'ns2'));
    client.seed(Resources.secrets, cm('other', { k: 'eA==' }));
    client.seed(Resources.secrets, cm('s', { k: 'dg==' }));
    await until('secret seen', () => changes.length === 1);
    assert.deepEqual(changes, ['Secret/s={"k":"dg=="}']);
    assert.deepEqual(((await objects.get('Secret', 'ns1', 's')) as { data?: unknown }).data, { k: 'dg==' });
  });

  it('reads an immutable object once and stops its watch', async () => {
    client.seed(Resources.configmaps, cm('frozen', { a: '1' }, { immutable: true }));
    objects.registerPod(pod('u1', [{ name: 'v', configMap: { name: 'frozen' } }]));
    await until('read', () => changes.length === 1);
    await tick();
    assert.deepEqual(objects.watching(), []);
    assert.equal(client.open.size, 0);
    assert.deepEqual(((await objects.get('ConfigMap', 'ns1', 'frozen')) as { data?: unknown }).data, { a: '1' });
    assert.equal(client.gets, 0);
    assert.equal(objects.refCount({ ...CM, name: 'frozen' }), 1);
  });

  it('stops watching a mutable object once it is made immutable', async () => {
    client.seed(Resources.configmaps, cm('later', { a: '1' }));
    objects.registerPod(pod('u1', [{ name: 'v', configMap: { name: 'later' } }]));
    await until('watch open', () => client.open.size === 1);
    client.mutate<KObject & { immutable?: boolean }>(Resources.configmaps, 'ns1', 'later', (o) => (o.immutable = true));
    await until('watch stopped', () => client.open.size === 0);
    assert.deepEqual(objects.watching(), []);
  });

  it('falls back to a direct GET for objects not registered or not yet listed', async () => {
    client.seed(Resources.configmaps, cm('loose', { a: '1' }));
    assert.deepEqual(((await objects.get('ConfigMap', 'ns1', 'loose')) as { data?: unknown }).data, { a: '1' });
    assert.equal(client.gets, 1);
    await assert.rejects(objects.get('ConfigMap', 'ns1', 'missing'), (e) => isNotFound(e));
    assert.equal(client.gets, 2);
    // Registered but its first list has not completed yet: GET as well; from the cache once listed.
    let release = () => {};
    client.listGate = new Promise<void>((r) => (release = r));
    objects.registerPod(pod('u1', [{ name: 'v', configMap: { name: 'loose' } }]));
    await objects.get('ConfigMap', 'ns1', 'loose');
    assert.equal(client.gets, 3);
    assert.equal(client.open.size, 0);
    release();
    await until('listed and watching', () => client.open.size === 1);
    await objects.get('ConfigMap', 'ns1', 'loose');
    assert.equal(client.gets, 3);
  });

  it('an updated pod releases the references it dropped and keeps the ones it kept', async () => {
    objects.registerPod(pod('u1', [{ name: 'a', configMap: { name: 'a' } }, { name: 'b', configMap: { name: 'b' } }]));
    await until('two watches', () => client.open.size === 2);
    objects.registerPod(pod('u1', [{ name: 'b', configMap: { name: 'b' } }, { name: 'c', secret: { secretName: 'c' } }]));
    await until('a released, c watched', () => client.open.size === 2 && !client.open.has('configmaps ns1 metadata.name=a'));
    assert.deepEqual(objects.watching().sort(), ['ConfigMap/ns1/b', 'Secret/ns1/c']);
    objects.unregisterPod('u1');
    assert.equal(client.open.size, 0);
  });

  it('a finished pod releases its references; a restarting one keeps them', async () => {
    const vols = [{ name: 'v', configMap: { name: 'job-cfg' } }];
    const job = pod('u1', vols);
    objects.syncPod(job);
    objects.syncPod(pod('u2', vols));
    await until('watch open', () => client.open.size === 1);
    // u2 restarts (restartPolicy Always): phase stays Running between attempts.
    objects.syncPod({ ...pod('u2', vols), status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: false, restartCount: 3, image: 'i', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } } as Pod);
    objects.syncPod({ ...job, status: { phase: 'Succeeded', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'i', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } } as Pod);
    assert.equal(objects.refCount({ ...CM, name: 'job-cfg' }), 1);
    assert.equal(client.open.size, 1);
    objects.syncPod({ ...pod('u2', vols), status: { phase: 'Failed' } } as Pod);
    assert.equal(objects.refCount({ ...CM, name: 'job-cfg' }), 0);
    assert.equal(client.open.size, 0);
  });

  const holds: [string, Pod['status'], boolean][] = [
    ['no status yet', undefined, true],
    ['Pending', { phase: 'Pending' }, true],
    ['Running', { phase: 'Running' }, true],
    ['Succeeded, containers exited', { phase: 'Succeeded', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 0 } } }] } as Pod['status'], false],
    ['Failed without statuses', { phase: 'Failed' }, false],
    ['Failed (set from outside) while a container still runs', { phase: 'Failed', containerStatuses: [{ name: 'c', state: { running: {} } }] } as Pod['status'], true],
  ];
  for (const [name, status, want] of holds) it(`holds references: ${name} → ${want}`, () => assert.equal(podHoldsReferences({ ...pod('u', []), status } as Pod), want));

  it('ReadThroughClient serves configmaps and secrets from the manager, everything else from the API', async () => {
    client.seed(Resources.configmaps, cm('c', { a: '1' }));
    client.seed(Resources.pods, pod('u9', []));
    objects.registerPod(pod('u1', [{ name: 'v', configMap: { name: 'c' } }]));
    await until('read', () => changes.length === 1);
    await until('synced', () => client.open.size === 1);
    await tick();
    const rc = new ReadThroughClient(client, objects);
    const before = client.gets;
    assert.deepEqual((await rc.get<KObject & { data?: unknown }>(Resources.configmaps, 'ns1', 'c')).data, { a: '1' });
    assert.equal(client.gets, before);
    assert.equal((await rc.get<Pod>(Resources.pods, 'ns1', 'p-u9')).metadata.uid, 'u9');
    assert.equal(client.gets, before + 1);
  });
});
