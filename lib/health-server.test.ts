import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { alwaysOk, readiness, route, standardProbes, startHealthServer, type HealthRoutes, type HealthServer } from './health-server';
import { EXPOSITION_CONTENT_TYPE, MetricsRegistry, processMetrics } from './metrics/prometheus';
import { ensureCa, ensureServingCert } from './pki';

describe('lib/health-server', () => {
  let ready = false;
  const registry = new MetricsRegistry();
  registry.gauge('demo_leader', 'Whether this instance leads.').set({}, 1);
  // A family in the process-wide registry, as shared-library code records them.
  processMetrics.counter('health_server_test_total', 'Recorded by the health server test.').inc();
  const standard: HealthRoutes = { probes: standardProbes(() => ready), metrics: registry };
  const proxyHealth: HealthRoutes = { probes: { '/healthz': () => ({ code: 503, body: '{"lastUpdated":null}', type: 'application/json' }) } };

  const cases: [string, string, string, HealthRoutes, number, RegExp, string?][] = [
    ['livez', 'GET', '/livez', standard, 200, /^ok$/],
    ['healthz', 'GET', '/healthz', standard, 200, /^ok$/],
    ['readyz while not ready', 'GET', '/readyz', standard, 503, /^not ready$/],
    ['a query string is ignored', 'GET', '/livez?verbose', standard, 200, /^ok$/],
    ['HEAD', 'HEAD', '/livez', standard, 200, /^ok$/],
    ['metrics: the component registry, then the process-wide one', 'GET', '/metrics', standard, 200, /^# HELP demo_leader [^]*\ndemo_leader 1\n[^]*^health_server_test_total 1$/m, EXPOSITION_CONTENT_TYPE],
    ['an unknown path', 'GET', '/configz', standard, 404, /404 page not found/],
    ['a write to a probe', 'POST', '/livez', standard, 405, /method not allowed/],
    ['a probe the component left out', 'GET', '/readyz', proxyHealth, 404, /404/],
    ['no registry, no /metrics', 'GET', '/metrics', proxyHealth, 404, /404/],
    ["a component's own probe answer", 'GET', '/healthz', proxyHealth, 503, /^\{"lastUpdated":null\}$/, 'application/json'],
    ['a probe that throws is a 500, not a crash', 'GET', '/livez', { probes: { '/livez': () => { throw new Error('stats unreadable'); } } }, 500, /internal error: stats unreadable/],
  ];
  for (const [name, method, url, routes, code, body, type] of cases) {
    it(`route: ${name}`, () => {
      const r = route(method, url, routes);
      assert.equal(r.code, code);
      assert.match(r.body, body);
      if (type) assert.equal(r.type, type);
    });
  }

  it('readiness follows its predicate', () => {
    let ok = false;
    const probe = readiness(() => ok);
    assert.equal(probe().code, 503);
    ok = true;
    assert.deepEqual(probe(), { code: 200, body: 'ok' });
    assert.deepEqual(alwaysOk(), { code: 200, body: 'ok' });
  });

  describe('serving', () => {
    const servers: HealthServer[] = [];
    const dirs: string[] = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => s.stop()));
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    });

    const get = (mod: typeof http | typeof https, port: number, p: string, o: https.RequestOptions = {}) =>
      new Promise<{ code: number; type: string; body: string }>((resolve, reject) => {
        mod.get({ host: '127.0.0.1', port, path: p, ...o }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
        }).on('error', reject);
      });

    it('over HTTP: probes and metrics; stop() ends keep-alive connections', async () => {
      const s = await startHealthServer({ port: 0, host: '127.0.0.1', ...standard });
      servers.push(s);
      const agent = new http.Agent({ keepAlive: true });
      try {
        assert.equal((await get(http, s.port, '/readyz', { agent })).code, 503);
        ready = true;
        assert.equal((await get(http, s.port, '/readyz', { agent })).code, 200);
        const m = await get(http, s.port, '/metrics', { agent });
        assert.equal(m.type, EXPOSITION_CONTENT_TYPE);
        assert.match(m.body, /^demo_leader 1$/m);
        // The agent still holds an idle connection: stop() must not wait for it.
        await s.stop();
        servers.pop();
        await assert.rejects(get(http, s.port, '/livez'), /ECONNREFUSED/);
      } finally {
        agent.destroy();
        ready = false;
      }
    });

    it('over HTTPS with a serving certificate', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-health-'));
      dirs.push(dir);
      const ca = await ensureCa(dir);
      const cert = await ensureServingCert(dir, ca, 'serving', 'health-test', ['127.0.0.1']);
      const s = await startHealthServer({ port: 0, host: '127.0.0.1', tls: { cert: cert.cert, key: cert.key }, ...standard });
      servers.push(s);
      const r = await get(https, s.port, '/livez', { ca: ca.cert });
      assert.deepEqual([r.code, r.body], [200, 'ok']);
    });

    it('a port already taken fails the start with the bind error', async () => {
      const s = await startHealthServer({ port: 0, host: '127.0.0.1', ...standard });
      servers.push(s);
      await assert.rejects(startHealthServer({ port: s.port, host: '127.0.0.1', ...standard }), /EADDRINUSE/);
    });
  });
});
