// Compatibility suite, metadata-only answers as metadata informers use them (client-go's metadata
// client; @kubernetes/client-node with the header set): `as=PartialObjectMetadataList` for lists,
// `as=PartialObjectMetadata` for gets and watches, meta.k8s.io v1 and v1beta1, over raw HTTPS and
// through client-node, against the real apiserver on a throwaway etcd.
import { strict as assert } from 'node:assert';
import * as k8s from '@kubernetes/client-node';
import type { KObject } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { openStream, rawRequest } from '../apiserver-rest/https-request';

const NS = 'default';
const CMS = `/api/v1/namespaces/${NS}/configmaps`;
const accept = (as: string, v = 'v1') => `application/json;as=${as};g=meta.k8s.io;v=${v}`;
/** What client-go's metadata client sends: protobuf first (not served here), then JSON, then plain JSON. */
const CLIENT_GO_LIST = `application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,${accept('PartialObjectMetadataList')},application/json`;
const CLIENT_GO_WATCH = `application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,${accept('PartialObjectMetadata')},application/json`;

describe('metadata-only get, list and watch (real apiserver on etcd)', function () {
  this.timeout(120_000);
  let api: TestApiserver;
  let kc: k8s.KubeConfig;
  const tls = () => ({ ca: api.certs.ca, cert: api.certs.clientCert, key: api.certs.clientKey });
  const get = (path: string, Accept: string) => rawRequest(api.api.securePort, { method: 'GET', path, headers: { Accept }, ...tls() });
  const cm = (name: string, data: Record<string, string> = { secret: 'value' }): KObject => ({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, labels: { app: 'meta' }, annotations: { note: 'kept' } }, data,
  });

  before(async () => {
    api = await startTestApiserver({ name: 'metadata-only' });
    for (const n of ['m1', 'm2']) await api.client.create(Resources.configmaps, cm(n));
    kc = new k8s.KubeConfig();
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: `https://127.0.0.1:${api.api.securePort}`, caData: b64(api.certs.ca) }],
      users: [{ name: 'admin', certData: b64(api.certs.clientCert), keyData: b64(api.certs.clientKey) }],
      contexts: [{ name: 'test', cluster: 'test', user: 'admin' }],
      currentContext: 'test',
    });
  });
  after(async () => {
    await api?.stop();
  });

  /** A PartialObjectMetadata of the given version: those keys in Go's order, no data or spec. */
  const assertPartial = (o: Record<string, unknown>, name: string, version = 'v1') => {
    assert.deepEqual(Object.keys(o), ['kind', 'apiVersion', 'metadata']);
    assert.equal(o.kind, 'PartialObjectMetadata');
    assert.equal(o.apiVersion, `meta.k8s.io/${version}`);
    const m = o.metadata as Record<string, unknown>;
    assert.equal(m.name, name);
    assert.deepEqual(m.labels, { app: 'meta' });
    assert.deepEqual(m.annotations, { note: 'kept' });
    assert.ok(m.uid && m.resourceVersion && m.creationTimestamp);
  };

  const lists: [string, string, string][] = [
    ['v1', accept('PartialObjectMetadataList'), 'v1'],
    ['v1beta1', accept('PartialObjectMetadataList', 'v1beta1'), 'v1beta1'],
    ["client-go's header (protobuf first)", CLIENT_GO_LIST, 'v1'],
  ];
  for (const [what, header, version] of lists) {
    it(`list, ${what}`, async () => {
      const r = await get(`${CMS}?labelSelector=app%3Dmeta`, header);
      assert.equal(r.code, 200);
      assert.equal(r.headers['content-type'], 'application/json');
      const l = r.json();
      assert.deepEqual(Object.keys(l), ['kind', 'apiVersion', 'metadata', 'items']);
      assert.equal(l.kind, 'PartialObjectMetadataList');
      assert.equal(l.apiVersion, `meta.k8s.io/${version}`);
      assert.ok(l.metadata.resourceVersion);
      assert.deepEqual(l.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['m1', 'm2']);
      for (const i of l.items) assertPartial(i, i.metadata.name, version);
      assert.ok(!r.body.includes('secret'), 'no data leaks into a metadata-only list');
    });
  }

  it('get', async () => {
    const r = await get(`${CMS}/m1`, CLIENT_GO_WATCH);
    assert.equal(r.code, 200);
    assertPartial(r.json(), 'm1');
  });

  it('the form that does not fit is 406, worded as kube-apiserver words it', async () => {
    const r = await get(`${CMS}/m1`, accept('PartialObjectMetadataList'));
    assert.equal(r.code, 406);
    // Nothing in that Accept header can carry a Status: written as raw indented JSON, as upstream.
    assert.equal(
      r.body,
      '{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n  "message": "you requested PartialObjectMetadataList, but the requested object is not a list (*core.ConfigMap)",\n  "reason": "NotAcceptable",\n  "code": 406\n}',
    );
    const l = await get(CMS, `${accept('PartialObjectMetadata')},application/json`);
    assert.equal(l.code, 406);
    assert.equal(
      l.body,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"you requested PartialObjectMetadata, but the requested object is a list (*core.ConfigMapList)","reason":"NotAcceptable","code":406}\n',
    );
  });

  it('watch: every event carries PartialObjectMetadata', async () => {
    const rv = (await get(CMS, 'application/json')).json().metadata.resourceVersion;
    const w = await openStream(api.api.securePort, { path: `${CMS}?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`, headers: { Accept: CLIENT_GO_WATCH }, ...tls() });
    try {
      assert.equal(w.code, 200);
      await api.client.create(Resources.configmaps, cm('m3'));
      const m3 = await api.client.get<KObject>(Resources.configmaps, NS, 'm3');
      await api.client.update(Resources.configmaps, { ...m3, data: { secret: 'other' } } as KObject);
      await api.client.delete(Resources.configmaps, NS, 'm3');
      const del = await w.line((l) => l.startsWith('{"type":"DELETED"'), 'DELETED');
      const events = w.lines().map((l) => JSON.parse(l)).filter((e) => e.type !== 'BOOKMARK');
      assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
      for (const e of events) assertPartial(e.object, 'm3');
      assert.ok(!del.includes('secret') && !w.lines().join('').includes('"data"'), 'no data in metadata-only events');
    } finally {
      w.close();
    }
  });

  it('client-node: list and read with the metadata Accept header', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'app=meta' }, k8s.setHeaderOptions('Accept', CLIENT_GO_LIST));
    assert.equal(list.kind, 'PartialObjectMetadataList');
    assert.equal(list.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(list.items.map((i) => i.metadata?.name).sort(), ['m1', 'm2']);
    assert.ok(list.items.every((i) => i.data === undefined && i.metadata?.labels?.app === 'meta'));
    const one = await core.readNamespacedConfigMap({ namespace: NS, name: 'm2' }, k8s.setHeaderOptions('Accept', accept('PartialObjectMetadata')));
    assert.equal(one.kind, 'PartialObjectMetadata');
    assert.equal(one.metadata?.name, 'm2');
    assert.equal(one.data, undefined);
  });
});
