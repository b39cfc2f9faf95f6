// Invalid field values of every category, in every served kind that carries them, sent through
// the real apiserver over real etcd: each is refused with a 422 Invalid Status whose causes name
// the field with kube-apiserver's path and message; status writes and updates are checked the
// same way; a sample goes through the gRPC door too; and none of it reaches etcd.
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { Etcd3 } from 'etcd3';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { Resources, type ResourceType } from '../../lib/api/resources';
import type { KObject } from '../../lib/api/types';
import { ApiError } from '../../lib/errors';
import { bases, changed, fieldCases, statusCases, updateCases, type FieldCase } from './field-value-cases';

interface Answer {
  code: number;
  body: any;
}

const RT = Resources as unknown as Record<string, ResourceType>;

function collection(resource: string): string {
  const t = RT[resource];
  const group = t.apiVersion.includes('/') ? `/apis/${t.apiVersion}` : '/api/v1';
  return `${group}${t.namespaced ? '/namespaces/default' : ''}/${t.resource}`;
}

function request(agent: https.Agent, port: number, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, method, path, headers: { 'Content-Type': contentType }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* keep the text */
        }
        resolve({ code: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

interface Cause {
  field?: string;
  message?: string;
  reason?: string;
}

/** Why a Status is not the expected 422 naming the field, or null when it is. */
function judge422(code: number, status: any, field: string, message: string): string | null {
  if (code !== 422) return `HTTP ${code}: ${JSON.stringify(status).slice(0, 300)}`;
  if (status?.kind !== 'Status' || status.reason !== 'Invalid' || status.code !== 422) return `not an Invalid Status: ${JSON.stringify(status).slice(0, 300)}`;
  const causes: Cause[] = status.details?.causes ?? [];
  if (causes.some((c) => c.field === field && (c.message ?? '').includes(message))) return null;
  return `no cause ${field} ~ ${JSON.stringify(message)}; got ${JSON.stringify(causes.map((c) => `${c.field}: ${c.message}`)).slice(0, 600)}`;
}

describe('field values: invalid values get a 422 naming the field (real apiserver + etcd)', function () {
  this.timeout(180_000);
  let server: TestApiserver;
  let agent: https.Agent;
  let raw: Etcd3;
  let port: number;
  const cases: FieldCase[] = fieldCases();

  const registryKeys = async () => (await raw.getAll().prefix('/registry/').keys()).map(String).sort();

  before(async () => {
    server = await startTestApiserver({ name: 'field-values' });
    port = server.api.securePort;
    agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: server.certs.ca, cert: server.certs.clientCert, key: server.certs.clientKey, servername: 'localhost' });
    raw = new Etcd3({ hosts: server.etcd.endpoint });
  });

  after(async () => {
    agent?.destroy();
    raw?.close();
    await server?.stop();
  });

  it('accepts the valid base object of every kind', async () => {
    for (const [resource, obj] of Object.entries(bases)) {
      const res = await request(agent, port, 'POST', collection(resource), obj);
      assert.equal(res.code, 201, `${resource}: ${JSON.stringify(res.body).slice(0, 400)}`);
    }
  });

  it('covers every category in every kind that carries it', () => {
    const kinds = new Set(cases.map((c) => c.resource));
    assert.deepEqual([...kinds].sort(), Object.keys(bases).sort());
    const categories = new Set(cases.map((c) => c.name.split(' ').slice(1).join(' ').split(':')[0]));
    for (const c of ['quantity', 'labels', 'annotations', 'selector', 'field path', 'port', 'ip', 'cidr', 'taint', 'toleration', 'probe', 'duration', 'cron', 'time zone', 'percent', 'image', 'env', 'volume', 'mount', 'dns'])
      assert.ok(categories.has(c), `category ${c}`);
    assert.ok(cases.length >= 400, `${cases.length} cases`);
  });

  it('refuses every invalid value on create with a 422 whose cause names the field', async () => {
    const before = await registryKeys();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++];
        const res = await request(agent, port, 'POST', collection(c.resource), c.body);
        const why = judge422(res.code, res.body, c.field, c.message);
        if (why) failures.push(`${c.name}: ${why}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} failed`);
    assert.deepEqual(await registryKeys(), before, 'nothing refused was stored');
  });

  it('refuses the same values through the gRPC door', async () => {
    const failures: string[] = [];
    const sample = cases.filter((_, i) => i % 7 === 0);
    for (const c of sample) {
      try {
        await server.client.create(RT[c.resource], c.body as KObject);
        failures.push(`${c.name}: accepted`);
      } catch (e) {
        const why = e instanceof ApiError ? judge422(e.code, e.status, c.field, c.message) : String(e);
        if (why) failures.push(`${c.name}: ${why}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('validates what status writes carry (PUT and merge patch of /status)', async () => {
    const failures: string[] = [];
    for (const c of statusCases) {
      const at = `${collection(c.resource)}/${bases[c.resource].metadata.name}/status`;
      const patched = await request(agent, port, 'PATCH', at, { status: c.status }, 'application/merge-patch+json');
      const why = judge422(patched.code, patched.body, c.field, c.message);
      if (why) failures.push(`${c.resource} PATCH status ${JSON.stringify(c.status)}: ${why}`);
      const current = await request(agent, port, 'GET', at.replace(/\/status$/, ''));
      assert.equal(current.code, 200);
      const put = await request(agent, port, 'PUT', at, { ...current.body, status: { ...(current.body.status ?? {}), ...c.status } });
      const whyPut = judge422(put.code, put.body, c.field, c.message);
      if (whyPut) failures.push(`${c.resource} PUT status ${JSON.stringify(c.status)}: ${whyPut}`);
    }
    assert.deepEqual(failures, []);
  });

  it('validates updates, and valid status writes still succeed', async () => {
    const failures: string[] = [];
    for (const [resource, changes, field, message] of updateCases) {
      const at = `${collection(resource)}/${bases[resource].metadata.name}`;
      const current = await request(agent, port, 'GET', at);
      assert.equal(current.code, 200);
      const res = await request(agent, port, 'PUT', at, changed(current.body, changes));
      const why = judge422(res.code, res.body, field, message);
      if (why) failures.push(`${resource} update ${JSON.stringify(changes)}: ${why}`);
    }
    const smp = await request(agent, port, 'PATCH', `${collection('deployments')}/base`, { spec: { template: { spec: { containers: [{ name: 'web', resources: { limits: { memory: '12xyz' } } }] } } } }, 'application/strategic-merge-patch+json');
    const whySmp = judge422(smp.code, smp.body, 'spec.template.spec.containers[0].resources.limits[memory]', 'quantities must match the regular expression');
    if (whySmp) failures.push(`deployments strategic merge patch: ${whySmp}`);
    assert.deepEqual(failures, []);
    const ok = await request(agent, port, 'PATCH', `${collection('pods')}/base/status`, { status: { podIP: '10.244.0.9', hostIP: '192.168.1.10' } }, 'application/merge-patch+json');
    assert.equal(ok.code, 200, JSON.stringify(ok.body).slice(0, 300));
    const node = await request(agent, port, 'PATCH', `${collection('nodes')}/base/status`, { status: { allocatable: { cpu: '1500m', memory: '3Gi', pods: '100', 'hugepages-2Mi': '0', 'example.com/gpu': '2' } } }, 'application/merge-patch+json');
    assert.equal(node.code, 200, JSON.stringify(node.body).slice(0, 300));
  });
});
