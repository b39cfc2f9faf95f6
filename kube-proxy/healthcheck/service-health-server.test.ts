// Real listeners on 127.0.0.1: free ports are found by binding port 0, so parallel runs do not collide.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { componentLogger } from '../../lib/log';
import type { PlannedEndpoint, ProxyPlan, ServicePortPlan } from '../plan/types';
import { ServiceHealthServer } from './service-health-server';

const local = (ip: string): PlannedEndpoint => ({ ip, port: 80, endpoint: `${ip}:80`, local: true, ready: true, serving: true, terminating: false });

function sp(service: string, healthCheckNodePort: number, endpoints: PlannedEndpoint[]): ServicePortPlan {
  return {
    name: `default/${service}`,
    namespace: 'default',
    service,
    protocol: 'tcp',
    clusterIP: '10.96.0.5',
    port: 80,
    nodePort: 30080,
    externalIPs: [],
    loadBalancerIPs: [],
    externalPolicyLocal: true,
    internalPolicyLocal: false,
    healthCheckNodePort,
    clusterEndpoints: endpoints,
    localEndpoints: endpoints,
    allEndpoints: endpoints,
  };
}
const plan = (...servicePorts: ServicePortPlan[]): ProxyPlan => ({ servicePorts, skipped: [] });

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function get(port: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

function refused(port: number): Promise<boolean> {
  return get(port).then(
    () => false,
    (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
  );
}

describe('kube-proxy/healthcheck ServiceHealthServer (real listeners on 127.0.0.1)', () => {
  let server: ServiceHealthServer;
  let healthy: boolean;
  const holders: net.Server[] = [];
  beforeEach(() => {
    healthy = true;
    server = new ServiceHealthServer({ log: componentLogger('kube-proxy-test'), addresses: ['127.0.0.1'], proxyHealthy: () => healthy });
  });
  afterEach(async () => {
    await server.close();
    await Promise.all(holders.splice(0).map((h) => new Promise<void>((r) => h.close(() => r()))));
  });

  it('serves 200 with local endpoints, 503 without, and follows each sync', async () => {
    const port = await freePort();
    let r = await server.sync(plan(sp('lb', port, [local('10.244.0.1'), local('10.244.0.2')])));
    assert.deepEqual(r, { serving: [port], failed: [], conflicts: [] });

    let res = await get(port);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.deepEqual(JSON.parse(res.body), { service: { namespace: 'default', name: 'lb' }, localEndpoints: 2, serviceProxyHealthy: true });

    r = await server.sync(plan(sp('lb', port, [])));
    assert.deepEqual(r.serving, [port]);
    res = await get(port);
    assert.equal(res.status, 503);
    assert.equal(JSON.parse(res.body).localEndpoints, 0);

    await server.sync(plan(sp('lb', port, [local('10.244.0.1')])));
    healthy = false;
    res = await get(port);
    assert.equal(res.status, 503);
    assert.equal(JSON.parse(res.body).serviceProxyHealthy, false);
  });

  it('closes the listener when the service no longer needs it, and moves with its port', async () => {
    const [a, b] = [await freePort(), await freePort()];
    await server.sync(plan(sp('lb', a, [local('10.244.0.1')])));
    assert.equal((await get(a)).status, 200);
    await server.sync(plan(sp('lb', b, [local('10.244.0.1')])));
    assert.ok(await refused(a));
    assert.equal((await get(b)).status, 200);
    const r = await server.sync(plan(sp('lb', 0, [local('10.244.0.1')])));
    assert.deepEqual(r.serving, []);
    assert.ok(await refused(b));
  });

  it('survives a port held by someone else and takes it on a later sync', async () => {
    const port = await freePort();
    const holder = net.createServer();
    holders.push(holder);
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', r));

    let r = await server.sync(plan(sp('lb', port, [local('10.244.0.1')])));
    assert.deepEqual(r.serving, []);
    assert.equal(r.failed.length, 1);
    assert.match(r.failed[0], new RegExp(`^${port} default/lb: .*EADDRINUSE`));

    await new Promise<void>((res) => holder.close(() => res()));
    holders.length = 0;
    r = await server.sync(plan(sp('lb', port, [local('10.244.0.1')])));
    assert.deepEqual(r, { serving: [port], failed: [], conflicts: [] });
    assert.equal((await get(port)).status, 200);
  });

  it('gives a shared port to one service only and reports the other', async () => {
    const port = await freePort();
    const r = await server.sync(plan(sp('a', port, [local('10.244.0.1')]), sp('b', port, [])));
    assert.deepEqual(r.serving, [port]);
    assert.deepEqual(r.conflicts, [`default/b: health check node port ${port} is already served for default/a`]);
    assert.equal(JSON.parse((await get(port)).body).service.name, 'a');
  });
});
