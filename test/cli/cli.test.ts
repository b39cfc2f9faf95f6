// The CLI against a fake HTTPS apiserver: discovery and its cache, Tables, Status errors, apply's
// create/unchanged/configured, scale, delete with waiting, watch, describe, manifest errors.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import { LAST_APPLIED } from '../../cli/merge-patch';
import { makeTestCerts } from '../helpers/certs';
import { FakeApiserver } from './fake-apiserver';
import { cli, startCli, until } from './run';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: k8ts/web:1.0
`;

describe('k8ts CLI against a fake apiserver', function () {
  this.timeout(30_000);
  let dir: string;
  let server: FakeApiserver;
  let env: Record<string, string>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-cli-'));
    const certs = await makeTestCerts(dir);
    server = new FakeApiserver({ ca: certs.ca, cert: certs.serverCert, key: certs.serverKey });
    await server.start();
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      renderKubeconfig({ server: `https://127.0.0.1:${server.port}`, ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, user: 'admin' }),
    );
    env = { HOME: dir, KUBECONFIG: kubeconfig };
  });
  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints version from the server', async () => {
    const r = await cli(['version'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Client Version: v\d+\.\d+\.\d+\nServer Version: v1\.32\.0-k8ts\n$/);
  });

  it('says so when there is nothing to list', async () => {
    const r = await cli(['get', 'pods'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'No resources found in default namespace.\n');
  });

  it('prints the server Table with aligned columns, caching discovery per server', async () => {
    server.put('pods', { metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } }, status: { phase: 'Running', podIP: '10.244.1.5' } });
    server.put('pods', { metadata: { name: 'db', namespace: 'other' }, status: { phase: 'Pending' } });
    const r = await cli(['get', 'po'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'NAME    READY   STATUS    AGE\nweb-1   1/1     Running   0s\n');
    const tableGet = server.requests.filter((q) => q.path === '/api/v1/namespaces/default/pods').pop()!;
    assert.match(tableGet.accept, /as=Table;v=v1;g=meta\.k8s\.io/);
    const cacheFiles = fs.readdirSync(path.join(dir, '.k8ts', 'cache', 'discovery'));
    assert.deepEqual(cacheFiles, [`127.0.0.1_${server.port}.json`]);

    const before = server.requests.filter((q) => q.path === '/api').length;
    const wide = await cli(['get', 'pods', '-o', 'wide', '-A', '--show-labels'], env);
    assert.equal(server.requests.filter((q) => q.path === '/api').length, before, 'discovery came from the cache');
    assert.equal(
      wide.stdout,
      'NAMESPACE   NAME    READY   STATUS    AGE   IP           LABELS\n' +
        'default     web-1   1/1     Running   0s    10.244.1.5   app=web\n' +
        'other       db      1/1     Pending   0s    <none>       <none>\n',
    );
  });

  it('turns Status errors into kubectl messages and exit code 1', async () => {
    const r = await cli(['get', 'pod', 'missing'], env);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (NotFound): pods "missing" not found\n');
    server.failures.set('GET /api/v1/namespaces/default/services', { code: 403, reason: 'Forbidden', message: 'services is forbidden: User "admin" cannot list' });
    const f = await cli(['get', 'svc'], env);
    server.failures.clear();
    assert.equal(f.code, 1);
    assert.equal(f.stderr, 'Error from server (Forbidden): services is forbidden: User "admin" cannot list\n');
  });

  it('rejects unknown types after refreshing discovery', async () => {
    const before = server.requests.filter((q) => q.path === '/api').length;
    const r = await cli(['get', 'widgets'], env);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: the server doesn\'t have a resource type "widgets"\n');
    assert.equal(server.requests.filter((q) => q.path === '/api').length, before + 1, 'a miss refetches discovery');
  });

  it('applies: created, unchanged, configured with a three-way patch', async () => {
    const file = path.join(dir, 'deploy.yaml');
    fs.writeFileSync(file, DEPLOY);
    const c = await cli(['apply', '-f', file], env);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, 'deployment.apps/web created\n');
    const live = server.objects.get('deployments/default/web');
    assert.equal(JSON.parse(live.metadata.annotations[LAST_APPLIED]).spec.replicas, 3);

    // Server-side defaults and other writers' fields must not count as changes.
    live.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    live.status = { readyReplicas: 3 };
    const u = await cli(['apply', '-f', file], env);
    assert.equal(u.stdout, 'deployment.apps/web unchanged\n');

    fs.writeFileSync(file, DEPLOY.replace('replicas: 3', 'replicas: 4').replace(', tier: front', ''));
    const m = await cli(['apply', '-f', file], env);
    assert.equal(m.stdout, 'deployment.apps/web configured\n');
    const patch = server.requests.filter((q) => q.method === 'PATCH').pop()!;
    assert.equal(patch.contentType, 'application/merge-patch+json');
    assert.equal(patch.body.spec.replicas, 4);
    assert.deepEqual(patch.body.metadata.labels, { tier: null });
    assert.equal(server.objects.get('deployments/default/web').status.readyReplicas, 3);
  });

  it('applies from stdin and reports manifest errors with file and line', async () => {
    const ok = await cli(['apply', '-f', '-'], env, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n');
    assert.equal(ok.stdout, 'service/web created\n');
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, `${DEPLOY}---\napiVersion: v1\nmetadata:\n  name: x\n`);
    const r = await cli(['apply', '-f', bad], env);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `error: ${bad}:16: object is missing "kind"\n`);
  });

  it('gets objects as yaml, json and names', async () => {
    const y = await cli(['get', 'deploy', 'web', '-o', 'yaml'], env);
    assert.equal(y.code, 0, y.stderr);
    const doc = YAML.parse(y.stdout);
    assert.equal(doc.kind, 'Deployment');
    assert.equal(doc.spec.replicas, 4);
    const j = JSON.parse((await cli(['get', 'pods', '-A', '-o', 'json'], env)).stdout);
    assert.equal(j.kind, 'List');
    assert.deepEqual(j.items.map((i: any) => `${i.kind}/${i.metadata.name}`), ['Pod/web-1', 'Pod/db']);
    const n = await cli(['get', 'deploy,svc', '-o', 'name'], env);
    assert.equal(n.stdout, 'deployment.apps/web\nservice/web\n');
  });

  it('prints several types with kind-prefixed names', async () => {
    const r = await cli(['get', 'deploy,pods'], env);
    assert.equal(r.code, 0, r.stderr);
    const [deploys, pods] = r.stdout.split('\n\n');
    assert.match(deploys, /^NAME\s+READY\s+AGE\ndeployment\.apps\/web\s+3\/4\s+\S+$/);
    assert.match(pods, /^NAME\s+READY\s+STATUS\s+AGE\npod\/web-1\s+/);
  });

  it('scales through the scale subresource', async () => {
    const r = await cli(['scale', 'deploy/web', '--replicas=5'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deployment.apps/web scaled\n');
    const p = server.requests.filter((q) => q.method === 'PATCH').pop()!;
    assert.equal(p.path, '/apis/apps/v1/namespaces/default/deployments/web/scale');
    assert.deepEqual(p.body, { spec: { replicas: 5 } });
    assert.equal((await cli(['scale', 'deploy/web'], env)).code, 1);
  });

  it('describes a pod with its events', async () => {
    server.put('events', {
      metadata: { name: 'web-1.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'uid-web-1' },
      type: 'Normal',
      reason: 'Scheduled',
      message: 'Successfully assigned default/web-1 to node-1',
      source: { component: 'default-scheduler' },
      count: 1,
      lastTimestamp: new Date().toISOString(),
    });
    server.put('events', {
      metadata: { name: 'other.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'other', namespace: 'default' },
      type: 'Warning',
      reason: 'Failed',
      message: 'not this one',
    });
    const r = await cli(['describe', 'pod', 'web-1'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+web-1\nNamespace:\s+default\n/);
    assert.match(r.stdout, /\nStatus:\s+Running\n/);
    assert.match(r.stdout, /\nIP:\s+10\.244\.1\.5\n/);
    assert.match(r.stdout, /\nEvents:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n {2}----\s+------\s+----\s+----\s+-------\n {2}Normal\s+Scheduled\s+\d+s\s+default-scheduler\s+Successfully assigned default\/web-1 to node-1\n$/);
    assert.doesNotMatch(r.stdout, /not this one/);
    const evq = server.requests.filter((q) => q.path === '/api/v1/namespaces/default/events').pop()!;
    assert.equal(evq.query.get('fieldSelector'), 'involvedObject.name=web-1,involvedObject.namespace=default,involvedObject.uid=uid-web-1');
  });

  it('watches: prints new rows as objects change', async () => {
    server.put('pods', { metadata: { name: 'web-1', namespace: 'default' }, status: { phase: 'Running' } });
    const run = startCli(['get', 'pods', '-w'], env);
    await until(() => run.stdout().includes("web-1") && server.watcherCount() === 1);
    server.put('pods', { metadata: { name: 'web-2', namespace: 'default' }, status: { phase: 'Pending' } });
    await until(() => run.stdout().includes('web-2'));
    run.abort();
    const r = await run.result;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[2], /^web-2 {3}1\/1 {5}Pending {3}\d+s$/);
    assert.match(server.requests.filter((q) => q.query.get('watch')).pop()!.query.get('resourceVersion') ?? '', /^\d+$/);
  });

  it('deletes and waits until the object is gone', async () => {
    server.delayedDeletes.set('web-2', 300);
    const run = startCli(['delete', 'pod', 'web-2'], env);
    await until(() => run.stdout().length > 0);
    assert.equal(run.stdout(), 'pod "web-2" deleted\n');
    assert.ok(server.objects.has('pods/default/web-2'), 'still terminating while the CLI waits');
    const r = await run.result;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!server.objects.has('pods/default/web-2'));
    const del = server.requests.find((q) => q.method === 'DELETE')!;
    assert.equal(del.body.propagationPolicy, 'Background');
    const w = server.requests.filter((q) => q.query.get('watch')).pop()!;
    assert.equal(w.query.get('fieldSelector'), 'metadata.name=web-2');
  });

  it('deletes what a manifest names, and reports missing objects', async () => {
    const r = await cli(['delete', '-f', path.join(dir, 'deploy.yaml')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deployment.apps "web" deleted\n');
    const again = await cli(['delete', 'deploy', 'web'], env);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'Error from server (NotFound): deployments.apps "web" not found\n');
    assert.equal((await cli(['delete', 'deploy', 'web', '--ignore-not-found'], env)).code, 0);
  });

  it('explains usage and connection errors without stack traces', async () => {
    const u = await cli(['frobnicate'], env);
    assert.equal(u.code, 1);
    assert.equal(u.stderr, 'error: unknown command "frobnicate" for "k8ts"\nSee \'k8ts help\' for usage.\n');
    const h = await cli(['help'], env);
    assert.match(h.stdout, /apply -f/);

    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const cfg = fs.readFileSync(env.KUBECONFIG, 'utf8').replace(`127.0.0.1:${server.port}`, `127.0.0.1:${port}`);
    const other = path.join(dir, 'refused.kubeconfig');
    fs.writeFileSync(other, cfg);
    const c = await cli(['get', 'pods', '--kubeconfig', other], env);
    assert.equal(c.code, 1);
    assert.equal(c.stderr, `The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?\n`);
  });
});
