// Compatibility suite, the official Python client's requests reproduced byte for byte (the client
// itself cannot be installed here): its query spelling (`watch=True`, `allowWatchBookmarks=True`,
// Python's str() of a bool), its Accept header and User-Agent, against the real apiserver on a
// throwaway etcd over raw HTTPS. Error bodies are compared byte for byte with what kube-apiserver
// sends for the same request, and the gRPC door is checked to carry the same Status.
import { strict as assert } from 'node:assert';
import { Etcd3 } from 'etcd3';
import type { KObject } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { ApiError } from '../../lib/errors';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { openStream, rawRequest, type RawResponse } from '../apiserver-rest/https-request';

const NS = 'default';
const CMS = `/api/v1/namespaces/${NS}/configmaps`;
/** What the Python client sends with every request (select_header_accept picks application/json). */
const PYTHON = { Accept: 'application/json', 'User-Agent': 'OpenAPI-Generator/36.0.0/python' };

describe('the official Python client\'s request forms (real apiserver on etcd, raw HTTPS)', function () {
  this.timeout(120_000);
  let api: TestApiserver;
  const tls = () => ({ ca: api.certs.ca, cert: api.certs.clientCert, key: api.certs.clientKey });
  const raw = (method: string, path: string, headers: Record<string, string> = PYTHON, body?: string): Promise<RawResponse> =>
    rawRequest(api.api.securePort, { method, path, headers, body, ...tls() });
  const stream = (path: string, headers: Record<string, string> = PYTHON) => openStream(api.api.securePort, { path, headers, ...tls() });
  const cm = (name: string, data: Record<string, string> = { a: '1' }): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data });
  const create = (name: string) => raw('POST', CMS, { ...PYTHON, 'Content-Type': 'application/json' }, JSON.stringify(cm(name)));

  before(async () => {
    api = await startTestApiserver({ name: 'python-forms' });
  });
  after(async () => {
    await api?.stop();
  });

  describe('boolean query parameters', () => {
    it('watch=True&allowWatchBookmarks=True streams watch events, not a list', async () => {
      const w = await stream(`${CMS}?allowWatchBookmarks=True&watch=True`);
      try {
        assert.equal(w.code, 200);
        assert.equal(w.headers['content-type'], 'application/json');
        assert.equal((await create('py-watched')).code, 201);
        const added = JSON.parse(await w.line((l) => l.includes('"py-watched"'), 'ADDED event'));
        assert.equal(added.type, 'ADDED');
        assert.equal(added.object.kind, 'ConfigMap');
        assert.deepEqual(added.object.data, { a: '1' });
        // Every line is one whole event.
        for (const l of w.lines()) assert.match(JSON.parse(l).type, /^(ADDED|MODIFIED|DELETED|BOOKMARK)$/);
      } finally {
        w.close();
      }
    });

    it('allowWatchBookmarks=True with sendInitialEvents=True: the initial-events-end bookmark comes', async () => {
      assert.equal((await create('py-initial')).code, 201);
      const w = await stream(`${CMS}?allowWatchBookmarks=True&resourceVersionMatch=NotOlderThan&sendInitialEvents=True&watch=True`);
      try {
        assert.equal(w.code, 200);
        await w.line((l) => l.includes('"py-initial"') && l.startsWith('{"type":"ADDED"'), 'initial ADDED');
        const bookmark = JSON.parse(await w.line((l) => l.startsWith('{"type":"BOOKMARK"'), 'BOOKMARK'));
        assert.equal(bookmark.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
      } finally {
        w.close();
      }
    });

    const lists: [string, string][] = [['watch=False', 'Python False'], ['watch=0', 'zero'], ['watch=false', 'lower-case']];
    for (const [q, what] of lists) {
      it(`${q} (${what}) is a plain list`, async () => {
        const r = await raw('GET', `${CMS}?${q}`);
        assert.equal(r.code, 200);
        assert.equal(r.json().kind, 'ConfigMapList');
        assert.ok(r.body.endsWith('}\n'), 'Go JSON ends with a newline');
      });
    }

    it('orphanDependents=True in the query orphans (is read as true)', async () => {
      assert.equal((await create('py-orphan')).code, 201);
      // No garbage collector runs here: the object waits with the orphan finalizer, 200 as upstream.
      const r = await raw('DELETE', `${CMS}/py-orphan?orphanDependents=True`);
      assert.equal(r.code, 200);
      assert.deepEqual(r.json().metadata.finalizers, ['orphan']);
      assert.ok(r.json().metadata.deletionTimestamp);
    });

    it('orphanDependents=False in the query cascades; still in progress, that is 202', async () => {
      assert.equal((await create('py-cascade')).code, 201);
      await raw('PATCH', `${CMS}/py-cascade`, { ...PYTHON, 'Content-Type': 'application/merge-patch+json' }, JSON.stringify({ metadata: { finalizers: ['example.com/hold'] } }));
      const r = await raw('DELETE', `${CMS}/py-cascade?orphanDependents=False`);
      assert.equal(r.code, 202);
      assert.deepEqual(r.json().metadata.finalizers, ['example.com/hold']);
      await raw('PATCH', `${CMS}/py-cascade`, { ...PYTHON, 'Content-Type': 'application/merge-patch+json' }, JSON.stringify({ metadata: { finalizers: null } }));
    });
  });

  describe('error bodies, byte for byte as kube-apiserver writes them', () => {
    const status = (code: number, reason: string, message: string, details?: string) =>
      `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":${JSON.stringify(message)},"reason":"${reason}",${details ? `"details":${details},` : ''}"code":${code}}\n`;

    it('NotFound of a named object', async () => {
      const r = await raw('GET', `${CMS}/nope`);
      assert.equal(r.code, 404);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.body, status(404, 'NotFound', 'configmaps "nope" not found', '{"name":"nope","kind":"configmaps"}'));
    });

    it('the gRPC door carries the same Status', async () => {
      const rest = await raw('GET', `${CMS}/nope`);
      const err = await api.client.get(Resources.configmaps, NS, 'nope').then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ApiError);
      assert.equal(JSON.stringify(err.status) + '\n', rest.body);
    });

    it('AlreadyExists', async () => {
      assert.equal((await create('py-dup')).code, 201);
      const r = await create('py-dup');
      assert.equal(r.code, 409);
      assert.equal(r.body, status(409, 'AlreadyExists', 'configmaps "py-dup" already exists', '{"name":"py-dup","kind":"configmaps"}'));
    });

    it('Conflict on a stale resourceVersion', async () => {
      const created = (await create('py-stale')).json();
      const body = { ...created, data: { a: '2' } };
      assert.equal((await raw('PUT', `${CMS}/py-stale`, { ...PYTHON, 'Content-Type': 'application/json' }, JSON.stringify(body))).code, 200);
      const r = await raw('PUT', `${CMS}/py-stale`, { ...PYTHON, 'Content-Type': 'application/json' }, JSON.stringify({ ...body, data: { a: '3' } }));
      assert.equal(r.code, 409);
      assert.equal(
        r.body,
        status(409, 'Conflict', 'Operation cannot be fulfilled on configmaps "py-stale": the object has been modified; please apply your changes to the latest version and try again', '{"name":"py-stale","kind":"configmaps"}'),
      );
    });

    it('an unknown resource, a method a collection does not take, an unknown subresource', async () => {
      const notFound = status(404, 'NotFound', 'the server could not find the requested resource', '{}');
      assert.equal((await raw('GET', `/api/v1/namespaces/${NS}/foos`)).body, notFound);
      assert.equal((await raw('GET', `${CMS}/x/bogus`)).body, notFound);
      assert.equal((await raw('GET', '/apis/apps/v9/deployments')).body, notFound);
      const r = await raw('PUT', CMS, { ...PYTHON, 'Content-Type': 'application/json' }, '{}');
      assert.equal(r.code, 405);
      assert.equal(r.body, status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', '{}'));
    });

    it('a path outside every served group is Go\'s plain-text 404', async () => {
      for (const path of ['/apis/nope.example.com/v1/things', '/nothing']) {
        const r = await raw('GET', path);
        assert.equal(r.code, 404);
        assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
        assert.equal(r.body, '404 page not found\n');
      }
    });

    it('NotAcceptable is written as raw indented JSON when nothing can be negotiated', async () => {
      const r = await raw('GET', CMS, { Accept: 'text/html' });
      assert.equal(r.code, 406);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(
        r.body,
        '{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n  "message": "only the following media types are accepted: application/json, application/yaml",\n  "reason": "NotAcceptable",\n  "code": 406\n}',
      );
    });

    it('UnsupportedMediaType and RequestEntityTooLarge', async () => {
      const r415 = await raw('POST', CMS, { ...PYTHON, 'Content-Type': 'text/plain' }, 'x');
      assert.equal(r415.code, 415);
      assert.equal(r415.body, status(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf'));
      const big = JSON.stringify({ ...cm('py-big'), data: { x: 'a'.repeat(3 * 1024 * 1024) } });
      const r413 = await raw('POST', CMS, { ...PYTHON, 'Content-Type': 'application/json' }, big);
      assert.equal(r413.code, 413);
      assert.equal(r413.body, status(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
    });

    it('Unauthorized without a client certificate', async () => {
      const r = await rawRequest(api.api.securePort, { method: 'GET', path: CMS, headers: PYTHON, ca: api.certs.ca });
      assert.equal(r.code, 401);
      assert.equal(r.body, status(401, 'Unauthorized', 'Unauthorized'));
    });

    it('the Success Status of a delete has no code', async () => {
      const created = (await create('py-gone')).json();
      const r = await raw('DELETE', `${CMS}/py-gone`);
      assert.equal(r.code, 200);
      assert.equal(r.body, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"py-gone","kind":"configmaps","uid":"${created.metadata.uid}"}}\n`);
    });

    it('pretty=True and curl get indented JSON without a trailing newline', async () => {
      const want = '{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n  "message": "configmaps \\"nope\\" not found",\n  "reason": "NotFound",\n  "details": {\n    "name": "nope",\n    "kind": "configmaps"\n  },\n  "code": 404\n}';
      assert.equal((await raw('GET', `${CMS}/nope?pretty=True`)).body, want);
      assert.equal((await raw('GET', `${CMS}/nope`, { 'User-Agent': 'curl/8.5.0' })).body, want);
      assert.equal((await raw('GET', `${CMS}/nope?pretty=false`, { 'User-Agent': 'curl/8.5.0' })).body.endsWith('}\n'), true);
    });

    it('the Status inside a watch ERROR event (resourceVersion compacted away)', async () => {
      const old = (await create('py-old')).json().metadata.resourceVersion;
      await create('py-newer');
      const etcd = new Etcd3({ hosts: api.etcd.endpoint });
      try {
        const rev = (await etcd.maintenance.status()).header.revision;
        await etcd.kv.compact({ revision: rev, physical: true });
      } finally {
        etcd.close();
      }
      const w = await stream(`${CMS}?resourceVersion=${old}&watch=True`);
      try {
        assert.equal(w.code, 200);
        const line = await w.line((l) => l.startsWith('{"type":"ERROR"'), 'ERROR event');
        const message = JSON.parse(line).object.message as string;
        assert.match(message, /^too old resource version: /);
        assert.equal(line, `{"type":"ERROR","object":${status(410, 'Expired', message).trimEnd()}}\n`);
      } finally {
        w.close();
      }
    });
  });
});
