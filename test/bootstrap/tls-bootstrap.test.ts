// TLS bootstrapping end to end on one machine: a real etcd and apiserver, the controller-manager's
// certificate controllers, and a real kubelet process (with a real containerd in its own netns)
// that has nothing but a bootstrap token. It gets its client certificate through a
// CertificateSigningRequest, registers its Node as system:node:<name>, and rotates the
// certificate through a new request made with the current one. The signing duration is 1 minute:
// with upstream's 5-minute backdating of notBefore a certificate lives 6 minutes, and the kubelet's
// 70–90 % jitter puts its renewal between 48 s before and 24 s after the issue (one already due is
// renewed at once, as upstream's kubelet does), so the rotation test waits seconds, not minutes.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KObject, Node } from '../../lib/api/types';
import { Resources } from '../../lib/api/resources';
import { ApiError } from '../../lib/errors';
import { GrpcApiClient } from '../../lib/client/grpc-client';
import { renderKubeconfig } from '../../lib/client/kubeconfig';
import { createBootstrapToken } from '../../lib/client/bootstrap-join';
import { createCsrPem } from '../../lib/pki/x509/csr';
import { controllerManagerFlags } from '../../controller-manager/flags';
import { startControllerManager } from '../../controller-manager/start';
import { startTestApiserver, type TestApiserver } from '../helpers/apiserver';
import { startNodeEnv, type NodeEnv } from '../kubelet/node-env';
import { Kubectl } from '../harness/kubectl';
import { run, waitFor } from '../harness/exec';
import { freePort } from '../helpers/etcd';
import * as tls from 'node:tls';

type Csr = KObject & { spec: { username?: string; signerName?: string; groups?: string[] }; status?: { conditions?: { type: string; reason?: string }[]; certificate?: string } };

const certOf = (c: Csr) => new crypto.X509Certificate(Buffer.from(c.status!.certificate!, 'base64'));

