// The proxy handler on a hand-built route table, with backends as node:http servers on
// 127.0.0.1 ephemeral ports: forwarding, bodies both ways, round robin, keep-alive to backends,
// and the answers the controller makes itself (404, 503, 502, 504). Only loopback traffic.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { componentLogger } from '../../lib/log';
import { IngressMetrics } from '../metrics';
import { buildRouteTable, type RouteTable } from '../routes/route-table';
import { CONTROLLER, ingress, ingressClass, path, service, slice, svcBackend } from '../routes/test-fixtures';
import { startHttp, type Listener } from '../server/listeners';
import { proxyHandler, RoundRobin } from './reverse-proxy';
import { upgradeHandler } from './upgrade-proxy';

interface Backend {
  port: number;
  server: http.Server;
  connections: number;
  seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[];
  /** Upgraded sockets: no longer the HTTP server's, so closed by the test. */
  upgraded: Duplex[];
}

async function startBackend(name: string, behaviour: 'echo' | 'hang' | 'drop-reused' = 'echo'): Promise<Backend> {
  const b: Backend = { port: 0, server: http.createServer(), connections: 0, seen: [], upgraded: [] };
  const served = new WeakMap<object, number>();
  b.server.on('connection', () => b.connections++);
  b.server.on('request', (req, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    // A backend that closed a kept-alive connection just as the proxy reused it.
    if (behaviour === 'drop-reused' && n > 1) return req.socket.destroy();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      b.seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (behaviour === 'hang') return;
      res.writeHead(201, { 'content-type': 'text/plain', 'x-backend': name, 'set-cookie': ['a=1', 'b=2'] });
      res.end(`${name} ${req.method} ${req.url} ${Buffer.concat(chunks).length}`);
    });
  });
  // An upgrade to the `echo` protocol: upper-cases what it gets.
  b.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    b.seen.push({ method: req.method, url: req.url, headers: req.headers, body: '' });
    b.upgraded.push(socket);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\nX-Backend: ' + name + '\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
  });
  await new Promise<void>((r) => b.server.listen(0, '127.0.0.1', r));
  b.port = (b.server.address() as AddressInfo).port;
  return b;
}

