import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { freePort, startEtcd, type TestEtcd } from '../../test/helpers/etcd';
import { ApiError } from '../../lib/errors';
import { wrap } from './etcd-calls';
import { EtcdStore } from './etcd-store';
import { EtcdCallError, EtcdUnaryClient, plainEndpoints } from './etcd-unary';
import { CompareResult, CompareTarget, decodeTxnAnswer, encodePutTxn } from './etcd-wire';
import type { KObject } from '../../lib/api/types';

const TXN = '/etcdserverpb.KV/Txn';
const putIfAbsent = (key: string, value: string, lease?: bigint) =>
  encodePutTxn({ key: Buffer.from(key), value: Buffer.from(value), target: CompareTarget.Create, result: CompareResult.Equal, against: 0n, lease });
const cm = (name: string, data = 'v'): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: data } }) as KObject;

describe('etcd unary client: endpoints', () => {
  const cases: [string | string[], string[] | undefined][] = [
    ['http://127.0.0.1:2379', ['http://127.0.0.1:2379']],
    ['127.0.0.1:2379', ['http://127.0.0.1:2379']],
    [['http://a:1', 'http://b:2'], ['http://a:1', 'http://b:2']],
    [['http://a:1', 'https://b:2'], undefined], // TLS endpoints stay with the etcd3 client
    [[], undefined],
  ];
  for (const [hosts, want] of cases) it(`reads ${JSON.stringify(hosts)}`, () => assert.deepEqual(plainEndpoints(hosts), want));
});

describe('etcd unary client against a real etcd', function () {
  let etcd: TestEtcd;
  let raw: Etcd3;
  let client: EtcdUnaryClient;
  before(async () => {
    etcd = await startEtcd();
    raw = new Etcd3({ hosts: etcd.endpoint });
    client = new EtcdUnaryClient([etcd.endpoint]);
  });
  after(async () => {
    client?.close();
    raw?.close();
    await etcd?.stop();
  });

  it('puts a key only while it is absent, answering the revision it was written at', async () => {
    const first = decodeTxnAnswer(await client.call(TXN, putIfAbsent('/t/a', 'one')));
    assert.equal(first.succeeded, true);
    const kv = (await raw.get('/t/a').exec()).kvs[0];
    assert.equal(kv.value.toString(), 'one');
    assert.equal(String(kv.mod_revision), first.revision);
    const again = decodeTxnAnswer(await client.call(TXN, putIfAbsent('/t/a', 'two')));
    assert.equal(again.succeeded, false);
    assert.equal((await raw.get('/t/a').string()), 'one', 'a failed compare writes nothing');
  });

  it('carries many concurrent calls over its one connection', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => client.call(TXN, putIfAbsent(`/t/many/${i}`, String(i))).then(decodeTxnAnswer)));
    assert.ok(answers.every((a) => a.succeeded));
    assert.equal(new Set(answers.map((a) => a.revision)).size, 200, 'one transaction per call');
    assert.equal((await raw.getAll().prefix('/t/many/').keys()).length, 200);
  });

  it("passes etcd's own errors through with their gRPC code", async () => {
    // A lease etcd never granted: etcd refuses the put (NOT_FOUND, "requested lease not found").
    const err = await client.call(TXN, putIfAbsent('/t/lease', 'x', 1234n)).then(() => undefined, (e) => e);
    assert.ok(err instanceof EtcdCallError);
    assert.equal(err.grpcCode, 5);
    assert.match(err.message, /^5 NOT_FOUND: .*lease not found/);
  });

  it('answers UNAVAILABLE for an endpoint nobody listens on, and moves on to the next endpoint', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const both = new EtcdUnaryClient([dead, etcd.endpoint]);
    try {
      const err = await both.call(TXN, putIfAbsent('/t/failover', 'x')).then(() => undefined, (e) => e);
      assert.ok(err instanceof EtcdCallError);
      assert.match(err.message, /^14 UNAVAILABLE: /);
      const status = wrap(err);
      assert.ok(status instanceof ApiError);
      assert.equal(status.code, 503, 'the store answers as for any unreachable etcd');
      const next = decodeTxnAnswer(await both.call(TXN, putIfAbsent('/t/failover', 'x')));
      assert.equal(next.succeeded, true);
    } finally {
      both.close();
    }
  });

  it('refuses calls once closed', async () => {
    const c = new EtcdUnaryClient([etcd.endpoint]);
    c.close();
    await assert.rejects(c.call(TXN, putIfAbsent('/t/closed', 'x')), /^Error: 14 UNAVAILABLE: etcd client closed$|UNAVAILABLE: etcd client closed/);
  });

  describe('as the store writer', () => {
    let store: EtcdStore;
    before(() => {
      store = new EtcdStore(raw, '/w', client);
    });
    const key = (name: string) => ({ group: '', resource: 'configmaps', namespace: 'default', name });

    it('creates, refuses a second create (409 AlreadyExists) and stores the object without its resourceVersion', async () => {
      const made = await store.create(key('c1'), { ...cm('c1'), metadata: { ...cm('c1').metadata, resourceVersion: '99' } });
      const kv = (await raw.get('/w/core/configmaps/default/c1').exec()).kvs[0];
      assert.equal(made.metadata.resourceVersion, String(kv.mod_revision));
      assert.equal(JSON.parse(kv.value.toString()).metadata.resourceVersion, undefined);
      await assert.rejects(store.create(key('c1'), cm('c1')), (e: ApiError) => e.code === 409 && e.reason === 'AlreadyExists');
    });

    it('updates by compare-and-swap: the current version wins, a stale one is a 409 Conflict, a missing object a 404', async () => {
      const made = await store.create(key('u1'), cm('u1'));
      const updated = await store.update(key('u1'), cm('u1', 'w'), made.metadata.resourceVersion);
      assert.ok(BigInt(updated.metadata.resourceVersion!) > BigInt(made.metadata.resourceVersion!));
      assert.equal((await store.get(key('u1'))).metadata.resourceVersion, updated.metadata.resourceVersion);
      await assert.rejects(store.update(key('u1'), cm('u1', 'x'), made.metadata.resourceVersion), (e: ApiError) => e.code === 409 && e.reason === 'Conflict');
      const unconditional = await store.update(key('u1'), cm('u1', 'y'));
      assert.equal(((await store.get(key('u1'))) as unknown as { data: { k: string } }).data.k, 'y');
      assert.ok(BigInt(unconditional.metadata.resourceVersion!) > BigInt(updated.metadata.resourceVersion!));
      await assert.rejects(store.update(key('absent'), cm('absent')), (e: ApiError) => e.code === 404);
      await assert.rejects(store.update(key('absent'), cm('absent'), '5'), (e: ApiError) => e.code === 404);
    });

    it('attaches writes with a TTL to a lease', async () => {
      await store.create(key('ttl'), cm('ttl'), { ttlSeconds: 3600 });
      const kv = (await raw.get('/w/core/configmaps/default/ttl').exec()).kvs[0];
      assert.notEqual(String(kv.lease), '0');
      const ttl = await raw.leaseClient.leaseTimeToLive({ ID: kv.lease });
      assert.ok(Number(ttl.TTL) > 3600, `lease TTL ${ttl.TTL} covers the hour`);
    });
  });
});
