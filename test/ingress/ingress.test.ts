// The ingress controller against a real apiserver (real etcd), in-process on 127.0.0.1 ephemeral
// ports. Backends are node:http servers on 127.0.0.1 ephemeral ports, put into hand-written
// EndpointSlices of selector-less Services (no controller-manager runs here). Covers two hosts and
// their paths (Exact vs Prefix), 404 before any default backend, a class-less Ingress claimed
// through the default IngressClass, an Ingress of another controller ignored, 503 with no ready
// endpoint, live changes of a rule and of endpoints, HTTPS with two certificates chosen by SNI
// (and the generated default for other names), and status.loadBalancer written by the elected
// instance. Nothing is sent off this machine.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Resources } from '../../lib/api/resources';
import type { KObject, Service } from '../../lib/api/types';
import { ensureCa, ensureServingCert, type CertPair } from '../../lib/pki';
import { INGRESS_FLAGS, ingressConfigFromFlags } from '../../ingress/config';
import { startIngress, type RunningIngress } from '../../ingress/start';
import type { Ingress } from '../../ingress/routes/api-types';
import { waitFor } from '../harness/exec';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';

const NS = 'ingress-test';

interface Answer {
  status: number;
  body: string;
  cn?: string;
}

function get(port: number, host: string, p: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function getTls(port: number, host: string, p: string, ca?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: p, servername: host, headers: { host }, agent: false, ...(ca ? { ca } : { rejectUnauthorized: false }) },
      (res) => {
        const cn = (res.socket as TLSSocket).getPeerCertificate().subject?.CN;
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cn: String(cn) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function backend(name: string): Promise<http.Server> {
  const s = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${name} ${req.url} proto=${req.headers['x-forwarded-proto']} host=${req.headers.host}`);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return s;
}

const portOf = (s: http.Server) => (s.address() as AddressInfo).port;

function svc(name: string, port: number, portName?: string): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: NS, name }, spec: { type: 'ClusterIP', ports: [{ ...(portName ? { name: portName } : {}), protocol: 'TCP', port }] } } as Service;
}

function slice(service: string, name: string, port: number, ready = true, portName?: string): KObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: NS, name, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready } }],
    ports: [{ ...(portName ? { name: portName } : {}), protocol: 'TCP', port }],
  } as KObject;
}

const b = (name: string, port: number | string) => ({ service: { name, port: typeof port === 'number' ? { number: port } : { name: port } } });

describe('ingress controller (real apiserver, loopback backends)', function () {
  this.timeout(180_000);
  let api: TestApiserver | undefined;
  let ing: RunningIngress | undefined;
  let certDir = '';
  let ca: CertPair;
  const servers: Record<string, http.Server> = {};

  before(async () => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ingress-it-'));
    ca = await ensureCa(certDir);
    const shopCert = await ensureServingCert(certDir, ca, 'shop', 'shop.example.com', ['shop.example.com']);
    const apiCert = await ensureServingCert(certDir, ca, 'api', 'api.example.com', ['api.example.com']);
    for (const n of ['app1', 'app2', 'api', 'fallback']) servers[n] = await backend(n);

    api = await startTestApiserver({ name: 'ingress' });
    const c = api.client;
    await c.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } as KObject);
    for (const s of [svc('app', 80, 'http'), svc('api', 8080), svc('fallback', 80), svc('empty', 80)]) await c.create<Service>(Resources.services, s);
    for (const s of [
      slice('app', 'app-a', portOf(servers.app1), true, 'http'),
      slice('app', 'app-b', portOf(servers.app2), true, 'http'),
      slice('api', 'api-a', portOf(servers.api)),
      slice('fallback', 'fallback-a', portOf(servers.fallback)),
      slice('empty', 'empty-a', portOf(servers.fallback), false),
    ])
      await c.create(Resources.endpointslices, s);
    const secret = (name: string, pair: CertPair) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: NS, name },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(pair.cert).toString('base64'), 'tls.key': Buffer.from(pair.key).toString('base64') },
    });
    await c.create(Resources.secrets, secret('shop-tls', shopCert) as KObject);
    await c.create(Resources.secrets, secret('api-tls', apiCert) as KObject);
    await c.create(Resources.ingressclasses, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'k8ts', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
      spec: { controller: 'k8ts.io/ingress' },
    } as KObject);
    await c.create(Resources.ingressclasses, { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'other' }, spec: { controller: 'example.com/other' } } as KObject);
    await c.create<Ingress>(Resources.ingresses, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { namespace: NS, name: 'site' },
      spec: {
        ingressClassName: 'k8ts',
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }, { hosts: ['api.example.com'], secretName: 'api-tls' }],
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: b('app', 'http') },
                { path: '/checkout', pathType: 'Exact', backend: b('api', 8080) },
              ],
            },
          },
          {
            host: 'api.example.com',
            http: {
              paths: [
                { path: '/v1', pathType: 'Prefix', backend: b('api', 8080) },
                { path: '/none', pathType: 'Prefix', backend: b('empty', 80) },
              ],
            },
          },
        ],
      },
    });
    await c.create<Ingress>(Resources.ingresses, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { namespace: NS, name: 'foreign' },
      spec: { ingressClassName: 'other', rules: [{ host: 'foreign.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: b('app', 'http') }] } }] },
    });
  });

  after(async () => {
    await ing?.stop();
    for (const s of Object.values(servers)) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
    await api?.stop();
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
  });

  it('routes by host and path, follows changes, terminates TLS by SNI and writes status', async () => {
    const config = ingressConfigFromFlags({
      ...INGRESS_FLAGS,
      kubeconfig: 'unused: the test passes a client',
      bindAddress: '127.0.0.1',
      httpPort: 0,
      httpsPort: 0,
      healthPort: 0,
      metricsPort: 0,
      publishAddress: ['127.0.0.1'],
      electionNamespace: NS,
      nodeName: 'ingress-test',
    });
    ing = await startIngress(config, { client: api!.client });
    const port = ing.httpPort;
    const c = api!.client;

    // Host and path rules; the Prefix / of shop balanced over two endpoints.
    const root = await get(port, 'shop.example.com', '/');
    const cart = await get(port, 'shop.example.com', '/cart');
    assert.match(root.body, /^app[12] \/ proto=http host=shop.example.com$/);
    assert.match(cart.body, /^app[12] \/cart proto=http host=shop.example.com$/);
    assert.deepEqual([root.body.split(' ')[0], cart.body.split(' ')[0]].sort(), ['app1', 'app2'], 'round robin');
    assert.match((await get(port, 'shop.example.com', '/checkout')).body, /^api \/checkout /);
    assert.match((await get(port, 'shop.example.com', '/checkout/step2')).body, /^app[12] \/checkout\/step2 /);
    assert.match((await get(port, 'api.example.com', '/v1/items?page=2')).body, /^api \/v1\/items\?page=2 /);
    assert.equal((await get(port, 'api.example.com', '/none')).status, 503);
    // No rule matches and no default backend yet; the other controller's Ingress is not ours.
    assert.equal((await get(port, 'api.example.com', '/v1x')).status, 404);
    assert.equal((await get(port, 'foreign.example.com', '/')).status, 404);

    // A class-less Ingress with a default backend: claimed through the default class.
    await c.create<Ingress>(Resources.ingresses, { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { namespace: NS, name: 'default' }, spec: { defaultBackend: b('fallback', 80) } });
    await waitFor('the default backend', async () => (await get(port, 'foreign.example.com', '/')).body.startsWith('fallback '), 30_000, 50);
    assert.match((await get(port, 'api.example.com', '/v1x')).body, /^fallback \/v1x /);

    // A live rule change: /checkout moves to the app Service.
    const site = await c.get<Ingress>(Resources.ingresses, NS, 'site');
    site.spec!.rules![0].http!.paths![1].backend = b('app', 'http');
    await c.update(Resources.ingresses, site);
    await waitFor('the changed rule', async () => /^app[12] \/checkout /.test((await get(port, 'shop.example.com', '/checkout')).body), 30_000, 50);

    // A live endpoint change: api's only endpoint not ready → 503, ready again → served.
    const setReady = async (ready: boolean) => {
      const s = await c.get<KObject>(Resources.endpointslices, NS, 'api-a');
      (s.endpoints as { conditions: { ready: boolean } }[])[0].conditions.ready = ready;
      await c.update(Resources.endpointslices, s);
    };
    await setReady(false);
    await waitFor('503 without ready endpoints', async () => (await get(port, 'api.example.com', '/v1')).status === 503, 30_000, 50);
    await setReady(true);
    await waitFor('served again', async () => (await get(port, 'api.example.com', '/v1')).status === 200, 30_000, 50);

    // HTTPS: each host gets its own certificate (verified against the test CA), other names the
    // generated default one.
    const httpsPort = ing.httpsPort!;
    const shopTls = await getTls(httpsPort, 'shop.example.com', '/', ca.cert);
    assert.deepEqual([shopTls.status, shopTls.cn], [200, 'shop.example.com']);
    assert.match(shopTls.body, /^app[12] \/ proto=https host=shop.example.com$/);
    const apiTls = await getTls(httpsPort, 'api.example.com', '/v1', ca.cert);
    assert.deepEqual([apiTls.status, apiTls.cn, apiTls.body.split(' ')[0]], [200, 'api.example.com', 'api']);
    const other = await getTls(httpsPort, 'foreign.example.com', '/');
    assert.deepEqual([other.cn, other.body.split(' ')[0]], ['k8ts-ingress-default', 'fallback']);
    await assert.rejects(getTls(httpsPort, 'foreign.example.com', '/', ca.cert), /self-signed|unable to verify|certificate/);

    // Status: the claimed Ingresses get the published address; the other controller's does not.
    for (const name of ['site', 'default']) {
      await waitFor(`status of ${name}`, async () => {
        const i = await c.get<Ingress>(Resources.ingresses, NS, name);
        return JSON.stringify(i.status?.loadBalancer?.ingress) === JSON.stringify([{ ip: '127.0.0.1' }]);
      }, 30_000, 100);
    }
    const foreign = await c.get<Ingress>(Resources.ingresses, NS, 'foreign');
    assert.deepEqual(foreign.status?.loadBalancer?.ingress ?? [], []);

    assert.ok(ing.metrics.reloads.get() >= 4, 'initial build, the new Ingress, the rule, the endpoints');
    assert.ok(ing.metrics.requests.get({ ingress: `${NS}/site`, status: '200' }) >= 6);
    assert.ok(ing.metrics.requests.get({ ingress: '', status: '404' }) >= 2);
  });
});