function request(port: number, o: { host: string; path: string; method?: string; body?: string; agent?: http.Agent }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: o.path, method: o.method ?? 'GET', headers: { host: o.host }, agent: o.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

describe('ingress reverse proxy (loopback backends)', function () {
  this.timeout(30_000);
  const backends: Backend[] = [];
  let listener: Listener | undefined;
  let agent: http.Agent | undefined;
  let table: RouteTable;
  let metrics: IngressMetrics;

  before(async () => {
    const [a1, a2, slow, flaky] = [await startBackend('a1'), await startBackend('a2'), await startBackend('slow', 'hang'), await startBackend('flaky', 'drop-reused')];
    backends.push(a1, a2, slow, flaky);
    // A port nothing listens on: a server bound and closed again.
    const dead = await startBackend('dead');
    await new Promise<void>((r) => dead.server.close(() => r()));
    table = buildRouteTable(
      {
        classes: [ingressClass('k8ts')],
        ingresses: [
          ingress('site', {
            className: 'k8ts',
            rules: [
              {
                host: 'app.example.com',
                http: {
                  paths: [
                    path('/', 'Prefix', svcBackend('app', 80)),
                    path('/empty', 'Prefix', svcBackend('empty', 80)),
                    path('/dead', 'Prefix', svcBackend('dead', 80)),
                    path('/slow', 'Prefix', svcBackend('slow', 80)),
                    path('/flaky', 'Prefix', svcBackend('flaky', 80)),
                  ],
                },
              },
            ],
          }),
        ],
        services: [service('app', [{ port: 80 }]), service('empty', [{ port: 80 }]), service('dead', [{ port: 80 }]), service('slow', [{ port: 80 }]), service('flaky', [{ port: 80 }])],
        slices: [
          slice('app', 'app-1', [{ ip: '127.0.0.1' }], [{ port: a1.port }]),
          // The second endpoint: the same loopback address at a2's port (a second slice of the Service).
          slice('app', 'app-2', [{ ip: '127.0.0.1' }], [{ port: a2.port }]),
          slice('empty', 'empty-1', [{ ip: '127.0.0.1', ready: false }], [{ port: a1.port }]),
          slice('dead', 'dead-1', [{ ip: '127.0.0.1' }], [{ port: dead.port }]),
          slice('slow', 'slow-1', [{ ip: '127.0.0.1' }], [{ port: slow.port }]),
          slice('flaky', 'flaky-1', [{ ip: '127.0.0.1' }], [{ port: flaky.port }]),
        ],
        secrets: [],
      },
      CONTROLLER,
    );
    metrics = new IngressMetrics();
    agent = new http.Agent({ keepAlive: true });
    const opts = { table: () => table, balancer: new RoundRobin(), agent, upstreamTimeoutMs: 500, metrics, log: componentLogger('ingress-test') };
    listener = await startHttp('127.0.0.1', 0, proxyHandler(opts, 'http'), upgradeHandler(opts, 'http'));
  });
  after(async () => {
    await listener?.stop();
    agent?.destroy();
    for (const b of backends) {
      for (const u of b.upgraded) u.destroy();
      b.server.closeAllConnections();
      await new Promise<void>((r) => b.server.close(() => r()));
    }
  });

  it('forwards method, path, headers and body, and returns the response as sent', async () => {
    const r = await request(listener!.port, { host: 'app.example.com', path: '/items?x=1', method: 'POST', body: 'hello body' });
    assert.equal(r.status, 201);
    assert.match(r.body, /^a[12] POST \/items\?x=1 10$/);
    assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
    const seen = [...backends[0].seen, ...backends[1].seen].at(-1)!;
    assert.equal(seen.headers.host, 'app.example.com');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], 'app.example.com');
    assert.equal(seen.body, 'hello body');
  });

  it('balances round robin over the ready endpoints and reuses backend connections', async () => {
    const names: string[] = [];
    for (let i = 0; i < 6; i++) names.push(String((await request(listener!.port, { host: 'app.example.com', path: '/' })).headers['x-backend']));
    assert.equal(names.filter((n) => n === 'a1').length, 3);
    assert.equal(names.filter((n) => n === 'a2').length, 3);
    for (let i = 1; i < names.length; i++) assert.notEqual(names[i], names[i - 1]);
    // Sequential requests over the keep-alive agent: one connection per backend.
    assert.deepEqual([backends[0].connections, backends[1].connections], [1, 1]);
  });

  it('streams a large body both ways', async () => {
    const body = 'x'.repeat(3 * 1024 * 1024);
    const r = await request(listener!.port, { host: 'app.example.com', path: '/big', method: 'PUT', body });
    assert.match(r.body, new RegExp(`^a[12] PUT /big ${body.length}$`));
  });

  it('answers 404 without a rule, 503 without ready endpoints, 502 when the backend refuses, 504 on timeout', async () => {
    const cases: [string, string, number][] = [
      ['other.example.com', '/', 404],
      ['app.example.com', '/empty', 503],
      ['app.example.com', '/dead/x', 502],
      ['app.example.com', '/slow', 504],
    ];
    for (const [host, p, want] of cases) assert.equal((await request(listener!.port, { host, path: p })).status, want, `${host}${p}`);
    assert.equal(metrics.requests.get({ ingress: '', status: '404' }), 1);
    assert.equal(metrics.requests.get({ ingress: 'web/site', status: '503' }), 1);
    assert.equal(metrics.upstreamErrors.get({ ingress: 'web/site', reason: 'timeout' }), 1);
    assert.equal(metrics.upstreamErrors.get({ ingress: 'web/site', reason: 'error' }), 1);
    assert.ok(metrics.upstreamDuration.count({ ingress: 'web/site' }) >= 8);
  });

  it('retries a body-less request once when a reused backend connection was closed', async () => {
    const flaky = backends[3];
    for (let i = 0; i < 3; i++) assert.equal((await request(listener!.port, { host: 'app.example.com', path: '/flaky' })).status, 201, `request ${i}`);
    // Every request after the first found its kept-alive connection dropped and went again on a new one.
    assert.deepEqual([flaky.seen.length, flaky.connections], [3, 3]);
    // ... while a request with a body is not replayed: 502.
    assert.equal((await request(listener!.port, { host: 'app.example.com', path: '/flaky', method: 'POST', body: 'once' })).status, 502);
  });

  it('joins an upgraded connection to the backend byte for byte; 404/503 for upgrades with nowhere to go', async () => {
    const upgrade = (host: string, p: string) =>
      new Promise<{ status: number; socket?: Duplex; backend?: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: listener!.port, path: p, headers: { host, connection: 'Upgrade', upgrade: 'echo' }, agent: false });
        req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, socket, backend: String(res.headers['x-backend']) }));
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0 });
        });
        req.on('error', reject);
        req.end();
      });
    const up = await upgrade('app.example.com', '/ws');
    assert.equal(up.status, 101);
    assert.match(up.backend!, /^a[12]$/);
    const echoed = await new Promise<string>((resolve) => {
      up.socket!.once('data', (d: Buffer) => resolve(d.toString()));
      up.socket!.write('ping');
    });
    assert.equal(echoed, 'PING');
    const seen = [...backends[0].seen, ...backends[1].seen].find((x) => x.url === '/ws')!;
    assert.deepEqual([seen.headers.upgrade, seen.headers.connection, seen.headers.host, seen.headers['x-forwarded-for']], ['echo', 'Upgrade', 'app.example.com', '127.0.0.1']);
    up.socket!.destroy();
    assert.equal((await upgrade('nowhere.example.com', '/ws')).status, 404);
    assert.equal((await upgrade('app.example.com', '/empty')).status, 503);
  });

  it('answers 400 to a malformed request and keeps serving', async () => {
    const net = await import('node:net');
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect(listener!.port, '127.0.0.1', () => s.write('NOT HTTP AT ALL\r\n\r\n'));
      let out = '';
      s.on('data', (d) => (out += d.toString()));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    assert.match(reply, /^HTTP\/1.1 400 Bad Request/);
    assert.equal((await request(listener!.port, { host: 'app.example.com', path: '/' })).status, 201);
  });
});
