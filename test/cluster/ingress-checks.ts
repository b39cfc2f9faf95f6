// Ingress checks for test/cluster/cluster.test.ts's three-machine cluster (cp, w1, w2, installed by
// `k8ts deploy`, where the `ingress` component listens on ports 80 and 443 of every node's
// address): an IngressClass of controller k8ts.io/ingress, two k8ts/web Deployments behind two
// Services, a kubernetes.io/tls Secret for alpha.example (from a CA this test makes) and one
// Ingress with two hosts, one of them with two paths. From a client pod on every node, busybox
// wget asks every node's address with each Host header over HTTP; from this host, HTTPS on every
// node presents the Secret's certificate for SNI alpha.example (verified against the test's CA)
// and routes by host and path. The Ingress's
// status lists the three node addresses. Nothing leaves the machines this test started.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCa, ensureServingCert } from '../../lib/pki';
import { waitFor } from '../harness/exec';
import type { MachineCluster } from './machine-cluster';
import type { ClusterCheck } from './service-networking';

const NS = 'ingress-check';
const NODES = ['cp', 'w1', 'w2'];

const web = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${NS}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - {name: web, image: 'k8ts/web:1.0', ports: [{containerPort: 8080}], resources: {requests: {cpu: 10m, memory: 8Mi}}}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${NS}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;

/** A client pod pinned to `node`. */
const client = (node: string) => `apiVersion: v1
kind: Pod
metadata: {name: client-${node}, namespace: ${NS}, labels: {app: client}}
spec:
  nodeName: ${node}
  tolerations: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
  containers: [{name: c, image: 'k8ts/web:1.0'}]
`;

const INGRESS = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: k8ts}
spec: {controller: k8ts.io/ingress}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: two-hosts, namespace: ${NS}}
spec:
  ingressClassName: k8ts
  tls:
    - hosts: [alpha.example]
      secretName: alpha-tls
  rules:
    - host: alpha.example
      http:
        paths:
          # busybox httpd serves the page at / and at /index.html: the Exact path goes to web-b
          - {path: /index.html, pathType: Exact, backend: {service: {name: web-b, port: {name: http}}}}
          - {path: /, pathType: Prefix, backend: {service: {name: web-a, port: {number: 80}}}}
    - host: beta.example
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web-b, port: {number: 80}}}}
`;

/** HTTPS GET to `address`:443 with SNI and Host `host`, the server's certificate verified against `ca`. */
function httpsGet(address: string, host: string, ca: string, urlPath = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: address, port: 443, path: urlPath, servername: host, headers: { host }, ca, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error(`https://${address} (${host}): timed out`)));
    req.on('error', reject);
  });
}

/** The ingress checks, in order, against the cluster `cluster()` returns when a check runs. */
export function ingressChecks(cluster: () => MachineCluster): ClusterCheck[] {
  const pods: Record<string, string> = {};
  let caPem = '';
  const checks: ClusterCheck[] = [];
  const it = (title: string, fn: () => Promise<void>) => void checks.push({ title, fn });
  /** busybox wget in a client pod; the exit status comes back in the output, never as a throw. */
  const wget = (node: string, args: string) =>
    cluster().kubectl.out(['exec', '-n', NS, `client-${node}`, '--', 'sh', '-c', `timeout 10 busybox wget -qO- ${args} 2>&1; echo "exit=$?"`]);
  const answer = (out: string) => out.replace(/\s*exit=0\s*$/, '').trim();

  it('Ingress: runs two web Services, a TLS Secret, an Ingress of two hosts and a client pod on every node', async () => {
    const c = cluster();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-ingress-check-'));
    try {
      const ca = await ensureCa(dir);
      const leaf = await ensureServingCert(dir, ca, 'alpha', 'alpha.example', ['alpha.example']);
      caPem = ca.cert;
      await c.kubectl.out(['create', 'namespace', NS]);
      await c.kubectl.out(['create', 'secret', 'tls', 'alpha-tls', '-n', NS, `--cert=${leaf.certFile}`, `--key=${leaf.keyFile}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const manifest = [web('web-a'), web('web-b'), INGRESS, ...NODES.map((n) => client(n))].join('---\n');
    await c.kubectl.out(['apply', '-f', '-'], manifest);
    for (const d of ['web-a', 'web-b']) {
      await c.kubectl.out(['rollout', 'status', '-n', NS, `deployment/${d}`, '--timeout=240s']);
      pods[d] = (await c.kubectl.out(['get', 'pods', '-n', NS, '-l', `app=${d}`, '-o', 'jsonpath={.items[*].metadata.name}'])).trim();
      assert.match(pods[d], /^web-[ab]-[a-z0-9-]+$/, `one ${d} pod`);
    }
    await c.kubectl.out(['wait', '-n', NS, '--for=condition=Ready', 'pod', '-l', 'app=client', '--timeout=240s']);
  });

  it('routes two hosts and two paths over HTTP on every node, from a pod on every node', async () => {
    const c = cluster();
    // every controller rebuilds its table from its informers: wait until each routes the first host
    for (const m of NODES.map((n) => c.machine(n))) {
      await waitFor(`${m.name}: alpha.example routed`, async () => answer(await wget('cp', `--header 'Host: alpha.example' http://${m.address}/`)) === `hello from ${pods['web-a']}`, 120_000);
    }
    for (const from of NODES) {
      for (const m of NODES.map((n) => c.machine(n))) {
        const at = `from ${from} to ${m.name}`;
        assert.equal(answer(await wget(from, `--header 'Host: alpha.example' http://${m.address}/`)), `hello from ${pods['web-a']}`, at);
        assert.equal(answer(await wget(from, `--header 'Host: alpha.example' http://${m.address}/index.html`)), `hello from ${pods['web-b']}`, `${at}: the Exact path wins`);
        assert.equal(answer(await wget(from, `--header 'Host: beta.example' http://${m.address}/`)), `hello from ${pods['web-b']}`, at);
        assert.match(await wget(from, `--header 'Host: gamma.example' http://${m.address}/`), /404 Not Found[\s\S]*exit=1/, `${at}: no rule, no default backend`);
      }
    }
  });

  it('serves HTTPS with the Secret’s certificate chosen by SNI on every node', async () => {
    const c = cluster();
    for (const m of NODES.map((n) => c.machine(n))) {
      // verified against the test's CA: the certificate is the Secret's
      assert.equal(await httpsGet(m.address, 'alpha.example', caPem), `hello from ${pods['web-a']}`, m.name);
      assert.equal(await httpsGet(m.address, 'alpha.example', caPem, '/index.html'), `hello from ${pods['web-b']}`, `${m.name}: the Exact path wins`);
      // beta.example has no certificate: the controller's generated default, not signed by our CA
      await assert.rejects(httpsGet(m.address, 'beta.example', caPem), /self[- ]signed|unable to verify|certificate/i, m.name);
    }
    // (not from the pods: busybox 1.35's TLS client in the k8ts/web image offers no cipher suite
    // and signature algorithm that Node's TLS server accepts — "no shared cipher")
  });

  it('publishes the three node addresses in the Ingress status', async () => {
    const c = cluster();
    const want = NODES.map((n) => c.machine(n).address).sort();
    await waitFor('status.loadBalancer.ingress with every node address', async () => {
      const ing = await c.kubectl.json<{ status?: { loadBalancer?: { ingress?: { ip?: string }[] } } }>(['get', 'ingress', '-n', NS, 'two-hosts']);
      return (ing.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').sort().join() === want.join();
    }, 60_000);
  });

  return checks;
}
