// Thousands of generated malformed and hostile requests against the real apiserver on a real
// etcd, through the REST door (HTTPS, admin client certificate) and the gRPC door: every one is
// answered with a 4xx Status, never a 5xx; aborted streams get no answer but do no harm; the
// server keeps serving; and etcd holds exactly what it held before.
import assert from 'node:assert/strict';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { Etcd3 } from 'etcd3';
import { GrpcApiClient } from '../../lib/client/grpc-client';
import { Resources } from '../../lib/api/resources';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import type { TestEtcd } from '../helpers/etcd';
import type { TestCerts } from '../helpers/certs';
import {
  badJsonCases, contentTypeCases, hugeCases, nameCases, patchCases, rng, selectorCases, templates, unknownFieldCases, wrongTypeCases, type BadCase,
} from './generate';

interface Answer {
  code: number;
  body: string;
}

function send(agent: https.Agent, port: number, c: BadCase): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers: c.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(c.body);
  });
}

/** Why an answer is not a proper rejection, or null when it is a 4xx carrying a matching Status. */
function judge(a: Answer): string | null {
  if (a.code < 400 || a.code >= 500) return `HTTP ${a.code}: ${a.body.slice(0, 200)}`;
  let s: { kind?: string; code?: number; status?: string };
  try {
    s = JSON.parse(a.body);
  } catch {
    return `HTTP ${a.code} without a JSON body: ${a.body.slice(0, 200)}`;
  }
  if (s.kind !== 'Status' || s.code !== a.code || s.status !== 'Failure') return `HTTP ${a.code} body is not a matching Status: ${a.body.slice(0, 200)}`;
  return null;
}

async function dump(client: Etcd3): Promise<Map<string, string>> {
  const res = await client.getAll().prefix('/registry/').exec();
  return new Map(res.kvs.map((kv) => [kv.key.toString(), `${kv.mod_revision}:${kv.value.toString()}`]));
}

/** Sends the first `cut` bytes of a request over TLS, then aborts (destroy) or half-closes. */
function truncated(port: number, certs: TestCerts, raw: string, cut: number, abort: boolean): Promise<number | null> {
  return new Promise((resolve) => {
    const sock = tls.connect({ host: '127.0.0.1', port, ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, servername: 'localhost' }, () => {
      sock.write(raw.slice(0, cut));
      if (abort) {
        sock.destroy();
        resolve(null);
      } else sock.end();
    });
    let got = '';
    sock.on('data', (d) => (got += d.toString()));
    const done = () => resolve(/^HTTP\/1\.1 (\d{3})/.exec(got) ? Number(/^HTTP\/1\.1 (\d{3})/.exec(got)![1]) : null);
    sock.on('close', done);
    sock.on('error', done);
    sock.setTimeout(3000, () => sock.destroy());
  });
}

describe('bad input: hostile requests get a 4xx Status and change nothing (real apiserver + etcd)', function () {
  this.timeout(120_000);
  let etcd: TestEtcd;
  let api: TestApiserver['api'];
  let certs: TestCerts;
  let agent: https.Agent;
  let raw: Etcd3;
  let grpc: GrpcApiClient;
  let stored: Map<string, string>;

  let server: TestApiserver | undefined;

  before(async () => {
    server = await startTestApiserver({ name: 'bad-input' });
    ({ etcd, api, certs, client: grpc } = server);
    agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, servername: 'localhost' });
    raw = new Etcd3({ hosts: etcd.endpoint });
    // Fixtures that patches aim at and that must come out unchanged.
    for (const t of templates) {
      const res = await send(agent, api.securePort, { name: 'fixture', method: 'POST', path: t.path, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...t.obj, metadata: { ...(t.obj.metadata as object), name: 'fixture' } }) });
      assert.equal(res.code, 201, `fixture ${t.kind}: ${res.body}`);
    }
    stored = await dump(raw);
  });

  after(async () => {
    agent?.destroy();
    raw?.close();
    await server?.stop();
  });

  it('answers thousands of generated REST requests with a 4xx Status', async () => {
    const rand = rng(20261121);
    const cases: BadCase[] = [
      ...wrongTypeCases(),
      ...badJsonCases(rand, 2500),
      ...nameCases(),
      ...selectorCases(),
      ...unknownFieldCases(),
      ...contentTypeCases(),
      ...patchCases(templates.map((t) => ({ kind: t.kind, path: `${t.path}/fixture` }))),
      ...hugeCases(),
    ];
    assert.ok(cases.length >= 2000, `generated ${cases.length} cases`);
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++];
        try {
          const why = judge(await send(agent, api.securePort, c));
          if (why) failures.push(`${c.name}: ${why}`);
        } catch (e) {
          failures.push(`${c.name}: request failed: ${(e as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.deepEqual(failures.slice(0, 25), [], `${failures.length} of ${cases.length} not rejected properly`);
  });

  it('survives truncated and aborted request streams', async () => {
    const body = JSON.stringify({ ...templates[0].obj, metadata: { name: 'trunc' } });
    const rawReq = `POST ${templates[0].path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const rand = rng(7);
    const bad: string[] = [];
    for (let i = 0; i < 60; i++) {
      const cut = 1 + Math.floor(rand() * (rawReq.length - 2));
      const code = await truncated(api.securePort, certs, rawReq, cut, i % 2 === 0);
      // A half-sent request may get no answer at all; any answer must be a client error.
      if (code !== null && (code < 400 || code >= 500)) bad.push(`cut ${cut}: HTTP ${code}`);
    }
    assert.deepEqual(bad, []);
  });

  it('rejects wrong-typed objects through the gRPC door with 4xx ApiErrors', async () => {
    const rt: Record<string, typeof Resources.pods> = { Pod: Resources.pods, Deployment: Resources.deployments, Service: Resources.services };
    const cases = wrongTypeCases().filter((_, i) => i % 2 === 0);
    const bad: string[] = [];
    for (const c of cases) {
      const obj = JSON.parse(String(c.body)) as KObject;
      obj.metadata = { ...(obj.metadata ?? {}), namespace: 'default' } as KObject['metadata'];
      const kind = c.name.split(' ')[0];
      try {
        await grpc.create(rt[kind], obj);
        bad.push(`${c.name}: accepted`);
      } catch (e) {
        if (!(e instanceof ApiError) || e.code < 400 || e.code >= 500) bad.push(`${c.name}: ${String(e)}`);
      }
    }
    assert.ok(cases.length > 100);
    assert.deepEqual(bad.slice(0, 25), [], `${bad.length} of ${cases.length}`);
  });

  it('keeps serving and leaves every stored object as it was', async () => {
    const ok = await send(agent, api.securePort, { name: 'list', method: 'GET', path: '/api/v1/namespaces/default/pods', headers: {} });
    assert.equal(ok.code, 200);
    assert.deepEqual(JSON.parse(ok.body).items.map((p: KObject) => p.metadata.name), ['fixture']);
    const after = await dump(raw);
    const changed = [...new Set([...stored.keys(), ...after.keys()])].filter((k) => stored.get(k) !== after.get(k));
    assert.deepEqual(changed, []);
  });
});
