// Port-forward through the apiserver to the kubelet, end to end on a whole cluster in its own
// netns: kubectl's WebSocket-tunneled SPDY transport (kubectl 1.32's default), its plain SPDY
// upgrade (the fallback, forced here), and a closed port reported on the error stream; then the
// official clients' form: @kubernetes/client-node's PortForward (v4.channel.k8s.io with `ports`),
// the base64 variant with several ports, and bad `ports` refused with a Status.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { up, down, type ClusterInfo, type ClusterOptions } from '../../deploy/cluster/cluster';
import { Kubectl } from '../harness/kubectl';
import { run, waitFor } from '../harness/exec';
import { inNetns, type NetnsResult } from './netns-client';

const podYaml = `
apiVersion: v1
kind: Pod
metadata: {name: pf-web}
spec:
  containers:
  - name: web
    image: k8ts/web:1.0
    ports: [{containerPort: 8080}]
`;

interface Forward {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
}

describe('kubelet server: kubectl port-forward through the apiserver', function () {
  // The home directory is made in before(), so that loading this file creates nothing.
  const opts: ClusterOptions = {
    home: '',
    netns: `k8ts-pf-${randomBytes(3).toString('hex')}`,
    nodeName: 'pf-node-1',
  };
  let info: ClusterInfo;
  let k: Kubectl;
  const forwards: Forward[] = [];

  /** Starts kubectl port-forward in the cluster netns and waits until it listens. */
  async function forward(ports: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []): Promise<Forward> {
    const child = spawn('ip', ['netns', 'exec', opts.netns!, 'kubectl', '--kubeconfig', info.kubeconfig, 'port-forward', 'pod/pf-web', ports, ...extra], {
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const f = { child, stdout: () => out, stderr: () => err };
    forwards.push(f);
    await waitFor(`port-forward ${ports} listening`, async () => {
      if (child.exitCode !== null) throw new Error(`kubectl exited ${child.exitCode}: ${err}`);
      return out.includes(`Forwarding from 127.0.0.1:${ports.split(':')[0]}`);
    }, 30_000, 200);
    return f;
  }

  async function stop(f: Forward): Promise<number | null> {
    if (f.child.exitCode !== null) return f.child.exitCode;
    const closed = new Promise<number | null>((resolve) => f.child.on('close', (c) => resolve(c)));
    f.child.kill('SIGINT');
    const t = setTimeout(() => f.child.kill('SIGKILL'), 10_000);
    const code = await closed;
    clearTimeout(t);
    return code;
  }

  const curl = (port: number) => run(['curl', '-sS', '--max-time', '10', `http://127.0.0.1:${port}/`], { netns: info.netns, check: false });

  before(async function () {
    opts.home = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-pf-'));
    info = await up(opts);
    k = new Kubectl(info.kubeconfig, info.netns);
    await k.run(['apply', '-f', '-'], podYaml);
    await waitFor('pf-web running', async () => {
      const p = await k.json<{ status: { phase?: string; containerStatuses?: { ready: boolean }[] } }>(['get', 'pod', 'pf-web']);
      return p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.ready;
    }, 120_000, 500);
  });

  after(async function () {
    for (const f of forwards) await stop(f).catch(() => undefined);
    await down(opts, { purge: true }).catch(() => undefined);
    if (opts.home) fs.rmSync(opts.home, { recursive: true, force: true });
  });

  it('forwards two connections over the WebSocket-tunneled SPDY transport', async () => {
    const f = await forward('18080:8080');
    for (let i = 0; i < 2; i++) {
      const r = await curl(18080);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /hello from pf-web/);
    }
    assert.equal((f.stdout().match(/Handling connection for 18080/g) ?? []).length, 2);
    await stop(f);
  });

  it('carries a body far larger than one SPDY window intact', async () => {
    const sum = (await k.out(['exec', 'pf-web', '--', 'sh', '-c', 'head -c 3000000 /dev/urandom > /tmp/www/big.bin && md5sum /tmp/www/big.bin'])).split(' ')[0];
    const f = await forward('18083:8080');
    const r = await run(['sh', '-c', 'curl -sS --max-time 30 http://127.0.0.1:18083/big.bin | md5sum'], { netns: info.netns });
    assert.equal(r.stdout.split(' ')[0], sum);
    await stop(f);
  });

  it('forwards over a plain SPDY/3.1 upgrade when kubectl does not tunnel', async () => {
    const f = await forward('18081:8080', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
    for (let i = 0; i < 2; i++) {
      const r = await curl(18081);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /hello from pf-web/);
    }
    await stop(f);
  });

  it('reports a closed pod port on the error stream', async () => {
    const f = await forward('18082:9999');
    const r = await curl(18082);
    assert.notEqual(r.code, 0);
    await waitFor('the forwarding error', async () => /error forwarding port 9999 to pod default\/pf-web: .*ECONNREFUSED/.test(f.stderr()), 15_000, 200);
    await stop(f);
  });

  const PF = '/api/v1/namespaces/default/pods/pf-web/portforward';
  const GET = 'GET / HTTP/1.0\r\n\r\n';
  const le = (port: number) => Buffer.from([port & 0xff, port >> 8]).toString('base64');
  const text = (r: NetnsResult, ch: number) => (r.kind === 'channels' ? (r.channels[ch] ?? []).slice(1).map((b) => Buffer.from(b, 'base64').toString()).join('') : '');

  it('@kubernetes/client-node PortForward (v4.channel.k8s.io, ports) reaches the pod through the apiserver', async () => {
    const r = await inNetns(info.netns!, { kind: 'client-node-forward', kubeconfig: info.kubeconfig, namespace: 'default', pod: 'pf-web', port: 8080, send: GET });
    assert.equal(r.kind, 'client-node-forward');
    if (r.kind !== 'client-node-forward') return;
    assert.match(r.output, /^HTTP\/1\.[01] 200 OK\r\n/);
    assert.match(r.output, /hello from pf-web/);
    assert.equal(r.error, '');
    assert.equal(r.closeCode, 1000, 'the kubelet closes once the pod connection has ended');
  });

  it('@kubernetes/client-node PortForward gets a closed port on the error channel', async () => {
    const r = await inNetns(info.netns!, { kind: 'client-node-forward', kubeconfig: info.kubeconfig, namespace: 'default', pod: 'pf-web', port: 9999, send: GET });
    assert.equal(r.kind, 'client-node-forward');
    if (r.kind !== 'client-node-forward') return;
    assert.equal(r.output, '');
    assert.match(r.error, /^error forwarding port 9999 to pod default\/pf-web: .*ECONNREFUSED/);
  });

  it('v4.base64.channel.k8s.io with two ports, comma-separated or repeated: port numbers first, then data and errors', async () => {
    for (const query of ['ports=8080,9999', 'ports=8080&ports=9999']) {
      const r = await inNetns(info.netns!, { kind: 'channels', kubeconfig: info.kubeconfig, path: `${PF}?${query}`, protocols: ['v4.base64.channel.k8s.io'], send: [{ channel: 0, data: GET }] });
      assert.equal(r.kind, 'channels', JSON.stringify(r));
      if (r.kind !== 'channels') return;
      assert.equal(r.protocol, 'v4.base64.channel.k8s.io');
      assert.deepEqual([0, 1, 2, 3].map((ch) => r.channels[ch]?.[0]), [le(8080), le(8080), le(9999), le(9999)], query);
      assert.match(text(r, 0), /hello from pf-web/);
      assert.equal(text(r, 1), '');
      assert.match(text(r, 3), /^error forwarding port 9999 to pod default\/pf-web: .*ECONNREFUSED/);
      assert.equal(r.closeCode, 1000);
    }
  });

  it('refuses bad ports: the apiserver with a BadRequest Status, the kubelet when none are given', async () => {
    const bad = await inNetns(info.netns!, { kind: 'channels', kubeconfig: info.kubeconfig, path: `${PF}?ports=http`, protocols: ['v4.channel.k8s.io'], send: [] });
    assert.equal(bad.kind, 'channels-refused');
    if (bad.kind !== 'channels-refused') return;
    assert.equal(bad.status, 400);
    const status = JSON.parse(bad.body!);
    assert.equal(status.kind, 'Status');
    assert.equal(status.reason, 'BadRequest');
    assert.match(status.message, /cannot convert to \[\]int32: strconv\.ParseUint: parsing "http": invalid syntax/);
    const none = await inNetns(info.netns!, { kind: 'channels', kubeconfig: info.kubeconfig, path: PF, protocols: ['v4.channel.k8s.io'], send: [] });
    assert.deepEqual(none, { kind: 'channels-refused', status: 400, body: 'query parameter "ports" is required' });
  });
});