describe('TLS bootstrapping (apiserver + csrapproving/csrsigning/tokencleaner + kubelet)', function () {
  this.timeout(600_000);
  let api: TestApiserver;
  let env: NodeEnv | undefined;
  let cm: { stop(): Promise<void> } | undefined;
  let kubelet: ChildProcess | undefined;
  let kubectl: Kubectl;
  const nodeName = `tls-node-${crypto.randomBytes(3).toString('hex')}`;
  let expired = '';
  let token = '';
  let work = '';
  let kubeletPort = 0;

  before(async () => {
    api = await startTestApiserver({ name: 'tls-bootstrap' });
    work = path.join(api.dir, 'work');
    fs.mkdirSync(work);
    const admin = path.join(work, 'admin.kubeconfig');
    fs.writeFileSync(admin, renderKubeconfig({ server: `https://127.0.0.1:${api.api.securePort}`, ca: api.certs.ca, cert: api.certs.clientCert, key: api.certs.clientKey, user: 'admin' }));
    kubectl = new Kubectl(admin);
  });

  // A failure shows what the kubelet said (its log goes with the temp dir).
  afterEach(function () {
    const log = path.join(work, 'kubelet.log');
    if (this.currentTest?.state === 'failed' && fs.existsSync(log)) console.error(fs.readFileSync(log, 'utf8').split('\n').slice(-40).join('\n'));
  });

  after(async () => {
    if (kubelet && kubelet.exitCode === null) {
      const exited = new Promise((r) => kubelet!.once('exit', r));
      kubelet.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (kubelet.exitCode === null) kubelet.kill('SIGKILL');
    }
    await cm?.stop();
    await env?.teardown();
    await api?.stop();
  });

  const kubectlAs = (tok: string, args: string[]) =>
    run(['kubectl', '--server', `https://127.0.0.1:${api.api.securePort}`, '--certificate-authority', path.join(api.dir, 'ca.pem'), '--token', tok, ...args], { check: false });
  const tokenClient = (tok: string) => new GrpcApiClient({ address: `127.0.0.1:${api.api.grpcPort}`, ca: Buffer.from(api.certs.ca), token: tok });
  const csrs = async () => (await api.client.list<Csr>(Resources.certificatesigningrequests)).items;

  it('refuses an expired bootstrap token with 401 on both doors', async () => {
    // the library helper for the deploy engineer, with a lifetime already over
    expired = await createBootstrapToken(api.client, -60_000);
    const r = await kubectlAs(expired, ['get', 'csr']);
    assert.notEqual(r.code, 0);
    // kubectl's words for a 401 Status
    assert.match(r.stderr, /You must be logged in to the server \(the server has asked for the client to provide credentials\)/);
    const c = tokenClient(expired);
    try {
      await assert.rejects(c.list(Resources.certificatesigningrequests), (e: unknown) => e instanceof ApiError && e.code === 401 && e.reason === 'Unauthorized');
    } finally {
      c.close();
    }
  });

  it('runs the certificate controllers; tokencleaner removes the expired token', async () => {
    cm = await startControllerManager({
      ...controllerManagerFlags,
      client: api.client,
      leaderElect: false,
      healthPort: 0,
      controllers: ['csrapproving', 'csrsigning', 'tokencleaner'],
      clusterSigningCertFile: path.join(api.dir, 'ca.pem'),
      clusterSigningKeyFile: path.join(api.dir, 'caKey.pem'),
      clusterSigningDuration: '1m',
    });
    await waitFor('expired token secret deleted', async () =>
      api.client.get(Resources.secrets, 'kube-system', `bootstrap-token-${expired.split('.')[0]}`).then(() => false, (e) => e instanceof ApiError && e.code === 404),
    );
  });

  it('lets a bootstrapper create CSRs only: everything else is 403 Forbidden', async () => {
    // the CLI helper the deploy engineer uses: creates the Secret and writes the bootstrap kubeconfig
    const cli = await run([process.execPath, path.join(__dirname, '..', '..', 'cli', 'main.js'), 'token', 'create', '--ttl', '1h', '--kubeconfig', path.join(work, 'admin.kubeconfig'), '--bootstrap-kubeconfig', path.join(work, 'bootstrap.kubeconfig')]);
    token = cli.stdout.trim();
    assert.match(token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const id = token.split('.')[0];
    const r = await kubectlAs(token, ['get', 'pods', '-n', 'default']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`pods is forbidden: User "system:bootstrap:${id}" cannot list resource "pods" in API group "" in the namespace "default"`));
    const c = tokenClient(token);
    try {
      await assert.rejects(c.list(Resources.nodes), (e: unknown) => e instanceof ApiError && e.code === 403 && /nodes is forbidden: User "system:bootstrap:/.test(e.message));
      await assert.rejects(c.create(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'evil' } } as never), (e: unknown) => e instanceof ApiError && e.code === 403);
      // and it sees CSRs, but only its own (none yet)
      assert.deepEqual((await c.list(Resources.certificatesigningrequests)).items, []);
    } finally {
      c.close();
    }
  });

  it('bootstraps a kubelet: CSR by system:bootstrap:<id>, approved, issued; the Node registered as system:node:<name>', async () => {
    env = await startNodeEnv({ sandboxImage: 'k8ts/pause:1.0' });
    const boot = path.join(work, 'bootstrap.kubeconfig');
    const log = fs.openSync(path.join(work, 'kubelet.log'), 'a');
    kubeletPort = await freePort();
    kubelet = spawn(process.execPath, [
      path.join(__dirname, '..', '..', 'kubelet', 'main.js'),
      '--bootstrap-kubeconfig', boot,
      '--kubeconfig', path.join(work, 'kubelet.kubeconfig'),
      '--cert-dir', path.join(work, 'pki'),
      '--apiserver-grpc', `127.0.0.1:${api.api.grpcPort}`,
      '--node-name', nodeName,
      '--node-ip', '127.0.0.1',
      '--container-runtime-endpoint', `unix://${env.socket}`,
      '--root-dir', env.kubeletRoot,
      '--image-dir', env.imageDir,
      '--cni-conf-dir', env.cniConfDir,
      '--cgroup-root', env.cgroupRoot,
      '--port', String(kubeletPort),
      '--rotate-server-certificates',
    ], { stdio: ['ignore', log, log], env: { ...process.env, K8TS_LOG_LEVEL: 'info' } });
    fs.closeSync(log);
    const node = await waitFor('node registered', () => api.client.get<Node>(Resources.nodes, undefined, nodeName).catch(() => undefined), 120_000);
    assert.equal(node.metadata.name, nodeName);
    const id = token.split('.')[0];
    const mine = (await csrs()).filter((c) => c.spec.username === `system:bootstrap:${id}`);
    assert.equal(mine.length, 1);
    const csr = mine[0];
    assert.equal(csr.spec.signerName, 'kubernetes.io/kube-apiserver-client-kubelet');
    assert.deepEqual(csr.spec.groups, ['system:bootstrappers', 'system:bootstrappers:k8ts:default-node-token', 'system:authenticated']);
    assert.deepEqual(csr.status!.conditions!.map((c) => [c.type, c.reason]), [['Approved', 'AutoApproved']]);
    assert.equal(certOf(csr).subject, `O=system:nodes\nCN=system:node:${nodeName}`);
    // the kubelet holds that certificate: the only credential that can register a Node
    const onDisk = new crypto.X509Certificate(fs.readFileSync(path.join(work, 'pki', 'kubelet-client.crt')));
    assert.equal(onDisk.subject, `O=system:nodes\nCN=system:node:${nodeName}`);
  });

  /** The kubelet's serving certificate as a client verifying it against the cluster CA sees it (as the apiserver does). */
  const servingCert = () =>
    new Promise<tls.PeerCertificate>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: kubeletPort, ca: api.certs.ca, cert: api.certs.clientCert, key: api.certs.clientKey }, () => {
        const c = s.getPeerCertificate();
        s.end();
        resolve(c);
      });
      s.on('error', reject);
    });

  it('gets the kubelet a serving certificate through a kubelet-serving CSR checked against its Node', async () => {
    const csr = await waitFor('serving CSR issued', async () => (await csrs()).find((c) => c.spec.signerName === 'kubernetes.io/kubelet-serving' && c.status?.certificate), 120_000);
    assert.equal(csr.spec.username, `system:node:${nodeName}`);
    assert.deepEqual(csr.status!.conditions!.map((c) => [c.type, c.reason]), [['Approved', 'AutoApproved']]);
    const peer = await waitFor('kubelet API serving', () => servingCert().catch(() => undefined), 60_000);
    assert.equal(peer.subject.CN, `system:node:${nodeName}`);
    assert.match(peer.subjectaltname ?? '', /IP Address:127.0.0.1/);
  });

  it('shows the requests with kubectl get csr, columns as upstream', async () => {
    const out = await kubectl.out(['get', 'csr']);
    const [header, ...rows] = out.trim().split('\n');
    assert.deepEqual(header.split(/\s+/), ['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION']);
    const id = token.split('.')[0];
    const row = rows.find((r) => r.includes(`system:bootstrap:${id}`));
    assert.ok(row, out);
    assert.deepEqual(row!.split(/\s+/).slice(2), ['kubernetes.io/kube-apiserver-client-kubelet', `system:bootstrap:${id}`, '<none>', 'Approved,Issued']);
    // discovery and OpenAPI carry the kind like the others
    assert.match(await kubectl.out(['api-resources', '--api-group=certificates.k8s.io']), /certificatesigningrequests\s+csr\s+certificates.k8s.io\/v1\s+false\s+CertificateSigningRequest/);
    assert.match(await kubectl.out(['explain', 'csr.spec.signerName']), /signerName indicates the requested signer/);
  });

  it('kubectl certificate deny: a manual request is Denied and never issued', async () => {
    const key = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const manifest = {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'alice' },
      spec: {
        request: Buffer.from(createCsrPem({ commonName: 'alice', organizations: ['dev'] }, key)).toString('base64'),
        signerName: 'kubernetes.io/kube-apiserver-client',
        expirationSeconds: 3600,
        usages: ['client auth'],
        username: 'mallory',
      },
    };
    await kubectl.run(['apply', '-f', '-'], JSON.stringify(manifest));
    const pending = await kubectl.json<Csr>(['get', 'csr', 'alice']);
    assert.equal(pending.spec.username, 'admin'); // set by the apiserver, not the client
    assert.match(await kubectl.out(['get', 'csr', 'alice']), /alice\s+\S+\s+kubernetes.io\/kube-apiserver-client\s+admin\s+60m\s+Pending/);
    assert.match(await kubectl.out(['certificate', 'deny', 'alice']), /certificatesigningrequest.certificates.k8s.io\/alice denied/);
    const denied = await kubectl.json<Csr>(['get', 'csr', 'alice']);
    assert.deepEqual(denied.status!.conditions!.map((c) => c.type), ['Denied']);
    assert.match(await kubectl.out(['get', 'csr', 'alice']), /Denied\s*$/);
    // approving it now is refused: kubectl will not, and the apiserver keeps Approved and Denied apart
    const r = await kubectl.run(['certificate', 'approve', 'alice', '--force']).catch((e) => e.result);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /certificate signing request "alice" is already Denied/);
    await assert.rejects(
      api.client.patch(Resources.certificatesigningrequests, undefined, 'alice', 'merge', { status: { conditions: [...denied.status!.conditions!, { type: 'Approved', status: 'True' }] } }, 'approval'),
      (e: unknown) => e instanceof ApiError && e.code === 422 && /Approved and Denied conditions are mutually exclusive/.test(e.message),
    );
    assert.equal((await api.client.get<Csr>(Resources.certificatesigningrequests, undefined, 'alice')).status?.certificate, undefined);
  });

  it('rotates the client certificate through a new CSR made with the current one, and keeps working', async () => {
    const first = new crypto.X509Certificate(fs.readFileSync(path.join(work, 'pki', 'kubelet-client.crt'))).serialNumber;
    const renewal = await waitFor('a renewal CSR by the node itself, issued', async () => (await csrs()).find((c) => c.spec.username === `system:node:${nodeName}` && c.status?.certificate), 300_000, 1000);
    assert.deepEqual(renewal.status!.conditions!.map((c) => [c.type, c.reason]), [['Approved', 'AutoApproved']]);
    const second = await waitFor('the kubelet switched to a new certificate', async () => {
      const s = new crypto.X509Certificate(fs.readFileSync(path.join(work, 'pki', 'kubelet-client.crt'))).serialNumber;
      return s !== first ? s : undefined;
    }, 120_000);
    assert.notEqual(second, first);
    // still the node: its Lease keeps being renewed with the new certificate
    const lease = () => api.client.get<KObject>(Resources.leases, 'kube-node-lease', nodeName);
    const before = (await lease()).metadata.resourceVersion;
    await waitFor('node lease renewed after rotation', async () => (await lease()).metadata.resourceVersion !== before, 120_000);
    assert.equal(kubelet!.exitCode, null, 'the kubelet did not restart');
    // the serving certificate is renewed the same way, and the server switches to it in place
    const servingSerials = async () => (await csrs()).filter((c) => c.spec.signerName === 'kubernetes.io/kubelet-serving' && c.status?.certificate).map((c) => certOf(c).serialNumber);
    const served = await servingCert();
    await waitFor('a renewed serving certificate in use', async () => {
      const serials = await servingSerials();
      const now = (await servingCert()).serialNumber;
      return serials.length >= 2 && now !== served.serialNumber && serials.includes(now);
    }, 300_000, 1000);
  });
});
