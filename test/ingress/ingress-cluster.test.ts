// The ingress controller as deployed in a real single-node cluster (deploy/cluster up, in its own
// network namespace): the `ingress` component listens on the node address, ports 80 and 443.
// With the real kubectl: an IngressClass of controller k8ts.io/ingress, two k8ts/web Deployments
// (one pod each) behind two Services, a kubernetes.io/tls Secret (made by `kubectl create secret
// tls` from a certificate of a CA this test makes) and one Ingress with two hosts, one of them with
// two paths. curl, run inside the namespace, asks the node address with different Host headers
// (and over HTTPS with SNI) and each answer names the pod it should come from; the Ingress's
// status lists the node address. Nothing leaves the machine.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ensureCa, ensureServingCert } from '../../lib/pki';
import { run, waitFor } from '../harness/exec';
import { singleNodeCluster } from '../harness/single-node';

const NS = 'ingress-e2e';

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
        - name: web
          image: k8ts/web:1.0
          ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${NS}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;

const MANIFEST = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: k8ts}
spec: {controller: k8ts.io/ingress}
---
${web('web-a')}---
${web('web-b')}---
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

describe('the ingress controller deployed in a single-node cluster', function () {
  this.timeout(600_000);
  const c = singleNodeCluster('ingress');
  const pods: Record<string, string> = {};
  let caFile = '';

  /** curl inside the cluster's namespace; the exit code is returned, not thrown. */
  const curl = (args: string[]) => run(['curl', '-sS', '--max-time', '10', ...args], { netns: c.info.netns, check: false });
  const viaHost = async (host: string, p: string) => {
    const r = await curl(['-H', `Host: ${host}`, `http://${c.info.nodeIp}:80${p}`]);
    return r.code === 0 ? r.stdout.trim() : `curl ${r.code}: ${r.stderr.trim()}`;
  };

  before(async function () {
    const pki = path.join(c.opts.home, 'test-tls');
    const ca = await ensureCa(pki);
    const leaf = await ensureServingCert(pki, ca, 'alpha', 'alpha.example', ['alpha.example']);
    caFile = ca.certFile;
    await c.k.run(['create', 'namespace', NS]);
    await c.k.run(['create', 'secret', 'tls', 'alpha-tls', '-n', NS, `--cert=${leaf.certFile}`, `--key=${leaf.keyFile}`]);
    await c.k.run(['apply', '-f', '-'], MANIFEST);
    for (const d of ['web-a', 'web-b']) {
      await c.k.run(['rollout', 'status', '-n', NS, `deployment/${d}`, '--timeout=300s']);
      const names = await c.k.out(['get', 'pods', '-n', NS, '-l', `app=${d}`, '-o', 'jsonpath={.items[*].metadata.name}']);
      pods[d] = names.trim();
      assert.match(pods[d], /^web-[ab]-[a-z0-9-]+$/, `one ${d} pod`);
    }
  });

  it('routes by Host header and path to the right pods on the node address, port 80', async () => {
    // The controller rebuilds its table from informers: wait until it routes the first host.
    await waitFor('alpha.example routed to web-a', async () => (await viaHost('alpha.example', '/')) === `hello from ${pods['web-a']}`, 120_000, 1000);
    assert.equal(await viaHost('alpha.example', '/'), `hello from ${pods['web-a']}`);
    assert.equal(await viaHost('alpha.example', '/index.html'), `hello from ${pods['web-b']}`, 'the Exact path wins');
    assert.equal(await viaHost('beta.example', '/'), `hello from ${pods['web-b']}`);
    const none = await curl(['-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: gamma.example', `http://${c.info.nodeIp}/`]);
    assert.equal(none.stdout, '404', 'no rule and no default backend');
  });

  it('serves HTTPS on 443 with the Secret’s certificate chosen by SNI', async () => {
    const ip = c.info.nodeIp;
    // verified against the test's CA: the certificate is the one of the Secret
    const alpha = await curl(['--cacert', caFile, '--resolve', `alpha.example:443:${ip}`, 'https://alpha.example/']);
    assert.equal(alpha.code, 0, alpha.stderr);
    assert.equal(alpha.stdout.trim(), `hello from ${pods['web-a']}`);
    const exact = await curl(['--cacert', caFile, '--resolve', `alpha.example:443:${ip}`, 'https://alpha.example/index.html']);
    assert.equal(exact.stdout.trim(), `hello from ${pods['web-b']}`);
    // beta.example has no certificate: the generated default one, which the test's CA did not sign (curl exit 60)
    const beta = await curl(['--cacert', caFile, '--resolve', `beta.example:443:${ip}`, 'https://beta.example/']);
    assert.equal(beta.code, 60, `${beta.code}: ${beta.stderr}`);
    const betaInsecure = await curl(['-k', '--resolve', `beta.example:443:${ip}`, 'https://beta.example/']);
    assert.equal(betaInsecure.stdout.trim(), `hello from ${pods['web-b']}`);
  });

  it('publishes the node address in the Ingress status, written by the elected instance', async () => {
    const ips = await waitFor(
      'status.loadBalancer.ingress',
      async () => {
        const ing = await c.k.json(['get', 'ingress', '-n', NS, 'two-hosts']);
        const list = (ing.status?.loadBalancer?.ingress ?? []) as { ip?: string }[];
        return list.length > 0 ? list.map((i) => i.ip) : undefined;
      },
      60_000,
    );
    assert.deepEqual(ips, [c.info.nodeIp]);
    const lease = await c.k.json(['get', 'lease', '-n', 'kube-system', 'k8ts-ingress']);
    assert.equal(lease.spec.holderIdentity, c.info.nodeName);
  });
});
