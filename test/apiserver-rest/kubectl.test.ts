// The REST door driven by the real kubectl 1.32 (and raw HTTPS for bad input), against the
// in-memory fake registry and, when it loads, the real registry over a throwaway etcd.
import { strict as assert } from 'node:assert';
import * as https from 'node:https';
import YAML from 'yaml';
import { startRestHarness, type RestHarness } from './harness';
import { etcdRegistry, fakeRegistry, type RegistryUnderTest } from './registry-under-test';
import { rawRequest } from './https-request';
import { FakeRegistry } from './fake-registry';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: k8ts/web:1.0
        ports:
        - containerPort: 8080
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
`;

function kubectlSuite(label: string, make: () => Promise<RegistryUnderTest>): void {
  describe(`REST door with kubectl (${label} registry)`, function () {
    this.timeout(120_000);
    let rut: RegistryUnderTest | undefined;
    let h: RestHarness;
    const ok = async (args: string[], stdin?: string): Promise<string> => {
      const r = await h.kubectl(args, stdin);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    };
    const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer) =>
      rawRequest(h.port, { method, path, headers, body, ca: h.ca, cert: h.admin.cert, key: h.admin.key });

    before(async function () {
      rut = await make();
      h = await startRestHarness(rut.registry, rut.etcdHealthy);
      // The real registry wants the namespace to exist; the fake does not care.
      await rawRequest(h.port, {
        method: 'POST', path: '/api/v1/namespaces', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }), ca: h.ca, cert: h.admin.cert, key: h.admin.key,
      });
    });
    after(async () => {
      await h?.stop();
      await rut?.stop();
    });

    it('kubectl version', async () => {
      const out = await ok(['version']);
      assert.match(out, /Server Version: v1\.32\.0-k8ts/);
    });

    it('kubectl api-resources', async () => {
      const out = await ok(['api-resources']);
      assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod$/m);
      assert.match(out, /^nodes\s+no\s+v1\s+false\s+Node$/m);
    });

    it('kubectl create -f / apply -f', async () => {
      assert.match(await ok(['create', '-f', '-'], DEPLOYMENT), /deployment\.apps\/web created/);
      assert.match(await ok(['apply', '-f', '-'], SERVICE), /service\/web created/);
      const again = await h.kubectl(['create', '-f', '-'], DEPLOYMENT);
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /AlreadyExists/);
    });

    it('kubectl get: table, wide, yaml, json, name, -l', async () => {
      const table = await ok(['get', 'deployments']);
      assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
      assert.match(table, /^web\s+\d+\/3\s+/m);
      const wide = await ok(['get', 'deployment', 'web', '-o', 'wide']);
      assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
      assert.match(wide, /web\s+k8ts\/web:1\.0\s+app=web/);
      const y = YAML.parse(await ok(['get', 'deployment', 'web', '-o', 'yaml']));
      assert.equal(y.kind, 'Deployment');
      assert.equal(y.spec.replicas, 3);
      assert.ok(y.metadata.uid);
      // The etcd registry is bootstrapped like a cluster, so the `kubernetes` Service is there too.
      const j = JSON.parse(await ok(['get', 'services', '-o', 'json']));
      assert.equal(j.kind, 'List');
      const web = j.items.filter((i: any) => i.metadata.name !== 'kubernetes');
      assert.deepEqual(web.map((i: any) => i.metadata.name), ['web']);
      assert.equal(web[0].spec.ports[0].targetPort, 8080);
      const names = (await ok(['get', 'deploy,svc', '-o', 'name'])).trim().split('\n').filter((n) => n !== 'service/kubernetes');
      assert.deepEqual(names, ['deployment.apps/web', 'service/web']);
      assert.equal((await ok(['get', 'svc', '-l', 'app=web', '-o', 'name'])).trim(), 'service/web');
      const none = await h.kubectl(['get', 'svc', '-l', 'app=nope']);
      assert.equal(none.code, 0);
      assert.match(none.stderr, /No resources found in default namespace/);
      const all = await ok(['get', 'deployments', '-A']);
      assert.match(all, /^NAMESPACE\s+NAME/m);
      assert.match(all, /^default\s+web\s/m);
    });

    it('kubectl scale deployment --replicas=5 (scale subresource)', async () => {
      assert.match(await ok(['scale', 'deployment', 'web', '--replicas=5']), /deployment\.apps\/web scaled/);
      assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']), '5');
    });

    it('kubectl apply of a changed manifest patches it', async () => {
      assert.match(await ok(['apply', '-f', '-'], DEPLOYMENT.replace('replicas: 3', 'replicas: 2')), /deployment\.apps\/web configured/);
      assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']), '2');
      assert.match(await ok(['apply', '-f', '-'], SERVICE), /service\/web unchanged/);
    });

    it('kubectl get -w streams changes as table rows', async () => {
      const watching = h.kubectl(['get', 'deployments', '-w', '--request-timeout=6s']);
      await new Promise((r) => setTimeout(r, 1500));
      await ok(['scale', 'deployment', 'web', '--replicas=4']);
      const r = await watching;
      assert.match(r.stdout, /^NAME\s+READY/m);
      assert.match(r.stdout, /^web\s+\d+\/4\s/m);
    });

    it('kubectl delete', async () => {
      assert.match(await ok(['delete', 'deployment', 'web']), /deployment\.apps "web" deleted/);
      assert.match(await ok(['delete', '-f', '-'], SERVICE), /service "web" deleted/);
      const gone = await h.kubectl(['get', 'deployment', 'web']);
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /NotFound/);
    });

    describe('bad input', () => {
      const statusOf = (r: { code: number; json(): any }, code: number, reason: string) => {
        assert.equal(r.code, code);
        const s = r.json();
        assert.equal(s.kind, 'Status');
        assert.equal(s.code, code);
        assert.equal(s.reason, reason);
        return s;
      };
      const pods = '/api/v1/namespaces/default/pods';

      it('malformed JSON and YAML are 400', async () => {
        statusOf(await raw('POST', pods, { 'Content-Type': 'application/json' }, '{"apiVersion":"v1",'), 400, 'BadRequest');
        statusOf(await raw('POST', pods, { 'Content-Type': 'application/yaml' }, 'metadata: [1, 2\n'), 400, 'BadRequest');
        statusOf(await raw('POST', pods, { 'Content-Type': 'application/json' }, '[1,2]'), 400, 'BadRequest');
      });

      it('invalid pods are 422 naming the field', async () => {
        const noContainers = statusOf(
          await raw('POST', pods, { 'Content-Type': 'application/json' }, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } })),
          422, 'Invalid',
        );
        assert.ok(noContainers.details.causes.some((c: any) => c.field === 'spec.containers'), JSON.stringify(noContainers));
        const badName = statusOf(
          await raw('POST', pods, { 'Content-Type': 'application/yaml' }, 'apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec:\n  containers: [{name: c, image: x}]\n'),
          422, 'Invalid',
        );
        assert.ok(badName.details.causes.some((c: any) => c.field === 'metadata.name'), JSON.stringify(badName));
      });

      it('unknown resources and paths are 404, wrong verbs 405', async () => {
        statusOf(await raw('GET', '/api/v1/namespaces/default/foos'), 404, 'NotFound');
        statusOf(await raw('GET', '/api/v1/namespaces/default/pods/p/nosuchsub'), 404, 'NotFound');
        // Outside every served group kube-apiserver has no REST routes: Go's plain-text 404.
        for (const path of ['/apis/nope.example.com/v1/things', '/nothing/here']) {
          const r = await raw('GET', path);
          assert.equal(r.code, 404, path);
          assert.equal(r.body, '404 page not found\n', path);
        }
        statusOf(await raw('PUT', pods, { 'Content-Type': 'application/json' }, '{}'), 405, 'MethodNotAllowed');
        statusOf(await raw('POST', '/api/v1/namespaces/default/pods/p', { 'Content-Type': 'application/json' }, '{}'), 405, 'MethodNotAllowed');
      });

      it('oversized bodies are 413, apply-patch 415, namespace mismatch 400', async () => {
        const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'a'.repeat(3 * 1024 * 1024 + 10) } });
        statusOf(await raw('POST', '/api/v1/namespaces/default/configmaps', { 'Content-Type': 'application/json' }, big), 413, 'RequestEntityTooLarge');
        statusOf(await raw('PATCH', `${pods}/p`, { 'Content-Type': 'application/apply-patch+yaml' }, 'a: 1'), 415, 'UnsupportedMediaType');
        statusOf(
          await raw('POST', pods, { 'Content-Type': 'application/json' }, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'other' }, spec: {} })),
          400, 'BadRequest',
        );
      });

      it('requests without a client certificate are 401, health probes answer anonymously', async () => {
        const anon = await rawRequest(h.port, { method: 'GET', path: '/api/v1/pods', ca: h.ca });
        statusOf(anon, 401, 'Unauthorized');
        for (const p of ['/healthz', '/livez', '/readyz']) {
          const r = await rawRequest(h.port, { method: 'GET', path: p, ca: h.ca });
          assert.equal(r.code, 200, p);
          assert.equal(r.body, 'ok');
        }
      });

      it('the server keeps serving afterwards', async () => {
        const v = await raw('GET', '/version');
        assert.equal(v.code, 200);
        assert.equal(v.json().gitVersion, 'v1.32.0-k8ts');
        assert.match(await ok(['get', 'pods']), /^$/);
      });
    });
  });
}

kubectlSuite('fake', fakeRegistry);
kubectlSuite('etcd', etcdRegistry);

describe('REST watch lifecycle (fake registry)', function () {
  this.timeout(30_000);
  it('stops the registry watch when the client goes away, and honours timeoutSeconds', async () => {
    const reg = new FakeRegistry();
    const h = await startRestHarness(reg);
    try {
      const lines: string[] = [];
      const req = https.request({
        host: '127.0.0.1', port: h.port, path: '/api/v1/namespaces/default/configmaps?watch=true', ca: h.ca, cert: h.admin.cert, key: h.admin.key, agent: false,
      });
      const opened = new Promise<void>((resolve) => req.on('response', (res) => {
        assert.equal(res.statusCode, 200);
        res.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
        resolve();
      }));
      req.end();
      await opened;
      assert.equal(reg.watchCount(), 1);
      const created = await rawRequest(h.port, {
        method: 'POST', path: '/api/v1/namespaces/default/configmaps', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' }, data: { a: 'b' } }), ca: h.ca, cert: h.admin.cert, key: h.admin.key,
      });
      assert.equal(created.code, 201);
      for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const ev = JSON.parse(lines[0]);
      assert.equal(ev.type, 'ADDED');
      assert.equal(ev.object.metadata.name, 'c1');
      req.destroy();
      for (let i = 0; i < 50 && reg.watchCount() > 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(reg.watchCount(), 0);

      // timeoutSeconds ends the stream cleanly (and stops the registry watch).
      const t = await rawRequest(h.port, { method: 'GET', path: '/api/v1/configmaps?watch=1&timeoutSeconds=1', ca: h.ca, cert: h.admin.cert, key: h.admin.key });
      assert.equal(t.code, 200);
      assert.equal(JSON.parse(t.body.trim().split('\n')[0]).type, 'ADDED');
      assert.equal(reg.watchCount(), 0);
    } finally {
      await h.stop();
    }
  });
});
