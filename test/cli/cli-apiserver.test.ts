// The CLI against the real apiserver (REST door) over a throwaway etcd: apply's create /
// unchanged / configured with real defaulting, Tables, scale, describe, delete with waiting.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import { startApiserver, type RunningApiserver } from '../../apiserver/server';
import { makeTestCerts } from '../helpers/certs';
import { freePort, startEtcd, type TestEtcd } from '../helpers/etcd';
import { cli } from './run';

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: k8ts/web:1.0
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('k8ts CLI against the real apiserver and etcd', function () {
  this.timeout(120_000);
  let dir: string;
  let etcd: TestEtcd | undefined;
  let apiserver: RunningApiserver | undefined;
  let env: Record<string, string>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-cli-real-'));
    const certs = await makeTestCerts(dir);
    etcd = await startEtcd();
    apiserver = await startApiserver({
      etcdServers: [etcd.endpoint],
      etcdPrefix: '/registry',
      bindAddress: '127.0.0.1',
      securePort: await freePort(), // bootstrap publishes it in the kubernetes Endpoints: no 0 here
      grpcPort: 0,
      advertiseAddress: '127.0.0.1',
      tlsCertFile: path.join(dir, 'server.crt'),
      tlsPrivateKeyFile: path.join(dir, 'server.key'),
      clientCaFile: path.join(dir, 'ca.crt'),
      serviceClusterIpRange: '10.96.0.0/16',
      serviceNodePortRange: '30000-32767',
      logLevel: 'error',
    });
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      renderKubeconfig({ server: `https://127.0.0.1:${apiserver.securePort}`, ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, user: 'admin' }),
    );
    env = { HOME: dir, KUBECONFIG: kubeconfig };
  });
  after(async () => {
    await apiserver?.stop();
    await etcd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies a Deployment and a Service, then finds nothing to change', async () => {
    const file = path.join(dir, 'app.yaml');
    fs.writeFileSync(file, APP);
    const c = await cli(['apply', '-f', file], env);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, 'deployment.apps/web created\nservice/web created\n');
    const u = await cli(['apply', '-f', file], env);
    assert.equal(u.code, 0, u.stderr);
    assert.equal(u.stdout, 'deployment.apps/web unchanged\nservice/web unchanged\n');
    fs.writeFileSync(file, APP.replace('replicas: 3', 'replicas: 2').replace('  labels: {app: web}\n', ''));
    const m = await cli(['apply', '-f', file], env);
    assert.equal(m.code, 0, m.stderr);
    assert.equal(m.stdout, 'deployment.apps/web configured\nservice/web unchanged\n');
    const live = JSON.parse((await cli(['get', 'deploy', 'web', '-o', 'json'], env)).stdout);
    assert.equal(live.spec.replicas, 2);
    assert.equal(live.metadata.labels?.app, undefined, 'label removed from the config is removed live');
  });

  it('lists with server Tables', async () => {
    const d = await cli(['get', 'deployments'], env);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout.split('\n')[0], /^NAME\s+READY/);
    assert.match(d.stdout.split('\n')[1], /^web\s+/);
    const s = await cli(['get', 'svc', '-A'], env);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP/);
    assert.match(s.stdout, /\ndefault\s+kubernetes\s+ClusterIP\s+10\.96\.0\.1\s/);
    assert.match(s.stdout, /\ndefault\s+web\s+NodePort\s+10\.96\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP/);
    const p = await cli(['get', 'pods'], env);
    assert.equal(p.stderr, 'No resources found in default namespace.\n');
  });

  it('scales and describes', async () => {
    const s = await cli(['scale', 'deployment/web', '--replicas=5'], env);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(s.stdout, 'deployment.apps/web scaled\n');
    const d = await cli(['describe', 'deploy', 'web'], env);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /\nReplicas:\s+5 desired \|/);
    assert.match(d.stdout, /\n {6}Image:\s+k8ts\/web:1\.0\n/);
    const svc = await cli(['describe', 'svc', 'web'], env);
    assert.equal(svc.code, 0, svc.stderr);
    assert.match(svc.stdout, /\nType:\s+NodePort\n/);
  });

  it('deletes, waits, and reports NotFound afterwards', async () => {
    const r = await cli(['delete', '-f', path.join(dir, 'app.yaml')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deployment.apps "web" deleted\nservice "web" deleted\n');
    const g = await cli(['get', 'deploy', 'web'], env);
    assert.equal(g.code, 1);
    assert.equal(g.stderr, 'Error from server (NotFound): deployments.apps "web" not found\n');
  });
});
