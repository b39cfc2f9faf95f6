// resourceVersionMatch on lists against a real apiserver over a real etcd, through both doors: the
// gRPC client (GrpcApiClient) and the real kubectl (`get --raw`) on REST. Exact reads the past state
// at one etcd revision (pages too), 410 once compacted, 504 from the future; misuse is 422 Invalid.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Etcd3 } from 'etcd3';
import { Resources as R } from '../../lib/api/resources';
import type { KList, KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import type { ListOptions } from '../../lib/client/api-client';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import { EtcdStore } from '../../apiserver/storage/etcd-store';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';

interface ConfigMap extends KObject {
  data?: Record<string, string>;
}

const cm = (name: string, namespace: string, v: string): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { v } });

async function rejection(p: Promise<unknown>, code: number): Promise<ApiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(e instanceof ApiError, `expected an ApiError ${code}, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  return e;
}

const summary = (l: KList) => l.items.map((o) => `${o.metadata.name}=${(o as ConfigMap).data?.v}`);

describe('resourceVersionMatch on lists (real etcd, gRPC and REST doors)', function () {
  this.timeout(60_000);
  let server: TestApiserver;
  let kubeconfig: string;

  const list = (ns: string, opts: ListOptions) => server.client.list<ConfigMap>(R.configmaps, ns, opts);

  /** kubectl get --raw: the parsed body on success, the exit code and stderr on failure. */
  const raw = (url: string) =>
    new Promise<{ code: number; body?: KList; stderr: string }>((resolve) => {
      const home = path.join(server.dir, 'home');
      execFile('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', path.join(home, 'cache'), 'get', '--raw', url], { timeout: 60_000, env: { ...process.env, HOME: home } }, (err, stdout, stderr) => {
        const code = err ? Number((err as { code?: unknown }).code) || 1 : 0;
        resolve({ code, body: code === 0 ? (JSON.parse(String(stdout)) as KList) : undefined, stderr: String(stderr) });
      });
    });

  before(async () => {
    server = await startTestApiserver({ name: 'resource-version-match', logLevel: 'warn' });
    kubeconfig = path.join(server.dir, 'kubeconfig');
    fs.mkdirSync(path.join(server.dir, 'home'));
    fs.writeFileSync(
      kubeconfig,
      renderKubeconfig({ server: `https://127.0.0.1:${server.api.securePort}`, ca: server.certs.ca, cert: server.certs.clientCert, key: server.certs.clientKey, user: 'admin' }),
    );
    for (const name of ['rvm', 'rvm-pages']) await server.client.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  });

  after(async () => {
    await server?.stop();
  });

  let firstRv = '';

  it('lists the state at exactly an older revision (gRPC and kubectl)', async () => {
    const a = await server.client.create(R.configmaps, cm('a', 'rvm', '1'));
    firstRv = a.metadata.resourceVersion!;
    await server.client.update(R.configmaps, { ...a, data: { v: '2' } });
    await server.client.create(R.configmaps, cm('b', 'rvm', '1'));

    const exact = await list('rvm', { resourceVersion: firstRv, resourceVersionMatch: 'Exact' });
    assert.deepEqual(summary(exact), ['a=1']);
    assert.equal(exact.metadata.resourceVersion, firstRv);
    assert.equal(exact.items[0].metadata.resourceVersion, firstRv);

    for (const opts of [{ resourceVersion: firstRv, resourceVersionMatch: 'NotOlderThan' as const }, { resourceVersion: firstRv }]) {
      const newer = await list('rvm', opts);
      assert.deepEqual(summary(newer), ['a=2', 'b=1'], JSON.stringify(opts));
      assert.ok(BigInt(newer.metadata.resourceVersion!) > BigInt(firstRv));
    }

    const rest = await raw(`/api/v1/namespaces/rvm/configmaps?resourceVersion=${firstRv}&resourceVersionMatch=Exact`);
    assert.equal(rest.code, 0, rest.stderr);
    assert.equal(rest.body!.kind, 'ConfigMapList');
    assert.deepEqual(summary(rest.body!), ['a=1']);
    assert.equal(rest.body!.metadata.resourceVersion, firstRv);
  });

  it('pages an exact list at the asked revision, and so does a legacy list with a limit', async () => {
    let rv = '';
    for (const n of ['c1', 'c2', 'c3']) rv = (await server.client.create(R.configmaps, cm(n, 'rvm-pages', '1'))).metadata.resourceVersion!;
    await server.client.create(R.configmaps, cm('c4', 'rvm-pages', '1'));
    await server.client.delete(R.configmaps, 'rvm-pages', 'c1');

    for (const opts of [{ resourceVersion: rv, resourceVersionMatch: 'Exact' as const }, { resourceVersion: rv }]) {
      const p1 = await list('rvm-pages', { ...opts, limit: 2 });
      assert.deepEqual(summary(p1), ['c1=1', 'c2=1'], JSON.stringify(opts));
      assert.equal(p1.metadata.resourceVersion, rv);
      assert.equal(p1.metadata.remainingItemCount, 1);
      assert.ok(p1.metadata.continue);
      const p2 = await list('rvm-pages', { limit: 2, continueToken: p1.metadata.continue });
      assert.deepEqual(summary(p2), ['c3=1']);
      assert.equal(p2.metadata.resourceVersion, rv);
      assert.equal(p2.metadata.continue, undefined);
    }
    assert.deepEqual(summary(await list('rvm-pages', {})), ['c2=1', 'c3=1', 'c4=1']);
  });

  it('answers 504 ResourceVersionTooLarge to an exact revision etcd has not reached', async () => {
    const current = BigInt((await list('rvm', {})).metadata.resourceVersion!);
    const far = String(current + 1000n);
    for (const limit of [undefined, 1]) {
      const e = await rejection(list('rvm', { resourceVersion: far, resourceVersionMatch: 'Exact', limit }), 504);
      assert.equal(e.reason, 'Timeout');
      assert.match(e.message, new RegExp(`Too large resource version: ${far}, current: \\d+`));
      assert.deepEqual(e.status.details?.causes, [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
    }
  });

  const misuse: [string, ListOptions, string][] = [
    ['a match without a resourceVersion', { resourceVersionMatch: 'Exact' }, 'resourceVersionMatch is forbidden unless resourceVersion is provided'],
    ['a match with continue', { resourceVersion: '5', resourceVersionMatch: 'NotOlderThan', continueToken: 'x' }, 'resourceVersionMatch is forbidden when continue is provided'],
    ['Exact at resourceVersion 0', { resourceVersion: '0', resourceVersionMatch: 'Exact' }, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'],
    ['an unknown match', { resourceVersion: '5', resourceVersionMatch: 'Latest' as ListOptions['resourceVersionMatch'] }, 'Unsupported value: "Latest": supported values: "Exact", "NotOlderThan", ""'],
  ];
  for (const [name, opts, detail] of misuse)
    it(`refuses ${name} with 422 Invalid (gRPC)`, async () => {
      const e = await rejection(list('rvm', opts), 422);
      assert.equal(e.reason, 'Invalid');
      assert.ok(e.message.startsWith('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: '), e.message);
      assert.ok(e.message.includes(detail), e.message);
      assert.equal(e.status.details?.causes?.[0]?.field, 'resourceVersionMatch');
    });

  it('refuses misuse through the REST door as kubectl shows it', async () => {
    const res = await raw('/api/v1/namespaces/rvm/configmaps?resourceVersion=0&resourceVersionMatch=Exact');
    assert.notEqual(res.code, 0);
    // kubectl words a 422 from its details: kind and name, then each cause.
    assert.match(res.stderr, /The ListOptions "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"/);
  });

  it('answers 410 Expired to an exact revision that was compacted (gRPC and kubectl)', async () => {
    const etcd = new Etcd3({ hosts: server.etcd.endpoint });
    try {
      const store = new EtcdStore(etcd, '/registry');
      await store.compact(await store.currentRevision());
    } finally {
      etcd.close();
    }
    for (const limit of [undefined, 1]) {
      const e = await rejection(list('rvm', { resourceVersion: firstRv, resourceVersionMatch: 'Exact', limit }), 410);
      assert.equal(e.reason, 'Expired');
      assert.equal(e.message, 'The resourceVersion for the provided list is too old.');
    }
    const rest = await raw(`/api/v1/namespaces/rvm/configmaps?resourceVersion=${firstRv}&resourceVersionMatch=Exact`);
    assert.notEqual(rest.code, 0);
    assert.match(rest.stderr, /Error from server \(Expired\): The resourceVersion for the provided list is too old\./);
    // Reads that need no past state still work.
    assert.deepEqual(summary(await list('rvm', { resourceVersion: firstRv, resourceVersionMatch: 'NotOlderThan' })), ['a=2', 'b=1']);
  });
});
